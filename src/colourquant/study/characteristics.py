"""What an image is like, from its distinct colours: is a space's advantage tied to it?

Every characteristic is weighted by pixel counts, so it is the same as the
per-pixel computation on the whole image:

``colourfulness``
    Hasler & Süsstrunk (2003, "Measuring colourfulness in natural images",
    Proc. SPIE 5007), their metric M from the opponent channels ``rg = R - G``
    and ``yb = (R + G) / 2 - B`` of 8-bit sRGB:
    ``M = sqrt(sd_rg^2 + sd_yb^2) + 0.3 sqrt(mean_rg^2 + mean_yb^2)``. 0 for
    any grey image; about 33 is "moderately", 59 "quite" and 82 "highly" colourful.
``hue_entropy``
    Shannon entropy, in bits, of the CIELab hue angle ``h_ab`` of the
    chromatic pixels (chroma at least `neutral_chroma`) in `hue_bins` equal
    bins: 0 for a single hue, ``log2(hue_bins)`` for hues spread evenly; NaN
    where no pixel is chromatic.
``lightness_spread``
    Standard deviation of CIE L* (0 to 100).
``neutral_share``
    Share of pixels whose CIELab chroma ``C*ab = sqrt(a*^2 + b*^2)`` is below
    `neutral_chroma`: near-neutral (grey-looking) pixels.
``n_colours``
    Distinct colours.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from .._validation import check_triples
from ..metrics import srgb8_to_lab

__all__ = [
    "CHARACTERISTICS",
    "NEUTRAL_CHROMA",
    "HUE_BINS",
    "colourfulness",
    "hue_entropy",
    "image_characteristics",
    "characteristics_table",
    "characteristic_correlations",
]

CHARACTERISTICS = (
    "colourfulness",
    "hue_entropy",
    "lightness_spread",
    "neutral_share",
    "n_colours",
)

#: CIELab chroma below which a pixel counts as near-neutral: about two
#: just-noticeable differences from the grey axis, where hue is hardly seen.
NEUTRAL_CHROMA = 5.0

#: Hue bins of ``hue_entropy``: 10° each.
HUE_BINS = 36


def _colours_and_weights(colours, counts) -> tuple[np.ndarray, np.ndarray]:
    colours = check_triples(colours)
    if colours.dtype != np.uint8:
        raise ValueError(f"expected 8-bit colours (uint8), got {colours.dtype}")
    counts = np.asarray(counts)
    if counts.shape != (colours.shape[0],) or colours.shape[0] == 0:
        raise ValueError(
            f"expected one count per colour and at least one colour, got {counts.shape} counts "
            f"for {colours.shape[0]} colours"
        )
    if (counts < 0).any() or counts.sum() <= 0:
        raise ValueError("counts must be >= 0 with a positive total")
    return colours, counts.astype(float)


def _weighted_std(values: np.ndarray, weights: np.ndarray) -> float:
    mean = np.average(values, weights=weights)
    return float(np.sqrt(np.average((values - mean) ** 2, weights=weights)))


def colourfulness(colours, counts) -> float:
    """Hasler & Süsstrunk's colourfulness M of an image given as distinct colours and counts.

    Examples
    --------
    >>> colourfulness(np.array([[128, 128, 128]], np.uint8), [10])
    0.0
    >>> round(colourfulness(np.array([[255, 0, 0], [0, 0, 255]], np.uint8), [1, 1]), 1)
    272.6
    """
    colours, weights = _colours_and_weights(colours, counts)
    red, green, blue = colours.astype(float).T
    rg = red - green
    yb = (red + green) / 2.0 - blue
    spread = np.hypot(_weighted_std(rg, weights), _weighted_std(yb, weights))
    centre = np.hypot(np.average(rg, weights=weights), np.average(yb, weights=weights))
    return float(spread + 0.3 * centre)


def _lab_chroma_hue(colours: np.ndarray):
    lab = srgb8_to_lab(colours)
    chroma = np.hypot(lab[:, 1], lab[:, 2])
    hue = np.degrees(np.arctan2(lab[:, 2], lab[:, 1])) % 360.0
    return lab[:, 0], chroma, hue


def hue_entropy(
    colours, counts, *, hue_bins: int = HUE_BINS, neutral_chroma: float = NEUTRAL_CHROMA
) -> float:
    """Entropy in bits of the CIELab hue of the chromatic pixels, in `hue_bins` bins.

    Examples
    --------
    >>> hue_entropy(np.array([[200, 30, 30], [150, 20, 20]], np.uint8), [5, 3])
    0.0
    >>> hue_entropy(np.array([[120, 120, 120]], np.uint8), [4])
    nan
    """
    colours, weights = _colours_and_weights(colours, counts)
    if int(hue_bins) != hue_bins or hue_bins < 1:
        raise ValueError(f"hue_bins must be a positive integer, got {hue_bins}")
    _, chroma, hue = _lab_chroma_hue(colours)
    chromatic = chroma >= neutral_chroma
    if not chromatic.any():
        return float("nan")
    bins = np.minimum((hue[chromatic] / (360.0 / hue_bins)).astype(int), int(hue_bins) - 1)
    shares = np.bincount(bins, weights=weights[chromatic], minlength=int(hue_bins))
    shares = shares[shares > 0] / shares.sum()
    return float(max(0.0, -(shares * np.log2(shares)).sum()))


def image_characteristics(
    image, *, hue_bins: int = HUE_BINS, neutral_chroma: float = NEUTRAL_CHROMA
) -> dict[str, float]:
    """The :data:`CHARACTERISTICS` of one image.

    Parameters
    ----------
    image : colourquant.colours.DistinctColours
        Or anything with its ``colours`` (uint8, (n, 3)) and ``counts``.
    hue_bins : int
    neutral_chroma : float
        CIELab chroma below which a pixel is near-neutral.

    Returns
    -------
    dict of str to float

    Examples
    --------
    >>> from colourquant.colours import distinct_colours
    >>> grey = distinct_colours(np.full((2, 2, 3), 90, np.uint8))
    >>> image_characteristics(grey)["neutral_share"], image_characteristics(grey)["colourfulness"]
    (1.0, 0.0)
    """
    colours, weights = _colours_and_weights(image.colours, image.counts)
    lightness, chroma, _ = _lab_chroma_hue(colours)
    return {
        "colourfulness": colourfulness(colours, weights),
        "hue_entropy": hue_entropy(
            colours, weights, hue_bins=hue_bins, neutral_chroma=neutral_chroma
        ),
        "lightness_spread": _weighted_std(lightness, weights),
        "neutral_share": float(weights[chroma < neutral_chroma].sum() / weights.sum()),
        "n_colours": float(colours.shape[0]),
    }


def characteristics_table(images: Mapping[str, object], **options) -> pd.DataFrame:
    """:func:`image_characteristics` of every image, one row each.

    Parameters
    ----------
    images : mapping of str to DistinctColours
        Image name to its distinct colours.
    **options
        ``hue_bins``, ``neutral_chroma`` of :func:`image_characteristics`.

    Returns
    -------
    DataFrame
        Columns ``image`` and :data:`CHARACTERISTICS`.
    """
    rows = [
        {"image": name, **image_characteristics(image, **options)} for name, image in images.items()
    ]
    return pd.DataFrame(rows, columns=["image", *CHARACTERISTICS])


def characteristic_correlations(
    per_image: pd.Series,
    characteristics: pd.DataFrame,
    *,
    columns: Sequence[str] = CHARACTERISTICS,
) -> pd.DataFrame:
    """Spearman's rank correlation of a per-image quantity with each image characteristic.

    Parameters
    ----------
    per_image : Series
        Indexed by image name: e.g. the difference in mean ΔE00 of Lab - RGB
        at one k (a slice of :func:`~colourquant.study.image_differences`).
    characteristics : DataFrame
        The table of :func:`characteristics_table`.
    columns : sequence of str
        Which characteristics.

    Returns
    -------
    DataFrame
        Columns ``characteristic, rho, p_value, n``: n counts the images with
        both values; rho and p are NaN with fewer than 3 or where either side
        is constant.

    Examples
    --------
    >>> table = pd.DataFrame({"image": list("abcd"), "colourfulness": [10.0, 20, 30, 40]})
    >>> differences = pd.Series([0.1, 0.3, 0.2, 0.5], index=list("abcd"))
    >>> characteristic_correlations(differences, table, columns=["colourfulness"])
      characteristic  rho  p_value  n
    0  colourfulness  0.8      0.2  4
    """
    if not isinstance(per_image, pd.Series):
        raise ValueError("expected the per-image values as a Series indexed by image")
    missing = [c for c in ("image", *columns) if c not in characteristics]
    if missing:
        raise ValueError(f"the characteristics table lacks {', '.join(missing)}")
    table = characteristics.set_index("image")
    rows = []
    for column in columns:
        both = pd.concat([per_image.rename("value"), table[column]], axis=1, join="inner").dropna()
        rho = p = np.nan
        if len(both) >= 3 and both.nunique().min() > 1:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", stats.ConstantInputWarning)
                result = stats.spearmanr(both["value"], both[column])
            rho, p = float(result.statistic), float(result.pvalue)
        rows.append({"characteristic": column, "rho": rho, "p_value": p, "n": len(both)})
    return pd.DataFrame(rows, columns=["characteristic", "rho", "p_value", "n"])
