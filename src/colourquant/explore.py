"""Explore an image's colours in a space, and compare quantizations across spaces.

The exploration works on an image's distinct colours and their pixel counts
(see :mod:`colourquant.colours`): samples are of pixels, not of distinct
colours, and statistics are weighted by pixel counts, so both describe the
image as a person sees it. Differences between the quantized images of two
spaces are measured by :func:`colourquant.metrics.palette_delta_e2000`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations

import numpy as np
import pandas as pd

from .metrics import palette_delta_e2000

__all__ = [
    "sample_pixels",
    "weighted_correlation",
    "space_pairs",
    "pairwise_differences",
]


def sample_pixels(counts: np.ndarray, n_samples: int, seed: int) -> np.ndarray:
    """Draw pixels at random without replacement; return each one's distinct colour.

    A colour covering many pixels is drawn (up to) that many times more often
    than a colour covering one, as if pixels were sampled from the image.

    Parameters
    ----------
    counts : ndarray of int, shape (n_unique,)
        Pixels of each distinct colour.
    n_samples : int
        Pixels to draw; all of them if the image has fewer.
    seed : int
        Seed of the random generator: the same seed gives the same sample.

    Returns
    -------
    ndarray of int64, shape (min(n_samples, counts.sum()),)
        For each drawn pixel, in random order, the row of its colour in the
        distinct colours. A row may occur several times.
    """
    counts = np.asarray(counts)
    if counts.ndim != 1 or (counts < 0).any():
        raise ValueError("counts must be a 1-D array of non-negative integers")
    if n_samples < 0:
        raise ValueError(f"n_samples must be non-negative, got {n_samples}")
    cumulative = np.cumsum(counts, dtype=np.int64)
    n_pixels = int(cumulative[-1]) if cumulative.size else 0
    rng = np.random.default_rng(seed)
    pixels = rng.choice(n_pixels, size=min(n_samples, n_pixels), replace=False)
    # Pixels are numbered colour by colour: pixel p has the first colour whose
    # cumulative count exceeds p.
    return np.searchsorted(cumulative, pixels, side="right").astype(np.int64)


def weighted_correlation(points: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Pearson correlation matrix of the coordinates, each point repeated `weights` times.

    Parameters
    ----------
    points : ndarray, shape (n, d)
        Coordinates, e.g. an image's distinct colours in a colour space.
    weights : ndarray, shape (n,)
        Non-negative weights, e.g. pixel counts; their sum must be positive.

    Returns
    -------
    ndarray of float64, shape (d, d)
        ``np.corrcoef`` of the repeated points, taken as columns. Rows and
        columns of a coordinate that is constant (zero variance) are NaN,
        including its diagonal entry, because its correlation is undefined.
    """
    points = np.asarray(points, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    if points.ndim != 2 or weights.shape != (points.shape[0],):
        raise ValueError(
            f"expected points of shape (n, d) and n weights, got {points.shape} and {weights.shape}"
        )
    if (weights < 0).any() or not weights.sum() > 0:
        raise ValueError("weights must be non-negative with a positive sum")
    total = weights.sum()
    centred = points - weights @ points / total
    covariance = (centred * weights[:, None]).T @ centred / total
    spread = np.sqrt(np.diag(covariance))
    # Rounding leaves a constant coordinate with a variance of ~1e-33, not 0.
    defined = spread > 1e-12 * np.abs(points).max(axis=0, initial=0.0)
    safe = np.where(defined, spread, 1.0)
    correlation = np.clip(covariance / np.outer(safe, safe), -1.0, 1.0)
    np.fill_diagonal(correlation, 1.0)
    correlation[~defined, :] = np.nan
    correlation[:, ~defined] = np.nan
    return correlation


def space_pairs(spaces: Sequence[str]) -> list[tuple[str, str]]:
    """Every unordered pair of distinct colour spaces, in config order."""
    return list(combinations(dict.fromkeys(spaces), 2))


def pairwise_differences(
    quantized: Mapping[tuple[str, int], tuple[np.ndarray, np.ndarray]],
    spaces: Sequence[str],
    k_values: Sequence[int],
) -> pd.DataFrame:
    """Mean CIEDE2000 between the quantized images of every pair of spaces, at every k.

    Parameters
    ----------
    quantized : mapping of (space, k) to (labels, palette)
        One image's quantized versions as palette images: the palette row of
        each pixel, shape (height, width), and the palette, uint8 (n, 3).
    spaces, k_values : sequences
        Which spaces to pair and at which k; they set the row order.

    Returns
    -------
    DataFrame
        Columns ``k, space_a, space_b, delta_e2000_mean``; one row per k and
        pair, with ``space_a`` before ``space_b`` in `spaces`. Empty (with
        these columns) for fewer than two spaces.
    """
    rows = [
        {
            "k": int(k),
            "space_a": space_a,
            "space_b": space_b,
            "delta_e2000_mean": palette_delta_e2000(
                *quantized[(space_a, k)], *quantized[(space_b, k)]
            ),
        }
        for k in k_values
        for space_a, space_b in space_pairs(spaces)
    ]
    return pd.DataFrame(rows, columns=["k", "space_a", "space_b", "delta_e2000_mean"])
