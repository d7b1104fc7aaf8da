"""Which space each judge prefers at each k, where the judges agree, in sentences.

One decision rule (:func:`judge_verdicts`): a judge prefers a space at a k
where Friedman's p, adjusted over the k swept, is below alpha and that space
alone has the best mean rank; the project's answer at a k is the space every
judge that favours neither space's objective prefers. The sentences
(:func:`verdict_sentences`) give each judge's verdict, grouped by family where
a family agrees, and whether that is an answer (:func:`answer_sentence`):
where no such judge finds a space clearly closer they say so plainly, and only
judges that pick different spaces are said to disagree.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._tables import METRICS, MIN_IMAGES, metric_of
from .wording import images_phrase, join, p_phrase

__all__ = ["VERDICT_COLUMNS", "judge_verdicts", "verdict_sentences", "answer_sentence"]


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
            labels = join([metric_of(name).label for name in of_family["metric"]])
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
    neither space's objective all prefer one space (:func:`judge_verdicts`),
    else why there is none (:func:`answer_sentence`).

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
    The one judge that favours neither space (mean ꟻLIP) finds no space clearly closer at k = 4, so we give no answer there.
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
        sentences.append(answer_sentence(rows))
    return sentences


def answer_sentence(rows: pd.DataFrame) -> str:
    """Whether one k's verdicts give the project an answer, and why (not), in a sentence.

    The judges that favour neither space's objective decide
    (:func:`judge_verdicts`). Where they all pick one space, it is the
    answer. Where none of them finds a space clearly closer, that is said
    plainly: no evidence of a difference, which is not evidence that the
    spaces are equal. Where some pick a space and the others find none
    clearly closer, each side is named; only where they pick different
    spaces do they disagree.

    Parameters
    ----------
    rows : DataFrame
        The rows of one k of :func:`judge_verdicts`.

    Examples
    --------
    >>> rows = pd.DataFrame({"k": 4, "metric": ["ssim_y", "flip_mean"], "favours": "",
    ...     "preferred": ["RGB", ""], "evidence": [True, False], "answer": ""})
    >>> print(answer_sentence(rows))
    Of the judges that favour neither space (SSIM of luma and mean ꟻLIP), SSIM of luma picks RGB but mean ꟻLIP finds no space clearly closer, so we give no answer at k = 4.
    >>> print(answer_sentence(rows.assign(preferred="", evidence=False)))
    None of the judges that favour neither space (SSIM of luma and mean ꟻLIP) finds one space clearly closer at k = 4, so we give no answer there.
    """  # noqa: E501
    k = int(rows["k"].iloc[0])
    neutral = rows[rows["favours"] == ""]
    answer = rows["answer"].iloc[0]
    if neutral.empty:
        return f"No judge here favours neither space, so we give no answer at k = {k}."
    labels = [metric_of(name).label for name in neutral["metric"]]
    picked = neutral[neutral["evidence"].astype(bool)]
    if answer:
        return (
            f"The judges that favour neither space ({join(labels)}) all pick {answer}, "
            f"so {answer} is our answer at k = {k}."
        )
    if picked.empty:
        if len(neutral) == 1:
            return (
                f"The one judge that favours neither space ({labels[0]}) finds no space "
                f"clearly closer at k = {k}, so we give no answer there."
            )
        return (
            f"None of the judges that favour neither space ({join(labels)}) finds one space "
            f"clearly closer at k = {k}, so we give no answer there."
        )
    if picked["preferred"].nunique() == 1:
        pickers = [metric_of(name).label for name in picked["metric"]]
        others = [label for label in labels if label not in pickers]
        pick = "picks" if len(pickers) == 1 else "pick"
        find = "finds" if len(others) == 1 else "find"
        return (
            f"Of the judges that favour neither space ({join(labels)}), {join(pickers)} "
            f"{pick} {picked['preferred'].iloc[0]} but {join(others)} {find} no space clearly "
            f"closer, so we give no answer at k = {k}."
        )
    return (
        f"The judges that favour neither space ({join(labels)}) do not all pick one "
        f"space, so we give no answer at k = {k}."
    )
