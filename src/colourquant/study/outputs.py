"""Everything the study job writes, one output at a time: the thin layer between
the workflow's study job and the study's modules (which it does not change)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence

import pandas as pd

from ..plots import space_colours
from . import findings_texts, study_tables
from .answers import answers
from .plots import study_figures

__all__ = ["study_outputs"]


def study_outputs(
    runs: pd.DataFrame,
    differences: pd.DataFrame,
    images: Mapping[str, object],
    spaces: Sequence[str],
    reference: str,
    largest_k: int,
    seed: int,
) -> Iterator[tuple[str, object, float | None]]:
    """The study's outputs by name, as (name, value, dpi), one at a time.

    The value is a table (DataFrame), a figure (dpi given) or a text (str):
    the tables of :func:`~colourquant.study.study_tables`, the figures of
    :func:`~colourquant.study.plots.study_figures`, the findings in words and,
    as ``answers``, the notebook's two questions answered (JSON).

    Parameters
    ----------
    runs, differences : DataFrame
        The runs table and the concatenated differences tables (a dithered
        variant's runs are left out: :mod:`colourquant.study.dithering`
        compares those).
    images : mapping of str to DistinctColours
        Each image's distinct colours, by name (for the characteristics).
    spaces : sequence of str
        The colour spaces, in the figures' colour order.
    reference : str
        The space the paired differences are taken from.
    largest_k : int
        The k of the critical-difference and characteristics figures.
    seed : int
        The bootstrap's seed.
    """
    from ..variants import undithered

    runs = undithered(runs)
    tables = study_tables(runs, differences, images, reference=reference, seed=seed)
    for name, table in tables.items():
        yield name, table, None
    figures = study_figures(tables, runs, differences, space_colours(spaces), largest_k)
    for name, figure, dpi in figures:
        yield name, figure, dpi
    for name, text in findings_texts(tables).items():
        yield name, text, None
    yield "answers", json.dumps(answers(tables, differences, runs=runs), indent=1) + "\n", None
