"""The notebook's second question, *is there a k where the spaces become
indistinguishable?*, answered in words in its two meanings: equal quality
(:func:`equal_quality_answer`) and images that look alike
(:func:`look_alike_answer`). :mod:`colourquant.study.answers` puts it on the
front page beside the first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .thresholds import JND, first_k_staying_below
from .wording import jnd_share, number

__all__ = ["quality_gaps", "equal_quality_answer", "look_alike_answer", "seed_spread_at"]


def quality_gaps(paired: pd.DataFrame, metric: str = "delta_e2000_mean") -> pd.Series:
    """Per k, how far apart the spaces' means of `metric` are: best to worst, in its units.

    The reference space's difference from itself is 0, so the gap is
    ``max(0, differences) - min(0, differences)``.

    Examples
    --------
    >>> paired = pd.DataFrame({"k": [2, 2, 4, 4], "metric": "delta_e2000_mean",
    ...     "space": ["Lab", "HSV"] * 2, "n_images": 4, "mean_difference": [0.2, 0.4, -0.1, 0.3]})
    >>> quality_gaps(paired).round(2).to_dict()
    {2: 0.4, 4: 0.4}
    """
    rows = paired[(paired["metric"] == metric) & (paired["n_images"] > 0)]
    by_k = rows.groupby("k")["mean_difference"]
    gaps = by_k.max().clip(lower=0) - by_k.min().clip(upper=0)
    gaps.index = gaps.index.astype(int)
    return gaps.sort_index()


def equal_quality_answer(paired: pd.DataFrame) -> str:
    """Do the spaces become equally good? The first meaning of "indistinguishable".

    Equally good from the smallest k from which the spaces' mean ΔE00 from
    the original (averaged over the images) stay within one just-noticeable
    difference of each other at every larger k swept.

    Returns
    -------
    str
        A sentence starting with the question's answer (yes or no); empty
        without mean ΔE00 in the table.
    """
    gaps = quality_gaps(paired)
    if gaps.empty:
        return ""
    k_from = first_k_staying_below(gaps.index.to_numpy(), gaps.to_numpy(), JND)
    largest = int(gaps.index[-1])
    if np.isnan(k_from):
        return (
            f"Equally good? No: even at k = {largest}, the spaces' mean ΔE00 from the "
            f"original differ by {number(gaps.iloc[-1], 2)} ΔE00 ({jnd_share(gaps.iloc[-1])})."
        )
    worst = float(gaps[gaps.index >= k_from].max())
    since = "at every k swept" if int(k_from) == int(gaps.index[0]) else f"from k = {int(k_from)}"
    return (
        f"Equally good? Yes, {since}: the spaces' mean ΔE00 from the original differ by "
        f"at most {number(worst, 2)} ΔE00 ({jnd_share(worst)})."
    )


def seed_spread_at(runs: pd.DataFrame, k: int, column: str = "seed_delta_e2000") -> float:
    """How far apart one space's images are when refitted with another seed, at `k`.

    The mean over images and spaces of `column` (each k-means run's mean ΔE00
    between its image and a refit's); NaN where it was not measured.

    Examples
    --------
    >>> runs = pd.DataFrame({"k": [4, 4, 8], "method": "kmeans",
    ...                      "seed_delta_e2000": [1.0, 3.0, 0.5]})
    >>> seed_spread_at(runs, 4), float(np.isnan(seed_spread_at(runs, 16)))
    (2.0, 1.0)
    """
    if column not in runs:
        return float("nan")
    rows = runs[runs["k"] == k]
    if "method" in rows:
        rows = rows[rows["method"] == "kmeans"]
    values = rows[column].to_numpy(dtype=float)
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else float("nan")


def look_alike_answer(
    stops: pd.DataFrame,
    differences: pd.DataFrame | None = None,
    seed_spread: float | None = None,
) -> str:
    """Do the spaces' images look alike? The second meaning of "indistinguishable".

    Yes from the k at which every pair of spaces stays below one
    just-noticeable difference (mean ΔE00 between their quantized images) in
    every image (the ``jnd`` rows of
    :func:`~colourquant.study.stop_differing_summary`). Otherwise the answer
    is no up to the largest k swept, with how many pairs come close, the
    closest pair's difference there (from `differences`, if given), and a
    larger k to try.

    Parameters
    ----------
    stops : DataFrame
        :func:`~colourquant.study.stop_differing_summary`.
    differences : DataFrame, optional
        The per-image differences tables, concatenated (``image, k, space_a,
        space_b, delta_e2000_mean``).
    seed_spread : float, optional
        One space's images refitted with another seed, mean ΔE00 apart at the
        largest k swept (:func:`seed_spread_at`): where the answer is no, it
        is said beside the closest pair, since part of the pairs' difference
        is then k-means' own randomness rather than the colour space.

    Returns
    -------
    str
        Empty without pairs of spaces.
    """
    rows = stops[(stops["threshold"] == "jnd") & (stops["n_images"] > 0)]
    if rows.empty:
        return ""
    largest = int(rows["k_max_swept"].max())
    everywhere = rows["n_reached"] == rows["n_images"]
    if everywhere.all():
        k_all = int(rows["k_max"].max())
        return (
            f"Images that look alike? Yes, from k = {k_all}: from there every pair of spaces "
            "gives images less than one just-noticeable difference apart, in every image."
        )
    closest = ""
    if differences is not None and len(differences):
        at_largest = differences[differences["k"] == largest]
        means = at_largest.groupby(["space_a", "space_b"], sort=False)["delta_e2000_mean"].mean()
        if len(means):
            (a, b), value = means.idxmin(), means.min()
            closest = (
                f" The closest pair there, {a} and {b}, is {number(value, 1)} ΔE00 apart "
                "(mean over the images)."
            )
    some = int((rows["n_reached"] > 0).sum())
    if some:
        pairs = (
            "each pair of spaces gives"
            if some == len(rows)
            else (f"{some} of {len(rows)} pairs of spaces give")
        )
        state = (
            f"{pairs} images less than one just-noticeable difference apart in some of "
            "the images, but not in all of them"
        )
    else:
        state = "every pair of spaces still gives visibly different images"
    noise = ""
    if seed_spread is not None and not np.isnan(seed_spread):
        noise = (
            f" Even one space refitted with another seed gives images "
            f"{number(seed_spread, 1)} ΔE00 apart there (mean over images and spaces): part of "
            "the difference between spaces is k-means' own randomness."
        )
    return (
        f"Images that look alike? No: up to k = {largest}, {state}.{closest}{noise} "
        f"Try larger k, such as {2 * largest} and {4 * largest} (config key k_values)."
    )
