"""Classic quantizers: palettes, validation, and evaluation by k-means' own code."""

import importlib.util
import re

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from colourquant.colours import distinct_colours
from colourquant.config import ConfigError, validate_config
from colourquant.evaluate import evaluate_centres, make_reference
from colourquant.methods import method_names
from colourquant.methods import quantizer_palette as baseline_palette
from colourquant.methods.quantizers import (
    libimagequant_palette,
    libimagequant_version,
    median_cut_palette,
    octree_palette,
    random_codebook_palette,
)
from colourquant.spaces import from_srgb8
from colourquant.summary import headline_table, methods_table
from conftest import SCHEMA, THREE, flat_colour_image, noisy_photo


def _evaluate(image, palette):
    """A palette measured exactly as the workflow measures it."""
    reference = make_reference(distinct_colours(image), "RGB")
    return evaluate_centres(reference, from_srgb8(palette, "RGB"))


def _rows(colours):
    return sorted(map(tuple, np.asarray(colours).tolist()))


@pytest.mark.parametrize("palette_of", [median_cut_palette, octree_palette])
def test_pillow_quantizers_recover_k_flat_colours(palette_of):
    image = flat_colour_image(THREE)
    palette = palette_of(image, 3)
    assert _rows(palette) == sorted(THREE)
    result = _evaluate(image, palette)
    assert result.metrics["mse_rgb"] == 0
    assert result.metrics["inertia"] == pytest.approx(0, abs=1e-20)
    np.testing.assert_array_equal(result.quantized, image)
    # k above the number of colours: no padding, no repeated colour.
    assert _rows(palette_of(image, 8)) == sorted(THREE)


def test_random_codebook_recovers_k_colours_when_every_pixel_is_drawn():
    # It draws k pixels, not k colours: with one pixel per colour, the k
    # draws (without replacement) are all the colours.
    image = flat_colour_image(THREE, height=1, width_per_colour=1)
    palette = random_codebook_palette(image, 3, seed=4)
    assert _rows(palette) == sorted(THREE)
    assert _evaluate(image, palette).metrics["mse_rgb"] == 0


def test_random_codebook_on_stripes_may_draw_a_colour_twice_and_keeps_it_once():
    # Wide stripes: k = 3 draws usually hit some colour twice, so the palette
    # is shorter than k and the image is not recovered. That is the method.
    image = flat_colour_image(THREE, width_per_colour=20)
    lengths = set()
    for seed in range(20):
        palette = random_codebook_palette(image, 3, seed)
        assert set(_rows(palette)) <= set(THREE)
        assert len(set(_rows(palette))) == len(palette)
        lengths.add(len(palette))
    assert min(lengths) < 3


def test_octree_merges_colours_that_share_a_fine_cell():
    # Pillow's fast octree averages each 16 x 16 x 16 cell of the RGB cube:
    # (10, 10, 10) and (12, 12, 12) share one and cannot be told apart.
    image = flat_colour_image([(10, 10, 10), (12, 12, 12), (200, 200, 200)])
    assert _rows(octree_palette(image, 3)) == [(11, 11, 11), (200, 200, 200)]
    assert _rows(median_cut_palette(image, 3)) == [(10, 10, 10), (12, 12, 12), (200, 200, 200)]


HAS_IMAGEQUANT = importlib.util.find_spec("imagequant") is not None
needs_imagequant = pytest.mark.skipif(
    not HAS_IMAGEQUANT, reason="libimagequant is optional: pip install 'colourquant[quantizers]'"
)


@pytest.mark.parametrize(
    "method",
    [
        pytest.param(m, marks=needs_imagequant) if m == "libimagequant" else m
        for m in method_names("quantizer")
    ],
)
@pytest.mark.parametrize("k", [1, 2, 5, 16])
def test_palettes_are_at_most_k_distinct_8_bit_colours(method, k):
    palette = baseline_palette(method, noisy_photo(seed=2), k, seed=0)
    assert palette.dtype == np.uint8
    assert palette.ndim == 2 and palette.shape[1] == 3
    assert 1 <= len(palette) <= k
    assert len(np.unique(palette, axis=0)) == len(palette)


def test_random_codebook_is_scikit_learns_draw_and_seeded():
    from sklearn.utils import shuffle

    image = noisy_photo(seed=3)
    expected = shuffle(image.reshape(-1, 3), random_state=7, n_samples=6)
    np.testing.assert_array_equal(random_codebook_palette(image, 6, seed=7), expected)
    np.testing.assert_array_equal(
        random_codebook_palette(image, 6, seed=7), random_codebook_palette(image, 6, seed=7)
    )
    assert not np.array_equal(
        random_codebook_palette(image, 6, seed=7), random_codebook_palette(image, 6, seed=8)
    )


@pytest.mark.parametrize(
    "method, pillow_method", [("median_cut", "MEDIANCUT"), ("octree", "FASTOCTREE")]
)
def test_nearest_colour_assignment_against_pillows_own(method, pillow_method):
    # The workflow keeps Pillow's palette and assigns each pixel its nearest
    # colour, as for k-means. Pillow's median cut maps pixels to the nearest
    # box colour itself: the same error. Its fast octree maps a pixel by its
    # cell, not to the nearest colour: a larger error.
    image = noisy_photo(seed=4, height=40, width=50)
    own = Image.fromarray(image).quantize(
        colors=6, method=getattr(Image.Quantize, pillow_method), dither=Image.Dither.NONE
    )
    own_pixels = np.asarray(own.convert("RGB")).astype(np.int64)
    own_mse = ((own_pixels - image) ** 2).sum(axis=2).mean()
    mse = _evaluate(image, baseline_palette(method, image, 6)).metrics["mse_rgb"]
    if method == "median_cut":
        assert mse == pytest.approx(own_mse, rel=1e-12)
    else:
        assert mse < 0.9 * own_mse


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: median_cut_palette(np.zeros((4, 4), np.uint8), 2), "shape (height, width, 3)"),
        (lambda: octree_palette(np.zeros((4, 4, 3)), 2), "8-bit"),
        (lambda: octree_palette(np.zeros((0, 4, 3), np.uint8), 2), "no pixels"),
        (lambda: median_cut_palette(noisy_photo(0), 0), "at least 1"),
        (lambda: median_cut_palette(noisy_photo(0), 2.0), "must be an integer"),
        (lambda: octree_palette(noisy_photo(0), 257), "above 256"),
        (lambda: random_codebook_palette(noisy_photo(0), 2, seed=True), "seed"),
        (lambda: baseline_palette("kmeans", noisy_photo(0), 2), "unknown quantizer 'kmeans'"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


def test_methods_config_defaults_to_kmeans_and_requires_it():
    assert validate_config({}, SCHEMA)["methods"] == ["kmeans"]
    config = validate_config({"methods": ["kmeans", "octree", "random_codebook"]}, SCHEMA)
    assert config["methods"] == ["kmeans", "octree", "random_codebook"]
    with pytest.raises(ConfigError, match="'methods' must include 'kmeans'; got \\['octree'\\]"):
        validate_config({"methods": ["octree"]}, SCHEMA)
    unknown = "'methods\\[1\\]': 'pngquant' is not allowed; allowed: kmeans"
    with pytest.raises(ConfigError, match=unknown):
        validate_config({"methods": ["kmeans", "pngquant"]}, SCHEMA)


def test_methods_table_orders_by_k_then_method_and_headline_keeps_kmeans_only():
    runs = pd.DataFrame(
        {
            "image": ["a", "b"] * 4,
            "method": ["octree"] * 2 + ["kmeans"] * 4 + ["median_cut"] * 2,
            "space": ["-", "-", "Lab", "Lab", "RGB", "RGB", "-", "-"],
            "k": [2] * 8,
            "mse_rgb": [10.0, 20.0, 1.0, 3.0, 2.0, 4.0, 5.0, 7.0],
            "delta_e2000_mean": [1.0] * 8,
            "fit_seconds": [0.5] * 8,
            "inertia_normalised": [0.1] * 8,
            "psnr": [30.0] * 8,
        }
    )
    table = methods_table(runs, ["kmeans", "median_cut", "octree"], ["RGB", "Lab"])
    assert table[["method", "space"]].astype(str).values.tolist() == [
        ["kmeans", "RGB"],
        ["kmeans", "Lab"],
        ["median_cut", "-"],
        ["octree", "-"],
    ]
    assert table["mse_rgb"].tolist() == [3.0, 2.0, 6.0, 15.0]
    assert table["n_images"].tolist() == [2, 2, 2, 2]
    assert list(headline_table(runs, ["RGB", "Lab"])["space"]) == ["RGB", "Lab"]


@needs_imagequant
def test_libimagequant_palette_is_the_bindings_own_and_nearest_colour_is_no_worse():
    import imagequant

    image = noisy_photo(seed=5, height=40, width=50)
    rgba = np.dstack([image, np.full(image.shape[:2], 255, np.uint8)])
    indices, palette = imagequant.quantize_raw_rgba_bytes(
        rgba.tobytes(), 50, 40, dithering_level=0.0, max_colors=6
    )
    palette = np.asarray(palette, np.uint8).reshape(-1, 4)[:, :3]
    indices = np.frombuffer(indices, np.uint8)
    ours = libimagequant_palette(image, 6)
    assert _rows(ours) == _rows(np.unique(palette[indices], axis=0))
    assert len(ours) == 6
    # Its own remapping (no dithering) against each pixel's nearest palette colour.
    own_mse = ((palette[indices].reshape(image.shape).astype(np.int64) - image) ** 2).sum(2).mean()
    assert _evaluate(image, ours).metrics["mse_rgb"] <= own_mse
    assert re.fullmatch(r"\d+\.\d+\.\d+", libimagequant_version())
    # Three flat colours come back exactly.
    assert _rows(libimagequant_palette(flat_colour_image(THREE), 8)) == sorted(THREE)


def test_a_missing_optional_package_is_named_with_its_extra_before_any_job(monkeypatch):
    from colourquant.methods import check_methods

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name == "imagequant" else real_find_spec(name, *args),
    )
    message = (
        "config key 'methods': method 'libimagequant' needs the optional package "
        "'imagequant': pip install 'colourquant[quantizers]'"
    )
    with pytest.raises(ConfigError, match=re.escape(message)):
        validate_config({"methods": ["kmeans", "wu", "libimagequant"]}, SCHEMA)
    assert check_methods(["kmeans", "wu"], [2]) is None
    # Without libimagequant the config is fine.
    assert validate_config({"methods": ["kmeans", "wu"]}, SCHEMA)["methods"] == ["kmeans", "wu"]
