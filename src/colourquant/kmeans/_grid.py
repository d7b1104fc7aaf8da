"""The colour grid: weighted points summarised by the occupied cells of a cubic grid."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._assign import cluster_means, validate_points


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
        From 1 to 256.

    Returns
    -------
    ColourGrid

    Examples
    --------
    Two points near black share a cell, weighted by 1 and 3; white has its own:

    >>> import numpy as np
    >>> from colourquant.kmeans import colour_grid
    >>> points = np.array([[0.0, 0.0, 0.0], [0.1, 0.0, 0.0], [1.0, 1.0, 1.0]])
    >>> grid = colour_grid(points, np.array([1.0, 3.0, 2.0]), cells_per_axis=2)
    >>> grid.n_cells, grid.cell_of
    (2, array([0, 0, 1]))
    >>> grid.means
    array([[0.075, 0.   , 0.   ],
           [1.   , 1.   , 1.   ]])
    >>> grid.totals, grid.radii
    (array([4., 2.]), array([0.075, 0.   ]))
    """
    points, weights = validate_points(points, weights)
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
        plain_means = cluster_means(points, np.ones_like(weights), cell_of, plain_means)
    means = cluster_means(points, weights, cell_of, plain_means)
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

    Examples
    --------
    >>> import numpy as np
    >>> from colourquant.kmeans import colour_grids
    >>> points = np.array([[0.0, 0.0, 0.0], [0.3, 0.0, 0.0], [1.0, 1.0, 1.0]])
    >>> grid, fine_grid = colour_grids(points, np.ones(3), cells_per_axis=2)
    >>> grid.cell_of, fine_grid.cell_of
    (array([0, 0, 1]), array([0, 1, 2]))
    """
    return (
        colour_grid(points, weights, cells_per_axis),
        colour_grid(points, weights, 2 * cells_per_axis),
    )
