"""Figures comparing quantization runs. Each function returns a matplotlib Figure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "space_colours",
    "comparison_figure",
    "inertia_figure",
    "inertia_overview_figure",
    "quality_figure",
    "BASELINE_STYLES",
    "method_label",
]

#: Line styles of the classic quantizers in the quality figures: dashed or
#: dotted, black to grey, so they stand apart from the coloured k-means lines.
BASELINE_STYLES = {
    "median_cut": {"color": "black", "linestyle": "--", "marker": "s"},
    "octree": {"color": "0.45", "linestyle": "--", "marker": "^"},
    "random_codebook": {"color": "0.6", "linestyle": ":", "marker": "x"},
}


def method_label(method: str) -> str:
    """A quantizer's name for legends and row labels: ``median_cut`` -> ``median cut``."""
    return method.replace("_", " ")


# Rows of matplotlib's tab20 (dark and light twins): each space keeps its colour
# whatever the config lists, and a -naive variant is the light twin of its
# cone. Grey (row 14) is left to the classic quantizers (BASELINE_STYLES).
_SPACE_COLOUR_ROWS = {
    "RGB": 0, "Lab": 2, "HSV": 4, "HSV-naive": 5, "HSL": 6, "HSL-naive": 7, "OKLab": 8,
    "Luv": 10, "linRGB": 12, "YCbCr": 16, "XYZ": 18,
}  # fmt: skip


def space_colours(spaces: Sequence[str]) -> dict[str, tuple]:
    """A line colour per colour space, the same in every figure and every run."""
    import matplotlib

    palette = matplotlib.colormaps["tab20"].colors
    return {space: palette[_SPACE_COLOUR_ROWS[space]] for space in spaces}


def comparison_figure(
    image_name: str,
    original: np.ndarray,
    quantized: Mapping[tuple[str, int], np.ndarray],
    spaces: Sequence[str],
    k_values: Sequence[int],
    baselines: Sequence[str] = (),
):
    """The original beside its quantized versions: a row per space, a column per k.

    Parameters
    ----------
    image_name : str
    original : ndarray of uint8, shape (height, width, 3)
    quantized : mapping of (space or baseline, k) to ndarray of uint8
    spaces, k_values : sequences
        Row and column order.
    baselines : sequence of str
        Classic quantizers, drawn as extra rows below the k-means rows.
    """
    import matplotlib.pyplot as plt

    height, width = original.shape[:2]
    cell = 1.9
    rows = [*spaces, *baselines]
    n_rows, n_cols = len(rows), len(k_values) + 1
    figure, axes = plt.subplots(
        n_rows,
        n_cols,
        figsize=(cell * n_cols * max(width / height, 0.6), cell * n_rows + 0.7),
        squeeze=False,
        layout="constrained",
    )
    for row, space in enumerate(rows):
        for col in range(n_cols):
            axis = axes[row, col]
            axis.set_xticks([])
            axis.set_yticks([])
            if col == 0:
                if row == 0:
                    axis.imshow(original, interpolation="antialiased")
                    axis.set_title("original", fontsize=10, fontweight="bold")
                else:
                    axis.axis("off")
                continue
            k = k_values[col - 1]
            axis.imshow(quantized[(space, k)], interpolation="antialiased")
            if row == 0:
                axis.set_title(f"k = {k}", fontsize=10)
            if col == 1 and space in baselines:
                axis.set_ylabel(method_label(space), fontsize=11, fontstyle="italic")
            elif col == 1:
                axis.set_ylabel(space, fontsize=11, fontweight="bold")
    if baselines:
        figure.suptitle(
            f"{image_name}: k-means by colour space (bold) and classic quantizers (italic), "
            "by k (columns)"
        )
    else:
        figure.suptitle(
            f"{image_name}: k-means quantization by colour space (rows) and k (columns)"
        )
    return figure


def _plot_curves(axis, curves: pd.DataFrame, colours: Mapping[str, tuple], mark_elbow: bool):
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
        axis.tick_params(axis="y", which="minor", labelsize=7)
    k_values = sorted(curves["k"].unique())
    axis.set_xticks(k_values)
    # Matplotlib's own margins, also where a 0 ends every line early.
    margin = 0.05 * (k_values[-1] - k_values[0]) or 0.5
    axis.set_xlim(k_values[0] - margin, k_values[-1] + margin)
    axis.set_xlabel("k (number of colours)")
    axis.grid(True, which="both", alpha=0.3)


def _scale_note(axis) -> str:
    # Linear only where nothing is positive to put on a log axis (one colour).
    return ", log scale" if axis.get_yscale() == "log" else ""


def inertia_figure(image_name: str, curves: pd.DataFrame, colours: Mapping[str, tuple]):
    """Normalised inertia against k, one line per colour space, elbows circled.

    Parameters
    ----------
    curves : DataFrame
        Columns ``space, k, inertia_normalised, is_elbow``.
    colours : mapping of space to colour
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    figure, axis = plt.subplots(figsize=(7, 4.5), layout="constrained")
    _plot_curves(axis, curves, colours, mark_elbow=True)
    axis.set_ylabel(f"normalised inertia{_scale_note(axis)} (1 = one colour)")
    axis.set_title(f"{image_name}: normalised inertia against k")
    handles, labels = axis.get_legend_handles_labels()
    handles.append(
        Line2D([], [], marker="o", markersize=11, markerfacecolor="none", color="0.3", ls="none")
    )
    labels.append("elbow (Kneedle)")
    axis.legend(handles, labels, title="colour space")
    return figure


def inertia_overview_figure(curves: pd.DataFrame, colours: Mapping[str, tuple]):
    """Normalised inertia against k for every image: one panel per image, shared axes."""
    import matplotlib.pyplot as plt

    images = list(dict.fromkeys(curves["image"]))
    n_cols = min(len(images), 4)
    n_rows = -(-len(images) // n_cols)
    figure, axes = plt.subplots(
        n_rows,
        n_cols,
        figsize=(3.6 * n_cols, 3.2 * n_rows + 0.6),
        sharex=True,
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    for axis, image in zip(axes.flat, images, strict=False):
        _plot_curves(axis, curves[curves["image"] == image], colours, mark_elbow=True)
        axis.set_title(image)
    for axis in axes.flat[len(images) :]:
        axis.axis("off")
    for axis in axes[:, 0]:
        axis.set_ylabel(f"normalised inertia{_scale_note(axis)}")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside right center", title="colour space")
    figure.suptitle("Normalised inertia against k, per image (circles: elbows)")
    return figure


def _space_style(colours: Mapping[str, tuple]):
    return lambda space: {"marker": "o", "color": colours[space], "label": space}


def _baseline_style(method: str) -> dict:
    return {**BASELINE_STYLES[method], "label": method_label(method)}


def quality_figure(image_name: str, runs: pd.DataFrame, colours: Mapping[str, tuple]):
    """Mean CIEDE2000 and PSNR against k, one line per colour space.

    Classic quantizers (rows whose ``method`` is not ``kmeans``) get one
    dashed or dotted grey line each (:data:`BASELINE_STYLES`).

    Parameters
    ----------
    runs : DataFrame
        The image's rows of the metrics table.
    """
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
    is_kmeans = runs["method"] == "kmeans"
    kmeans_lines, baseline_lines = [], []
    for lines, groups, style_of in [
        (kmeans_lines, runs[is_kmeans].groupby("space", sort=False), _space_style(colours)),
        (baseline_lines, runs[~is_kmeans].groupby("method", sort=False), _baseline_style),
    ]:
        for name, rows in groups:
            rows = rows.sort_values("k")
            style = {"markersize": 3.5, **style_of(name)}
            lines.append(left.plot(rows["k"], rows["delta_e2000_mean"], **style)[0])
            right.plot(rows["k"], rows["psnr"], **style)
    left.set_ylabel("mean CIEDE2000 (lower is better)")
    right.set_ylabel("PSNR / dB (higher is better)")
    for axis in (left, right):
        axis.set_xlabel("k (number of colours)")
        axis.set_xticks(sorted(runs["k"].unique()))
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
    if baseline_lines:
        left.legend(handles=kmeans_lines, title="k-means, by colour space")
        right.legend(handles=baseline_lines, title="classic quantizers (RGB)", loc="lower right")
    else:
        left.legend(title="colour space")
    figure.suptitle(f"{image_name}: quality of the quantized image against k")
    return figure
