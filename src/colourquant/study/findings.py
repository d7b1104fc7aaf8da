"""The study's tables in a few careful sentences.

Every wording rule lives in this module, in the small functions at its top,
and tests/test_study.py holds each to its rule:

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
- Counts of images are always given as "x of n images" (:func:`images_phrase`);
  where some images tie, the sentence also says how the rest split.
- Numbers carry the metric's decimals and a true minus sign (:func:`number`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._tables import METRICS, MIN_IMAGES, metric_of
from .friedman import nemenyi_p_values
from .thresholds import JND

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
]

MINUS = "\u2212"

#: How a sentence says that a pair's mean ΔE00 meets each threshold of
#: :mod:`colourquant.study.thresholds`, from some k on.
THRESHOLD_PHRASES = {
    "jnd": f"their images' mean ΔE00 stays below {JND:g} (just noticeable)",
    "seed": "their images' mean ΔE00 stays within the seed spread",
}

#: How a sentence says that a pair's mean ΔE00 has not met a threshold at the
#: largest k swept (so from no k on).
NOT_REACHED_PHRASES = {
    "jnd": f"their images' mean ΔE00 is not below {JND:g} (just noticeable)",
    "seed": "their images' mean ΔE00 is not within the seed spread",
}


def threshold_phrase(threshold: str, reached: bool = True) -> str:
    """How a sentence says that a pair meets (or, not `reached`, fails) a threshold.

    A judge's threshold (:func:`~colourquant.study.judge_stops`) is named after it.

    Examples
    --------
    >>> threshold_phrase("flip_mean"), threshold_phrase("flip_mean", reached=False)
    ('their mean ꟻLIP scores stay within the seed spread', 'their mean ꟻLIP scores are not within the seed spread')
    """  # noqa: E501
    phrases = THRESHOLD_PHRASES if reached else NOT_REACHED_PHRASES
    if threshold in phrases:
        return phrases[threshold]
    label = metric_of(threshold).label
    verb = "stay" if reached else "are not"
    return f"their {label} scores {verb} within the seed spread"


def number(value: float, decimals: int) -> str:
    """`value` with `decimals` decimals and a true minus sign; -0.00 is 0.00.

    Examples
    --------
    >>> number(-0.123, 2), number(-0.001, 2), number(3.0, 1)
    ('−0.12', '0.00', '3.0')
    """
    text = f"{value:.{decimals}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text.replace("-", MINUS)


def p_phrase(p: float) -> str:
    """A p-value as a sentence gives it: two significant digits, or below 0.001.

    Examples
    --------
    >>> p_phrase(0.0342), p_phrase(0.00002), p_phrase(0.1)
    ('p = 0.034', 'p < 0.001', 'p = 0.10')
    """
    return "p < 0.001" if p < 0.001 else f"p = {p:#.2g}"


def friedman_phrase(p: float, adjusted: float, n_tests: int) -> str:
    """Friedman's p as a sentence gives it and, where several k were tested, after adjusting.

    Examples
    --------
    >>> friedman_phrase(0.004, 0.03, 15), friedman_phrase(0.2, 0.2, 1)
    ('Friedman p = 0.0040, 0.030 after adjusting over 15 k', 'Friedman p = 0.20')
    >>> friedman_phrase(0.0001, 0.0004, 15), friedman_phrase(0.0001, 0.002, 15)
    ('Friedman p < 0.001, also after adjusting over 15 k', 'Friedman p < 0.001, 0.0020 after adjusting over 15 k')
    """  # noqa: E501
    phrase, adjusted_phrase = p_phrase(p), p_phrase(adjusted)
    if n_tests <= 1:
        return f"Friedman {phrase}"
    if adjusted_phrase == phrase:
        return f"Friedman {phrase}, also after adjusting over {n_tests} k"
    adjusted_phrase = adjusted_phrase.removeprefix("p = ").removeprefix("p ")
    return f"Friedman {phrase}, {adjusted_phrase} after adjusting over {n_tests} k"


def images_phrase(n: int, of: int | None = None) -> str:
    """``1 image``, ``3 images`` or, with `of`, ``2 of 4 images``.

    Examples
    --------
    >>> images_phrase(1), images_phrase(3), images_phrase(2, of=4), images_phrase(1, of=1)
    ('1 image', '3 images', '2 of 4 images', '1 of 1 image')
    """
    total = n if of is None else of
    noun = "image" if total == 1 else "images"
    return f"{n} {noun}" if of is None else f"{n} of {of} {noun}"


def in_any_image(n: int) -> str:
    """``in the image`` or ``in any of the 4 images``.

    Examples
    --------
    >>> in_any_image(1), in_any_image(4)
    ('in the image', 'in any of the 4 images')
    """
    return "in the image" if n == 1 else f"in any of the {n} images"


def _join(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def k_phrase(k_values: Sequence[int], swept: Sequence[int]) -> str:
    """Name a set of k among those swept: ``k = 4``, ``k ≤ 8``, ``k ≥ 16`` or ``k = 2, 8 and 32``.

    Examples
    --------
    >>> swept = [2, 4, 8, 16, 32]
    >>> k_phrase([2, 4, 8], swept), k_phrase([16, 32], swept), k_phrase([4, 16], swept)
    ('k ≤ 8', 'k ≥ 16', 'k = 4 and 16')
    >>> k_phrase([8], swept), k_phrase(swept, swept)
    ('k = 8', 'every k swept')
    """
    chosen, swept = sorted(set(map(int, k_values))), sorted(set(map(int, swept)))
    if len(chosen) > 1 and chosen == swept:
        return "every k swept"
    if len(chosen) > 1 and chosen == swept[: len(chosen)]:
        return f"k ≤ {chosen[-1]}"
    if len(chosen) > 1 and chosen == swept[-len(chosen) :]:
        return f"k ≥ {chosen[0]}"
    return "k = " + _join([str(k) for k in chosen])


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
    names = _join([spaces[i] for i in best])
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
    return f"{head}; {nemenyi} tells it apart from {_join(apart)}, not from {_join(close)}."


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


def stop_sentence(row: pd.Series) -> str:
    """One row of :func:`~colourquant.study.stop_differing_summary` in a sentence.

    Examples
    --------
    >>> row = pd.Series({"space_a": "RGB", "space_b": "Lab", "threshold": "jnd", "n_images": 4,
    ...     "n_reached": 3, "k_median": 16.0, "k_min": 8.0, "k_max": 32.0, "k_max_swept": 64})
    >>> print(stop_sentence(row))
    RGB and Lab: their images' mean ΔE00 stays below 1 (just noticeable) from k = 16 on (median over images; range 8 to 32) in 3 of 4 images; in the other 1, not even at k = 64, the largest k swept.
    >>> print(stop_sentence(row.replace(3, 0)))
    RGB and Lab: their images' mean ΔE00 is not below 1 (just noticeable) at k = 64, the largest k swept, in any of the 4 images.
    """  # noqa: E501
    names = f"{row['space_a']} and {row['space_b']}"
    pair = f"{names}: {threshold_phrase(row['threshold'])}"
    n, reached = int(row["n_images"]), int(row["n_reached"])
    largest = f"k = {int(row['k_max_swept'])}, the largest k swept"
    if reached == 0:
        not_reached = threshold_phrase(row["threshold"], reached=False)
        return f"{names}: {not_reached} at {largest}, {in_any_image(n)}."
    low, high = int(row["k_min"]), int(row["k_max"])
    where = (
        f"from k = {low} on"
        if low == high
        else (f"from k = {row['k_median']:g} on (median over images; range {low} to {high})")
    )
    rest = f"; in the other {n - reached}, not even at {largest}" if reached < n else ""
    return f"{pair} {where} in {images_phrase(reached, of=n)}{rest}."


#: The columns of :func:`judge_verdicts`.
VERDICT_COLUMNS = (
    "k",
    "metric",
    "family",
    "favours",
    "preferred",
    "mean_rank",
    "n_images",
    "n_spaces",
    "friedman_p",
    "friedman_p_adjusted",
    "evidence",
    "answer",
    "note",
)


def judge_verdicts(tests: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """Which space each judge prefers at each k, with its evidence, and where the judges agree.

    One decision rule: a judge *prefers* a space at k where Friedman's p,
    adjusted over the k swept, is below `alpha` and that space alone has the
    best mean rank. A raw p below `alpha` that the adjustment lifts to `alpha`
    or more is not evidence; the note says so.

    The *answer* at a k is the space that every judge favouring neither
    space's objective (``favours == ""``: the luma and ꟻLIP judges) prefers;
    where they do not all prefer the same space, or any has no evidence,
    there is no answer (``""``). The judges that favour RGB's objective
    (PSNR, SSIM over R, G, B) or Lab's (ΔE00) are reported, not counted.

    Parameters
    ----------
    tests : DataFrame
        Of :func:`~colourquant.study.rank_tests`.
    alpha : float
        As `tests` was made with.

    Returns
    -------
    DataFrame
        :data:`VERDICT_COLUMNS`, one row per k and judge (in
        :data:`~colourquant.study.METRICS` order): the judge's ``family`` and
        the space it ``favours`` by construction, the space it ``preferred``
        (``""`` for none) with the best ``mean_rank``, the Friedman p before
        and after adjusting, ``evidence`` (whether it prefers one), and the
        k's ``answer`` (the same on each row of a k).

    Examples
    --------
    >>> tests = pd.DataFrame({"k": 4, "metric": ["ssim_y"] * 2 + ["flip_mean"] * 2,
    ...     "space": ["RGB", "Lab"] * 2, "mean_rank": [1.0, 2.0, 1.2, 1.8], "n_images": 6,
    ...     "n_spaces": 2, "friedman_p": [0.01, 0.01, 0.04, 0.04],
    ...     "friedman_p_adjusted": [0.01, 0.01, 0.09, 0.09], "note": ""})
    >>> judge_verdicts(tests)[["metric", "preferred", "evidence", "answer"]].to_dict("list")
    {'metric': ['ssim_y', 'flip_mean'], 'preferred': ['RGB', ''], 'evidence': [True, False], 'answer': ['', '']}
    """  # noqa: E501
    order = {name: i for i, name in enumerate(METRICS)}
    rows = []
    for k in sorted(tests["k"].unique()):
        at_k = tests[tests["k"] == k]
        judged = sorted(at_k["metric"].unique(), key=lambda name: order.get(name, len(order)))
        for metric in judged:
            of_judge = at_k[at_k["metric"] == metric]
            rows.append(_verdict(int(k), metric_of(metric), of_judge, alpha))
    verdicts = pd.DataFrame(rows, columns=[c for c in VERDICT_COLUMNS if c != "answer"])
    answers = {k: _answer(at_k) for k, at_k in verdicts.groupby("k", sort=False)}
    verdicts.insert(VERDICT_COLUMNS.index("answer"), "answer", verdicts["k"].map(answers))
    return verdicts


def _verdict(k: int, judge, rows: pd.DataFrame, alpha: float) -> dict:
    """One judge's verdict at one k, from its rows of the rank tests."""
    first = rows.iloc[0]
    mean_ranks = rows["mean_rank"].to_numpy(dtype=float)
    p, adjusted = float(first["friedman_p"]), float(first["friedman_p_adjusted"])
    best = (
        []
        if np.isnan(mean_ranks).all()
        else np.flatnonzero(np.isclose(mean_ranks, mean_ranks.min()))
    )
    evidence = bool(not np.isnan(adjusted) and adjusted < alpha and len(best) == 1)
    if np.isnan(p):
        note = first["note"] or "not tested"
    elif not evidence and p < alpha and adjusted >= alpha:
        note = f"p < {alpha:g} before adjusting over k, not after: the adjusted p decides"
    elif adjusted < alpha and len(best) > 1:
        note = "the ranks differ, but spaces share the best mean rank"
    else:
        note = ""
    return {
        "k": k,
        "metric": judge.name,
        "family": judge.family,
        "favours": judge.favours,
        "preferred": rows["space"].iloc[best[0]] if evidence else "",
        "mean_rank": float(mean_ranks[best[0]]) if len(best) else np.nan,
        "n_images": int(first["n_images"]),
        "n_spaces": int(first["n_spaces"]),
        "friedman_p": p,
        "friedman_p_adjusted": adjusted,
        "evidence": evidence,
        "note": note,
    }


def _answer(at_k: pd.DataFrame) -> str:
    """The space every neutral judge prefers at this k, or ``""``."""
    neutral = at_k[at_k["favours"] == ""]
    preferred = set(neutral["preferred"])
    if len(neutral) and neutral["evidence"].all() and len(preferred) == 1:
        return preferred.pop()
    return ""


def _judge_clause(row: pd.Series, n_tests: int) -> str:
    """What one judge says at one k: ``by PSNR, RGB is closer`` and, if needed, why not."""
    label = metric_of(row["metric"]).label
    if np.isnan(row["friedman_p"]):
        return f"{label} was not tested"
    if row["favours"]:
        label = f"{label}, which favours {row['favours']}"
    if row["evidence"]:
        return (
            f"by {label}, {row['preferred']} is closer "
            f"(adjusted {p_phrase(row['friedman_p_adjusted'])})"
        )
    if row["friedman_p"] < 0.05 <= row["friedman_p_adjusted"]:
        raw = p_phrase(row["friedman_p"])
        adjusted = p_phrase(row["friedman_p_adjusted"]).removeprefix("p = ")
        return (
            f"by {label}, no space is clearly closer ({raw}, but {adjusted} once "
            f"adjusted over {n_tests} k; the adjusted p decides)"
        )
    return f"by {label}, no space is clearly closer"


def _family_clauses(rows: pd.DataFrame, n_tests: int) -> list[str]:
    """A clause per family where its judges say the same, else one per judge."""
    clauses = []
    for family, of_family in rows.groupby("family", sort=False):
        same = of_family["evidence"].all() and of_family["preferred"].nunique() == 1
        if len(of_family) > 1 and same:
            labels = _join([metric_of(name).label for name in of_family["metric"]])
            favours = set(of_family["favours"])
            leaning = (
                f", which favour {favours.pop()}" if len(favours) == 1 and "" not in favours else ""
            )
            largest = p_phrase(of_family["friedman_p_adjusted"].max()).replace("=", "≤")
            clauses.append(
                f"by {family} ({labels}{leaning}), {of_family['preferred'].iloc[0]} is closer "
                f"(adjusted {largest})"
            )
        else:
            clauses += [_judge_clause(row, n_tests) for _, row in of_family.iterrows()]
    return clauses


def verdict_sentences(
    verdicts: pd.DataFrame, *, k_values: Sequence[int] | None = None
) -> list[str]:
    """Per k, what each judge prefers, and whether that gives the project an answer.

    Two sentences per k: the judges' verdicts, grouped by family where a
    family agrees, and the answer, stated only where the judges that favour
    neither space's objective all prefer one space (:func:`judge_verdicts`);
    a disagreement is said to be one.

    Examples
    --------
    >>> verdicts = pd.DataFrame({"k": 4, "metric": ["delta_e2000_mean", "psnr", "flip_mean"],
    ...     "family": ["colour difference", "pixel error", "perceptual flip"],
    ...     "favours": ["Lab", "RGB", ""], "preferred": ["Lab", "RGB", ""], "mean_rank": 1.0,
    ...     "n_images": 4, "n_spaces": 2, "friedman_p": [0.01, 0.01, 0.3],
    ...     "friedman_p_adjusted": [0.02, 0.02, 0.3], "evidence": [True, True, False],
    ...     "answer": "", "note": ""})
    >>> for sentence in verdict_sentences(verdicts):
    ...     print(sentence)
    At k = 4, over 4 images: by mean ΔE00, which favours Lab, Lab is closer (adjusted p = 0.020); by PSNR, which favours RGB, RGB is closer (adjusted p = 0.020); by mean ꟻLIP, no space is clearly closer.
    The judges that favour neither space (mean ꟻLIP) do not all pick one space, so we give no answer at k = 4.
    """  # noqa: E501
    n_tests = verdicts.loc[verdicts["friedman_p"].notna(), "k"].nunique()
    if k_values is not None:
        verdicts = verdicts[verdicts["k"].isin(list(k_values))]
    sentences = []
    for k, rows in verdicts.groupby("k", sort=True):
        n = int(rows["n_images"].max())
        if rows["friedman_p"].isna().all():
            why = (
                "with one colour space there is nothing to rank"
                if rows["n_spaces"].max() < 2
                else f"the Friedman test was skipped (it needs {MIN_IMAGES})"
            )
            sentences.append(
                f"At k = {int(k)}, over {images_phrase(n)}, {why}: no judge picks a space, "
                "and we give no answer."
            )
            continue
        clauses = "; ".join(_family_clauses(rows, n_tests))
        sentences.append(f"At k = {int(k)}, over {images_phrase(n)}: {clauses}.")
        neutral = rows[rows["favours"] == ""]
        answer = rows["answer"].iloc[0]
        if neutral.empty:
            sentences.append(
                f"No judge here favours neither space, so we give no answer at k = {int(k)}."
            )
        elif answer:
            labels = _join([metric_of(name).label for name in neutral["metric"]])
            sentences.append(
                f"The judges that favour neither space ({labels}) all pick {answer}, "
                f"so {answer} is our answer at k = {int(k)}."
            )
        else:
            labels = _join([metric_of(name).label for name in neutral["metric"]])
            sentences.append(
                f"The judges that favour neither space ({labels}) do not all pick one "
                f"space, so we give no answer at k = {int(k)}."
            )
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
        Of :func:`~colourquant.study.stop_differing_summary`.
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
    if stops is not None:
        sentences += [stop_sentence(row) for _, row in stops.iterrows()]
    return sentences
