"""The real `snakemake` on a tiny config: exploration outputs and differences between spaces."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from conftest import noisy_photo, run_workflow, write_png

SPACES = ["HSV", "HSV-naive"]
K_VALUES = [2, 3]
CHANNELS = {"HSV": ["C·cos h", "C·sin h", "V"], "HSV-naive": ["H", "S", "V"]}


@pytest.fixture(scope="module")
def explored(tmp_path_factory) -> Path:
    """A finished sweep of one small photo in HSV and HSV-naive, plus its report."""
    workdir = tmp_path_factory.mktemp("explore")
    write_png(workdir / "photo.png", noisy_photo(seed=0))
    config = {
        "images": [{"name": "photo", "source": "photo.png"}],
        "colour_spaces": SPACES,
        "k_values": K_VALUES,
    }
    # Only what this file checks (the comparison figure carries the -naive caption),
    # plus the report's front page.
    targets = [
        "results/summary/front_page.rst",
        *(f"results/figures/photo/exploration/{space}.png" for space in SPACES),
        "results/figures/photo/differences.png",
        "results/figures/photo/comparison.png",
    ]
    # Targets after an option with one value: --configfile would take them as config files.
    run_workflow(workdir, config, "--cores", "2", *targets)
    run_workflow(workdir, config, "--report", "results/report.html", *targets)
    return workdir


def test_correlation_tables_are_symmetric_with_named_channels(explored):
    for space in SPACES:
        table = pd.read_csv(explored / f"results/exploration/photo/{space}/correlation.csv")
        assert table["channel"].tolist() == CHANNELS[space]
        assert table.columns.tolist() == ["channel", *CHANNELS[space]]
        matrix = table[CHANNELS[space]].to_numpy()
        np.testing.assert_allclose(matrix, matrix.T)
        np.testing.assert_allclose(np.diag(matrix), 1.0)
        assert (np.abs(matrix) <= 1).all()


def test_exploration_and_differences_figures_exist(explored):
    for figure in [f"exploration/{space}" for space in SPACES] + ["differences"]:
        with Image.open(explored / f"results/figures/photo/{figure}.png") as png:
            assert png.size[0] > 600 and png.size[1] > 400


def test_differences_have_a_row_per_k_and_pair_of_spaces(explored):
    table = pd.read_csv(explored / "results/differences/photo.csv")
    assert table[["image", "k", "space_a", "space_b"]].values.tolist() == [
        ["photo", k, "HSV", "HSV-naive"] for k in K_VALUES
    ]
    assert ((table["delta_e2000_mean"] >= 0) & (table["delta_e2000_mean"] < 100)).all()


def test_report_shows_exploration_and_explains_naive_hsv(explored):
    report = (explored / "results/report.html").read_text()
    assert "Exploration" in report and "Colour space differences" in report
    assert "The rows ending in -naive" in report
    assert "The line of HSV vs HSV-naive" in report
    assert "reds sit at both ends of the H axis" in report
