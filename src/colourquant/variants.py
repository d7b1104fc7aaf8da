"""Dithered variants of a run: the same fitted palette, the pixels mapped to it
by dithering in the run's own colour space, every metric measured again.

A workflow job fits once per image and space (or method) and writes each
run's undithered files; with ``dither:`` in the config it also writes, for
each variant other than ``none``, that run's files in a folder of the
variant's name inside the run's (``.../k8/floyd_steinberg/``). The variants'
metrics rows carry a ``dither`` column; the undithered rows gain it
(``none``) only in the metrics table, and only when a variant is configured
(:func:`label_undithered`), so a config without variants gives the very
files it gave before. Readers that compare spaces on undithered runs take
:func:`undithered`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pandas as pd

from .colours import DistinctColours
from .dither import DITHERS

# colourquant.evaluate and colourquant.methods are imported where runs are
# dithered: the tables' readers (summary, study) need pandas alone.

__all__ = [
    "variants_of",
    "dithered_run",
    "dithered_runs",
    "write_runs",
    "undithered",
    "label_undithered",
]


def variants_of(dithers: Sequence[str]) -> list[str]:
    """The dithered variants a config's ``dither`` list asks for: its entries
    other than ``none``, in its order (the undithered run is always made).

    Raises
    ------
    ValueError
        For a name not in :data:`colourquant.dither.DITHERS`, naming the config key.

    Examples
    --------
    >>> variants_of(["none", "floyd_steinberg"])
    ['floyd_steinberg']
    >>> variants_of(["fs"])
    Traceback (most recent call last):
    ...
    ValueError: config key 'dither': unknown dithering 'fs'; valid: none, floyd_steinberg, ordered
    """
    for name in dithers:
        if name not in DITHERS:
            raise ValueError(
                f"config key 'dither': unknown dithering {name!r}; valid: {', '.join(DITHERS)}"
            )
    return [name for name in dict.fromkeys(dithers) if name != "none"]


def _is_seed_noise(column: str) -> bool:
    return column == "seed_delta_e2000" or column.endswith("_seed_change")


def dithered_run(run, image: DistinctColours, dither: str, reference=None):
    """`run` (a :class:`colourquant.runs.Run`) with its pixels dithered onto its
    palette in the run's own space, measured again.

    The row keeps what was fitted (method, space, k, fit columns, fit time) and
    gains ``dither`` after ``method``; its quality columns are the dithered
    image's (:func:`colourquant.evaluate.evaluate_dithered`), and the seed-noise
    columns, which measure the undithered fit, are dropped.

    Parameters
    ----------
    run : Run
    image : DistinctColours
        The image the run was fitted to.
    dither : str
        One of :data:`colourquant.dither.DITHERS`.
    reference : Reference, optional
        The image in the run's space (:func:`colourquant.evaluate.make_reference`),
        to share between the runs of one space; built from `run` if not given.
        A classic quantizer's run (space ``-``) is dithered in RGB.

    Returns
    -------
    Run

    Examples
    --------
    >>> import numpy as np
    >>> from colourquant.colours import distinct_colours
    >>> from colourquant.runs import FitSettings, kmeans_runs
    >>> ramp = np.repeat(np.linspace(0, 255, 16).astype(np.uint8), 3).reshape(1, 16, 3)
    >>> image = distinct_colours(np.repeat(ramp, 4, axis=0))
    >>> (run,) = kmeans_runs(image, "RGB", [2], FitSettings(replicates=0), name="ramp")
    >>> dithered = dithered_run(run, image, "floyd_steinberg")
    >>> dithered.row["dither"], dithered.row["k"], dithered.row["space"]
    ('floyd_steinberg', 2, 'RGB')
    >>> bool(dithered.row["psnr"] != run.row["psnr"])
    True
    """
    from .evaluate import evaluate_dithered, make_reference
    from .methods import NO_SPACE

    if reference is None:
        space = run.row["space"]
        reference = make_reference(image, "RGB" if space == NO_SPACE else space)
    result = evaluate_dithered(reference, run.centres, dither)
    row = {}
    for column, value in run.row.items():
        if _is_seed_noise(column):
            continue
        row[column] = result.metrics.get(column, value)
        if column == "method":
            row["dither"] = dither
    return dataclasses.replace(run, result=result, row=row)


def dithered_runs(runs, image: DistinctColours, variants: Sequence[str]):
    """Each run of `runs` followed by its dithered variants, as (run, variants) pairs.

    One :class:`~colourquant.evaluate.Reference` per space serves every run of
    it; the runs are consumed one at a time, as :func:`colourquant.runs.kmeans_runs`
    yields them.

    Yields
    ------
    run : Run
    dithered : dict of str to Run
        By variant name, in the order of `variants`.
    """
    from .evaluate import make_reference
    from .methods import NO_SPACE

    references = {}
    for run in runs:
        space = run.row["space"]
        if variants and space not in references:
            references[space] = make_reference(image, "RGB" if space == NO_SPACE else space)
        yield (
            run,
            {name: dithered_run(run, image, name, references.get(space)) for name in variants},
        )


def write_runs(runs, image: DistinctColours, variants: Sequence[str], run_dirs) -> list:
    """Write each run's files in its folder and each dithered variant's in a
    sub-folder named after the variant; the runs, undithered, in order.

    The unit of work of a workflow job that fits one method to one image
    (:func:`dithered_runs` makes the variants).

    Parameters
    ----------
    runs : iterable of Run
    image : DistinctColours
    variants : sequence of str
        Dithered variants to make of every run (:func:`variants_of`).
    run_dirs : mapping of int to str
        Each k's run folder.

    Returns
    -------
    list of Run
    """
    from .files import write_run

    written = []
    for run, dithered in dithered_runs(runs, image, variants):
        write_run(run_dirs[run.k], run)
        for name, variant in dithered.items():
            write_run(f"{run_dirs[run.k]}/{name}", variant)
        written.append(run)
    return written


def undithered(runs: pd.DataFrame) -> pd.DataFrame:
    """The rows of a metrics table that are not dithered, without a ``dither`` column.

    A table without the column is returned as it is.

    Examples
    --------
    >>> table = pd.DataFrame({"k": [2, 2], "dither": ["none", "ordered"]})
    >>> undithered(table)
       k
    0  2
    """
    if "dither" not in runs:
        return runs
    return runs[runs["dither"] == "none"].drop(columns="dither")


def label_undithered(runs: pd.DataFrame, variants: Sequence[str]) -> pd.DataFrame:
    """The metrics table with ``dither`` set to ``none`` on undithered rows, and
    as an ordered category (``none``, then `variants`); unchanged without variants.

    Examples
    --------
    >>> table = pd.DataFrame({"k": [2, 2], "dither": [None, "ordered"]})
    >>> label_undithered(table, ["ordered"])["dither"].tolist()
    ['none', 'ordered']
    """
    if not variants:
        return runs
    runs = runs.copy()
    labels = runs["dither"] if "dither" in runs else pd.Series("none", index=runs.index)
    runs["dither"] = pd.Categorical(
        labels.fillna("none"), categories=["none", *variants], ordered=True
    )
    return runs
