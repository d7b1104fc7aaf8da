"""The study's tables of one metric in a few careful sentences: rankings, paired differences.

The wording rules, each held to its rule by tests/test_study.py:

- A difference is only called below or above zero when its whole interval
  is (:func:`interval_verdict`); of an interval containing 0 only that is
  said ("includes zero"), and no interval (too few images) is said plainly.
- Spaces that tie (are within the spread of each other) in every image are
  said to be so, never to be "the same" (:func:`paired_sentence`).
- A ranking is claimed only where Friedman's p, adjusted over the k swept
  (Benjamini-Hochberg, :func:`~colourquant.study.adjust_over_k`), is below
  alpha; then the best
  mean rank is named, with the spaces Nemenyi's test can and cannot tell
  from it (:func:`ranking_sentences`). Otherwise the test "finds no evidence
  that the ranks differ" (absence of evidence, not evidence of sameness), and
  where the test was skipped one line says so.
- Counts, numbers and p-values are worded by :mod:`~colourquant.study.wording`
  (where some images tie, a sentence also says how the rest split).

:func:`findings` gathers them with the "stop differing" sentences of
:mod:`~colourquant.study.stop_findings`. The judges' verdicts per k are in
:mod:`~colourquant.study.verdicts`; this module's namespace still offers
their names and the wording's, as it did before they moved.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._tables import METRICS, MIN_IMAGES, metric_of
from .friedman import nemenyi_p_values
from .stop_findings import (
    NOT_REACHED_PHRASES,
    THRESHOLD_PHRASES,
    stop_sentence,
    threshold_phrase,
)
from .verdicts import VERDICT_COLUMNS, judge_verdicts, verdict_sentences
from .wording import (
    MINUS,
    friedman_phrase,
    images_phrase,
    in_any_image,
    join,
    k_phrase,
    number,
    p_phrase,
)

__all__ = [
    "number",
    "images_phrase",
    "p_phrase",
    "friedman_phrase",
    "k_phrase",
    "interval_verdict",
    "paired_sentence",
    "ranking_sentences",
    "stop_sentence",
    "threshold_phrase",
    "VERDICT_COLUMNS",
    "judge_verdicts",
    "verdict_sentences",
    "findings",
    # Moved to wording and stop_findings; still importable from here.
    "MINUS",
    "in_any_image",
    "join",
    "THRESHOLD_PHRASES",
    "NOT_REACHED_PHRASES",
]


def interval_verdict(low: float, high: float) -> str:
    """What an interval of a difference allows one to say about its sign.

    Examples
    --------
    >>> interval_verdict(-0.3, 0.05), interval_verdict(-0.3, -0.1), interval_verdict(0.2, 0.4)
    ('includes zero', 'is below zero', 'is above zero')
    >>> interval_verdict(0.0, 0.0), interval_verdict(float("nan"), float("nan"))
    ('includes zero', 'has no interval (too few images)')
    """
    if np.isnan(low) or np.isnan(high):
        return "has no interval (too few images)"
    if high < 0:
        return "is below zero"
    if low > 0:
        return "is above zero"
    return "includes zero"


def paired_sentence(row: pd.Series) -> str:
    """One row of :func:`~colourquant.study.paired_differences` in a sentence.

    Examples
    --------
    >>> row = pd.Series({"k": 8, "metric": "delta_e2000_mean", "space": "RGB",
    ...     "reference": "Lab", "n_images": 4, "mean_difference": -0.12, "ci_low": -0.30,
    ...     "ci_high": 0.05, "confidence": 0.95, "wins": 3, "ties": 0, "losses": 1,
    ...     "spread_column": "delta_e2000_mean_seed_change"})
    >>> print(paired_sentence(row))
    At k = 8, RGB has a lower (better) mean ΔE00 than Lab in 3 of 4 images; the mean difference, −0.12 (95 % interval −0.30 to 0.05), includes zero.
    """  # noqa: E501
    metric = metric_of(row["metric"])
    n, space, reference = int(row["n_images"]), row["space"], row["reference"]
    decimals = metric.decimals
    difference = number(row["mean_difference"], decimals)
    within = "within the seed spread" if row["spread_column"] else "equal"
    has_interval = not (np.isnan(row["ci_low"]) or np.isnan(row["ci_high"]))
    if has_interval:
        interval = (
            f"{row['confidence']:.0%}".replace("%", " %")
            + f" interval {number(row['ci_low'], decimals)} to {number(row['ci_high'], decimals)}"
        )
    start = f"At k = {int(row['k'])}, "
    if int(row["ties"]) == n:
        detail = f"mean difference {difference}" + (f", {interval}" if has_interval else "")
        return (
            f"{start}{space} and {reference} are "
            f"{'within the seed spread of each other' if row['spread_column'] else 'equal'} "
            f"by {metric.label} in all {images_phrase(n)} ({detail})."
        )
    wins, losses = int(row["wins"]), int(row["losses"])
    better = row["mean_difference"] < 0 if metric.lower_is_better else row["mean_difference"] > 0
    if row["mean_difference"] == 0:
        better = wins >= losses
    lower = better == metric.lower_is_better
    side = f"{'lower' if lower else 'higher'} ({'better' if better else 'worse'})"
    count, opposite = (wins, losses) if better else (losses, wins)
    # With ties the other images are not all on the opposite side: say how they split.
    ties = ""
    if int(row["ties"]):
        other = f"{'higher' if lower else 'lower'} in {opposite}, " if opposite else ""
        ties = f" ({other}{within} in {int(row['ties'])})"
    if has_interval:
        verdict = interval_verdict(row["ci_low"], row["ci_high"])
        ending = f"the mean difference, {difference} ({interval}), {verdict}"
    else:
        ending = f"the mean difference is {difference}, over too few images for an interval"
    return (
        f"{start}{space} has a {side} {metric.label} than {reference} "
        f"in {images_phrase(count, of=n)}{ties}; {ending}."
    )


def _best_sentence(rows: pd.DataFrame, alpha: float, label: str, n_tests: int) -> str:
    """The sentence of one k where Friedman's test found the ranks to differ."""
    first = rows.iloc[0]
    mean_ranks = rows["mean_rank"].to_numpy()
    spaces = rows["space"].to_list()
    best = np.flatnonzero(np.isclose(mean_ranks, mean_ranks.min()))
    p_values = nemenyi_p_values(mean_ranks, int(first["n_images"]))
    others = [i for i in range(len(spaces)) if i not in best]
    apart = [spaces[i] for i in others if (p_values[best, i] < alpha).all()]
    close = [spaces[i] for i in others if spaces[i] not in apart]
    names = join([spaces[i] for i in best])
    has = "has" if len(best) == 1 else "share"
    head = (
        f"At k = {int(first['k'])}, the spaces' ranks by {label} differ "
        f"({friedman_phrase(first['friedman_p'], first['friedman_p_adjusted'], n_tests)}; "
        f"{images_phrase(int(first['n_images']))}): "
        f"{names} {has} the best mean rank, {mean_ranks.min():.2f} of {len(spaces)}"
    )
    nemenyi = f"Nemenyi's test (CD = {first['cd']:.2f})"
    if not others:
        return head + "."
    if not apart:
        return f"{head}, but {nemenyi} finds no evidence that it differs from any other space."
    if not close:
        return f"{head}; {nemenyi} tells it apart from every other space."
    return f"{head}; {nemenyi} tells it apart from {join(apart)}, not from {join(close)}."


def ranking_sentences(
    tests: pd.DataFrame,
    metric: str = "delta_e2000_mean",
    *,
    k_values: Sequence[int] | None = None,
    alpha: float = 0.05,
) -> list[str]:
    """The ranking findings of one metric, from :func:`~colourquant.study.rank_tests`.

    One line for all k where the test was skipped, one for all k where the
    test finds no evidence that the ranks differ, one per k where they differ. Only `k_values`
    if given (the phrases still name them among every k swept).

    Examples
    --------
    >>> tests = pd.DataFrame({"k": [2, 2, 4, 4], "metric": "psnr", "space": ["RGB", "Lab"] * 2,
    ...     "mean_rank": [1.4, 1.6, 1.5, 1.5], "n_images": 5, "n_spaces": 2,
    ...     "friedman_p": [0.53, 0.53, 1.0, 1.0], "friedman_p_adjusted": [1.0, 1.0, 1.0, 1.0],
    ...     "cd": 0.88, "note": ""})
    >>> ranking_sentences(tests, "psnr")
    ["At every k swept, Friedman's test finds no evidence that the spaces' ranks by PSNR differ (p adjusted over k ≥ 0.05 at each k)."]
    """  # noqa: E501
    label = metric_of(metric).label
    tests = tests[tests["metric"] == metric]
    swept = sorted(tests["k"].unique())
    n_tests = int(tests.drop_duplicates("k")["friedman_p"].notna().sum())
    if k_values is not None:
        tests = tests[tests["k"].isin(list(k_values))]
    by_k = {int(k): rows for k, rows in tests.groupby("k", sort=True)}
    skipped = [k for k, rows in by_k.items() if np.isnan(rows["friedman_p"].iloc[0])]
    plain = [k for k, rows in by_k.items() if rows["friedman_p_adjusted"].iloc[0] >= alpha]
    sentences = []
    if skipped:
        where = k_phrase(skipped, swept)
        if by_k[skipped[0]]["n_spaces"].iloc[0] < 2:
            sentences.append(f"With one colour space, nothing is ranked at {where}.")
        else:
            counts = sorted({int(by_k[k]["n_images"].iloc[0]) for k in skipped})
            images = (
                images_phrase(counts[-1])
                if len(counts) == 1
                else (f"{counts[0]} to {counts[-1]} images")
            )
            sentences.append(
                f"With {images}, the Friedman test was skipped at {where} (it needs "
                f"{MIN_IMAGES}); no ranking by {label} is claimed."
            )
    if plain:
        first = by_k[plain[0]].iloc[0]
        if len(plain) == 1:
            detail = friedman_phrase(first["friedman_p"], first["friedman_p_adjusted"], n_tests)
            detail = detail.removeprefix("Friedman ")
        else:
            adjusted = "p adjusted over k" if n_tests > 1 else "p"
            detail = f"{adjusted} ≥ {alpha:g} at each k"
        sentences.append(
            f"At {k_phrase(plain, swept)}, Friedman's test finds no evidence that the spaces' "
            f"ranks by {label} differ ({detail})."
        )
        lifted = [k for k in plain if by_k[k]["friedman_p"].iloc[0] < alpha]
        if lifted:
            sentences.append(
                f"At {k_phrase(lifted, swept)}, p was below {alpha:g} before adjusting over the "
                f"{n_tests} k swept; the adjusted p decides, so that is not evidence."
            )
    for rows in by_k.values():
        if rows["friedman_p_adjusted"].iloc[0] < alpha:
            sentences.append(_best_sentence(rows, alpha, label, n_tests))
    return sentences


def findings(
    tests: pd.DataFrame | None = None,
    paired: pd.DataFrame | None = None,
    stops: pd.DataFrame | None = None,
    *,
    metric: str = "delta_e2000_mean",
    k_values: Sequence[int] | None = None,
    alpha: float = 0.05,
) -> list[str]:
    """The study's findings for one metric, in sentences: rankings, paired differences, stops.

    Parameters
    ----------
    tests : DataFrame, optional
        Of :func:`~colourquant.study.rank_tests`.
    paired : DataFrame, optional
        Of :func:`~colourquant.study.paired_differences`.
    stops : DataFrame, optional
        Of :func:`~colourquant.study.stop_differing_summary`: a threshold not
        met is said at the largest k compared, where that is below the
        largest of its ``k_max_swept`` (:func:`~colourquant.study.stop_findings.largest_k_phrase`).
    metric : str
        Which metric's findings (a key of :data:`colourquant.study.METRICS`).
    k_values : sequence of int, optional
        Only these k (every k in the tables if None): a sentence per space
        and k adds up, so a report picks a few.
    alpha : float
        Friedman's and Nemenyi's significance level, as `tests` was made with.

    Returns
    -------
    list of str
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; known: {', '.join(METRICS)}")

    sentences = []
    if tests is not None:
        sentences += ranking_sentences(tests, metric, k_values=k_values, alpha=alpha)
    if paired is not None:
        rows = paired[paired["metric"] == metric]
        if k_values is not None:
            rows = rows[rows["k"].isin(list(k_values))]
        sentences += [paired_sentence(row) for _, row in rows[rows["n_images"] > 0].iterrows()]
    if stops is not None and len(stops):
        swept = int(stops["k_max_swept"].max())
        sentences += [stop_sentence(row, swept) for _, row in stops.iterrows()]
    return sentences
