"""Dithered variants against the undithered runs: does dithering change which
colour space wins, and from which k does it stop mattering?

Two tables, both from the runs table with a ``dither`` column (``none`` on the
undithered rows; config key ``dither``), k-means rows only, as the rest of the
study:

- :func:`variant_paired_differences`: the study's paired differences between
  spaces (:func:`~colourquant.study.paired_differences`), once per variant:
  which space is best at each k, dithered or not, and how sure.
- :func:`dither_differences`: per space, k and judge, each image's
  ``dithered - undithered`` paired over images (the same fitted palette), with
  the study's bootstrap interval of the mean and wins / ties / losses (a tie:
  exactly equal; the seed spread measures the undithered fit only).

:func:`dither_sentences` states them with the study's answer rule: a space is
"clearly" best only where the 95 % intervals against the others exclude zero
(:func:`colourquant.study.answers.judge_verdicts`); dithering "stops
mattering" from the smallest k from which the interval of its mean ΔE00
change lies within one just-noticeable difference (:data:`JND`) of zero at
every larger k.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..dither import DITHER_NAMES
from ._tables import METRICS, metric_of
from .answers import FEW_IMAGES, judge_verdicts
from .findings import number
from .intervals import PAIRED_COLUMNS, paired_differences
from .sweep import comparable_runs
from .thresholds import JND, first_k_staying_below

__all__ = [
    "DITHER_COLUMNS",
    "dither_differences",
    "variant_paired_differences",
    "dither_stops_mattering",
    "dither_sentences",
    "dither_differences_figure",
    "dither_study_outputs",
]

#: The columns of :func:`dither_differences`: the paired table's, with the
#: variant where the reference was, and no spread (the variants have none).
DITHER_COLUMNS = tuple(
    "dither" if column == "reference" else column
    for column in PAIRED_COLUMNS
    if column != "spread_column"
)

# How a sentence or a panel names each dithering.
_LABELS = DITHER_NAMES


def _variants(runs: pd.DataFrame) -> pd.DataFrame:
    """k-means rows with a ``dither`` column as plain strings; one clear ValueError otherwise."""
    if "dither" not in runs:
        raise ValueError("the runs table has no 'dither' column: configure `dither` variants")
    if "method" in runs:
        runs = runs[runs["method"] == "kmeans"]
    if "n_unique" in runs:  # as the study: only k below the image's colours
        runs = comparable_runs(runs)
    runs = runs.assign(dither=runs["dither"].astype(str))
    if "none" not in set(runs["dither"]):
        raise ValueError("the runs table has no undithered ('none') rows to compare with")
    return runs


def _judges(runs: pd.DataFrame, metrics: Sequence[str]) -> list[str]:
    """The judges of `metrics` the runs measured (a table from before a judge lacks it)."""
    return [name for name in metrics if name in runs and runs[name].notna().any()]


def _variant_names(runs: pd.DataFrame) -> list[str]:
    return [name for name in dict.fromkeys(runs["dither"]) if name != "none"]


def dither_differences(
    runs: pd.DataFrame,
    *,
    metrics: Sequence[str] = tuple(METRICS),
    seed: int = 0,
    n_boot: int = 10_000,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Per space, k, judge and variant: ``dithered - undithered`` paired over images.

    Parameters
    ----------
    runs : DataFrame
        The runs table with a ``dither`` column; k-means rows are used, and
        only where k is below the image's number of colours
        (:func:`~colourquant.study.sweep.comparable_runs`), as in the study.
    metrics : sequence of str
        Judges (:data:`colourquant.study.METRICS`).
    seed, n_boot, confidence
        Of :func:`~colourquant.study.bootstrap_interval`.

    Returns
    -------
    DataFrame
        :data:`DITHER_COLUMNS`: ``mean_difference`` in the judge's units
        (negative is better for ΔE00, positive for PSNR and SSIM), its
        interval, and ``wins, ties, losses``: images where the dithered image
        scores better than, exactly as, or worse than the undithered one.

    Examples
    --------
    >>> runs = pd.DataFrame({"image": list("aabbcc"), "space": "Lab", "k": 4,
    ...     "dither": ["none", "ordered"] * 3, "psnr": [30.0, 29.0, 28.0, 27.5, 25.0, 24.0]})
    >>> row = dither_differences(runs, metrics=["psnr"]).iloc[0]
    >>> row["space"], row["dither"], float(row["mean_difference"]), int(row["losses"])
    ('Lab', 'ordered', -0.8333333333333334, 3)
    """
    runs = _variants(runs)
    tables = []
    for space in dict.fromkeys(runs["space"]):
        own = runs[runs["space"] == space]
        # The variants in the place of spaces, the undithered run as the reference.
        table = paired_differences(
            own.assign(space=own["dither"]), reference="none", metrics=_judges(runs, metrics),
            spreads={},
            seed=seed, n_boot=n_boot, confidence=confidence,
        )  # fmt: skip
        tables.append(table.rename(columns={"space": "dither"}).assign(space=space))
    return pd.concat(tables, ignore_index=True)[list(DITHER_COLUMNS)]


def variant_paired_differences(
    runs: pd.DataFrame, *, reference: str, metrics: Sequence[str] = tuple(METRICS), seed: int = 0
) -> pd.DataFrame:
    """The study's paired differences between spaces, once per variant (a ``dither`` column first).

    The undithered rows keep their seed spreads; the dithered ones have none,
    so their ties are exact equalities.

    Examples
    --------
    >>> runs = pd.DataFrame({"image": list("aabbccaabbcc"), "space": ["RGB", "Lab"] * 6,
    ...     "k": 4, "dither": ["none"] * 6 + ["ordered"] * 6,
    ...     "psnr": [30.0, 31, 28, 29, 25, 26, 30, 29, 28, 27, 25, 24]})
    >>> table = variant_paired_differences(runs, reference="RGB", metrics=["psnr"])
    >>> table[["dither", "space", "mean_difference"]].values.tolist()
    [['none', 'Lab', 1.0], ['ordered', 'Lab', -1.0]]
    """
    runs = _variants(runs)
    tables = [
        paired_differences(
            runs[runs["dither"] == name].drop(columns="dither"),
            reference=reference,
            metrics=_judges(runs, metrics),
            seed=seed,
        ).assign(dither=name)
        for name in ["none", *_variant_names(runs)]
    ]
    table = pd.concat(tables, ignore_index=True)
    return table[["dither", *(column for column in table if column != "dither")]]


def dither_stops_mattering(
    differences: pd.DataFrame, metric: str = "delta_e2000_mean", limit: float = JND
) -> pd.DataFrame:
    """Per variant and space, the smallest k from which the interval of the mean
    change lies within ``±limit`` at every larger k (NaN: not within the k swept).

    Examples
    --------
    >>> table = pd.DataFrame({"k": [2, 4, 8], "metric": "delta_e2000_mean", "space": "Lab",
    ...     "dither": "ordered", "mean_difference": [2.0, 0.5, 0.2],
    ...     "ci_low": [1.5, 0.1, -0.3], "ci_high": [2.5, 0.9, 0.6]})
    >>> dither_stops_mattering(table)[["dither", "space", "from_k"]].values.tolist()
    [['ordered', 'Lab', 4.0]]
    """
    rows = []
    own = differences[differences["metric"] == metric]
    for (dither, space), table in own.groupby(["dither", "space"], sort=False):
        reach = np.maximum(table["ci_low"].abs(), table["ci_high"].abs())
        rows.append(
            {
                "dither": dither,
                "space": space,
                "metric": metric,
                "limit": limit,
                "from_k": first_k_staying_below(table["k"], reach, limit),
            }
        )
    return pd.DataFrame(rows, columns=["dither", "space", "metric", "limit", "from_k"])


def _with(dither: str, names: Mapping[str, str]) -> str:
    """``without dithering``, ``with Floyd–Steinberg dithering``."""
    return "without dithering" if dither == "none" else f"with {names[dither]} dithering"


def dither_sentences(
    by_variant: pd.DataFrame,
    differences: pd.DataFrame,
    metric: str = "delta_e2000_mean",
    labels: Mapping[str, str] | None = None,
) -> list[str]:
    """The two questions in sentences, at the smallest and the largest k.

    Parameters
    ----------
    by_variant : DataFrame
        :func:`variant_paired_differences`.
    differences : DataFrame
        :func:`dither_differences`.
    metric : str
        The judge the sentences quote.
    labels : mapping of str to str, optional
        How a sentence names a variant.

    Returns
    -------
    list of str
        Per k, the best space without and with each dithering, and whether
        dithering changes it: said to change only where both verdicts are
        clear (:func:`colourquant.study.answers.judge_verdicts`) and name
        different spaces. Per variant, from which k its change of the judge
        stays within one just-noticeable difference.

    Examples
    --------
    >>> by_variant = pd.DataFrame({"dither": ["none", "ordered"], "k": 4,
    ...     "metric": "delta_e2000_mean", "space": "Lab", "reference": "RGB", "n_images": 12,
    ...     "mean_difference": [-0.5, 0.4], "ci_low": [-0.7, 0.2], "ci_high": [-0.3, 0.6]})
    >>> differences = pd.DataFrame({"k": 4, "metric": "delta_e2000_mean", "dither": "ordered",
    ...     "space": ["RGB", "Lab"], "n_images": 12, "mean_difference": [0.3, 1.2],
    ...     "ci_low": [0.1, 1.1], "ci_high": [0.5, 1.3]})
    >>> for sentence in dither_sentences(by_variant, differences):
    ...     print(sentence)
    At k = 4, the best space by mean ΔE00 is Lab without dithering (clear by the 95 % intervals) and RGB with ordered Bayer dithering (clear). Ordered Bayer dithering changes which space is best.
    With ordered Bayer dithering, the mean ΔE00 moves by less than one just-noticeable difference (its 95 % interval within ±1 at that k and every larger one) from k = 4 in RGB; in Lab from no k swept. At k = 4 the mean change (dithered − undithered) is RGB 0.30, Lab 1.20.
    """  # noqa: E501
    names = {**_LABELS, **(labels or {})}
    label = metric_of(metric).label
    ks = sorted(by_variant["k"].unique())
    variants = [name for name in dict.fromkeys(by_variant["dither"]) if name != "none"]
    sentences = []
    for k in dict.fromkeys([ks[0], ks[-1]]):
        verdicts = {}
        for dither in ["none", *variants]:
            own = by_variant[by_variant["dither"] == dither]
            (verdicts[dither],) = judge_verdicts(own, k, [metric])
        bests = [
            f"{verdict.best} {_with(dither, names)} ("
            + ("clear" if verdict.clear else "not clear")
            + (" by the 95 % intervals)" if dither == "none" else ")")
            for dither, verdict in verdicts.items()
        ]
        plain = verdicts["none"]
        changes = []
        for variant in variants:
            verdict = verdicts[variant]
            if verdict.best == plain.best:
                how = "keeps the same best space"
            elif verdict.clear and plain.clear:
                how = "changes which space is best"
            else:
                how = "names another best space, but not clearly: no change of ranking is shown"
            changes.append(f"{names[variant][0].upper()}{names[variant][1:]} dithering {how}.")
        sentences.append(
            f"At k = {k}, the best space by {label} is {', '.join(bests[:-1])} and {bests[-1]}. "
            + " ".join(changes)
        )
    stops = dither_stops_mattering(differences, metric)
    for variant in variants:
        own = stops[stops["dither"] == variant]
        reached = [f"from k = {int(row.from_k)} in {row.space}" for row in own.itertuples()
                   if not np.isnan(row.from_k)]  # fmt: skip
        never = [row.space for row in own.itertuples() if np.isnan(row.from_k)]
        parts = ([", ".join(reached)] if reached else []) + (
            [f"in {', '.join(never)} from no k swept"] if never else []
        )
        largest = differences[
            (differences["dither"] == variant)
            & (differences["metric"] == metric)
            & (differences["k"] == ks[-1])
        ]
        change = ", ".join(
            f"{row.space} {number(row.mean_difference, 2)}" for row in largest.itertuples()
        )
        sentences.append(
            f"{_with(variant, names)[0].upper()}{_with(variant, names)[1:]}, the {label} moves "
            f"by less than one just-noticeable difference (its 95 % interval within ±{JND:g} "
            f"at that k and every larger one) {'; '.join(parts)}. At k = {ks[-1]} the mean "
            f"change (dithered − undithered) is {change}."
        )
    fewest, most = int(differences["n_images"].min()), int(differences["n_images"].max())
    if fewest < FEW_IMAGES:
        images = f"{most} images" if fewest == most else f"{fewest} to {most} images, by k,"
        sentences.append(
            f"Over {images} only: read the intervals as rough (a bootstrap over few images "
            "is too narrow)."
        )
    return sentences


def dither_differences_figure(
    differences: pd.DataFrame,
    colours: Mapping[str, str],
    metric: str = "delta_e2000_mean",
    labels: Mapping[str, str] | None = None,
):
    """Per variant (a panel each), the mean change of `metric` (dithered −
    undithered) against k for each space, with its 95 % interval and the ±JND band."""
    import matplotlib.pyplot as plt

    from ..plots import FIGURE_WIDTH, wrap_text

    names = {**_LABELS, **(labels or {})}
    own = differences[differences["metric"] == metric]
    variants = list(dict.fromkeys(own["dither"]))
    figure, axes = plt.subplots(
        1, len(variants), figsize=(FIGURE_WIDTH, 3.6), sharey=True, squeeze=False,
        layout="constrained",
    )  # fmt: skip
    spaces = list(dict.fromkeys(own["space"]))
    for axis, variant in zip(axes[0], variants, strict=True):
        axis.axhspan(-JND, JND, color="0.9", label=f"within ±{JND:g} (just noticeable)")
        axis.axhline(0, color="0.5", linewidth=0.8)
        for offset, space in enumerate(spaces):
            rows = own[(own["dither"] == variant) & (own["space"] == space)].sort_values("k")
            # Spaces side by side at each k, so their intervals do not hide each other.
            x = np.arange(len(rows)) + (offset - (len(spaces) - 1) / 2) * 0.12
            mean = rows["mean_difference"].to_numpy(dtype=float)
            error = [mean - rows["ci_low"], rows["ci_high"] - mean]
            axis.errorbar(x, mean, yerr=error, marker="o", capsize=3, label=space,
                          color=colours.get(space))  # fmt: skip
            axis.set_xticks(np.arange(len(rows)), [str(k) for k in rows["k"]])
        axis.set_title(f"{names.get(variant, variant)} dithering", fontsize=11)
        axis.set_xlabel("k (number of colours)")
    unit = "lower is better" if metric_of(metric).lower_is_better else "higher is better"
    axes[0, 0].set_ylabel(f"{metric_of(metric).label}: dithered − undithered\n({unit})")
    axes[0, -1].legend(fontsize=9, loc="best")
    title = (
        f"How dithering changes the {metric_of(metric).label} of the same palettes, per "
        "colour space: mean over images with its 95 % bootstrap interval"
    )
    figure.suptitle(wrap_text(title, FIGURE_WIDTH - 0.3, 11), fontsize=11)
    return figure


def dither_study_outputs(
    runs: pd.DataFrame, colours: Mapping[str, str], *, reference: str, seed: int
):
    """The study of variants' outputs by name, as (name, value, dpi): its two
    tables, its findings (one paragraph per sentence) and its figure (``figure``)."""
    from ..plots import FIGURE_DPI

    by_variant = variant_paired_differences(runs, reference=reference, seed=seed)
    differences = dither_differences(runs, seed=seed)
    yield "paired_differences_by_dither", by_variant, None
    yield "dither_differences", differences, None
    yield "findings", "\n\n".join(dither_sentences(by_variant, differences)) + "\n", None
    yield "figure", dither_differences_figure(differences, colours), FIGURE_DPI
