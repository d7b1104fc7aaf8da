"""From which k pairs of spaces stop differing, in sentences.

One sentence per pair and threshold of
:func:`~colourquant.study.stop_differing_summary` (:func:`stop_sentence`),
or, for a sweep's front page, one per threshold (:func:`stop_summary_sentences`).
A threshold not met is said at the largest k it was evaluated at: the largest
k swept or, where the study left out the larger k (at or above an image's
number of colours every space reproduces the image exactly:
:func:`~colourquant.study.sweep.comparable_runs`), the largest k compared,
with that reason (:func:`largest_k_phrase`).
"""

from __future__ import annotations

import pandas as pd

from ._tables import metric_of
from .thresholds import JND
from .wording import images_phrase, in_any_image

__all__ = [
    "THRESHOLD_PHRASES",
    "NOT_REACHED_PHRASES",
    "MAX_PAIR_SENTENCES",
    "threshold_phrase",
    "largest_k_phrase",
    "stop_sentence",
    "stop_summary_sentences",
]

#: How a sentence says that a pair's mean ΔE00 meets each threshold of
#: :mod:`colourquant.study.thresholds`, from some k on.
THRESHOLD_PHRASES = {
    "jnd": f"their images' mean ΔE00 stays below {JND:g} (just noticeable)",
    "seed": "their images' mean ΔE00 stays within the seed spread",
}

#: How a sentence says that a pair's mean ΔE00 has not met a threshold at the
#: largest k swept (so from no k on).
NOT_REACHED_PHRASES = {
    "jnd": f"their images' mean ΔE00 is not below {JND:g} (just noticeable)",
    "seed": "their images' mean ΔE00 is not within the seed spread",
}


def threshold_phrase(threshold: str, reached: bool = True) -> str:
    """How a sentence says that a pair meets (or, not `reached`, fails) a threshold.

    A judge's threshold (:func:`~colourquant.study.judge_stops`) is named after it.

    Examples
    --------
    >>> threshold_phrase("flip_mean"), threshold_phrase("flip_mean", reached=False)
    ('their mean ꟻLIP scores stay within the seed spread', 'their mean ꟻLIP scores are not within the seed spread')
    """  # noqa: E501
    phrases = THRESHOLD_PHRASES if reached else NOT_REACHED_PHRASES
    if threshold in phrases:
        return phrases[threshold]
    label = metric_of(threshold).label
    verb = "stay" if reached else "are not"
    return f"their {label} scores {verb} within the seed spread"


#: Why the largest k compared may be below the largest k swept.
LEFT_OUT = "the study leaves out each k at or above an image's number of colours"


def largest_k_phrase(k_max: int, swept: int | None = None) -> str:
    """The largest k a threshold was evaluated at, as a sentence names it.

    `swept` is the sweep's largest k: where it is above `k_max`, the study
    compared the spaces up to `k_max` only, and the phrase says so and why.

    Examples
    --------
    >>> largest_k_phrase(16), largest_k_phrase(16, swept=16)
    ('k = 16, the largest k swept', 'k = 16, the largest k swept')
    >>> print(largest_k_phrase(8, swept=16))
    k = 8, the largest k compared (the study leaves out each k at or above an image's number of colours)
    """  # noqa: E501
    if swept is not None and int(swept) > int(k_max):
        return f"k = {int(k_max)}, the largest k compared ({LEFT_OUT})"
    return f"k = {int(k_max)}, the largest k swept"


def stop_sentence(row: pd.Series, swept: int | None = None) -> str:
    """One row of :func:`~colourquant.study.stop_differing_summary` in a sentence.

    Parameters
    ----------
    row : Series
        The summary's row.
    swept : int, optional
        The sweep's largest k, where the row's ``k_max_swept`` may be below it
        (:func:`largest_k_phrase`); the row's own if None.

    Examples
    --------
    >>> row = pd.Series({"space_a": "RGB", "space_b": "Lab", "threshold": "jnd", "n_images": 4,
    ...     "n_reached": 3, "k_median": 16.0, "k_min": 8.0, "k_max": 32.0, "k_max_swept": 64})
    >>> print(stop_sentence(row))
    RGB and Lab: their images' mean ΔE00 stays below 1 (just noticeable) from k = 16 on (median over images; range 8 to 32) in 3 of 4 images; in the other 1, not even at k = 64, the largest k swept.
    >>> print(stop_sentence(row.replace(3, 0)))
    RGB and Lab: their images' mean ΔE00 is not below 1 (just noticeable) at k = 64, the largest k swept, in any of the 4 images.
    """  # noqa: E501
    names = f"{row['space_a']} and {row['space_b']}"
    pair = f"{names}: {threshold_phrase(row['threshold'])}"
    n, reached = int(row["n_images"]), int(row["n_reached"])
    largest = largest_k_phrase(row["k_max_swept"], swept)
    if reached == 0:
        not_reached = threshold_phrase(row["threshold"], reached=False)
        return f"{names}: {not_reached} at {largest}, {in_any_image(n)}."
    low, high = int(row["k_min"]), int(row["k_max"])
    where = (
        f"from k = {low} on"
        if low == high
        else (f"from k = {row['k_median']:g} on (median over images; range {low} to {high})")
    )
    rest = f"; in the other {n - reached}, not even at {largest}" if reached < n else ""
    return f"{pair} {where} in {images_phrase(reached, of=n)}{rest}."


#: More pairs of spaces than this get one sentence per threshold, not one per pair.
MAX_PAIR_SENTENCES = 6


def _pairs_overview(
    threshold: str, rows: pd.DataFrame, reached: pd.DataFrame, swept: int | None
) -> str:
    """One sentence on many pairs: how many reach the threshold, in how many images."""
    n, largest = int(rows["n_images"].max()), int(rows["k_max_swept"].max())
    up_to = largest_k_phrase(largest, swept).replace("the largest k ", "the largest ", 1)
    most = reached[reached["n_reached"] == reached["n_reached"].max()]
    names = ", ".join(f"{a} and {b}" for a, b in zip(most["space_a"], most["space_b"],
                                                      strict=True))  # fmt: skip
    whose = threshold_phrase(threshold).replace("their ", "whose ", 1)
    count = "all" if len(reached) == len(rows) else str(len(reached))
    return (
        f"Pairs of spaces {whose} from some k up to {up_to}: "
        f"{count} of {len(rows)} in some image, "
        f"none in more than {int(most['n_reached'].iloc[0])} of {n} images ({names})."
    )


def stop_summary_sentences(summary: pd.DataFrame, swept: int | None = None) -> list[str]:
    """From which k pairs of spaces stop differing, one sentence per threshold.

    Pairs that reach the threshold in some image are named with their median k
    (:func:`~colourquant.study.stop_sentence` each); the pairs that reach it in
    no image are counted together, so a sweep where no pair of spaces ever
    converges says so in one sentence. With more than
    :data:`MAX_PAIR_SENTENCES` pairs, each threshold gets one sentence.

    Parameters
    ----------
    summary : DataFrame
        :func:`~colourquant.study.stop_differing_summary`, or some of its rows.
    swept : int, optional
        The sweep's largest k (:func:`largest_k_phrase`); the largest
        ``k_max_swept`` of `summary` if None.

    Examples
    --------
    >>> summary = pd.DataFrame({"space_a": ["RGB", "RGB"], "space_b": ["Lab", "HSV"],
    ...     "threshold": "jnd", "n_images": 4, "n_reached": [0, 0], "k_median": float("nan"),
    ...     "k_min": float("nan"), "k_max": float("nan"), "k_max_swept": 16})
    >>> print(stop_summary_sentences(summary)[0])
    All 2 pairs of spaces: their images' mean ΔE00 is not below 1 (just noticeable) at k = 16, the largest k swept, in any of the 4 images.
    """  # noqa: E501
    if swept is None and len(summary):
        swept = int(summary["k_max_swept"].max())
    sentences = []
    for threshold, rows in summary.groupby("threshold", sort=False):
        reached = rows[rows["n_reached"] > 0]
        if len(rows) > MAX_PAIR_SENTENCES and len(reached):
            sentences.append(_pairs_overview(threshold, rows, reached, swept))
            continue
        sentences += [stop_sentence(row, swept) for _, row in reached.iterrows()]
        never = rows[rows["n_reached"] == 0]
        if len(never) == 0:
            continue
        phrase = threshold_phrase(threshold, reached=False)
        largest, n = int(never["k_max_swept"].max()), int(never["n_images"].max())
        where = f"at {largest_k_phrase(largest, swept)}, {in_any_image(n)}"
        if len(reached) == 0 and len(never) > 1:
            sentences.append(f"All {len(never)} pairs of spaces: {phrase} {where}.")
        else:
            pairs = ", ".join(
                f"{a} and {b}" for a, b in zip(never["space_a"], never["space_b"], strict=True)
            )
            sentences.append(f"{pairs}: {phrase} {where}.")
    return sentences
