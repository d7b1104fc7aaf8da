"""The notebook's two questions answered in plain words, for the report's front page.

1. *Which colour space gives the closer result?* At the smallest and the
   largest k swept, each judge (a metric column of the study's tables: mean
   ΔE00, PSNR, SSIM, and any other the tables hold) names the space with the
   best mean over the images. Where the judges agree, that space is the answer,
   with its lead in units a reader can feel (for ΔE00, a share of a
   just-noticeable difference) and whether the 95 % intervals make it clear.
   Where they disagree, the answer says so and names no winner; where no
   judge's intervals make its space clear, it says that, not that they
   disagree (:func:`which_space_answer`).
2. *Is there a k where the spaces become indistinguishable?* In two meanings:
   equal *quality* (the spaces' mean ΔE00 from the original within one
   just-noticeable difference of each other, :func:`equal_quality_answer`),
   and *images that look alike* (each pair of spaces' quantized images less
   than one just-noticeable difference apart, in every image,
   :func:`look_alike_answer`).

Pure functions on the study's tables (:func:`colourquant.study.study_tables`):
``paired_differences``, ``stop_differing_summary`` and the concatenated
per-image differences tables. Nothing here reads files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._tables import METRICS, metric_of
from .indistinguishable import (
    equal_quality_answer,
    look_alike_answer,
    quality_gaps,
    seed_spread_at,
)
from .wording import jnd_share, join, number

__all__ = [
    "SECONDARY_METRICS",
    "FEW_IMAGES",
    "Verdict",
    "judges_of",
    "jnd_share",
    "judge_verdicts",
    "which_space_answer",
    "quality_gaps",
    "equal_quality_answer",
    "look_alike_answer",
    "answers",
]

#: Metrics that are another view of a judge already asked (the 95th percentile
#: of ΔE00 beside its mean): not asked again.
SECONDARY_METRICS = frozenset({"delta_e2000_p95"})

#: Fewer images than this and the answer says they are few (a bootstrap
#: interval over few images is too narrow: colourquant.study.intervals).
FEW_IMAGES = 10


@dataclass(frozen=True)
class Verdict:
    """One judge's verdict at one k: the space with the best mean over the images.

    Attributes
    ----------
    k : int
    metric : str
        The judge (a key of :data:`colourquant.study.METRICS`).
    best : str
        The space with the best mean.
    runner_up : str
        The space with the next best mean.
    lead : float
        How much better `best` is than `runner_up`, in the metric's units (>= 0).
    clear : bool
        Whether the 95 % intervals against the reference space show `best`
        better than every other space (a space compared with neither being
        the reference cannot be shown so: then False).
    n_images : int
        Images the means are over.
    """

    k: int
    metric: str
    best: str
    runner_up: str
    lead: float
    clear: bool
    n_images: int


def judges_of(paired: pd.DataFrame) -> list[str]:
    """The judges the paired table holds: its metrics known to the study, secondary ones left out.

    Examples
    --------
    >>> paired = pd.DataFrame({"metric": ["psnr", "delta_e2000_mean", "delta_e2000_p95"]})
    >>> judges_of(paired)
    ['psnr', 'delta_e2000_mean']
    """
    present = set(paired["metric"])
    return [name for name in METRICS if name in present and name not in SECONDARY_METRICS]


def _amount(metric: str, value: float) -> str:
    """A lead in the metric's units: ``0.17 ΔE00`` or ``1.30 dB``."""
    from ..columns import JUDGES

    unit = JUDGES[metric].unit if metric in JUDGES else ""
    text = number(value, metric_of(metric).decimals)
    return f"{text} ΔE00" if metric.startswith("delta_e") else f"{text} {unit}".rstrip()


def judge_verdicts(
    paired: pd.DataFrame,
    k: int,
    judges: Sequence[str] | None = None,
    tests: pd.DataFrame | None = None,
) -> list[Verdict]:
    """Each judge's verdict at `k`, from the paired differences table.

    Parameters
    ----------
    paired : DataFrame
        :func:`~colourquant.study.paired_differences`: ``space - reference``
        per k, metric and space other than the reference, with its interval.
    k : int
    judges : sequence of str, optional
        Metrics to ask; :func:`judges_of` if None. A judge without rows at
        `k` (or with no images) gives no verdict.
    tests : DataFrame, optional
        The study's per-judge verdicts (``judge_verdicts.csv``,
        :func:`colourquant.study.verdicts.judge_verdicts`): where given, a
        verdict is clear only where Friedman's test, adjusted over the k
        swept, gives the judge evidence for that same space, the rule the
        findings use; otherwise the intervals decide.

    Returns
    -------
    list of Verdict

    Examples
    --------
    >>> paired = pd.DataFrame({"k": 4, "metric": "psnr", "space": ["Lab", "HSV"],
    ...     "reference": "RGB", "n_images": 5, "mean_difference": [0.8, -1.0],
    ...     "ci_low": [0.2, -1.5], "ci_high": [1.4, -0.5]})
    >>> judge_verdicts(paired, 4)[0]
    Verdict(k=4, metric='psnr', best='Lab', runner_up='RGB', lead=0.8, clear=False, n_images=5)
    """
    judges = judges_of(paired) if judges is None else list(judges)
    verdicts = []
    for metric in judges:
        rows = paired[(paired["k"] == k) & (paired["metric"] == metric) & (paired["n_images"] > 0)]
        if rows.empty:
            continue
        reference = rows["reference"].iloc[0]
        sign = 1.0 if metric_of(metric).lower_is_better else -1.0
        # Badness of each space relative to the reference: lower is better for every judge.
        badness = pd.Series(
            [0.0, *(sign * rows["mean_difference"].to_numpy(dtype=float))],
            index=[reference, *rows["space"]],
        )
        order = badness.sort_values(kind="stable")
        best, runner_up = order.index[0], order.index[1]
        verdicts.append(
            Verdict(
                k=int(k),
                metric=metric,
                best=str(best),
                runner_up=str(runner_up),
                lead=float(order.iloc[1] - order.iloc[0]),
                clear=(
                    _clear(rows, best, reference, sign)
                    if tests is None
                    else _tested(tests, k, metric, str(best))
                ),
                n_images=int(rows["n_images"].min()),
            )
        )
    return verdicts


def _tested(tests: pd.DataFrame, k: int, metric: str, best: str) -> bool:
    """Whether the study's adjusted Friedman test gives `metric` evidence for `best` at `k`."""
    row = tests[(tests["k"] == k) & (tests["metric"] == metric)]
    return bool(len(row)) and bool(row["evidence"].iloc[0]) and row["preferred"].iloc[0] == best


def _clear(rows: pd.DataFrame, best: str, reference: str, sign: float) -> bool:
    """Whether the intervals against the reference show `best` better than every other space."""
    low, high = (
        rows[["ci_low", "ci_high"]].to_numpy(dtype=float).T * sign
    )  # in badness: positive is worse than the reference
    low, high = np.minimum(low, high), np.maximum(low, high)
    if best == reference:
        return bool(np.all(low > 0))
    if len(rows) > 1:  # another space compared with neither being the reference
        return False
    return bool(high[list(rows["space"]).index(best)] < 0)


def _favours(metric: str) -> str:
    """The space whose objective `metric` favours by construction, or ``""``."""
    from ..columns import JUDGES

    return JUDGES[metric].favours if metric in JUDGES else ""


def _lead_verdict(verdicts: Sequence[Verdict]) -> Verdict:
    """The verdict whose lead the answer quotes: mean ΔE00's (in units a reader can
    picture) where it is among them, else the first."""
    return next((v for v in verdicts if v.metric == "delta_e2000_mean"), verdicts[0])


def _images(n: int) -> str:
    """``these 4 images``, or ``this one image``."""
    return "this one image" if n == 1 else f"these {n} images"


def _label(metric: str) -> str:
    return metric_of(metric).label


def _k_words(k: int, smallest: bool, swept: int | None = None) -> str:
    if smallest:
        return f"k = {k} (few colours)"
    if swept is not None and swept > k:  # the study left out larger k: comparable_runs
        return f"k = {k} (the most colours compared; larger k reproduce the images exactly)"
    return f"k = {k} (the most colours swept)"


def _evidence_words(tested: bool) -> str:
    """What decides whether a lead is clear: the study's adjusted tests, or the intervals."""
    return "their tests (adjusted over the k swept)" if tested else "the intervals"


def _lead_sentence(verdict: Verdict, tested: bool = False) -> str:
    """How far ahead a verdict's space is, and how sure that is."""
    amount = _amount(verdict.metric, verdict.lead)
    feel = f", {jnd_share(verdict.lead)}" if verdict.metric.startswith("delta_e") else ""
    if verdict.clear:
        sure = (
            "Friedman's test, adjusted over the k swept, makes that clear"
            if tested
            else ("The intervals make that clear")
        )
    else:
        sure = "That gap could be chance"
    return (
        f"By {_label(verdict.metric)} it is {amount} closer than {verdict.runner_up}{feel}. "
        f"{sure} over {_images(verdict.n_images)}."
    )


def _none_clear_sentence(
    where: str, verdicts: Sequence[Verdict], winners: Sequence[str], tested: bool = False
) -> str:
    """Where the judges' best means differ but no judge's intervals make its space clear.

    That is no evidence of a difference, not a disagreement (nor evidence
    that the spaces are equal): no space is the answer.
    """
    best = [
        f"by {join([_label(v.metric) for v in verdicts if v.best == space])}, {space} "
        + ("has the best mean" if i == 0 else "does")
        for i, space in enumerate(winners)
    ]
    return (
        f"At {where}, no judge finds one space clearly closer: {'; '.join(best)}; "
        f"but {_evidence_words(tested)} make none of these clear. "
        "So no space is the answer there."
    )


def which_space_answer(
    paired: pd.DataFrame,
    judges: Sequence[str] | None = None,
    swept: int | None = None,
    tests: pd.DataFrame | None = None,
) -> list[str]:
    """Which space gave the closer result at the smallest and the largest k, in sentences.

    Where every judge names the same space, it is the answer, with its lead by
    mean ΔE00 where present (in shares of a just-noticeable difference), else
    by the first judge, and whether the intervals make it clear. Where the
    judges' best spaces differ but no judge's intervals make its space clear,
    the sentence says that no judge finds one space clearly closer (not that
    they disagree) and no space is the answer, as in the findings
    (:func:`~colourquant.study.verdicts.answer_sentence`); so too where
    every judge's best mean is shared. Otherwise, where the judges disagree,
    the sentence says which judge prefers which space; the space the judges
    that favour no space's objective (:attr:`colourquant.columns.Column.favours`)
    all prefer is then the answer where their intervals make it clear, and
    if they disagree, or are not clear, no space is. Over fewer than
    :data:`FEW_IMAGES` images, a last sentence says they are few.

    Parameters
    ----------
    paired : DataFrame
        :func:`~colourquant.study.paired_differences`.
    judges : sequence of str, optional
        As for :func:`judge_verdicts`.
    swept : int, optional
        The sweep's largest k: where it is above the table's largest k (the
        study left out each k at or above an image's number of colours), that
        k is called the most colours compared, not swept.
    tests : DataFrame, optional
        As for :func:`judge_verdicts`: the study's adjusted tests decide
        what is clear, and the sentences say so.

    Returns
    -------
    list of str
        Empty where the table has no k.
    """
    ks = sorted(int(k) for k in paired.loc[paired["n_images"] > 0, "k"].unique())
    if not ks:
        return []
    sentences, fewest, tested = [], None, tests is not None
    for k in sorted({ks[0], ks[-1]}):
        verdicts = judge_verdicts(paired, k, judges, tests)
        if not verdicts:
            continue
        fewest = min(fewest or verdicts[0].n_images, *(v.n_images for v in verdicts))
        where = _k_words(k, k == ks[0], swept)
        winners = list(dict.fromkeys(verdict.best for verdict in verdicts))
        if all(verdict.lead == 0 for verdict in verdicts):
            sentences.append(
                f"At {where}, by every judge two or more spaces share the best mean, "
                "so no space is the answer there."
            )
            continue
        if len(winners) == 1:
            judges_named = join([_label(v.metric) for v in verdicts])
            by = f"every judge ({judges_named})" if len(verdicts) > 1 else judges_named
            sentences.append(f"At {where}, {winners[0]} gave the closest result by {by}.")
            sentences.append(_lead_sentence(_lead_verdict(verdicts), tested))
            continue
        if not any(verdict.clear for verdict in verdicts):
            sentences.append(_none_clear_sentence(where, verdicts, winners, tested))
            continue
        prefer = [
            f"by {join([_label(v.metric) for v in verdicts if v.best == space])}, {space} is"
            for space in winners
        ]
        prefer[0] += " closest"
        neutral = [v for v in verdicts if not _favours(v.metric)]
        agreed = {v.best for v in neutral}
        neutral_named = join([_label(v.metric) for v in neutral]) if neutral else ""
        if len(neutral) > 1 and len(agreed) == 1 and all(v.clear for v in neutral):
            # The judges that favour no space's objective agree, clearly: that is the answer.
            space = agreed.pop()
            sentences.append(
                f"At {where}, the judges disagree: {'; '.join(prefer)}. The judges that "
                f"favour no space's own objective ({neutral_named}) "
                f"all prefer {space}, so {space} is the answer there."
            )
            sentences.append(_lead_sentence(_lead_verdict(neutral), tested))
        elif len(neutral) > 1 and len(agreed) == 1:
            sentences.append(
                f"At {where}, the judges disagree: {'; '.join(prefer)}. The judges that "
                f"favour no space's own objective ({neutral_named}) all give {agreed.pop()} "
                f"the best mean, but {_evidence_words(tested)} do not make that "
                "clear, so no space is the answer there."
            )
        else:
            sentences.append(
                f"At {where}, the judges disagree: {'; '.join(prefer)}. "
                "So no space is the answer there."
            )
    if fewest is not None and fewest < FEW_IMAGES:
        few = "One image is" if fewest == 1 else f"{fewest} images are"
        sentences.append(f"{few} few: read this as a hint, not a proof.")
    return sentences


def answers(
    tables: Mapping[str, pd.DataFrame],
    differences: pd.DataFrame | None = None,
    judges: Sequence[str] | None = None,
    runs: pd.DataFrame | None = None,
) -> dict[str, list[str]]:
    """Both answers from the study's tables, as the front page shows them.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Of :func:`~colourquant.study.study_tables` (``paired_differences``
        and ``stop_differing_summary`` are read, and ``judge_verdicts``
        where present: then the study's adjusted tests decide what is clear,
        as in the findings).
    differences : DataFrame, optional
        The per-image differences tables, concatenated.
    judges : sequence of str, optional
        As for :func:`judge_verdicts`.
    runs : DataFrame, optional
        The sweep's runs (metrics.csv): where given, the look-alike answer
        says how far apart one space's refits with another seed are
        (:func:`~colourquant.study.indistinguishable.seed_spread_at`).

    Returns
    -------
    dict
        ``which_space`` and ``indistinguishable``: lists of sentences.
    """
    paired, stops = tables["paired_differences"], tables["stop_differing_summary"]
    swept = int(stops["k_max_swept"].max()) if len(stops) else None
    noise = None if runs is None or swept is None else seed_spread_at(runs, swept)
    indistinguishable = [
        equal_quality_answer(paired),
        look_alike_answer(stops, differences, noise),
    ]
    return {
        "which_space": which_space_answer(paired, judges, swept, tables.get("judge_verdicts")),
        "indistinguishable": [sentence for sentence in indistinguishable if sentence],
    }
