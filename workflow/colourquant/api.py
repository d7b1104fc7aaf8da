"""The workflow's engine in two calls, for a notebook or a script.

:func:`quantize` reduces one image to k colours in one colour space;
:func:`compare` does it for several spaces and k and returns the metrics as a
table (and the comparison figure). Both run exactly what a workflow job runs:
the image is decoded as the ``prepare_image`` job decodes it and reduced to
its distinct colours (:func:`colourquant.colours.distinct_colours`), the fit
settings are validated as the ``fit`` config is
(:class:`colourquant.runs.FitSettings`), and the fits and their metrics come
from :func:`colourquant.runs.kmeans_runs`. The same image, space, k and
settings therefore give the same palette and the same metrics row as
``snakemake`` writes to ``results/<experiment>/metrics.csv`` (up to ``fit_seconds``).

The estimator :class:`colourquant.ColourQuantizer` (module
:mod:`colourquant.estimator`) offers the same fit in scikit-learn's
conventions, to quantize new images with a fitted palette.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .colours import DistinctColours, distinct_colours
from .images import (
    OPAQUE,
    SAMPLE_PREFIX,
    ImageError,
    LoadedImage,
    composite_on_white,
    load_image,
    sample_image,
)
from .runs import RUN_COLUMNS, FitSettings, Run, kmeans_runs
from .spaces import get_space

__all__ = ["Quantization", "quantize", "compare", "read_image"]

# The name of an image given as an array, in the metrics' `image` column.
ARRAY_NAME = "image"


def read_image(image, *, name: str | None = None) -> tuple[LoadedImage, str]:
    """Read an image as the workflow does, from a file, a sample name or an array.

    Parameters
    ----------
    image : str, Path, ndarray or LoadedImage
        - a path to any file the workflow reads (PNG, JPEG, TIFF, WebP, GIF...),
          decoded by :func:`colourquant.images.load_image` (EXIF rotation,
          colour profile to sRGB, transparency composited on white);
        - ``"skimage:<name>"``, one of scikit-image's sample photos;
        - an array of shape (height, width, 3) or (height, width, 4), of
          uint8, of integers in 0 ... 255, or of floats in [0, 1] (rounded to
          the nearest of 256 levels); an alpha channel is composited on white
          by :func:`colourquant.images.composite_on_white`, as for files;
        - an array of shape (n, 3) or (n, 4): a list of colours, taken as an
          image one pixel high;
        - a :class:`colourquant.images.LoadedImage`, used as it is.
    name : str, optional
        The image's name, for messages and the ``image`` column: by default
        the file's stem, the sample's name, or ``"image"`` for an array.

    Returns
    -------
    loaded : LoadedImage
    name : str

    Raises
    ------
    ImageError
        With a one-line message ``image '<name>': ...``: an unreadable file,
        or an array of another shape, type or range.

    Examples
    --------
    >>> import numpy as np
    >>> loaded, name = read_image(np.array([[[1.0, 0.5, 0.0, 0.5]]]))
    >>> loaded.rgb, loaded.alpha, name
    (array([[[255, 191, 127]]], dtype=uint8), 'composited on white', 'image')
    >>> read_image(np.zeros((2, 2, 3)) - 1)
    Traceback (most recent call last):
    ...
    colourquant.images.ImageError: image 'image': float pixels must lie in [0, 1], got -1 ... -1
    """
    if isinstance(image, LoadedImage):
        return image, name or ARRAY_NAME
    if isinstance(image, str) and image.startswith(SAMPLE_PREFIX):
        sample = image.removeprefix(SAMPLE_PREFIX)
        name = name or sample
        return sample_image(sample, name=name), name
    if isinstance(image, (str, Path)):
        name = name or Path(image).stem or str(image)
        return load_image(image, name=name), name
    name = name or ARRAY_NAME
    return _array_image(image, name), name


def _array_image(image, name: str) -> LoadedImage:
    """An array as 8-bit sRGB, refused with a one-line ImageError if it is not an image."""

    def refuse(why):
        raise ImageError(f"image {name!r}: {why}")

    try:
        pixels = np.asarray(image)
    except Exception as error:  # noqa: BLE001 - whatever numpy cannot make an array of
        refuse(f"not an array ({error})")
    shape = pixels.shape
    if pixels.ndim == 2:  # a list of colours: an image one pixel high
        pixels = pixels[np.newaxis]
    if pixels.ndim != 3 or pixels.shape[2] not in (3, 4):
        refuse(
            "expected an array of shape (height, width, 3 or 4) or a list of colours "
            f"(n, 3 or 4), got shape {shape}"
        )
    if pixels.size == 0:
        refuse(f"the image has no pixels (shape {shape})")
    if pixels.dtype == np.uint8:
        pass
    elif pixels.dtype.kind in "iu":
        low, high = pixels.min(), pixels.max()
        if low < 0 or high > 255:
            refuse(f"integer pixels must lie in 0 ... 255, got {low} ... {high}")
        pixels = pixels.astype(np.uint8)
    elif pixels.dtype.kind == "f":
        if not np.isfinite(pixels).all():
            refuse("the pixels contain NaN or infinite values")
        low, high = pixels.min(), pixels.max()
        if low < 0 or high > 1:
            refuse(f"float pixels must lie in [0, 1], got {low:.3g} ... {high:.3g}")
        pixels = np.rint(pixels * 255.0).astype(np.uint8)
    else:
        refuse(f"expected uint8, integer or float pixels, got {pixels.dtype}")
    if pixels.shape[2] == 4:
        rgb, alpha = composite_on_white(pixels)
        return LoadedImage(rgb=rgb, source_mode="RGBA", alpha=alpha)
    return LoadedImage(rgb=np.ascontiguousarray(pixels), source_mode="RGB", alpha=OPAQUE)


def _prepared(loaded: LoadedImage) -> tuple[DistinctColours, dict[str, str]]:
    """The distinct colours and metadata that the ``prepare_image`` job stores."""
    metadata = {
        "source_mode": loaded.source_mode,
        "alpha": loaded.alpha,
        "n_frames": str(loaded.n_frames),
        "colour_profile": loaded.colour_profile,
    }
    return distinct_colours(loaded.rgb), metadata


@dataclass(frozen=True, eq=False, repr=False)
class Quantization:
    """An image reduced to k colours by k-means in one colour space.

    Attributes
    ----------
    name : str
        The image's name (the ``image`` column of `metrics`).
    space : str
        The colour space of the fit.
    k : int
        The number of colours asked for.
    original : ndarray of uint8, shape (height, width, 3)
        The image as it was quantized (8-bit sRGB, alpha composited on white).
    quantized : ndarray of uint8, shape (height, width, 3)
        Each pixel replaced by its palette colour.
    labels : ndarray of unsigned int, shape (height, width)
        Row of `palette` for each pixel.
    palette : ndarray of uint8, shape (k_effective, 3)
        The sRGB colours, clipped to the gamut; fewer than k if the image has
        fewer distinct colours.
    centres : ndarray of float64, shape (k_effective, 3)
        The fitted centres in the fit space (`palette` is their sRGB).
    counts : ndarray of int64, shape (k_effective,)
        Pixels of each palette colour.
    metrics : dict
        The run's metrics row, as the workflow writes it: the columns of
        :data:`colourquant.runs.RUN_COLUMNS` that apply, in that order.
    """

    name: str
    space: str
    k: int
    original: np.ndarray
    quantized: np.ndarray
    labels: np.ndarray
    palette: np.ndarray
    centres: np.ndarray
    counts: np.ndarray
    metrics: dict

    @classmethod
    def _from_run(cls, run: Run, original: np.ndarray) -> Quantization:
        result = run.result
        counts = np.bincount(result.pixel_labels.ravel(), minlength=len(result.palette))
        return cls(
            name=run.row["image"],
            space=run.row["space"],
            k=run.k,
            original=original,
            quantized=result.quantized,
            labels=result.pixel_labels,
            palette=result.palette,
            centres=run.centres,
            counts=counts.astype(np.int64),
            metrics=dict(run.row),
        )

    def __repr__(self) -> str:
        height, width = self.labels.shape
        return (
            f"Quantization(name={self.name!r}, space={self.space!r}, k={self.k}, "
            f"k_effective={len(self.palette)}, shape=({height}, {width}), "
            f"delta_e2000_mean={self.metrics['delta_e2000_mean']:.3g})"
        )


def _space_runs(
    loaded: LoadedImage,
    name: str,
    ks: Sequence[int],
    spaces: Sequence[str],
    settings: FitSettings,
    *,
    verbose: bool = False,
) -> Iterator[Run]:
    """The runs of :func:`colourquant.runs.kmeans_runs`, space after space, with progress.

    `spaces` are names of :data:`colourquant.spaces.SPACES`, as they are spelled there.
    """
    distinct, metadata = _prepared(loaded)
    for space in spaces:
        if verbose:
            print(
                f"{name}: k-means in {space} at k = {', '.join(map(str, ks))} ...",
                file=sys.stderr,
                flush=True,
            )
        started = time.perf_counter()
        for run in kmeans_runs(distinct, space, ks, settings, name=name, metadata=metadata):
            if verbose:
                # The fit's own time, and the wall time of this space so far
                # (fits, scoring and writing the images), each said as such.
                print(
                    f"  {space} k = {run.k}: mean ΔE00 {run.row['delta_e2000_mean']:.2f}; "
                    f"fit {run.row['fit_seconds']:.2f} s; {time.perf_counter() - started:.1f} s "
                    f"since {space} began (fits and scoring)",
                    file=sys.stderr,
                    flush=True,
                )
            yield run


def _as_list(values) -> list:
    return [values] if isinstance(values, (str, int, np.integer)) else list(values)


def quantize(
    image,
    k: int,
    space: str = "Lab",
    *,
    mode: str = "exact",
    seed: int = 0,
    name: str | None = None,
    verbose: bool = False,
    **fit,
) -> Quantization:
    """Reduce an image to `k` colours by k-means in `space`, as the workflow does.

    Parameters
    ----------
    image : str, Path or ndarray
        A file, ``"skimage:<name>"`` or an array; see :func:`read_image`.
    k : int
        Number of colours, at least 1.
    space : str
        A colour space of :data:`colourquant.spaces.SPACES`, e.g. ``"RGB"``,
        ``"Lab"``, ``"OKLab"``, ``"HSV"``.
    mode : {"exact", "sample"}
        ``exact`` minimises the objective over every pixel; ``sample`` fits a
        seeded 5 % pixel sample, as the teaching notebook does.
    seed : int
        Seeds the sample and the k-means++ restarts: the same seed gives the
        same result.
    name : str, optional
        The image's name in `metrics`; see :func:`read_image`.
    verbose : bool
        Report progress on standard error.
    **fit
        Any other key of the workflow's ``fit`` config
        (:class:`colourquant.runs.FitSettings`): ``n_init``, ``max_iter``,
        ``tol``, ``sample_fraction``, ``grid_cells``, ``max_seed_pixels``,
        ``replicates`` (1 by default, as in the workflow: every fit is
        repeated with ``seed + 1`` to measure what chance alone changes; pass
        ``replicates=0`` to halve the time).

    Returns
    -------
    Quantization

    Raises
    ------
    colourquant.images.ImageError
        If the image cannot be read or is not an image.
    colourquant.config.ConfigError
        For an unknown fit setting or a value out of range.
    ValueError
        For an unknown colour space or a k below 1.

    Examples
    --------
    Three reds and two blues, reduced to two colours:

    >>> import numpy as np
    >>> pixels = np.array([[[250, 0, 0], [240, 10, 0], [245, 5, 0], [0, 0, 250], [0, 10, 240]]],
    ...                   dtype=np.uint8)
    >>> result = quantize(pixels, 2, "Lab")
    >>> result.palette
    array([[245,   5,   0],
           [  0,   5, 245]], dtype=uint8)
    >>> result.counts
    array([3, 2])
    >>> result.labels
    array([[0, 0, 0, 1, 1]], dtype=uint8)
    >>> round(result.metrics["delta_e2000_mean"], 2), result.metrics["k_effective"]
    (0.61, 2)

    Any fit setting of the workflow's config can be passed, and is checked as
    the config is:

    >>> quantize(pixels, 2, n_inits=3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    colourquant.config.ConfigError: unknown key 'fit.n_inits'; known: mode, sample_fraction, ...
    """
    settings = FitSettings.from_config({"mode": mode, "seed": seed, **fit})
    space = get_space(space).name
    loaded, name = read_image(image, name=name)
    (run,) = _space_runs(loaded, name, [k], [space], settings, verbose=verbose)
    return Quantization._from_run(run, loaded.rgb)


def compare(
    image,
    ks: Sequence[int] | int,
    spaces: Sequence[str] | str,
    *,
    seed: int = 0,
    figure: bool = False,
    name: str | None = None,
    verbose: bool = False,
    **fit,
):
    """Quantize an image at every k in every space and tabulate the metrics.

    What a workflow sweep computes for one image, in one call: the rows are
    the metrics rows that ``snakemake`` writes to ``results/<experiment>/metrics.csv``
    for the same image, spaces, k and fit settings (up to ``fit_seconds``).

    Parameters
    ----------
    image : str, Path or ndarray
        A file, ``"skimage:<name>"`` or an array; see :func:`read_image`.
    ks : int or sequence of int
        The numbers of colours.
    spaces : str or sequence of str
        Colour spaces of :data:`colourquant.spaces.SPACES`.
    seed : int
        As in :func:`quantize`.
    figure : bool
        Also draw the workflow's comparison figure
        (:func:`colourquant.comparison_plots.comparison_overview_figure`): the original beside
        its quantized versions, a row per space, a column per k.
    name : str, optional
        The image's name; see :func:`read_image`.
    verbose : bool
        Report progress on standard error: a line per space and per k.
    **fit
        Any other key of the workflow's ``fit`` config, as in :func:`quantize`
        (``mode`` among them).

    Returns
    -------
    table : pandas.DataFrame
        One row per space and k, in the order given; the columns are the
        workflow's :data:`colourquant.runs.RUN_COLUMNS` that apply.
    figure : matplotlib.figure.Figure
        Only with ``figure=True``, as ``(table, figure)``.

    Examples
    --------
    >>> import numpy as np
    >>> pixels = np.array([[[250, 0, 0], [240, 10, 0], [0, 0, 250], [0, 10, 240], [9, 9, 9]]],
    ...                   dtype=np.uint8)
    >>> table = compare(pixels, [2, 3], ["RGB", "Lab"], replicates=0)
    >>> table[["space", "k", "k_effective", "delta_e2000_mean"]].round(2)
      space  k  k_effective  delta_e2000_mean
    0   RGB  2            2             10.86
    1   RGB  3            3              0.61
    2   Lab  2            2             13.83
    3   Lab  3            3              0.61
    """
    settings = FitSettings.from_config({"seed": seed, **fit})
    ks = _as_list(ks)
    spaces = [get_space(space).name for space in _as_list(spaces)]  # unknown names fail first
    loaded, name = read_image(image, name=name)
    rows, quantized = [], {}
    for run in _space_runs(loaded, name, ks, spaces, settings, verbose=verbose):
        rows.append(run.row)
        if figure:
            quantized[run.row["space"], run.k] = _thumbnail(run.result.quantized)
    table = pd.DataFrame(rows)
    table = table[[column for column in RUN_COLUMNS if column in table]]
    if not figure:
        return table
    from .comparison_plots import comparison_overview_figure

    delta_e = {(row["space"], row["k"]): row["delta_e2000_mean"] for row in rows}
    figure = comparison_overview_figure(
        name, _thumbnail(loaded.rgb), quantized, spaces, ks, delta_e=delta_e,
        image_size=loaded.rgb.shape[:2],
    )  # fmt: skip
    return table, figure


def _thumbnail(pixels: np.ndarray) -> np.ndarray:
    """The image as the workflow's comparison figure holds it (a thumbnail)."""
    from .files import thumbnail

    return thumbnail(pixels)
