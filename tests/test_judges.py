"""The judges of colourquant.judges against their reference code, and in a run's metrics."""

import flip_evaluator
import numpy as np
import pytest
import skimage.data
from PIL import Image
from scipy.ndimage import gaussian_filter
from sewar.full_ref import msssim, ssim, vifp
from sewar.utils import Filter

from colourquant.colours import distinct_colours
from colourquant.columns import JUDGES, SPREADS
from colourquant.judges import flip_mean, luma, ms_ssim_y, ssim_y, vif_p
from colourquant.runs import FitSettings, kmeans_runs
from conftest import noisy_photo


def posterized(image: np.ndarray, levels: int) -> np.ndarray:
    step = 256 // levels
    return (image // step * step + step // 2).astype(np.uint8)


def blurred(image: np.ndarray, sigma: float) -> np.ndarray:
    return np.clip(gaussian_filter(image.astype(float), (sigma, sigma, 0)), 0, 255).astype(np.uint8)


def noisy(image: np.ndarray, scale: float) -> np.ndarray:
    noise = np.random.default_rng(7).normal(0, scale, image.shape)
    return np.clip(image + noise, 0, 255).astype(np.uint8)


# Three photos, each with a different kind of damage; crops keep the test quick.
PAIRS = {
    "chelsea posterized": (skimage.data.chelsea(), lambda image: posterized(image, 4)),
    "coffee blurred": (skimage.data.coffee()[:200, :300], lambda image: blurred(image, 1.5)),
    "astronaut noisy": (skimage.data.astronaut()[:160, :240], lambda image: noisy(image, 20)),
}


@pytest.fixture(params=list(PAIRS), scope="module")
def pair(request):
    original, damage = PAIRS[request.param]
    return original, damage(original)


def test_ssim_y_is_wangs_gaussian_ssim_as_sewar_computes_it(pair):
    original, damaged = pair
    reference, _ = ssim(
        luma(original),
        luma(damaged),
        MAX=255,
        fltr_specs={"fltr": Filter.GAUSSIAN, "sigma": 1.5, "ws": 11},
    )
    assert ssim_y(original, damaged) == pytest.approx(reference, rel=1e-9)
    assert ssim_y(original, original) == pytest.approx(1.0)


def test_ms_ssim_y_is_sewars_msssim(pair):
    original, damaged = pair
    reference = msssim(luma(original), luma(damaged), MAX=255)
    assert ms_ssim_y(original, damaged) == pytest.approx(float(np.real(reference)), rel=1e-9)


def test_ms_ssim_y_uses_fewer_scales_on_small_images_as_sewar_does():
    original = skimage.data.chelsea()[:60, :90]  # short side 60: three scales of an 11-px window
    damaged = posterized(original, 3)
    with pytest.warns(UserWarning, match="Reducing to 3 scales"):
        reference = msssim(luma(original), luma(damaged), MAX=255)
    assert ms_ssim_y(original, damaged) == pytest.approx(float(np.real(reference)), rel=1e-9)


def test_vif_p_is_sewars_vifp(pair):
    original, damaged = pair
    assert vif_p(original, damaged) == pytest.approx(vifp(luma(original), luma(damaged)), rel=1e-9)
    assert vif_p(original, original) == pytest.approx(1.0)


def test_flip_mean_is_the_reference_codes_mean_error_of_the_png_files(pair, tmp_path):
    original, damaged = pair
    Image.fromarray(original).save(tmp_path / "reference.png")
    Image.fromarray(damaged).save(tmp_path / "test.png")
    _, reference, _ = flip_evaluator.evaluate(
        str(tmp_path / "reference.png"), str(tmp_path / "test.png"), "LDR", applyMagma=False
    )
    assert flip_mean(original, damaged) == pytest.approx(reference, rel=1e-6)
    assert flip_mean(original, original) == 0.0


def test_judges_rank_stronger_damage_as_worse():
    original = skimage.data.chelsea()
    mild, strong = posterized(original, 8), posterized(original, 3)
    for judge, name in [(ssim_y, "ssim_y"), (ms_ssim_y, "ms_ssim_y"), (vif_p, "vif_p")]:
        assert judge(original, mild) > judge(original, strong), name
    assert flip_mean(original, mild) < flip_mean(original, strong)
    assert {"ssim_y", "ms_ssim_y", "vif_p", "flip_mean"} <= set(JUDGES)


def test_images_too_small_for_a_window_have_no_score():
    tiny = noisy_photo(seed=1, height=10, width=40)
    assert np.isnan(ssim_y(tiny, tiny)) and np.isnan(ms_ssim_y(tiny, tiny))
    small = noisy_photo(seed=1, height=32, width=40)  # VIFp's four scales need 33 px
    assert np.isnan(vif_p(small, small)) and not np.isnan(ssim_y(small, small))
    flat = np.full((40, 40, 3), 90, np.uint8)  # no information to keep: 1 if kept, else 0
    assert vif_p(flat, flat) == 1.0 and vif_p(flat, flat + 10) == 0.0


def test_a_runs_judges_and_their_spreads_are_of_its_image_and_its_replicates():
    """Each judge scores the run's quantized image; its spread is the change to the refit's."""
    image = distinct_colours(noisy_photo(seed=5, height=48, width=64))
    settings = FitSettings(n_init=2, replicates=1)
    runs = list(kmeans_runs(image, "Lab", [3, 6], settings, name="photo"))
    # A replicate is the same fit with seed + 1: the run of seed 1 without replicates.
    refits = list(kmeans_runs(image, "Lab", [3, 6], FitSettings(n_init=2, seed=1, replicates=0),
                              name="photo"))  # fmt: skip
    pixels = noisy_photo(seed=5, height=48, width=64)
    for run, refit in zip(runs, refits, strict=True):
        quantized = run.result.quantized
        assert run.row["ssim_y"] == ssim_y(pixels, quantized)
        assert run.row["ms_ssim_y"] == ms_ssim_y(pixels, quantized)
        assert run.row["vif_p"] == vif_p(pixels, quantized)
        assert run.row["flip_mean"] == flip_mean(pixels, quantized)
        for judge, spread in SPREADS.items():
            assert run.row[spread] == pytest.approx(abs(run.row[judge] - refit.row[judge])), judge
    # The refits differ somewhere, or the spreads above would check nothing.
    assert any(run.row[spread] > 0 for run in runs for spread in SPREADS.values())
