"""The workflow's engine in two calls, for a notebook or a script.

:func:`quantize` reduces one image to k colours in one colour space;
:func:`compare` does it for several spaces and k and returns the metrics as a
table (and the comparison figure). Both run exactly what a workflow job runs:
the image is decoded as the ``prepare_image`` job decodes it and reduced to
its distinct colours (:func:`colourquant.colours.distinct_colours`), the fit
settings are validated as the ``fit`` config is
(:class:`colourquant.runs.FitSettings`), and the fits and their metrics come
from :func:`colourquant.runs.kmeans_runs`. The same image, space, k and
settings therefore give the same palette and the same metrics row as
``snakemake`` writes to ``results/<experiment>/metrics.csv`` (up to ``fit_seconds``).

The estimator :class:`colourquant.ColourQuantizer` (module
:mod:`colourquant.estimator`) offers the same fit in scikit-learn's
conventions, to quantize new images with a fitted palette.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .colours import DistinctColours, distinct_colours
from .dither import DITHERS
from .evaluate import evaluate_dithered, make_reference
from .images import LoadedImage
from .memory import check_memory
from .methods import Method, check_methods, get_method
from .runs import RUN_COLUMNS, FitSettings, Run, kmeans_runs, method_runs
from .sources import (
    array_image,
    image_source,
    load_image_source,
    url_name,  # noqa: F401 - colourquant.api.url_name, as before
)
from .spaces import get_space

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


def _prepared(loaded: LoadedImage) -> tuple[DistinctColours, dict[str, str]]:
    """The distinct colours and metadata that the ``prepare_image`` job stores."""
    metadata = {
        "source_mode": loaded.source_mode,
        "alpha": loaded.alpha,
        "n_frames": str(loaded.n_frames),
        "colour_profile": loaded.colour_profile,
    }
    return distinct_colours(loaded.rgb), metadata


@dataclass(frozen=True, eq=False, repr=False)
class Quantization:
    """An image reduced to k colours by one method (k-means by default).

    Attributes
    ----------
    name : str
        The image's name (the ``image`` column of `metrics`).
    space : str
        The colour space of the fit; ``-`` for a classic quantizer, which
        works in 8-bit RGB.
    k : int
        The number of colours asked for.
    original : ndarray of uint8, shape (height, width, 3)
        The image as it was quantized (8-bit sRGB, alpha composited on white).
    quantized : ndarray of uint8, shape (height, width, 3)
        Each pixel replaced by its palette colour (dithered, with `dither`).
    labels : ndarray of unsigned int, shape (height, width)
        Row of `palette` for each pixel.
    palette : ndarray of uint8, shape (k_effective, 3)
        The sRGB colours, clipped to the gamut; fewer than k if the image has
        fewer distinct colours.
    centres : ndarray of float64, shape (k_effective, 3)
        The fitted centres in the fit space (`palette` is their sRGB).
    counts : ndarray of int64, shape (k_effective,)
        Pixels of each palette colour.
    metrics : dict
        The run's metrics row, as the workflow writes it: the columns of
        :data:`colourquant.runs.RUN_COLUMNS` that apply, in that order (a
        dithered run adds ``dither`` after ``method``). With
        ``quantize(..., metrics=False)`` only what was fitted: no quality
        columns (inertia, PSNR, ΔE00, SSIM...) were computed.
    method : str
        The method of :data:`colourquant.methods.METHODS` that built the palette.
    dither : str
        How pixels were mapped to the palette (:data:`colourquant.dither.DITHERS`).
    transparent : ndarray of bool, shape (height, width), or None
        The fully transparent pixels of the input, kept transparent when the
        image is written (:func:`colourquant.files.write_quantized`); None if
        there are none or they were composited on white. They are measured,
        like every pixel, as composited on white.
    """

    name: str
    space: str
    k: int
    original: np.ndarray
    quantized: np.ndarray
    labels: np.ndarray
    palette: np.ndarray
    centres: np.ndarray
    counts: np.ndarray
    metrics: dict
    method: str = "kmeans"
    dither: str = "none"
    transparent: np.ndarray | None = None

    @classmethod
    def _from_run(cls, run: Run, original: np.ndarray, **extra) -> Quantization:
        result = run.result
        counts = np.bincount(result.pixel_labels.ravel(), minlength=len(result.palette))
        return cls(
            name=run.row["image"],
            space=run.row["space"],
            k=run.k,
            original=original,
            quantized=result.quantized,
            labels=result.pixel_labels,
            palette=result.palette,
            centres=run.centres,
            counts=counts.astype(np.int64),
            metrics=dict(run.row),
            method=run.row["method"],
            **extra,
        )

    def __repr__(self) -> str:
        height, width = self.labels.shape
        score = self.metrics.get("delta_e2000_mean")
        how = "" if self.method == "kmeans" else f"method={self.method!r}, "
        how += "" if self.dither == "none" else f"dither={self.dither!r}, "
        return (
            f"Quantization(name={self.name!r}, {how}space={self.space!r}, k={self.k}, "
            f"k_effective={len(self.palette)}, shape=({height}, {width})"
            + ("" if score is None else f", delta_e2000_mean={score:.3g}")
            + ")"
        )


def _space_runs(
    loaded: LoadedImage,
    name: str,
    ks: Sequence[int],
    spaces: Sequence[str],
    settings: FitSettings,
    *,
    verbose: bool = False,
    score: bool = True,
    n_threads: int = 1,
    prepared: tuple[DistinctColours, dict[str, str]] | None = None,
) -> Iterator[Run]:
    """The runs of :func:`colourquant.runs.kmeans_runs`, space after space, with progress.

    `spaces` are names of :data:`colourquant.spaces.SPACES`, as they are spelled there;
    `prepared` is ``_prepared(loaded)`` if the caller has it already.
    """
    distinct, metadata = prepared or _prepared(loaded)
    for space in spaces:
        if verbose:
            print(
                f"{name}: k-means in {space} at k = {', '.join(map(str, ks))} ...",
                file=sys.stderr,
                flush=True,
            )
        started = time.perf_counter()
        runs = kmeans_runs(
            distinct, space, ks, settings, name=name, metadata=metadata,
            score=score, n_threads=n_threads,
        )  # fmt: skip
        for run in runs:
            if verbose:
                # The fit's own time, and the wall time of this space so far
                # (fits, scoring and writing the images), each said as such.
                scored = f"mean ΔE00 {run.row['delta_e2000_mean']:.2f}; " if score else ""
                print(
                    f"  {space} k = {run.k}: {scored}"
                    f"fit {run.row['fit_seconds']:.2f} s; {time.perf_counter() - started:.1f} s "
                    f"since {space} began (fits and scoring)",
                    file=sys.stderr,
                    flush=True,
                )
            yield run


def _as_list(values, argument: str) -> list:
    """One value or several as a list; none is refused, naming `argument`."""
    values = [values] if isinstance(values, (str, int, np.integer)) else list(values)
    if not values:
        raise ValueError(f"{argument} is empty: give at least one")
    return values


def _thread_limit(n_threads: int):
    """At most `n_threads` BLAS and OpenMP threads, as a workflow job's (colourquant.jobs)."""
    from threadpoolctl import threadpool_limits

    if isinstance(n_threads, bool) or not isinstance(n_threads, (int, np.integer)) or n_threads < 1:
        raise ValueError(f"n_threads must be an integer >= 1, got {n_threads!r}")
    return threadpool_limits(limits=int(n_threads))


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
        seeded 5 % pixel sample, as the teaching notebook does.
    seed : int
        Seeds the sample and the k-means++ restarts: the same seed gives the
        same result.
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
        ``replicates`` (1 by default, as in the workflow: every fit is
        repeated with ``seed + 1`` to measure what chance alone changes; pass
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
    with _thread_limit(n_threads):
        loaded, name = read_image(image, name=name, max_memory=max_memory, verbose=verbose)
        prepared = _prepared(loaded)
        if record.kind == "kmeans":
            (run,) = _space_runs(
                loaded, name, [k], [space], settings, verbose=verbose, score=metrics,
                n_threads=n_threads, prepared=prepared,
            )  # fmt: skip
        else:
            run = _method_run(prepared, name, record.name, k, space, settings, verbose, n_threads)
        if dither != "none":
            run = _dithered(run, prepared[0], space or "RGB", dither)
        if not metrics:
            run = dataclasses.replace(run, row=_unmeasured(run))
    transparent = loaded.transparent if background is None else None
    return Quantization._from_run(run, loaded.rgb, dither=dither, transparent=transparent)


#: What :func:`quantize` can do with fully transparent pixels: keep them (None)
#: or composite them on white.
BACKGROUNDS = (None, "white")

# What an unmeasured run still reports of its evaluation (colourquant.evaluate.assign_runs).
_UNMEASURED_COLUMNS = ("k_effective", "n_centres_clipped")


def _is_seed_noise(column: str) -> bool:
    """Whether a metrics column is seed noise (``seed_delta_e2000``, ``*_seed_change``)."""
    return column == "seed_delta_e2000" or column.endswith("_seed_change")


def check_method(method: str, space: str | None, k: int) -> tuple[Method, str | None]:
    """The method's record and its colour space, or one ValueError saying why not.

    Parameters
    ----------
    method : str
        A name of :data:`colourquant.methods.METHODS`.
    space : str or None
        The colour space asked for; None for the default (``Lab``), and the
        only choice for a classic quantizer.
    k : int
        The number of colours, checked against the method's largest.

    Returns
    -------
    record : Method
    space : str or None
        The space's name as :data:`colourquant.spaces.SPACES` spells it; None
        for a quantizer.

    Examples
    --------
    >>> record, space = check_method("ward", "OKLab", 8)
    >>> record.kind, space
    ('clusterer', 'OKLab')
    >>> check_method("median_cut", "Lab", 8)
    Traceback (most recent call last):
    ...
    ValueError: method 'median_cut' is a classic quantizer: it works in 8-bit RGB and takes no colour space, not 'Lab'
    """  # noqa: E501
    record = get_method(method)
    if record.kind == "quantizer":
        if space is not None:
            raise ValueError(
                f"method {method!r} is a classic quantizer: it works in 8-bit RGB and "
                f"takes no colour space, not {space!r}"
            )
    else:
        space = get_space("Lab" if space is None else space).name
    why = check_methods([record.name], [k])
    if why is not None:
        raise ValueError(why)
    return record, space


def check_dither(dither: str) -> str:
    """`dither` if one of :data:`colourquant.dither.DITHERS`, else a ValueError listing them."""
    if dither not in DITHERS:
        raise ValueError(f"unknown dithering {dither!r}; valid: {', '.join(DITHERS)}")
    return dither


def _method_run(prepared, name, method, k, space, settings, verbose, n_threads) -> Run:
    """The one run of a method other than k-means (:func:`colourquant.runs.method_runs`)."""
    distinct, metadata = prepared
    if verbose:
        where = f" in {space}" if space else ""
        print(f"{name}: {method}{where} at k = {k} ...", file=sys.stderr, flush=True)
    (run,) = method_runs(
        distinct, method, [k], seed=settings.seed, name=name, metadata=metadata, space=space,
        settings=settings, n_threads=n_threads,
    )  # fmt: skip
    return run


def _dithered(run: Run, distinct: DistinctColours, space: str, dither: str) -> Run:
    """`run` with its pixels dithered onto its palette in `space`, measured again.

    The row keeps what was fitted and gains a ``dither`` column after
    ``method``; its quality columns are the dithered image's, and the seed
    noise columns (of the undithered fit) are dropped.
    """
    result = evaluate_dithered(make_reference(distinct, space), run.centres, dither)
    row = {}
    for column, value in run.row.items():
        if _is_seed_noise(column):
            continue
        row[column] = result.metrics.get(column, value)
        if column == "method":
            row["dither"] = dither
    return dataclasses.replace(run, result=result, row=row)


def _unmeasured(run: Run) -> dict:
    """`run`'s row without the columns its evaluation measured: what ``metrics=False`` returns."""
    measured = (set(run.result.metrics) - set(_UNMEASURED_COLUMNS)) | {
        column for column in run.row if _is_seed_noise(column)
    }
    return {column: value for column, value in run.row.items() if column not in measured}


def compare(
    image,
    ks: Sequence[int] | int,
    spaces: Sequence[str] | str,
    *,
    seed: int = 0,
    figure: bool = False,
    name: str | None = None,
    verbose: bool = False,
    n_threads: int = 1,
    max_memory: int | None = None,
    **fit,
):
    """Quantize an image at every k in every space and tabulate the metrics.

    What a workflow sweep computes for one image, in one call: the rows are
    the metrics rows that ``snakemake`` writes to ``results/<experiment>/metrics.csv``
    for the same image, spaces, k and fit settings (up to ``fit_seconds``).

    Parameters
    ----------
    image : str, Path or ndarray
        A file, an http(s) URL, ``"skimage:<name>"`` or an array; see
        :func:`read_image`.
    ks : int or sequence of int
        The numbers of colours (at least one).
    spaces : str or sequence of str
        Colour spaces of :data:`colourquant.spaces.SPACES` (at least one).
    seed : int
        As in :func:`quantize`.
    figure : bool
        Also draw the workflow's comparison figure
        (:func:`colourquant.comparison_plots.comparison_overview_figure`): the original beside
        its quantized versions, a row per space, a column per k.
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
        One row per space and k, in the order given; the columns are the
        workflow's :data:`colourquant.runs.RUN_COLUMNS` that apply.
    figure : matplotlib.figure.Figure
        Only with ``figure=True``, as ``(table, figure)``.

    Raises
    ------
    ValueError
        For `ks` or `spaces` empty (naming which), and as :func:`quantize` does.

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
    """
    settings = FitSettings.from_config({"seed": seed, **fit})
    ks = _as_list(ks, "ks")
    # Unknown names fail first, before the image is read.
    spaces = [get_space(space).name for space in _as_list(spaces, "spaces")]
    rows, quantized = [], {}
    with _thread_limit(n_threads):
        loaded, name = read_image(image, name=name, max_memory=max_memory, verbose=verbose)
        runs = _space_runs(loaded, name, ks, spaces, settings, verbose=verbose, n_threads=n_threads)
        for run in runs:
            rows.append(run.row)
            if figure:
                quantized[run.row["space"], run.k] = _thumbnail(run.result.quantized)
    table = pd.DataFrame(rows)
    table = table[[column for column in RUN_COLUMNS if column in table]]
    if not figure:
        return table
    from .comparison_plots import comparison_overview_figure

    delta_e = {(row["space"], row["k"]): row["delta_e2000_mean"] for row in rows}
    figure = comparison_overview_figure(
        name, _thumbnail(loaded.rgb), quantized, spaces, ks, delta_e=delta_e,
        image_size=loaded.rgb.shape[:2],
    )  # fmt: skip
    return table, figure


def _thumbnail(pixels: np.ndarray) -> np.ndarray:
    """The image as the workflow's comparison figure holds it (a thumbnail)."""
    from .files import thumbnail

    return thumbnail(pixels)
