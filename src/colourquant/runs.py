"""One image in one colour space, or by one method, at every k: a job's unit of work.

This module owns what a workflow job computes: the fit settings
(:class:`FitSettings`, from :mod:`colourquant.settings`), the runs of
k-means (:func:`kmeans_runs`) and of the classic quantizers
(:func:`method_runs`), the one definition of a run's metrics row
(:data:`RUN_COLUMNS`) and the inertia curve with its elbow
(:func:`inertia_curve`). Writing the results is :func:`colourquant.files.write_run`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .colours import DistinctColours
from .columns import RUN_COLUMNS
from .elbow import kneedle_elbow
from .evaluate import (
    Reference,
    RunResult,
    assign_runs,
    evaluate_centres,
    evaluate_runs,
    make_reference,
)
from .kmeans import colour_grids, fit_kmeans, fit_kmeans_exact, pixel_sample_weights
from .methods import NO_SPACE, get_method, quantizer_palette
from .methods.clusterers import cluster_colours
from .settings import FitSettings
from .spaces import ColourSpace, from_srgb8, get_space

__all__ = [
    "FitSettings",
    "Run",
    "RUN_COLUMNS",
    "CURVE_COLUMNS",
    "kmeans_runs",
    "method_runs",
    "inertia_curve",
]

# The columns of a run's metrics row, in order: results/<experiment>/metrics.csv and
# per-run metrics.csv, read off the registry (colourquant.columns). The README's
# metrics table documents exactly these (tests/test_docs.py checks it).
CURVE_COLUMNS = ("image", "space", "k", "k_effective", "inertia", "inertia_normalised", "is_elbow")


@dataclass(frozen=True)
class Run:
    """One run: an image quantized at one k in one space, or by one method.

    Attributes
    ----------
    k : int
        The k asked for (the palette may have fewer colours, see ``k_effective``).
    centres : ndarray of float64, shape (k_effective, 3)
        The palette in the fit space (RGB for the classic quantizers).
    result : RunResult
        The evaluation: quantized image, sRGB palette, pixel shares, metrics.
    row : dict
        The run's metrics row: :data:`RUN_COLUMNS` that apply, in that order.
    """

    k: int
    centres: np.ndarray
    result: RunResult
    row: dict


def _row(**values) -> dict:
    """A metrics row in :data:`RUN_COLUMNS` order; a column outside them is a bug."""
    unknown = values.keys() - set(RUN_COLUMNS)
    if unknown:
        raise ValueError(f"not a metrics column: {', '.join(sorted(unknown))}")
    return {column: values[column] for column in RUN_COLUMNS if column in values}


def _fit_every_k(image, points, settings, grids, k_values, seed, n_threads):
    """The fits at every k with `seed`, and the pixel weights they minimise over."""
    # The seeded pixel sample is the data in sample mode; in exact mode it seeds
    # the fits that the colour grid is too coarse for (large k).
    sample = pixel_sample_weights(
        image.index,
        image.n_unique,
        settings.sample_fraction,
        seed,
        max_pixels=None if grids is None else settings.max_seed_pixels,
    )
    fit_settings = {
        "n_init": settings.n_init,
        "max_iter": settings.max_iter,
        "tol": settings.tol,
        "seed": seed,
        "n_threads": n_threads,
    }
    if grids is None:
        return [fit_kmeans(points, sample, k, **fit_settings) for k in k_values], sample
    grid, fine_grid = grids
    fits = [
        fit_kmeans_exact(grid, k, fine_grid=fine_grid, init_weights=sample, **fit_settings)
        for k in k_values
    ]
    return fits, image.counts


def kmeans_runs(
    image: DistinctColours,
    space: str | ColourSpace,
    k_values: Sequence[int],
    settings: FitSettings,
    *,
    name: str,
    metadata: Mapping[str, str] | None = None,
    n_threads: int = 1,
    score: bool = True,
) -> Iterator[Run]:
    """Fit k-means to `image` in `space` at every k and evaluate each fit.

    Every k is fitted first (the colour grid is built once for all of them),
    then the runs are evaluated and yielded one at a time, so a large image's
    quantized versions are never all held at once. With ``settings.replicates``
    every fit is repeated with seeds ``seed + 1`` ... ``seed + replicates`` and
    each row gains the seed-noise columns (see
    :func:`colourquant.evaluate.evaluate_runs`).

    Parameters
    ----------
    image : DistinctColours
    space : str or ColourSpace
    k_values : sequence of int
    settings : FitSettings
    name : str
        The image's name, for the ``image`` column.
    metadata : mapping of str to str, optional
        How the file was decoded (``source_mode``, ``alpha``, ``n_frames``,
        ``colour_profile``), as stored with the distinct colours.
    n_threads : int
        Threads of scikit-learn, where it fits.
    score : bool
        Measure the runs. False gives the same fits and quantized images
        without measuring them, and without the replicate fits (which only
        measure chance): the rows then hold what was fitted and
        ``k_effective`` and ``n_centres_clipped``, none of the quality columns.

    Yields
    ------
    Run
        One per k, in the order of `k_values`.

    Raises
    ------
    ValueError
        If `k_values` is empty.

    Examples
    --------
    >>> import numpy as np
    >>> from colourquant.colours import distinct_colours
    >>> pixels = np.array([[[250, 0, 0], [240, 10, 0], [0, 0, 250], [0, 10, 240]]], np.uint8)
    >>> runs = kmeans_runs(distinct_colours(pixels), "Lab", [1, 2], FitSettings(), name="tiny")
    >>> [(run.k, run.row["k_effective"], round(run.row["inertia_normalised"], 3)) for run in runs]
    [(1, 1, 1.0), (2, 2, 0.001)]
    """
    space = get_space(space)
    k_values = list(k_values)
    if not k_values:
        raise ValueError("k_values is empty: give at least one k")
    reference = make_reference(image, space) if score else None
    points = reference.points if score else from_srgb8(image.colours, space)
    grids, grid_share = None, 0.0
    if settings.mode == "exact":
        started = time.perf_counter()
        grids = colour_grids(points, image.counts, settings.grid_cells)
        # Built once for every k: each fit is charged its share.
        grid_share = (time.perf_counter() - started) / len(k_values)
    fits, weights = _fit_every_k(image, points, settings, grids, k_values, settings.seed, n_threads)
    if not score:
        results = assign_runs(image, points, space, [fit.centres for fit in fits])
    else:
        replicates = [
            _fit_every_k(image, points, settings, grids, k_values, settings.seed + r, n_threads)[0]
            for r in range(1, settings.replicates + 1)
        ]
        results = evaluate_runs(
            reference,
            [fit.centres for fit in fits],
            replicate_centres=[
                [fit.centres for fit in per_k] for per_k in zip(*replicates, strict=True)
            ]
            if replicates
            else None,
        )
    for k, fit, result in zip(k_values, fits, results, strict=True):
        row = _row(
            image=name,
            space=space.name,
            method="kmeans",
            k=k,
            mode=settings.mode,
            n_pixels=image.n_pixels,
            n_unique=image.n_unique,
            **result.metrics,
            n_iter=fit.n_iter,
            n_init=settings.n_init,
            restarts_on=fit.restarts_on,
            n_fit_pixels=int(weights.sum()),
            seed=settings.seed,
            **(metadata or {}),
            fit_seconds=fit.fit_seconds + grid_share,
        )
        yield Run(k=k, centres=fit.centres, result=result, row=row)


def method_runs(
    image: DistinctColours,
    method: str,
    k_values: Sequence[int],
    *,
    seed: int,
    name: str,
    metadata: Mapping[str, str] | None = None,
    space: str | ColourSpace | None = None,
    settings: FitSettings | None = None,
    n_threads: int = 1,
) -> Iterator[Run]:
    """Run a method other than exact k-means at every k and evaluate it as k-means is.

    A quantizer (a ``quantizer`` of :data:`colourquant.methods.METHODS`) builds an
    8-bit RGB palette and runs without a colour space (its rows record space
    ``-``); a ``clusterer`` fits the
    distinct colours in `space`. Either result is evaluated by the very code
    that evaluates k-means, :func:`colourquant.evaluate.evaluate_centres`:
    every pixel takes its nearest palette colour (in RGB for a classic
    quantizer, in `space` for a clusterer), except that a Gaussian mixture
    assigns each colour to its most likely component. The k-means columns
    that do not apply (``mode``, ``n_init``, ``restarts_on``) stay empty;
    ``seed`` is set for the methods that use it (:attr:`Method.seeded`).

    Parameters
    ----------
    image : DistinctColours
    method : str
        A ``clusterer`` or ``quantizer`` of :data:`colourquant.methods.METHODS`.
    k_values : sequence of int
    seed : int
    name, metadata
        As in :func:`kmeans_runs`.
    space : str or ColourSpace, optional
        The colour space of a clusterer (required for one, refused for a
        classic quantizer).
    settings : FitSettings, optional
        The colour grid and Lloyd settings of the clusterers that use them
        (``ward``, ``kmeans_wu``); defaults otherwise.
    n_threads : int
        Threads of scikit-learn and numpy, where a clusterer fits.

    Yields
    ------
    Run
        One per k; ``fit_seconds`` is the time to build the palette or fit
        the clusterer (for ``ward`` and ``kmeans_wu`` including their colour
        grid, for ``kmeans_wu`` Wu's palette).

    Examples
    --------
    >>> import numpy as np
    >>> from colourquant.colours import distinct_colours
    >>> pixels = np.array([[[250, 0, 0], [240, 10, 0], [0, 0, 250], [0, 10, 240]]], np.uint8)
    >>> runs = method_runs(distinct_colours(pixels), "wu", [1, 2], seed=0, name="tiny")
    >>> [(run.row["space"], run.k, run.row["k_effective"]) for run in runs]
    [('-', 1, 1), ('-', 2, 2)]
    >>> runs = method_runs(distinct_colours(pixels), "ward", [2], seed=0, name="tiny", space="Lab")
    >>> [(run.row["space"], round(run.row["inertia_normalised"], 3)) for run in runs]
    [('Lab', 0.001)]
    """
    settings = settings or FitSettings()
    record = get_method(method)
    clusterer = record.kind == "clusterer"
    if record.kind == "kmeans":
        raise ValueError("method 'kmeans' runs through kmeans_runs")
    if clusterer and space in (None, NO_SPACE):
        raise ValueError(f"method {method!r} runs in a colour space: give one")
    if not clusterer and space not in (None, NO_SPACE):
        raise ValueError(f"method {method!r} has no colour space (it works in 8-bit RGB)")
    # What a method needs is imported before any timing (fit_seconds is of
    # the fit or palette alone), and only that: a quantizer's job does not
    # load scikit-learn's clusterers.
    if clusterer:
        import sklearn.cluster  # noqa: F401
        import sklearn.mixture  # noqa: F401
    else:
        import PIL.Image  # noqa: F401
        import sklearn.utils  # noqa: F401
    reference: Reference = make_reference(image, space if clusterer else "RGB")
    for k in k_values:
        started = time.perf_counter()
        labels, n_iter, n_fit_pixels = None, None, image.n_pixels
        if clusterer:
            fit = cluster_colours(
                method, image, reference.points, reference.space, k, seed=seed,
                grid_cells=settings.grid_cells, max_iter=settings.max_iter, tol=settings.tol,
                n_threads=n_threads,
            )  # fmt: skip
            fit_seconds = time.perf_counter() - started
            centres, labels, n_iter = fit.centres, fit.labels, fit.n_iter
            n_fit_pixels = fit.n_fit_pixels
        else:
            palette = quantizer_palette(method, reference.pixels, k, seed)
            fit_seconds = time.perf_counter() - started
            centres = from_srgb8(palette, reference.space)
        result = evaluate_centres(reference, centres, labels)
        row = _row(
            image=name,
            space=reference.space.name if clusterer else NO_SPACE,
            method=method,
            k=k,
            mode=None,
            n_pixels=image.n_pixels,
            n_unique=image.n_unique,
            **result.metrics,
            n_iter=n_iter,
            n_init=None,
            restarts_on=None,
            n_fit_pixels=n_fit_pixels,
            seed=seed if record.seeded else None,
            **(metadata or {}),
            fit_seconds=fit_seconds,
        )
        yield Run(k=k, centres=centres, result=result, row=row)


def inertia_curve(rows: Sequence[Mapping]) -> pd.DataFrame:
    """Normalised inertia against k for one image and space, with its elbow marked.

    Parameters
    ----------
    rows : sequence of mappings
        The metrics rows of one image and space (:attr:`Run.row`), one per k.

    Returns
    -------
    DataFrame
        :data:`CURVE_COLUMNS`; ``is_elbow`` is True at the Kneedle elbow of
        ``inertia_normalised`` against k (none with fewer than three k).

    Examples
    --------
    >>> rows = [{"image": "a", "space": "RGB", "k": k, "k_effective": k, "inertia": i,
    ...          "inertia_normalised": i} for k, i in [(1, 1.0), (2, 0.3), (3, 0.2), (4, 0.15)]]
    >>> inertia_curve(rows).loc[lambda curve: curve["is_elbow"], "k"].tolist()
    [2]
    """
    curve = pd.DataFrame(list(rows), columns=list(CURVE_COLUMNS[:-1]))
    curve["is_elbow"] = curve["k"] == kneedle_elbow(curve["k"], curve["inertia_normalised"])
    return curve
