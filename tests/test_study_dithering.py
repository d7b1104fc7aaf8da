"""The study of dithered variants on constructed runs whose answers are known."""

import numpy as np
import pandas as pd
import pytest

from colourquant.study.dithering import (
    DITHER_COLUMNS,
    dither_differences,
    dither_sentences,
    dither_stops_mattering,
    variant_paired_differences,
)

IMAGES = [f"image{i}" for i in range(12)]
K_VALUES = [2, 4, 8, 16]
# Dithering's change of mean ΔE00 per space and k (the same in every image, give or take
# noise of ±0.05): large at small k, within one just-noticeable difference from k = 8 in
# Lab and from k = 16 in RGB.
CHANGE = {"RGB": {2: 0.5, 4: 2.0, 8: 1.5, 16: 0.3}, "Lab": {2: 3.0, 4: 2.5, 8: 0.6, 16: 0.2}}


def constructed_runs() -> pd.DataFrame:
    """Undithered: Lab beats RGB by 1.0 at every k. Dithered, Lab's change is the larger at
    k = 2, so RGB wins there (by 1.5); Lab still wins at 4, 8 and 16 (by 0.5, 1.9, 1.1)."""
    rng = np.random.default_rng(0)
    rows = []
    for image in IMAGES:
        base = rng.uniform(4, 8)
        for k in K_VALUES:
            for space, lead in (("RGB", 0.0), ("Lab", -1.0)):
                plain = base - k / 8 + lead + rng.uniform(-0.05, 0.05)
                dithered = plain + CHANGE[space][k] + rng.uniform(-0.05, 0.05)
                for dither, value in (("none", plain), ("ordered", dithered)):
                    rows.append({"image": image, "space": space, "method": "kmeans", "k": k,
                                 "dither": dither, "delta_e2000_mean": value})  # fmt: skip
    # A classic quantizer's rows are not the study's.
    rows.append({"image": IMAGES[0], "space": "-", "method": "median_cut", "k": 2,
                 "dither": "ordered", "delta_e2000_mean": 99.0})  # fmt: skip
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def runs():
    return constructed_runs()


def test_dither_differences_are_the_paired_changes(runs):
    table = dither_differences(runs, metrics=["delta_e2000_mean"], n_boot=2000)
    assert list(table.columns) == list(DITHER_COLUMNS)
    assert set(table["dither"]) == {"ordered"} and len(table) == len(K_VALUES) * 2
    kmeans = runs[runs["method"] == "kmeans"]
    for row in table.itertuples():
        own = kmeans[(kmeans["space"] == row.space) & (kmeans["k"] == row.k)]
        paired = own.pivot(index="image", columns="dither", values="delta_e2000_mean")
        expected = (paired["ordered"] - paired["none"]).mean()
        assert row.mean_difference == pytest.approx(expected)
        assert abs(row.mean_difference - CHANGE[row.space][row.k]) < 0.05
        assert row.ci_low <= row.mean_difference <= row.ci_high
        assert row.n_images == len(IMAGES)
        # Every change is positive: dithering loses in every image.
        assert (row.wins, row.ties, row.losses) == (0, 0, len(IMAGES))


def test_dithering_stops_mattering_where_the_changes_stay_within_a_jnd(runs):
    table = dither_differences(runs, metrics=["delta_e2000_mean"], n_boot=2000)
    stops = dither_stops_mattering(table).set_index("space")["from_k"]
    assert stops.to_dict() == {"RGB": 16.0, "Lab": 8.0}


def test_the_ranking_change_is_found_where_it_was_built(runs):
    by_variant = variant_paired_differences(
        runs, reference="RGB", metrics=["delta_e2000_mean"], seed=0
    )
    assert list(by_variant["dither"].unique()) == ["none", "ordered"]
    at = by_variant.set_index(["dither", "k"])["mean_difference"]  # Lab - RGB
    assert at[("none", 2)] == pytest.approx(-1.0, abs=0.05)
    assert at[("ordered", 2)] == pytest.approx(-1.0 + 3.0 - 0.5, abs=0.05)
    assert at[("ordered", 16)] == pytest.approx(-1.0 + 0.2 - 0.3, abs=0.05)
    differences = dither_differences(runs, metrics=["delta_e2000_mean"], n_boot=2000)
    first, last, fine_from = dither_sentences(by_variant, differences)
    assert first.startswith("At k = 2, the best space by mean ΔE00 is Lab without dithering (clear")
    assert "RGB with ordered Bayer dithering (clear)" in first
    assert first.endswith("Ordered Bayer dithering changes which space is best.")
    assert "Lab without dithering" in last and "Lab with ordered Bayer dithering" in last
    assert last.endswith("keeps the same best space.")
    assert "from k = 16 in RGB, from k = 8 in Lab" in fine_from
    # Twelve images: no caveat about few images.
    assert "rough" not in " ".join([first, last, fine_from])


def test_a_runs_table_without_variants_is_refused_in_one_line(runs):
    with pytest.raises(ValueError, match="no 'dither' column: configure `dither` variants"):
        dither_differences(runs.drop(columns="dither"))
    with pytest.raises(ValueError, match="no undithered"):
        dither_differences(runs[runs["dither"] != "none"])
