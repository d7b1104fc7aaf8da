"""Comparison figures: an image beside its quantized versions, each with its ΔE00.

Two kinds, both fitted to what the report shows at once (see
:data:`colourquant.plots.REPORT_IMAGE_BOX`), whatever the image's shape:

- :func:`comparison_overview_figure`: every colour space (rows) at every k
  (columns), small, for how the image changes with k;
- :func:`comparison_figure`: every colour space at one k, as large as fits, for
  comparing the spaces where they differ.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import zip_longest

import numpy as np
import pandas as pd

from .plots import FIGURE_WIDTH, method_label, report_height_limit, wrap_text

__all__ = [
    "COMPARISON_DPI",
    "PANEL_ASPECT",
    "panel_aspect",
    "grid_shape",
    "delta_e_by_run",
    "comparison_figure",
    "comparison_overview_figure",
    "overview_k_values",
    "OVERVIEW_K_COLUMNS",
]

#: 1,000 pixels wide: about as wide as the report shows it (906 to 1,014
#: px), so nothing is drawn that the reader cannot see; the report embeds
#: every figure, and the default sweep's report stays under 10 MB.
COMPARISON_DPI = 100
#: Panels show an image at its own width / height within this range; a more
#: extreme image is stretched to fit (and the figure says so).
PANEL_ASPECT = (1 / 3, 3.0)
# Room, in inches, for the title above the panels, a panel's own title, and
# the gap around a panel.
_TITLE, _PANEL_TITLE, _GAP = 0.9, 0.3, 0.08
_DELTA_E_BOX = {"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none",
                "alpha": 0.85}  # fmt: skip


def panel_aspect(height: int, width: int) -> float:
    """The width / height at which an image of this size is drawn in a panel.

    Its own, within :data:`PANEL_ASPECT`: a more extreme image is stretched to
    fit (a 1 x 100,000 strip would otherwise make a figure hundreds of
    thousands of pixels wide, or a hairline).

    >>> panel_aspect(300, 451), panel_aspect(1, 100_000)
    (1.5033333333333334, 3.0)
    """
    low, high = PANEL_ASPECT
    return min(max(width / height, low), high)


def grid_shape(
    n_panels: int,
    aspect: float,
    width: float,
    height: float | Callable[[float], float],
    title: float = _PANEL_TITLE,
) -> tuple[int, int, float]:
    """Rows, columns and panel width (inches) that show `n_panels` as large as they fit.

    Each panel is `aspect` times as wide as high, with `title` inches above it
    and a small gap around it, in a `width` x `height` inch area. `height` may
    depend on the width the panels take (a function of it): a figure narrower
    than the report shows it may be less high.

    >>> grid_shape(5, 1.5, 10, 6.3)  # the original and four spaces: 3 x 2
    (2, 3, 3.2533333333333334)
    """
    height_of = height if callable(height) else (lambda _: height)
    best = (1, n_panels, 0.0)
    for cols in range(1, n_panels + 1):
        rows = -(-n_panels // cols)
        panel_width = width / cols - _GAP
        # Narrower panels, a narrower figure, maybe a lower limit: settle.
        for _ in range(4):
            panel_height = height_of(cols * (panel_width + _GAP)) / rows - title - _GAP
            panel_width = min(panel_width, panel_height * aspect)
        if panel_width > best[2]:
            best = (rows, cols, panel_width)
    return best


def delta_e_by_run(metrics: pd.DataFrame) -> dict[tuple[str, int], float]:
    """Each run's mean ΔE00 by its row in the comparison figures and k.

    The row of a k-means run is its colour space, that of a classic quantizer
    its method.
    """
    rows = metrics["space"].where(metrics["method"] == "kmeans", metrics["method"])
    return {
        (row, int(k)): float(value)
        for row, k, value in zip(rows, metrics["k"], metrics["delta_e2000_mean"], strict=True)
    }


def _image_panel(axis, pixels: np.ndarray, aspect: float) -> None:
    # The axes box has the panel's aspect and the image fills it: undistorted
    # unless panel_aspect clamped the image's own.
    axis.imshow(pixels, aspect="auto", interpolation="antialiased")
    axis.set_box_aspect(1 / aspect)
    axis.set_xticks([])
    axis.set_yticks([])


def _name_style(
    name: str, baselines: Sequence[str], labels: Mapping[str, str] | None = None
) -> tuple[str, dict]:
    """A row's label: a colour space in bold, another method in italics."""
    if name in baselines:
        return (labels or {}).get(name, method_label(name)), {"fontstyle": "italic"}
    return name, {"fontweight": "bold"}


def _original_title(width: int, height: int, aspect: float) -> str:
    stretched = "\n(stretched to fit)" if aspect != width / height else ""
    # No-break spaces: a wrapped title keeps the size on one line.
    return f"original, {width:,}\u00a0×\u00a0{height:,}\u00a0px{stretched}"


def _kinds(baselines: Sequence[str]) -> str:
    if baselines:
        return "k-means in each colour space (bold) and other methods (italic)"
    return "k-means in each colour space"


def comparison_figure(
    image_name: str,
    original: np.ndarray,
    quantized: Mapping[tuple[str, int], np.ndarray],
    spaces: Sequence[str],
    k: int,
    baselines: Sequence[str] = (),
    delta_e: Mapping[tuple[str, int], float] | None = None,
    image_size: tuple[int, int] | None = None,
    row_labels: Mapping[str, str] | None = None,
):
    """The original and its quantized versions at one k, each with its ΔE00.

    Panels as large as fit in what the report shows at once
    (:func:`~colourquant.plots.report_height_limit`), in as many rows and
    columns as makes them largest (:func:`grid_shape`).

    Parameters
    ----------
    image_name : str
    original : ndarray of uint8, shape (height, width, 3)
        The original image, usually a thumbnail.
    quantized : mapping of (space or baseline, k) to ndarray of uint8
    spaces : sequence of str
        The k-means panels' order.
    k : int
    baselines : sequence of str
        Other methods, after the colour spaces.
    delta_e : mapping of (space or baseline, k) to float, optional
        Each run's mean CIEDE2000 from the original (``delta_e2000_mean``),
        written on its panel.
    image_size : (height, width), optional
        The full image's size, if `original` is a thumbnail.
    row_labels : mapping of str to str, optional
        The label of a method's panels, if not its name (say, with the
        colour space a clusterer ran in).
    """
    import matplotlib.pyplot as plt

    height, width = image_size or original.shape[:2]
    aspect = panel_aspect(height, width)
    names = ["original", *spaces, *baselines]
    n_rows, n_cols, panel_width = grid_shape(
        len(names),
        aspect,
        FIGURE_WIDTH - 0.2,
        lambda panels_width: report_height_limit(panels_width + 0.2, COMPARISON_DPI) - _TITLE,
    )
    figure_width = n_cols * (panel_width + _GAP) + 0.2
    figure = plt.figure(
        figsize=(
            figure_width,
            _TITLE + n_rows * (panel_width / aspect + _PANEL_TITLE + _GAP),
        ),
        layout="constrained",
    )
    axes = figure.subplots(n_rows, n_cols, squeeze=False)
    for axis, name in zip_longest(axes.flat, names):
        if name is None:
            axis.axis("off")
            continue
        if name == "original":
            _image_panel(axis, original, aspect)
            axis.set_title(
                wrap_text(_original_title(width, height, aspect), panel_width, 10), fontsize=10
            )
            continue
        axis.set_gid(f"panel:{name}:{k}")
        _image_panel(axis, quantized[(name, k)], aspect)
        label, style = _name_style(name, baselines, row_labels)
        axis.set_title(label, fontsize=11, **style)
        if delta_e is not None and (name, k) in delta_e:
            axis.text(0.03, 0.05, f"ΔE00 {delta_e[(name, k)]:.2f}", fontsize=10,
                      transform=axis.transAxes, bbox=_DELTA_E_BOX)  # fmt: skip
    title = (
        f"{image_name} with k = {k} colours: {_kinds(baselines)}.\n"
        "ΔE00: mean CIEDE2000 colour difference from the original "
        "(lower is closer; about 1 is just noticeable)."
    )
    figure.suptitle(wrap_text(title, figure_width - 0.3, 11), fontsize=11)
    return figure


#: The most k an overview shows where per-k figures exist (the workflow's):
#: with 9 k, panels were 80 x 55 px on a 1366 x 768 screen; with 5, about 130 x 90.
OVERVIEW_K_COLUMNS = 5


def overview_k_values(k_values: Sequence[int], max_columns: int | None) -> list[int]:
    """At most `max_columns` of `k_values`, evenly spread, the smallest and largest always.

    Examples
    --------
    >>> overview_k_values([2, 3, 4, 5, 6, 8, 10, 12, 16], 5)
    [2, 4, 6, 10, 16]
    >>> overview_k_values([2, 4, 8], 5), overview_k_values([2, 4, 8], None)
    ([2, 4, 8], [2, 4, 8])
    """
    k_values = list(k_values)
    if max_columns is None or len(k_values) <= max_columns:
        return k_values
    chosen = np.linspace(0, len(k_values) - 1, max_columns).round().astype(int)
    return [k_values[i] for i in dict.fromkeys(chosen.tolist())]


def comparison_overview_figure(
    image_name: str,
    original: np.ndarray,
    quantized: Mapping[tuple[str, int], np.ndarray],
    spaces: Sequence[str],
    k_values: Sequence[int],
    baselines: Sequence[str] = (),
    delta_e: Mapping[tuple[str, int], float] | None = None,
    image_size: tuple[int, int] | None = None,
    row_labels: Mapping[str, str] | None = None,
    per_k_figures: bool = False,
):
    """The original beside every quantized version: a row per space, a column per k.

    Small panels, each with its ΔE00 (one decimal), fitted to what the report
    shows at once (:func:`~colourquant.plots.report_height_limit`); the
    original, larger, spans the rows on the left. :func:`comparison_figure`
    shows one k large.

    Parameters are those of :func:`comparison_figure`, with every k in
    `k_values` (columns) instead of one, and `per_k_figures`: whether a
    figure of each k is made beside this one (the workflow's), which the title
    then points to. Then the overview shows at most :data:`OVERVIEW_K_COLUMNS`
    of the k (:func:`overview_k_values`), so that its panels stay readable
    on a laptop's screen, and its title says which.
    """
    swept = list(k_values)
    k_values = overview_k_values(swept, OVERVIEW_K_COLUMNS if per_k_figures else None)
    import matplotlib.pyplot as plt

    height, width = image_size or original.shape[:2]
    aspect = panel_aspect(height, width)
    rows = [*spaces, *baselines]
    n_rows, n_k = len(rows), len(k_values)
    # The row names, written across, need about 0.9 in; the original gets
    # 1.6 panels' width, and at least enough for its title.
    label_width, original_width = 0.9, 1.3

    def figure_width(panel_width: float) -> float:
        original = max(1.6 * panel_width, original_width)
        return label_width + original + n_k * (panel_width + _GAP) + 0.3

    room_width = FIGURE_WIDTH - label_width - 0.3
    panel_width = room_width / (n_k + 1.6) - _GAP
    if 1.6 * panel_width < original_width:
        panel_width = (room_width - original_width) / n_k - _GAP
    for _ in range(4):  # a narrower figure may have a lower limit (see grid_shape)
        room = report_height_limit(figure_width(panel_width), COMPARISON_DPI)
        panel_width = min(panel_width, ((room - _TITLE - _PANEL_TITLE) / n_rows - _GAP) * aspect)
    panel_height = panel_width / aspect
    original_width = max(1.6 * panel_width, original_width)
    figure = plt.figure(
        figsize=(
            figure_width(panel_width),
            _TITLE + _PANEL_TITLE + n_rows * (panel_height + _GAP),
        ),
        layout="constrained",
    )
    grid = figure.add_gridspec(
        n_rows, n_k + 1, width_ratios=[original_width / panel_width] + [1] * n_k
    )
    left = figure.add_subplot(grid[:, 0])
    _image_panel(left, original, aspect)
    left.set_title(wrap_text(_original_title(width, height, aspect), original_width, 9), fontsize=9)
    k_title = "k = {}" if panel_width > 0.65 else "{}"
    for row, name in enumerate(rows):
        for col, k in enumerate(k_values, start=1):
            axis = figure.add_subplot(grid[row, col])
            axis.set_gid(f"panel:{name}:{k}")
            _image_panel(axis, quantized[(name, k)], aspect)
            if row == 0:
                axis.set_title(k_title.format(k), fontsize=10)
            if col == 1:
                label, style = _name_style(name, baselines, row_labels)
                axis.set_ylabel(label.replace(" ", "\n"), fontsize=10, rotation=0,
                                ha="right", va="center", **style)  # fmt: skip
            if delta_e is not None and (name, k) in delta_e:
                axis.text(0.04, 0.06, f"{delta_e[(name, k)]:.1f}", fontsize=8,
                          transform=axis.transAxes, bbox=_DELTA_E_BOX)  # fmt: skip
    rows_are = "colour spaces, other methods in italics" if baselines else "colour spaces"
    rows_are = rows_are if spaces else "methods"
    some = len(k_values) < len(swept)
    title = (
        f"{image_name} quantized to k colours: rows are {rows_are}, columns are k"
        + (f" ({len(k_values)} of the {len(swept)} k swept)" if some else "")
        + ".\nNumbers: ΔE00 from the original (mean CIEDE2000; lower is closer)."
        + (" The figure of each k shows its panels larger" if per_k_figures else "")
        + (", for every k swept." if some else "." if per_k_figures else "")
    )
    figure.suptitle(wrap_text(title, figure.get_figwidth() - 0.3, 11), fontsize=11)
    return figure
