"""Weighted k-means on distinct colours, nearest-centre assignment and inertia.

The points are an image's distinct colours in a fit space, weighted by their
pixel counts. The workflow fits them in one of two modes:

- exact mode minimises the objective over every pixel. :func:`fit_kmeans_exact`
  runs its k-means++ restarts on the cells of a colour grid
  (:func:`colour_grids`; at large k on a finer one) and iterates the best of
  them on every point, in compiled loops (numpy's where they are not
  built); where even the finer grid is too coarse (an image with few
  colours), it hands over to :func:`fit_kmeans`, seeded
  from a pixel sample.
- sample mode fits a seeded pixel sample (:func:`pixel_sample_weights`) with
  :func:`fit_kmeans`, whose Lloyd iterations are scikit-learn's.

The submodules, one concern each (import from this package, not from them):

``_fit``
    The entry points: :func:`fit_kmeans`, :func:`fit_kmeans_exact`, their
    result :class:`KMeansFit`, :func:`pixel_sample_weights`, and the call of
    scikit-learn's KMeans. scikit-learn is imported there only when a fit
    needs it, so a fit on the grid never loads it.
``_seeding``
    k-means++: :func:`kmeans_plusplus`, :func:`kmeans_plusplus_seedings`.
``_grid``
    The colour grid: :class:`ColourGrid`, :func:`colour_grid`, :func:`colour_grids`.
``_lloyd``
    Lloyd's iterations: :func:`grid_lloyd` on every point of a grid, with
    distance bounds, and :func:`lloyd_restarts`, several starts side by side;
    in numpy, or in the compiled loops of ``_lloyd_kernel`` (Cython).
``_assign``
    :func:`nearest_centre`, :func:`inertia`, :func:`total_sum_of_squares`, and
    what the others share: weighted cluster means and the check of the points.
"""

from ._assign import inertia, nearest_centre, total_sum_of_squares
from ._fit import (
    MIN_CELLS_PER_CLUSTER,
    MIN_FINE_CELLS_PER_CLUSTER,
    KMeansFit,
    fit_kmeans,
    fit_kmeans_exact,
    pixel_sample_weights,
)
from ._grid import ColourGrid, colour_grid, colour_grids
from ._lloyd import grid_lloyd, lloyd_restarts
from ._seeding import kmeans_plusplus, kmeans_plusplus_seedings

__all__ = [
    "MIN_CELLS_PER_CLUSTER",
    "MIN_FINE_CELLS_PER_CLUSTER",
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
