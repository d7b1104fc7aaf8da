"""The workflow's engine in two calls, for a notebook or a script.

:func:`quantize` reduces one image to k colours by one method (k-means in a
colour space by default); :func:`compare` does it for several spaces, methods
and k and returns the metrics as a table (and the comparison figure). Both run
exactly what a workflow job runs: the image is decoded as the
``prepare_image`` job decodes it and reduced to its distinct colours
(:func:`colourquant.colours.distinct_colours`), the fit settings are validated
as the ``fit`` config is (:class:`colourquant.runs.FitSettings`), and the fits
and their metrics come from :func:`colourquant.runs.kmeans_runs` and
:func:`colourquant.runs.method_runs` (via :mod:`colourquant.image_runs`). The
same image, method, space, k and settings therefore give the same palette and
the same metrics row as
``snakemake`` writes to ``results/<experiment>/metrics.csv`` (up to ``fit_seconds``).

The estimator :class:`colourquant.ColourQuantizer` (module
:mod:`colourquant.estimator`) offers the same fit in scikit-learn's
conventions, to quantize new images with a fitted palette.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .image_runs import (
    BACKGROUNDS,
    check_compare,
    check_dither,
    check_dithers,
    check_method,
    compare_runs,
    comparison_of,
    dithered_run,
    figure_row,
    figure_thumbnail,
    method_run,
    prepare,
    space_runs,
    thread_limit,
    unmeasured_row,
)
from .images import LoadedImage
from .memory import check_memory
from .quantization import Quantization
from .runs import RUN_COLUMNS, FitSettings
from .sources import (
    array_image,
    image_source,
    load_image_source,
    url_name,  # noqa: F401 - colourquant.api.url_name, as before
)

__all__ = ["Quantization", "quantize", "compare", "read_image", "check_method", "check_dither"]

# The name of an image given as an array, in the metrics' `image` column.
ARRAY_NAME = "image"


def read_image(
    image,
    *,
    name: str | None = None,
    max_memory: int | None = None,
    verbose: bool = False,
) -> tuple[LoadedImage, str]:
    """Read an image as the workflow does, from a file, a URL, a sample name or an array.

    Parameters
    ----------
    image : str, Path, ndarray or LoadedImage
        - a path to any file the workflow reads (PNG, JPEG, TIFF, WebP, GIF...),
          decoded by :func:`colourquant.images.load_image` (EXIF rotation,
          colour profile to sRGB, transparency composited on white);
        - an ``http://`` or ``https://`` URL, downloaded as the workflow
          downloads (:func:`colourquant.downloads.download_image`: its
          timeout, and only an image is kept) to a temporary file, then read
          as a file;
        - ``"skimage:<name>"``, one of scikit-image's sample photos;
        - an array of shape (height, width, 3) or (height, width, 4), of
          uint8, of integers in 0 ... 255, or of floats in [0, 1] (rounded to
          the nearest of 256 levels); an alpha channel is composited on white
          by :func:`colourquant.images.composite_on_white`, as for files;
        - an array of shape (n, 3) or (n, 4): a list of colours, taken as an
          image one pixel high;
        - a :class:`colourquant.images.LoadedImage`, used as it is.
    name : str, optional
        The image's name, for messages and the ``image`` column: by default
        the file's stem (of a URL, its path's), the sample's name, or
        ``"image"`` for an array.
    max_memory : int, optional
        Bytes that quantizing the image may use; by default the memory
        available (:func:`colourquant.memory.available_memory`). A file is
        checked from its header, before it is decoded.
    verbose : bool
        Draw a download's progress on standard error if that is a terminal
        (once the download lasts 2 s).

    Returns
    -------
    loaded : LoadedImage
    name : str

    Raises
    ------
    ImageError
        With a one-line message ``image '<name>': ...``: an unreadable file,
        a failed download, an array of another shape, type or range, or an
        image that needs more memory than `max_memory` (see
        :func:`colourquant.memory.check_memory`).

    Examples
    --------
    >>> import numpy as np
    >>> loaded, name = read_image(np.array([[[1.0, 0.5, 0.0, 0.5]]]))
    >>> loaded.rgb, loaded.alpha, name
    (array([[[255, 191, 127]]], dtype=uint8), 'composited on white', 'image')
    >>> read_image(np.zeros((2, 2, 3)) - 1)
    Traceback (most recent call last):
    ...
    colourquant.images.ImageError: image 'image': float pixels must lie in [0, 1], got -1 ... -1
    """
    if isinstance(image, LoadedImage):
        return image, name or ARRAY_NAME  # decoded already: checked when it was read
    if not isinstance(image, (str, Path)):
        name = name or ARRAY_NAME
        loaded = array_image(image, name)
        height, width, _ = loaded.rgb.shape
        check_memory(width, height, where=f"image {name!r}", budget=max_memory)
        return loaded, name
    source = image_source(image, name=name)
    # A download's progress bar only where someone watches (a terminal), not in a log.
    watched = verbose and sys.stderr.isatty()
    loaded = load_image_source(
        source, memory_check=True, max_memory=max_memory, progress=sys.stderr if watched else None
    )
    return loaded, source.name


def quantize(
    image,
    k: int,
    space: str | None = None,
    *,
    method: str = "kmeans",
    dither: str = "none",
    background: str | None = None,
    mode: str = FitSettings.mode,
    seed: int = FitSettings.seed,
    name: str | None = None,
    verbose: bool = False,
    metrics: bool = True,
    n_threads: int = 1,
    max_memory: int | None = None,
    **fit,
) -> Quantization:
    """Reduce an image to `k` colours by `method` (k-means) in `space`, as the workflow does.

    Parameters
    ----------
    image : str, Path or ndarray
        A file, an http(s) URL, ``"skimage:<name>"`` or an array; see
        :func:`read_image`.
    k : int
        Number of colours, at least 1.
    space : str, optional
        A colour space of :data:`colourquant.spaces.SPACES`, e.g. ``"RGB"``,
        ``"Lab"``, ``"OKLab"``, ``"HSV"``: ``"Lab"`` if not given. A classic
        quantizer has none (it works in 8-bit RGB): giving one is an error.
    method : str
        Any method of :data:`colourquant.methods.METHODS`: ``kmeans``, a
        clusterer (``ward``, ``gaussian_mixture``...) in `space`, or a
        classic quantizer (``median_cut``, ``octree``, ``wu``...). Its
        metrics row is the workflow's (:func:`colourquant.runs.method_runs`);
        a method other than k-means is always measured.
    dither : {"none", "floyd_steinberg", "ordered"}
        Map the pixels to the fitted palette by dithering, in the run's own
        colour space (RGB for a quantizer): :func:`colourquant.dither.dither_labels`.
        The metrics are those of the dithered image
        (:func:`colourquant.evaluate.evaluate_dithered`), without the seed
        noise columns (which measure the undithered fit).
    background : {None, "white"}
        None keeps fully transparent pixels transparent
        (:attr:`Quantization.transparent`) when the image is written;
        ``"white"`` composites them on white as well. Partly transparent
        pixels are composited on white either way, and the fit and metrics
        always see the image composited on white, as the workflow does.
    mode : {"exact", "sample"}
        ``exact`` minimises the objective over every pixel; ``sample`` fits a
        seeded pixel sample (``sample_fraction`` of them), as the teaching
        notebook does.
    seed : int
        Seeds the sample and the k-means++ restarts: the same seed gives the
        same result. This and every fit setting's default and range are
        :class:`colourquant.settings.FitSettings`'.
    name : str, optional
        The image's name in `metrics`; see :func:`read_image`.
    verbose : bool
        Report progress on standard error.
    metrics : bool
        Measure the result (the workflow's metrics row). False skips the
        measuring and the replicate fits, for the image and palette alone:
        the same image and palette, sooner; `metrics` then holds no
        quality columns.
    n_threads : int
        Threads of the numerical libraries (BLAS, OpenMP), 1 by default as
        in a workflow job.
    max_memory : int, optional
        Bytes the quantization may use; see :func:`read_image`.
    **fit
        Any other key of the workflow's ``fit`` config
        (:class:`colourquant.runs.FitSettings`): ``n_init``, ``max_iter``,
        ``tol``, ``sample_fraction``, ``grid_cells``, ``max_seed_pixels``,
        ``replicates`` (by default as in the workflow, every fit is repeated
        with ``seed + 1`` to measure what chance alone changes; pass
        ``replicates=0`` to halve the time).

    Returns
    -------
    Quantization

    Raises
    ------
    colourquant.images.ImageError
        If the image cannot be read, is not an image or needs more memory
        than there is.
    colourquant.config.ConfigError
        For an unknown fit setting or a value out of range.
    ValueError
        For an unknown colour space, method, dithering or background (naming
        the valid ones), a space given to a quantizer, a k below 1 or beyond
        the method's largest, or `n_threads` below 1.

    Examples
    --------
    Three reds and two blues, reduced to two colours:

    >>> import numpy as np
    >>> pixels = np.array([[[250, 0, 0], [240, 10, 0], [245, 5, 0], [0, 0, 250], [0, 10, 240]]],
    ...                   dtype=np.uint8)
    >>> result = quantize(pixels, 2, "Lab")
    >>> result.palette
    array([[245,   5,   0],
           [  0,   5, 245]], dtype=uint8)
    >>> result.counts
    array([3, 2])
    >>> result.labels
    array([[0, 0, 0, 1, 1]], dtype=uint8)
    >>> round(result.metrics["delta_e2000_mean"], 2), result.metrics["k_effective"]
    (0.61, 2)

    Any fit setting of the workflow's config can be passed, and is checked as
    the config is:

    >>> quantize(pixels, 2, n_inits=3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    colourquant.config.ConfigError: unknown key 'fit.n_inits'; known: mode, sample_fraction, ...
    """
    settings = FitSettings.from_config({"mode": mode, "seed": seed, **fit})
    record, space = check_method(method, space, k)
    check_dither(dither)
    if background not in BACKGROUNDS:
        raise ValueError(
            f"unknown background {background!r}; valid: None (keep transparency), 'white'"
        )
    if dither != "none":
        # The replicates measure the undithered fit's seed noise, not reported for a dithered run.
        settings = dataclasses.replace(settings, replicates=0)
    with thread_limit(n_threads):
        loaded, name = read_image(image, name=name, max_memory=max_memory, verbose=verbose)
        prepared = prepare(loaded)
        if record.kind == "kmeans":
            # A dithered run's score is the dithered image's, said when it is written.
            (run,) = space_runs(
                loaded, name, [k], [space], settings, verbose=verbose, score=metrics,
                n_threads=n_threads, prepared=prepared, said_score=dither == "none",
            )  # fmt: skip
        else:
            run = method_run(prepared, name, record.name, k, space, settings, verbose, n_threads)
        if dither != "none":
            run = dithered_run(run, prepared[0], space or "RGB", dither)
        if not metrics:
            run = dataclasses.replace(run, row=unmeasured_row(run))
    transparent = loaded.transparent if background is None else None
    return Quantization.from_run(run, loaded.rgb, dither=dither, transparent=transparent)


def compare(
    image,
    ks: Sequence[int] | int,
    spaces: Sequence[str] | str | None = None,
    *,
    methods: Sequence[str] | str = "kmeans",
    dither: Sequence[str] | str = "none",
    seed: int = FitSettings.seed,
    figure: bool = False,
    name: str | None = None,
    verbose: bool = False,
    n_threads: int = 1,
    max_memory: int | None = None,
    **fit,
):
    """Quantize an image at every k in every space, and by other methods, and tabulate the metrics.

    What a workflow sweep computes for one image, in one call: the rows are
    the metrics rows that ``snakemake`` writes to ``results/<experiment>/metrics.csv``
    for the same image, spaces, methods, k and fit settings (up to ``fit_seconds``).

    Parameters
    ----------
    image : str, Path or ndarray
        A file, an http(s) URL, ``"skimage:<name>"`` or an array; see
        :func:`read_image`.
    ks : int or sequence of int
        The numbers of colours (at least one).
    spaces : str or sequence of str, optional
        Colour spaces of :data:`colourquant.spaces.SPACES` for k-means and
        the clusterers: ``"Lab"`` if not given. Refused if every method is a
        classic quantizer (they work in 8-bit RGB).
    methods : str or sequence of str
        Methods of :data:`colourquant.methods.METHODS`, ``"kmeans"`` alone by
        default: k-means and each clusterer run in every space, each quantizer
        once (its rows record space ``-``), in the order given.
    dither : str or sequence of str
        One or several of ``"none"``, ``"floyd_steinberg"``, ``"ordered"``:
        each run is fitted once, and each variant maps its pixels onto that
        palette (dithering in the run's own space, as :func:`quantize` does)
        and is measured, a row each, in the order given. A dithered row has
        no seed-noise columns (they measure the undithered fit, and are
        fitted only if ``"none"`` is among the variants); with any dithered
        variant the table has a ``dither`` column after ``method``.
    seed : int
        As in :func:`quantize`.
    figure : bool
        Also draw the workflow's comparison figure
        (:func:`colourquant.comparison_plots.comparison_overview_figure`): the original beside
        its quantized versions, a row per space (k-means, in bold) and per
        other method (in italics; a clusterer's with its space), a column per k;
        with several dithering variants, a row per space or method and variant
        (``Lab``, ``Lab F–S``).
    name : str, optional
        The image's name; see :func:`read_image`.
    verbose : bool
        Report progress on standard error: a line per space and per k.
    n_threads, max_memory
        As in :func:`quantize`.
    **fit
        Any other key of the workflow's ``fit`` config, as in :func:`quantize`
        (``mode`` among them).

    Returns
    -------
    table : pandas.DataFrame
        One row per method, space, k and dithering, in the order given; the columns are
        the workflow's :data:`colourquant.runs.RUN_COLUMNS` that apply.
    figure : matplotlib.figure.Figure
        Only with ``figure=True``, as ``(table, figure)``.

    Raises
    ------
    ValueError
        For `ks`, `spaces` or `methods` empty (naming which), an unknown
        method, space or dithering (naming the valid ones), and as
        :func:`quantize` does; before the image is read.

    Examples
    --------
    >>> import numpy as np
    >>> pixels = np.array([[[250, 0, 0], [240, 10, 0], [0, 0, 250], [0, 10, 240], [9, 9, 9]]],
    ...                   dtype=np.uint8)
    >>> table = compare(pixels, [2, 3], ["RGB", "Lab"], replicates=0)
    >>> table[["space", "k", "k_effective", "delta_e2000_mean"]].round(2)
      space  k  k_effective  delta_e2000_mean
    0   RGB  2            2             10.86
    1   RGB  3            3              0.61
    2   Lab  2            2             13.83
    3   Lab  3            3              0.61

    k-means in Lab against median cut, both dithered:

    >>> table = compare(pixels, 3, "Lab", methods=["kmeans", "median_cut"],
    ...                 dither="floyd_steinberg", replicates=0)
    >>> table[["method", "dither", "space", "k"]]
           method           dither space  k
    0      kmeans  floyd_steinberg   Lab  3
    1  median_cut  floyd_steinberg     -  3

    A grey ramp at k = 2, undithered and dithered, both from one fit: per
    pixel, dithering is further from the original (it trades each pixel's
    error for the area's mean colour):

    >>> ramp = np.linspace(0, 1, 12)[np.newaxis, :, np.newaxis].repeat(3, axis=2)
    >>> table = compare(ramp, 2, "Lab", dither=["none", "floyd_steinberg"], replicates=0)
    >>> table[["dither", "k", "delta_e2000_mean"]].round(2)
                dither  k  delta_e2000_mean
    0             none  2             10.06
    1  floyd_steinberg  2             11.55
    """
    settings = FitSettings.from_config({"seed": seed, **fit})
    # Unknown names fail first, before the image is read.
    records, spaces, ks = check_compare(methods, spaces, ks)
    dithers = check_dithers(dither)
    if "none" not in dithers:
        # The replicates measure the undithered fit's seed noise: none is reported here.
        settings = dataclasses.replace(settings, replicates=0)
    rows, panels = [], {}
    with thread_limit(n_threads):
        loaded, name = read_image(image, name=name, max_memory=max_memory, verbose=verbose)
        runs = compare_runs(
            loaded, name, ks, spaces, records, settings, dithers=dithers, verbose=verbose,
            n_threads=n_threads,
        )  # fmt: skip
        for row, variant, run in runs:
            rows.append(run.row)
            if figure:
                key = figure_row(row, variant, dithers), run.k
                panels[key] = (run.row, figure_thumbnail(run.result.quantized))
    table = pd.DataFrame(rows)
    columns = [column for column in RUN_COLUMNS if column in table]
    if "dither" in table and "dither" not in columns:
        columns.insert(columns.index("method") + 1, "dither")
    table = table[columns]
    if not figure:
        return table
    return table, comparison_of(name, loaded, panels, spaces, ks, dithers)
