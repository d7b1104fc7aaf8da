"""The real `snakemake`: exploration outputs and differences between spaces (the shared sweep)."""

from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from conftest import IMAGES, K_VALUES, SPACES

pytestmark = pytest.mark.workflow

CHANNELS = {
    "RGB": ["R", "G", "B"],
    "HSV": ["C·cos h", "C·sin h", "V"],
    "HSV-naive": ["H", "S", "V"],
}


def test_correlation_tables_are_symmetric_with_named_channels(sweep):
    assert list(CHANNELS) == SPACES
    for image in IMAGES:
        for space in SPACES:
            table = pd.read_csv(
                sweep / f"results/default/exploration/{image}/{space}/correlation.csv"
            )
            assert table["channel"].tolist() == CHANNELS[space]
            assert table.columns.tolist() == ["channel", *CHANNELS[space]]
            matrix = table[CHANNELS[space]].to_numpy()
            np.testing.assert_allclose(matrix, matrix.T)
            np.testing.assert_allclose(np.diag(matrix), 1.0)
            assert (np.abs(matrix) <= 1).all()


def test_exploration_and_differences_figures_exist(sweep):
    for image in IMAGES:
        for figure in [f"exploration/{space}.jpg" for space in SPACES] + ["differences.png"]:
            with Image.open(sweep / f"results/default/figures/{image}/{figure}") as png:
                assert png.size[0] > 600 and png.size[1] > 400


def test_differences_have_a_row_per_k_and_pair_of_spaces(sweep):
    for image in IMAGES:
        table = pd.read_csv(sweep / f"results/default/differences/{image}.csv")
        assert table[["image", "k", "space_a", "space_b"]].values.tolist() == [
            [image, k, a, b] for k in K_VALUES for a, b in combinations(SPACES, 2)
        ]
        assert ((table["delta_e2000_mean"] >= 0) & (table["delta_e2000_mean"] < 100)).all()
    # Three colours at k = 4: every space finds them, so the quantized images agree.
    flags = pd.read_csv(sweep / "results/default/differences/flags.csv")
    assert (flags[flags["k"] == 4]["delta_e2000_mean"] == 0).all()


def test_report_shows_exploration_and_explains_naive_hsv(sweep):
    report = (sweep / "results/default/report.html").read_text()
    assert "Exploration" in report and "Colour space differences" in report
    assert "The rows ending in -naive" in report
    assert "The line of HSV vs HSV-naive" in report
    assert "reds sit at both ends of the H axis" in report
