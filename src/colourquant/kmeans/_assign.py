"""Weighted points: their check, nearest-centre assignment, cluster means and inertia."""

from __future__ import annotations

import numpy as np

from .._validation import check_triples

# Rows per block when computing point-to-centre distances: keeps the
# temporary (rows x k) matrix in cache whatever the image size.
_BLOCK_ROWS = 1 << 13
# ... and whatever k: about 2 MB of float64 distances per block (at k = 256 a
# block of 8,192 rows took 1.5x as long per row as one of 1,024).
_BLOCK_VALUES = 1 << 18


def rows_per_block(columns: int) -> int:
    """Rows per block of a (rows x `columns`) distance matrix."""
    return int(min(_BLOCK_ROWS, max(256, _BLOCK_VALUES // max(columns, 1))))


_KD_TREE_FROM_K = 32


def validate_points(points: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points (n, 3) and their weights (n,) as float64, or a ValueError saying what is wrong."""
    points = check_triples(np.asarray(points, dtype=np.float64), "points")
    weights = np.asarray(weights, dtype=np.float64)
    if weights.shape != (points.shape[0],):
        raise ValueError(f"expected {points.shape[0]} weights, got shape {weights.shape}")
    if points.shape[0] == 0:
        raise ValueError("no points to cluster")
    if not np.isfinite(points).all():
        raise ValueError("points contain NaN or infinite values")
    if (weights < 0).any():
        raise ValueError("weights must be non-negative")
    return points, weights


def cluster_means(points, weights, labels, fallback):
    """Weighted mean of each cluster's points; `fallback` for a cluster left empty."""
    k = len(fallback)
    totals = np.bincount(labels, weights=weights, minlength=k)
    sums = np.stack(
        [np.bincount(labels, weights=weights * points[:, axis], minlength=k) for axis in range(3)],
        axis=1,
    )
    centres = np.asarray(fallback, dtype=np.float64).copy()
    filled = totals > 0
    centres[filled] = sums[filled] / totals[filled, None]
    return centres


def nearest_centre(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Index of the nearest centre (squared Euclidean distance) of each point.

    Up to 32 centres, distances are computed in blocks of rows; beyond, a k-d
    tree of the centres answers faster (4x at k = 256 on a photo's colours).

    Parameters
    ----------
    points : ndarray, shape (n, 3)
    centres : ndarray, shape (k, 3)

    Returns
    -------
    ndarray of int32, shape (n,)

    Examples
    --------
    >>> import numpy as np
    >>> from colourquant.kmeans import nearest_centre
    >>> points = np.array([[0.0, 0.0, 0.0], [0.9, 1.0, 1.0]])
    >>> nearest_centre(points, np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 0.1]]))
    array([1, 0], dtype=int32)
    """
    points = np.asarray(points, dtype=np.float64)
    centres = np.asarray(centres, dtype=np.float64)
    if len(centres) > _KD_TREE_FROM_K:
        from scipy.spatial import cKDTree

        return cKDTree(centres).query(points)[1].astype(np.int32)
    labels = np.empty(points.shape[0], dtype=np.int32)
    centre_norms = np.einsum("ij,ij->i", centres, centres)
    scaled = -2.0 * centres.T
    for start in range(0, points.shape[0], _BLOCK_ROWS):
        # |x - c|^2 = |x|^2 - 2 x.c + |c|^2; |x|^2 is constant per row.
        distances = points[start : start + _BLOCK_ROWS] @ scaled
        distances += centre_norms
        labels[start : start + distances.shape[0]] = distances.argmin(axis=1)
    return labels


def inertia(
    points: np.ndarray, weights: np.ndarray, centres: np.ndarray, labels: np.ndarray
) -> float:
    """Weighted sum of squared distances from each point to its assigned centre.

    Parameters
    ----------
    points : ndarray, shape (n, 3)
    weights : ndarray, shape (n,)
        Non-negative.
    centres : ndarray, shape (k, 3)
    labels : ndarray of int, shape (n,)
        Centre of each point, as :func:`nearest_centre` finds it.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from colourquant.kmeans import inertia, nearest_centre
    >>> points = np.array([[0.0, 0.0, 0.0], [2.0, 0.0, 0.0], [10.0, 0.0, 0.0]])
    >>> centres = np.array([[1.0, 0.0, 0.0], [10.0, 0.0, 0.0]])
    >>> inertia(points, np.array([1.0, 3.0, 5.0]), centres, nearest_centre(points, centres))
    4.0
    """
    points, weights = validate_points(points, weights)
    residual = points - np.asarray(centres, dtype=np.float64)[labels]
    return float(weights @ np.einsum("ij,ij->i", residual, residual))


def total_sum_of_squares(points: np.ndarray, weights: np.ndarray) -> float:
    """Weighted sum of squared distances to the weighted mean: the k = 1 inertia.

    Parameters
    ----------
    points : ndarray, shape (n, 3)
    weights : ndarray, shape (n,)
        Non-negative, with a positive sum.

    Returns
    -------
    float

    Examples
    --------
    Two points weighted 3 and 1, whose weighted mean is (1, 0, 0):

    >>> import numpy as np
    >>> from colourquant.kmeans import total_sum_of_squares
    >>> points = np.array([[0.0, 0.0, 0.0], [4.0, 0.0, 0.0]])
    >>> total_sum_of_squares(points, np.array([3.0, 1.0]))
    12.0
    """
    points, weights = validate_points(points, weights)
    mean = weights @ points / weights.sum()
    residual = points - mean
    return float(weights @ np.einsum("ij,ij->i", residual, residual))
