"""Do the spaces' ranks differ across images? Friedman's test, Nemenyi's post-hoc.

Their critical-difference diagram is drawn by :mod:`colourquant.study.plots`.

Demšar (2006, "Statistical comparisons of classifiers over multiple data
sets", JMLR 7) compares m methods over n data sets by their ranks: Friedman's
test asks whether any mean rank differs, Nemenyi's post-hoc test which pairs
do (two spaces differ when their mean ranks are more than the critical
difference CD apart), and the critical-difference diagram draws the mean
ranks with a bar over every group that the test does not separate. Here the methods
are colour spaces, the data sets images, and the ranks are the tied ranks of
:mod:`colourquant.study.ranking` (ties within the replicate spread).

Library: scikit-posthocs (``scikit_posthocs``) draws the CD diagram
(``critical_difference_diagram``) and names the groups
(``compact_letter_display``); scipy gives the Friedman and studentized-range
distributions. Both candidates named in issue 13 were installed and read:

- autorank 1.3.0 refuses fewer than 5 images (we have 1 to a few dozen),
  chooses its test itself from Shapiro-Wilk results (repeated-measures ANOVA
  + Tukey or Friedman + Nemenyi; forcing Friedman prints to stdout), ranks
  raw values itself (no way to hand it ties within a spread), draws its CD
  diagram only from its own result object (refusing a non-significant one),
  and pulls in baycomp and jinja2 besides statsmodels; last release 2025-06.
- scikit-posthocs 0.17.1 is a library of separate pieces: a CD diagram from
  any mean ranks and any pairwise p-value matrix, a compact letter display,
  Nemenyi's test. It depends on numpy, scipy, pandas, matplotlib,
  statsmodels and seaborn; 0.14 (the oldest with the letter display) and
  later are on PyPI and conda-forge. Importing either library takes about
  1 s here, so it is imported only where it is used.

scikit-posthocs has no Friedman test, and autorank's (scipy's) and both
libraries' Nemenyi re-rank the values (``rankdata``), which would undo ties
within a spread. So the statistics below are written out from the ranks:
Friedman's statistic in
the general form for ranks with ties (Conover 1999, "Practical Nonparametric
Statistics", 3rd ed., section 5.8), which equals
``scipy.stats.friedmanchisquare`` on ordinary ranks, and Nemenyi's p-values
as ``scikit_posthocs.posthoc_nemenyi_friedman`` computes them from mean ranks
(tests/test_study.py checks both against the libraries). Nemenyi's test takes
no account of ties, which makes it conservative when there are many.

A sweep tests every k, so some k would "differ" by chance alone: the p-values
of a metric are adjusted over its k by Benjamini and Hochberg's false
discovery rate procedure (``scipy.stats.false_discovery_control``), and every
claim, group and filled marker rests on the adjusted p (``friedman_p_adjusted``).
Nemenyi's pairwise tests, run only at a k whose adjusted p is below alpha,
are not adjusted further.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ._tables import METRICS, MIN_IMAGES, left_out_note, metric_blocks
from .ranking import tied_ranks

__all__ = [
    "friedman_test",
    "critical_difference",
    "nemenyi_p_values",
    "rank_tests",
    "adjust_over_k",
    "RANK_TEST_COLUMNS",
]

RANK_TEST_COLUMNS = (
    "k",
    "metric",
    "space",
    "mean_rank",
    "n_images",
    "n_spaces",
    "friedman_statistic",
    "friedman_p",
    "friedman_p_adjusted",
    "cd",
    "group",
    "spread_column",
    "note",
)


def friedman_test(ranks) -> tuple[float, float]:
    """Friedman's test on ranks with ties: the statistic and its chi-squared p-value.

    Parameters
    ----------
    ranks : array_like of float, shape (n_images, n_spaces)
        Each image's ranks of the spaces (e.g. :func:`~colourquant.study.tied_ranks`);
        every row must add up to ``m (m + 1) / 2``.

    Returns
    -------
    statistic, p_value : float
        Conover's ``T1 = (m - 1) sum_j (R_j - n (m + 1) / 2)^2 / (A - n m (m + 1)^2 / 4)``
        with ``R_j`` the rank sums and ``A`` the sum of squared ranks, against
        chi-squared with ``m - 1`` degrees of freedom. Where every image ties
        every space (nothing to test) the statistic is 0 and p is 1.

    Examples
    --------
    >>> statistic, p = friedman_test([[1, 2, 3]] * 6)
    >>> round(statistic, 6), round(p, 4)
    (12.0, 0.0025)
    >>> friedman_test([[1.5, 1.5]] * 4)
    (0.0, 1.0)
    """
    ranks = np.asarray(ranks, dtype=float)
    if ranks.ndim != 2 or ranks.shape[1] < 2 or ranks.shape[0] < 1:
        raise ValueError(f"expected ranks of shape (n_images, n_spaces >= 2), got {ranks.shape}")
    n, m = ranks.shape
    if not np.allclose(ranks.sum(axis=1), m * (m + 1) / 2):
        raise ValueError(f"each image's ranks must add up to {m * (m + 1) / 2}")
    spread = (ranks**2).sum() - n * m * (m + 1) ** 2 / 4
    if spread <= 1e-12 * n * m**3:
        return 0.0, 1.0
    centred = ranks.sum(axis=0) - n * (m + 1) / 2
    statistic = float((m - 1) * (centred**2).sum() / spread)
    return statistic, float(stats.chi2.sf(statistic, m - 1))


def _rank_scale(n_spaces: int, n_images: int) -> float:
    """The standard error of a difference of two mean ranks, ``sqrt(m (m + 1) / (6 n))``."""
    return np.sqrt(n_spaces * (n_spaces + 1) / (6.0 * n_images))


def critical_difference(n_spaces: int, n_images: int, alpha: float = 0.05) -> float:
    """Nemenyi's critical difference: mean ranks further apart than this differ at `alpha`.

    ``CD = q_alpha / sqrt(2) * sqrt(m (m + 1) / (6 n))`` with ``q_alpha`` the
    upper `alpha` quantile of the studentized range of ``m`` means (Demšar 2006, eq. 6).

    Examples
    --------
    Demšar's Table 5 gives ``q_0.05 = 2.569`` for four methods:

    >>> round(critical_difference(4, 14), 3) == round(2.569 * (4 * 5 / (6 * 14)) ** 0.5, 3)
    True
    """
    q = stats.studentized_range.ppf(1.0 - alpha, n_spaces, np.inf)
    return float(q / np.sqrt(2.0) * _rank_scale(n_spaces, n_images))


def nemenyi_p_values(mean_ranks, n_images: int) -> np.ndarray:
    """Nemenyi's p-value for every pair of spaces, from their mean ranks over `n_images`.

    Parameters
    ----------
    mean_ranks : array_like of float, shape (m,)
    n_images : int

    Returns
    -------
    ndarray of float, shape (m, m)
        Symmetric, ones on the diagonal; ``p < alpha`` exactly where the mean
        ranks are more than :func:`critical_difference` apart.

    Examples
    --------
    >>> p = nemenyi_p_values([1.0, 2.0, 3.0], 10)
    >>> bool(p[0, 2] < 0.05), bool(p[0, 1] < 0.05)
    (True, False)
    """
    mean_ranks = np.asarray(mean_ranks, dtype=float)
    m = mean_ranks.size
    gaps = np.abs(mean_ranks[:, None] - mean_ranks[None, :])
    q = gaps / _rank_scale(m, n_images) * np.sqrt(2.0)
    p = stats.studentized_range.sf(q, m, np.inf) if m >= 2 else np.ones((m, m))
    np.fill_diagonal(p, 1.0)
    return np.minimum(p, 1.0)


def _groups(p_values: np.ndarray, spaces: Sequence[str], alpha: float) -> list[str]:
    """Compact letters: spaces sharing a letter are not separated by the test."""
    import scikit_posthocs

    letters = scikit_posthocs.compact_letter_display(
        pd.DataFrame(p_values, index=spaces, columns=spaces), alpha=alpha
    )
    return [letters[space].replace(" ", "") for space in spaces]


def _skip_note(n_images: int, n_spaces: int) -> str:
    if n_spaces < 2:
        return f"{n_spaces} space(s): nothing to rank; test skipped"
    if n_images < MIN_IMAGES:
        return f"{n_images} image(s): too few for the Friedman test (needs {MIN_IMAGES}); skipped"
    return ""


def adjust_over_k(p_values) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values of one metric's tests at several k.

    NaN (a skipped test) stays NaN and does not count as a test.

    Examples
    --------
    >>> adjust_over_k([0.01, 0.04, np.nan, 0.03]).round(3).tolist()
    [0.03, 0.04, nan, 0.04]
    """
    p_values = np.asarray(p_values, dtype=float)
    adjusted = np.full(p_values.shape, np.nan)
    tested = ~np.isnan(p_values)
    if tested.any():
        adjusted[tested] = stats.false_discovery_control(p_values[tested], method="bh")
    return adjusted


def rank_tests(
    runs: pd.DataFrame,
    *,
    metrics: Sequence[str] = tuple(METRICS),
    spreads: Mapping[str, str] | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Mean tied ranks, Friedman's test and Nemenyi's groups, per k and metric.

    Parameters
    ----------
    runs, metrics, spreads
        As for :func:`~colourquant.study.rank_table`.
    alpha : float
        Significance level of both tests.

    Returns
    -------
    DataFrame
        :data:`RANK_TEST_COLUMNS`, one row per k, metric and space: the mean
        rank over images (1 = best), the Friedman statistic and p-value (the
        same on every row of a k and metric), the p-value adjusted over the
        metric's k (:func:`adjust_over_k`), Nemenyi's critical difference
        ``cd`` and ``group``, compact letters (spaces sharing a letter are not
        separated by the test; all ``a`` when the adjusted p >= `alpha`, since
        then no pair is). With fewer than 3 images or 2 spaces the test is skipped:
        NaN statistic, p and cd, empty group and a ``note`` saying why. The
        note also counts images left out for a missing space or value.

    Examples
    --------
    >>> runs = pd.DataFrame({"image": ["a", "a"], "space": ["RGB", "Lab"], "k": 4,
    ...                      "psnr": [30.0, 31.0]})
    >>> row = rank_tests(runs, metrics=["psnr"]).iloc[0]
    >>> float(row["mean_rank"]), float(row["friedman_p"]), row["note"]
    (2.0, nan, '1 image(s): too few for the Friedman test (needs 3); skipped')
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    frames = []
    for block in metric_blocks(runs, metrics, spreads):
        n_images, n_spaces = block.values.shape
        ranks = tied_ranks(
            block.values, block.spreads, lower_is_better=block.metric.lower_is_better
        )
        mean_ranks = ranks.mean(axis=0) if n_images else np.full(n_spaces, np.nan)
        note = _skip_note(n_images, n_spaces)
        statistic, p = (np.nan, np.nan) if note else friedman_test(ranks)
        cd = np.nan if note else critical_difference(n_spaces, n_images, alpha)
        frames.append(
            pd.DataFrame(
                {
                    "k": block.k,
                    "metric": block.metric.name,
                    "space": block.spaces,
                    "mean_rank": mean_ranks,
                    "n_images": n_images,
                    "n_spaces": n_spaces,
                    "friedman_statistic": statistic,
                    "friedman_p": p,
                    "cd": cd,
                    "spread_column": block.spread_column,
                    "note": "; ".join(filter(None, [note, left_out_note(block)])),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=list(RANK_TEST_COLUMNS))
    # The adjustment needs every k of a metric; the groups need the adjusted p.
    for metric in {frame["metric"].iloc[0] for frame in frames}:
        mine = [frame for frame in frames if frame["metric"].iloc[0] == metric]
        adjusted = adjust_over_k([frame["friedman_p"].iloc[0] for frame in mine])
        for frame, p in zip(mine, adjusted, strict=True):
            frame["friedman_p_adjusted"] = p
            frame["group"] = _block_groups(frame, p, alpha)
    return pd.concat(frames, ignore_index=True)[list(RANK_TEST_COLUMNS)]


def _block_groups(frame: pd.DataFrame, p_adjusted: float, alpha: float) -> list[str]:
    """Compact letters of one k and metric: Nemenyi's where the adjusted p is below alpha."""
    if np.isnan(p_adjusted):
        return [""] * len(frame)
    spaces = frame["space"].to_list()
    pairwise = nemenyi_p_values(frame["mean_rank"].to_numpy(), int(frame["n_images"].iloc[0]))
    return _groups(pairwise if p_adjusted < alpha else np.ones_like(pairwise), spaces, alpha)
