"""From which k do two colour spaces stop differing?

The differences table gives, per image, k and pair of spaces, the mean
CIEDE2000 between the two spaces' quantized images. Two spaces *stop
differing* at the smallest swept k from which that difference meets a
threshold at every larger k swept too (a dip below followed by a rise above
does not count). Two thresholds:

``jnd``
    the difference is below ΔE00 = 1, about one just-noticeable difference;
``seed``
    the difference is no larger than the replicate spread: the larger of the
    two spaces' ``seed_delta_e2000`` at that k, the mean ΔE00 between a run's
    image and its refits with other seeds (what chance alone changes).

Where the difference still fails the threshold at the largest k swept, the
threshold is *not reached*: ``k_from`` is NaN and ``reached`` False.

Each judge of :data:`colourquant.study.METRICS` gives one more threshold,
named after it (:func:`judge_stops`): two spaces stop differing *by a judge*
from the smallest k from which their scores (each against the original) stay
within the larger of their spreads, the tie rule of
:mod:`colourquant.study.ranking`. By ``flip_mean`` this asks whether a viewer
flipping between each image and the original would find one space's image
closer than chance allows; it compares two distances to the original, not
the two images with each other (``jnd`` and ``seed`` do that, in ΔE00).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ._tables import DEFAULT_SPREADS, METRICS, kmeans_only

__all__ = [
    "JND",
    "THRESHOLDS",
    "first_k_staying_below",
    "stop_differing",
    "stop_differing_summary",
    "judge_stops",
]

#: Mean ΔE00 below which two images are taken not to differ noticeably.
JND = 1.0

#: The thresholds of :func:`stop_differing`, by name, as a sentence would say them.
THRESHOLDS = {
    "jnd": f"mean ΔE00 below {JND:g} (just noticeable)",
    "seed": "no larger than the seed spread",
}

_DIFFERENCE_COLUMNS = ("image", "k", "space_a", "space_b", "delta_e2000_mean")


def first_k_staying_below(k, values, limits, *, inclusive: bool = False) -> float:
    """The smallest k from which `values` stay below `limits` at every larger k; else NaN.

    Parameters
    ----------
    k : array_like of int, shape (n,)
        The swept k, in any order (distinct).
    values : array_like of float, shape (n,)
    limits : array_like of float, shape (n,) or scalar
    inclusive : bool
        Meet the limit with ``<=`` rather than ``<``; a value of 0 then meets
        any limit, an unknown (NaN) one included: two identical images (at a
        k at or above an image's number of colours) differ by no seed noise.

    Returns
    -------
    float
        NaN where the last k fails (a NaN value or limit fails).

    Examples
    --------
    >>> first_k_staying_below([2, 4, 8, 16], [3.0, 0.5, 1.5, 0.8], 1.0)
    16.0
    >>> first_k_staying_below([2, 4, 8], [3.0, 2.0, 1.0], 1.0)
    nan
    >>> first_k_staying_below([2, 4, 8], [3.0, 2.0, 1.0], 1.0, inclusive=True)
    8.0
    >>> first_k_staying_below([2, 4, 8], [3.0, 0.5, 0.0], [1.0, 1.0, np.nan], inclusive=True)
    4.0
    """
    k = np.asarray(k)
    values = np.asarray(values, dtype=float)
    limits = np.broadcast_to(np.asarray(limits, dtype=float), values.shape)
    if k.ndim != 1 or k.shape != values.shape:
        raise ValueError(f"k and values must be 1-d of one length, got {k.shape}, {values.shape}")
    if np.unique(k).size != k.size:
        raise ValueError("k values must be distinct")
    if k.size == 0:
        return np.nan
    order = np.argsort(k)
    if inclusive:
        meets = (values[order] <= limits[order]) | (values[order] == 0)
    else:
        meets = values[order] < limits[order]
    if not meets[-1]:
        return np.nan
    failing = np.flatnonzero(~meets)
    start = failing[-1] + 1 if failing.size else 0
    return float(k[order][start])


def _seed_spreads(runs: pd.DataFrame, column: str) -> pd.Series:
    """The spread `column` by (image, space, k), k-means only."""
    return kmeans_only(runs, [column]).set_index(["image", "space", "k"])[column]


def stop_differing(
    differences: pd.DataFrame,
    runs: pd.DataFrame | None = None,
    *,
    thresholds: Sequence[str] = tuple(THRESHOLDS),
    seed_column: str = "seed_delta_e2000",
) -> pd.DataFrame:
    """Per image and pair of spaces, the k from which they stop differing, for each threshold.

    Parameters
    ----------
    differences : DataFrame
        The differences tables of the images, concatenated: columns ``image,
        k, space_a, space_b, delta_e2000_mean``.
    runs : DataFrame, optional
        The runs table, for the ``seed`` threshold (its ``seed_delta_e2000``).
        Without it, or without seed noise measured, ``seed`` is not evaluated
        (NaN, with a note).
    thresholds : sequence of str
        Keys of :data:`THRESHOLDS`.
    seed_column : str
        The runs' column with the mean ΔE00 between a run's image and its
        replicate's: the ``seed`` threshold of a pair is the larger of the two
        spaces' values at each k.

    Returns
    -------
    DataFrame
        Columns ``image, space_a, space_b, threshold, k_from, reached,
        k_max_swept, note``.

    Examples
    --------
    >>> differences = pd.DataFrame({"image": "a", "k": [2, 4, 8], "space_a": "RGB",
    ...                             "space_b": "Lab", "delta_e2000_mean": [2.0, 0.9, 0.7]})
    >>> stop_differing(differences, thresholds=["jnd"])[["threshold", "k_from", "reached"]]
      threshold  k_from  reached
    0       jnd     4.0     True
    """
    missing = [c for c in _DIFFERENCE_COLUMNS if c not in differences]
    if missing:
        raise ValueError(f"the differences table lacks the column(s) {', '.join(missing)}")
    unknown = [t for t in thresholds if t not in THRESHOLDS]
    if unknown:
        raise ValueError(
            f"unknown threshold(s) {', '.join(unknown)}; known: {', '.join(THRESHOLDS)}"
        )
    keys = ["image", "space_a", "space_b", "k"]
    if differences.duplicated(keys).any():
        raise ValueError("the differences table repeats an (image, space_a, space_b, k)")
    measured = runs is not None and seed_column in runs and runs[seed_column].notna().any()
    spreads = _seed_spreads(runs, seed_column) if measured and "seed" in thresholds else None
    rows = []
    for (image, space_a, space_b), pair in differences.groupby(keys[:3], sort=False):
        k, values = pair["k"].to_numpy(), pair["delta_e2000_mean"].to_numpy(dtype=float)
        for threshold in thresholds:
            note = ""
            if threshold == "jnd":
                k_from = first_k_staying_below(k, values, JND)
            else:
                limits = _pair_limits(spreads, image, space_a, space_b, k)
                if np.isnan(limits).all():
                    k_from, note = np.nan, "seed spread not measured"
                else:
                    k_from = first_k_staying_below(k, values, limits, inclusive=True)
            rows.append(
                {
                    "image": image,
                    "space_a": space_a,
                    "space_b": space_b,
                    "threshold": threshold,
                    "k_from": k_from,
                    "reached": not np.isnan(k_from),
                    "k_max_swept": int(k.max()),
                    "note": note,
                }
            )
    columns = ["image", "space_a", "space_b", "threshold", "k_from", "reached"]
    return pd.DataFrame(rows, columns=[*columns, "k_max_swept", "note"])


def judge_stops(
    runs: pd.DataFrame,
    metrics: Sequence[str] = tuple(METRICS),
    spreads: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Per image, pair of spaces and judge: the k from which their scores tie within the spread.

    Parameters
    ----------
    runs : DataFrame
        The runs table (k-means rows are used), with the `metrics` columns and,
        where measured, their spread columns.
    metrics : sequence of str
        Judges (keys of :data:`colourquant.study.METRICS`); each is a threshold.
    spreads : mapping of str to str, optional
        Each judge's spread column (default :data:`colourquant.study.DEFAULT_SPREADS`).

    Returns
    -------
    DataFrame
        The columns of :func:`stop_differing`, ``threshold`` naming the judge.
        Where the judge's spread was not measured, ``k_from`` is NaN and
        ``note`` says so (equal scores alone would be no test).

    Examples
    --------
    >>> runs = pd.DataFrame({"image": "a", "space": ["RGB", "Lab"] * 3, "k": [2, 2, 4, 4, 8, 8],
    ...     "flip_mean": [0.30, 0.20, 0.15, 0.12, 0.08, 0.075],
    ...     "flip_mean_seed_change": [0.01, 0.01, 0.01, 0.01, 0.01, 0.01]})
    >>> judge_stops(runs, ["flip_mean"])[["space_a", "space_b", "threshold", "k_from"]]
      space_a space_b  threshold  k_from
    0     RGB     Lab  flip_mean     8.0
    """
    spreads = DEFAULT_SPREADS if spreads is None else spreads
    runs = kmeans_only(runs, list(metrics))
    spaces = list(dict.fromkeys(runs["space"]))
    rows = []
    for metric in metrics:
        column = spreads.get(metric, "")
        measured = bool(column) and column in runs and runs[column].notna().any()
        for image, of_image in runs.groupby("image", sort=False):
            values = of_image.pivot(index="k", columns="space", values=metric)
            limits = of_image.pivot(index="k", columns="space", values=column) if measured else None
            for i, space_a in enumerate(spaces):
                for space_b in spaces[i + 1 :]:
                    if space_a not in values or space_b not in values:
                        continue
                    k = values.index.to_numpy()
                    note, k_from = "", np.nan
                    if measured:
                        gap = (values[space_a] - values[space_b]).abs().to_numpy(dtype=float)
                        limit = np.fmax(limits[space_a], limits[space_b]).to_numpy(dtype=float)
                        k_from = first_k_staying_below(k, gap, limit, inclusive=True)
                    else:
                        note = "seed spread not measured"
                    rows.append(
                        {"image": image, "space_a": space_a, "space_b": space_b,
                         "threshold": metric, "k_from": k_from, "reached": not np.isnan(k_from),
                         "k_max_swept": int(k.max()), "note": note}
                    )  # fmt: skip
    columns = ["image", "space_a", "space_b", "threshold", "k_from", "reached"]
    return pd.DataFrame(rows, columns=[*columns, "k_max_swept", "note"])


def _pair_limits(spreads, image, space_a, space_b, k) -> np.ndarray:
    """The larger of the two spaces' seed spreads at each k; NaN where unknown."""
    if spreads is None:
        return np.full(len(k), np.nan)
    look_up = lambda space: spreads.reindex(  # noqa: E731
        pd.MultiIndex.from_arrays([[image] * len(k), [space] * len(k), k])
    ).to_numpy(dtype=float)
    return np.fmax(look_up(space_a), look_up(space_b))


def _lower_median(values: pd.Series) -> float:
    """The lower median of the values that are not NaN (NaN if none): one of them."""
    values = np.sort(values.dropna().to_numpy())
    return float(values[(len(values) - 1) // 2]) if len(values) else float("nan")


def stop_differing_summary(per_image: pd.DataFrame) -> pd.DataFrame:
    """Over images, per pair and threshold: how many reached it, and the k's median and range.

    Parameters
    ----------
    per_image : DataFrame
        The table of :func:`stop_differing`.

    Returns
    -------
    DataFrame
        Columns ``space_a, space_b, threshold, n_images, n_reached, k_median,
        k_min, k_max, k_max_swept``; the median and range are over the images
        that reached the threshold (NaN where none did). The median is the
        lower one, so that it is a k that was swept. ``n_images`` counts
        the images where the threshold could be evaluated.

    Examples
    --------
    >>> per_image = pd.DataFrame({"image": list("abc"), "space_a": "RGB", "space_b": "Lab",
    ...     "threshold": "jnd", "k_from": [4.0, 16.0, float("nan")],
    ...     "reached": [True, True, False], "k_max_swept": 32, "note": ""})
    >>> stop_differing_summary(per_image)[["n_images", "n_reached", "k_median", "k_max"]]
       n_images  n_reached  k_median  k_max
    0         3          2       4.0   16.0
    """
    evaluated = per_image[per_image["note"] == ""]
    grouped = evaluated.groupby(["space_a", "space_b", "threshold"], sort=False)
    return grouped.agg(
        n_images=("image", "nunique"),
        n_reached=("reached", "sum"),
        k_median=("k_from", _lower_median),
        k_min=("k_from", "min"),
        k_max=("k_from", "max"),
        k_max_swept=("k_max_swept", "max"),
    ).reset_index()
