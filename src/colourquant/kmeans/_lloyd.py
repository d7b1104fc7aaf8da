"""Lloyd's iterations on a colour grid with distance bounds and from several starts.

Each runs compiled (:mod:`._lloyd_kernel`, built by ``pip install -e .``) or
in numpy, the reference the compiled loops are tested against. The fits that
use scikit-learn's Lloyd iterations instead call it from :mod:`._fit`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._assign import cluster_means, rows_per_block
from ._grid import ColourGrid

_SLACK = 8 * np.finfo(np.float64).eps
KERNELS = ("auto", "compiled", "numpy")


def compiled_kernel(kernel: str):
    """The compiled loops for `kernel` ("auto": if built), or None for numpy's."""
    if kernel not in KERNELS:
        raise ValueError(f"kernel must be one of {', '.join(KERNELS)}, got {kernel!r}")
    if kernel == "numpy":
        return None
    try:
        from . import _lloyd_kernel
    except ImportError:
        if kernel == "compiled":
            raise ImportError(
                "colourquant's compiled k-means loops are not built: run `pip install -e .`"
            ) from None
        return None
    return _lloyd_kernel


def rounding_margin(points: np.ndarray) -> float:
    """A distance below which the compiled loops treat a bound as a tie: far
    above the rounding of distances between these points, far below any gap."""
    return 1e-12 * (1.0 + float(np.abs(points).max(initial=0.0)))


def _two_nearest(points, centres):
    """Nearest centre of each point, and the distances to the nearest and second nearest."""
    n = points.shape[0]
    labels = np.empty(n, dtype=np.intp)
    nearest, second = np.empty(n), np.empty(n)
    centre_norms = np.einsum("ij,ij->i", centres, centres)
    centre_slack = 2 * _SLACK * centre_norms.max()
    scaled = -2.0 * centres.T
    block_rows = rows_per_block(centres.shape[0])
    for start in range(0, n, block_rows):
        block = points[start : start + block_rows]
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
    grid: ColourGrid,
    centres: np.ndarray,
    *,
    max_iter: int = 300,
    tol: float = 1e-4,
    kernel: str = "auto",
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
    kernel : {"auto", "compiled", "numpy"}
        The compiled loops ("auto": if built) or numpy's. Both compute the
        same steps; distances differ by rounding (1e-16 relative), which can
        only settle a near-tie differently.

    Returns
    -------
    centres : ndarray of float64, shape (k, 3)
        Each the weighted mean of the points nearest to it at the last
        iteration. A centre that lost all its points stays where it was
        (scikit-learn moves it to a far point instead).
    n_iter : int
        Counted as scikit-learn does.

    Examples
    --------
    >>> import numpy as np
    >>> from colourquant.kmeans import colour_grid, grid_lloyd
    >>> points = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [10.0, 0.0, 0.0], [11.0, 0.0, 0.0]])
    >>> grid = colour_grid(points, np.ones(4), cells_per_axis=4)
    >>> centres, n_iter = grid_lloyd(grid, points[[0, 1]])
    >>> centres
    array([[ 0.5,  0. ,  0. ],
           [10.5,  0. ,  0. ]])
    >>> n_iter
    3
    >>> np.array_equal(grid_lloyd(grid, points[[0, 1]], kernel="numpy")[0], centres)
    True
    """
    centres = np.array(centres, dtype=np.float64)
    compiled = compiled_kernel(kernel)
    if compiled is not None:
        means = np.concatenate([grid.means, grid.points])
        totals = np.concatenate([grid.totals, grid.weights])
        radii = np.concatenate([grid.radii, np.zeros(grid.points.shape[0])])
        n_iter, labels, used = compiled.grid_lloyd_kernel(
            means, totals, radii, grid.n_cells, grid.cell_order.astype(np.intp),
            grid.cell_starts.astype(np.intp), centres, max_iter, tol * grid.tolerance_scale,
            rounding_margin(means),
        )  # fmt: skip
        return cluster_means(means[used], totals[used], labels[used], centres), n_iter
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
            return cluster_means(
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
    points: np.ndarray,
    weights: np.ndarray,
    starts: np.ndarray,
    *,
    max_iter: int,
    threshold: float,
    kernel: str = "auto",
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
    kernel : {"auto", "compiled", "numpy"}
        As in :func:`grid_lloyd`; compiled, the starts run one after the
        other, with distance bounds.

    Returns
    -------
    centres : ndarray of float64, shape (n_starts, k, 3)
        A centre that lost all its points stays where it was.
    inertias : ndarray of float64, shape (n_starts,)
        Weighted sum of squared distances to the nearest of each start's centres.

    Examples
    --------
    Two starts of two centres on four points, which converge to different
    local optima; the points differ in their first channel only:

    >>> import numpy as np
    >>> from colourquant.kmeans import lloyd_restarts
    >>> points = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [10.0, 0.0, 0.0], [20.0, 0.0, 0.0]])
    >>> starts = points[[[0, 3], [0, 2]]]
    >>> centres, inertias = lloyd_restarts(points, np.ones(4), starts, max_iter=300, threshold=0)
    >>> centres[:, :, 0]
    array([[ 3.66666667, 20.        ],
           [ 0.5       , 15.        ]])
    >>> inertias
    array([60.66666667, 50.5       ])
    >>> lloyd_restarts(points, np.ones(4), starts, max_iter=300, threshold=0, kernel="numpy")[1]
    array([60.66666667, 50.5       ])
    """
    centres = np.array(starts, dtype=np.float64)
    compiled = compiled_kernel(kernel)
    if compiled is not None:
        points = np.ascontiguousarray(points, dtype=np.float64)
        weights = np.ascontiguousarray(weights, dtype=np.float64)
        inertias = compiled.lloyd_restarts_kernel(
            points, weights, centres, max_iter, threshold, rounding_margin(points)
        )
        return centres, inertias
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
        block_rows = rows_per_block(centres.shape[0] * k)
        for start in range(0, n, block_rows):
            rows = slice(start, start + block_rows)
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
