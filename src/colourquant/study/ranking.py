"""Ranks of colour spaces per image, where differences within the replicate spread are ties.

The tie rule, used here and for the win / tie / loss counts of
:mod:`colourquant.study.intervals`: two runs of an image at one k, with values
``a`` and ``b`` of a metric and replicate spreads ``s_a`` and ``s_b`` (how much
each moves by chance alone), **tie when** ``|a - b| <= max(s_a, s_b)``;
otherwise the one on the better side (lower ΔE00, higher PSNR or SSIM) wins.
With zero spreads only equal values tie.

Within the spread is not transitive (``a`` may tie ``b`` and ``b`` tie ``c``
while ``a`` beats ``c``), so ranks are not formed by grouping. Instead each
space's rank in an image is counted from its pairwise outcomes::

    rank = 1 + (spaces that beat it) + (spaces it ties) / 2

Where the ties do form groups this is exactly the usual average rank
(``scipy.stats.rankdata(method="average")``); in every case an image's ranks add
up to ``m (m + 1) / 2`` for ``m`` spaces, as Friedman's test needs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ._tables import METRICS, metric_blocks

__all__ = ["outcomes", "tied_ranks", "rank_table"]


def _values_and_spreads(values, spreads) -> tuple[np.ndarray, np.ndarray]:
    values = np.asarray(values, dtype=float)
    spreads = np.zeros_like(values) if spreads is None else np.asarray(spreads, dtype=float)
    if spreads.shape != values.shape:
        raise ValueError(f"spreads have shape {spreads.shape}, values {values.shape}")
    if not np.isfinite(values).all():
        raise ValueError("values must be finite (leave out incomplete images first)")
    if not (np.isfinite(spreads) & (spreads >= 0)).all():
        raise ValueError("spreads must be finite and >= 0")
    return values, spreads


def outcomes(a, b, spread_a=0.0, spread_b=0.0, *, lower_is_better: bool = True) -> np.ndarray:
    """Whether run ``a`` beats, ties or loses to run ``b``: +1, 0 or -1, elementwise.

    Parameters
    ----------
    a, b : array_like of float
        Values of one metric (broadcast together).
    spread_a, spread_b : array_like of float
        Their replicate spreads, >= 0. They tie when ``|a - b| <= max(spread_a, spread_b)``.
    lower_is_better : bool
        True for ΔE00, False for PSNR and SSIM.

    Returns
    -------
    ndarray of int8

    Examples
    --------
    >>> outcomes([1.0, 1.0, 1.0], [1.5, 1.05, 0.5], 0.1, 0.0).tolist()
    [1, 0, -1]
    >>> outcomes(30.0, 29.0, lower_is_better=False).tolist()
    1
    """
    a, spread_a = _values_and_spreads(*np.broadcast_arrays(a, spread_a))
    b, spread_b = _values_and_spreads(*np.broadcast_arrays(b, spread_b))
    gap = b - a if lower_is_better else a - b
    tolerance = np.maximum(spread_a, spread_b)
    return np.where(np.abs(gap) <= tolerance, 0, np.sign(gap)).astype(np.int8)


def tied_ranks(values, spreads=None, *, lower_is_better: bool = True) -> np.ndarray:
    """Rank the spaces of each image (row), 1 = best, ties within the spread sharing ranks.

    Parameters
    ----------
    values : array_like of float, shape (n_images, n_spaces) or (n_spaces,)
    spreads : array_like of float, same shape, optional
        Each run's replicate spread (>= 0); None for zeros (only equal values tie).
    lower_is_better : bool

    Returns
    -------
    ndarray of float, the shape of `values`
        ``1 + (spaces that beat it) + (spaces it ties) / 2``, by :func:`outcomes`.

    Examples
    --------
    >>> tied_ranks([1.0, 1.05, 2.0], [0.1, 0.0, 0.0]).tolist()
    [1.5, 1.5, 3.0]

    A chain: the middle space ties both others, which do not tie each other.

    >>> tied_ranks([1.0, 1.08, 1.16], [0.1, 0.1, 0.1]).tolist()
    [1.5, 2.0, 2.5]
    >>> tied_ranks([[30.0, 32.0]], lower_is_better=False).tolist()
    [[2.0, 1.0]]
    """
    values, spreads = _values_and_spreads(values, spreads)
    row_values, row_spreads = np.atleast_2d(values), np.atleast_2d(spreads)
    result = outcomes(
        row_values[:, :, None],
        row_values[:, None, :],
        row_spreads[:, :, None],
        row_spreads[:, None, :],
        lower_is_better=lower_is_better,
    )
    # result[i, j, l] is +1 where space j beats space l in image i; the diagonal ties itself.
    beaten_by = (result == -1).sum(axis=2)
    tied_with = (result == 0).sum(axis=2) - 1
    return (1.0 + beaten_by + tied_with / 2.0).reshape(values.shape)


def rank_table(
    runs: pd.DataFrame,
    *,
    metrics: Sequence[str] = tuple(METRICS),
    spreads: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Every space's tied rank in every image, per k and metric: a tidy table.

    Parameters
    ----------
    runs : DataFrame
        The tidy runs table: one row per image, space and k (k-means only; a
        ``method`` column keeps its ``kmeans`` rows), with the `metrics` columns.
    metrics : sequence of str
        Keys of :data:`colourquant.study.METRICS`.
    spreads : mapping of str to str, optional
        Each metric's spread column (default
        :data:`colourquant.study.DEFAULT_SPREADS`); a metric without one ties
        only on equal values.

    Returns
    -------
    DataFrame
        Columns ``k, metric, image, space, value, spread, rank, spread_column``.
        Images missing a space or value at a k are left out of that k.

    Examples
    --------
    >>> runs = pd.DataFrame({"image": ["a", "a"], "space": ["RGB", "Lab"], "k": 4,
    ...                      "psnr": [30.0, 31.0]})
    >>> rank_table(runs, metrics=["psnr"])[["space", "rank"]].to_dict("list")
    {'space': ['RGB', 'Lab'], 'rank': [2.0, 1.0]}
    """
    frames = []
    for block in metric_blocks(runs, metrics, spreads):
        ranks = tied_ranks(
            block.values, block.spreads, lower_is_better=block.metric.lower_is_better
        )
        n_images, n_spaces = block.values.shape
        frames.append(
            pd.DataFrame(
                {
                    "k": block.k,
                    "metric": block.metric.name,
                    "image": np.repeat(block.images, n_spaces),
                    "space": np.tile(block.spaces, n_images),
                    "value": block.values.ravel(),
                    "spread": block.spreads.ravel(),
                    "rank": ranks.ravel(),
                    "spread_column": block.spread_column,
                }
            )
        )
    columns = ["k", "metric", "image", "space", "value", "spread", "rank", "spread_column"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
