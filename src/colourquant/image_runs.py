"""One image's runs as :func:`colourquant.quantize` and :func:`colourquant.compare` make them.

The workflow's unit of work (:func:`colourquant.runs.kmeans_runs`,
:func:`colourquant.runs.method_runs`) for an image already read: its distinct
colours, k-means space after space with progress, another method's run, a run
dithered and measured again, and the checks of a method, space, k and
dithering at the boundary, each as one ValueError naming the culprit.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Iterator, Sequence

import numpy as np

from .colours import DistinctColours, distinct_colours
from .dither import DITHER_NAMES, DITHER_SHORT_NAMES, DITHERS
from .evaluate import make_reference
from .images import LoadedImage
from .methods import Method, check_methods, get_method
from .runs import FitSettings, Run, kmeans_runs, method_runs
from .spaces import get_space

__all__ = [
    "BACKGROUNDS",
    "prepare",
    "space_runs",
    "as_list",
    "thread_limit",
    "check_method",
    "check_dither",
    "check_dithers",
    "undithered_row",
    "figure_row",
    "method_run",
    "dithered_run",
    "unmeasured_row",
    "figure_thumbnail",
    "check_compare",
    "compare_runs",
    "comparison_of",
]


def prepare(loaded: LoadedImage) -> tuple[DistinctColours, dict[str, str]]:
    """The distinct colours and metadata that the ``prepare_image`` job stores."""
    return distinct_colours(loaded.rgb), loaded.metadata


def space_runs(
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
    said_score: bool = True,
) -> Iterator[Run]:
    """The runs of :func:`colourquant.runs.kmeans_runs`, space after space, with progress.

    `spaces` are names of :data:`colourquant.spaces.SPACES`, as they are spelled there;
    `prepared` is ``prepare(loaded)`` if the caller has it already. The
    progress names each run's mean ΔE00 unless `said_score` is False (the
    runs are dithered afterwards, and their score is another).
    """
    distinct, metadata = prepared or prepare(loaded)
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
                scored = (
                    f"mean ΔE00 {run.row['delta_e2000_mean']:.2f}; " if score and said_score else ""
                )
                print(
                    f"  {space} k = {run.k}: {scored}"
                    f"fit {run.row['fit_seconds']:.2f} s; {time.perf_counter() - started:.1f} s "
                    f"since {space} began (fits and scoring)",
                    file=sys.stderr,
                    flush=True,
                )
            yield run


def as_list(values, argument: str) -> list:
    """One value or several as a list; none is refused, naming `argument`."""
    values = [values] if isinstance(values, (str, int, np.integer)) else list(values)
    if not values:
        raise ValueError(f"{argument} is empty: give at least one")
    return values


def thread_limit(n_threads: int):
    """At most `n_threads` BLAS and OpenMP threads, as a workflow job's (colourquant.jobs)."""
    from threadpoolctl import threadpool_limits

    if isinstance(n_threads, bool) or not isinstance(n_threads, (int, np.integer)) or n_threads < 1:
        raise ValueError(f"n_threads must be an integer >= 1, got {n_threads!r}")
    return threadpool_limits(limits=int(n_threads))


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


def method_run(image, name, method, k, space, settings, verbose, n_threads) -> Run:
    """The one run of a method other than k-means (:func:`colourquant.runs.method_runs`)."""
    distinct, metadata = image
    if verbose:
        where = f" in {space}" if space else ""
        print(f"{name}: {method}{where} at k = {k} ...", file=sys.stderr, flush=True)
    (run,) = method_runs(
        distinct, method, [k], seed=settings.seed, name=name, metadata=metadata, space=space,
        settings=settings, n_threads=n_threads,
    )  # fmt: skip
    return run


def dithered_run(
    run: Run, distinct: DistinctColours, space: str, dither: str, *, reference=None
) -> Run:
    """`run` with its pixels dithered onto its palette in `space`, measured again.

    The row keeps what was fitted and gains a ``dither`` column after
    ``method``; its quality columns are the dithered image's, and the seed
    noise columns (of the undithered fit) are dropped: the workflow's
    variants' rule, :func:`colourquant.variants.dithered_run`. `reference` is
    ``make_reference(distinct, space)`` if the caller has it already.
    """
    from .variants import dithered_run as variant

    reference = make_reference(distinct, space) if reference is None else reference
    return variant(run, distinct, dither, reference)


def undithered_row(row: dict) -> dict:
    """`row` with a ``dither`` column of ``none`` after ``method``, beside dithered rows.

    >>> undithered_row({"image": "a", "method": "kmeans", "k": 2})
    {'image': 'a', 'method': 'kmeans', 'dither': 'none', 'k': 2}
    """
    marked = {}
    for column, value in row.items():
        marked[column] = value
        if column == "method":
            marked["dither"] = "none"
    return marked


def check_dithers(dither) -> list[str]:
    """One dithering or several as a list without repeats, or a ValueError naming the culprit.

    >>> check_dithers("ordered"), check_dithers(["none", "floyd_steinberg", "none"])
    (['ordered'], ['none', 'floyd_steinberg'])
    """
    return [check_dither(name) for name in dict.fromkeys(as_list(dither, "dither"))]


def unmeasured_row(run: Run) -> dict:
    """`run`'s row without the columns its evaluation measured: what ``metrics=False`` returns."""
    measured = (set(run.result.metrics) - set(_UNMEASURED_COLUMNS)) | {
        column for column in run.row if _is_seed_noise(column)
    }
    return {column: value for column, value in run.row.items() if column not in measured}


def figure_thumbnail(pixels: np.ndarray) -> np.ndarray:
    """The image as the workflow's comparison figure holds it (a thumbnail)."""
    from .files import thumbnail

    return thumbnail(pixels)


def check_compare(methods, spaces, ks) -> tuple[list[Method], list[str], list[int]]:
    """The methods, spaces and k of a comparison, or one ValueError naming the culprit.

    Parameters
    ----------
    methods : str or sequence of str
        Names of :data:`colourquant.methods.METHODS` (at least one).
    spaces : str, sequence of str or None
        The colour spaces of k-means and the clusterers; None for ``Lab`` if
        one of `methods` takes a space. Refused if none does: a classic
        quantizer works in 8-bit RGB.
    ks : int or sequence of int
        The numbers of colours (at least one), within every method's largest.

    Returns
    -------
    records : list of Method
    spaces : list of str
        As :data:`colourquant.spaces.SPACES` spells them; empty if no method takes one.
    ks : list of int

    Examples
    --------
    >>> records, spaces, ks = check_compare(["kmeans", "median_cut"], "OKLab", 8)
    >>> [record.kind for record in records], spaces, ks
    (['kmeans', 'quantizer'], ['OKLab'], [8])
    >>> check_compare("octree", None, [4])[1]
    []
    >>> check_compare("octree", ["Lab"], [4])
    Traceback (most recent call last):
    ...
    ValueError: octree is a classic quantizer: it works in 8-bit RGB and takes no colour space, not Lab
    >>> check_compare(["kmeans", "k_means"], None, [4])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown method 'k_means'...
    """  # noqa: E501
    records = [get_method(name) for name in dict.fromkeys(as_list(methods, "methods"))]
    ks = as_list(ks, "ks")
    if all(record.kind == "quantizer" for record in records):
        if spaces is not None:
            names = " and ".join(record.name for record in records)
            are = (
                "is a classic quantizer: it works"
                if len(records) == 1
                else ("are classic quantizers: they work")
            )
            raise ValueError(
                f"{names} {are} in 8-bit RGB and take{'s' if len(records) == 1 else ''} no "
                f"colour space, not {', '.join(as_list(spaces, 'spaces'))}"
            )
        spaces = []
    else:
        spaces = as_list("Lab" if spaces is None else spaces, "spaces")
        spaces = list(dict.fromkeys(get_space(space).name for space in spaces))
    why = check_methods([record.name for record in records], ks)
    if why is not None:
        raise ValueError(why)
    return records, spaces, ks


def compare_runs(
    loaded: LoadedImage,
    name: str,
    ks: Sequence[int],
    spaces: Sequence[str],
    records: Sequence[Method],
    settings: FitSettings,
    *,
    dithers: Sequence[str] = ("none",),
    verbose: bool = False,
    n_threads: int = 1,
) -> Iterator[tuple[str, str, Run]]:
    """Every run of a comparison in each dithering variant, each with its row in the figure.

    k-means in every space (its row: the space), then each other method in
    the order given: a clusterer in every space (its row ``method:space``), a
    quantizer once (its row: the method). Each run is fitted once; each of
    `dithers` other than ``none`` maps its pixels onto that palette by
    dithering in the run's own space and measures the dithered image
    (:func:`dithered_run`). Where a dithered variant is compared, the
    undithered rows have ``dither`` ``none`` too (:func:`undithered_row`).

    Yields
    ------
    row : str
        The run's row in :func:`colourquant.comparison_plots.comparison_overview_figure`.
    dither : str
        The variant, one of `dithers`, in their order for each run.
    run : Run
    """
    image = prepare(loaded)
    marked = any(dither != "none" for dither in dithers)
    references = {}  # each space's reference image, made once for every run in it
    for record in records:
        if record.kind == "kmeans":
            runs = space_runs(
                loaded, name, ks, spaces, settings, verbose=verbose, n_threads=n_threads,
                prepared=image, said_score="none" in dithers,
            )  # fmt: skip
            keyed = ((run.row["space"], run, run.row["space"]) for run in runs)
        else:
            keyed = (
                (row, run, space or "RGB")
                for space, row in _method_rows(record, spaces)
                for run in _method_runs(
                    image, name, record, ks, space, settings, verbose, n_threads
                )
            )
        for row, run, space in keyed:
            for dither in dithers:
                if dither == "none":
                    plain = dataclasses.replace(run, row=undithered_row(run.row)) if marked else run
                    yield row, dither, plain
                    continue
                if space not in references:
                    references[space] = make_reference(image[0], space)
                yield (
                    row,
                    dither,
                    dithered_run(run, image[0], space, dither, reference=references[space]),
                )


def _method_rows(record: Method, spaces: Sequence[str]) -> list[tuple[str | None, str]]:
    """A method's (space, figure row): a clusterer's in every space, a quantizer's once."""
    if record.kind == "quantizer":
        return [(None, record.name)]
    return [(space, f"{record.name}:{space}") for space in spaces]


def _method_runs(image, name, record, ks, space, settings, verbose, n_threads) -> Iterator[Run]:
    """A method other than k-means at every k (:func:`colourquant.runs.method_runs`)."""
    distinct, metadata = image
    if verbose:
        where = f" in {space}" if space else ""
        print(f"{name}: {record.name}{where} at k = {', '.join(map(str, ks))} ...",
              file=sys.stderr, flush=True)  # fmt: skip
    yield from method_runs(
        distinct, record.name, ks, seed=settings.seed, name=name, metadata=metadata,
        space=space, settings=settings, n_threads=n_threads,
    )  # fmt: skip


#: How the comparison figure names a dithering variant: in its title
#: (colourquant.dither.DITHER_NAMES), and in a row's label where several
#: variants are compared (none: the plain row).
DITHER_ROW_LABELS = DITHER_SHORT_NAMES


def figure_row(row: str, dither: str, dithers: Sequence[str]) -> str:
    """A run's row in the comparison figure: its method/space row, and its variant if several.

    >>> figure_row("Lab", "floyd_steinberg", ["none", "floyd_steinberg"])
    'Lab F–S'
    >>> figure_row("Lab", "none", ["none", "ordered"]), figure_row("Lab", "ordered", ["ordered"])
    ('Lab', 'Lab')
    """
    if len(dithers) == 1 or dither == "none":
        return row
    return f"{row} {DITHER_ROW_LABELS.get(dither, dither)}"


def comparison_of(name, loaded, panels, spaces, ks, dithers):
    """:func:`colourquant.compare`'s figure of the runs of :func:`compare_runs`.

    `panels` maps each (figure row, k) to its metrics row and thumbnail
    (:func:`figure_thumbnail`), the figure row from :func:`figure_row`. The
    rows of k-means are its `spaces`, each followed by its dithered variants
    (``Lab``, ``Lab F–S``); the others' rows are labelled with their method
    (and a clusterer's space), and the variant.
    """
    from .comparison_plots import comparison_overview_figure
    from .plots import method_label

    dithers = list(dithers)
    space_rows = [figure_row(space, dither, dithers) for space in spaces for dither in dithers]
    others = list(dict.fromkeys(row for row, _ in panels if row not in space_rows))
    labels = {}
    for (row, _), (run, _) in panels.items():
        if row in others:
            where = "" if run["space"] == "-" else f" ({run['space']})"
            variant = figure_row("", run.get("dither", "none"), dithers)
            labels[row] = method_label(run["method"]) + where + variant
    named = [DITHER_NAMES.get(dither, dither) for dither in dithers if dither != "none"]
    if dithers == ["none"]:
        title = name
    elif len(dithers) == 1:
        title = f"{name}, dithered ({named[0]}),"
    else:
        shown = ", ".join(
            f"{DITHER_ROW_LABELS.get(dither, dither)}: {DITHER_NAMES.get(dither, dither)}"
            for dither in dithers
            if dither != "none"
        )
        plain = "undithered and " if "none" in dithers else ""
        title = f"{name}, {plain}dithered ({shown}),"
    return comparison_overview_figure(
        title,
        figure_thumbnail(loaded.rgb),
        {key: pixels for key, (_, pixels) in panels.items()},
        space_rows,
        ks,
        baselines=others,
        delta_e={key: run["delta_e2000_mean"] for key, (run, _) in panels.items()},
        image_size=loaded.rgb.shape[:2],
        row_labels=labels,
    )
