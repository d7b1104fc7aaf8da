"""The workflow's k-means fit as a scikit-learn estimator.

:class:`ColourQuantizer` learns a palette from one image and applies it to
others: ``fit`` runs :func:`colourquant.runs.kmeans_runs` at one k, exactly as
a workflow job and :func:`colourquant.quantize` do; ``predict`` and
``transform`` assign each pixel of a new image to its nearest fitted centre in
the fit space, with the function that assigns the pixels of the fitted image
(:func:`colourquant.kmeans.nearest_centre` on the image's distinct colours).

scikit-learn's estimator checks
-------------------------------
The estimator takes images, not tables of samples × features. It accepts
what :func:`colourquant.api.read_image` accepts: arrays of shape
(height, width, 3 or 4), and also, so that it fits in a pipeline of 2-D
data, arrays of shape (n, 3) or (n, 4) read as a list of colours, an image
one pixel high; integers must lie in 0 ... 255 and floats in [0, 1].
Array input first passes scikit-learn's ``check_array`` and
``check_non_negative``, so sparse, complex, empty, 1-D, non-finite and
negative data is refused in scikit-learn's words; anything else that is not
colours (another number of columns, floats above 1) with a one-line
:class:`colourquant.images.ImageError`, a ValueError.

``tests/test_api.py`` runs every check of
:func:`sklearn.utils.estimator_checks.parametrize_with_checks` twice and
lists, check by check, those expected to fail and why. On the estimator as
it is, the checks of its API (cloning, parameters, tags, repr, unfitted
errors) and of its refusals pass, while those that fit fail: their data is
normal or 3 × uniform floats, not colours. Behind a test adapter that maps
non-negative floats into [0, 1) value by value, every check whose data has 3
or 4 columns fits and passes as well (pickling, pipelines, fit_transform
against fit().transform, invariance to the order and subsets of samples,
n_features_in_, ...); only the checks whose data has 1, 2, 5 or 10 columns
still fail, since such data is no list of colours.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_array, check_is_fitted, check_non_negative

from .api import read_image
from .colours import distinct_colours
from .dither import dither_labels
from .image_runs import check_dither, check_method, dithered_run, thread_limit
from .images import LoadedImage
from .kmeans import nearest_centre
from .methods import NO_SPACE
from .runs import kmeans_runs, method_runs
from .settings import FitSettings
from .spaces import from_srgb8

__all__ = ["ColourQuantizer"]

_FIT_PARAMETERS = (
    "mode",
    "seed",
    "n_init",
    "max_iter",
    "tol",
    "sample_fraction",
    "grid_cells",
    "max_seed_pixels",
)


class ColourQuantizer(TransformerMixin, BaseEstimator):
    """Learn a palette of k colours from an image by k-means (or any method) in a colour space.

    Parameters
    ----------
    n_colours : int, default=16
        The number of colours (k).
    space : str or None, default=None
        The colour space of the fit, a name of :data:`colourquant.spaces.SPACES`;
        None is ``Lab``, and the only choice for a classic quantizer.
    method : str, default="kmeans"
        Any method of :data:`colourquant.methods.METHODS`, as in
        :func:`colourquant.quantize`: ``kmeans``, a clusterer in `space`, or a
        classic quantizer (8-bit RGB, no space). New pixels take their nearest
        palette colour in the fit space (RGB for a quantizer); for
        ``gaussian_mixture`` too, not its most likely component.
    dither : {"none", "floyd_steinberg", "ordered"}, default="none"
        How :meth:`predict`, :meth:`transform` and :meth:`fit_transform` map
        pixels to the palette: :func:`colourquant.dither.dither_labels` in
        the fit space. ``labels_`` and ``metrics_`` are the dithered ones.
    mode : {"exact", "sample"}, default=FitSettings.mode ("exact")
        ``exact`` minimises the k-means objective over every pixel; ``sample``
        fits a seeded pixel sample, as the teaching notebook does.
    seed : int, default=FitSettings.seed (0)
        Seeds the sample and the k-means++ restarts (scikit-learn's
        ``random_state``, as the workflow's config names it).
    n_init, max_iter, tol, sample_fraction, grid_cells, max_seed_pixels
        The workflow's ``fit`` settings (:class:`colourquant.settings.FitSettings`),
        with its defaults (their only home); checked when :meth:`fit` runs, as
        the config is.
    n_threads : int, default=1
        Threads of the numerical libraries (BLAS, OpenMP) while fitting and
        predicting, 1 as in a workflow job.

    Attributes
    ----------
    space_ : str
        The fit space's name, as :data:`colourquant.spaces.SPACES` spells it
        (``-`` for a classic quantizer).
    cluster_centers_ : ndarray of float64, shape (k_effective, 3)
        The centres in the fit space; fewer than `n_colours` if the image has
        fewer distinct colours.
    palette_ : ndarray of uint8, shape (k_effective, 3)
        The centres in sRGB, clipped to the gamut.
    labels_ : ndarray of int, shape (height, width), or (n,) for a list of colours
        Row of `palette_` for each pixel of the fitted image.
    counts_ : ndarray of int64, shape (k_effective,)
        Pixels of the fitted image of each palette colour.
    inertia_ : float
        Sum of squared distances of the pixels to their centre, in the fit space.
    n_iter_ : int or None
        Lloyd iterations of the fit that was kept (None for a quantizer).
    metrics_ : dict
        The fit's metrics row, as the workflow writes it (without the seed
        noise, which needs a second fit).
    n_features_in_ : int
        Channels of the fitted array: 3 (RGB) or 4 (RGBA); 3 for a file.
        :meth:`predict` and :meth:`transform` take either.

    See Also
    --------
    colourquant.quantize : The same fit, returning the quantized image and the metrics.

    Examples
    --------
    >>> import numpy as np
    >>> from colourquant import ColourQuantizer
    >>> reds_and_blues = np.array([[[250, 0, 0], [240, 10, 0], [0, 0, 250], [0, 10, 240]]],
    ...                           dtype=np.uint8)
    >>> quantizer = ColourQuantizer(n_colours=2, space="Lab").fit(reds_and_blues)
    >>> quantizer.palette_
    array([[245,   5,   0],
           [  0,   5, 245]], dtype=uint8)

    A new image takes the fitted palette; a list of colours is an image too:

    >>> quantizer.predict(np.array([[200, 30, 30], [30, 30, 200], [90, 0, 120]]))
    array([0, 1, 1], dtype=int32)
    >>> quantizer.transform(np.array([[[1.0, 0.0, 0.0, 1.0], [0.0, 0.0, 1.0, 0.0]]]))
    array([[[245,   5,   0],
            [245,   5,   0]]], dtype=uint8)

    (The second pixel is fully transparent: composited on white, it is nearer red.)
    """

    def __init__(
        self,
        n_colours: int = 16,
        space: str | None = None,
        method: str = "kmeans",
        dither: str = "none",
        mode: str = FitSettings.mode,
        seed: int = FitSettings.seed,
        n_init: int = FitSettings.n_init,
        max_iter: int = FitSettings.max_iter,
        tol: float = FitSettings.tol,
        sample_fraction: float = FitSettings.sample_fraction,
        grid_cells: int = FitSettings.grid_cells,
        max_seed_pixels: int = FitSettings.max_seed_pixels,
        n_threads: int = 1,
    ):
        self.n_colours = n_colours
        self.space = space
        self.method = method
        self.dither = dither
        self.mode = mode
        self.seed = seed
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.sample_fraction = sample_fraction
        self.grid_cells = grid_cells
        self.max_seed_pixels = max_seed_pixels
        self.n_threads = n_threads

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Colours are non-negative; the output is always uint8.
        tags.input_tags.positive_only = True
        tags.transformer_tags.preserves_dtype = []
        return tags

    def fit(self, X, y=None):
        """Fit the palette to an image.

        Parameters
        ----------
        X : ndarray, str or Path
            An image (see :func:`colourquant.api.read_image`): an array of
            shape (height, width, 3 or 4) or a list of colours (n, 3 or 4),
            a file or ``"skimage:<name>"``.
        y : None
            Ignored.

        Returns
        -------
        self
        """
        self._fit(X)
        return self

    def fit_transform(self, X, y=None):
        """Fit the palette to an image and return the image quantized with it.

        Returns
        -------
        ndarray of uint8, shape (height, width, 3), or (n, 3) for a list of colours
        """
        run, shape = self._fit(X)
        return run.result.quantized.reshape(*shape, 3)

    def predict(self, X):
        """The palette row of each pixel of an image: its nearest centre in the fit space.

        Parameters
        ----------
        X : ndarray, str or Path
            An image, as :meth:`fit` takes.

        Returns
        -------
        ndarray of int32, shape (height, width), or (n,) for a list of colours
        """
        check_is_fitted(self)
        space = "RGB" if self.space_ == NO_SPACE else self.space_
        with thread_limit(self.n_threads):
            loaded, _, shape, _ = self._read(X, "predict")
            distinct = distinct_colours(loaded.rgb)
            points = from_srgb8(distinct.colours, space)
            if self.dither == "none":
                labels = nearest_centre(points, self.cluster_centers_)
                return labels[distinct.index].reshape(shape)
            # Onto the colours shown, as a dithered fit is (evaluate_dithered).
            shown = from_srgb8(self.palette_, space)
            image = points[distinct.index].reshape(*distinct.shape, 3)
            labels = dither_labels(image, shown, self.dither)
        return labels.astype(np.int32).reshape(shape)

    def transform(self, X):
        """The image `X` (as :meth:`fit` takes it) quantized with the fitted palette.

        Returns
        -------
        ndarray of uint8, shape (height, width, 3), or (n, 3) for a list of colours
        """
        return self.palette_[self.predict(X)]

    def _fit(self, X):
        with thread_limit(self.n_threads):
            loaded, name, shape, n_channels = self._read(X, "fit")
            settings = FitSettings(
                **{parameter: getattr(self, parameter) for parameter in _FIT_PARAMETERS},
                replicates=0,
            )
            record, space = check_method(self.method, self.space, self.n_colours)
            check_dither(self.dither)
            distinct = distinct_colours(loaded.rgb)
            if record.kind == "kmeans":
                (run,) = kmeans_runs(
                    distinct, space, [self.n_colours], settings, name=name,
                    metadata=loaded.metadata, n_threads=self.n_threads,
                )  # fmt: skip
            else:
                (run,) = method_runs(
                    distinct, record.name, [self.n_colours], seed=settings.seed, name=name,
                    metadata=loaded.metadata, space=space, settings=settings,
                    n_threads=self.n_threads,
                )  # fmt: skip
            if self.dither != "none":
                run = dithered_run(run, distinct, space or "RGB", self.dither)
        result = run.result
        self.space_ = run.row["space"]
        self.cluster_centers_ = run.centres
        self.palette_ = result.palette
        self.labels_ = result.pixel_labels.astype(np.int32).reshape(shape)
        self.counts_ = np.bincount(result.pixel_labels.ravel(), minlength=len(result.palette))
        self.inertia_ = run.row["inertia"]
        self.n_iter_ = run.row["n_iter"]
        self.metrics_ = dict(run.row)
        self.n_features_in_ = n_channels
        return run, shape

    def _read(self, X, method: str):
        """`X` read as an image, its name, the shape of one value per pixel, its channels.

        The shape is (height, width), or (n,) for a list of colours (a 2-D
        array). Arrays pass scikit-learn's own input checks first, so that
        sparse, complex, empty, non-finite or negative data is refused in its
        words; so is a new image whose pixels are not colours.
        """
        if isinstance(X, (str, Path, LoadedImage)):
            loaded, name = read_image(X)
            return loaded, name, loaded.rgb.shape[:2], 3
        X = check_array(X, allow_nd=True, input_name="X")
        check_non_negative(X, f"{type(self).__name__}.{method}")
        n_channels = X.shape[-1]
        if method != "fit" and n_channels not in (3, 4):
            raise ValueError(
                f"X has {n_channels} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input (a colour's 3 or 4 channels, "
                "RGB or RGBA)"
            )
        loaded, name = read_image(X)
        shape = X.shape[:1] if X.ndim == 2 else loaded.rgb.shape[:2]
        return loaded, name, shape, n_channels
