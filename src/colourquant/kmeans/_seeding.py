"""Greedy weighted k-means++ seeding, one seeding or several side by side."""

from __future__ import annotations

import numpy as np

from ._grid import colour_grid
from ._lloyd import compiled_kernel, rounding_margin

# The compiled seeding skips groups of points, the cells of a grid this fine.
_BLOCKS_PER_AXIS = 12


def kmeans_plusplus(
    points: np.ndarray, weights: np.ndarray, k: int, random_state: np.random.RandomState
) -> np.ndarray:
    """Greedy weighted k-means++ seeding, as scikit-learn's, for 3-channel colours.

    Each new centre is the best of ``2 + ln k`` candidates drawn with
    probability proportional to weight x squared distance to the nearest
    centre so far. scikit-learn's own seeding computes the same in float64
    with per-step overheads that make it half of a small fit's time; here the
    distances stay in the points' precision and only the running sums are
    float64.

    Parameters
    ----------
    points : ndarray, shape (n, 3)
    weights : ndarray, shape (n,)
        Non-negative, with at least `k` positive.
    k : int
    random_state : numpy.random.RandomState

    Returns
    -------
    ndarray, shape (k, 3), the dtype of `points`

    Examples
    --------
    Two pairs of points far apart get a centre each:

    >>> import numpy as np
    >>> from colourquant.kmeans import kmeans_plusplus
    >>> points = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [9.0, 0.0, 0.0], [10.0, 0.0, 0.0]])
    >>> kmeans_plusplus(points, np.ones(4), 2, np.random.RandomState(0))
    array([[9., 0., 0.],
           [1., 0., 0.]])
    """
    return kmeans_plusplus_seedings(points, weights, k, 1, random_state)[0]


def kmeans_plusplus_seedings(
    points: np.ndarray,
    weights: np.ndarray,
    k: int,
    n_seedings: int,
    random_state: np.random.RandomState,
    *,
    kernel: str = "numpy",
) -> np.ndarray:
    """Several independent :func:`kmeans_plusplus` seedings, computed side by side.

    The restarts of a fit each need a seeding; drawing them together shares
    numpy's per-step overhead, which dominates on a few thousand points.

    Parameters
    ----------
    points, weights, k, random_state
        As in :func:`kmeans_plusplus`.
    n_seedings : int
    kernel : {"numpy", "auto", "compiled"}
        numpy's distance blocks (the default, for any float dtype) or the
        compiled loops ("auto": if built), one seeding after the other,
        which skip the groups of points a candidate cannot come nearer to.
        Both draw the same random numbers; the compiled loops compute in
        float64, and their distances differ from numpy's by rounding.

    Returns
    -------
    ndarray, shape (n_seedings, k, 3), the dtype of `points`

    Examples
    --------
    Three seedings of two centres; the points differ in their first channel only:

    >>> import numpy as np
    >>> from colourquant.kmeans import kmeans_plusplus_seedings
    >>> points = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [9.0, 0.0, 0.0], [10.0, 0.0, 0.0]])
    >>> seedings = kmeans_plusplus_seedings(points, np.ones(4), 2, 3, np.random.RandomState(1))
    >>> seedings.shape
    (3, 2, 3)
    >>> seedings[:, :, 0]
    array([[1., 9.],
           [9., 0.],
           [0., 9.]])
    >>> again = kmeans_plusplus_seedings(points, np.ones(4), 2, 3, np.random.RandomState(1),
    ...                                  kernel="auto")
    >>> np.array_equal(again, seedings)
    True
    """
    weights = np.asarray(weights, dtype=np.float64)
    if int(np.count_nonzero(weights > 0)) < k:
        raise ValueError(f"k-means++ needs at least k = {k} points with positive weight")
    n_trials = 2 + int(np.log(k))
    norms = np.einsum("ij,ij->i", points, points)
    seedings = np.arange(n_seedings)
    centres = np.empty((n_seedings, k, points.shape[1]), dtype=points.dtype)

    def squared_distances(rows):
        distances = points @ (-2 * points[rows].T)
        distances += norms[:, None]
        distances += norms[rows]
        return np.maximum(distances, 0, out=distances)

    first = random_state.choice(points.shape[0], size=n_seedings, p=weights / weights.sum())
    compiled = compiled_kernel(kernel)
    if compiled is not None:
        # The draws of every step at once: the same numbers, in the same order.
        draws = random_state.uniform(size=(k - 1, n_seedings, n_trials))
        points64 = np.ascontiguousarray(points, dtype=np.float64)
        blocks = colour_grid(points64, weights + 1.0, _BLOCKS_PER_AXIS)
        rows = compiled.seedings_kernel(
            points64, weights, first.astype(np.intp), draws, blocks.cell_order.astype(np.intp),
            blocks.cell_starts.astype(np.intp), blocks.means, blocks.radii,
            rounding_margin(points64),
        )  # fmt: skip
        return points[rows]
    centres[:, 0] = points[first]
    closest = squared_distances(first)  # (n, n_seedings)
    for centre in range(1, k):
        cumulative = np.cumsum(weights[:, None] * closest, axis=0)
        draws = random_state.uniform(size=(n_seedings, n_trials)) * cumulative[-1][:, None]
        rows = np.stack(
            [np.searchsorted(cumulative[:, seeding], draws[seeding]) for seeding in seedings]
        )
        rows = np.minimum(rows, points.shape[0] - 1)
        candidates = squared_distances(rows.ravel()).reshape(-1, n_seedings, n_trials)
        np.minimum(candidates, closest[:, :, None], out=candidates)
        best = np.einsum("i,ijk->jk", weights, candidates).argmin(axis=1)
        closest = candidates[:, seedings, best]
        centres[:, centre] = points[rows[seedings, best]]
    return centres
