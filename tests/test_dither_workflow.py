"""The real `snakemake` with `dither: [none, floyd_steinberg]`: every run of every
method also dithered onto its own palette, measured, drawn and compared by the study."""

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from colourquant.evaluate import evaluate_dithered, make_reference
from colourquant.files import load_distinct
from colourquant.runs import RUN_COLUMNS
from conftest import (
    THREE,
    TIMING_COLUMNS,
    finished_sweep,
    flat_colour_image,
    noisy_photo,
    sweep_config,
    write_images,
)

pytestmark = pytest.mark.workflow

IMAGES = {"photo": noisy_photo(seed=5), "flags": flat_colour_image(THREE), "waves": noisy_photo(9)}
SPACES = ["RGB", "Lab"]
K_VALUES = [2, 4]
METHODS = ["kmeans", "median_cut"]


def _config(**options):
    return sweep_config(list(IMAGES), SPACES, K_VALUES, methods=METHODS, **options)


@pytest.fixture(scope="module")
def dithered(tmp_path_factory):
    workdir = write_images(tmp_path_factory.mktemp("dithered"), IMAGES)
    config = _config(dither=["none", "floyd_steinberg"])
    return finished_sweep(workdir, config, report=True) / "results/default"


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    workdir = write_images(tmp_path_factory.mktemp("plain"), IMAGES)
    return finished_sweep(workdir, _config()) / "results/default"


def test_every_run_has_a_dithered_variant_in_the_metrics_table(dithered):
    runs = pd.read_csv(dithered / "metrics.csv")
    columns = list(runs.columns)
    assert columns[columns.index("method") + 1] == "dither"
    assert columns == [column for column in RUN_COLUMNS if column in runs]
    keys = ["image", "method", "space", "k"]
    variants = runs.groupby(keys)["dither"].agg(list)
    assert len(variants) == len(IMAGES) * len(K_VALUES) * (len(SPACES) + 1)
    assert (variants.map(tuple) == ("none", "floyd_steinberg")).all()
    # The seed noise measures the undithered fit: empty on the dithered rows.
    assert runs.loc[runs["dither"] != "none", "seed_delta_e2000"].isna().all()
    assert runs.loc[runs["dither"] == "none", "seed_delta_e2000"].notna().any()


def test_undithered_rows_equal_a_sweep_without_dithering(dithered, plain):
    runs = pd.read_csv(dithered / "metrics.csv")
    undithered = runs[runs["dither"] == "none"].drop(columns=["dither", *TIMING_COLUMNS])
    expected = pd.read_csv(plain / "metrics.csv").drop(columns=TIMING_COLUMNS)
    assert "dither" not in expected
    pd.testing.assert_frame_equal(undithered.reset_index(drop=True), expected)
    # The undithered run files are those of the sweep without dithering.
    for path in ["runs/photo/Lab/k4/quantized.png", "baselines/photo/median_cut/k2/quantized.png"]:
        with Image.open(dithered / path) as a, Image.open(plain / path) as b:
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


@pytest.mark.parametrize(
    "run_dir, space", [("runs/photo/Lab/k4", "Lab"), ("baselines/waves/median_cut/k4", "RGB")]
)
def test_a_dithered_run_is_the_same_palette_dithered_and_measured(dithered, run_dir, space):
    """The variant's files hold the fit's palette, its pixels dithered in the run's
    space, and metrics that are evaluate_dithered's on those centres and differ
    from the undithered run's."""
    image = run_dir.split("/")[1]
    distinct, _ = load_distinct(dithered / f"prepared/{image}/distinct.npz")
    centres = pd.read_csv(dithered / run_dir / "centres.csv")
    expected = evaluate_dithered(
        make_reference(distinct, space),
        centres[["centre_0", "centre_1", "centre_2"]].to_numpy(),
        "floyd_steinberg",
    )
    row = pd.read_csv(dithered / run_dir / "floyd_steinberg/metrics.csv").iloc[0]
    plain_row = pd.read_csv(dithered / run_dir / "metrics.csv").iloc[0]
    assert row["dither"] == "floyd_steinberg" and row["k"] == plain_row["k"]
    for column in ["delta_e2000_mean", "psnr", "ssim_y", "inertia"]:
        assert row[column] == pytest.approx(expected.metrics[column], rel=1e-6), column
        assert row[column] != pytest.approx(plain_row[column], rel=1e-3), column
    with Image.open(dithered / run_dir / "floyd_steinberg/quantized.png") as file:
        pixels = np.asarray(file.convert("RGB"))
    with Image.open(dithered / run_dir / "quantized.png") as file:
        plain_pixels = np.asarray(file.convert("RGB"))
    np.testing.assert_array_equal(pixels, expected.quantized)
    assert (pixels != plain_pixels).any(axis=2).mean() > 0.05
    # The same palette: every dithered pixel is one of the fit's colours.
    palette = {tuple(bytes.fromhex(hex_colour.lstrip("#"))) for hex_colour in centres["srgb_hex"]}
    assert {tuple(colour) for colour in pixels.reshape(-1, 3)} <= palette


def test_each_variant_has_its_figures_and_the_report_shows_both(dithered):
    from colourquant.plots import FIGURE_DPI  # noqa: F401 - the figures' module imports

    for image in IMAGES:
        for name in ["comparison", *(f"comparison_k{k}" for k in K_VALUES)]:
            undithered = dithered / f"figures/{image}/{name}.jpg"
            variant = dithered / f"figures/{image}/floyd_steinberg/{name}.jpg"
            assert variant.stat().st_size > 0 and variant.read_bytes() != undithered.read_bytes()
        for k in K_VALUES:
            with Image.open(dithered / f"figures/{image}/dithering_k{k}.png") as figure:
                # Two columns of runs besides the original: wider than tall for 3 rows.
                assert figure.width > 600 and figure.height > 600
    report = (dithered / "report.html").read_text()
    for label in ['"dither"', "floyd_steinberg", "Dithering", "dithering_k4.png"]:
        assert label in report, label


def test_the_study_compares_the_variants(dithered):
    from colourquant.study.dithering import dither_differences

    # An empty note reads back as NaN.
    differences = pd.read_csv(dithered / "study/dither_differences.csv").fillna({"note": ""})
    runs = pd.read_csv(dithered / "metrics.csv")
    # The table is the study function's on the sweep's own metrics table.
    expected = dither_differences(runs, seed=0)
    pd.testing.assert_frame_equal(differences, expected, check_dtype=False, rtol=1e-9)
    assert set(differences["space"]) == set(SPACES) and set(differences["k"]) == set(K_VALUES)
    by_variant = pd.read_csv(dithered / "study/paired_differences_by_dither.csv")
    assert list(by_variant["dither"].unique()) == ["none", "floyd_steinberg"]
    # The undithered rows are the study's own paired differences.
    plain = pd.read_csv(dithered / "study/paired_differences.csv")
    undithered = by_variant[by_variant["dither"] == "none"].drop(columns="dither")
    pd.testing.assert_frame_equal(
        undithered.reset_index(drop=True), plain, check_dtype=False, rtol=1e-9
    )
    findings = (dithered / "study/dither_findings.txt").read_text()
    assert findings.startswith("At k = 2, the best space by mean ΔE00 is ")
    assert "with Floyd–Steinberg dithering" in findings
    # flags has three colours: at k = 4 it is left out, as in the study.
    assert "Over 2 to 3 images, by k, only" in findings
    assert (dithered / "report/dither_differences.html").exists()
