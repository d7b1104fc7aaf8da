"""Figures of a study: differences from the reference space, ranks, the critical-difference
diagram, and where spaces converge.

Each function returns a matplotlib Figure about 1,000 pixels wide at 100 dpi,
with text of at least 10 points, so that it stays legible at the report's
display width.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from ..plots import k_tick_labels
from ._tables import METRICS, metric_of
from .friedman import nemenyi_p_values
from .thresholds import JND
from .wording import images_phrase

__all__ = [
    "largest_compared_k",
    "study_figures",
    "critical_difference_figure",
    "paired_differences_figure",
    "mean_rank_figure",
    "convergence_figure",
    "characteristics_figure",
]

_FONT = {"font.size": 11, "axes.titlesize": 12, "axes.labelsize": 11, "legend.fontsize": 10}


def _k_labels(k_values: Sequence[int], most: int = 10) -> list[str]:
    """A label for every k, or with more than `most` k only those that do not collide."""
    k_values = list(k_values)
    shown = set(k_values if len(k_values) <= most else k_tick_labels(k_values, 0.9, log=True))
    return [str(k) if k in shown else "" for k in k_values]


def _k_axis(axis, k_values: Sequence[int]) -> None:
    axis.set_xscale("log", base=2)
    axis.set_xticks(list(k_values))
    axis.set_xticklabels(_k_labels(k_values))
    axis.minorticks_off()
    axis.set_xlabel("k (number of colours, log scale)")


def paired_differences_figure(
    paired: pd.DataFrame,
    colours: Mapping[str, tuple],
    metrics: Sequence[str] = ("delta_e2000_mean", "psnr"),
):
    """Each space's mean difference from the reference against k, with its interval as a band.

    One panel per metric. A band that contains 0 (the dashed line) at some k
    means there is no evidence there that the space differs from the reference.

    Parameters
    ----------
    paired : DataFrame
        Of :func:`~colourquant.study.paired_differences`.
    colours : mapping of str to colour
        A line colour per space (:func:`colourquant.plots.space_colours`).
    metrics : sequence of str

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    metrics = [m for m in metrics if m in set(paired["metric"])] or list(metrics[:1])
    with plt.rc_context(_FONT):
        figure, axes = plt.subplots(
            1, len(metrics), figsize=(5 * len(metrics), 4.6), squeeze=False, layout="constrained"
        )
        reference = paired["reference"].iloc[0] if len(paired) else "?"
        n_images = int(paired["n_images"].max()) if len(paired) else 0
        for axis, metric in zip(axes[0], metrics, strict=True):
            rows = paired[paired["metric"] == metric]
            for space, line in rows.groupby("space", sort=False):
                line = line.sort_values("k")
                axis.plot(line["k"], line["mean_difference"], "o-", color=colours.get(space),
                          label=space, markersize=4)  # fmt: skip
                axis.fill_between(line["k"], line["ci_low"], line["ci_high"],
                                  color=colours.get(space), alpha=0.18, linewidth=0)  # fmt: skip
            axis.axhline(0, color="0.3", linestyle="--", linewidth=1)
            _k_axis(axis, sorted(rows["k"].unique()))
            better = "lower" if METRICS[metric].lower_is_better else "higher"
            axis.set_ylabel(f"{METRICS[metric].label}: space − {reference}\n({better} is better)")
            axis.set_title(METRICS[metric].label)
        handles, labels = axes[0][0].get_legend_handles_labels()
        figure.legend(handles, labels, loc="outside lower center", frameon=False,
                      ncols=min(len(labels), 7) or 1)  # fmt: skip
        figure.suptitle(
            f"Difference from {reference}, mean over {images_phrase(n_images)}; "
            "band: 95 % bootstrap interval"
        )
    return figure


def mean_rank_figure(tests: pd.DataFrame, colours: Mapping[str, tuple], metric: str):
    """Each space's mean rank over images against k (1 = best); filled where Friedman's
    p adjusted over k is below 0.05.

    Parameters
    ----------
    tests : DataFrame
        Of :func:`~colourquant.study.rank_tests`.
    colours : mapping of str to colour
    metric : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    rows = tests[tests["metric"] == metric]
    with plt.rc_context(_FONT):
        figure, axis = plt.subplots(figsize=(8, 4.2), layout="constrained")
        for space, line in rows.groupby("space", sort=False):
            line = line.sort_values("k")
            axis.plot(line["k"], line["mean_rank"], "-", color=colours.get(space), label=space)
            significant = line["friedman_p_adjusted"] < 0.05
            axis.scatter(line["k"][significant], line["mean_rank"][significant], s=30,
                         color=colours.get(space))  # fmt: skip
            axis.scatter(line["k"][~significant], line["mean_rank"][~significant], s=30,
                         facecolors="white", edgecolors=colours.get(space))  # fmt: skip
        n_spaces = int(rows["n_spaces"].max()) if len(rows) else 1
        axis.set_ylim(n_spaces + 0.3, 0.7)
        axis.set_yticks(range(1, n_spaces + 1))
        axis.set_ylabel("mean rank over images (1 = best)")
        _k_axis(axis, sorted(rows["k"].unique()))
        n_images = int(rows["n_images"].max()) if len(rows) else 0
        axis.set_title(
            f"Ranks by {METRICS[metric].label} over {images_phrase(n_images)}\n"
            "filled: ranks differ (Friedman p < 0.05, adjusted over k); hollow: no evidence"
        )
        axis.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    return figure


def _log_bar_edges(k: np.ndarray, fill: float = 0.7) -> tuple[np.ndarray, np.ndarray]:
    """Left and right edges of bars at each `k` on a log axis: equal widths there, each
    `fill` of the closest two k's gap, so that no two bars overlap.

    Examples
    --------
    >>> left, right = _log_bar_edges(np.array([8.0, 10.0, 12.0, 16.0]))
    >>> bool(np.all(right[:-1] <= left[1:]))
    True
    """
    ratio = float(np.min(k[1:] / k[:-1])) if len(k) > 1 else 2.0
    half = ratio ** (fill / 2)
    return k / half, k * half


def convergence_figure(
    differences: pd.DataFrame, runs: pd.DataFrame, colours: Mapping[str, tuple] | None = None
):
    """How far apart two spaces' quantized images are against k, for every pair of spaces.

    One panel per pair: the median over images of the mean ΔE00 between the
    two spaces' images (line; band from the smallest to the largest image),
    the just-noticeable ΔE00 of 1 (dashed) and the seed spread, the larger of
    the two spaces' ``seed_delta_e2000`` (grey, median over images). Where the
    line falls below either, the two spaces stop differing.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    pairs = list(dict.fromkeys(zip(differences["space_a"], differences["space_b"], strict=True)))
    n_columns = min(3, max(1, len(pairs)))
    n_rows = int(np.ceil(len(pairs) / n_columns)) or 1
    kmeans = runs[runs["method"] == "kmeans"] if "method" in runs else runs
    seed = (
        kmeans.set_index(["image", "space", "k"])["seed_delta_e2000"]
        if "seed_delta_e2000" in kmeans and kmeans["seed_delta_e2000"].notna().any()
        else None
    )
    with plt.rc_context(_FONT):
        figure, axes = plt.subplots(
            n_rows, n_columns, figsize=(3.6 * n_columns, 2.9 * n_rows + 0.6),
            sharex=True, sharey=True, squeeze=False, layout="constrained",
        )  # fmt: skip
        for axis in axes.flat[len(pairs) :]:
            axis.set_visible(False)
        for axis, (space_a, space_b) in zip(axes.flat, pairs, strict=False):
            rows = differences[(differences["space_a"] == space_a)
                               & (differences["space_b"] == space_b)]  # fmt: skip
            by_k = rows.groupby("k")["delta_e2000_mean"]
            k_values = sorted(rows["k"].unique())
            axis.fill_between(k_values, by_k.min(), by_k.max(), color="C0", alpha=0.15,
                              linewidth=0)  # fmt: skip
            axis.plot(k_values, by_k.median(), "o-", color="C0", markersize=3)
            axis.axhline(JND, color="0.2", linestyle="--", linewidth=1)
            if seed is not None:
                spread = np.fmax(
                    seed.reindex(list(zip(rows["image"], [space_a] * len(rows), rows["k"],
                                          strict=True))).to_numpy(),
                    seed.reindex(list(zip(rows["image"], [space_b] * len(rows), rows["k"],
                                          strict=True))).to_numpy(),
                )  # fmt: skip
                spread = pd.Series(spread, index=rows.index)
                floor = spread.groupby(rows["k"]).median()
                left, right = _log_bar_edges(np.asarray(floor.index, dtype=float))
                axis.bar(left, floor.values, width=right - left, align="edge",
                         color="0.6", alpha=0.6)  # fmt: skip
            axis.set_title(f"{space_a} vs {space_b}")
            axis.set_xscale("log", base=2)
            axis.set_xticks(k_values)
            axis.set_xticklabels(_k_labels(k_values, most=6))
            axis.minorticks_off()
            axis.set_ylim(bottom=0)
        for axis in axes[-1]:
            axis.set_xlabel("k (log scale)")
        for axis in axes[:, 0]:
            axis.set_ylabel("mean ΔE00 between\nthe two images")
        n_images = rows["image"].nunique() if len(pairs) else 0
        figure.suptitle(
            f"When do two spaces stop differing? Line: median over {images_phrase(n_images)}, "
            "band: smallest to largest image\ndashed: ΔE00 = 1 (just noticeable); grey bars: the "
            "seed spread (the same space refitted with another seed)"
        )
    return figure


def characteristics_figure(
    per_image: pd.DataFrame,
    characteristics: pd.DataFrame,
    colours: Mapping[str, tuple],
    k: int,
    metric: str = "delta_e2000_mean",
    columns: Sequence[str] = ("colourfulness", "hue_entropy", "lightness_spread",
                              "neutral_share"),
):  # fmt: skip
    """Each image's difference from the reference against each image characteristic, at one k.

    One panel per characteristic; a dot per image and space other than the
    reference, in the space's colour; Spearman's rho over images in each
    space's legend entry (first panel). Shows which images make a space win.

    Parameters
    ----------
    per_image : DataFrame
        Of :func:`~colourquant.study.image_differences`.
    characteristics : DataFrame
        Of :func:`~colourquant.study.characteristics_table`.
    colours : mapping of str to colour
    k : int
    metric : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    from scipy.stats import spearmanr

    rows = per_image[(per_image["k"] == k) & (per_image["metric"] == metric)]
    data = rows.merge(characteristics, on="image")
    reference = rows["reference"].iloc[0] if len(rows) else "?"
    with plt.rc_context(_FONT):
        figure, axes = plt.subplots(
            1, len(columns), figsize=(2.5 * len(columns), 3.4), sharey=True, layout="constrained"
        )
        for axis, column in zip(np.atleast_1d(axes), columns, strict=True):
            for space, points in data.groupby("space", sort=False):
                label = space
                if axis is np.atleast_1d(axes)[0] and points[column].nunique() > 2:
                    rho = spearmanr(points[column], points["difference"]).statistic
                    label = f"{space} (ρ = {rho:.2f} with colourfulness)"
                axis.scatter(points[column], points["difference"], s=18,
                             color=colours.get(space), label=label)  # fmt: skip
            axis.axhline(0, color="0.3", linestyle="--", linewidth=1)
            axis.set_xlabel(column.replace("_", " "))
        first = np.atleast_1d(axes)[0]
        better = "lower" if METRICS[metric].lower_is_better else "higher"
        first.set_ylabel(f"{METRICS[metric].label}: space − {reference}\n({better} is better)")
        handles, labels = first.get_legend_handles_labels()
        figure.legend(handles, labels, loc="outside lower center", frameon=False,
                      ncols=min(4, max(1, len(labels))))  # fmt: skip
        figure.suptitle(
            f"Which images make a space better than {reference}? At k = {k}, a dot per image"
        )
    return figure


def _hex_colours(colours: Mapping[str, object], spaces) -> dict[str, str]:
    from matplotlib.colors import to_hex

    return {space: to_hex(colours[space]) for space in spaces}


def critical_difference_figure(
    tests: pd.DataFrame,
    k: int,
    metric: str,
    *,
    alpha: float = 0.05,
    colours: Mapping[str, object] | None = None,
):
    """Demšar's critical-difference diagram of one k and metric, from
    :func:`~colourquant.study.rank_tests` (the statistics: :mod:`~colourquant.study.friedman`).

    Mean ranks on an axis (1 = best, on the left); a bar joins spaces that
    Nemenyi's test does not separate (all of them when Friedman's adjusted p >= `alpha`).
    Where the test was skipped the figure says so instead.

    Parameters
    ----------
    tests : DataFrame
        The table of :func:`~colourquant.study.rank_tests` (made with the same `alpha`).
    k : int
    metric : str
    alpha : float
    colours : mapping of str to colour, optional
        A colour per space, as the other study figures use
        (:func:`colourquant.plots.space_colours`); scikit-posthocs' own
        otherwise.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from colourquant.study import rank_tests
    >>> runs = pd.DataFrame({"image": list("aabbcc"), "space": ["RGB", "Lab"] * 3, "k": 4,
    ...                      "psnr": [30.0, 31.0, 28.0, 29.5, 25.0, 25.2]})
    >>> figure = critical_difference_figure(rank_tests(runs, metrics=["psnr"]), 4, "psnr")
    >>> print(figure.axes[0].get_title())
    PSNR at k = 4, 3 images
    Friedman p = 0.083
    """
    import matplotlib.pyplot as plt

    label = metric_of(metric).label
    rows = tests[(tests["k"] == k) & (tests["metric"] == metric)]
    if rows.empty:
        raise ValueError(f"no rank tests at k = {k} for {metric}")
    figure, axis = plt.subplots(figsize=(6.5, 1.45 + 0.3 * len(rows)), layout="constrained")
    first = rows.iloc[0]
    if np.isnan(first["friedman_p"]):
        axis.set_axis_off()
        axis.text(0.5, 0.5, first["note"], ha="center", va="center", transform=axis.transAxes)
        axis.set_title(f"{label} at k = {k}: no test")
        return figure
    import scikit_posthocs

    mean_ranks = pd.Series(rows["mean_rank"].to_numpy(), index=rows["space"].to_list())
    pairwise = nemenyi_p_values(mean_ranks.to_numpy(), int(first["n_images"]))
    if first["friedman_p_adjusted"] >= alpha:
        pairwise = np.ones_like(pairwise)
    scikit_posthocs.critical_difference_diagram(
        mean_ranks,
        pd.DataFrame(pairwise, index=mean_ranks.index, columns=mean_ranks.index),
        alpha=alpha,
        ax=axis,
        label_fmt_left="{label} ({rank:.2f})",
        label_fmt_right="({rank:.2f}) {label}",
        color_palette=None if colours is None else _hex_colours(colours, mean_ranks.index),
    )
    # The CD as a bar above the rank axis's labels (the library's own sits on them).
    cd, n_spaces = float(first["cd"]), len(mean_ranks)
    axis.set_xlim(1, n_spaces)
    axis.plot([1, min(1 + cd, n_spaces)], [1.6, 1.6], color="k", linewidth=1.5)
    axis.text(1 + min(cd, n_spaces - 1) / 2, 1.8, f"CD = {cd:.2f}", ha="center", va="bottom")
    axis.set_ylim(top=2.6)
    p, adjusted = first["friedman_p"], first["friedman_p_adjusted"]
    adjusted = "" if np.isclose(adjusted, p) else f" ({adjusted:.2g} adjusted over k)"
    axis.set_title(
        f"{label} at k = {k}, {int(first['n_images'])} images\nFriedman p = {p:.2g}{adjusted}"
    )
    return figure


def largest_compared_k(tests: pd.DataFrame, largest_k: int, metric: str) -> int | None:
    """The largest k up to `largest_k` at which the study compared the spaces by `metric`.

    The study leaves out runs at a k the image does not have more colours than
    (:func:`~colourquant.study.sweep.comparable_runs`), so the sweep's largest k
    may have no rank tests at all: its figures then show the largest k that has.

    Examples
    --------
    >>> tests = pd.DataFrame({"k": [2, 4, 4], "metric": "psnr"})
    >>> largest_compared_k(tests, 16, "psnr"), largest_compared_k(tests, 3, "psnr")
    (4, 2)
    >>> print(largest_compared_k(tests, 16, "ssim"))
    None
    """
    ks = tests.loc[(tests["metric"] == metric) & (tests["k"] <= largest_k), "k"]
    return int(ks.max()) if len(ks) else None


def _no_comparison_figure(message: str):
    """A small figure that says why there is nothing to draw."""
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(6.5, 1.2), layout="constrained")
    axis.set_axis_off()
    axis.text(0.5, 0.5, message, ha="center", va="center", transform=axis.transAxes)
    return figure


def study_figures(
    tables: Mapping[str, pd.DataFrame],
    runs: pd.DataFrame,
    differences: pd.DataFrame,
    colours: Mapping[str, tuple],
    largest_k: int,
    metric: str = "delta_e2000_mean",
) -> Iterator[tuple[str, object, float]]:
    """A sweep's study figures, one at a time, each with its name and resolution.

    Yields ``(name, figure, dpi)`` for the paired differences from the
    reference, the mean ranks by `metric`, when spaces stop differing, the
    critical-difference diagram and the image characteristics (the last two
    at the largest k up to `largest_k` that the study compared:
    :func:`largest_compared_k`). One at a time, so that a caller writing and closing each
    holds a single figure in memory.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        From :func:`~colourquant.study.study_tables`.
    runs, differences : DataFrame
        The runs table and the concatenated differences tables it came from.
    colours : mapping of str to colour
        A colour per space.
    largest_k : int
    metric : str
    """
    tests, paired = tables["rank_tests"], tables["paired_differences"]
    yield "differences_figure", paired_differences_figure(paired, colours), 100
    yield "ranks_figure", mean_rank_figure(tests, colours, metric), 100
    yield "convergence_figure", convergence_figure(differences, runs), 100
    k = largest_compared_k(tests, largest_k, metric)
    if k is None:
        cd = _no_comparison_figure(f"No k below the images' numbers of colours up to {largest_k}")
    else:
        cd = critical_difference_figure(tests, k, metric, colours=colours)
    yield "critical_difference_figure", cd, 150
    characteristics = characteristics_figure(
        tables["image_differences"], tables["characteristics"], colours,
        largest_k if k is None else k,
    )  # fmt: skip
    yield "characteristics_figure", characteristics, 100
