import numpy as np
import pytest

from colourquant.colours import distinct_colours
from colourquant.metrics import (
    colour_errors,
    structural_similarities,
    structural_similarity,
    weighted_quantile,
)
from conftest import noisy_photo


def test_unchanged_image_has_perfect_metrics():
    colours = np.array([[10, 20, 30], [200, 100, 0], [255, 255, 255]], np.uint8)
    errors = colour_errors(colours, colours, np.array([5, 1, 2]))
    assert errors["mse_rgb"] == 0
    assert errors["psnr"] == float("inf")
    assert errors["delta_e2000_mean"] == 0
    assert errors["delta_e2000_p95"] == 0
    image = noisy_photo(seed=1)
    assert structural_similarity(image, image) == pytest.approx(1.0)


def test_mse_and_psnr_of_a_known_error():
    original = np.array([[100, 100, 100], [50, 60, 70]], np.uint8)
    quantized = np.array([[110, 100, 100], [50, 60, 70]], np.uint8)
    errors = colour_errors(original, quantized, np.array([3, 1]))
    # Three of four pixels are off by 10 in one channel: summed squared error 100 each.
    assert errors["mse_rgb"] == pytest.approx(75.0)
    assert errors["psnr"] == pytest.approx(10 * np.log10(255**2 / 25.0))


def test_delta_e_matches_scikit_image_per_pixel():
    from skimage.color import deltaE_ciede2000, rgb2lab

    rng = np.random.default_rng(0)
    original = rng.integers(0, 256, (50, 3)).astype(np.uint8)
    quantized = rng.integers(0, 256, (50, 3)).astype(np.uint8)
    counts = rng.integers(1, 5, 50)
    per_pixel = deltaE_ciede2000(
        rgb2lab(np.repeat(original, counts, axis=0)[None] / 255.0)[0],
        rgb2lab(np.repeat(quantized, counts, axis=0)[None] / 255.0)[0],
    )
    errors = colour_errors(original, quantized, counts)
    assert errors["delta_e2000_mean"] == pytest.approx(per_pixel.mean(), rel=1e-12)
    assert errors["delta_e2000_p95"] == pytest.approx(
        np.percentile(per_pixel, 95, method="inverted_cdf"), rel=1e-12
    )


def test_weighted_quantile_equals_repeated_values():
    values = np.array([3.0, 1.0, 2.0, 10.0])
    weights = np.array([1, 5, 2, 2])
    repeated = np.repeat(values, weights)
    for q in (0.1, 0.5, 0.8, 0.95, 1.0):
        assert weighted_quantile(values, weights, q) == np.percentile(
            repeated, 100 * q, method="inverted_cdf"
        )


def test_ssim_drops_for_a_changed_image_and_handles_tiny_images():
    image = noisy_photo(seed=1)
    assert structural_similarity(image, 255 - image) < 0.5
    pixel = np.array([[[10, 20, 30]]], np.uint8)
    assert structural_similarity(pixel, pixel) == 1.0
    assert structural_similarity(pixel, pixel + 1) == 0.0


def test_ssim_is_scikit_images_and_independent_of_blocks():
    from skimage.metrics import structural_similarity as scikit_image_ssim

    image = noisy_photo(seed=3, height=70, width=60)
    changed = (image // 40 * 40).astype(np.uint8)
    expected = scikit_image_ssim(image, changed, channel_axis=2, data_range=255)
    for block_rows in (512, 16, 1):
        assert structural_similarity(image, changed, block_rows=block_rows) == pytest.approx(
            expected, abs=1e-6
        )


def test_ssim_of_several_quantizations_equals_one_at_a_time():
    image = noisy_photo(seed=4, height=50, width=40)
    distinct = distinct_colours(image)
    replacements = [distinct.colours // step * step for step in (2, 30, 255)]
    together = structural_similarities(image, distinct.index, replacements, block_rows=16)
    for replacement, ssim in zip(replacements, together, strict=True):
        quantized = replacement[distinct.index].reshape(image.shape)
        assert ssim == structural_similarity(image, quantized, block_rows=16)
    assert together[0] > together[1] > together[2]
