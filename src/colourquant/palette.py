"""Palettes: order colours by pixel share and draw them as labelled bars."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "share_order",
    "hex_colour",
    "render_palette",
    "cluster_counts",
    "cluster_sizes_k",
    "cluster_sizes_figure",
    "MAX_BARS",
]

#: At most this many bars in a panel of the cluster-size figure: beyond, the
#: smallest clusters are summed into one grey bar.
MAX_BARS = 32


def share_order(shares: np.ndarray) -> np.ndarray:
    """Indices that sort colours by decreasing pixel share (ties keep their order)."""
    return np.argsort(-np.asarray(shares, dtype=np.float64), kind="stable")


def hex_colour(colour: np.ndarray) -> str:
    """``#rrggbb`` of an 8-bit RGB triple."""
    r, g, b = (int(channel) for channel in colour)
    return f"#{r:02x}{g:02x}{b:02x}"


def render_palette(
    colours: np.ndarray, shares: np.ndarray, *, row_height: int = 28, width: int = 420
) -> np.ndarray:
    """Draw a palette: one row per colour, a swatch and a bar as long as its share.

    Rows are ordered by decreasing share; each is labelled with the share in
    percent and the colour's hex code.

    Parameters
    ----------
    colours : ndarray of uint8, shape (k, 3)
    shares : ndarray of float, shape (k,)
        Fraction of pixels of each colour; they sum to 1.

    Returns
    -------
    ndarray of uint8, shape (k * row_height, width, 3)
    """
    from PIL import Image, ImageDraw, ImageFont

    colours = np.asarray(colours, dtype=np.uint8)
    shares = np.asarray(shares, dtype=np.float64)
    if colours.shape != (shares.size, 3):
        raise ValueError(f"{shares.size} shares need colours of shape ({shares.size}, 3)")
    canvas = Image.new("RGB", (width, row_height * shares.size), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default(size=int(row_height * 0.5))
    label_width, swatch = 150, row_height - 6
    bar_space = width - label_width - swatch - 12
    for row, i in enumerate(share_order(shares)):
        top = row * row_height + 3
        fill = tuple(int(c) for c in colours[i])
        draw.rectangle([3, top, 3 + swatch, top + swatch], fill=fill, outline=(60, 60, 60))
        draw.text(
            (swatch + 10, top + swatch / 2),
            f"{100 * shares[i]:5.1f} %  {hex_colour(colours[i])}",
            fill=(20, 20, 20),
            font=font,
            anchor="lm",
        )
        bar_left = label_width + swatch + 8
        bar_length = max(1, round(bar_space * shares[i] / shares.max()))
        draw.rectangle(
            [bar_left, top + 3, bar_left + bar_length, top + swatch - 3],
            fill=fill,
            outline=(60, 60, 60),
        )
    return np.asarray(canvas)


def cluster_counts(shares: np.ndarray, n_pixels: int) -> np.ndarray:
    """Pixels per cluster from pixel shares (as in a run's ``centres.csv``).

    >>> cluster_counts([0.75, 0.25], 8).tolist()
    [6, 2]
    """
    return np.rint(np.asarray(shares, dtype=np.float64) * n_pixels).astype(np.int64)


def cluster_sizes_k(k_values: Sequence[int], n_spaces: int) -> list[int]:
    """The k values of the cluster-size figure: a panel per space at each, 12 panels at most.

    Up to three: the smallest k, the largest and evenly between.

    >>> cluster_sizes_k([2, 3, 4, 5, 6, 8, 10, 12, 16], n_spaces=4)
    [2, 6, 16]
    >>> cluster_sizes_k([2, 3, 4, 5, 6, 8, 10, 12, 16], n_spaces=6)
    [2, 16]
    >>> cluster_sizes_k([4, 2], n_spaces=11)
    [4]
    """
    k_values = sorted(k_values)
    n = min(max(12 // max(n_spaces, 1), 1), 3, len(k_values))
    if n == 1:
        return [k_values[-1]]
    return [k_values[i] for i in np.linspace(0, len(k_values) - 1, n).round().astype(int)]


def _cluster_bars(axis, colours: Sequence[str], counts: np.ndarray, k: int) -> None:
    """Bars of `counts` in `colours`, largest first; beyond MAX_BARS the rest as one grey bar."""
    from matplotlib.ticker import EngFormatter, FuncFormatter, MaxNLocator

    order = share_order(counts)
    counts, colours = np.asarray(counts)[order], [colours[i] for i in order]
    rest = 0
    if len(counts) > MAX_BARS:
        rest, n_rest = counts[MAX_BARS - 1 :].sum(), len(counts) - MAX_BARS + 1
        counts, colours = counts[: MAX_BARS - 1], colours[: MAX_BARS - 1]
    x = np.arange(len(counts))
    axis.bar(x, counts, width=0.8, color=colours, edgecolor="0.35", linewidth=0.6)
    if rest:
        axis.bar([len(counts)], [rest], width=0.8, color="0.85", edgecolor="0.35",
                 linewidth=0.6, hatch="//", gid="rest")  # fmt: skip
        axis.annotate(
            f"{n_rest} smaller\nclusters",
            (len(counts), rest),
            ha="center",
            va="bottom",
            fontsize=8,
            xytext=(0, 2),
            textcoords="offset points",
        )
    # Room for every cluster of k, so that bars of one k are equally wide.
    axis.set_xlim(-0.6, min(k, MAX_BARS) - 0.4)
    axis.xaxis.set_major_locator(MaxNLocator(6, integer=True))
    axis.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{int(x) + 1}"))
    axis.yaxis.set_major_formatter(EngFormatter(sep=""))
    axis.yaxis.set_major_locator(MaxNLocator(4))
    axis.tick_params(labelsize=9)
    axis.grid(True, axis="y", alpha=0.3)
    axis.set_axisbelow(True)


def cluster_sizes_figure(
    image_name: str,
    centres: Mapping[tuple[str, int], pd.DataFrame],
    n_pixels: int,
    spaces: Sequence[str],
    k_values: Sequence[int],
):
    """Pixels per cluster: a panel per colour space (columns) and k (rows).

    Each cluster is a bar as high as its number of pixels, in its centre's
    sRGB colour, largest first. Panels of one k share their y axis. With a
    single k the spaces' panels wrap, four to a row.

    Parameters
    ----------
    image_name : str
    centres : mapping of (space, k) to DataFrame
        Each run's ``centres.csv``: columns ``srgb_hex`` and ``pixel_share``.
    n_pixels : int
        The image's number of pixels.
    spaces, k_values : sequences
        Column and row order (a few k: see :func:`cluster_sizes_k`).
    """
    import matplotlib.pyplot as plt

    from .plots import FIGURE_WIDTH, report_height_limit

    panels = [(space, k) for k in k_values for space in spaces]
    n_cols = len(spaces) if len(k_values) > 1 else min(len(spaces), 4)
    n_rows = -(-len(panels) // n_cols)
    width = min(FIGURE_WIDTH, 1.0 + 2.3 * n_cols)
    figure, axes = plt.subplots(
        n_rows,
        n_cols,
        figsize=(width, min(1.0 + 1.9 * n_rows, report_height_limit(width))),
        sharey="row" if len(k_values) > 1 else True,
        squeeze=False,
        layout="constrained",
    )
    for index, (space, k) in enumerate(panels):
        axis = axes.flat[index]
        axis.set_gid(f"panel:{space}:{k}")
        table = centres[(space, k)]
        counts = cluster_counts(table["pixel_share"], n_pixels)
        _cluster_bars(axis, list(table["srgb_hex"]), counts, k)
        axis.set_title(space, fontsize=10, fontweight="bold")
        if len(table) < k:
            axis.text(0.97, 0.93, f"{len(table)} colours only", transform=axis.transAxes,
                      ha="right", va="top", fontsize=9)  # fmt: skip
        if index % n_cols == 0:
            axis.set_ylabel(f"k = {k}: pixels" if len(k_values) > 1 else "pixels", fontsize=10)
        if index >= len(panels) - n_cols:  # the lowest panel of its column
            axis.set_xlabel("cluster, largest first", fontsize=9)
    for axis in axes.flat[len(panels) :]:
        axis.axis("off")
    for row in axes:
        # Room above the bars (a row shares its y axis).
        row[0].set_ylim(0, 1.15 * max(axis.get_ylim()[1] for axis in row))
    at = f" at k = {k_values[0]}" if len(k_values) == 1 else ""
    figure.suptitle(
        f"{image_name}: pixels per cluster{at}, each bar in its cluster's colour", fontsize=12
    )
    return figure
