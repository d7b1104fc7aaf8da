"""Paired differences against a reference space: mean over images, bootstrap interval, wins.

For every k, metric and space, each image gives one paired difference
``space - reference`` (in the metric's units: negative is better for ΔE00,
positive for PSNR and SSIM). Over images: their mean, a seeded percentile
bootstrap interval of that mean (images resampled with replacement), and how
many images the space wins, ties or loses against the reference by the tie
rule of :mod:`colourquant.study.ranking` (within the larger of the two runs'
spreads is a tie).

A percentile bootstrap over few images is too narrow rather than too wide:
with all of a handful of differences on one side, every resample's mean is on
that side too. Read an interval over fewer than about ten images as a rough one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ._tables import METRICS, MIN_IMAGES, left_out_note, metric_blocks
from .ranking import outcomes

__all__ = ["bootstrap_interval", "image_differences", "paired_differences", "PAIRED_COLUMNS"]

PAIRED_COLUMNS = (
    "k",
    "metric",
    "space",
    "reference",
    "n_images",
    "mean_difference",
    "ci_low",
    "ci_high",
    "confidence",
    "wins",
    "ties",
    "losses",
    "spread_column",
    "note",
)


def bootstrap_interval(
    values, *, seed: int = 0, n_boot: int = 10_000, confidence: float = 0.95
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of `values`.

    Parameters
    ----------
    values : array_like of float, shape (n,)
        One value per image, n >= 1.
    seed : int
        Seeds a ``numpy.random.Generator``: the same values and seed give the
        same interval, whatever else is computed.
    n_boot : int
        Resamples.
    confidence : float
        Share of the resampled means inside the interval, in (0, 1).

    Returns
    -------
    low, high : float

    Examples
    --------
    >>> bootstrap_interval([0.0, 0.0, 0.0])
    (0.0, 0.0)
    >>> low, high = bootstrap_interval([1.0, 2.0, 3.0, 4.0], seed=1)
    >>> 1.0 <= low < 2.5 < high <= 4.0
    True
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or values.size == 0 or not np.isfinite(values).all():
        raise ValueError("expected a non-empty 1-d array of finite values")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    if int(n_boot) != n_boot or n_boot < 1:
        raise ValueError(f"n_boot must be a positive integer, got {n_boot}")
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, values.size, size=(int(n_boot), values.size))].mean(axis=1)
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    # Rounding in the means must not put a constant sample's interval beside its value.
    return float(max(low, values.min())), float(min(high, values.max()))


def _against_reference(block, reference: str):
    """The block's other spaces, their differences from `reference` and outcomes, (n, m - 1)."""
    if reference not in block.spaces:
        raise ValueError(
            f"reference space {reference!r} is not in the runs ({', '.join(block.spaces)})"
        )
    column = block.spaces.index(reference)
    others = [i for i in range(len(block.spaces)) if i != column]
    values, spreads = block.values[:, others], block.spreads[:, others]
    base, base_spread = block.values[:, [column]], block.spreads[:, [column]]
    result = outcomes(
        values, base, spreads, base_spread, lower_is_better=block.metric.lower_is_better
    )
    return [block.spaces[i] for i in others], values - base, result


def image_differences(
    runs: pd.DataFrame,
    *,
    reference: str = "RGB",
    metrics: Sequence[str] = tuple(METRICS),
    spreads: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Each image's difference ``space - reference`` and its outcome, per k, metric and space.

    Parameters
    ----------
    runs, metrics, spreads
        As for :func:`~colourquant.study.rank_table`.
    reference : str
        The space every other is compared with.

    Returns
    -------
    DataFrame
        Columns ``k, metric, image, space, reference, difference, outcome``:
        ``outcome`` is +1 where the space is better than the reference beyond
        the spread, 0 for a tie, -1 where it is worse.

    Examples
    --------
    >>> runs = pd.DataFrame({"image": ["a", "a"], "space": ["RGB", "Lab"], "k": 4,
    ...                      "psnr": [30.0, 31.5]})
    >>> image_differences(runs, metrics=["psnr"])[["space", "difference", "outcome"]]
      space  difference  outcome
    0   Lab         1.5        1
    """
    frames = []
    for block in metric_blocks(runs, metrics, spreads):
        others, differences, result = _against_reference(block, reference)
        frames.append(
            pd.DataFrame(
                {
                    "k": block.k,
                    "metric": block.metric.name,
                    "image": np.repeat(block.images, len(others)),
                    "space": np.tile(others, len(block.images)),
                    "reference": reference,
                    "difference": differences.ravel(),
                    "outcome": result.ravel(),
                }
            )
        )
    columns = ["k", "metric", "image", "space", "reference", "difference", "outcome"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def paired_differences(
    runs: pd.DataFrame,
    *,
    reference: str = "RGB",
    metrics: Sequence[str] = tuple(METRICS),
    spreads: Mapping[str, str] | None = None,
    seed: int = 0,
    n_boot: int = 10_000,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Mean paired difference from the reference space, its interval and win / tie / loss counts.

    Parameters
    ----------
    runs, reference, metrics, spreads
        As for :func:`image_differences`.
    seed, n_boot, confidence
        Of :func:`bootstrap_interval`; every row uses the same `seed`.

    Returns
    -------
    DataFrame
        :data:`PAIRED_COLUMNS`, one row per k, metric and space other than the
        reference: ``mean_difference`` (``space - reference``, mean over
        images), the interval ``ci_low, ci_high`` at ``confidence``, and ``wins, ties, losses``,
        images where the space is better than, within the spread of, or worse
        than the reference. With fewer than 3 images the interval is NaN and
        ``note`` says so; the note also counts images left out.

    Examples
    --------
    >>> runs = pd.DataFrame({"image": list("aabbcc"), "space": ["RGB", "Lab"] * 3, "k": 4,
    ...                      "psnr": [30.0, 31.0, 28.0, 29.5, 25.0, 25.0]})
    >>> row = paired_differences(runs, metrics=["psnr"]).iloc[0]
    >>> row["space"], round(float(row["mean_difference"]), 3)
    ('Lab', 0.833)
    >>> print(row["wins"], row["ties"], row["losses"])
    2 1 0
    >>> float(row["ci_low"]), float(row["ci_high"])
    (0.0, 1.5)
    """
    rows = []
    for block in metric_blocks(runs, metrics, spreads):
        others, differences, result = _against_reference(block, reference)
        n = len(block.images)
        for column, space in enumerate(others):
            notes = [left_out_note(block)]
            if n >= MIN_IMAGES:
                low, high = bootstrap_interval(
                    differences[:, column], seed=seed, n_boot=n_boot, confidence=confidence
                )
            else:
                low = high = np.nan
                notes.insert(0, f"{n} image(s): too few for an interval (needs {MIN_IMAGES})")
            rows.append(
                {
                    "k": block.k,
                    "metric": block.metric.name,
                    "space": space,
                    "reference": reference,
                    "n_images": n,
                    "mean_difference": float(differences[:, column].mean()) if n else np.nan,
                    "ci_low": low,
                    "ci_high": high,
                    "confidence": confidence,
                    "wins": int((result[:, column] == 1).sum()),
                    "ties": int((result[:, column] == 0).sum()),
                    "losses": int((result[:, column] == -1).sum()),
                    "spread_column": block.spread_column,
                    "note": "; ".join(filter(None, notes)),
                }
            )
    return pd.DataFrame(rows, columns=list(PAIRED_COLUMNS))
