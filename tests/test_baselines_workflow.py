"""The real `snakemake` with the classic quantizers next to k-means (the shared sweep)."""

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from colourquant.evaluate import evaluate_centres, make_reference
from colourquant.files import load_distinct
from colourquant.spaces import from_srgb8
from conftest import BASELINES, IMAGES, K_VALUES, METHODS, SPACES, THREE, run_default_config

pytestmark = pytest.mark.workflow


def test_metrics_table_has_rows_for_every_method(sweep):
    runs = pd.read_csv(sweep / "results/default/metrics.csv")
    counts = runs.groupby("method").size().to_dict()
    assert counts == {
        "kmeans": len(IMAGES) * len(SPACES) * len(K_VALUES),
        **{method: len(IMAGES) * len(K_VALUES) for method in BASELINES},
    }
    baselines = runs[runs["method"] != "kmeans"]
    assert (baselines["space"] == "-").all()
    assert baselines[["inertia", "inertia_normalised", "mse_rgb", "ssim"]].notna().all().all()
    assert runs["method"].drop_duplicates().tolist() == METHODS
    # The photo has a colour for every pixel: each method's k colours are distinct.
    photo = baselines[baselines["image"] == "photo"]
    assert (photo["k_effective"] == photo["k"]).all()
    # Three colours: Pillow's quantizers find min(k, 3); random draws may repeat one.
    flags = baselines[baselines["image"] == "flags"]
    capped = np.minimum(flags["k"], len(THREE))
    pillow = flags["method"] != "random_codebook"
    assert (flags[pillow]["k_effective"] == capped[pillow]).all()
    assert flags["k_effective"].between(1, capped).all()
    assert (baselines["fit_seconds"] > 0).all()


def test_baseline_metrics_are_those_of_evaluate_centres(sweep):
    """Recomputing each baseline run from its palette with k-means' code gives its row."""
    runs = pd.read_csv(sweep / "results/default/metrics.csv")
    for image in IMAGES:
        distinct, _ = load_distinct(sweep / f"results/default/prepared/{image}/distinct.npz")
        reference = make_reference(distinct, "RGB")
        for method in BASELINES:
            for k in K_VALUES:
                run = sweep / f"results/default/baselines/{image}/{method}/k{k}"
                hexes = pd.read_csv(run / "centres.csv")["srgb_hex"]
                palette = np.array([[int(h[i : i + 2], 16) for i in (1, 3, 5)] for h in hexes])
                result = evaluate_centres(reference, from_srgb8(palette.astype(np.uint8), "RGB"))
                row = runs[(runs["image"] == image) & (runs["method"] == method) & (runs["k"] == k)]
                for metric, value in result.metrics.items():
                    expected = pytest.approx(value, rel=1e-8, abs=1e-12, nan_ok=True)
                    assert row[metric].item() == expected, metric
                quantized = np.asarray(Image.open(run / "quantized.png").convert("RGB"))
                np.testing.assert_array_equal(quantized, result.quantized)
                assert (run / "palette.png").stat().st_size > 0


def test_methods_table_and_headline(sweep):
    table = pd.read_csv(sweep / "results/default/summary/methods.csv")
    assert list(table.columns) == [
        "k", "method", "space", "n_images", "mse_rgb", "delta_e2000_mean", "fit_seconds",
    ]  # fmt: skip
    assert len(table) == len(K_VALUES) * (len(SPACES) + len(BASELINES))
    assert table[table["method"] == "kmeans"]["space"].tolist() == SPACES * len(K_VALUES)
    assert (table["n_images"] == len(IMAGES)).all()
    assert table.notna().all().all()
    headline = pd.read_csv(sweep / "results/default/summary/headline.csv")
    assert sorted(set(headline["space"])) == sorted(SPACES)


def test_figures_and_report(sweep):
    for image in IMAGES:
        for figure in ("comparison.jpg", "quality.png"):
            with Image.open(sweep / f"results/default/figures/{image}/{figure}") as png:
                assert png.size[0] > 300 and png.size[1] > 200
    report = (sweep / "results/default/report.html").read_text()
    assert "k-means vs other methods" in report
    assert "results/default/report/methods.html" in report  # shown in the report, not downloaded
    assert "results/default/figures/photo/comparison_k4.jpg" in report


def test_pillow_quantizers_refuse_k_above_256_before_any_job(tmp_path):
    result = run_default_config(
        tmp_path, "--config", "k_values=[2,300]", "methods=[kmeans,octree]", "--cores", "1",
        "--dry-run",
    )  # fmt: skip
    assert result.returncode != 0
    message = "'k_values': octree builds at most 256 colours; got k = 300"
    assert message in result.stdout + result.stderr
