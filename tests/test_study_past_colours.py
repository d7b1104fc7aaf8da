"""The study where the sweep reaches past an image's number of colours: at such a k
every space reproduces the image exactly, so there is nothing to rank there."""

import numpy as np
import pandas as pd

from colourquant.study.plots import study_figures
from colourquant.study.thresholds import stop_differing
from test_judge_findings import judged_runs, sweep_tables


def test_study_figures_show_the_largest_k_below_every_images_colours():
    # Every image has 6 colours: the sweep's largest k (16) reproduces each exactly
    # and is left out of the study, so its figures show k = 8 instead of failing.
    runs = judged_runs({"delta_e2000_mean": "Lab"}, k_values=(4, 8, 16)).assign(n_unique=12)
    tables = sweep_tables(runs)
    assert sorted(set(tables["rank_tests"]["k"])) == [4, 8]
    differences = pd.DataFrame(
        [{"image": image, "k": k, "space_a": "RGB", "space_b": "Lab", "delta_e2000_mean": 2.0 / k}
         for image in dict.fromkeys(runs["image"]) for k in (4, 8, 16)]
    )  # fmt: skip
    colours = {"RGB": "tab:red", "Lab": "tab:blue"}
    figures = {
        name: figure
        for name, figure, _ in study_figures(tables, runs, differences, colours, largest_k=16)
    }
    title = figures["critical_difference_figure"].axes[0].get_title()
    assert title.startswith("mean ΔE00 at k = 8, 8 images"), title
    assert "At k = 8" in figures["characteristics_figure"]._suptitle.get_text()


def test_identical_images_stop_differing_where_the_seed_spread_was_not_measured():
    # At k = 16 both spaces reproduce the 12-colour image exactly (difference 0); the
    # study measured no seed spread there (the run is left out): the pair still stops
    # differing from k = 8, where the gap is within the spread.
    differences = pd.DataFrame(
        {
            "image": "a",
            "space_a": "RGB",
            "space_b": "Lab",
            "k": [4, 8, 16],
            "delta_e2000_mean": [3.0, 0.05, 0.0],
        }
    )
    runs = pd.DataFrame({"image": "a", "space": ["RGB", "Lab"] * 2, "k": [4, 4, 8, 8],
                         "seed_delta_e2000": [0.2, 0.2, 0.1, 0.1]})  # fmt: skip
    seed = stop_differing(differences, runs, thresholds=["seed"])
    assert seed["k_from"].tolist() == [8.0]
    # A gap that is not 0 where the spread is unknown is still no evidence of a tie.
    differences.loc[2, "delta_e2000_mean"] = 0.01
    assert np.isnan(stop_differing(differences, runs, thresholds=["seed"])["k_from"].iloc[0])
