"""The study where the sweep reaches past an image's number of colours: at such a k
every space reproduces the image exactly, so there is nothing to rank there."""

import numpy as np
import pandas as pd

from colourquant.colours import distinct_colours
from colourquant.study.answers import answers
from colourquant.study.plots import study_figures
from colourquant.study.sweep import findings_texts, study_tables
from colourquant.study.thresholds import stop_differing
from conftest import noisy_photo
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


def test_a_judge_stop_not_reached_is_said_at_the_largest_k_compared_not_swept():
    # Every image has 12 colours and the sweep goes to k = 16: the study compares the spaces
    # up to k = 8. By ꟻLIP, Lab is 10 % closer than RGB everywhere (far beyond the spread),
    # except that at k = 8 the two tie in 6 of the 8 images.
    runs = judged_runs({"delta_e2000_mean": "Lab", "flip_mean": "Lab"}, k_values=(4, 8, 16))
    runs = runs.assign(n_unique=12)
    tied = (runs["k"] == 8) & runs["image"].isin([f"image{i}" for i in range(6)])
    runs.loc[tied & (runs["space"] == "Lab"), "flip_mean"] = runs.loc[
        tied & (runs["space"] == "RGB"), "flip_mean"
    ].to_numpy()
    names = list(dict.fromkeys(runs["image"]))
    images = {name: distinct_colours(noisy_photo(seed=i)) for i, name in enumerate(names)}
    differences = pd.DataFrame(
        [{"image": image, "k": k, "space_a": "RGB", "space_b": "Lab", "delta_e2000_mean": 2.0 / k}
         for image in names for k in (4, 8, 16)]
    )  # fmt: skip
    tables = study_tables(runs, differences, images, reference="RGB")
    summary = tables["stop_differing_summary"].set_index("threshold")
    flip = summary.loc["flip_mean", ["n_images", "n_reached", "k_max_swept"]]
    assert flip.tolist() == [8, 6, 8]
    assert summary.loc["jnd", "k_max_swept"] == 16
    texts = findings_texts(tables)
    paragraphs = texts["all_findings"].rstrip("\n").split("\n\n")
    compared = (
        "RGB and Lab: their mean ꟻLIP scores stay within the seed spread from k = 8 on in 6 of 8 "
        "images; in the other 2, not even at k = 8, the largest k compared (the study leaves out "
        "each k at or above an image's number of colours)."
    )
    assert compared in texts["findings"].splitlines()
    assert compared in paragraphs
    # By mean ΔE00 the spaces never tie: said once, also at the largest k compared.
    never = (
        "RGB and Lab: their mean ΔE00 scores are not within the seed spread at k = 8, the "
        "largest k compared (the study leaves out each k at or above an image's number of "
        "colours), in any of the 8 images."
    )
    assert never in paragraphs
    assert "k = 8, the largest k swept" not in texts["findings"] + texts["all_findings"]
    # The front page's answer names k = 8 the most colours compared, not swept.
    which = " ".join(answers(tables, differences)["which_space"])
    assert "At k = 8 (the most colours compared; larger k reproduce the images exactly), " in which
    assert "most colours swept" not in which
