"""The real `snakemake` on small configs: outputs, report, user configs and bad input."""

import numpy as np
import pandas as pd
import pytest
import yaml
from PIL import Image

from conftest import (
    IMAGES,
    K_VALUES,
    PHOTO_SHAPE,
    SPACES,
    noisy_photo,
    run_default_config,
    run_workflow,
    sweep_config,
    write_images,
)

pytestmark = pytest.mark.workflow


def kmeans_runs(sweep) -> pd.DataFrame:
    """The shared sweep's k-means rows (its classic quantizers are test_baselines_workflow's)."""
    runs = pd.read_csv(sweep / "results/default/metrics.csv")
    return runs[runs["method"] == "kmeans"]


def test_metrics_table_has_one_row_per_run(sweep):
    runs = kmeans_runs(sweep)
    assert len(runs) == len(IMAGES) * len(SPACES) * len(K_VALUES)
    assert set(zip(runs["image"], runs["space"], runs["k"], strict=True)) == {
        (image, space, k) for image in IMAGES for space in SPACES for k in K_VALUES
    }
    assert (runs["mode"] == "exact").all()
    assert set(runs.columns) >= {
        "image", "space", "method", "k", "mode", "n_pixels", "n_unique", "k_effective",
        "inertia", "inertia_normalised", "n_iter", "fit_seconds", "mse_rgb", "psnr",
        "delta_e2000_mean", "delta_e2000_p95", "ssim", "seed", "seed_delta_e2000",
        "delta_e2000_mean_seed_change",
        "source_mode", "alpha", "n_frames", "colour_profile",
    }  # fmt: skip
    assert (runs["colour_profile"] == "none").all()


def test_seed_noise_is_zero_where_chance_has_no_say(sweep):
    runs = kmeans_runs(sweep).set_index(["image", "space", "k"])
    noise = runs["seed_delta_e2000"]
    assert noise.notna().all() and (noise >= 0).all() and (noise < 100).all()
    # Three colours at k = 4: every seed gives the three colours back.
    assert (noise.loc["flags"].xs(4, level="k") == 0).all()
    # A photo: some other seed ends in another local optimum (a replicate
    # fitted with the same seed would give 0 everywhere).
    assert (noise.loc["photo"] > 0).any()


def test_sample_mode_without_seed_noise_and_k_means_only_by_default(tmp_path):
    write_images(tmp_path, {"photo": noisy_photo(seed=5)})
    config = sweep_config(
        ["photo"], ["RGB", "Lab"], [2, 3], fit={"mode": "sample", "replicates": 0}
    )
    run_workflow(tmp_path, config, "--cores", "2")
    runs = pd.read_csv(tmp_path / "results/default/metrics.csv")
    assert (runs["mode"] == "sample").all() and (runs["restarts_on"] == "points").all()
    assert (runs["n_fit_pixels"] == round(0.05 * runs["n_pixels"])).all()
    assert "seed_delta_e2000" not in runs.columns
    # The whole sweep, study included, finishes without replicates (the study
    # once failed for want of their column); the seed threshold says why it is empty.
    stops = pd.read_csv(tmp_path / "results/default/study/stop_differing.csv")
    seed = stops[stops["threshold"] == "seed"]
    assert len(seed) == 1 and seed["note"].tolist() == ["seed spread not measured"]
    # A config without `methods` runs k-means alone.
    assert (runs["method"] == "kmeans").all()


def test_normalised_inertia_is_at_most_one_and_falls_with_k(sweep):
    # Not so for a random codebook: its colours are pixels, not means.
    runs = kmeans_runs(sweep)
    assert (runs["inertia_normalised"] <= 1).all()
    assert (runs["inertia_normalised"] >= 0).all()
    assert runs.groupby(["image", "space"]).ngroups == len(IMAGES) * len(SPACES)
    for _, curve in runs.groupby(["image", "space"]):
        values = curve.sort_values("k")["inertia_normalised"].to_numpy()
        assert (np.diff(values) <= 1e-12).all(), curve


def test_k_above_the_number_of_colours_is_capped_and_exact(sweep):
    runs = kmeans_runs(sweep).set_index(["image", "space", "k"]).sort_index()
    for space in SPACES:
        capped = runs.loc[("flags", space, 4)]
        assert capped["k_effective"] == 3
        assert capped["inertia"] == pytest.approx(0, abs=1e-15)
        assert capped["mse_rgb"] == 0
    assert runs.loc[("photo", "RGB", 4), "k_effective"] == 4
    assert (runs.loc["photo", "n_pixels"] == PHOTO_SHAPE[0] * PHOTO_SHAPE[1]).all()


def test_quantized_images_have_at_most_k_colours(sweep):
    for image in IMAGES:
        for space in SPACES:
            for k in K_VALUES:
                run = sweep / f"results/default/runs/{image}/{space}/k{k}"
                pixels = np.asarray(Image.open(run / "quantized.png").convert("RGB")).reshape(-1, 3)
                assert 1 <= len(np.unique(pixels, axis=0)) <= k
                centres = pd.read_csv(run / "centres.csv")
                assert centres["pixel_share"].sum() == pytest.approx(1.0)
                assert (np.diff(centres["pixel_share"]) <= 0).all()
                assert (run / "palette.png").stat().st_size > 0


def test_quantized_flag_image_at_k3_or_more_is_the_original(sweep):
    original = np.asarray(Image.open(sweep / "flags.png"))
    quantized = Image.open(sweep / "results/default/runs/flags/HSV/k4/quantized.png")
    assert quantized.mode == "P"  # at most 256 colours: stored as palette indices
    quantized = np.asarray(quantized.convert("RGB"))
    np.testing.assert_array_equal(quantized, original)


def test_figures_and_curves_exist(sweep):
    for image in IMAGES:
        for figure in ("comparison.jpg", "inertia.png", "quality.png"):
            with Image.open(sweep / f"results/default/figures/{image}/{figure}") as png:
                assert png.size[0] > 300 and png.size[1] > 200
        for space in SPACES:
            curve = pd.read_csv(sweep / f"results/default/curves/{image}/{space}.csv")
            assert curve["k"].tolist() == K_VALUES
            assert curve["is_elbow"].sum() <= 1
    assert (sweep / "results/default/figures/inertia_overview.png").is_file()


def test_report_is_built_and_mentions_every_image(sweep):
    report = (sweep / "results/default/report.html").read_text()
    assert len(report) > 100_000
    for name in IMAGES:
        assert name in report
    headline = pd.read_csv(sweep / "results/default/summary/headline.csv")
    assert len(headline) == len(SPACES) * len(K_VALUES)
    assert "The grey bars indicate how much" in report
    front_page = (sweep / "results/default/summary/front_page.rst").read_text()
    assert "scikit-learn" in front_page and "Experiment **default**: 2 images" in front_page
    # Two images are too few for the study's tests: the findings say so, not claim.
    assert "the Friedman test was skipped" in front_page
    study = sweep / "results/default/study"
    assert "the Friedman test was skipped" in (study / "findings.txt").read_text()
    assert "\n\n" in (study / "all_findings.txt").read_text()  # a paragraph per finding
    figures = sorted(p.name for p in (sweep / "results/default/figures/study").iterdir())
    assert figures == [
        "characteristics.png",
        "convergence.png",
        "critical_difference.png",
        "differences_from_reference.png",
        "ranks.png",
    ]
    recorded = yaml.safe_load((sweep / "results/default/config.yaml").read_text())
    assert recorded["colour_spaces"] == SPACES and recorded["experiment"] == "default"


def test_user_configfile_runs_only_its_own_images(sweep):
    assert sorted(p.name for p in (sweep / "results/default/prepared").iterdir()) == sorted(IMAGES)
    assert set(pd.read_csv(sweep / "results/default/metrics.csv")["image"]) == set(IMAGES)


def test_nothing_left_to_do_after_a_sweep(sweep):
    config = yaml.safe_load((sweep / "config.yaml").read_text())
    result = run_workflow(sweep, config, "--cores", "1", "--dry-run")
    assert "Nothing to be done" in result.stdout + result.stderr


def test_bad_images_fail_clearly_and_the_others_finish(tmp_path):
    write_images(tmp_path, {"good": noisy_photo(seed=1)})
    (tmp_path / "text.png").write_text("not an image")
    config = sweep_config(["good", "text"], ["RGB"], [2])
    config["images"].append({"name": "missing", "source": "nowhere.png"})  # no such file
    result = run_workflow(tmp_path, config, "--cores", "2", "--keep-going", check=False)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "image 'missing': 'nowhere.png' does not exist" in output
    assert "image 'text': 'text.png' is not an image file Pillow can read" in output
    assert (tmp_path / "results/default/runs/good/RGB/k2/metrics.csv").is_file()
    assert (tmp_path / "results/default/figures/good/comparison.jpg").is_file()
    # The end of the output lists every failed job with its image's message.
    summary = result.stderr[result.stderr.index("colourquant: failed in this run:") :]
    assert (
        "results/default/logs/prepare_image/missing.log: image 'missing': 'nowhere.png'" in summary
    )
    assert (
        "results/default/logs/prepare_image/text.log: image 'text': 'text.png' is not an" in summary
    )
    assert "good" not in summary.split("Fix what the messages name")[0]
    for bad in ("missing", "text"):
        assert not (tmp_path / f"results/default/prepared/{bad}").exists()


@pytest.mark.parametrize(
    "override, message",
    [
        ("colour_spaces=[RGB,Lab2]", "'colour_spaces[1]': 'Lab2' is not allowed; allowed: RGB"),
        ("k_values=[0,2]", "'k_values[0]': 0 is less than the minimum of 1"),
        ("k_values=[two]", "'k_values[0]': 'two' is not of type 'integer'"),
        ("fit={mode: fast}", "'fit.mode': 'fast' is not allowed; allowed: exact, sample"),
    ],
)
def test_invalid_config_stops_before_any_job(tmp_path, override, message):
    result = run_default_config(tmp_path, "--config", override, "--cores", "1")
    assert result.returncode != 0
    assert f"invalid configuration: config key {message}" in result.stderr
    assert not (tmp_path / "results").exists()
