"""Answers across an image set (issue 13): which colour space quantizes better, from
which k the spaces stop differing, and how sure that is.

Pure functions on the workflow's tables; nothing here reads files or knows Snakemake.
The inputs are the tidy runs table (``results/<experiment>/metrics.csv``: one row per image,
space and k; k-means rows only are used) and the differences tables
(``results/<experiment>/differences/<image>.csv``, concatenated). One module per concern:

:mod:`~colourquant.study.ranking`
    the tie rule (within the replicate spread) and each image's tied ranks;
:mod:`~colourquant.study.friedman`
    Friedman's test and Nemenyi's post-hoc groups (their critical-difference diagram
    is in :mod:`~colourquant.study.plots`, with the study's other figures);
:mod:`~colourquant.study.intervals`
    paired differences from a reference space with bootstrap intervals and win / tie / loss;
:mod:`~colourquant.study.thresholds`
    the k from which two spaces' quantized images stop differing;
:mod:`~colourquant.study.characteristics`
    colourfulness, hue entropy and the like per image, and their rank correlations;
:mod:`~colourquant.study.findings`
    the tables of one metric in careful sentences (rankings, paired differences);
:mod:`~colourquant.study.verdicts`
    each judge's verdict per k, where the judges agree, and both in sentences;
:mod:`~colourquant.study.stop_findings`
    from which k pairs of spaces stop differing, in sentences;
:mod:`~colourquant.study.wording`
    the phrases every sentence is built from (numbers, p-values, counts, lists);
:mod:`~colourquant.study.answers`
    the front page's answers to the notebook's two questions;
:mod:`~colourquant.study.sweep`
    all of it for one sweep, and the few sentences its report opens with.

Every judge (:data:`METRICS`, the registry's :data:`colourquant.columns.JUDGES`)
is compared in its own direction: lower is better for ΔE00 and ꟻLIP, higher
for PSNR, SSIM, MS-SSIM and VIFp. Each table has a ``metric`` column with a
row per judge; :func:`judge_verdicts` says which space each judge prefers at
each k and where the judges that favour neither space agree.
"""

from ._tables import DEFAULT_SPREADS, METRICS, MIN_IMAGES, Metric
from .characteristics import (
    CHARACTERISTICS,
    characteristic_correlations,
    characteristics_table,
    colourfulness,
    hue_entropy,
    image_characteristics,
)
from .findings import findings, interval_verdict, paired_sentence, ranking_sentences
from .friedman import (
    RANK_TEST_COLUMNS,
    adjust_over_k,
    critical_difference,
    friedman_test,
    nemenyi_p_values,
    rank_tests,
)
from .intervals import PAIRED_COLUMNS, bootstrap_interval, image_differences, paired_differences
from .plots import critical_difference_figure
from .ranking import outcomes, rank_table, tied_ranks
from .stop_findings import stop_sentence, stop_summary_sentences
from .sweep import STUDY_TABLES, choose_reference, findings_texts, headline_findings, study_tables
from .thresholds import (
    JND,
    THRESHOLDS,
    first_k_staying_below,
    judge_stops,
    stop_differing,
    stop_differing_summary,
)
from .verdicts import VERDICT_COLUMNS, judge_verdicts, verdict_sentences

__all__ = [
    "STUDY_TABLES",
    "VERDICT_COLUMNS",
    "judge_stops",
    "judge_verdicts",
    "verdict_sentences",
    "adjust_over_k",
    "choose_reference",
    "findings_texts",
    "headline_findings",
    "stop_summary_sentences",
    "study_tables",
    "CHARACTERISTICS",
    "DEFAULT_SPREADS",
    "JND",
    "METRICS",
    "MIN_IMAGES",
    "Metric",
    "PAIRED_COLUMNS",
    "RANK_TEST_COLUMNS",
    "THRESHOLDS",
    "bootstrap_interval",
    "characteristic_correlations",
    "characteristics_table",
    "colourfulness",
    "critical_difference",
    "critical_difference_figure",
    "findings",
    "first_k_staying_below",
    "friedman_test",
    "hue_entropy",
    "image_characteristics",
    "image_differences",
    "interval_verdict",
    "nemenyi_p_values",
    "outcomes",
    "paired_differences",
    "paired_sentence",
    "rank_table",
    "rank_tests",
    "ranking_sentences",
    "stop_differing",
    "stop_differing_summary",
    "stop_sentence",
    "tied_ranks",
]
