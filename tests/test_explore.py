"""Exploration: pixel samples, pixel-weighted channel correlation, differences between spaces."""

import numpy as np
import pytest
from skimage.color import deltaE_ciede2000, rgb2lab

from colourquant.colours import distinct_colours
from colourquant.explore import (
    pairwise_differences,
    sample_pixels,
    space_pairs,
    weighted_correlation,
)
from colourquant.metrics import (
    colour_pairs,
    indexed_colour_pairs,
    mean_delta_e2000,
    palette_delta_e2000,
)
from conftest import noisy_photo


def as_palette_image(image):
    """An RGB image as (palette row of each pixel, palette)."""
    distinct = distinct_colours(image)
    return distinct.index.reshape(distinct.shape), distinct.colours


def test_sample_is_seeded_and_of_pixels_without_replacement():
    counts = np.array([3, 0, 5, 2])
    first = sample_pixels(counts, 6, seed=4)
    np.testing.assert_array_equal(first, sample_pixels(counts, 6, seed=4))
    assert not np.array_equal(first, sample_pixels(counts, 6, seed=5))
    # Asking for more pixels than the image has returns each pixel exactly once.
    everything = sample_pixels(counts, 100, seed=0)
    np.testing.assert_array_equal(np.bincount(everything, minlength=4), counts)
    assert len(sample_pixels(counts, 0, seed=0)) == 0


def test_sample_follows_pixel_counts_not_distinct_colours():
    counts = np.array([9_000, 1_000])
    drawn = sample_pixels(counts, 5_000, seed=0)
    share = np.mean(drawn == 0)
    assert share == pytest.approx(0.9, abs=0.02)


def test_sample_rejects_bad_input():
    with pytest.raises(ValueError):
        sample_pixels(np.array([1, -1]), 1, seed=0)
    with pytest.raises(ValueError):
        sample_pixels(np.array([1, 2]), -1, seed=0)


def test_weighted_correlation_equals_corrcoef_of_the_repeated_points():
    rng = np.random.default_rng(0)
    points = rng.normal(size=(40, 3)) @ rng.normal(size=(3, 3))
    weights = rng.integers(0, 6, size=40)
    expected = np.corrcoef(np.repeat(points, weights, axis=0), rowvar=False)
    np.testing.assert_allclose(weighted_correlation(points, weights), expected, atol=1e-12)


def test_correlation_of_a_constant_channel_is_undefined():
    points = np.array([[0.1, 0.5, 0.2], [0.4, 0.5, 0.9], [0.8, 0.5, 0.3]])
    correlation = weighted_correlation(points, np.array([1, 2, 3]))
    assert np.isnan(correlation[1]).all() and np.isnan(correlation[:, 1]).all()
    assert correlation[0, 0] == correlation[2, 2] == 1.0
    assert correlation[0, 2] == correlation[2, 0]
    assert -1 <= correlation[0, 2] <= 1


def test_correlation_rejects_zero_total_weight():
    with pytest.raises(ValueError):
        weighted_correlation(np.ones((2, 3)), np.zeros(2))


def test_colour_pairs_count_every_pixel_once():
    a = noisy_photo(seed=0)
    b = noisy_photo(seed=1)
    colours_a, colours_b, counts = colour_pairs(a, b)
    assert counts.sum() == a.shape[0] * a.shape[1]
    pairs = {(tuple(x), tuple(y)) for x, y in zip(a.reshape(-1, 3), b.reshape(-1, 3), strict=True)}
    assert {(tuple(x), tuple(y)) for x, y in zip(colours_a, colours_b, strict=True)} == pairs


@pytest.mark.parametrize("k_b", [7, 300])  # a table of pairs, and sorting above 2^24 pairs
def test_indexed_pairs_count_the_pixels_of_each_pair_of_palette_rows(k_b):
    rng = np.random.default_rng(k_b)
    labels_a, labels_b = rng.integers(0, 5, (30, 40)), rng.integers(0, k_b, (30, 40))
    palette_a = rng.integers(0, 256, (5, 3), dtype=np.uint8)
    palette_b = rng.integers(0, 256, (k_b, 3), dtype=np.uint8)
    if k_b > 256:
        palette_a = np.tile(palette_a, (20_000, 1))  # 100,000 rows: 3e7 possible pairs
    colours_a, colours_b, counts = indexed_colour_pairs(labels_a, palette_a, labels_b, palette_b)
    assert counts.sum() == 30 * 40
    expected = {}
    for a, b in zip(labels_a.ravel(), labels_b.ravel(), strict=True):
        key = (tuple(palette_a[a]), tuple(palette_b[b]))
        expected[key] = expected.get(key, 0) + 1
    found = {}
    for x, y, n in zip(colours_a, colours_b, counts, strict=True):
        found[(tuple(x), tuple(y))] = found.get((tuple(x), tuple(y)), 0) + n
    assert found == expected


@pytest.mark.parametrize("k_b", [7, 300])
def test_weighted_pairs_equal_the_pairs_of_the_repeated_labels(k_b):
    rng = np.random.default_rng(k_b)
    labels_a, labels_b = rng.integers(0, 5, 50), rng.integers(0, k_b, 50)
    weights = rng.integers(0, 9, 50)  # some zero: those labels stand for no pixel
    palette_a = np.tile(rng.integers(0, 256, (5, 3), dtype=np.uint8), (1 + 20_000 * (k_b > 256), 1))
    palette_b = rng.integers(0, 256, (k_b, 3), dtype=np.uint8)
    weighted = indexed_colour_pairs(labels_a, palette_a, labels_b, palette_b, weights)
    repeated = indexed_colour_pairs(
        np.repeat(labels_a, weights), palette_a, np.repeat(labels_b, weights), palette_b
    )
    for found, expected in zip(weighted, repeated, strict=True):
        np.testing.assert_array_equal(found, expected)
    assert weighted[2].sum() == weights.sum()
    assert palette_delta_e2000(labels_a, palette_a, labels_b, palette_b, weights) == pytest.approx(
        mean_delta_e2000(
            palette_a[np.repeat(labels_a, weights)][None],
            palette_b[np.repeat(labels_b, weights)][None],
        ),
        rel=1e-12,
    )


def test_identical_images_differ_by_zero():
    image = noisy_photo(seed=2)
    assert mean_delta_e2000(image, image.copy()) == 0.0


def test_mean_delta_e_equals_the_per_pixel_mean_of_skimage():
    a = noisy_photo(seed=3, height=8, width=10)
    b = np.clip(a.astype(int) + np.random.default_rng(0).integers(-30, 30, a.shape), 0, 255)
    b = b.astype(np.uint8)
    expected = deltaE_ciede2000(rgb2lab(a / 255.0), rgb2lab(b / 255.0)).mean()
    assert mean_delta_e2000(a, b) == pytest.approx(expected, rel=1e-12)


def test_two_known_colours():
    red = np.full((2, 3, 3), (200, 30, 30), dtype=np.uint8)
    blue = np.full((2, 3, 3), (40, 40, 220), dtype=np.uint8)
    expected = deltaE_ciede2000(
        rgb2lab(np.array([[[200, 30, 30]]]) / 255.0), rgb2lab(np.array([[[40, 40, 220]]]) / 255.0)
    ).item()
    assert mean_delta_e2000(red, blue) == pytest.approx(expected)
    assert expected > 30
    # Half the pixels differ: half the difference.
    half = red.copy()
    half[:, :, :] = (40, 40, 220)
    half[0] = (200, 30, 30)
    assert mean_delta_e2000(red, half) == pytest.approx(expected / 2)


def test_images_of_different_shapes_are_rejected():
    with pytest.raises(ValueError, match="shapes differ"):
        mean_delta_e2000(noisy_photo(0, 4, 4), noisy_photo(0, 4, 5))
    with pytest.raises(ValueError, match="8-bit"):
        mean_delta_e2000(np.zeros((2, 2, 3)), np.zeros((2, 2, 3)))


def test_pairwise_differences_has_a_row_per_k_and_pair():
    image = noisy_photo(seed=4, height=6, width=8)
    darker = (image // 2).astype(np.uint8)
    spaces, k_values = ["RGB", "HSV", "HSV-naive"], [3, 2]
    quantized = {(space, k): as_palette_image(image) for space in spaces for k in k_values}
    quantized[("HSV-naive", 2)] = as_palette_image(darker)
    table = pairwise_differences(quantized, spaces, k_values)
    assert list(table.columns) == ["k", "space_a", "space_b", "delta_e2000_mean"]
    assert list(zip(table["k"], table["space_a"], table["space_b"], strict=True)) == [
        (3, "RGB", "HSV"), (3, "RGB", "HSV-naive"), (3, "HSV", "HSV-naive"),
        (2, "RGB", "HSV"), (2, "RGB", "HSV-naive"), (2, "HSV", "HSV-naive"),
    ]  # fmt: skip
    differs = (table["k"] == 2) & (table["space_b"] == "HSV-naive")
    assert (table.loc[~differs, "delta_e2000_mean"] == 0).all()
    assert (table.loc[differs, "delta_e2000_mean"] == mean_delta_e2000(image, darker)).all()


def test_fewer_than_two_spaces_give_no_pairs():
    assert space_pairs(["RGB"]) == []
    assert space_pairs(["RGB", "Lab", "RGB"]) == [("RGB", "Lab")]
    table = pairwise_differences({("RGB", 2): as_palette_image(noisy_photo(0))}, ["RGB"], [2])
    assert table.empty and "delta_e2000_mean" in table.columns


def test_exploration_figure_draws_every_panel():
    import matplotlib

    matplotlib.use("Agg")
    from colourquant.colours import distinct_colours
    from colourquant.explore_plots import differences_figure, exploration_figure
    from colourquant.spaces import from_srgb8, get_space

    distinct = distinct_colours(noisy_photo(seed=5))
    points = from_srgb8(distinct.colours, "HSV-naive")
    rows = sample_pixels(distinct.counts, 100, seed=0)
    figure = exploration_figure(
        "photo",
        get_space("HSV-naive"),
        points[rows],
        distinct.colours[rows],
        weighted_correlation(points, distinct.counts),
    )
    labels = {axis.get_xlabel() for axis in figure.get_axes()}
    assert {"H", "S"} <= labels
    assert any(axis.name == "3d" for axis in figure.get_axes())
    table = pairwise_differences(
        {(s, k): as_palette_image(noisy_photo(k)) for s in ("RGB", "Lab") for k in (2, 3)},
        ["RGB", "Lab"],
        [2, 3],
    )
    assert differences_figure("photo", table).get_axes()[0].get_legend() is not None
