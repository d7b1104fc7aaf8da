"""The study's statistics (issue 13) on constructed tables whose answers are known."""

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from colourquant.colours import distinct_colours
from colourquant.study import (
    characteristic_correlations,
    characteristics_table,
    colourfulness,
    critical_difference,
    critical_difference_figure,
    findings,
    friedman_test,
    hue_entropy,
    image_characteristics,
    image_differences,
    nemenyi_p_values,
    outcomes,
    paired_differences,
    rank_table,
    rank_tests,
    stop_differing,
    stop_differing_summary,
    tied_ranks,
)
from colourquant.study.findings import (
    interval_verdict,
    judge_verdicts,
    k_phrase,
    number,
    p_phrase,
    paired_sentence,
    ranking_sentences,
    stop_sentence,
)

ERROR = "delta_e2000_mean"
SPREAD = "delta_e2000_mean_seed_change"


def runs_table(values: dict, k_values=(4,), spreads: dict | None = None) -> pd.DataFrame:
    """A tidy runs table: `values[space]` is mean ΔE00 per image (n,) or per image and k (n, n_k).

    PSNR is ``40 - ΔE00`` so that it ranks the spaces the same way, higher being
    better; `spreads[space]` (same shapes) fills the seed-change column.
    """
    rows = []
    for space, space_values in values.items():
        space_values = np.asarray(space_values, dtype=float).reshape(-1, len(k_values))
        for image, per_k in enumerate(space_values):
            for column, k in enumerate(k_values):
                row = {"image": f"image{image}", "space": space, "method": "kmeans", "k": k}
                row[ERROR] = per_k[column]
                row["psnr"] = 40.0 - per_k[column]
                if spreads is not None:
                    spread = np.asarray(spreads[space], dtype=float).reshape(space_values.shape)
                    row[SPREAD] = spread[image, column]
                rows.append(row)
    return pd.DataFrame(rows)


def one_better_everywhere(n_images=10, seed=3):
    """Lab is 0.5 lower in mean ΔE00 than every other space in every image."""
    rng = np.random.default_rng(seed)
    base = rng.uniform(2, 6, n_images)
    return {
        "RGB": base + rng.normal(0, 0.05, n_images),
        "Lab": base - 0.5,
        "HSV": base + rng.normal(0, 0.05, n_images),
        "OKLab": base + rng.normal(0, 0.05, n_images),
    }


# Ranks and ties ------------------------------------------------------------------------------


def test_tied_ranks_without_spreads_are_scipys_average_ranks():
    values = np.random.default_rng(0).integers(0, 4, size=(20, 5)).astype(float)
    assert np.array_equal(tied_ranks(values), stats.rankdata(values, axis=1))
    assert np.array_equal(
        tied_ranks(values, lower_is_better=False), stats.rankdata(-values, axis=1)
    )


def test_two_runs_tie_when_their_gap_is_no_larger_than_the_larger_spread():
    # 1.25 - 1.0 is exact in binary: the gap equals the spread and ties.
    assert outcomes(1.0, 1.25, 0.25, 0.0).tolist() == 0
    assert outcomes(1.0, 1.25, 0.0, 0.25).tolist() == 0
    assert outcomes(1.0, 1.25, 0.2, 0.1).tolist() == 1
    assert outcomes(1.25, 1.0, 0.2, 0.1).tolist() == -1
    assert outcomes(30.0, 31.0, 0.5, 0.5, lower_is_better=False).tolist() == -1


def test_a_chain_of_ties_gives_pairwise_ranks_that_still_add_up():
    # b is within the spread of a and c; a and c are not within it of each other.
    ranks = tied_ranks([[1.0, 1.08, 1.16]], [[0.1, 0.1, 0.1]])
    assert ranks.tolist() == [[1.5, 2.0, 2.5]]
    assert ranks.sum() == 6.0


@pytest.mark.parametrize(
    ("values", "spreads"),
    [([[1.0, np.nan]], None), ([[1.0, 2.0]], [[0.1, -0.1]]), ([[1.0, 2.0]], [[0.1]])],
)
def test_tied_ranks_refuse_missing_values_and_bad_spreads(values, spreads):
    with pytest.raises(ValueError):
        tied_ranks(values, spreads)


def test_rank_table_uses_the_seed_spread_for_mean_delta_e_only():
    runs = runs_table(
        {"RGB": [2.0, 3.0], "Lab": [2.05, 2.0]}, spreads={"RGB": [0.1, 0.1], "Lab": [0.0, 0.0]}
    )
    table = rank_table(runs, metrics=[ERROR, "psnr"]).set_index(["metric", "image", "space"])
    assert table.loc[(ERROR, "image0", "RGB"), "rank"] == 1.5  # 0.05 apart, spread 0.1
    assert table.loc[(ERROR, "image1", "Lab"), "rank"] == 1.0  # 1.0 apart
    assert table.loc[("psnr", "image0", "RGB"), "rank"] == 1.0  # no spread: 0.05 counts
    assert table.loc[(ERROR, "image0", "RGB"), "spread_column"] == SPREAD
    assert table.loc[("psnr", "image0", "RGB"), "spread_column"] == ""


def test_a_spread_measured_for_some_runs_only_is_refused():
    runs = runs_table(
        {"RGB": [2.0, 3.0, 1.0], "Lab": [2.5, 2.0, 1.0]},
        spreads={"RGB": [0.1, 0.1, 0.1], "Lab": [0.1, np.nan, 0.1]},
    )
    with pytest.raises(ValueError, match="measured for some runs and not others"):
        rank_tests(runs, metrics=[ERROR])


def test_repeated_runs_are_refused_and_other_methods_ignored():
    runs = runs_table({"RGB": [2.0, 3.0, 1.0], "Lab": [1.5, 2.0, 0.5]})
    baseline = runs.iloc[[0]].assign(space="-", method="median_cut", **{ERROR: 0.0})
    tests = rank_tests(pd.concat([runs, baseline]), metrics=[ERROR])
    assert tests["space"].tolist() == ["RGB", "Lab"]
    with pytest.raises(ValueError, match="repeats 1"):
        rank_tests(pd.concat([runs, runs.iloc[[0]]]), metrics=[ERROR])


def test_an_image_missing_a_space_is_left_out_with_a_note():
    runs = runs_table(one_better_everywhere(n_images=5))
    runs = runs.drop(runs.index[(runs["image"] == "image0") & (runs["space"] == "HSV")])
    tests = rank_tests(runs, metrics=[ERROR])
    assert (tests["n_images"] == 4).all()
    assert tests["note"].str.contains("1 image(s) left out", regex=False).all()


# Friedman and Nemenyi ------------------------------------------------------------------------


@pytest.mark.parametrize("n_spaces", [3, 5])
def test_friedman_on_ordinary_ranks_equals_scipy_with_its_tie_correction(n_spaces):
    values = np.random.default_rng(n_spaces).integers(0, 3, size=(12, n_spaces))
    statistic, p = friedman_test(stats.rankdata(values, axis=1))
    expected = stats.friedmanchisquare(*values.T)
    assert statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert p == pytest.approx(expected.pvalue, rel=1e-12)


def test_nemenyi_p_values_equal_scikit_posthocs_and_cd_is_where_p_reaches_alpha():
    scikit_posthocs = pytest.importorskip("scikit_posthocs")
    values = np.random.default_rng(1).normal(size=(15, 4)) + [0.0, 0.3, 0.6, 1.2]
    mean_ranks = stats.rankdata(values, axis=1).mean(axis=0)
    expected = scikit_posthocs.posthoc_nemenyi_friedman(values).to_numpy()
    assert np.allclose(nemenyi_p_values(mean_ranks, 15), expected, rtol=1e-10)
    cd = critical_difference(4, 15, alpha=0.05)
    assert cd == pytest.approx(2.569 * np.sqrt(4 * 5 / (6 * 15)), rel=1e-3)  # Demšar's q_0.05
    p = nemenyi_p_values([1.0, 1.0 + cd, 2.5, 2.5], 15)
    assert p[0, 1] == pytest.approx(0.05, rel=1e-6)


def test_a_space_better_in_every_image_ranks_first_and_the_test_sees_it():
    runs = runs_table(one_better_everywhere(n_images=10))
    tests = rank_tests(runs, metrics=[ERROR, "psnr"])
    for metric in (ERROR, "psnr"):
        rows = tests[tests["metric"] == metric].set_index("space")
        assert rows.loc["Lab", "mean_rank"] == 1.0
        assert rows["friedman_p"].iloc[0] < 0.001
        # Nemenyi: Lab (rank 1) is CD apart from the others (mean rank 3 each).
        assert rows.loc["Lab", "group"] not in set(rows.loc[["RGB", "HSV", "OKLab"], "group"])
    sentences = ranking_sentences(tests, ERROR)
    assert len(sentences) == 1
    assert "Lab has the best mean rank, 1.00 of 4" in sentences[0]
    assert "tells it apart from every other space" in sentences[0]
    assert "PSNR differ" in ranking_sentences(tests, "psnr")[0]


def test_identical_spaces_tie_everywhere_and_no_ranking_is_claimed():
    base = np.random.default_rng(2).uniform(2, 6, 6)
    runs = runs_table({"RGB": base, "Lab": base.copy()})
    tests = rank_tests(runs, metrics=[ERROR])
    assert tests["mean_rank"].tolist() == [1.5, 1.5]
    assert tests["friedman_statistic"].iloc[0] == 0.0
    assert tests["friedman_p"].iloc[0] == 1.0
    assert tests["group"].tolist() == ["a", "a"]
    assert ranking_sentences(tests, ERROR) == [
        "At k = 4, Friedman's test finds no evidence that the spaces' ranks by mean ΔE00 differ "
        "(p = 1.0)."
    ]


def test_noise_alone_gives_no_small_p_no_interval_off_zero_and_no_claim():
    rng = np.random.default_rng(20240613)
    base = rng.uniform(2, 6, 12)
    spaces = {space: base + rng.normal(0, 0.2, 12) for space in ("RGB", "Lab", "HSV", "OKLab")}
    runs = runs_table(spaces)
    tests = rank_tests(runs, metrics=[ERROR])
    paired = paired_differences(runs, metrics=[ERROR], seed=0)
    assert tests["friedman_p"].iloc[0] > 0.2
    assert set(tests["group"]) == {"a"}
    assert ((paired["ci_low"] < 0) & (paired["ci_high"] > 0)).all()
    text = " ".join(findings(tests, paired))
    assert "finds no evidence that the spaces' ranks by mean ΔE00 differ" in text
    assert text.count("includes zero") == 3
    for claim in ("best mean rank", "is below zero", "is above zero"):
        assert claim not in text


def test_a_p_below_alpha_at_one_k_of_five_is_no_claim_once_adjusted_over_k():
    # Two spaces, 10 images: at k = 2 Lab is lower in 9 and higher in 1, so
    # Friedman's statistic is (9 - 1)^2 / 10 = 6.4 (p = 0.0114, chi-squared, 1
    # df); at the other four k the spaces are identical (p = 1). Benjamini-
    # Hochberg over 5 tests: 0.0114 * 5 / 1 = 0.057, not below 0.05.
    k_values = (2, 4, 8, 16, 32)
    rgb = np.tile(np.linspace(3, 5, 10)[:, None], (1, len(k_values)))
    lab = rgb.copy()
    lab[:, 0] -= 0.5
    lab[9, 0] += 1.0
    tests = rank_tests(runs_table({"RGB": rgb, "Lab": lab}, k_values), metrics=[ERROR])
    at_2 = tests[tests["k"] == 2].iloc[0]
    assert at_2["friedman_p"] == pytest.approx(stats.chi2.sf(6.4, 1))
    assert at_2["friedman_p_adjusted"] == pytest.approx(5 * stats.chi2.sf(6.4, 1))
    assert (tests[tests["k"] > 2]["friedman_p_adjusted"] == 1.0).all()
    assert set(tests["group"]) == {"a"}
    sentences = ranking_sentences(tests, ERROR)
    assert sentences == [
        "At every k swept, Friedman's test finds no evidence that the spaces' ranks by mean "
        "ΔE00 differ (p adjusted over k ≥ 0.05 at each k).",
        # The raw p below 0.05 is not left beside "no evidence" unexplained.
        "At k = 2, p was below 0.05 before adjusting over the 5 k swept; the adjusted p "
        "decides, so that is not evidence.",
    ]
    # Alone, the same k is a test of its own: no adjustment, and the ranking is claimed.
    alone = rank_tests(runs_table({"RGB": rgb[:, :1], "Lab": lab[:, :1]}), metrics=[ERROR])
    assert alone["friedman_p_adjusted"].iloc[0] == alone["friedman_p"].iloc[0]
    assert "Lab has the best mean rank, 1.10 of 2" in ranking_sentences(alone, ERROR)[0]


def test_a_strong_difference_survives_the_adjustment_and_the_sentence_gives_both_p():
    k_values = (2, 4, 8)
    spaces = {name: np.tile(v[:, None], (1, 3)) for name, v in one_better_everywhere().items()}
    spaces["Lab"][:, 1:] = spaces["RGB"][:, 1:]  # Lab better at k = 2 only
    tests = rank_tests(runs_table(spaces, k_values), metrics=[ERROR])
    per_k = tests.drop_duplicates("k").set_index("k")
    assert (per_k["friedman_p_adjusted"] >= per_k["friedman_p"]).all()
    assert per_k.loc[2, "friedman_p_adjusted"] == pytest.approx(3 * per_k.loc[2, "friedman_p"])
    sentence = next(s for s in ranking_sentences(tests, ERROR) if s.startswith("At k = 2,"))
    assert "Lab has the best mean rank, 1.00 of 4" in sentence
    # Both p below 0.001: the sentence gives the bound once, and says it holds adjusted too.
    assert per_k.loc[2, "friedman_p_adjusted"] < 0.001
    assert "(Friedman p < 0.001, also after adjusting over 3 k; 10 images)" in sentence


def test_too_few_images_skip_the_test_with_a_note_and_never_raise():
    runs = runs_table(
        {"RGB": [[2.0, 1.0], [3.0, 1.5]], "Lab": [[1.5, 0.9], [2.5, 1.4]]}, k_values=(2, 8)
    )
    tests = rank_tests(runs, metrics=[ERROR])
    assert tests["friedman_p"].isna().all() and tests["cd"].isna().all()
    assert (tests["group"] == "").all()
    assert tests["note"].str.startswith("2 image(s): too few for the Friedman test").all()
    assert tests.set_index("space")["mean_rank"].loc["Lab"].tolist() == [1.0, 1.0]
    paired = paired_differences(runs, metrics=[ERROR])
    assert paired["ci_low"].isna().all() and paired["ci_high"].isna().all()
    assert paired["note"].str.contains("too few for an interval").all()
    sentences = findings(tests, paired)
    assert sentences[0] == (
        "With 2 images, the Friedman test was skipped at every k swept (it needs 3); "
        "no ranking by mean ΔE00 is claimed."
    )
    assert all("is below zero" not in s and "has the best" not in s for s in sentences)
    assert "over too few images for an interval" in sentences[1]
    assert findings(tests, k_values=[8])[0].startswith(
        "With 2 images, the Friedman test was skipped at k = 8 (it needs 3)"
    )
    figure = critical_difference_figure(tests, 2, ERROR)
    assert isinstance(figure, matplotlib.figure.Figure)
    matplotlib.pyplot.close(figure)


def test_one_space_or_one_image_is_no_error():
    one_space = rank_tests(runs_table({"RGB": [2.0, 3.0, 4.0]}), metrics=[ERROR])
    assert one_space["note"].iloc[0].startswith("1 space(s): nothing to rank")
    assert ranking_sentences(one_space, ERROR) == [
        "With one colour space, nothing is ranked at k = 4."
    ]
    one_image = rank_tests(runs_table({"RGB": [2.0], "Lab": [1.0]}), metrics=[ERROR])
    assert one_image["friedman_p"].isna().all()


def test_critical_difference_figure_draws_a_bar_per_group_the_test_does_not_separate():
    runs = runs_table(one_better_everywhere(n_images=10))
    tests = rank_tests(runs, metrics=[ERROR])
    figure = critical_difference_figure(tests, 4, ERROR)
    axis = figure.axes[0]
    assert axis.get_title().startswith("mean ΔE00 at k = 4, 10 images\nFriedman p = ")
    assert "CD = " in " ".join(text.get_text() for text in axis.texts)
    labels = {text.get_text() for text in axis.texts}
    assert "Lab (1.00)" in labels
    matplotlib.pyplot.close(figure)
    # With the spaces' colours, each label takes its space's colour (as in the other figures).
    colours = {"RGB": "#1f77b4", "Lab": "#ff7f0e", "HSV": "#2ca02c", "OKLab": "#9467bd"}
    figure = critical_difference_figure(tests, 4, ERROR, colours=colours)
    coloured = {
        text.get_text(): matplotlib.colors.to_hex(text.get_color())
        for text in figure.axes[0].texts
        if "(" in text.get_text()
    }
    assert coloured["Lab (1.00)"] == "#ff7f0e"
    assert {colour for label, colour in coloured.items() if "Lab" not in label} <= {
        "#1f77b4",
        "#2ca02c",
        "#9467bd",
    }
    assert len(set(coloured.values())) == 4
    matplotlib.pyplot.close(figure)


# Paired differences --------------------------------------------------------------------------


def test_a_space_better_in_every_image_has_an_interval_below_zero_and_says_so():
    runs = runs_table(one_better_everywhere(n_images=10))
    paired = paired_differences(runs, metrics=[ERROR, "psnr"], seed=0).set_index(
        ["metric", "space"]
    )
    lab = paired.loc[(ERROR, "Lab")]
    assert lab["ci_high"] < 0 and lab["mean_difference"] < -0.4
    assert (lab["wins"], lab["ties"], lab["losses"]) == (10, 0, 0)
    assert paired.loc[("psnr", "Lab"), "ci_low"] > 0  # higher PSNR is better
    assert paired.loc[("psnr", "Lab"), "wins"] == 10
    sentences = findings(paired=paired.reset_index(), metric=ERROR)
    lab_sentence = next(s for s in sentences if s.startswith("At k = 4, Lab"))
    assert lab_sentence.startswith(
        "At k = 4, Lab has a lower (better) mean ΔE00 than RGB in 10 of 10 images;"
    )
    assert lab_sentence.endswith("is below zero.")
    psnr = findings(paired=paired.reset_index(), metric="psnr")
    assert any(s.startswith("At k = 4, Lab has a higher (better) PSNR than RGB") for s in psnr)


def test_identical_spaces_differ_by_zero_with_the_interval_zero_to_zero():
    base = np.random.default_rng(4).uniform(2, 6, 5)
    runs = runs_table({"RGB": base, "Lab": base.copy()})
    row = paired_differences(runs, metrics=[ERROR]).iloc[0]
    assert (row["mean_difference"], row["ci_low"], row["ci_high"]) == (0.0, 0.0, 0.0)
    assert (row["wins"], row["ties"], row["losses"]) == (0, 5, 0)
    assert paired_sentence(row) == (
        "At k = 4, Lab and RGB are equal by mean ΔE00 in all 5 images "
        "(mean difference 0.00, 95 % interval 0.00 to 0.00)."
    )


def test_win_tie_loss_counts_use_the_spread_of_either_run():
    runs = runs_table(
        {"RGB": [2.0, 2.0, 2.0, 2.0], "Lab": [1.0, 1.9, 2.1, 3.0]},
        spreads={"RGB": [0.0, 0.15, 0.0, 0.0], "Lab": [0.0, 0.0, 0.15, 0.0]},
    )
    per_image = image_differences(runs, metrics=[ERROR])
    assert per_image["outcome"].tolist() == [1, 0, 0, -1]
    assert per_image["difference"].to_numpy() == pytest.approx([-1.0, -0.1, 0.1, 1.0])
    row = paired_differences(runs, metrics=[ERROR]).iloc[0]
    assert (row["wins"], row["ties"], row["losses"]) == (1, 2, 1)
    assert "in 1 of 4 images (higher in 1, within the seed spread in 2);" in paired_sentence(row)


def test_the_bootstrap_interval_is_seeded():
    runs = runs_table(one_better_everywhere(n_images=8))
    first = paired_differences(runs, metrics=[ERROR], seed=7)
    assert first.equals(paired_differences(runs, metrics=[ERROR], seed=7))
    other = paired_differences(runs, metrics=[ERROR], seed=8)
    assert not np.array_equal(first["ci_low"], other["ci_low"])
    inside = (first["ci_low"] <= first["mean_difference"]) & (
        first["mean_difference"] <= first["ci_high"]
    )
    assert inside.all()


def test_an_unknown_reference_space_is_refused():
    with pytest.raises(ValueError, match="reference space 'XYZ'"):
        paired_differences(
            runs_table({"RGB": [1.0], "Lab": [2.0]}), reference="XYZ", metrics=[ERROR]
        )


# From which k do two spaces stop differing ---------------------------------------------------

K_SWEPT = [2, 4, 8, 16, 32]


def differences_table(by_image: dict) -> pd.DataFrame:
    rows = [
        {"image": image, "k": k, "space_a": "RGB", "space_b": "Lab", "delta_e2000_mean": value}
        for image, values in by_image.items()
        for k, value in zip(K_SWEPT, values, strict=True)
    ]
    return pd.DataFrame(rows)


def seed_runs(by_image: dict) -> pd.DataFrame:
    """seed_delta_e2000 per image: {image: (RGB's per k, Lab's per k)}."""
    rows = [
        {"image": image, "space": space, "k": k, "seed_delta_e2000": value}
        for image, spreads in by_image.items()
        for space, per_k in zip(("RGB", "Lab"), spreads, strict=True)
        for k, value in zip(K_SWEPT, per_k, strict=True)
    ]
    return pd.DataFrame(rows)


def test_stop_differing_k_needs_every_larger_k_below_the_threshold():
    differences = differences_table(
        {
            "dip": [3.0, 0.8, 1.4, 0.9, 0.5],  # below at 4, above again at 8: stops at 16
            "never": [2.0, 1.5, 1.2, 1.1, 1.05],
            "always": [0.5, 0.4, 0.3, 0.2, 0.1],
            "exactly_one": [2.0, 1.0, 1.0, 1.0, 1.0],  # 1.0 is not below 1
        }
    )
    table = stop_differing(differences, thresholds=["jnd"]).set_index("image")
    assert table.loc["dip", "k_from"] == 16
    assert np.isnan(table.loc["never", "k_from"]) and not table.loc["never", "reached"]
    assert table.loc["always", "k_from"] == 2
    assert not table.loc["exactly_one", "reached"]
    assert (table["k_max_swept"] == 32).all()
    summary = stop_differing_summary(table.reset_index()).iloc[0]
    assert (summary["n_images"], summary["n_reached"]) == (4, 2)
    # The lower median of 2 and 16: a k that was swept, not 9.
    assert (summary["k_median"], summary["k_min"], summary["k_max"]) == (2.0, 2.0, 16.0)


def test_the_seed_threshold_takes_the_larger_spread_of_the_two_spaces():
    differences = differences_table({"a": [3.0, 0.8, 0.5, 0.4, 0.3], "b": [2.0] * 5})
    runs = seed_runs(
        {
            # At k = 4 only Lab's spread (0.8, equal to the difference) covers it.
            "a": ([0.1, 0.1, 0.6, 0.5, 0.4], [0.2, 0.8, 0.2, 0.1, 0.1]),
            "b": ([0.5] * 5, [0.5] * 5),
        }
    )
    table = stop_differing(differences, runs, thresholds=["seed"]).set_index("image")
    assert table.loc["a", "k_from"] == 4
    assert not table.loc["b", "reached"]
    no_seed = stop_differing(differences, thresholds=["seed"])
    assert (no_seed["note"] == "seed spread not measured").all()
    assert stop_differing_summary(no_seed).empty
    # A sweep with fit.replicates: 0 has runs but no seed column: the same, not an error.
    no_replicates = stop_differing(differences, runs.drop(columns="seed_delta_e2000"))
    assert no_replicates.set_index("threshold").loc["jnd", "reached"].tolist() == [True, False]
    assert (no_replicates.query("threshold == 'seed'")["note"] == "seed spread not measured").all()


def test_stop_sentences_report_how_many_images_reached_it():
    summary = stop_differing_summary(
        stop_differing(
            differences_table({"a": [3.0, 0.8, 0.5, 0.4, 0.3], "b": [2.0] * 5}),
            thresholds=["jnd"],
        )
    )
    assert stop_sentence(summary.iloc[0]) == (
        "RGB and Lab: their images' mean ΔE00 stays below 1 (just noticeable) from k = 4 on "
        "in 1 of 2 images; in the other 1, not even at k = 32, the largest k swept."
    )
    none = summary.iloc[0].copy()
    none["n_reached"] = 0
    assert stop_sentence(none) == (
        "RGB and Lab: their images' mean ΔE00 is not below 1 (just noticeable) at k = 32, "
        "the largest k swept, in any of the 2 images."
    )


# Image characteristics -----------------------------------------------------------------------


def lch_colours(lightness: float, chroma: float, hues_degrees) -> np.ndarray:
    """8-bit sRGB colours of the given CIELab lightness, chroma and hues."""
    from skimage.color import lab2rgb

    hues = np.radians(np.asarray(hues_degrees, dtype=float))
    lab = np.stack([np.full(hues.shape, lightness), chroma * np.cos(hues), chroma * np.sin(hues)])
    return np.round(lab2rgb(lab.T[None])[0] * 255).astype(np.uint8)


def test_colourfulness_is_zero_for_grey_and_larger_for_saturated_colours():
    greys = np.array([[0, 0, 0], [90, 90, 90], [255, 255, 255]], dtype=np.uint8)
    assert colourfulness(greys, [3, 1, 2]) == 0.0
    muted = colourfulness(np.array([[140, 120, 110], [110, 120, 140]], np.uint8), [1, 1])
    saturated = colourfulness(np.array([[255, 0, 0], [0, 0, 255]], np.uint8), [1, 1])
    assert 0 < muted < saturated


def test_colourfulness_of_distinct_colours_equals_hasler_and_susstrunk_per_pixel():
    image = np.random.default_rng(5).integers(0, 4, size=(9, 7, 3)).astype(np.uint8) * 60
    red, green, blue = image.reshape(-1, 3).astype(float).T
    rg, yb = red - green, (red + green) / 2 - blue
    expected = np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean())
    distinct = distinct_colours(image)
    assert distinct.n_unique < distinct.n_pixels
    assert colourfulness(distinct.colours, distinct.counts) == pytest.approx(expected, rel=1e-12)


def test_hue_entropy_is_zero_for_one_hue_and_log2_bins_for_even_hues():
    reds = lch_colours(50, 40, [30.0, 30.0])
    assert hue_entropy(reds, [7, 2]) == 0.0
    centres = np.arange(36) * 10 + 5.0
    even = lch_colours(60, 25, centres)
    from colourquant.metrics import srgb8_to_lab

    lab = srgb8_to_lab(even)
    assert np.array_equal(np.degrees(np.arctan2(lab[:, 2], lab[:, 1])) % 360 // 10, centres // 10)
    assert hue_entropy(even, np.full(36, 5)) == pytest.approx(np.log2(36), abs=1e-12)
    assert hue_entropy(even, np.full(36, 5), hue_bins=4) == pytest.approx(2.0, abs=1e-12)
    # Two hues, 3 : 1 pixels.
    assert hue_entropy(even[[0, 18]], [3, 1]) == pytest.approx(
        -(0.75 * np.log2(0.75) + 0.25 * np.log2(0.25))
    )


def test_image_characteristics_of_constructed_images():
    black_white = distinct_colours(
        np.array([[[0, 0, 0], [255, 255, 255]], [[0, 0, 0], [255, 255, 255]]], np.uint8)
    )
    values = image_characteristics(black_white)
    assert values["lightness_spread"] == pytest.approx(50.0, abs=1e-3)  # L* 0 and 100
    assert values["neutral_share"] == 1.0
    assert np.isnan(values["hue_entropy"])
    assert values["n_colours"] == 2
    half_red = distinct_colours(np.array([[[128, 128, 128], [200, 30, 30]]], np.uint8))
    values = image_characteristics(half_red)
    assert values["neutral_share"] == 0.5
    assert values["hue_entropy"] == 0.0
    table = characteristics_table({"bw": black_white, "red": half_red})
    assert table["image"].tolist() == ["bw", "red"]
    assert table.loc[1, "colourfulness"] > table.loc[0, "colourfulness"] == 0.0


def test_characteristic_correlations_give_spearman_rho_p_and_n():
    table = pd.DataFrame(
        {
            "image": list("abcde"),
            "colourfulness": [1.0, 2.0, 3.0, 4.0, 5.0],
            "hue_entropy": [1.0, 1.0, 1.0, 1.0, 1.0],
            "lightness_spread": [5.0, 4.0, np.nan, 2.0, 1.0],
        }
    )
    differences = pd.Series([0.1, 0.2, 0.3, 0.4, 0.5], index=list("edcba"))
    result = characteristic_correlations(
        differences, table, columns=["colourfulness", "hue_entropy", "lightness_spread"]
    ).set_index("characteristic")
    assert result.loc["colourfulness", "rho"] == pytest.approx(-1.0)
    assert result.loc["colourfulness", "p_value"] < 0.05
    assert result.loc["colourfulness", "n"] == 5
    assert np.isnan(result.loc["hue_entropy", "rho"])  # constant
    assert result.loc["lightness_spread", "n"] == 4
    assert result.loc["lightness_spread", "rho"] == pytest.approx(1.0)


# Wording rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "verdict"),
    [
        (-0.30, 0.05, "includes zero"),
        (0.0, 0.0, "includes zero"),
        (-0.30, 0.0, "includes zero"),
        (-0.30, -0.01, "is below zero"),
        (0.01, 0.4, "is above zero"),
        (np.nan, np.nan, "has no interval (too few images)"),
    ],
)
def test_only_an_interval_off_zero_is_called_below_or_above_zero(low, high, verdict):
    assert interval_verdict(low, high) == verdict


def test_numbers_k_ranges_and_p_values_in_words():
    assert (number(-0.125, 2), number(-0.0001, 3), number(2.0, 1)) == ("−0.12", "0.000", "2.0")
    swept = [2, 4, 8, 16]
    assert k_phrase([2, 4, 8], swept) == "k ≤ 8"
    assert k_phrase([8, 16], swept) == "k ≥ 8"
    assert k_phrase([2, 16], swept) == "k = 2 and 16"
    assert (p_phrase(0.0004), p_phrase(0.049)) == ("p < 0.001", "p = 0.049")


def test_the_example_sentence_of_issue_13():
    row = pd.Series(
        {
            "k": 8,
            "metric": ERROR,
            "space": "RGB",
            "reference": "Lab",
            "n_images": 4,
            "mean_difference": -0.12,
            "ci_low": -0.30,
            "ci_high": 0.05,
            "confidence": 0.95,
            "wins": 3,
            "ties": 0,
            "losses": 1,
            "spread_column": SPREAD,
        }
    )
    assert paired_sentence(row) == (
        "At k = 8, RGB has a lower (better) mean ΔE00 than Lab in 3 of 4 images; the mean "
        "difference, −0.12 (95 % interval −0.30 to 0.05), includes zero."
    )
    worse = row.copy()
    worse[["mean_difference", "ci_low", "ci_high"]] = [0.2, 0.1, 0.3]
    assert "has a higher (worse) mean ΔE00 than Lab in 1 of 4 images" in paired_sentence(worse)
    assert paired_sentence(worse).endswith("is above zero.")


def test_no_ranking_is_claimed_when_friedman_p_is_not_below_alpha():
    tests = pd.DataFrame(
        {
            "k": 4,
            "metric": ERROR,
            "space": ["RGB", "Lab", "HSV"],
            "mean_rank": [1.2, 2.0, 2.8],
            "n_images": 5,
            "n_spaces": 3,
            "friedman_p": 0.05,
            "friedman_p_adjusted": 0.05,
            "cd": 1.48,
            "note": "",
        }
    )
    assert ranking_sentences(tests, ERROR) == [
        "At k = 4, Friedman's test finds no evidence that the spaces' ranks by mean ΔE00 differ "
        "(p = 0.050)."
    ]
    claimed = ranking_sentences(tests.assign(friedman_p=0.049, friedman_p_adjusted=0.049), ERROR)
    assert claimed[0].startswith("At k = 4, the spaces' ranks by mean ΔE00 differ (Friedman p")
    assert "RGB has the best mean rank, 1.20 of 3" in claimed[0]
    # Nemenyi's CD for 3 spaces over 5 images is 1.48: HSV is 1.6 ranks away, Lab 0.8.
    assert claimed[0].endswith("tells it apart from HSV, not from Lab.")
    close = tests.assign(friedman_p=0.049, friedman_p_adjusted=0.049, mean_rank=[1.4, 2.0, 2.6])
    assert ranking_sentences(close, ERROR)[0].endswith(
        "but Nemenyi's test (CD = 1.48) finds no evidence that it differs from any other space."
    )


def test_many_pairs_get_one_stop_sentence_per_threshold():
    from colourquant.study import stop_summary_sentences

    spaces = ["RGB", "Lab", "Luv", "OKLab"]
    pairs = [(a, b) for i, a in enumerate(spaces) for b in spaces[i + 1 :]]  # 6 pairs
    pairs.append(("RGB", "HSV"))  # 7: more than MAX_PAIR_SENTENCES
    summary = pd.DataFrame({
        "space_a": [a for a, _ in pairs], "space_b": [b for _, b in pairs], "threshold": "jnd",
        "n_images": 9, "n_reached": [3, 1, 0, 3, 0, 0, 2], "k_median": 8.0, "k_min": 4.0,
        "k_max": 16.0, "k_max_swept": 256,
    })  # fmt: skip
    (sentence,) = stop_summary_sentences(summary)
    assert sentence == (
        "Pairs of spaces whose images' mean ΔE00 stays below 1 (just noticeable) from some k up "
        "to k = 256, the largest swept: 4 of 7 in some image, none in more than 3 of 9 images "
        "(RGB and Lab, Lab and Luv)."
    )
    # Six pairs or fewer: a sentence for each pair that gets there, one for the rest.
    assert len(stop_summary_sentences(summary.iloc[:6])) == 3 + 1


def test_characteristics_figure_puts_each_image_at_its_values():
    from colourquant.study.plots import characteristics_figure

    per_image = pd.DataFrame({
        "k": 8, "metric": "delta_e2000_mean", "image": ["a", "b", "c"], "space": "Lab",
        "reference": "RGB", "difference": [-0.5, 0.1, 0.3], "outcome": [1, 0, -1],
    })  # fmt: skip
    characteristics = pd.DataFrame({
        "image": ["a", "b", "c"], "colourfulness": [80.0, 40.0, 10.0],
        "hue_entropy": [3.0, 2.0, 1.0], "lightness_spread": [30.0, 20.0, 10.0],
        "neutral_share": [0.0, 0.2, 0.5],
    })  # fmt: skip
    figure = characteristics_figure(per_image, characteristics, {"Lab": "C1"}, 8)
    dots = figure.axes[0].collections[0].get_offsets()
    np.testing.assert_array_equal(dots, [[80, -0.5], [40, 0.1], [10, 0.3]])
    # Colourfulness falls as the difference rises: Spearman's rho is -1.
    assert figure.legends[0].get_texts()[0].get_text() == "Lab (ρ = -1.00 with colourfulness)"


def test_headline_says_intervals_are_per_k_and_rough_with_few_images():
    from colourquant.study.sweep import headline_findings

    def headline(n_images, k_values):
        spaces = {
            name: np.tile(values[:, None], (1, len(k_values)))
            for name, values in one_better_everywhere(n_images).items()
        }
        runs = runs_table(spaces, k_values)
        tests = rank_tests(runs, metrics=[ERROR])
        tables = {
            "rank_tests": tests,
            "judge_verdicts": judge_verdicts(tests),
            "paired_differences": paired_differences(runs, reference="RGB", metrics=[ERROR]),
            "stop_differing_summary": stop_differing_summary(stop_differing(
                differences_table({"a": [3.0, 0.8, 0.5, 0.4, 0.3]}), thresholds=["jnd"]
            )),
        }  # fmt: skip
        return headline_findings(tables)

    per_k = (
        "Each interval is for its own k and, unlike Friedman's p, not adjusted over the 3 k swept."
    )
    rough = "With 5 images the 95 % intervals are rough"
    few = headline(5, (2, 4, 8))
    # Lab is better everywhere: the smallest and the largest k each get their verdicts.
    assert few[:2] == [
        "These findings rest on 5 images.",
        "That is few: read them as a first look, not as proof.",
    ]
    assert any(s.startswith("At k = 2, ") for s in few) and any(
        s.startswith("At k = 8") for s in few
    )
    assert per_k in few and any(s.startswith(rough) for s in few)
    many = headline(12, (2, 4, 8))
    assert per_k in many and not any(s.startswith("With 12 images") for s in many)
    # One k: nothing to adjust over, so no such sentence.
    assert not any(s.startswith("Each interval") for s in headline(12, (4,)))
