"""Weighted k-means on distinct colours, nearest-centre assignment and inertia.

:func:`fit_kmeans` fits with scikit-learn's Lloyd iterations (sample mode, and
exact mode at large k); :func:`fit_kmeans_exact` is exact mode's fit through a
colour grid (:func:`colour_grids`), in numpy.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

import numpy as np

__all__ = [
    "MIN_CELLS_PER_CLUSTER",
    "ColourGrid",
    "KMeansFit",
    "colour_grid",
    "colour_grids",
    "fit_kmeans",
    "fit_kmeans_exact",
    "grid_lloyd",
    "kmeans_plusplus",
    "kmeans_plusplus_seedings",
    "lloyd_restarts",
    "pixel_sample_weights",
    "nearest_centre",
    "inertia",
    "total_sum_of_squares",
]

# Rows per block when computing point-to-centre distances: keeps the
# temporary (rows x k) matrix in cache whatever the image size.
_BLOCK_ROWS = 1 << 13
_KD_TREE_FROM_K = 32
_SLACK = 8 * np.finfo(np.float64).eps
# Restarts on the colour grid's cells need this many cells per cluster to find
# as good a start as restarts on a pixel sample (workflow/benchmarks/methods.py):
# with fewer, clusters are a handful of cells wide and the cells' blur shows.
MIN_CELLS_PER_CLUSTER = 64
# The best few restarts on the coarse grid are iterated further on a finer one
# before the best of those goes on to every point: the coarse cells' blur can
# misrank close restarts (workflow/benchmarks/methods.py).
_REFINED_RESTARTS = 3
# The iterations on every point start next to a summary's optimum, where a
# step moves the centres little even when the full optimum is still some way
# off: with scikit-learn's stopping rule they would stop after one step on a
# 24-megapixel photo, above the notebook's inertia. A tenth of `tol` lets them
# get there (workflow/benchmarks/methods.py).
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
    return kmeans_plusplus_seedings(points, weights, k, 1, random_state)[0]


def kmeans_plusplus_seedings(
    points: np.ndarray,
    weights: np.ndarray,
    k: int,
    n_seedings: int,
    random_state: np.random.RandomState,
) -> np.ndarray:
    """Several independent :func:`kmeans_plusplus` seedings, computed side by side.

    The restarts of a fit each need a seeding; drawing them together shares
    numpy's per-step overhead, which dominates on a few thousand points.

    Parameters
    ----------
    points, weights, k, random_state
        As in :func:`kmeans_plusplus`.
    n_seedings : int

    Returns
    -------
    ndarray, shape (n_seedings, k, 3), the dtype of `points`
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
                seeded = _lloyd(
                    points[sampled], init_weights[sampled], k_effective, "k-means++",
                    n_init, max_iter, tol, seed, n_threads,
                )  # fmt: skip
                init, restarts = seeded.cluster_centers_, 1
                seeded_at = time.perf_counter()
                restarts_on = "sample"
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
        restarts_on=restarts_on,
    )


@dataclass(frozen=True)
class ColourGrid:
    """Weighted points grouped by the cells of a cubic grid over their bounding box.

    Each occupied cell is summarised by the weighted mean of its points, their
    total weight and the distance from that mean to its farthest point.

    Attributes
    ----------
    points : ndarray of float64, shape (n, 3)
    weights : ndarray of float64, shape (n,)
    cell_of : ndarray of intp, shape (n,)
        Cell of each point, an index into the per-cell arrays.
    cell_order, cell_starts : ndarray of intp, shapes (n,) and (n_cells + 1,)
        The points of cell ``c`` are rows ``cell_order[cell_starts[c]:cell_starts[c + 1]]``.
    means : ndarray of float64, shape (n_cells, 3)
    totals : ndarray of float64, shape (n_cells,)
    radii : ndarray of float64, shape (n_cells,)
    tolerance_scale : float
        Mean per-channel variance of the weighted points, the scale that makes
        the Lloyd iterations' `tol` relative, as in scikit-learn.
    """

    points: np.ndarray
    weights: np.ndarray
    cell_of: np.ndarray
    cell_order: np.ndarray
    cell_starts: np.ndarray
    means: np.ndarray
    totals: np.ndarray
    radii: np.ndarray
    tolerance_scale: float

    @property
    def n_cells(self) -> int:
        return int(self.totals.size)


def colour_grid(points: np.ndarray, weights: np.ndarray, cells_per_axis: int = 24) -> ColourGrid:
    """Summarise weighted colours by the occupied cells of a cubic grid.

    The cells are cubes, so that distances keep their meaning in every colour
    space; `cells_per_axis` of them span the longest side of the points'
    bounding box. A photo's colours occupy 700-3,400 of the 24^3 cells.

    Parameters
    ----------
    points : ndarray, shape (n, 3)
    weights : ndarray, shape (n,)
        Non-negative, with a positive sum.
    cells_per_axis : int
        At least 1.

    Returns
    -------
    ColourGrid
    """
    points, weights = _validate_points(points, weights)
    if int(cells_per_axis) != cells_per_axis or not 1 <= cells_per_axis <= 256:
        # Cells are numbered through a table of cells_per_axis^3 entries.
        raise ValueError(f"cells_per_axis must be an integer in 1...256, got {cells_per_axis!r}")
    if weights.sum() <= 0:
        raise ValueError("weights sum to zero")
    # Column by column: numpy reduces an (n, 3) array along axis 0 25x slower.
    lowest = np.array([points[:, axis].min() for axis in range(3)])
    highest = np.array([points[:, axis].max() for axis in range(3)])
    edge = max(float((highest - lowest).max()) / cells_per_axis, np.finfo(float).tiny)
    cell = np.minimum(((points - lowest) / edge).astype(np.int64), cells_per_axis - 1)
    key = (cell[:, 0] * cells_per_axis + cell[:, 1]) * cells_per_axis + cell[:, 2]
    # Number the occupied cells in key order by counting, not sorting.
    occupied = np.bincount(key, minlength=cells_per_axis**3) > 0
    cell_of = (np.cumsum(occupied) - 1)[key]
    n_cells = int(occupied.sum())
    sizes = np.bincount(cell_of, minlength=n_cells)
    # Points grouped by cell; numpy sorts 16-bit integers by radix, in linear time.
    cell_order = np.argsort(
        cell_of.astype(np.uint16) if n_cells <= 1 << 16 else cell_of, kind="stable"
    )
    cell_starts = np.concatenate([[0], np.cumsum(sizes)])
    totals = np.bincount(cell_of, weights=weights, minlength=n_cells)
    plain_means = np.zeros((n_cells, 3))
    if (totals == 0).any():  # a cell of weightless points only gets their plain mean
        plain_means = _cluster_means(points, np.ones_like(weights), cell_of, plain_means)
    means = _cluster_means(points, weights, cell_of, plain_means)
    offsets = points[cell_order] - means[cell_of[cell_order]]
    squared_radii = np.maximum.reduceat(np.einsum("ij,ij->i", offsets, offsets), cell_starts[:-1])
    mean = weights @ points / weights.sum()
    variance = weights @ (points - mean) ** 2 / weights.sum()
    return ColourGrid(
        points=points,
        weights=weights,
        cell_of=cell_of,
        cell_order=cell_order,
        cell_starts=cell_starts,
        means=means,
        totals=totals,
        radii=np.sqrt(squared_radii),
        tolerance_scale=float(variance.mean()),
    )


def colour_grids(
    points: np.ndarray, weights: np.ndarray, cells_per_axis: int = 24
) -> tuple[ColourGrid, ColourGrid]:
    """The colour grid and one twice as fine, as :func:`fit_kmeans_exact` takes them.

    Parameters
    ----------
    points, weights, cells_per_axis
        As in :func:`colour_grid`.

    Returns
    -------
    grid, fine_grid : ColourGrid
    """
    return (
        colour_grid(points, weights, cells_per_axis),
        colour_grid(points, weights, 2 * cells_per_axis),
    )


def _two_nearest(points, centres):
    """Nearest centre of each point, and the distances to the nearest and second nearest."""
    n = points.shape[0]
    labels = np.empty(n, dtype=np.intp)
    nearest, second = np.empty(n), np.empty(n)
    centre_norms = np.einsum("ij,ij->i", centres, centres)
    centre_slack = 2 * _SLACK * centre_norms.max()
    scaled = -2.0 * centres.T
    for start in range(0, n, _BLOCK_ROWS):
        block = points[start : start + _BLOCK_ROWS]
        rows = slice(start, start + block.shape[0])
        distances = block @ scaled
        distances += centre_norms
        labels[rows] = distances.argmin(axis=1)
        offsets = block - centres[labels[rows]]
        nearest[rows] = np.einsum("ij,ij->i", offsets, offsets)
        distances[np.arange(block.shape[0]), labels[rows]] = np.inf
        norms = np.einsum("ij,ij->i", block, block)
        # |x|^2 - 2 x.c + |c|^2 loses about eps (|x|^2 + |c|^2) to rounding:
        # take that off, so that the second distance stays a lower bound.
        second[rows] = distances.min(axis=1) + norms * (1 - _SLACK) - centre_slack
    return labels, np.sqrt(nearest), np.sqrt(np.maximum(second, 0))


@dataclass
class _Units:
    """A grid's points as units: a cell while its points share a nearest centre, else each point.

    Rows ``0 .. n_cells - 1`` are the cells, the rest the points. Each row has
    a mean, a total weight and a radius (0 for a point), the nearest centre of
    its points, an upper bound on their distance to it and a lower bound on
    their distance to any other centre. A row not in use (a split cell, a
    point of a whole cell) has an upper bound of -inf, so that it is never
    measured. The clusters' total weights and weighted sums follow every
    change of a row's centre.
    """

    means: np.ndarray
    totals: np.ndarray
    radii: np.ndarray
    labels: np.ndarray
    upper: np.ndarray
    lower: np.ndarray
    cluster_totals: np.ndarray
    cluster_sums: np.ndarray

    @classmethod
    def of_grid(cls, grid: ColourGrid, k: int) -> _Units:
        rows = grid.n_cells + grid.points.shape[0]
        return cls(
            means=np.concatenate([grid.means, grid.points]),
            totals=np.concatenate([grid.totals, grid.weights]),
            radii=np.concatenate([grid.radii, np.zeros(grid.points.shape[0])]),
            labels=np.zeros(rows, dtype=np.intp),
            upper=np.full(rows, -np.inf),
            lower=np.full(rows, np.inf),
            cluster_totals=np.zeros(k),
            cluster_sums=np.zeros((k, 3)),
        )

    def _count(self, rows: np.ndarray, labels: np.ndarray, sign: float) -> None:
        k = self.cluster_totals.size
        weights = self.totals[rows]
        self.cluster_totals += sign * np.bincount(labels, weights, k)
        for axis in range(3):
            values = weights * self.means[rows, axis]
            self.cluster_sums[:, axis] += sign * np.bincount(labels, values, k)

    def measure(self, rows: np.ndarray, centres: np.ndarray, counted: bool = True) -> bool:
        """Find the nearest centre of `rows` and reset their bounds.

        Rows already `counted` in a cluster move to their new one; others join
        it. Returns whether a counted row changed cluster.
        """
        labels, nearest, second = _two_nearest(self.means[rows], centres)
        changed = labels != self.labels[rows]
        if counted:
            self._count(rows[changed], self.labels[rows][changed], -1.0)
            self._count(rows[changed], labels[changed], 1.0)
        else:
            self._count(rows, labels, 1.0)
        self.labels[rows] = labels
        self.upper[rows] = nearest + self.radii[rows]
        self.lower[rows] = second - self.radii[rows]
        return counted and bool(changed.any())

    def split_ambiguous(self, rows: np.ndarray, grid: ColourGrid, centres: np.ndarray) -> bool:
        """Split the cells among the just measured `rows` that may straddle two clusters.

        A split cell is replaced by its points. All of a cell's points share a
        nearest centre when it is closer, by more than the cell's diameter,
        than the second nearest (triangle inequality). Returns whether a point
        of a split cell has a nearest centre other than its cell's.
        """
        cells = rows[(rows < grid.n_cells) & (self.upper[rows] >= self.lower[rows])]
        if cells.size == 0:
            return False
        self._count(cells, self.labels[cells], -1.0)
        self.upper[cells] = -np.inf
        members = _cell_members(grid, cells)
        self.measure(grid.n_cells + members, centres, counted=False)
        # Rows 0 .. n_cells - 1 are the cells, so a cell's row is its index.
        return bool(
            (self.labels[grid.n_cells + members] != self.labels[grid.cell_of[members]]).any()
        )


def _cell_members(grid: ColourGrid, cells: np.ndarray) -> np.ndarray:
    """Rows of ``grid.points`` in any of `cells`."""
    starts = grid.cell_starts[cells]
    sizes = grid.cell_starts[cells + 1] - starts
    ends = np.cumsum(sizes)
    return grid.cell_order[np.repeat(starts - ends + sizes, sizes) + np.arange(ends[-1])]


def grid_lloyd(
    grid: ColourGrid, centres: np.ndarray, *, max_iter: int = 300, tol: float = 1e-4
) -> tuple[np.ndarray, int]:
    """Lloyd's k-means iterations over all of a grid's points, skipping the provably unchanged.

    Each iteration assigns every point to its nearest centre and moves each
    centre to the weighted mean of its points, exactly as Lloyd's algorithm,
    but bounds on distances spare most of the work:

    - A cell of the grid counts as one point (its mean, of its total weight)
      for as long as its points provably share a nearest centre: while that
      centre is closer, by more than the cell's diameter, than the second
      nearest (triangle inequality). Otherwise it is split into its points.
    - Each cell or point keeps an upper bound on the distance to its centre
      and a lower bound on the distance to any other (Hamerly 2010, "Making
      k-means even faster"). As centres move, the bounds loosen by the
      distances moved; only those whose bounds overlap are measured again.

    Parameters
    ----------
    grid : ColourGrid
    centres : ndarray, shape (k, 3)
        The starting centres.
    max_iter : int
    tol : float
        Stop when no point changed cluster, or when the squared centre shift
        summed over centres is at most `tol` times the points' weighted mean
        per-channel variance (scikit-learn's rules, with the variance of the
        pixels rather than of the distinct colours).

    Returns
    -------
    centres : ndarray of float64, shape (k, 3)
        Each the weighted mean of the points nearest to it at the last
        iteration. A centre that lost all its points stays where it was
        (scikit-learn moves it to a far point instead).
    n_iter : int
        Counted as scikit-learn does.
    """
    centres = np.array(centres, dtype=np.float64)
    k = centres.shape[0]
    units = _Units.of_grid(grid, k)
    every_cell = np.arange(grid.n_cells)
    units.measure(every_cell, centres, counted=False)
    units.split_ambiguous(every_cell, grid, centres)
    threshold = tol * grid.tolerance_scale
    # Adding and removing weights leaves rounding residue in an emptied cluster.
    empty = 1e-9 * units.cluster_totals.sum()
    n_iter, changed = 0, True
    while True:
        n_iter += 1
        updated = centres.copy()
        filled = units.cluster_totals > empty
        updated[filled] = units.cluster_sums[filled] / units.cluster_totals[filled, None]
        moved = np.sqrt(((updated - centres) ** 2).sum(axis=1))
        centres = updated
        if not changed or float((moved**2).sum()) <= threshold or n_iter >= max_iter:
            # The running sums carry the rounding of every update; these do not.
            used = np.isfinite(units.upper)
            return _cluster_means(
                units.means[used], units.totals[used], units.labels[used], centres
            ), n_iter
        units.upper += moved[units.labels]
        units.lower -= moved.max()
        separation = np.sqrt(((centres[:, None] - centres[None]) ** 2).sum(axis=2))
        np.fill_diagonal(separation, np.inf)
        # Nothing is nearer to a point than its centre if the point is within
        # half the distance from that centre to the closest other centre.
        bound = np.maximum(units.lower, 0.5 * separation.min(axis=1)[units.labels])
        # A tie is measured again, so that it goes to the lowest-numbered centre.
        check = np.flatnonzero(units.upper >= bound)
        offsets = units.means[check] - centres[units.labels[check]]
        units.upper[check] = np.sqrt(np.einsum("ij,ij->i", offsets, offsets)) + units.radii[check]
        check = check[units.upper[check] >= bound[check]]
        changed = units.measure(check, centres)
        changed = units.split_ambiguous(check, grid, centres) or changed


def lloyd_restarts(
    points: np.ndarray, weights: np.ndarray, starts: np.ndarray, *, max_iter: int, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    """Lloyd's iterations from several starts side by side, each until it converges.

    Meant for a few thousand points (a colour grid's cells), where numpy's
    per-call overhead, shared here by all the starts, would dominate.

    Parameters
    ----------
    points : ndarray, shape (n, 3)
    weights : ndarray, shape (n,)
    starts : ndarray, shape (n_starts, k, 3)
    max_iter : int
    threshold : float
        A start has converged when its squared centre shift, summed over its
        centres, is at most this.

    Returns
    -------
    centres : ndarray of float64, shape (n_starts, k, 3)
        A centre that lost all its points stays where it was.
    inertias : ndarray of float64, shape (n_starts,)
        Weighted sum of squared distances to the nearest of each start's centres.
    """
    centres = np.array(starts, dtype=np.float64)
    n_starts, k, _ = centres.shape
    n = points.shape[0]
    weighted = [weights] + [weights * points[:, axis] for axis in range(3)]
    norms = np.einsum("ij,ij->i", points, points)

    def nearest(centres, squared=False):
        """Nearest centre of each start for every point, or the squared distance to it."""
        found = np.empty((n, centres.shape[0]), dtype=np.float64 if squared else np.intp)
        scaled = -2.0 * centres.reshape(-1, 3).T
        centre_norms = np.einsum("ijk,ijk->ij", centres, centres).ravel()
        # Blocks of rows keep the (rows x starts x k) distances small.
        for start in range(0, n, _BLOCK_ROWS):
            rows = slice(start, start + _BLOCK_ROWS)
            distances = points[rows] @ scaled
            distances += centre_norms
            distances = distances.reshape(-1, centres.shape[0], k)
            if squared:
                found[rows] = distances.min(axis=2) + norms[rows, None]
            else:
                found[rows] = distances.argmin(axis=2)
        return found

    active = np.arange(n_starts)
    for _ in range(max_iter):
        current = centres[active]
        # Cluster j of the i-th active start is bin i * k + j.
        bins = (nearest(current).T + np.arange(active.size)[:, None] * k).ravel()
        totals, *sums = (
            np.bincount(bins, np.tile(values, active.size), active.size * k).reshape(-1, k)
            for values in weighted
        )
        updated = current.copy()
        filled = totals > 0
        updated[filled] = np.stack(sums, axis=2)[filled] / totals[filled][:, None]
        centres[active] = updated
        active = active[((updated - current) ** 2).sum(axis=(1, 2)) > threshold]
        if active.size == 0:
            break
    return centres, weights @ np.maximum(nearest(centres, squared=True), 0)


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
) -> KMeansFit:
    """Fit k-means to all of a grid's weighted points: restarts on a summary, then Lloyd on all.

    The `n_init` k-means++ restarts run on a small summary of the points and
    the best is iterated to convergence on every point, so the result is a
    local optimum of the full objective. The summary is the grid's cells
    while they number at least 64 per cluster: then the restarts are
    :func:`kmeans_plusplus_seedings` and :func:`lloyd_restarts` on the cells;
    the best three go on iterating on the cells of `fine_grid`, if given; the
    best of those is iterated on every point by :func:`grid_lloyd`, until the
    centres move less than a tenth of `tol` allows (they start close to
    convergence, where steps are small). All of it runs in numpy (on as many
    BLAS threads as the caller allows). With fewer cells (large k or a
    coarse grid), the cells would blur the clusters; the restarts run on the
    pixel sample `init_weights` instead (or, without one, on every point) and
    the iterations are scikit-learn's, as in :func:`fit_kmeans`.

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

    Returns
    -------
    KMeansFit
    """
    if int(k) != k or k < 1:
        raise ValueError(f"k must be an integer >= 1, got {k!r}")
    k_effective = int(min(k, np.count_nonzero(grid.weights > 0)))
    if np.count_nonzero(grid.totals > 0) < MIN_CELLS_PER_CLUSTER * k_effective:
        return fit_kmeans(
            grid.points, grid.weights, k, init_weights=init_weights, n_init=n_init,
            max_iter=max_iter, tol=tol, seed=seed, n_threads=n_threads,
        )  # fmt: skip
    started = time.perf_counter()
    starts = kmeans_plusplus_seedings(
        grid.means, grid.totals, k_effective, n_init, np.random.RandomState(seed)
    )
    threshold = tol * grid.tolerance_scale
    restarts, inertias = lloyd_restarts(
        grid.means, grid.totals, starts, max_iter=max_iter, threshold=threshold
    )
    if fine_grid is not None:
        best = restarts[np.argsort(inertias)[:_REFINED_RESTARTS]]
        restarts, inertias = lloyd_restarts(
            fine_grid.means, fine_grid.totals, best, max_iter=max_iter, threshold=threshold
        )
    seeded_at = time.perf_counter()
    centres, n_iter = grid_lloyd(
        grid, restarts[inertias.argmin()], max_iter=max_iter, tol=_FULL_TOL_FACTOR * tol
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
