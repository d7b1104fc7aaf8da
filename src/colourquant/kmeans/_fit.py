"""The fits of k-means to weighted points, their result and the pixel sample.

:func:`fit_kmeans` fits with scikit-learn's Lloyd iterations (sample mode, and
exact mode at large k); :func:`fit_kmeans_exact` is exact mode's fit through a
colour grid, in numpy (:mod:`._lloyd`), which never imports scikit-learn.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

import numpy as np

from .._validation import check_k
from ._assign import cluster_means, nearest_centre, validate_points
from ._grid import ColourGrid
from ._lloyd import grid_lloyd, lloyd_restarts
from ._seeding import kmeans_plusplus_seedings

# Restarts on the colour grid's cells need this many cells per cluster to find
# as good a start as restarts on a pixel sample (benchmarks/methods.py):
# with fewer, clusters are a handful of cells wide and the cells' blur shows.
MIN_CELLS_PER_CLUSTER = 64
# Beyond that k, the restarts run on the finer grid's cells while it has this
# many per cluster: at k = 32-256 on the bundled photos they end closer to the
# best fit found, in about half the time, than restarts on a pixel sample
# (benchmarks/peers.py).
MIN_FINE_CELLS_PER_CLUSTER = 16
# The best few restarts on the coarse grid are iterated further on a finer one
# before the best of those goes on to every point: the coarse cells' blur can
# misrank close restarts (benchmarks/methods.py).
_REFINED_RESTARTS = 3
# The iterations on every point start next to a summary's optimum, where a
# step moves the centres little even when the full optimum is still some way
# off: with scikit-learn's stopping rule they would stop after one step on a
# 24-megapixel photo, above the notebook's inertia. A tenth of `tol` lets them
# get there (benchmarks/methods.py).
_FULL_TOL_FACTOR = 0.1


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
        Of that, the restarts that chose the starting centres on a summary of
        the points (a pixel sample or a colour grid; 0 without one).
    restarts_on : {"points", "sample", "grid", "none"}
        What the `n_init` restarts ran on: every point, the pixel sample, the
        colour grid's cells, or nothing (every point was its own centre).
    """

    centres: np.ndarray
    n_iter: int
    k_effective: int
    fit_seconds: float
    seeding_seconds: float = 0.0
    restarts_on: str = "points"


@functools.cache
def _threadpool_controller():
    # Finding the loaded thread pools takes about 3 ms: once per process, not
    # twice per fit. Called after scikit-learn is imported, so its OpenMP
    # runtime is among them.
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _sklearn_lloyd(points, weights, k, init, n_init, max_iter, tol, seed, n_threads):
    from sklearn.cluster import KMeans

    if isinstance(init, str) and init == "k-means++":
        pending = []

        # scikit-learn calls the seeding once per restart, with its own
        # (mean-centred) copy of the points: the first call draws them all.
        def init(centred, n_clusters, random_state):
            if not pending:
                pending.extend(
                    kmeans_plusplus_seedings(centred, weights, n_clusters, n_init, random_state)
                )
            return pending.pop(0)

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

    Examples
    --------
    >>> import numpy as np
    >>> from colourquant.kmeans import fit_kmeans
    >>> points = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [10.0, 0.0, 0.0], [11.0, 0.0, 0.0]])
    >>> weights = np.array([1, 1, 1, 3])
    >>> fit = fit_kmeans(points, weights, 2, n_init=3)
    >>> fit.centres
    array([[10.75,  0.  ,  0.  ],
           [ 0.5 ,  0.  ,  0.  ]])
    >>> fit.k_effective, fit.restarts_on
    (2, 'points')

    Seeded from a sample of two pixels, then fitted to all the weights; and
    with k above the number of points:

    >>> fit_kmeans(points, weights, 2, init_weights=np.array([1, 0, 0, 1])).restarts_on
    'sample'
    >>> fit = fit_kmeans(points, weights, 9)
    >>> fit.k_effective, fit.restarts_on
    (4, 'none')
    """
    import sklearn.cluster  # noqa: F401 - imported before the clock starts, not timed

    points, weights = validate_points(points, weights)
    k = check_k(k)
    used = weights > 0
    k_effective = int(min(k, used.sum()))
    exact_points, exact_weights = points[used], weights[used]
    points = exact_points.astype(dtype)
    weights = exact_weights.astype(dtype)
    started = time.perf_counter()
    seeded_at = started
    restarts_on = "points"
    if k_effective == points.shape[0]:
        # Every point is its own centre: nothing to optimise.
        centres, n_iter, restarts_on = exact_points, 0, "none"
    else:
        init, restarts = "k-means++", n_init
        if init_weights is not None:
            init_weights = np.asarray(init_weights)[used].astype(dtype)
            sampled = init_weights > 0
            # A sample with fewer distinct colours than k cannot seed k centres.
            if sampled.sum() >= k_effective:
                seeded = _sklearn_lloyd(
                    points[sampled], init_weights[sampled], k_effective, "k-means++",
                    n_init, max_iter, tol, seed, n_threads,
                )  # fmt: skip
                init, restarts = seeded.cluster_centers_, 1
                seeded_at = time.perf_counter()
                restarts_on = "sample"
        model = _sklearn_lloyd(
            points, weights, k_effective, init, restarts, max_iter, tol, seed, n_threads
        )
        # A last centre update in float64 removes the float32 rounding of the
        # centres (a cluster of one colour gets exactly that colour back).
        centres = cluster_means(
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
        restarts_on=restarts_on,
    )


def fit_kmeans_exact(
    grid: ColourGrid,
    k: int,
    *,
    fine_grid: ColourGrid | None = None,
    init_weights: np.ndarray | None = None,
    n_init: int = 1,
    max_iter: int = 300,
    tol: float = 1e-4,
    seed: int = 0,
    n_threads: int = 1,
    full_tol: float | None = None,
    kernel: str = "auto",
) -> KMeansFit:
    """Fit k-means to all of a grid's weighted points: restarts on a summary, then Lloyd on all.

    The `n_init` k-means++ restarts run on a small summary of the points and
    the best is iterated to convergence on every point, so the result is a
    local optimum of the full objective. The summary is the grid's cells
    while they number at least 64 per cluster: then the restarts are
    :func:`kmeans_plusplus_seedings` and :func:`lloyd_restarts` on the cells,
    and the best three go on iterating on the cells of `fine_grid`, if
    given. At larger k, the restarts run on the cells of `fine_grid` while
    they number at least 16 per cluster. The best restart is iterated on
    every point by :func:`grid_lloyd`, until the centres move less than a
    tenth of `tol` allows (they start close to convergence, where steps are
    small). All of it runs in compiled loops (:mod:`._lloyd_kernel`, one
    thread) or, with ``kernel="numpy"`` or if they are not built, in numpy
    (on as many BLAS threads as the caller allows). With fewer cells (an
    image with few colours, or no fine grid at large k), the cells would
    blur the clusters; the restarts run on the pixel sample `init_weights`
    instead (or, without one, on every point) and the iterations are
    scikit-learn's, as in :func:`fit_kmeans`.

    Parameters
    ----------
    grid : ColourGrid
        The distinct colours in the fit space, weighted by pixel count.
    k : int
    fine_grid : ColourGrid, optional
        The same colours on a finer grid (see :func:`colour_grids`).
    init_weights : ndarray, shape (n,), optional
        Weights of a pixel sample over ``grid.points``.
    n_init, max_iter, tol, seed
        As in :func:`fit_kmeans`.
    n_threads : int
        OpenMP threads of scikit-learn, where it fits.
    full_tol : float, optional
        `tol` of the iterations on every point; by default a tenth of `tol`.
    kernel : {"auto", "compiled", "numpy"}
        The loops of the fit on the grid: compiled ("auto": if built) or
        numpy's. The two reach the same centres but for rounding, which can
        settle a near-tie differently (see :func:`grid_lloyd`).

    Returns
    -------
    KMeansFit

    Examples
    --------
    Two clusters of 500 colours each, on a grid with enough cells for two
    clusters (64 each) but not for eight, and a fine grid with enough for
    eight (16 each) but not for sixty:

    >>> import numpy as np
    >>> from colourquant.kmeans import colour_grids, fit_kmeans_exact
    >>> rng = np.random.default_rng(0)
    >>> points = np.concatenate([rng.random((500, 3)), rng.random((500, 3)) + 2])
    >>> grid, fine_grid = colour_grids(points, np.ones(1000), cells_per_axis=16)
    >>> fit = fit_kmeans_exact(grid, 2, fine_grid=fine_grid, n_init=3)
    >>> fit.restarts_on
    'grid'
    >>> np.round(fit.centres, 2)
    array([[2.47, 2.49, 2.5 ],
           [0.52, 0.51, 0.49]])
    >>> grid.n_cells, fine_grid.n_cells
    (346, 843)
    >>> fit_kmeans_exact(grid, 8, fine_grid=fine_grid, n_init=3).restarts_on
    'grid'
    >>> fit_kmeans_exact(grid, 60, fine_grid=fine_grid, n_init=3).restarts_on
    'points'
    """
    k = check_k(k)
    k_effective = int(min(k, np.count_nonzero(grid.weights > 0)))
    on_grid = np.count_nonzero(grid.totals > 0) >= MIN_CELLS_PER_CLUSTER * k_effective
    on_fine_grid = (
        not on_grid
        and fine_grid is not None
        and np.count_nonzero(fine_grid.totals > 0) >= MIN_FINE_CELLS_PER_CLUSTER * k_effective
    )
    if not (on_grid or on_fine_grid):
        return fit_kmeans(
            grid.points, grid.weights, k, init_weights=init_weights, n_init=n_init,
            max_iter=max_iter, tol=tol, seed=seed, n_threads=n_threads,
        )  # fmt: skip
    started = time.perf_counter()
    summary = grid if on_grid else fine_grid
    starts = kmeans_plusplus_seedings(
        summary.means,
        summary.totals,
        k_effective,
        n_init,
        np.random.RandomState(seed),
        kernel=kernel,
    )
    threshold = tol * grid.tolerance_scale
    restarts, inertias = lloyd_restarts(
        summary.means,
        summary.totals,
        starts,
        max_iter=max_iter,
        threshold=threshold,
        kernel=kernel,
    )
    if on_grid and fine_grid is not None:
        best = restarts[np.argsort(inertias)[:_REFINED_RESTARTS]]
        restarts, inertias = lloyd_restarts(
            fine_grid.means,
            fine_grid.totals,
            best,
            max_iter=max_iter,
            threshold=threshold,
            kernel=kernel,
        )
    seeded_at = time.perf_counter()
    centres, n_iter = grid_lloyd(
        grid,
        restarts[inertias.argmin()],
        max_iter=max_iter,
        tol=_FULL_TOL_FACTOR * tol if full_tol is None else full_tol,
        kernel=kernel,
    )
    return KMeansFit(
        centres=centres,
        n_iter=n_iter,
        k_effective=k_effective,
        fit_seconds=time.perf_counter() - started,
        seeding_seconds=seeded_at - started,
        restarts_on="grid",
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

    Examples
    --------
    Half of ten pixels of three colours, then at most two of them:

    >>> import numpy as np
    >>> from colourquant.kmeans import pixel_sample_weights
    >>> index = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2, 2])
    >>> pixel_sample_weights(index, 3, 0.5, seed=0)
    array([1, 2, 2])
    >>> pixel_sample_weights(index, 3, 0.5, seed=0, max_pixels=2)
    array([0, 0, 2])
    """
    if not 0 < fraction <= 1:
        raise ValueError(f"sample fraction must be in (0, 1], got {fraction!r}")
    n_pixels = index.size
    n_sample = max(1, int(round(fraction * n_pixels)))
    if max_pixels is not None:
        n_sample = min(n_sample, max(1, int(max_pixels)))
    sampled = np.random.default_rng(seed).choice(n_pixels, size=n_sample, replace=False)
    return np.bincount(index[sampled], minlength=n_colours).astype(np.int64)
