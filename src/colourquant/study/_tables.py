"""The study's inputs: which metrics, which way is better, and the runs table cut into blocks.

A *block* is what every test of the study compares: at one k and for one
metric, the values of every colour space (columns) in every image (rows),
with each run's replicate spread beside them. An image missing a space, or a
value, at that k is left out of the block (the tests need complete rows), and
the block says how many were left out.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..columns import JUDGES, SPREADS, Column

__all__ = [
    "Metric",
    "METRICS",
    "DEFAULT_SPREADS",
    "MIN_IMAGES",
    "Block",
    "kmeans_only",
    "metric_blocks",
]


#: A column of the runs table that the study compares spaces by: a judge of
#: the registry (:class:`colourquant.columns.Column`; ``name``, ``label``,
#: ``lower_is_better``, ``decimals``, ``family``, ``favours``, ``spread``).
Metric = Column

#: The judges, by name: every metric the study compares spaces by
#: (:data:`colourquant.columns.JUDGES`, the same mapping).
METRICS = JUDGES

#: The replicate spread of each metric: a column of the runs table holding,
#: per run, how much the metric moves by chance alone (its largest change over
#: the ``fit.replicates`` refits with other seeds); a metric without one ties
#: only on equal values (:data:`colourquant.columns.SPREADS`, the same mapping).
DEFAULT_SPREADS = SPREADS

#: Fewer images than this and no test or interval is computed (NaN and a note).
MIN_IMAGES = 3

_KEYS = ("image", "space", "k")


@dataclass(frozen=True)
class Block:
    """One k and one metric: every space's value in every complete image.

    Attributes
    ----------
    k : int
    metric : Metric
    images : list of str
        Rows, in the order of the runs table.
    spaces : list of str
        Columns, in the order of the runs table.
    values : ndarray of float, shape (n_images, n_spaces)
    spreads : ndarray of float, shape (n_images, n_spaces)
        Each run's replicate spread; zeros where the metric has none.
    spread_column : str
        The column the spreads came from; ``""`` where there is none.
    n_left_out : int
        Images at this k left out for a missing space or value.
    """

    k: int
    metric: Metric
    images: list[str]
    spaces: list[str]
    values: np.ndarray
    spreads: np.ndarray
    spread_column: str
    n_left_out: int


def kmeans_only(runs: pd.DataFrame, metrics: Sequence[str] = ()) -> pd.DataFrame:
    """The k-means rows of a runs table, checked: one row per image, space and k.

    Parameters
    ----------
    runs : DataFrame
        Columns ``image, space, k`` and each of `metrics`; a ``method``
        column, where present, keeps the ``kmeans`` rows only.
    metrics : sequence of str
        Columns that must be present.

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> runs = pd.DataFrame({"image": ["a", "a"], "space": ["RGB", "RGB"], "k": [2, 2]})
    >>> kmeans_only(runs)
    Traceback (most recent call last):
    ...
    ValueError: the runs table repeats 1 (image, space, k), e.g. 'a', 'RGB', k = 2
    """
    if not isinstance(runs, pd.DataFrame):
        raise ValueError(f"expected the runs table as a DataFrame, got {type(runs).__name__}")
    missing = [column for column in (*_KEYS, *metrics) if column not in runs]
    if missing:
        raise ValueError(f"the runs table lacks the column(s) {', '.join(missing)}")
    if "method" in runs:
        runs = runs[runs["method"] == "kmeans"]
    repeated = runs.duplicated(list(_KEYS))
    if repeated.any():
        image, space, k = runs.loc[repeated, list(_KEYS)].iloc[0]
        raise ValueError(
            f"the runs table repeats {int(repeated.sum())} (image, space, k), "
            f"e.g. {image!r}, {space!r}, k = {k}"
        )
    return runs


def metric_of(name: str) -> Metric:
    """The :class:`Metric` called `name`, or a ValueError naming the known ones."""
    if name not in METRICS:
        raise ValueError(f"unknown metric {name!r}; known: {', '.join(METRICS)}")
    return METRICS[name]


def _spread_column(runs: pd.DataFrame, metric: str, spreads: Mapping[str, str]) -> str:
    """The spread column of `metric` if the runs measured it, else ``""``; refuse half-measured."""
    column = spreads.get(metric, "")
    if not column or column not in runs or runs[column].isna().all():
        return ""
    # Where the metric itself is undefined (a judge on a tiny image) so is its spread.
    spread = runs.loc[runs[metric].notna(), column]
    if spread.isna().any():
        raise ValueError(
            f"{column} is measured for some runs and not others "
            f"({int(spread.isna().sum())} of {len(spread)} missing); "
            "rerun them with the same fit settings"
        )
    if (spread < 0).any():
        raise ValueError(f"{column} must be >= 0; got {spread.min()}")
    return column


def metric_blocks(
    runs: pd.DataFrame,
    metrics: Sequence[str],
    spreads: Mapping[str, str] | None = None,
) -> Iterator[Block]:
    """Cut a runs table into blocks, one per k and metric (k first, then `metrics` order).

    Parameters
    ----------
    runs : DataFrame
        The tidy runs table (see :func:`kmeans_only`).
    metrics : sequence of str
        Keys of :data:`METRICS`.
    spreads : mapping of str to str, optional
        Each metric's spread column; :data:`DEFAULT_SPREADS` if None. A metric
        not in it, or whose column is absent or empty, has no spread.

    Yields
    ------
    Block

    Examples
    --------
    >>> runs = pd.DataFrame({"image": ["a", "a", "b"], "space": ["RGB", "Lab", "RGB"],
    ...                      "k": 4, "psnr": [30.0, 31.0, 28.0]})
    >>> block = next(metric_blocks(runs, ["psnr"]))
    >>> block.images, block.spaces, block.values.tolist(), block.n_left_out
    (['a'], ['RGB', 'Lab'], [[30.0, 31.0]], 1)
    """
    spreads = DEFAULT_SPREADS if spreads is None else spreads
    chosen = [metric_of(name) for name in metrics]
    runs = kmeans_only(runs, [metric.name for metric in chosen])
    images = list(dict.fromkeys(runs["image"]))
    spaces = list(dict.fromkeys(runs["space"]))
    columns = {metric.name: _spread_column(runs, metric.name, spreads) for metric in chosen}
    for k, at_k in runs.groupby("k", sort=True):
        for metric in chosen:
            column = columns[metric.name]
            table = at_k.pivot(index="image", columns="space", values=metric.name)
            table = table.reindex(index=[i for i in images if i in table.index], columns=spaces)
            complete = table.notna().all(axis=1)
            if column:
                spread = at_k.pivot(index="image", columns="space", values=column)
                spread = spread.reindex(index=table.index, columns=spaces)[complete]
            else:
                spread = table[complete] * 0.0
            yield Block(
                k=int(k),
                metric=metric,
                images=list(table.index[complete]),
                spaces=spaces,
                values=table[complete].to_numpy(dtype=float),
                spreads=spread.to_numpy(dtype=float),
                spread_column=column,
                n_left_out=int((~complete).sum()),
            )


def left_out_note(block: Block) -> str:
    """A clause saying how many images the block left out, or ``""``."""
    if not block.n_left_out:
        return ""
    return f"{block.n_left_out} image(s) left out for a missing space or value"
