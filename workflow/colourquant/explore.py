"""Explore an image's colours in a space, and compare quantizations across spaces.

The exploration works on an image's distinct colours and their pixel counts
(see :mod:`colourquant.colours`): samples are of pixels, not of distinct
colours, and statistics are weighted by pixel counts, so both describe the
image as a person sees it. Differences between two quantized images are
computed once per distinct pair of colours and weighted by how many pixels
have that pair, which equals the per-pixel computation exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations

import numpy as np
import pandas as pd

from .colours import distinct_colours

__all__ = [
    "sample_pixels",
    "weighted_correlation",
    "colour_pairs",
    "indexed_colour_pairs",
    "mean_delta_e2000",
    "palette_delta_e2000",
    "space_pairs",
    "pairwise_differences",
]


def sample_pixels(counts: np.ndarray, n_samples: int, seed: int) -> np.ndarray:
    """Draw pixels at random without replacement; return each one's distinct colour.

    A colour covering many pixels is drawn (up to) that many times more often
    than a colour covering one, as if pixels were sampled from the image.

    Parameters
    ----------
    counts : ndarray of int, shape (n_unique,)
        Pixels of each distinct colour.
    n_samples : int
        Pixels to draw; all of them if the image has fewer.
    seed : int
        Seed of the random generator: the same seed gives the same sample.

    Returns
    -------
    ndarray of int64, shape (min(n_samples, counts.sum()),)
        For each drawn pixel, in random order, the row of its colour in the
        distinct colours. A row may occur several times.
    """
    counts = np.asarray(counts)
    if counts.ndim != 1 or (counts < 0).any():
        raise ValueError("counts must be a 1-D array of non-negative integers")
    if n_samples < 0:
        raise ValueError(f"n_samples must be non-negative, got {n_samples}")
    cumulative = np.cumsum(counts, dtype=np.int64)
    n_pixels = int(cumulative[-1]) if cumulative.size else 0
    rng = np.random.default_rng(seed)
    pixels = rng.choice(n_pixels, size=min(n_samples, n_pixels), replace=False)
    # Pixels are numbered colour by colour: pixel p has the first colour whose
    # cumulative count exceeds p.
    return np.searchsorted(cumulative, pixels, side="right").astype(np.int64)


def weighted_correlation(points: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Pearson correlation matrix of the coordinates, each point repeated `weights` times.

    Parameters
    ----------
    points : ndarray, shape (n, d)
        Coordinates, e.g. an image's distinct colours in a colour space.
    weights : ndarray, shape (n,)
        Non-negative weights, e.g. pixel counts; their sum must be positive.

    Returns
    -------
    ndarray of float64, shape (d, d)
        ``np.corrcoef`` of the repeated points, taken as columns. Rows and
        columns of a coordinate that is constant (zero variance) are NaN,
        including its diagonal entry, because its correlation is undefined.
    """
    points = np.asarray(points, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    if points.ndim != 2 or weights.shape != (points.shape[0],):
        raise ValueError(
            f"expected points of shape (n, d) and n weights, got {points.shape} and {weights.shape}"
        )
    if (weights < 0).any() or not weights.sum() > 0:
        raise ValueError("weights must be non-negative with a positive sum")
    total = weights.sum()
    centred = points - weights @ points / total
    covariance = (centred * weights[:, None]).T @ centred / total
    spread = np.sqrt(np.diag(covariance))
    # Rounding leaves a constant coordinate with a variance of ~1e-33, not 0.
    defined = spread > 1e-12 * np.abs(points).max(axis=0, initial=0.0)
    safe = np.where(defined, spread, 1.0)
    correlation = np.clip(covariance / np.outer(safe, safe), -1.0, 1.0)
    np.fill_diagonal(correlation, 1.0)
    correlation[~defined, :] = np.nan
    correlation[:, ~defined] = np.nan
    return correlation


def indexed_colour_pairs(
    labels_a: np.ndarray,
    palette_a: np.ndarray,
    labels_b: np.ndarray,
    palette_b: np.ndarray,
    weights: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs of colours that two palette images have at the same pixel.

    Counting pairs of palette indices is linear in the pixels (no sort), so a
    24-megapixel pair of quantized images takes a fraction of a second.

    Parameters
    ----------
    labels_a, labels_b : ndarray of int, same shape
        Palette row of each pixel.
    palette_a, palette_b : ndarray of uint8, shape (n_a, 3) and (n_b, 3)
    weights : ndarray of int, the shape of the labels, optional
        Pixels that each label stands for (labels of an image's distinct
        colours, weighted by their pixel counts); 1 each by default.

    Returns
    -------
    colours_a, colours_b : ndarray of uint8, shape (n_pairs, 3)
        Each pair of palette rows found once: its colour in image a and in b.
    counts : ndarray of int64, shape (n_pairs,)
        Pixels with that pair.
    """
    if np.shape(labels_a) != np.shape(labels_b):
        raise ValueError(f"image shapes differ: {np.shape(labels_a)} and {np.shape(labels_b)}")
    n_a, n_b = len(palette_a), len(palette_b)
    # Small palettes (k <= 256, as written by the workflow) count pairs in a
    # table; larger ones sort.
    table = n_a * n_b <= 1 << 24
    dtype = np.uint32 if table else np.int64
    pair = np.asarray(labels_a, dtype=dtype).ravel() * n_b
    pair += np.asarray(labels_b, dtype=dtype).ravel()
    if weights is not None:
        weights = np.asarray(weights).ravel()
    if table:
        counts = np.bincount(pair, weights, minlength=n_a * n_b)
        pairs = np.flatnonzero(counts)
    else:
        pairs, inverse = np.unique(pair, return_inverse=True)
        counts = np.bincount(inverse, weights)
        pairs = pairs[counts > 0]
    # Pairs that stand for no pixel (absent, or of weightless labels only) are dropped.
    counts = counts[counts > 0]
    return (
        np.asarray(palette_a, dtype=np.uint8)[pairs // n_b],
        np.asarray(palette_b, dtype=np.uint8)[pairs % n_b],
        np.rint(counts).astype(np.int64),
    )


def colour_pairs(
    image_a: np.ndarray, image_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct pairs of colours that two images have at the same pixel.

    Parameters
    ----------
    image_a, image_b : ndarray of uint8, shape (height, width, 3)
        Two images of the same shape.

    Returns
    -------
    colours_a, colours_b : ndarray of uint8, shape (n_pairs, 3)
        Each distinct pair once: the colour in `image_a` and in `image_b`.
    counts : ndarray of int64, shape (n_pairs,)
        Pixels with that pair.
    """
    if np.shape(image_a) != np.shape(image_b):
        raise ValueError(f"image shapes differ: {np.shape(image_a)} and {np.shape(image_b)}")
    a, b = distinct_colours(image_a), distinct_colours(image_b)
    return indexed_colour_pairs(a.index, a.colours, b.index, b.colours)


def _mean_delta_e2000(colours_a: np.ndarray, colours_b: np.ndarray, counts: np.ndarray) -> float:
    from skimage.color import deltaE_ciede2000, rgb2lab

    delta_e = deltaE_ciede2000(
        rgb2lab(colours_a.astype(np.float64)[None] / 255.0)[0],
        rgb2lab(colours_b.astype(np.float64)[None] / 255.0)[0],
    )
    return float(counts @ delta_e / counts.sum())


def palette_delta_e2000(
    labels_a: np.ndarray,
    palette_a: np.ndarray,
    labels_b: np.ndarray,
    palette_b: np.ndarray,
    weights: np.ndarray | None = None,
) -> float:
    """Mean over pixels of the CIEDE2000 difference between two palette images.

    Parameters
    ----------
    labels_a, palette_a, labels_b, palette_b, weights
        As in :func:`indexed_colour_pairs`.

    Returns
    -------
    float
        As :func:`mean_delta_e2000` of the two images.
    """
    return _mean_delta_e2000(
        *indexed_colour_pairs(labels_a, palette_a, labels_b, palette_b, weights)
    )


def mean_delta_e2000(image_a: np.ndarray, image_b: np.ndarray) -> float:
    """Mean over pixels of the CIEDE2000 difference between two 8-bit sRGB images.

    Both images are converted to CIE L*a*b* (D65) by scikit-image. A difference
    of about 1 is the smallest a person notices.

    Parameters
    ----------
    image_a, image_b : ndarray of uint8, shape (height, width, 3)

    Returns
    -------
    float
        0 for identical images.
    """
    return _mean_delta_e2000(*colour_pairs(image_a, image_b))


def space_pairs(spaces: Sequence[str]) -> list[tuple[str, str]]:
    """Every unordered pair of distinct colour spaces, in config order."""
    return list(combinations(dict.fromkeys(spaces), 2))


def pairwise_differences(
    quantized: Mapping[tuple[str, int], tuple[np.ndarray, np.ndarray]],
    spaces: Sequence[str],
    k_values: Sequence[int],
) -> pd.DataFrame:
    """Mean CIEDE2000 between the quantized images of every pair of spaces, at every k.

    Parameters
    ----------
    quantized : mapping of (space, k) to (labels, palette)
        One image's quantized versions as palette images: the palette row of
        each pixel, shape (height, width), and the palette, uint8 (n, 3).
    spaces, k_values : sequences
        Which spaces to pair and at which k; they set the row order.

    Returns
    -------
    DataFrame
        Columns ``k, space_a, space_b, delta_e2000_mean``; one row per k and
        pair, with ``space_a`` before ``space_b`` in `spaces`. Empty (with
        these columns) for fewer than two spaces.
    """
    rows = [
        {
            "k": int(k),
            "space_a": space_a,
            "space_b": space_b,
            "delta_e2000_mean": palette_delta_e2000(
                *quantized[(space_a, k)], *quantized[(space_b, k)]
            ),
        }
        for k in k_values
        for space_a, space_b in space_pairs(spaces)
    ]
    return pd.DataFrame(rows, columns=["k", "space_a", "space_b", "delta_e2000_mean"])
