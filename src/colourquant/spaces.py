"""Colour spaces that k-means can cluster in.

Every space is an entry of :data:`SPACES`: a forward conversion from sRGB in
[0, 1] to the coordinates that k-means clusters, an inverse back to (unclipped)
sRGB, and the names and nominal ranges of the three coordinates. Adding a space
is adding one entry.

Besides gamma-encoded sRGB there are its linear-light values (``linRGB``), CIE
XYZ, the CIE 1976 uniform spaces ``Lab`` and ``Luv``, ``OKLab`` (Ottosson 2020)
and the JPEG luma/chroma space ``YCbCr``. All CIE conversions share one sRGB ->
XYZ matrix and one D65 white (scikit-image's constants), so their results agree
with :mod:`skimage.color` and with each other.

The cylindrical spaces (HSV, HSL) are clustered in a Cartesian embedding of
their cone / bicone: ``x = C cos 2πh, y = C sin 2πh, z = V`` (or ``L``), where
``C = max - min`` is the chroma. Hue is an angle, so a plain Euclidean distance
on ``(h, s, v)`` puts a red at ``h = 0.01`` as far from a red at ``h = 0.99``
as from cyan; the embedding makes that distance tiny. Using chroma rather than
saturation as the radius also collapses all greys onto the axis, where their
undefined hue no longer matters. The notebook's plain coordinates remain
available as ``HSV-naive`` and ``HSL-naive``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._validation import check_triples

__all__ = ["SPACES", "ColourSpace", "get_space", "from_srgb8", "to_srgb8"]

# sRGB (D65) <-> CIE XYZ, the constants scikit-image uses.
_XYZ_FROM_RGB = np.array(
    [
        [0.412453, 0.357580, 0.180423],
        [0.212671, 0.715160, 0.072169],
        [0.019334, 0.119193, 0.950227],
    ]
)
_RGB_FROM_XYZ = np.linalg.inv(_XYZ_FROM_RGB)
_WHITE_D65 = np.array([0.95047, 1.0, 1.08883])

# OKLab (Björn Ottosson, "A perceptual color space for image processing", 2020,
# https://bottosson.github.io/posts/oklab/): XYZ -> approximate cone responses
# (M1), cube root, -> L, a, b (M2). Ottosson also publishes matrices straight
# from linear sRGB, derived from a more precise sRGB matrix; going through XYZ
# instead keeps OKLab on the same sRGB primaries as Lab, Luv and XYZ here (the
# two routes differ by about 1e-4).
_LMS_FROM_XYZ = np.array(
    [
        [0.8189330101, 0.3618667424, -0.1288597137],
        [0.0329845436, 0.9293118715, 0.0361456387],
        [0.0482003018, 0.2643662691, 0.6338517070],
    ]
)
_OKLAB_FROM_LMS = np.array(
    [
        [0.2104542553, 0.7936177850, -0.0040720468],
        [1.9779984951, -2.4285922050, 0.4505937099],
        [0.0259040371, 0.7827717662, -0.8086757660],
    ]
)
# Inverted here rather than copied from the post, so that the round trip is
# exact to float64 and not to the ten published decimals.
_XYZ_FROM_LMS = np.linalg.inv(_LMS_FROM_XYZ)
_LMS_FROM_OKLAB = np.linalg.inv(_OKLAB_FROM_LMS)

# YCbCr: ITU-R BT.601 luma weights in full range, as JPEG/JFIF uses them:
# Y in [0, 1], Cb and Cr in [-0.5, 0.5], no 16-235 studio offsets. The studio
# range of skimage.color.rgb2ycbcr only shifts and rescales the axes by
# different factors (219 for Y, 224 for chroma), which changes the relative
# weight of luma and chroma in the k-means distance for no colorimetric reason;
# full range keeps the units of RGB and puts every grey on the Cb = Cr = 0 axis.
# It is the same transform as skimage.color.rgb2ypbpr (applied, like JPEG, to
# gamma-encoded sRGB), built from Kr and Kb so that the inverse is exact.
_KR, _KB = 0.299, 0.114
_KG = 1.0 - _KR - _KB
_YCBCR_FROM_RGB = np.array(
    [
        [_KR, _KG, _KB],
        [-_KR / (2.0 * (1.0 - _KB)), -_KG / (2.0 * (1.0 - _KB)), 0.5],
        [0.5, -_KG / (2.0 * (1.0 - _KR)), -_KB / (2.0 * (1.0 - _KR))],
    ]
)
_RGB_FROM_YCBCR = np.linalg.inv(_YCBCR_FROM_RGB)


@dataclass(frozen=True)
class ColourSpace:
    """A colour space as k-means sees it.

    Attributes
    ----------
    name : str
        The name used in the config and in output paths.
    channels : tuple of str
        Names of the three coordinates that are clustered.
    ranges : tuple of (float, float)
        Nominal range of each coordinate over the sRGB gamut, for plot axes.
    forward : callable
        ``(n, 3)`` sRGB in [0, 1] -> ``(n, 3)`` coordinates.
    inverse : callable
        ``(n, 3)`` coordinates -> ``(n, 3)`` sRGB, *not* clipped to [0, 1].
    description : str
        One line for the report and the README.
    """

    name: str
    channels: tuple[str, str, str]
    ranges: tuple[tuple[float, float], ...]
    forward: Callable[[np.ndarray], np.ndarray]
    inverse: Callable[[np.ndarray], np.ndarray]
    description: str


def _identity(values: np.ndarray) -> np.ndarray:
    return np.array(values, dtype=np.float64, copy=True)


def _srgb_to_linear(rgb: np.ndarray) -> np.ndarray:
    # Odd-symmetric like _linear_to_srgb, so that the two are exact inverses for
    # every value, in the gamut or not (only [0, 1] is ever clustered).
    rgb = np.asarray(rgb, dtype=np.float64)
    magnitude = np.abs(rgb)
    linear = np.where(magnitude > 0.04045, ((magnitude + 0.055) / 1.055) ** 2.4, magnitude / 12.92)
    return np.sign(rgb) * linear


def _linear_to_srgb(linear: np.ndarray) -> np.ndarray:
    # The sign-preserving power keeps out-of-gamut (negative) values finite,
    # so that they can be counted and clipped later instead of becoming NaN.
    magnitude = np.abs(linear)
    encoded = np.where(
        magnitude > 0.0031308, 1.055 * magnitude ** (1 / 2.4) - 0.055, 12.92 * magnitude
    )
    return np.sign(linear) * encoded


# scikit-image's rounded CIE constants: epsilon = 216/24389 and the slope 24389/3132.
_LAB_EPSILON = 0.008856
_LAB_SLOPE = 7.787
# The inverse switches branch exactly where the forward does. (scikit-image's
# 0.2068966 is slightly above cbrt(0.008856) = 0.2068930..., so values of f in
# between, which the forward produces with the cube root, would be undone by the
# linear branch instead: errors of 1.7e-6 in sRGB after a round trip.)
_LAB_F_EPSILON = float(np.cbrt(_LAB_EPSILON))


def _lab_f(t: np.ndarray) -> np.ndarray:
    return np.where(t > _LAB_EPSILON, np.cbrt(t), _LAB_SLOPE * t + 16.0 / 116.0)


def _lab_f_inverse(f: np.ndarray) -> np.ndarray:
    return np.where(f > _LAB_F_EPSILON, f**3, (f - 16.0 / 116.0) / _LAB_SLOPE)


def _srgb_to_xyz(rgb: np.ndarray) -> np.ndarray:
    return _srgb_to_linear(rgb) @ _XYZ_FROM_RGB.T


def _xyz_to_srgb(xyz: np.ndarray) -> np.ndarray:
    return _linear_to_srgb(np.asarray(xyz, dtype=np.float64) @ _RGB_FROM_XYZ.T)


def _linrgb_inverse(linear: np.ndarray) -> np.ndarray:
    return _linear_to_srgb(np.asarray(linear, dtype=np.float64))


def _srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    fx, fy, fz = _lab_f(_srgb_to_xyz(rgb) / _WHITE_D65).T
    return np.stack([116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)], axis=1)


def _lab_to_srgb(lab: np.ndarray) -> np.ndarray:
    lightness, a, b = np.asarray(lab, dtype=np.float64).T
    fy = (lightness + 16.0) / 116.0
    f = np.stack([fy + a / 500.0, fy, fy - b / 200.0], axis=1)
    return _xyz_to_srgb(_lab_f_inverse(f) * _WHITE_D65)


def _uv_prime(xyz: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """CIE 1976 UCS chromaticity (u', v'); (0, 0) for black, where it is undefined."""
    x, y, z = np.asarray(xyz, dtype=np.float64).T
    denominator = x + 15.0 * y + 3.0 * z
    safe = np.where(denominator > 0, denominator, 1.0)
    return 4.0 * x / safe, 9.0 * y / safe


_U_WHITE, _V_WHITE = (value[0] for value in _uv_prime(_WHITE_D65[None, :]))


def _srgb_to_luv(rgb: np.ndarray) -> np.ndarray:
    xyz = _srgb_to_xyz(rgb)
    # The same L* as Lab (Y of the white is 1), so the two spaces share an axis.
    lightness = 116.0 * _lab_f(xyz[:, 1]) - 16.0
    u_prime, v_prime = _uv_prime(xyz)
    # Black has no chromaticity, but L* = 0 there zeroes u* and v* anyway.
    return np.stack(
        [
            lightness,
            13.0 * lightness * (u_prime - _U_WHITE),
            13.0 * lightness * (v_prime - _V_WHITE),
        ],
        axis=1,
    )


def _luv_to_srgb(luv: np.ndarray) -> np.ndarray:
    lightness, u, v = np.asarray(luv, dtype=np.float64).T
    y = _lab_f_inverse((lightness + 16.0) / 116.0)
    # p = 13 L* u' and q = 13 L* v'. Working with them instead of u' = u* / 13L* + u'n
    # avoids dividing by L*, which is 0 at black (and may be anything for a centre).
    p = u + 13.0 * lightness * _U_WHITE
    q = v + 13.0 * lightness * _V_WHITE
    # q = 0 is either black (y = 0, so X = Z = 0 whatever q) or far outside the
    # gamut (every real colour has v' > 0); a tiny stand-in keeps both finite.
    q = np.where(np.abs(q) > 1e-12, q, 1e-12)
    x = y * 9.0 * p / (4.0 * q)
    z = y * (12.0 * 13.0 * lightness - 3.0 * p - 20.0 * q) / (4.0 * q)
    return _xyz_to_srgb(np.stack([x, y, z], axis=1))


def _xyz_to_oklab(xyz: np.ndarray) -> np.ndarray:
    # np.cbrt is odd-symmetric, so out-of-gamut negative responses stay finite.
    return np.cbrt(np.asarray(xyz, dtype=np.float64) @ _LMS_FROM_XYZ.T) @ _OKLAB_FROM_LMS.T


def _srgb_to_oklab(rgb: np.ndarray) -> np.ndarray:
    return _xyz_to_oklab(_srgb_to_xyz(rgb))


def _oklab_to_srgb(oklab: np.ndarray) -> np.ndarray:
    lms = (np.asarray(oklab, dtype=np.float64) @ _LMS_FROM_OKLAB.T) ** 3
    return _xyz_to_srgb(lms @ _XYZ_FROM_LMS.T)


def _srgb_to_ycbcr(rgb: np.ndarray) -> np.ndarray:
    return np.asarray(rgb, dtype=np.float64) @ _YCBCR_FROM_RGB.T


def _ycbcr_to_srgb(ycbcr: np.ndarray) -> np.ndarray:
    return np.asarray(ycbcr, dtype=np.float64) @ _RGB_FROM_YCBCR.T


def _hue_chroma(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Hexcone hue in [0, 1), chroma, max and min of each sRGB colour."""
    rgb = np.asarray(rgb, dtype=np.float64)
    high = rgb.max(axis=1)
    low = rgb.min(axis=1)
    chroma = high - low
    safe = np.where(chroma > 0, chroma, 1.0)
    r, g, b = rgb.T
    hue = np.select(
        [chroma == 0, high == r, high == g],
        [0.0, ((g - b) / safe) % 6.0, (b - r) / safe + 2.0],
        (r - g) / safe + 4.0,
    )
    return hue / 6.0, chroma, high, low


def _pure_hue(hue: np.ndarray) -> np.ndarray:
    """sRGB of the fully saturated colour of each hue, minus its minimum (chroma 1)."""
    n = np.array([5.0, 3.0, 1.0])
    k = (n + 6.0 * np.asarray(hue)[:, None]) % 6.0
    return 1.0 - np.clip(np.minimum(k, 4.0 - k), 0.0, 1.0)


def _hsl_saturation(chroma: np.ndarray, lightness: np.ndarray) -> np.ndarray:
    denominator = 1.0 - np.abs(2.0 * lightness - 1.0)
    return np.where(
        denominator > 1e-12, chroma / np.where(denominator > 1e-12, denominator, 1.0), 0.0
    )


def _srgb_to_hsv(rgb: np.ndarray) -> np.ndarray:
    hue, chroma, high, _ = _hue_chroma(rgb)
    saturation = np.where(high > 0, chroma / np.where(high > 0, high, 1.0), 0.0)
    return np.stack([hue, saturation, high], axis=1)


def _hsv_to_srgb(hsv: np.ndarray) -> np.ndarray:
    hue, saturation, value = np.asarray(hsv, dtype=np.float64).T
    chroma = saturation * value
    return (value - chroma)[:, None] + chroma[:, None] * _pure_hue(hue % 1.0)


def _srgb_to_hsl(rgb: np.ndarray) -> np.ndarray:
    hue, chroma, high, low = _hue_chroma(rgb)
    lightness = (high + low) / 2.0
    return np.stack([hue, _hsl_saturation(chroma, lightness), lightness], axis=1)


def _hsl_to_srgb(hsl: np.ndarray) -> np.ndarray:
    hue, saturation, lightness = np.asarray(hsl, dtype=np.float64).T
    chroma = saturation * (1.0 - np.abs(2.0 * lightness - 1.0))
    return (lightness - chroma / 2.0)[:, None] + chroma[:, None] * _pure_hue(hue % 1.0)


def _cone_forward(axis: Callable[[np.ndarray, np.ndarray], np.ndarray]):
    def forward(rgb: np.ndarray) -> np.ndarray:
        hue, chroma, high, low = _hue_chroma(rgb)
        angle = 2.0 * np.pi * hue
        return np.stack([chroma * np.cos(angle), chroma * np.sin(angle), axis(high, low)], axis=1)

    return forward


def _cone_inverse(offset: Callable[[np.ndarray, np.ndarray], np.ndarray]):
    def inverse(coords: np.ndarray) -> np.ndarray:
        x, y, z = np.asarray(coords, dtype=np.float64).T
        chroma = np.hypot(x, y)
        hue = (np.arctan2(y, x) / (2.0 * np.pi)) % 1.0
        return offset(z, chroma)[:, None] + chroma[:, None] * _pure_hue(hue)

    return inverse


_UNIT = (0.0, 1.0)
_SIGNED = (-1.0, 1.0)

SPACES: dict[str, ColourSpace] = {
    space.name: space
    for space in [
        ColourSpace(
            "RGB",
            ("R", "G", "B"),
            (_UNIT, _UNIT, _UNIT),
            _identity,
            _identity,
            "sRGB scaled to [0, 1], as in the notebook",
        ),
        ColourSpace(
            "linRGB",
            ("R", "G", "B"),
            (_UNIT, _UNIT, _UNIT),
            _srgb_to_linear,
            _linrgb_inverse,
            "Linear-light sRGB (the sRGB transfer curve undone), proportional to light intensity",
        ),
        ColourSpace(
            "Lab",
            ("L*", "a*", "b*"),
            ((0.0, 100.0), (-86.2, 98.3), (-107.9, 94.5)),
            _srgb_to_lab,
            _lab_to_srgb,
            "CIE 1976 L*a*b*, D65 white",
        ),
        ColourSpace(
            "Luv",
            ("L*", "u*", "v*"),
            ((0.0, 100.0), (-83.1, 175.1), (-134.1, 107.4)),
            _srgb_to_luv,
            _luv_to_srgb,
            "CIE 1976 L*u*v*, D65 white",
        ),
        ColourSpace(
            "XYZ",
            ("X", "Y", "Z"),
            ((0.0, 0.9505), (0.0, 1.0), (0.0, 1.0888)),
            _srgb_to_xyz,
            _xyz_to_srgb,
            "CIE 1931 XYZ tristimulus values, white luminance Y = 1",
        ),
        ColourSpace(
            "YCbCr",
            ("Y", "Cb", "Cr"),
            (_UNIT, (-0.5, 0.5), (-0.5, 0.5)),
            _srgb_to_ycbcr,
            _ycbcr_to_srgb,
            "Full-range ITU-R BT.601 luma and chroma differences of sRGB, as in JPEG",
        ),
        ColourSpace(
            "OKLab",
            ("L", "a", "b"),
            ((0.0, 1.0), (-0.234, 0.277), (-0.312, 0.199)),
            _srgb_to_oklab,
            _oklab_to_srgb,
            "Oklab (Ottosson 2020), a perceptual Lab-like space with better hue uniformity",
        ),
        ColourSpace(
            "HSV",
            ("C·cos h", "C·sin h", "V"),
            (_SIGNED, _SIGNED, _UNIT),
            _cone_forward(lambda high, low: high),
            _cone_inverse(lambda value, chroma: value - chroma),
            "HSV as a cone: hue as an angle, chroma as the radius, value as the height",
        ),
        ColourSpace(
            "HSL",
            ("C·cos h", "C·sin h", "L"),
            (_SIGNED, _SIGNED, _UNIT),
            _cone_forward(lambda high, low: (high + low) / 2.0),
            _cone_inverse(lambda lightness, chroma: lightness - chroma / 2.0),
            "HSL as a bicone: hue as an angle, chroma as the radius, lightness as the height",
        ),
        ColourSpace(
            "HSV-naive",
            ("H", "S", "V"),
            (_UNIT, _UNIT, _UNIT),
            _srgb_to_hsv,
            _hsv_to_srgb,
            "HSV coordinates as plain numbers (hue not treated as an angle), as in the notebook",
        ),
        ColourSpace(
            "HSL-naive",
            ("H", "S", "L"),
            (_UNIT, _UNIT, _UNIT),
            _srgb_to_hsl,
            _hsl_to_srgb,
            "HSL coordinates as plain numbers (hue not treated as an angle)",
        ),
    ]
}


def get_space(name: str | ColourSpace) -> ColourSpace:
    """Return the registered colour space called `name` (a space is returned as it is).

    Callers that convert many times resolve the name once and pass the space.

    Raises
    ------
    ValueError
        If no such space exists; the message lists the valid names.

    Examples
    --------
    >>> get_space("Lab").channels
    ('L*', 'a*', 'b*')
    >>> get_space(get_space("Lab")) is get_space("Lab")
    True
    """
    if isinstance(name, ColourSpace):
        return name
    try:
        return SPACES[name]
    except KeyError:
        raise ValueError(
            f"unknown colour space {name!r}; valid names: {', '.join(SPACES)}"
        ) from None


def from_srgb8(colours: np.ndarray, space: str | ColourSpace) -> np.ndarray:
    """Convert 8-bit sRGB colours into the coordinates of `space`.

    Parameters
    ----------
    colours : ndarray of uint8, shape (n, 3)
    space : str or ColourSpace
        A name in :data:`SPACES`, or the space itself.

    Returns
    -------
    ndarray of float64, shape (n, 3)
    """
    colours = check_triples(colours)
    return get_space(space).forward(colours.astype(np.float64) / 255.0)


def to_srgb8(coords: np.ndarray, space: str | ColourSpace) -> tuple[np.ndarray, np.ndarray]:
    """Convert coordinates of `space` back to 8-bit sRGB.

    Colours outside the sRGB gamut are clipped to it.

    Parameters
    ----------
    coords : ndarray, shape (n, 3)
    space : str or ColourSpace

    Returns
    -------
    colours : ndarray of uint8, shape (n, 3)
    clipped : ndarray of bool, shape (n,)
        True where a colour lay outside the gamut (by more than rounding).
    """
    rgb = get_space(space).inverse(np.asarray(coords, dtype=np.float64))
    rgb = np.nan_to_num(rgb, nan=0.0, posinf=1.0, neginf=0.0)
    clipped = ((rgb < -0.5 / 255) | (rgb > 1 + 0.5 / 255)).any(axis=1)
    return np.rint(np.clip(rgb, 0.0, 1.0) * 255.0).astype(np.uint8), clipped
