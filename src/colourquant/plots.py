"""Figures comparing quantization runs, and the size every figure is made for.

Each figure function returns a matplotlib Figure. The constants below say how
the report shows a figure; every figure of the package keeps to them (text at
least MIN_TEXT_PX high on screen, all of it in view: report_height_limit).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "REPORT_IMAGE_WIDTH",
    "REPORT_IMAGE_BOX",
    "MIN_TEXT_PX",
    "FIGURE_WIDTH",
    "report_height_limit",
    "FIGURE_DPI",
    "space_colours",
    "k_tick_labels",
    "inertia_figure",
    "inertia_overview_figure",
    "quality_figure",
    "seed_change_band",
    "BAND_COLUMNS",
    "INERTIA_CAVEAT",
    "method_style",
    "method_label",
]

#: How Snakemake's report shows a figure in a 1366 x 768 browser window,
#: measured in Chromium with Snakemake 9.27. The image gets the window less
#: the navigation panel and some padding: 906 to 1014 px, as the panel is as
#: wide as its contents (906 under "k-means vs classic quantizers", its former name). A wider
#: PNG is shrunk to that width, a narrower one is shown at its own size. The
#: image is centred in a box as high as the window and scrolls down only: of a
#: figure shown taller than 744 px the top (title, first panels) is cut off
#: and cannot be scrolled to.
REPORT_IMAGE_WIDTH = 900  # the narrowest, rounded down
REPORT_IMAGE_BOX = (1014, 744)  # the widest, and the height that is all visible
#: The smallest text on screen, in pixels, at REPORT_IMAGE_WIDTH. A point is
#: REPORT_IMAGE_WIDTH / (72 x width in inches) pixels there: 1.25 px in a
#: FIGURE_WIDTH-wide figure, so 8 pt is 10 px.
MIN_TEXT_PX = 9
#: The widest figure, in inches, and the resolution figures are written at.
#: Every figure is at most report_height_limit high, so that all of it is
#: seen at once.
FIGURE_WIDTH = 10.0
FIGURE_DPI = 150


def report_height_limit(width: float, dpi: float = FIGURE_DPI) -> float:
    """The height in inches up to which a figure `width` inches wide is seen whole.

    In the report at 1366 x 768 (:data:`REPORT_IMAGE_BOX`): the figure is
    shown at most 1014 px wide, and no more than 744 px of its height are in
    view (its top is cut off beyond).

    >>> round(report_height_limit(10), 2), round(report_height_limit(5), 2)
    (7.34, 4.96)
    """
    shown_width = min(width * dpi, REPORT_IMAGE_BOX[0])
    return REPORT_IMAGE_BOX[1] * width / shown_width


def method_style(method: str) -> dict:
    """The line style of a method other than k-means in the quality figures.

    Dashed or dotted, black to grey (:attr:`colourquant.methods.Method.style`),
    so they stand apart from the coloured k-means lines.

    >>> method_style("median_cut")
    {'color': 'black', 'linestyle': '--', 'marker': 's'}
    """
    from .methods import get_method

    return dict(get_method(method).style)


def method_label(method: str) -> str:
    """A quantizer's name for legends and row labels: ``median_cut`` -> ``median cut``."""
    return method.replace("_", " ")


# Rows of matplotlib's tab20 (dark and light twins): each space keeps its colour
# whatever the config lists, and a -naive variant is the light twin of its
# cone. Grey (row 14) is left to the other methods (method_style).
_SPACE_COLOUR_ROWS = {
    "RGB": 0, "Lab": 2, "HSV": 4, "HSV-naive": 5, "HSL": 6, "HSL-naive": 7, "OKLab": 8,
    "Luv": 10, "linRGB": 12, "YCbCr": 16, "XYZ": 18,
}  # fmt: skip


def space_colours(spaces: Sequence[str]) -> dict[str, tuple]:
    """A line colour per colour space, the same in every figure and every run.

    A space without a row of its own (one registered later) gets one of
    tab20's rows no space uses, chosen by its name, so that registering a
    space in :data:`colourquant.spaces.SPACES` is all it takes.

    >>> colours = space_colours(["RGB", "CAM16UCS"])
    >>> colours["RGB"] != colours["CAM16UCS"]
    True
    """
    import zlib

    import matplotlib

    palette = matplotlib.colormaps["tab20"].colors
    free = [row for row in range(20) if row not in _SPACE_COLOUR_ROWS.values() and row != 14]

    def row(space):
        if space in _SPACE_COLOUR_ROWS:
            return _SPACE_COLOUR_ROWS[space]
        return free[zlib.crc32(space.encode()) % len(free)]

    return {space: palette[row(space)] for space in spaces}


def wrap_text(text: str, width_inches: float, fontsize: float) -> str:
    """Wrap `text` to lines about `width_inches` wide at `fontsize` points."""
    import textwrap

    # An average character of DejaVu Sans is about 0.55 of the font size wide.
    characters = max(20, int(width_inches * 72 / (0.55 * fontsize)))
    return "\n".join(textwrap.fill(paragraph, characters) for paragraph in text.split("\n"))


def k_tick_labels(k_values: Sequence[int], min_gap: float, log: bool = False) -> list[int]:
    """The k values to label on an axis where labels closer than `min_gap` would collide.

    Greedy from the smallest k; the largest is always labelled. With `log`,
    the gap is measured in log2(k), as on a logarithmic k axis.

    >>> k_tick_labels([2, 3, 4, 5, 6, 8, 10, 12, 16], min_gap=1.5)
    [2, 4, 6, 8, 10, 12, 16]
    >>> k_tick_labels([2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64], min_gap=0.9, log=True)
    [2, 4, 8, 16, 32, 64]
    """
    position = np.log2 if log else (lambda k: k)
    labelled = []
    for k in k_values:
        if not labelled or position(k) - position(labelled[-1]) >= min_gap:
            labelled.append(k)
    if labelled[-1] != k_values[-1]:
        labelled[-1] = k_values[-1]
    return labelled


def _plot_curves(
    axis,
    curves: pd.DataFrame,
    colours: Mapping[str, tuple],
    mark_elbow: bool,
    k_labels_per_axis: int = 20,
):
    from matplotlib.ticker import FormatStrFormatter, LogLocator
    from matplotlib.transforms import ScaledTranslation

    for space, curve in curves.groupby("space", sort=False):
        curve = curve.sort_values("k")
        inertia = curve["inertia_normalised"]
        axis.plot(
            curve["k"],
            inertia.where(inertia > 0),  # a 0 ends the line (see below)
            marker="o",
            markersize=3.5,
            color=colours[space],
            label=space,
        )
        elbow = curve[curve["is_elbow"]]
        if mark_elbow and not elbow.empty:
            axis.plot(
                elbow["k"],
                elbow["inertia_normalised"],
                marker="o",
                markersize=11,
                markerfacecolor="none",
                markeredgewidth=2,
                color=colours[space],
                linestyle="none",
            )
    # A log axis cannot show 0 (k at least the image's number of colours):
    # those runs are marked on the axis' floor rather than silently dropped.
    zero = curves[curves["inertia_normalised"] <= 0]
    spaces_at_zero = list(dict.fromkeys(zero["space"]))
    for space, runs in zero.groupby("space", sort=False):
        # x in data, y in axes fraction; spaces side by side, a few points apart.
        shift = 7 * (spaces_at_zero.index(space) - (len(spaces_at_zero) - 1) / 2) / 72
        axis.plot(
            runs["k"],
            np.full(len(runs), 0.03),
            transform=axis.get_xaxis_transform()
            + ScaledTranslation(shift, 0, axis.figure.dpi_scale_trans),
            marker="v",
            markersize=7,
            color=colours[space],
            linestyle="none",
            clip_on=False,
        )
    if not zero.empty:
        axis.text(0.99, 0.07, "▼ inertia 0: k reaches the image's number of colours",
                  transform=axis.transAxes, ha="right", fontsize=8, color="0.3")  # fmt: skip
    if (curves["inertia_normalised"] > 0).any():
        axis.set_yscale("log")
        # Plain decimals on the log axis: "0.05" reads better than "5 x 10^-2".
        axis.yaxis.set_major_formatter(FormatStrFormatter("%.2g"))
        axis.yaxis.set_minor_locator(LogLocator(subs=(2.0, 3.0, 5.0)))
        axis.yaxis.set_minor_formatter(FormatStrFormatter("%.2g"))
        axis.tick_params(axis="y", which="minor", labelsize=8)
    k_values = sorted(int(k) for k in curves["k"].unique())
    # A tick at every k, a label where there is room for one.
    labelled = k_tick_labels(k_values, (k_values[-1] - k_values[0]) / k_labels_per_axis)
    axis.set_xticks(labelled)
    axis.set_xticks(sorted(set(k_values) - set(labelled)), minor=True)
    # Matplotlib's own margins, also where a 0 ends every line early.
    margin = 0.05 * (k_values[-1] - k_values[0]) or 0.5
    axis.set_xlim(k_values[0] - margin, k_values[-1] + margin)
    axis.set_xlabel("k (number of colours)")
    axis.grid(True, which="both", alpha=0.3)


def _scale_note(axis) -> str:
    # Linear only where nothing is positive to put on a log axis (one colour).
    return ", log scale" if axis.get_yscale() == "log" else ""


#: Written on every inertia figure, not only in its caption.
INERTIA_CAVEAT = (
    "Not a quality ranking: normalised inertia is measured in each colour space's own "
    "units, so a lower curve does not mean a better image. Compare spaces by ΔE00 and "
    "PSNR (quality figure)."
)


def _note_box(figure, text: str, width_inches: float, fontsize: float = 9):
    """A framed note below everything else, laid out with the axes (constrained layout).

    It is a legend of one entry with no symbol, so that the layout makes room for it.
    """
    from matplotlib.lines import Line2D

    return figure.legend(
        [Line2D([], [], linestyle="none")],
        [wrap_text(text, width_inches, fontsize)],
        loc="outside lower center",
        fontsize=fontsize,
        handlelength=0,
        handletextpad=0,
        edgecolor="0.6",
    )


def _elbow_handle():
    from matplotlib.lines import Line2D

    return Line2D([], [], marker="o", markersize=11, markerfacecolor="none", color="0.3", ls="none")


def inertia_figure(image_name: str, curves: pd.DataFrame, colours: Mapping[str, tuple]):
    """Normalised inertia against k, one line per colour space, elbows circled.

    Parameters
    ----------
    curves : DataFrame
        Columns ``space, k, inertia_normalised, is_elbow``.
    colours : mapping of space to colour
    """
    import matplotlib.pyplot as plt

    width = 7.5
    figure, axis = plt.subplots(figsize=(width, 5.2), layout="constrained")
    _plot_curves(axis, curves, colours, mark_elbow=True)
    axis.set_ylabel(f"normalised inertia{_scale_note(axis)} (1 = one colour)")
    axis.set_title(f"{image_name}: normalised inertia against k")
    handles, labels = axis.get_legend_handles_labels()
    # Kneedle needs three k at least: no elbow drawn, no elbow in the legend.
    if curves["is_elbow"].any():
        handles.append(_elbow_handle())
        labels.append("elbow (Kneedle)")
    axis.legend(handles, labels, title="colour space")
    _note_box(figure, INERTIA_CAVEAT, width - 0.4)
    return figure


def inertia_overview_figure(curves: pd.DataFrame, colours: Mapping[str, tuple]):
    """Normalised inertia against k for every image: one panel per image, shared axes."""
    import matplotlib.pyplot as plt

    images = list(dict.fromkeys(curves["image"]))
    n_cols = min(len(images), 4)
    n_rows = -(-len(images) // n_cols)
    # Wide enough for the title and the note also with one image.
    width = max(2.2 * n_cols + 1.5, 7.0)
    figure, axes = plt.subplots(
        n_rows,
        n_cols,
        # All of it in view in the report: more than three rows get lower panels.
        figsize=(width, min(2.6 * n_rows + 1.7, report_height_limit(width))),
        sharex=True,
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    for axis, image in zip(axes.flat, images, strict=False):
        _plot_curves(
            axis, curves[curves["image"] == image], colours, mark_elbow=True, k_labels_per_axis=10
        )
        axis.set_title(image)
    for axis in axes.flat[len(images) :]:
        axis.axis("off")
    for axis in axes[:, 0]:
        axis.set_ylabel(f"normalised inertia{_scale_note(axis)}")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    title = "Normalised inertia against k, per image"
    if curves["is_elbow"].any():
        handles.append(_elbow_handle())
        labels.append("elbow (Kneedle)")
        title += " (circles: elbows)"
    figure.legend(handles, labels, loc="outside right center", title="colour space")
    figure.suptitle(wrap_text(title, width - 0.5, 12), fontsize=12)
    _note_box(figure, INERTIA_CAVEAT, width - 0.5)
    return figure


def _space_style(colours: Mapping[str, tuple]):
    return lambda space: {"marker": "o", "color": colours[space], "label": space}


def _baseline_style(labels: Mapping[str, str] | None = None):
    return lambda method: {
        **method_style(method),
        "label": (labels or {}).get(method, method_label(method)),
    }


#: Columns of a metrics table that bound the band drawn around each mean ΔE00
#: line of the quality figure: one lower and one upper value per run.
BAND_COLUMNS = ("delta_e2000_mean_lower", "delta_e2000_mean_upper")
#: What the band of :func:`seed_change_band` is, for the figure's legend.
SEED_CHANGE_BAND = "± largest change of mean ΔE00 with other seeds"


def seed_change_band(runs: pd.DataFrame) -> pd.DataFrame:
    """`runs` with a ΔE00 band (:data:`BAND_COLUMNS`) of ± its change with other seeds.

    Each k-means run's ``delta_e2000_mean_seed_change`` is how much its mean
    ΔE00 moved when the same fit was repeated with other seeds (the largest
    change over ``fit.replicates``). The band is the mean ΔE00 plus or minus
    that (never below 0). Runs without it (classic quantizers, or
    ``fit.replicates: 0``) get no band (NaN).
    """
    runs = runs.copy()
    change = runs.get("delta_e2000_mean_seed_change", pd.Series(np.nan, index=runs.index))
    lower, upper = BAND_COLUMNS
    runs[lower] = (runs["delta_e2000_mean"] - change).clip(lower=0)
    runs[upper] = runs["delta_e2000_mean"] + change
    return runs


def _draw_band(axis, k, lower, upper, colour) -> float | None:
    """Shade between `lower` and `upper` at each k where both are known.

    Returns the widest half-width drawn, or None where nothing was.
    """
    k, lower, upper = (np.asarray(values, dtype=np.float64) for values in (k, lower, upper))
    drawn = ~(np.isnan(lower) | np.isnan(upper))
    if not drawn.any():
        return None
    axis.fill_between(k, lower, upper, where=drawn, color=colour, alpha=0.25, linewidth=0)
    return float(np.max((upper - lower)[drawn]) / 2)


def quality_figure(
    image_name: str,
    runs: pd.DataFrame,
    colours: Mapping[str, tuple],
    band_label: str = SEED_CHANGE_BAND,
    labels: Mapping[str, str] | None = None,
):
    """Mean CIEDE2000 and PSNR against k, one line per colour space.

    Other methods (rows whose ``method`` is not ``kmeans``; give a clusterer's
    rows of one space only) get one dashed or dotted grey line each
    (:func:`method_style`), labelled by `labels` or their name. Where `runs`
    has :data:`BAND_COLUMNS` (see :func:`seed_change_band`), each mean ΔE00
    line gets a band between them, described by `band_label`.

    Parameters
    ----------
    runs : DataFrame
        The image's rows of the metrics table.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    figure, (left, right) = plt.subplots(1, 2, figsize=(FIGURE_WIDTH, 4.6), layout="constrained")
    is_kmeans = runs["method"] == "kmeans"
    has_band = set(BAND_COLUMNS) <= set(runs.columns)
    kmeans_lines, baseline_lines = [], []
    widest = None
    for lines, groups, style_of in [
        (kmeans_lines, runs[is_kmeans].groupby("space", sort=False), _space_style(colours)),
        (baseline_lines, runs[~is_kmeans].groupby("method", sort=False), _baseline_style(labels)),
    ]:
        for name, rows in groups:
            rows = rows.sort_values("k")
            style = {"markersize": 3.5, **style_of(name)}
            lines.append(left.plot(rows["k"], rows["delta_e2000_mean"], **style)[0])
            right.plot(rows["k"], rows["psnr"], **style)
            if has_band:
                bounds = (rows[column] for column in BAND_COLUMNS)
                drawn = _draw_band(left, rows["k"], *bounds, style["color"])
                if drawn is not None:
                    widest = max(widest or 0.0, drawn)
    left.set_ylabel("mean CIEDE2000 (lower is better)")
    right.set_ylabel("PSNR / dB (higher is better)")
    k_values = sorted(int(k) for k in runs["k"].unique())
    # A tick at every k, a label where it does not collide with the last one.
    labelled = k_tick_labels(k_values, (k_values[-1] - k_values[0]) / 16)
    for axis in (left, right):
        axis.set_xlabel("k (number of colours)")
        axis.set_xticks(labelled)
        axis.set_xticks(sorted(set(k_values) - set(labelled)), minor=True)
        axis.grid(True, alpha=0.3)
    left.axhline(1.0, color="0.5", linestyle=":", linewidth=1)
    left.annotate(
        "ΔE00 ≈ 1: just noticeable",
        (left.get_xlim()[1], 1.0),
        ha="right",
        va="bottom",
        fontsize=8,
        color="0.4",
    )
    handles = kmeans_lines + baseline_lines
    if has_band and widest is not None:
        # Say how wide the band is: a band thinner than the line is invisible.
        handles.append(Patch(color="0.5", alpha=0.35, label=f"{band_label} (widest ±{widest:.2g})"))
    # One legend below both panels, where it hides no line: in as many
    # columns (up to five) as fit the figure's width; the figure grows by the
    # extra rows.
    renderer = figure.canvas.get_renderer()
    for n_cols in range(min(len(handles), 5), 0, -1):
        legend = figure.legend(
            handles=handles,
            loc="outside lower center",
            ncols=n_cols,
            fontsize=9,
            title="k-means by colour space"
            + (", other methods in black and grey" if baseline_lines else ""),
            title_fontsize=9,
        )
        width = legend.get_window_extent(renderer).width / figure.dpi
        if width <= figure.get_figwidth() - 0.2 or n_cols == 1:
            break
        legend.remove()
    figure.set_figheight(figure.get_figheight() + 0.2 * max(0, -(-len(handles) // n_cols) - 2))
    figure.suptitle(f"{image_name}: quality of the quantized image against k")
    return figure
