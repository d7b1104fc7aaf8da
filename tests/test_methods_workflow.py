"""The real `snakemake` with every method: clusterers in every space, classic quantizers once."""

import importlib.util

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from colourquant.evaluate import evaluate_centres, make_reference
from colourquant.files import load_distinct
from colourquant.methods import method_names
from conftest import (
    THREE,
    finished_sweep,
    flat_colour_image,
    noisy_photo,
    sweep_config,
    write_images,
)

pytestmark = pytest.mark.workflow

CLUSTERERS = method_names("clusterer")
BASELINES = method_names("quantizer")

SPACES = ["RGB", "Lab"]
K_VALUES = [2, 4]
HAS_LIBIMAGEQUANT = importlib.util.find_spec("imagequant") is not None
# Every method; libimagequant when its optional package is installed.
METHODS = [
    "kmeans",
    *CLUSTERERS,
    *(method for method in BASELINES if method != "libimagequant" or HAS_LIBIMAGEQUANT),
]


@pytest.fixture(scope="module")
def every_method(tmp_path_factory):
    images = {"photo": noisy_photo(seed=3), "flags": flat_colour_image(THREE)}
    workdir = write_images(tmp_path_factory.mktemp("methods"), images)
    config = sweep_config(list(images), SPACES, K_VALUES, methods=METHODS)
    return finished_sweep(workdir, config, report=True) / "results/default"


def test_every_method_has_its_runs_and_figures_rows(every_method):
    runs = pd.read_csv(every_method / "metrics.csv")
    assert runs["method"].drop_duplicates().tolist() == METHODS
    counts = runs.groupby("method").size().to_dict()
    per_space = len(SPACES) * len(K_VALUES) * 2
    assert counts == {
        method: per_space if method == "kmeans" or method in CLUSTERERS else len(K_VALUES) * 2
        for method in METHODS
    }
    clusterers = runs[runs["method"].isin(list(CLUSTERERS))]
    assert sorted(clusterers["space"].unique()) == sorted(SPACES)
    assert (runs.loc[runs["method"].isin(list(BASELINES)), "space"] == "-").all()
    assert (runs["fit_seconds"] > 0).all()
    # Three flat colours at k = 4: every method but the random draw finds them all.
    flags = runs[(runs["image"] == "flags") & (runs["k"] == 4)]
    exact = flags[flags["method"] != "random_codebook"]
    assert (exact["k_effective"] == 3).all(), exact[["method", "space", "k_effective"]]
    assert (exact["mse_rgb"] == 0).all(), exact[["method", "space", "mse_rgb"]]

    table = pd.read_csv(every_method / "summary/methods.csv")
    assert len(table) == len(K_VALUES) * (
        len(SPACES) * (1 + len(CLUSTERERS)) + len(METHODS) - 1 - len(CLUSTERERS)
    )
    assert table["method"].drop_duplicates().tolist() == METHODS
    report = (every_method / "report.html").read_text()
    assert "k-means vs other methods" in report
    front_page = (every_method / "summary/front_page.rst").read_text()
    if HAS_LIBIMAGEQUANT:
        from colourquant.methods.quantizers import libimagequant_version

        assert f"libimagequant {libimagequant_version()}" in front_page
    for image in ("photo", "flags"):
        with Image.open(every_method / f"figures/{image}/comparison.jpg") as figure:
            # A row per space and per other method, each as high as the rest.
            assert figure.size[1] > 300


def test_clusterer_rows_are_their_centres_evaluated_like_kmeans(every_method):
    """Each run's image and row, recomputed from its written centres by k-means' evaluation."""
    runs = pd.read_csv(every_method / "metrics.csv")
    distinct, _ = load_distinct(every_method / "prepared/photo/distinct.npz")
    # Not the Gaussian mixture: it assigns colours to their most likely component.
    for method in ["minibatch_kmeans", "bisecting_kmeans", "ward", "kmeans_wu"]:
        for space in SPACES:
            run = every_method / f"clusterers/photo/{method}/{space}/k4"
            centres = pd.read_csv(run / "centres.csv")[["centre_0", "centre_1", "centre_2"]]
            result = evaluate_centres(make_reference(distinct, space), centres.to_numpy())
            quantized = np.asarray(Image.open(run / "quantized.png").convert("RGB"))
            np.testing.assert_array_equal(quantized, result.quantized)
            row = runs[(runs["method"] == method) & (runs["space"] == space)
                       & (runs["image"] == "photo") & (runs["k"] == 4)]  # fmt: skip
            for metric in ("inertia", "mse_rgb", "delta_e2000_mean"):
                assert row[metric].item() == pytest.approx(result.metrics[metric], rel=1e-9)
