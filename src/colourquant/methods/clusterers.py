"""The ``clusterer`` methods: other clusterings than exact k-means, run like it in any colour space.

Each fits an image's distinct colours, as points of a colour space, and
returns a palette in that space (:class:`ClusterFit`); the harness
(:func:`colourquant.runs.method_runs`) evaluates it with the very code that
evaluates k-means. What each fits:

- ``minibatch_kmeans`` and ``bisecting_kmeans``: scikit-learn's
  :class:`~sklearn.cluster.MiniBatchKMeans` and
  :class:`~sklearn.cluster.BisectingKMeans` (defaults, ``random_state`` =
  fit.seed) on the distinct colours with their pixel counts as
  ``sample_weight``: the same objective as exact k-means.
- ``gaussian_mixture``: scikit-learn's :class:`~sklearn.mixture.GaussianMixture`
  (full covariances, defaults), which takes no ``sample_weight``: it fits a
  seeded sample of :data:`GAUSSIAN_MIXTURE_PIXELS` pixels, drawn in proportion
  to the counts. That costs sampling noise in the means, and time grows with
  the sample times k (it is by far the slowest method). Each distinct colour
  takes the component most likely to have produced it (hard assignment, not
  the nearest mean); the palette is the component means.
- ``ward``: scikit-learn's :class:`~sklearn.cluster.AgglomerativeClustering`
  with Ward linkage, which needs memory quadratic in its points and takes no
  weights. It clusters the distinct colours themselves when there are at most
  :data:`WARD_MAX_POINTS` of them; otherwise the occupied cells of the colour
  grid of exact k-means (fit.grid_cells per axis, halved until at most
  :data:`WARD_MAX_POINTS` cells are occupied), each cell at the pixel-weighted
  mean of its colours. The merges count every point once, whatever its pixels
  (that is the cost: rare colours weigh as much as common ones); each palette
  colour is the pixel-weighted mean of its cluster's colours.
- ``kmeans_wu``: k-means from a single deterministic start, Wu's palette
  (:func:`colourquant.methods.wu.wu_palette`, built in 8-bit RGB and converted to the
  space), iterated to convergence on every distinct colour with the package's
  Lloyd iterations, as Celebi (2011, "Improving the performance of k-means
  for color quantization") proposes. The iterations are those exact mode
  runs at that k: :func:`colourquant.kmeans.grid_lloyd` while the colour grid
  has 64 cells per cluster, else scikit-learn's (float32, then a last centre
  update in float64). One start instead of exact mode's fit.n_init restarts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_k
from ..colours import DistinctColours
from ..kmeans import (
    MIN_CELLS_PER_CLUSTER,
    colour_grid,
    grid_lloyd,
    nearest_centre,
    pixel_sample_weights,
)

__all__ = [
    "GAUSSIAN_MIXTURE_PIXELS",
    "WARD_MAX_POINTS",
    "ClusterFit",
    "cluster_colours",
]

#: The pixel sample the Gaussian mixture is fitted on (it takes no weights).
GAUSSIAN_MIXTURE_PIXELS = 16384
#: The most points Ward's clustering is given (its memory is quadratic in them).
WARD_MAX_POINTS = 4096
# kmeans_wu's Lloyd stops as exact mode's last stage does: at a tenth of
# fit.tol (colourquant.kmeans.fit_kmeans_exact), as it starts near an optimum.
_LLOYD_TOL_FACTOR = 0.1
# Rows of the Gaussian mixture's likelihoods computed at once ((rows x k) floats).
_BLOCK_ROWS = 65536


@dataclass(frozen=True)
class ClusterFit:
    """A clusterer's palette in the fit space.

    Attributes
    ----------
    centres : ndarray of float64, shape (k_effective, 3)
    labels : ndarray of intp, shape (n_unique,) or None
        The centre of each distinct colour, where the method assigns colours
        otherwise than to the nearest centre (the Gaussian mixture); None
        means nearest centre.
    n_iter : int or None
        Iterations of the fit, where the estimator reports them.
    n_fit_pixels : int
        Pixels the fit saw.
    """

    centres: np.ndarray
    labels: np.ndarray | None
    n_iter: int | None
    n_fit_pixels: int


def _k_effective(k: int, n_points: int) -> int:
    return int(min(check_k(k), n_points))


def fit_minibatch_kmeans(points, image, k, seed, settings):
    """scikit-learn's mini-batch k-means on the distinct colours, weighted by their counts."""
    from sklearn.cluster import MiniBatchKMeans

    model = MiniBatchKMeans(_k_effective(k, len(points)), random_state=seed)
    model.fit(points, sample_weight=image.counts)
    return ClusterFit(model.cluster_centers_, None, int(model.n_iter_), image.n_pixels)


def fit_bisecting_kmeans(points, image, k, seed, settings):
    """scikit-learn's bisecting k-means on the distinct colours, weighted by their counts."""
    from sklearn.cluster import BisectingKMeans

    model = BisectingKMeans(_k_effective(k, len(points)), random_state=seed)
    model.fit(points, sample_weight=image.counts)
    return ClusterFit(model.cluster_centers_, None, None, image.n_pixels)


def fit_gaussian_mixture(points, image, k, seed, settings):
    """A Gaussian mixture fitted on a seeded pixel sample; each colour to its likeliest."""
    from sklearn.mixture import GaussianMixture

    sample = pixel_sample_weights(
        image.index, image.n_unique, 1.0, seed, max_pixels=GAUSSIAN_MIXTURE_PIXELS
    )
    model = GaussianMixture(_k_effective(k, np.count_nonzero(sample)), random_state=seed)
    model.fit(np.repeat(points, sample, axis=0))
    labels = np.concatenate(
        [model.predict(points[start : start + _BLOCK_ROWS])
         for start in range(0, len(points), _BLOCK_ROWS)]
    )  # fmt: skip
    return ClusterFit(model.means_, labels, int(model.n_iter_), int(sample.sum()))


def fit_ward(points, image, k, seed, settings):
    """Ward's clustering of the distinct colours, or of their colour grid where they are many."""
    from sklearn.cluster import AgglomerativeClustering

    if len(points) <= WARD_MAX_POINTS:
        members, weights = points, image.counts.astype(np.float64)
    else:
        cells = settings.grid_cells
        grid = colour_grid(points, image.counts, cells)
        while grid.n_cells > WARD_MAX_POINTS:
            cells //= 2
            grid = colour_grid(points, image.counts, cells)
        members, weights = grid.means, grid.totals
    k_effective = _k_effective(k, len(members))
    if k_effective == len(members):
        labels = np.arange(len(members))
    else:
        labels = AgglomerativeClustering(k_effective, linkage="ward").fit(members).labels_
    centres = _weighted_means(members, weights, labels, np.zeros((k_effective, 3)))
    return ClusterFit(centres, None, None, image.n_pixels)


def fit_kmeans_wu(points, image, k, seed, settings):
    """k-means (Lloyd) from Wu's palette, a single deterministic start: no seed needed."""
    from sklearn.cluster import KMeans

    from ..spaces import from_srgb8
    from .wu import wu_palette

    start = from_srgb8(wu_palette(image.colours, k, counts=image.counts), settings.space)
    grid = colour_grid(points, image.counts, settings.grid_cells)
    # The Lloyd iterations exact mode would run at this k: its own on the grid
    # while there are enough cells per cluster, else scikit-learn's on every
    # distinct colour in float32, with a last centre update in float64.
    if np.count_nonzero(grid.totals > 0) >= MIN_CELLS_PER_CLUSTER * len(start):
        centres, n_iter = grid_lloyd(
            grid, start, max_iter=settings.max_iter, tol=_LLOYD_TOL_FACTOR * settings.tol
        )
        return ClusterFit(centres, None, n_iter, image.n_pixels)
    model = KMeans(
        len(start), init=start.astype(np.float32), n_init=1, max_iter=settings.max_iter,
        tol=settings.tol, random_state=seed,
    ).fit(points.astype(np.float32), sample_weight=image.counts.astype(np.float32))  # fmt: skip
    labels = nearest_centre(points, model.cluster_centers_.astype(np.float64))
    return ClusterFit(_weighted_means(points, image.counts, labels, start), None,
                      int(model.n_iter_), image.n_pixels)  # fmt: skip


def _weighted_means(points, weights, labels, fallback):
    """Each cluster's weighted mean; a cluster without points keeps its `fallback` row."""
    k = len(fallback)
    totals = np.bincount(labels, weights, k)
    sums = np.stack([np.bincount(labels, weights * points[:, a], k) for a in range(3)], axis=1)
    means = np.array(fallback, dtype=np.float64)
    filled = totals > 0
    means[filled] = sums[filled] / totals[filled, None]
    return means


@dataclass(frozen=True)
class _Settings:
    space: object
    grid_cells: int
    max_iter: int
    tol: float


def cluster_colours(
    method: str,
    image: DistinctColours,
    points: np.ndarray,
    space,
    k: int,
    *,
    seed: int = 0,
    grid_cells: int = 24,
    max_iter: int = 300,
    tol: float = 1e-4,
    n_threads: int = 1,
) -> ClusterFit:
    """Fit the clusterer `method` to an image's distinct colours in `space`.

    Parameters
    ----------
    method : str
        The name of a ``clusterer`` method of :data:`colourquant.methods.METHODS`.
    image : DistinctColours
    points : ndarray, shape (n_unique, 3)
        ``image.colours`` in `space`.
    space : ColourSpace
    k : int
    seed : int
        ``random_state`` of scikit-learn's estimators, and the Gaussian
        mixture's pixel sample.
    grid_cells, max_iter, tol
        The colour grid of ``ward`` and ``kmeans_wu``; the Lloyd iterations of
        ``kmeans_wu`` (as the config's ``fit``).
    n_threads : int
        Threads scikit-learn and numpy may use.

    Returns
    -------
    ClusterFit
        With k at or above the number of distinct colours, each colour is its
        own centre, whatever the method (nothing is fitted).

    Examples
    --------
    >>> import numpy as np
    >>> from colourquant.colours import distinct_colours
    >>> from colourquant.spaces import from_srgb8, get_space
    >>> pixels = np.array([[[250, 0, 0], [240, 10, 0], [0, 0, 250], [0, 10, 240]]], np.uint8)
    >>> image = distinct_colours(pixels)
    >>> rgb = get_space("RGB")
    >>> fit = cluster_colours("kmeans_wu", image, from_srgb8(image.colours, rgb), rgb, 2)
    >>> np.round(fit.centres * 255)
    array([[  0.,   5., 245.],
           [245.,   5.,   0.]])
    """
    from . import METHODS, method_names

    if method not in METHODS or METHODS[method].kind != "clusterer":
        raise ValueError(
            f"unknown clusterer {method!r}; valid names: {', '.join(method_names('clusterer'))}"
        )
    fit = METHODS[method].fit
    from threadpoolctl import threadpool_limits

    points = np.asarray(points, dtype=np.float64)
    if check_k(k) >= image.n_unique:
        # Every colour is its own centre: nothing to fit (as exact k-means).
        return ClusterFit(points.copy(), None, 0, image.n_pixels)
    settings = _Settings(space=space, grid_cells=grid_cells, max_iter=max_iter, tol=tol)
    with threadpool_limits(limits=n_threads):
        return fit(points, image, k, seed, settings)
