"""Tests of the colour space registry: round trips, reference values, hue wrap, robustness."""

from __future__ import annotations

import colorsys
import re

import numpy as np
import pytest
from skimage import color

from colourquant.kmeans import fit_kmeans
from colourquant.spaces import SPACES, from_srgb8, get_space, to_srgb8
from conftest import SCHEMA


def _dense_srgb8() -> np.ndarray:
    """Every 5th 8-bit level (0, 5, ..., 255: both extremes) plus every colour below 64.

    The dark cube covers all the branch points of the transfer curve and of the
    CIE f(t), where a mismatched threshold breaks the round trip; the coarse
    grid samples the rest of the cube (every 3rd level took twice as long).
    """
    strided = np.arange(0, 256, 5)
    dark = np.arange(64)
    grids = [
        np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), axis=-1).reshape(-1, 3)
        for levels in (strided, dark)
    ]
    return np.unique(np.concatenate(grids), axis=0).astype(np.uint8)


DENSE = _dense_srgb8()
RNG_SEED = 20240601


def _random_srgb(n: int = 2000) -> np.ndarray:
    return np.random.default_rng(RNG_SEED).random((n, 3))


@pytest.mark.parametrize("name", list(SPACES))
def test_round_trip(name):
    space = SPACES[name]
    coords = from_srgb8(DENSE, name)
    assert coords.dtype == np.float64 and coords.shape == DENSE.shape
    # Float round trip: the inverse undoes the forward to well below 8-bit steps.
    assert np.abs(space.inverse(coords) - DENSE / 255.0).max() < 1e-6
    # 8-bit round trip: exact, and nothing reported as clipped.
    colours, clipped = to_srgb8(coords, name)
    np.testing.assert_array_equal(colours, DENSE)
    assert not clipped.any()


@pytest.mark.parametrize("name", list(SPACES))
def test_ranges_cover_the_gamut_tightly(name):
    space = SPACES[name]
    assert len(space.channels) == 3 and len(space.ranges) == 3 and space.description
    # Gamut extremes lie on the faces of the RGB cube; every 5th level keeps both ends.
    levels = np.arange(0, 256, 5) / 255.0
    grid = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), axis=-1).reshape(-1, 3)
    coords = space.forward(grid)
    low, high = np.array(space.ranges).T
    assert (coords.min(axis=0) >= low - 1e-9).all()
    assert (coords.max(axis=0) <= high + 1e-9).all()
    # Rounded outward, not padded: each bound within 1 % of the span of the extreme.
    span = high - low
    assert (coords.min(axis=0) - low <= 0.01 * span).all()
    assert (high - coords.max(axis=0) <= 0.01 * span).all()


# --- reference values ---------------------------------------------------------------------


def test_lab_reference_values():
    rgb = np.array(
        [[1.0, 1.0, 1.0], [0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0, 0, 1.0]]
    )
    lab = SPACES["Lab"].forward(rgb)
    # White: scikit-image's sRGB matrix rows sum to (0.950456, 1, 1.088754), not
    # exactly its D65 white (0.95047, 1, 1.08883), which leaves a* = -0.0025,
    # b* = +0.0047; skimage.color.rgb2lab gives the same.
    np.testing.assert_allclose(lab[0], [100.0, 0.0, 0.0], atol=1e-2)
    np.testing.assert_allclose(lab[1], [0.0, 0.0, 0.0], atol=1e-12)
    # The usual D65 values of the sRGB primaries, to their two published decimals.
    np.testing.assert_allclose(lab[2], [53.24, 80.09, 67.20], atol=6e-3)
    np.testing.assert_allclose(lab[3], [87.73, -86.18, 83.18], atol=6e-3)
    np.testing.assert_allclose(lab[4], [32.30, 79.19, -107.86], atol=6e-3)


def test_cie_spaces_match_scikit_image():
    rgb = _random_srgb()
    np.testing.assert_allclose(SPACES["Lab"].forward(rgb), color.rgb2lab(rgb), atol=1e-9)
    np.testing.assert_allclose(SPACES["XYZ"].forward(rgb), color.rgb2xyz(rgb), atol=1e-12)
    # skimage's L* uses 903.3 below the threshold where ours (shared with Lab) uses
    # 116 * 7.787 = 903.29, hence not exact.
    np.testing.assert_allclose(SPACES["Luv"].forward(rgb), color.rgb2luv(rgb), atol=1e-3)
    # Luv and Lab share L*.
    np.testing.assert_array_equal(
        SPACES["Luv"].forward(rgb)[:, 0], SPACES["Lab"].forward(rgb)[:, 0]
    )
    # XYZ of white is the sum of the matrix rows; linear light of 0.5 is the usual 0.2140.
    np.testing.assert_allclose(
        SPACES["XYZ"].forward(np.ones((1, 3))), [[0.950456, 1.0, 1.088754]], atol=1e-12
    )
    np.testing.assert_allclose(
        SPACES["linRGB"].forward(np.full((1, 3), 0.5)), 0.21404114, atol=1e-8
    )


def test_ycbcr_is_full_range_bt601():
    rgb = _random_srgb()
    ycbcr = SPACES["YCbCr"].forward(rgb)
    # Same transform as skimage's YPbPr (its matrix is printed to 6 decimals) ...
    np.testing.assert_allclose(ycbcr, color.rgb2ypbpr(rgb), atol=1e-6)
    # ... and skimage's studio-range YCbCr is it shifted and scaled to 16-235 / 16-240.
    studio = np.column_stack([16 + 219 * ycbcr[:, 0], 128 + 224 * ycbcr[:, 1:]])
    np.testing.assert_allclose(studio, color.rgb2ycbcr(rgb), atol=1e-3)
    special = SPACES["YCbCr"].forward(
        np.array([[1.0, 1.0, 1.0], [0.5, 0.5, 0.5], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    )
    np.testing.assert_allclose(special[:2], [[1.0, 0.0, 0.0], [0.5, 0.0, 0.0]], atol=1e-15)
    np.testing.assert_allclose(special[2, 1], 0.5, atol=1e-15)  # blue: Cb at its maximum
    np.testing.assert_allclose(special[3, 2], 0.5, atol=1e-15)  # red: Cr at its maximum


def test_oklab_published_reference_pairs():
    # Björn Ottosson, "A perceptual color space for image processing" (2020),
    # https://bottosson.github.io/posts/oklab/, section "Table of example XYZ and Oklab
    # pairs": XYZ -> Oklab, "rounded to three decimals".
    table = np.array(
        [
            [0.950, 1.000, 1.089, 1.000, 0.000, 0.000],
            [1.000, 0.000, 0.000, 0.450, 1.236, -0.019],
            [0.000, 1.000, 0.000, 0.922, -0.671, 0.263],
            [0.000, 0.000, 1.000, 0.153, -1.415, -0.449],
        ]
    )
    xyz, expected = table[:, :3], table[:, 3:]
    # Through the public interface: XYZ -> (unclipped, out-of-gamut) sRGB -> OKLab.
    oklab = SPACES["OKLab"].forward(SPACES["XYZ"].inverse(xyz))
    np.testing.assert_allclose(oklab, expected, atol=5e-4 + 1e-9)


def test_oklab_matches_ottossons_direct_srgb_matrices():
    # The same post's code listing goes from linear sRGB straight to LMS with
    # matrices derived from a more precise sRGB matrix; ours goes through
    # scikit-image's XYZ, so the two agree to about 1e-4, not exactly.
    lms_from_linear = np.array(
        [
            [0.4122214708, 0.5363325363, 0.0514459929],
            [0.2119034982, 0.6806995451, 0.1073969566],
            [0.0883024619, 0.2817188376, 0.6299787005],
        ]
    )
    oklab_from_lms = np.array(
        [
            [0.2104542553, 0.7936177850, -0.0040720468],
            [1.9779984951, -2.4285922050, 0.4505937099],
            [0.0259040371, 0.7827717662, -0.8086757660],
        ]
    )
    rgb = np.vstack([_random_srgb(), np.eye(3), np.ones((1, 3))])
    reference = np.cbrt(SPACES["linRGB"].forward(rgb) @ lms_from_linear.T) @ oklab_from_lms.T
    np.testing.assert_allclose(SPACES["OKLab"].forward(rgb), reference, atol=5e-4)


def _colorsys_rows(function, rgb: np.ndarray) -> np.ndarray:
    return np.array([function(*row) for row in rgb])


def _reference_grid() -> np.ndarray:
    # Random colours plus an 8-bit grid that includes greys, black, white and pure hues.
    levels = np.arange(0, 256, 51)
    grid = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), axis=-1).reshape(-1, 3)
    return np.vstack([_random_srgb(), grid / 255.0])


def test_naive_spaces_match_colorsys():
    rgb = _reference_grid()
    hsv = _colorsys_rows(colorsys.rgb_to_hsv, rgb)
    np.testing.assert_allclose(SPACES["HSV-naive"].forward(rgb), hsv, atol=1e-12)
    hls = _colorsys_rows(colorsys.rgb_to_hls, rgb)  # colorsys orders H, L, S
    np.testing.assert_allclose(SPACES["HSL-naive"].forward(rgb), hls[:, [0, 2, 1]], atol=1e-12)


def test_cone_embeddings_match_colorsys():
    rgb = _reference_grid()
    h, s, v = _colorsys_rows(colorsys.rgb_to_hsv, rgb).T
    angle = 2 * np.pi * h
    expected = np.column_stack([s * v * np.cos(angle), s * v * np.sin(angle), v])
    np.testing.assert_allclose(SPACES["HSV"].forward(rgb), expected, atol=1e-12)

    h, lightness, s = _colorsys_rows(colorsys.rgb_to_hls, rgb).T
    chroma = s * (1 - np.abs(2 * lightness - 1))
    angle = 2 * np.pi * h
    expected = np.column_stack([chroma * np.cos(angle), chroma * np.sin(angle), lightness])
    np.testing.assert_allclose(SPACES["HSL"].forward(rgb), expected, atol=1e-12)


# --- behaviour ------------------------------------------------------------------------------


def _hue_distance(hue: float, target: float) -> float:
    return abs((hue - target + 0.5) % 1.0 - 0.5)


@pytest.mark.parametrize(
    ("name", "expected_hue"),
    [("HSV", 0.0), ("HSL", 0.0), ("HSV-naive", 0.5), ("HSL-naive", 0.5)],
)
def test_hue_wrap_at_k1(name, expected_hue):
    # An "image" of two reds either side of h = 0, 100 pixels each.
    reds = [colorsys.hsv_to_rgb(hue, 1.0, 1.0) for hue in (0.02, 0.98)]
    colours = np.rint(np.array(reds) * 255).astype(np.uint8)
    fit = fit_kmeans(from_srgb8(colours, name), np.array([100.0, 100.0]), k=1)
    (centre,), clipped = to_srgb8(fit.centres, name)
    assert not clipped.any()
    hue, saturation, _ = colorsys.rgb_to_hsv(*(centre / 255.0))
    # The embedding averages the angles to a red; the plain numbers average
    # 0.02 and 0.98 to 0.5, the opposite hue: cyan.
    assert _hue_distance(hue, expected_hue) < 0.005
    assert saturation > 0.95


def _all_outside(low, high, rng, n):
    """Coordinates each lying 1 to 3 spans below or above its nominal range."""
    span = high - low
    offset = span * rng.uniform(1.0, 3.0, (n, 3))
    above = rng.random((n, 3)) < 0.5
    return np.where(above, high + offset, low - offset)


@pytest.mark.parametrize("name", list(SPACES))
def test_inverse_of_out_of_gamut_coordinates_is_finite_and_clipped(name):
    space = SPACES[name]
    rng = np.random.default_rng(RNG_SEED)
    low, high = np.array(space.ranges).T
    centre, span = (low + high) / 2, high - low
    # Anywhere in a box three times the ranges: finite, whether in the gamut or not.
    anywhere = centre + span * rng.uniform(-1.5, 1.5, (5000, 3))
    # The corners, edges and faces of that box, with each coordinate also at 0
    # (e.g. L* = 0 with u*, v* != 0).
    levels = np.column_stack([centre - 1.5 * span, low, np.zeros(3), high, centre + 1.5 * span])
    lattice = np.stack(np.meshgrid(*levels, indexing="ij"), axis=-1).reshape(-1, 3)
    for coords in (anywhere, lattice):
        assert np.isfinite(space.inverse(coords)).all()
        to_srgb8(coords, name)

    outside = _all_outside(low, high, rng, 5000)
    assert np.isfinite(space.inverse(outside)).all()
    _, clipped = to_srgb8(outside, name)
    assert clipped.all()


def test_luv_inverse_edge_cases_are_finite():
    white = np.array([0.95047, 1.0, 1.08883])
    v_white = 9 * white[1] / (white @ [1, 15, 3])
    coords = np.array(
        [
            [0.0, 0.0, 0.0],  # black
            [0.0, 50.0, -50.0],  # L* = 0 with chroma
            [-10.0, 20.0, 30.0],  # negative L*
            [50.0, 0.0, -13 * 50 * v_white],  # v' = 0: division by zero in the textbook inverse
            [50.0, 10.0, -13 * 50 * v_white],
        ]
    )
    rgb = SPACES["Luv"].inverse(coords)
    assert np.isfinite(rgb).all()
    # L* = 0 is black whatever u* and v* are.
    np.testing.assert_allclose(rgb[:2], 0.0, atol=1e-15)
    _, clipped = to_srgb8(coords, "Luv")
    assert not clipped[:2].any() and clipped[2:].all()


def test_unknown_space_lists_valid_names():
    for call in (
        lambda: get_space("CMYK"),
        lambda: from_srgb8(np.zeros((1, 3), np.uint8), "CMYK"),
        lambda: to_srgb8(np.zeros((1, 3)), "CMYK"),
    ):
        with pytest.raises(ValueError, match="unknown colour space 'CMYK'") as info:
            call()
        assert all(name in str(info.value) for name in SPACES)


def test_the_config_accepts_exactly_the_registered_spaces():
    from colourquant.config import ConfigError, validate_config

    assert validate_config({"colour_spaces": list(SPACES)}, SCHEMA)["colour_spaces"] == list(SPACES)
    refused = "config key 'colour_spaces[1]': 'CMYK' is not allowed; allowed: RGB, linRGB, Lab"
    with pytest.raises(ConfigError, match=re.escape(refused)):
        validate_config({"colour_spaces": ["RGB", "CMYK"]}, SCHEMA)
