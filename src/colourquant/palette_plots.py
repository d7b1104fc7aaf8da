"""The cluster-size figure: pixels per cluster, each bar in its centre's colour."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .palette import cluster_counts, share_order
from .plots import FIGURE_WIDTH, report_height_limit, wrap_text

__all__ = ["cluster_sizes_figure", "MAX_BARS"]

#: At most this many bars in a panel of the cluster-size figure: beyond, the
#: smallest clusters are summed into one grey bar.
MAX_BARS = 32


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
    # Wrapped: with one or two spaces the figure is narrower than the title.
    title = f"{image_name}: pixels per cluster{at}, each bar in its cluster's colour"
    figure.suptitle(wrap_text(title, width, 12), fontsize=12)
    return figure
