"""Dithering onto a fixed palette in any colour space (colourquant.dither)."""

import numpy as np
import pytest

from colourquant.dither import (
    bayer_matrix,
    dither_labels,
    floyd_steinberg,
    ordered_dither,
    palette_spacing,
    value_bounds,
)
from colourquant.spaces import from_srgb8
from conftest import noisy_photo, same_metrics

BLACK_WHITE = np.array([[0.0, 0.0, 0.0], [255.0, 255.0, 255.0]])


def per_pixel_floyd_steinberg(image, palette, low, high):
    """Textbook Floyd–Steinberg, one pixel at a time in raster order: the reference."""
    height, width, _ = image.shape
    error = np.zeros((height + 1, width + 2, 3))
    labels = np.zeros((height, width), dtype=np.int64)
    for y in range(height):
        for x in range(width):
            value = np.clip(image[y, x] + error[y, x + 1], low, high)
            squared = (
                (value[0] - palette[:, 0]) ** 2
                + (value[1] - palette[:, 1]) ** 2
                + (value[2] - palette[:, 2]) ** 2
            )
            labels[y, x] = np.argmin(squared)
            residual = value - palette[labels[y, x]]
            error[y, x + 2] += residual * (7 / 16)
            error[y + 1, x] += residual * (3 / 16)
            error[y + 1, x + 1] += residual * (5 / 16)
            error[y + 1, x + 2] += residual * (1 / 16)
    return labels


def flat(colour, height=64, width=64):
    return np.broadcast_to(np.asarray(colour, dtype=np.float64), (height, width, 3)).copy()


@pytest.mark.parametrize("shape", [(1, 1), (1, 9), (9, 1), (2, 3), (5, 4), (7, 13), (16, 11)])
@pytest.mark.parametrize("k", [1, 2, 5, 40])
def test_wavefronts_equal_the_pixel_by_pixel_loop_exactly(shape, k):
    rng = np.random.default_rng(hash((shape, k)) % 2**32)
    image = rng.uniform(-20, 120, (*shape, 3))
    palette = rng.uniform(0, 100, (k, 3))
    low, high = value_bounds(image, palette)
    expected = per_pixel_floyd_steinberg(image, palette, low, high)
    np.testing.assert_array_equal(floyd_steinberg(image, palette), expected)
    # Other bounds (narrower than the image: clipping matters) too.
    narrow = (np.full(3, 30.0), np.full(3, 70.0))
    expected = per_pixel_floyd_steinberg(image, palette, *narrow)
    np.testing.assert_array_equal(floyd_steinberg(image, palette, bounds=narrow), expected)


def test_in_lab_coordinates_too():
    image = from_srgb8(noisy_photo(seed=3, height=12, width=17).reshape(-1, 3), "Lab")
    image = image.reshape(12, 17, 3)
    palette = image.reshape(-1, 3)[[0, 40, 100, 150, 200]]
    low, high = value_bounds(image, palette)
    labels = floyd_steinberg(image, palette)
    np.testing.assert_array_equal(labels, per_pixel_floyd_steinberg(image, palette, low, high))
    assert labels.dtype == np.uint8 and len(np.unique(labels)) == 5


@pytest.mark.parametrize("share", [0.5, 0.25, 0.1])
def test_a_flat_image_between_two_colours_gets_each_in_proportion(share):
    # The shortfall is what leaves at the edges: it shrinks as 1 / size.
    shortfalls = [
        share - floyd_steinberg(flat([255.0 * share] * 3, size, size), BLACK_WHITE).mean()
        for size in (64, 256)
    ]
    assert abs(shortfalls[1]) < 0.005
    assert abs(shortfalls[1]) <= abs(shortfalls[0]) / 2 or shortfalls == [0, 0]


def test_halfway_is_half_and_half_exactly_and_a_checkerboard():
    labels = floyd_steinberg(flat([127.5] * 3, 8, 8), BLACK_WHITE)
    assert labels.mean() == 0.5
    checkerboard = np.indices((8, 8)).sum(axis=0) % 2
    np.testing.assert_array_equal(labels, checkerboard)


def test_error_diffusion_keeps_the_mean_colour_of_a_flat_region():
    # A colour inside a triangle of three palette colours, in Lab: nearest
    # colour gives one corner; the dithered mix averages back to the colour.
    palette = np.array([[30.0, 0.0, 0.0], [70.0, 40.0, 10.0], [60.0, -30.0, 40.0]])
    colour = np.array([0.2, 0.5, 0.3]) @ palette  # (59, 11, 17)
    labels = floyd_steinberg(flat(colour, 256, 256), palette)
    mean = palette[labels].reshape(-1, 3).mean(axis=0)
    assert np.abs(mean - colour).max() < 0.5
    nearest = palette[np.argmin(((palette - colour) ** 2).sum(axis=1))]
    assert np.abs(nearest - colour).max() > 10
    assert set(np.unique(labels)) == {0, 1, 2}


def test_a_palette_holding_every_colour_of_the_image_leaves_it_unchanged():
    pixels = noisy_photo(seed=7, height=20, width=30)
    colours, index = np.unique(pixels.reshape(-1, 3), axis=0, return_inverse=True)
    for space in ("RGB", "Lab", "HSV"):
        image = from_srgb8(pixels.reshape(-1, 3), space).reshape(20, 30, 3)
        palette = from_srgb8(colours, space)
        labels = floyd_steinberg(image, palette)
        np.testing.assert_array_equal(labels.ravel(), index.ravel())
        assert labels.dtype == np.uint32  # more than 256 colours
        np.testing.assert_array_equal(ordered_dither(image, palette, spread=0.0).ravel(), index)


def test_the_default_bounds_are_the_box_of_image_and_palette_and_pillows_clamp_on_rgb():
    pixels = noisy_photo(seed=4, height=40, width=50)
    pixels[0, :3] = [[0, 0, 0], [255, 255, 255], [0, 255, 0]]
    image = pixels.astype(np.float64)
    palette = image.reshape(-1, 3)[[100, 900, 1700]]
    low, high = value_bounds(image, palette)
    np.testing.assert_array_equal([low, high], [[0.0] * 3, [255.0] * 3])
    pillow = floyd_steinberg(image, palette, bounds=(0.0, 255.0))
    np.testing.assert_array_equal(floyd_steinberg(image, palette), pillow)
    # A margin keeps more error: other pixels change.
    wide = floyd_steinberg(image, palette, bounds=value_bounds(image, palette, margin=0.5))
    assert (wide != pillow).mean() > 0.01


def test_rgb_on_8_bit_data_matches_pillows_floyd_steinberg_on_the_same_palette():
    import skimage.data
    from PIL import Image

    from colourquant.metrics import mean_delta_e2000

    pixels = skimage.data.chelsea()[100:196, 150:278]
    # Pillow's own median-cut palette of the image.
    median_cut = Image.fromarray(pixels).quantize(16, method=Image.Quantize.MEDIANCUT, dither=0)
    palette8 = np.asarray(median_cut.getpalette("RGB"), dtype=np.uint8).reshape(-1, 3)[:16]
    holder = Image.new("P", (1, 1))
    holder.putpalette(palette8.ravel().tolist())
    theirs = Image.fromarray(pixels).quantize(palette=holder, dither=Image.Dither.FLOYDSTEINBERG)
    theirs = palette8[np.asarray(theirs)]
    ours = floyd_steinberg(
        pixels.astype(np.float64), palette8.astype(np.float64), bounds=(0.0, 255.0)
    )
    ours = palette8[ours]
    undithered = palette8[np.asarray(Image.fromarray(pixels).quantize(palette=holder, dither=0))]

    def mse(image):
        return ((image.astype(np.float64) - pixels) ** 2).sum(axis=2).mean()

    def local_mean_error(image, size=8):
        """Mean absolute error of 8 x 8 block means: what dithering is for."""
        blocks = (image.astype(np.float64) - pixels).reshape(96 // size, size, 128 // size, size, 3)
        return np.abs(blocks.mean(axis=(1, 3))).mean()

    # Both dither: per pixel they are further from the original than the
    # nearest colour, block by block much closer.
    assert mse(ours) > mse(undithered) and mse(theirs) > mse(undithered)
    assert local_mean_error(ours) < local_mean_error(undithered) * 0.9
    assert local_mean_error(theirs) < local_mean_error(undithered) * 0.9
    # And by the same amount. Single pixels differ: Pillow keeps the error in
    # integer sixteenths, divides with truncation, and finds the nearest
    # colour through a cache of 64 x 64 x 64 cells (one answer per 4 x 4 x 4
    # values); both clamp to 0-255 and go in raster order.
    assert abs(mse(ours) / mse(theirs) - 1) < 0.05
    assert abs(local_mean_error(ours) / local_mean_error(theirs) - 1) < 0.1
    assert abs(mean_delta_e2000(ours, pixels) / mean_delta_e2000(theirs, pixels) - 1) < 0.05
    assert 0.6 < (ours == theirs).all(axis=2).mean() < 1


def test_bayer_matrix_holds_every_threshold_once():
    for order in (1, 2, 3):
        matrix = bayer_matrix(order)
        size = 2**order
        assert matrix.shape == (size, size)
        ranks = np.rint(matrix * size**2 - 0.5).astype(int)
        assert sorted(ranks.ravel()) == list(range(size**2))
        # Each 2 x 2 block of the 8 x 8 one holds four levels a quarter apart.
        assert np.ptp(ranks[:2, :2]) == 3 * size**2 // 4
    with pytest.raises(ValueError, match="order must be an integer >= 1, not 0"):
        bayer_matrix(0)


@pytest.mark.parametrize("share", [0.25, 0.5, 0.125])
def test_ordered_dithering_of_a_flat_image_mixes_in_proportion(share):
    labels = ordered_dither(flat([255.0 * share] * 3, 16, 24), BLACK_WHITE)
    assert labels.mean() == share
    # The pattern repeats every 8 pixels.
    np.testing.assert_array_equal(labels[:8, :8], labels[8:16, 16:24])


def test_ordered_dithering_default_spread_is_the_palette_spacing():
    palette = np.array([[0.0, 0, 0], [0, 0, 10], [0, 0, 30], [0, 0, 33]])
    assert palette_spacing(palette) == 6.5  # nearest others: 10, 10, 3, 3
    assert palette_spacing(palette[:1]) == 0.0
    image = flat([0.0, 0.0, 5.0], 8, 8)
    labels = ordered_dither(image, palette)
    # 5 is halfway between the first two colours: the offsets (along the grey
    # axis, up to 6.5 / 2 long) send half the pixels each way, none further.
    assert labels.mean() == 0.5 and set(np.unique(labels)) == {0, 1}


@pytest.mark.parametrize("function", [floyd_steinberg, ordered_dither])
def test_bad_input_is_one_clear_line(function):
    image = flat([1.0, 2.0, 3.0], 4, 4)
    with pytest.raises(
        ValueError, match=r"^image must have shape \(height, width, 3\), not \(4, 4\)$"
    ):
        function(image[..., 0], BLACK_WHITE)
    with pytest.raises(
        ValueError, match=r"^palette must have shape \(k, 3\) with k >= 1, not \(0, 3\)$"
    ):
        function(image, BLACK_WHITE[:0])
    image[1, 2, 0] = np.nan
    with pytest.raises(ValueError, match=r"^image has values that are not finite"):
        function(image, BLACK_WHITE)


def test_reruns_are_identical():
    image = from_srgb8(noisy_photo(seed=2, height=30, width=40).reshape(-1, 3), "OKLab")
    image = image.reshape(30, 40, 3)
    palette = image.reshape(-1, 3)[::97]
    first, second = floyd_steinberg(image, palette), floyd_steinberg(image.copy(), palette.copy())
    assert first.tobytes() == second.tobytes()


@pytest.mark.parametrize("space", ["RGB", "Lab", "HSV"])
@pytest.mark.parametrize("dither", ["floyd_steinberg", "ordered"])
def test_a_dithered_runs_metrics_are_those_of_its_pixels(space, dither):
    from colourquant.colours import distinct_colours
    from colourquant.evaluate import evaluate_centres, evaluate_dithered, make_reference
    from colourquant.kmeans import fit_kmeans
    from colourquant.metrics import mean_delta_e2000, structural_similarity
    from colourquant.spaces import to_srgb8

    pixels = noisy_photo(seed=9, height=30, width=40)
    reference = make_reference(distinct_colours(pixels), space)
    centres = fit_kmeans(reference.points, reference.image.counts, 5, seed=0).centres
    result = evaluate_dithered(reference, centres, dither)
    # The labels: the dithering of the image's coordinates onto the palette shown.
    palette, _ = to_srgb8(centres, space)
    points = from_srgb8(pixels.reshape(-1, 3), space).reshape(30, 40, 3)
    expected = dither_labels(points, from_srgb8(palette, space), dither)
    np.testing.assert_array_equal(result.pixel_labels, expected)
    np.testing.assert_array_equal(result.palette, palette)
    np.testing.assert_array_equal(result.quantized, palette[expected])
    # The metrics: computed pixel by pixel, they are the same.
    shown = palette[expected]
    metrics = result.metrics
    error = shown.astype(np.float64) - pixels
    assert metrics["mse_rgb"] == pytest.approx((error**2).sum(axis=2).mean(), rel=1e-12)
    assert metrics["delta_e2000_mean"] == pytest.approx(mean_delta_e2000(pixels, shown), 1e-12)
    assert metrics["ssim"] == pytest.approx(structural_similarity(pixels, shown), rel=1e-12)
    residual = points - centres[expected]
    assert metrics["inertia"] == pytest.approx((residual**2).sum(), rel=1e-12)
    shares = np.bincount(expected.ravel(), minlength=5) / expected.size
    np.testing.assert_allclose(result.shares, shares, rtol=1e-12)
    # And differ from the undithered run's: more error per pixel.
    plain = evaluate_centres(reference, centres).metrics
    assert metrics["mse_rgb"] > plain["mse_rgb"]
    assert same_metrics(evaluate_dithered(reference, centres, "none").metrics, plain)


def test_dither_names_are_checked():
    with pytest.raises(ValueError, match=r"^unknown dithering 'atkinson'; known: none, "):
        dither_labels(flat([1.0, 2.0, 3.0], 2, 2), BLACK_WHITE, "atkinson")


def test_nearest_colour_over_several_blocks_of_rows():
    # 300 colours over 300 columns: a block is 11 rows, the image three blocks.
    rng = np.random.default_rng(5)
    image, palette = rng.uniform(0, 1, (30, 300, 3)), rng.uniform(0, 1, (300, 3))
    distances = ((image[:, :, None, :] - palette) ** 2).sum(axis=3)
    labels = dither_labels(image, palette, "none")
    assert labels.dtype == np.uint32
    np.testing.assert_array_equal(labels, distances.argmin(axis=2))
    zero_spread = ordered_dither(image, palette, spread=0.0)
    np.testing.assert_array_equal(zero_spread, labels)


def test_a_dithered_run_whose_palette_holds_every_colour_is_the_original():
    from colourquant.colours import distinct_colours
    from colourquant.evaluate import evaluate_centres, evaluate_dithered, make_reference

    pixels = noisy_photo(seed=12, height=10, width=12)
    reference = make_reference(distinct_colours(pixels), "Lab")
    result = evaluate_dithered(reference, reference.points, "floyd_steinberg")
    np.testing.assert_array_equal(result.quantized, pixels)
    assert result.metrics["mse_rgb"] == 0 and result.metrics["delta_e2000_mean"] == 0
    assert same_metrics(result.metrics, evaluate_centres(reference, reference.points).metrics)
