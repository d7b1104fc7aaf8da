"""The notebook's two questions answered in words (study/answers.py), on constructed tables."""

from __future__ import annotations

import pandas as pd
import pytest

from colourquant.study.answers import (
    answers,
    equal_quality_answer,
    jnd_share,
    judge_verdicts,
    look_alike_answer,
    quality_gaps,
    which_space_answer,
)
from colourquant.study.indistinguishable import seed_spread_at


def paired_rows(k, metric, differences, intervals, reference="RGB", n_images=6):
    """Rows of a paired differences table: space -> mean difference from the reference."""
    return [
        {
            "k": k,
            "metric": metric,
            "space": space,
            "reference": reference,
            "n_images": n_images,
            "mean_difference": difference,
            "ci_low": intervals[space][0],
            "ci_high": intervals[space][1],
        }
        for space, difference in differences.items()
    ]


def agreeing_table() -> pd.DataFrame:
    """Lab closer than RGB by every judge at k = 4 and 32, clearly (intervals exclude 0)."""
    rows = []
    for k in (4, 32):
        rows += paired_rows(k, "delta_e2000_mean", {"Lab": -0.21}, {"Lab": (-0.3, -0.1)})
        rows += paired_rows(k, "delta_e2000_p95", {"Lab": 0.5}, {"Lab": (0.2, 0.8)})
        rows += paired_rows(k, "psnr", {"Lab": 0.8}, {"Lab": (0.2, 1.4)})
        rows += paired_rows(k, "ssim", {"Lab": 0.01}, {"Lab": (0.002, 0.02)})
    return pd.DataFrame(rows)


def test_agreeing_judges_name_the_space_its_lead_and_that_it_is_clear():
    sentences = which_space_answer(agreeing_table())
    assert sentences[0] == (
        "At k = 4 (few colours), Lab gave the closest result by every judge "
        "(PSNR, mean ΔE00 and SSIM)."
    )
    # The lead by mean ΔE00, in shares of a just-noticeable difference; sure over 6 images.
    assert sentences[1] == (
        "By mean ΔE00 it is 0.21 ΔE00 closer than RGB, a fifth of a just-noticeable "
        "difference. The intervals make that clear over these 6 images."
    )
    assert sentences[2].startswith("At k = 32 (the most colours swept), Lab gave the closest")
    # The 95th percentile is another view of mean ΔE00, not a judge of its own: it disagrees
    # here, and is not asked.
    assert not any("disagree" in sentence for sentence in sentences)


def test_disagreeing_judges_name_no_winner():
    table = agreeing_table()
    # At k = 32, PSNR and SSIM now prefer RGB (Lab's differences below 0 are worse).
    later = (table["k"] == 32) & table["metric"].isin(["psnr", "ssim"])
    table.loc[later, "mean_difference"] *= -1
    table.loc[later, ["ci_low", "ci_high"]] = -table.loc[later, ["ci_high", "ci_low"]].to_numpy()
    sentences = which_space_answer(table)
    at_32 = [sentence for sentence in sentences if "k = 32" in sentence]
    assert at_32 == [
        "At k = 32 (the most colours swept), the judges disagree: by PSNR and SSIM, RGB is "
        "closest; by mean ΔE00, Lab is. So no space is the answer there."
    ]
    assert "gave the closest result" not in " ".join(at_32)
    # k = 4 still agrees.
    assert sentences[0].startswith("At k = 4 (few colours), Lab gave the closest result")


def test_a_gap_inside_its_interval_is_called_possibly_chance():
    rows = paired_rows(8, "delta_e2000_mean", {"Lab": -0.05}, {"Lab": (-0.2, 0.1)}, n_images=4)
    (verdict,) = judge_verdicts(pd.DataFrame(rows), 8)
    assert (verdict.best, verdict.runner_up, verdict.clear) == ("Lab", "RGB", False)
    assert verdict.lead == pytest.approx(0.05)
    sentences = which_space_answer(pd.DataFrame(rows))
    assert sentences == [
        "At k = 8 (few colours), Lab gave the closest result by mean ΔE00.",
        "By mean ΔE00 it is 0.05 ΔE00 closer than RGB, less than a tenth of a just-noticeable "
        "difference. That gap could be chance over these 4 images.",
        "4 images are few: read this as a hint, not a proof.",
    ]
    # Over 12 images, nothing is said about their number beyond the lead's sentence.
    many = paired_rows(8, "delta_e2000_mean", {"Lab": -0.05}, {"Lab": (-0.2, 0.1)}, n_images=12)
    assert not any("are few" in sentence for sentence in which_space_answer(pd.DataFrame(many)))


@pytest.mark.parametrize(
    "differences, intervals, best, runner_up, clear",
    [
        # The reference is best and every other space's interval is above 0: clear.
        ({"Lab": 0.3, "HSV": 0.5}, {"Lab": (0.1, 0.5), "HSV": (0.2, 0.8)}, "RGB", "Lab", True),
        # The reference is best but HSV's interval includes 0: not clear.
        ({"Lab": 0.3, "HSV": 0.5}, {"Lab": (0.1, 0.5), "HSV": (-0.1, 0.8)}, "RGB", "Lab", False),
        # Lab best, but nothing compares it with HSV directly: not clear.
        ({"Lab": -0.4, "HSV": -0.3}, {"Lab": (-0.6, -0.2), "HSV": (-0.5, -0.1)}, "Lab", "HSV",
         False),
    ],
)  # fmt: skip
def test_clear_needs_every_other_space_shown_worse(differences, intervals, best, runner_up, clear):
    rows = paired_rows(4, "delta_e2000_mean", differences, intervals)
    (verdict,) = judge_verdicts(pd.DataFrame(rows), 4)
    assert (verdict.best, verdict.runner_up, verdict.clear) == (best, runner_up, clear)


def test_higher_is_better_judges_pick_the_highest():
    rows = paired_rows(4, "psnr", {"Lab": -1.5, "HSV": 0.7}, {"Lab": (-2, -1), "HSV": (0.3, 1)})
    (verdict,) = judge_verdicts(pd.DataFrame(rows), 4)
    assert (verdict.best, verdict.runner_up) == ("HSV", "RGB")
    assert verdict.lead == pytest.approx(0.7)


@pytest.mark.parametrize(
    "value, words",
    [
        (0.02, "less than a tenth of a just-noticeable difference"),
        (0.1, "a tenth of a just-noticeable difference"),
        (0.26, "a quarter of a just-noticeable difference"),
        (0.34, "a third of a just-noticeable difference"),
        (0.48, "half a just-noticeable difference"),
        (0.7, "two thirds of a just-noticeable difference"),
        (1.1, "about one just-noticeable difference"),
        (3.04, "3.0 just-noticeable differences"),
        (-0.2, "a fifth of a just-noticeable difference"),
    ],
)
def test_jnd_shares_in_words(value, words):
    assert jnd_share(value) == words


def gaps_table(gaps_by_k: dict[int, tuple[float, float]]) -> pd.DataFrame:
    """Mean ΔE00 differences of Lab and HSV from RGB, per k."""
    rows = []
    for k, (lab, hsv) in gaps_by_k.items():
        rows += paired_rows(k, "delta_e2000_mean", {"Lab": lab, "HSV": hsv},
                            {"Lab": (lab, lab), "HSV": (hsv, hsv)})  # fmt: skip
    return pd.DataFrame(rows)


def test_equal_quality_from_the_k_the_spaces_stay_within_one_jnd():
    # Best to worst: 2.5 (Lab -0.5 to HSV 2.0), 1.2, 0.9, 1.1, 0.6, 0.3.
    table = gaps_table({2: (-0.5, 2.0), 4: (0.2, 1.2), 8: (-0.4, 0.5), 16: (-0.1, 1.0),
                        32: (0.6, 0.1), 64: (-0.2, 0.1)})  # fmt: skip
    assert quality_gaps(table).round(6).to_dict() == {
        2: 2.5, 4: 1.2, 8: 0.9, 16: 1.1, 32: 0.6, 64: 0.3
    }  # fmt: skip
    # 8 dips below 1, 16 rises above again: equal only from k = 32.
    assert equal_quality_answer(table) == (
        "Equally good? Yes, from k = 32: the spaces' mean ΔE00 from the original differ by "
        "at most 0.60 ΔE00 (two thirds of a just-noticeable difference)."
    )
    assert equal_quality_answer(gaps_table({2: (0.1, 0.3), 4: (0.0, 0.2)})).startswith(
        "Equally good? Yes, at every k swept: "
    )
    assert equal_quality_answer(gaps_table({2: (3.0, 0.0), 4: (0.0, 1.5)})) == (
        "Equally good? No: even at k = 4, the spaces' mean ΔE00 from the original differ by "
        "1.50 ΔE00 (1.5 just-noticeable differences)."
    )


def stops_table(reached: dict[tuple[str, str], tuple[int, float]], n_images=4, swept=16):
    """A stop_differing_summary ``jnd`` table: pair -> (images reached, largest k_from)."""
    return pd.DataFrame(
        [
            {"space_a": a, "space_b": b, "threshold": threshold, "n_images": n_images,
             "n_reached": n, "k_median": k_max, "k_min": k_max, "k_max": k_max,
             "k_max_swept": swept}
            for (a, b), (n, k_max) in reached.items()
            for threshold in ("jnd", "seed")
        ]
    )  # fmt: skip


def test_images_look_alike_from_the_k_every_pair_does_in_every_image():
    stops = stops_table({("RGB", "Lab"): (4, 8.0), ("RGB", "HSV"): (4, 12.0)})
    assert look_alike_answer(stops) == (
        "Images that look alike? Yes, from k = 12: from there every pair of spaces gives "
        "images less than one just-noticeable difference apart, in every image."
    )


def test_images_that_never_look_alike_get_a_no_the_closest_pair_and_a_larger_k():
    nan = float("nan")
    stops = stops_table({("RGB", "Lab"): (0, nan), ("RGB", "HSV"): (0, nan),
                         ("Lab", "HSV"): (0, nan)})  # fmt: skip
    differences = pd.DataFrame(
        {"image": ["a", "b"] * 3, "k": 16, "space_a": ["RGB", "RGB", "RGB", "RGB", "Lab", "Lab"],
         "space_b": ["Lab", "Lab", "HSV", "HSV", "HSV", "HSV"],
         "delta_e2000_mean": [2.0, 3.0, 4.0, 4.0, 1.5, 1.9]}
    )  # fmt: skip
    assert look_alike_answer(stops, differences) == (
        "Images that look alike? No: up to k = 16, every pair of spaces still gives visibly "
        "different images. The closest pair there, Lab and HSV, is 1.7 ΔE00 apart (mean over "
        "the images). Try larger k, such as 32 and 64 (config key k_values)."
    )
    partly = stops_table({("RGB", "Lab"): (3, 16.0), ("RGB", "HSV"): (0, nan)}, swept=64)
    assert look_alike_answer(partly).startswith(
        "Images that look alike? No: up to k = 64, 1 of 2 pairs of spaces give images less "
        "than one just-noticeable difference apart in some of the images, but not in all of them."
    )


def test_answers_iterate_over_every_judge_the_tables_hold():
    """A judge the table adds (here the 95th percentile, asked explicitly) takes part."""
    table = agreeing_table()
    nan = float("nan")
    tables = {"paired_differences": table, "stop_differing_summary": stops_table(
        {("RGB", "Lab"): (0, nan)}, n_images=6, swept=32)}  # fmt: skip
    both = answers(tables)
    assert both["which_space"][0].startswith("At k = 4 (few colours), Lab gave the closest")
    assert both["indistinguishable"][0].startswith("Equally good? Yes, at every k swept")
    assert both["indistinguishable"][1].startswith("Images that look alike? No: up to k = 32")
    judges = ["delta_e2000_mean", "delta_e2000_p95"]
    asked = answers(tables, judges=judges)["which_space"]
    assert asked[0].startswith("At k = 4 (few colours), the judges disagree: by mean ΔE00, Lab")
    assert "by 95th-percentile ΔE00, RGB is" in asked[0]


def test_no_study_no_answers():
    empty = pd.DataFrame(columns=["k", "metric", "space", "reference", "n_images",
                                  "mean_difference", "ci_low", "ci_high"])  # fmt: skip
    stops = stops_table({}).reindex(columns=["space_a", "space_b", "threshold", "n_images",
                                              "n_reached", "k_max", "k_max_swept"])  # fmt: skip
    assert answers({"paired_differences": empty, "stop_differing_summary": stops}) == {
        "which_space": [],
        "indistinguishable": [],
    }


def test_where_the_neutral_judges_agree_their_space_is_the_answer_and_the_others_are_named():
    # Each space's own objective wins by the judge that favours it (ΔE00: Lab, PSNR: RGB);
    # SSIM of luma and ꟻLIP favour neither and both prefer Lab, clearly.
    rows = []
    for k in (4, 32):
        rows += paired_rows(k, "delta_e2000_mean", {"Lab": -0.3}, {"Lab": (-0.4, -0.2)})
        rows += paired_rows(k, "psnr", {"Lab": -0.5}, {"Lab": (-0.8, -0.2)})
        rows += paired_rows(k, "ssim_y", {"Lab": 0.02}, {"Lab": (0.01, 0.03)})
        rows += paired_rows(k, "flip_mean", {"Lab": -0.01}, {"Lab": (-0.02, -0.005)})
    sentences = which_space_answer(pd.DataFrame(rows))
    assert sentences[0] == (
        "At k = 4 (few colours), the judges disagree: by PSNR, RGB is closest; by mean ΔE00, "
        "SSIM of luma and mean ꟻLIP, Lab is. The judges that favour no space's own "
        "objective (SSIM of luma and mean ꟻLIP) all prefer Lab, so Lab is the answer there."
    )
    assert sentences[1].startswith("By SSIM of luma it is 0.02")
    # Where the neutral judges split, no space is the answer, whatever the others say.
    rows = [r for r in rows if r["metric"] != "flip_mean"]
    rows += paired_rows(4, "flip_mean", {"Lab": 0.01}, {"Lab": (0.005, 0.02)})
    rows += paired_rows(32, "flip_mean", {"Lab": 0.01}, {"Lab": (0.005, 0.02)})
    sentences = which_space_answer(pd.DataFrame(rows))
    assert sentences[0].endswith("So no space is the answer there.")
    assert not any("is the answer there" in s and "no space" not in s for s in sentences)


def test_one_image_is_said_in_the_singular():
    rows = paired_rows(4, "delta_e2000_mean", {"Lab": -0.3}, {"Lab": (-0.5, 0.1)}, n_images=1)
    sentences = which_space_answer(pd.DataFrame(rows))
    assert sentences[1].endswith("That gap could be chance over this one image.")
    assert sentences[-1] == "One image is few: read this as a hint, not a proof."


def test_where_no_judges_intervals_make_its_space_clear_no_judge_is_said_to_disagree():
    # The best means differ by judge (PSNR: RGB; the others: Lab), and even the judges that
    # favour no space's objective agree on Lab, but every interval includes 0.
    rows = []
    for k in (4, 32):
        rows += paired_rows(k, "delta_e2000_mean", {"Lab": -0.05}, {"Lab": (-0.2, 0.1)})
        rows += paired_rows(k, "psnr", {"Lab": -0.3}, {"Lab": (-0.8, 0.2)})
        rows += paired_rows(k, "ssim_y", {"Lab": 0.001}, {"Lab": (-0.01, 0.01)})
        rows += paired_rows(k, "flip_mean", {"Lab": -0.001}, {"Lab": (-0.01, 0.005)})
    table = pd.DataFrame(rows)
    assert not any(verdict.clear for verdict in judge_verdicts(table, 4))
    sentences = which_space_answer(table)
    assert sentences == [
        "At k = 4 (few colours), no judge finds one space clearly closer: by PSNR, RGB has the "
        "best mean; by mean ΔE00, SSIM of luma and mean ꟻLIP, Lab does; but the intervals make "
        "none of these clear. So no space is the answer there.",
        "At k = 32 (the most colours swept), no judge finds one space clearly closer: by PSNR, "
        "RGB has the best mean; by mean ΔE00, SSIM of luma and mean ꟻLIP, Lab does; but the "
        "intervals make none of these clear. So no space is the answer there.",
        "6 images are few: read this as a hint, not a proof.",
    ]
    # Once one judge's interval is clear, the judges do disagree, and the neutral ones decide.
    clear = (table["metric"] == "psnr") & (table["k"] == 4)
    table.loc[clear, ["ci_low", "ci_high"]] = [-0.5, -0.1]
    first = which_space_answer(table)[0]
    assert first == (
        "At k = 4 (few colours), the judges disagree: by PSNR, RGB is closest; by mean ΔE00, "
        "SSIM of luma and mean ꟻLIP, Lab is. The judges that favour no space's own objective "
        "(SSIM of luma and mean ꟻLIP) all give Lab the best mean, but the intervals do not "
        "make that clear, so no space is the answer there."
    )
    # Only where their intervals make it clear is their space the answer.
    neutral = table["metric"].isin(["ssim_y", "flip_mean"]) & (table["k"] == 4)
    table.loc[neutral & (table["metric"] == "ssim_y"), ["ci_low", "ci_high"]] = [0.0005, 0.002]
    table.loc[neutral & (table["metric"] == "flip_mean"), ["ci_low", "ci_high"]] = [-0.002, -0.0005]
    first = which_space_answer(table)[0]
    assert first.endswith("all prefer Lab, so Lab is the answer there."), first


def test_spaces_that_share_every_judges_best_mean_give_no_answer():
    rows = paired_rows(4, "delta_e2000_mean", {"Lab": 0.0}, {"Lab": (0.0, 0.0)})
    rows += paired_rows(4, "flip_mean", {"Lab": 0.0}, {"Lab": (-0.01, 0.01)})
    assert which_space_answer(pd.DataFrame(rows))[0] == (
        "At k = 4 (few colours), by every judge two or more spaces share the best mean, so no "
        "space is the answer there."
    )


def test_with_the_studys_tests_a_lead_is_clear_only_where_the_adjusted_test_says_so():
    # Every judge's intervals exclude 0 (agreeing_table), but the study's Friedman test,
    # adjusted over the k swept, gives evidence at k = 32 only: the front page must then
    # say what the findings say, not call k = 4 clear.
    judges = ("delta_e2000_mean", "psnr", "ssim")
    tests = pd.DataFrame(
        [{"k": k, "metric": metric, "preferred": "Lab" if k == 32 else "",
          "evidence": k == 32} for k in (4, 32) for metric in judges]
    )  # fmt: skip
    sentences = which_space_answer(agreeing_table(), tests=tests)
    assert sentences[1] == (
        "By mean ΔE00 it is 0.21 ΔE00 closer than RGB, a fifth of a just-noticeable "
        "difference. That gap could be chance over these 6 images."
    )
    assert sentences[3].endswith(
        "Friedman's test, adjusted over the k swept, makes that clear over these 6 images."
    )
    # Evidence for another space than the best mean is no evidence for the best mean's.
    tests["preferred"] = "RGB"
    assert "could be chance" in which_space_answer(agreeing_table(), tests=tests)[3]


def test_images_that_never_look_alike_are_set_beside_k_means_own_seed_noise():
    stops = stops_table({("RGB", "Lab"): (0, float("nan"))}, n_images=2, swept=16)
    runs = pd.DataFrame({"image": ["a", "a", "b", "b"], "space": ["RGB", "Lab"] * 2,
                         "method": "kmeans", "k": 16,
                         "seed_delta_e2000": [1.5, 2.5, 2.0, 2.0]})  # fmt: skip
    noise = seed_spread_at(runs, 16)
    assert noise == 2.0
    sentence = look_alike_answer(stops, seed_spread=noise)
    assert "Even one space refitted with another seed gives images 2.0 ΔE00 apart there" in (
        sentence
    )
    # Without the runs, nothing is said of the seed noise.
    assert "another seed" not in look_alike_answer(stops)
