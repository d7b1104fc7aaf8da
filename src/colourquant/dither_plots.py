"""The dithering figure: one crop of an image, quantized without and with each
dithering, side by side at one k, pixel for pixel.

A dithered image's pattern is finer than a thumbnail: shrunk to the
comparison figures' size it averages back into something like the original.
This figure shows a crop at the image's own resolution, each pixel drawn as a
block, so the reader sees what dithering does to the pixels, next to the
mean ΔE00 it gives the whole image.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .dither import DITHER_NAMES
from .plots import FIGURE_WIDTH, method_label, report_height_limit, wrap_text

__all__ = ["CROP_PIXELS", "DITHER_LABELS", "crop_box", "dither_figure", "variant_figures"]

#: How a figure's panel names each dithering.
DITHER_LABELS = {**DITHER_NAMES, "none": "no dithering"}

#: The side of the crop, in image pixels: at a panel of about 2 inches at
#: 100 dpi each pixel is a block of about 2 x 2 screen pixels.
CROP_PIXELS = 96


def crop_box(height: int, width: int, size: int = CROP_PIXELS) -> tuple[slice, slice]:
    """Rows and columns of the central `size` x `size` crop (the whole image if smaller).

    Examples
    --------
    >>> crop_box(300, 451, 96)
    (slice(102, 198, None), slice(177, 273, None))
    >>> crop_box(20, 30, 96)
    (slice(0, 20, None), slice(0, 30, None))
    """
    rows, columns = min(size, height), min(size, width)
    top, left = (height - rows) // 2, (width - columns) // 2
    return slice(top, top + rows), slice(left, left + columns)


def dither_figure(
    image_name: str,
    original: np.ndarray,
    crops: Mapping[tuple[str, str], np.ndarray],
    rows: Sequence[str],
    dithers: Sequence[str],
    k: int,
    baselines: Sequence[str] = (),
    delta_e: Mapping[tuple[str, str], float] | None = None,
    row_labels: Mapping[str, str] | None = None,
):
    """The original crop, then each row's quantized crop for each dithering, at one k.

    Parameters
    ----------
    image_name : str
    original : ndarray of uint8, shape (h, w, 3)
        The crop of the original (:func:`crop_box`).
    crops : mapping of (row, dithering) to ndarray of uint8, shape (h, w, 3)
        The same crop of each run's quantized image.
    rows : sequence of str
        Colour spaces (k-means), then the other methods in `baselines`.
    dithers : sequence of str
        The columns: ``none`` first, then the dithered variants.
    k : int
    baselines : sequence of str
        The rows that are other methods (labelled in italics).
    delta_e : mapping of (row, dithering) to float, optional
        The whole image's mean ΔE00 of each run, written under its panel.
    row_labels : mapping of str to str, optional
        A method's label, if not its name.
    """
    import matplotlib.pyplot as plt

    n_cols = 1 + len(dithers)
    # As large as fits the report's view, whole (at least an inch: a sweep of
    # many methods scrolls rather than shrinking a crop below its own pixels).
    height_limit = report_height_limit(FIGURE_WIDTH)
    panel = min(2.0, (FIGURE_WIDTH - 1.2) / n_cols, (height_limit - 1.0) / len(rows) - 0.35)
    panel = max(panel, 1.0)
    figure = plt.figure(
        figsize=(FIGURE_WIDTH, 1.0 + len(rows) * (panel + 0.35)), layout="constrained"
    )
    axes = figure.subplots(len(rows), n_cols, squeeze=False)
    for r, row in enumerate(rows):
        label = (row_labels or {}).get(row, method_label(row)) if row in baselines else row
        style = {"fontstyle": "italic"} if row in baselines else {"fontweight": "bold"}
        for c, dither in enumerate(["original", *dithers]):
            axis = axes[r, c]
            axis.set_xticks([])
            axis.set_yticks([])
            if c == 0:
                axis.set_ylabel(label, fontsize=11, **style)
                if r > 0:
                    axis.imshow(np.full_like(original, 255))
                    for side in axis.spines.values():
                        side.set_visible(False)
                    continue
            pixels = original if c == 0 else crops[(row, dither)]
            axis.imshow(pixels, interpolation="nearest")
            if r == 0:
                axis.set_title(DITHER_LABELS[dither] if c else "original", fontsize=11)
            if c and delta_e is not None and (row, dither) in delta_e:
                axis.set_xlabel(f"ΔE00 {delta_e[(row, dither)]:.2f}", fontsize=10)
    height, width = original.shape[:2]
    title = (
        f"{image_name} at k = {k}: a {width} × {height} px crop quantized without "
        "dithering and with each dithering, one screen block per image pixel. "
        "ΔE00: the whole image's mean CIEDE2000 from the original (lower is closer)."
    )
    figure.suptitle(wrap_text(title, FIGURE_WIDTH - 0.3, 11), fontsize=11)
    return figure


def variant_figures(
    image_name: str,
    distinct,
    quantized: Mapping[str, Mapping[str, Mapping[int, str]]],
    metrics,
    spaces: Sequence[str],
    comparison: Mapping[str, int | str],
    baselines: Sequence[str] = (),
    row_labels: Mapping[str, str] | None = None,
):
    """Every figure of one image's dithered variants, as (name, figure, dpi).

    For each variant other than ``none``, the comparison figures of
    :mod:`colourquant.comparison_plots` drawn from its quantized images
    (named ``<comparison name>_<variant>``); for each k, a
    :func:`dither_figure` of all variants (``dithering_k<k>``).

    Parameters
    ----------
    image_name : str
    distinct : DistinctColours
        The image.
    quantized : mapping of dithering to (row to (k to path))
        Each run's quantized PNG; ``none`` first.
    metrics : DataFrame
        The image's runs with a ``dither`` column (``none`` on undithered rows).
    spaces : sequence of str
    comparison : mapping of str to int or "all"
        The comparison figures by name, each with its k (``all``: the overview).
    baselines, row_labels
        As in :func:`colourquant.comparison_plots.comparison_figure`.
    """
    from .colours import rebuild_image
    from .comparison_plots import (
        COMPARISON_DPI,
        comparison_figure,
        comparison_overview_figure,
        delta_e_by_run,
    )
    from .files import read_png_thumbnail, thumbnail
    from .plots import FIGURE_DPI

    pixels = rebuild_image(distinct.colours, distinct.index, distinct.shape)
    original = thumbnail(pixels)
    k_values = [k for k in comparison.values() if k != "all"]
    delta_e = {d: delta_e_by_run(metrics[metrics["dither"] == d]) for d in quantized}
    common = {"baselines": baselines, "image_size": distinct.shape, "row_labels": row_labels}
    for dither, paths in list(quantized.items())[1:]:
        thumbnails = {
            (row, k): read_png_thumbnail(path)
            for row, by_k in paths.items()
            for k, path in by_k.items()
        }
        title = f"{image_name} ({DITHER_LABELS[dither]} dithering)"
        for name, k in comparison.items():
            if k == "all":
                figure = comparison_overview_figure(
                    title, original, thumbnails, spaces, k_values, delta_e=delta_e[dither],
                    per_k_figures=True, **common,
                )  # fmt: skip
            else:
                figure = comparison_figure(
                    title, original, thumbnails, spaces, k, delta_e=delta_e[dither], **common
                )
            yield f"{name}_{dither}", figure, COMPARISON_DPI
    box = crop_box(*distinct.shape)
    for k in k_values:
        crops = {
            (row, dither): _read_crop(by_k[k], box)
            for dither, paths in quantized.items()
            for row, by_k in paths.items()
        }
        figure = dither_figure(
            image_name, pixels[box], crops, [*spaces, *baselines], list(quantized), k,
            baselines, {key: delta_e[key[1]][(key[0], k)] for key in crops}, row_labels,
        )  # fmt: skip
        yield f"dithering_k{k}", figure, FIGURE_DPI


def _read_crop(path: str, box: tuple[slice, slice]) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))[box]
