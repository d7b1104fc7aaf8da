"""The study of one sweep: every table of this package from the sweep's outputs, and its summary.

:func:`study_tables` is what the workflow's ``study`` job computes; :func:`headline_findings`
picks the few sentences the report's front page opens with (the full list is
:func:`~colourquant.study.findings` over every k). :func:`stop_summary_sentences`
lives in :mod:`~colourquant.study.stop_findings` and is still importable from here.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..config import choose_reference
from ..files import STUDY_TABLES
from ._tables import METRICS
from .characteristics import characteristic_correlations, characteristics_table
from .findings import findings
from .friedman import rank_tests
from .intervals import image_differences, paired_differences
from .stop_findings import stop_summary_sentences
from .thresholds import judge_stops, stop_differing, stop_differing_summary
from .verdicts import judge_verdicts, verdict_sentences
from .wording import images_phrase

__all__ = [
    "STUDY_TABLES",
    "comparable_runs",
    "study_tables",
    "headline_findings",
    "findings_texts",
    "stop_summary_sentences",
    "choose_reference",
]


def comparable_runs(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs that can tell spaces apart: k below the image's number of colours.

    At k at or above it every space reproduces the image exactly (PSNR is
    infinite, every error 0): there is nothing to compare, so those runs are
    left out of the study.

    Examples
    --------
    >>> runs = pd.DataFrame({"image": "flag", "k": [2, 3, 4], "n_unique": 3})
    >>> comparable_runs(runs)["k"].tolist()
    [2]
    """
    return runs[runs["k"] < runs["n_unique"]]


def study_tables(
    runs: pd.DataFrame,
    differences: pd.DataFrame,
    images: Mapping[str, object],
    *,
    reference: str,
    seed: int = 0,
) -> dict[str, pd.DataFrame]:
    """Every study table of a sweep.

    Parameters
    ----------
    runs : DataFrame
        The sweep's metrics table (k-means rows are used, and only where k is
        below the image's number of colours: :func:`comparable_runs`).
    differences : DataFrame
        The per-image differences tables, concatenated.
    images : mapping of str to DistinctColours
        Each image's distinct colours, for its characteristics.
    reference : str
        The space the others are compared with.
    seed : int
        Seeds the bootstrap intervals.

    Returns
    -------
    dict of str to DataFrame
        One table per name in :data:`STUDY_TABLES`. ``correlations`` relates
        each space's per-image difference from the reference, at every k and
        metric, to each image characteristic (Spearman).
    """
    runs = comparable_runs(runs)
    # Every judge the runs measured (a metrics table from before a judge was added lacks it).
    metrics = [name for name in METRICS if name in runs and runs[name].notna().any()]
    per_image = image_differences(runs, reference=reference, metrics=metrics)
    stops = pd.concat([stop_differing(differences, runs), judge_stops(runs, metrics)],
                      ignore_index=True)  # fmt: skip
    characteristics = characteristics_table(images)
    correlations = [
        characteristic_correlations(group.set_index("image")["difference"], characteristics).assign(
            k=k, metric=metric, space=space, reference=reference
        )
        for (k, metric, space), group in per_image.groupby(["k", "metric", "space"], sort=False)
    ]
    columns = ["k", "metric", "space", "reference", "characteristic", "rho", "p_value", "n"]
    tests = rank_tests(runs, metrics=metrics)
    return {
        "rank_tests": tests,
        "judge_verdicts": judge_verdicts(tests),
        "paired_differences": paired_differences(
            runs, reference=reference, metrics=metrics, seed=seed
        ),
        "image_differences": per_image,
        "stop_differing": stops,
        "stop_differing_summary": stop_differing_summary(stops),
        "characteristics": characteristics,
        "correlations": (
            pd.concat(correlations, ignore_index=True)[columns]
            if correlations
            else pd.DataFrame(columns=columns)
        ),
    }


#: The thresholds the headline's "stop differing" sentences use: the images'
#: mean ΔE00 to each other against the seed spread and the just-noticeable
#: difference, and ꟻLIP, the judge that asks whether a viewer can tell.
HEADLINE_THRESHOLDS = ("seed", "jnd", "flip_mean")


def few_images_sentences(n_images: int) -> list[str]:
    """How many images the findings rest on, and, under ten, that this is few.

    Examples
    --------
    >>> few_images_sentences(4)
    ['These findings rest on 4 images.', 'That is few: read them as a first look, not as proof.']
    """
    sentences = [f"These findings rest on {images_phrase(n_images)}."]
    if n_images < 10:
        sentences.append("That is few: read them as a first look, not as proof.")
    return sentences


#: The decision rule of every finding, in one sentence.
DECISION_RULE = (
    "A judge picks a space only where Friedman's test, adjusted over the k swept, "
    "gives p below 0.05; that adjusted p is the one rule for evidence."
)


def headline_findings(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """The sentences the report's front page opens with.

    How many images the findings rest on; what each judge prefers at the
    smallest and the largest k and whether that is an answer
    (:func:`~colourquant.study.verdict_sentences`); from which k pairs of
    spaces stop differing by the images' seed spread, by the
    just-noticeable ΔE00 and by ꟻLIP; the decision rule; and, with several
    k and few images, that the intervals are per k and rough.
    """
    tests, verdicts = tables["rank_tests"], tables["judge_verdicts"]
    ks = sorted(tests["k"].unique()) if len(tests) else []
    chosen = sorted({ks[0], ks[-1]}) if ks else []
    n_images = int(tests["n_images"].max()) if len(tests) else 0
    sentences = few_images_sentences(n_images) if n_images else []
    sentences += verdict_sentences(verdicts, k_values=chosen)
    summary = tables["stop_differing_summary"]
    swept = int(summary["k_max_swept"].max()) if len(summary) else None
    headline = summary[summary["threshold"].isin(HEADLINE_THRESHOLDS)]
    sentences += stop_summary_sentences(headline, swept)
    if ks:
        sentences.append(DECISION_RULE)
    if len(ks) > 1 and n_images >= 3:
        sentences.append(
            f"Each interval is for its own k and, unlike Friedman's p, not adjusted over the "
            f"{len(ks)} k swept."
        )
    if 3 <= n_images < 10:
        sentences.append(
            f"With {n_images} images the 95 % intervals are rough (a bootstrap over few "
            "images is too narrow): read them as an indication, not a test."
        )
    return sentences


def findings_texts(tables: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """The study's findings as the texts a sweep writes.

    ``findings``: :func:`headline_findings`, one sentence a line, for the
    report's front page; ``all_findings``: the judges' verdicts at every k,
    then :func:`~colourquant.study.findings` of each judge at every k, then
    every stop, one paragraph each.
    """
    headline = "\n".join(headline_findings(tables)) + "\n"
    tests, paired = tables["rank_tests"], tables["paired_differences"]
    every = verdict_sentences(tables["judge_verdicts"])
    for metric in dict.fromkeys(tests["metric"]):
        every += findings(tests, paired, None, metric=metric)
    every += findings(stops=tables["stop_differing_summary"])
    return {"findings": headline, "all_findings": "\n\n".join(every) + "\n"}
