"""Weighted k-means on distinct colours, nearest-centre assignment and inertia."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

import numpy as np

__all__ = [
    "KMeansFit",
    "fit_kmeans",
    "kmeans_plusplus",
    "pixel_sample_weights",
    "nearest_centre",
    "inertia",
    "total_sum_of_squares",
]

# Rows per block when computing point-to-centre distances: keeps the
# temporary (rows x k) matrix in cache whatever the image size.
_BLOCK_ROWS = 1 << 13
_KD_TREE_FROM_K = 32


@dataclass(frozen=True)
class KMeansFit:
    """The result of one k-means fit.

    Attributes
    ----------
    centres : ndarray of float64, shape (k_effective, 3)
    n_iter : int
        Lloyd iterations of the best initialisation.
    k_effective : int
        Number of centres: the requested k capped at the number of distinct
        points the fit saw.
    fit_seconds : float
        Wall time of the fit alone.
    seeding_seconds : float
        Of that, the restarts on the pixel sample (0 without one).
    """

    centres: np.ndarray
    n_iter: int
    k_effective: int
    fit_seconds: float
    seeding_seconds: float = 0.0


def _validate_points(points: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    points = np.asarray(points, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 3:
        raise ValueError(f"expected points of shape (n, 3), got {points.shape}")
    if weights.shape != (points.shape[0],):
        raise ValueError(f"expected {points.shape[0]} weights, got shape {weights.shape}")
    if points.shape[0] == 0:
        raise ValueError("no points to cluster")
    if not np.isfinite(points).all():
        raise ValueError("points contain NaN or infinite values")
    if (weights < 0).any():
        raise ValueError("weights must be non-negative")
    return points, weights


def _cluster_means(points, weights, labels, fallback):
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
    """
    weights = np.asarray(weights, dtype=np.float64)
    if int(np.count_nonzero(weights > 0)) < k:
        raise ValueError(f"k-means++ needs at least k = {k} points with positive weight")
    n_trials = 2 + int(np.log(k))
    norms = np.einsum("ij,ij->i", points, points)
    centres = np.empty((k, points.shape[1]), dtype=points.dtype)

    def squared_distances(rows):
        candidates = points[rows]
        distances = points @ (-2 * candidates.T)
        distances += norms[:, None]
        distances += norms[rows]
        return np.maximum(distances, 0, out=distances)

    first = random_state.choice(points.shape[0], p=weights / weights.sum())
    centres[0] = points[first]
    closest = squared_distances([first])[:, 0]
    for centre in range(1, k):
        cumulative = np.cumsum(weights * closest)
        draws = random_state.uniform(size=n_trials) * cumulative[-1]
        rows = np.minimum(np.searchsorted(cumulative, draws), points.shape[0] - 1)
        candidates = np.minimum(squared_distances(rows), closest[:, None])
        best = int(np.argmin(weights @ candidates))
        closest = candidates[:, best]
        centres[centre] = points[rows[best]]
    return centres


@functools.cache
def _threadpool_controller():
    # Finding the loaded thread pools takes about 3 ms: once per process, not
    # twice per fit. Called after scikit-learn is imported, so its OpenMP
    # runtime is among them.
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _lloyd(points, weights, k, init, n_init, max_iter, tol, seed, n_threads):
    from sklearn.cluster import KMeans

    if isinstance(init, str) and init == "k-means++":
        # scikit-learn calls the seeding with its own (mean-centred) copy of the points.
        def init(centred, n_clusters, random_state):
            return kmeans_plusplus(centred, weights, n_clusters, random_state)

    with _threadpool_controller().limit(limits=n_threads, user_api="openmp"):
        return KMeans(
            n_clusters=k,
            init=init,
            n_init=n_init,
            max_iter=max_iter,
            tol=tol,
            random_state=seed,
        ).fit(points, sample_weight=weights)


def fit_kmeans(
    points: np.ndarray,
    weights: np.ndarray,
    k: int,
    *,
    init_weights: np.ndarray | None = None,
    n_init: int = 1,
    max_iter: int = 300,
    tol: float = 1e-4,
    seed: int = 0,
    n_threads: int = 1,
    dtype: type = np.float32,
) -> KMeansFit:
    """Fit k-means (k-means++ seeding, scikit-learn's Lloyd) to weighted points.

    The seeding is :func:`kmeans_plusplus`, the same algorithm as
    scikit-learn's, at a fraction of its cost.

    With `init_weights` (the weights of a pixel sample), the fit has two
    stages: k-means with `n_init` k-means++ restarts on the sample, then
    Lloyd iterations on all the `weights` starting from the sample's best
    centres. The result is a local optimum of the full objective, reached
    from a good start at the cost of a few full iterations, instead of
    `n_init` full k-means++ runs. Without `init_weights`, `n_init` restarts run
    on `weights` directly.

    Points with weight 0 are ignored. If fewer distinct points than `k` carry
    weight, k is capped (see :attr:`KMeansFit.k_effective`), so an image with
    few colours never fails or floods the log with warnings.

    Parameters
    ----------
    points : ndarray, shape (n, 3)
        Distinct colours in the fit space.
    weights : ndarray, shape (n,)
        Pixel count of each colour: the objective that is minimised.
    k : int
        Requested number of clusters, at least 1.
    init_weights : ndarray, shape (n,), optional
        Weights of the sample that seeds the fit (see above).
    n_init, max_iter, tol : int, int, float
        Passed to :class:`sklearn.cluster.KMeans`.
    seed : int
        ``random_state`` of the fit.
    n_threads : int
        OpenMP threads scikit-learn may use.
    dtype : numpy float type
        Precision of the fit. float32 is about twice as fast as float64 and
        changes the full-image inertia by well under 1e-4 relative (see the
        tests); centres are returned as float64 either way.

    Returns
    -------
    KMeansFit
    """
    import sklearn.cluster  # noqa: F401 - imported before the clock starts, not timed

    points, weights = _validate_points(points, weights)
    if int(k) != k or k < 1:
        raise ValueError(f"k must be an integer >= 1, got {k!r}")
    used = weights > 0
    k_effective = int(min(k, used.sum()))
    exact_points, exact_weights = points[used], weights[used]
    points = exact_points.astype(dtype)
    weights = exact_weights.astype(dtype)
    started = time.perf_counter()
    seeded_at = started
    if k_effective == points.shape[0]:
        # Every point is its own centre: nothing to optimise.
        centres, n_iter = exact_points, 0
    else:
        init, restarts = "k-means++", n_init
        if init_weights is not None:
            init_weights = np.asarray(init_weights)[used].astype(dtype)
            sampled = init_weights > 0
            # A sample with fewer distinct colours than k cannot seed k centres.
            if sampled.sum() >= k_effective:
                seeded = _lloyd(
                    points[sampled], init_weights[sampled], k_effective, "k-means++",
                    n_init, max_iter, tol, seed, n_threads,
                )  # fmt: skip
                init, restarts = seeded.cluster_centers_, 1
                seeded_at = time.perf_counter()
        model = _lloyd(points, weights, k_effective, init, restarts, max_iter, tol, seed, n_threads)
        # A last centre update in float64 removes the float32 rounding of the
        # centres (a cluster of one colour gets exactly that colour back).
        centres = _cluster_means(
            exact_points, exact_weights, nearest_centre(exact_points, model.cluster_centers_),
            model.cluster_centers_,
        )  # fmt: skip
        n_iter = int(model.n_iter_)
    return KMeansFit(
        centres=centres,
        n_iter=n_iter,
        k_effective=k_effective,
        fit_seconds=time.perf_counter() - started,
        seeding_seconds=seeded_at - started,
    )


def pixel_sample_weights(
    index: np.ndarray,
    n_colours: int,
    fraction: float,
    seed: int,
    max_pixels: int | None = None,
) -> np.ndarray:
    """Weights over distinct colours of a seeded random sample of pixels.

    Fitting with these weights is fitting on the sampled pixels, as the notebook
    does, without materialising the sample.

    Parameters
    ----------
    index : ndarray of int, shape (n_pixels,)
        Colour row of each pixel.
    n_colours : int
        Number of distinct colours.
    fraction : float
        Share of pixels to sample, in (0, 1].
    seed : int
    max_pixels : int, optional
        Sample at most this many pixels, whatever the fraction.

    Returns
    -------
    ndarray of int64, shape (n_colours,)
        How many sampled pixels have each colour.
    """
    if not 0 < fraction <= 1:
        raise ValueError(f"sample fraction must be in (0, 1], got {fraction!r}")
    n_pixels = index.size
    n_sample = max(1, int(round(fraction * n_pixels)))
    if max_pixels is not None:
        n_sample = min(n_sample, max(1, int(max_pixels)))
    sampled = np.random.default_rng(seed).choice(n_pixels, size=n_sample, replace=False)
    return np.bincount(index[sampled], minlength=n_colours).astype(np.int64)


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
    """Weighted sum of squared distances from each point to its assigned centre."""
    points, weights = _validate_points(points, weights)
    residual = points - np.asarray(centres, dtype=np.float64)[labels]
    return float(weights @ np.einsum("ij,ij->i", residual, residual))


def total_sum_of_squares(points: np.ndarray, weights: np.ndarray) -> float:
    """Weighted sum of squared distances to the weighted mean: the k = 1 inertia."""
    points, weights = _validate_points(points, weights)
    mean = weights @ points / weights.sum()
    residual = points - mean
    return float(weights @ np.einsum("ij,ij->i", residual, residual))
