"""The study per judge: a registered judge flows through, verdicts, the answer and its wording."""

import numpy as np
import pandas as pd
import pytest
import textstat

from colourquant.colours import distinct_colours
from colourquant.columns import JUDGES, SPREADS, Column
from colourquant.study import rank_tests
from colourquant.study.findings import judge_verdicts, verdict_sentences
from colourquant.study.sweep import findings_texts, study_tables
from conftest import noisy_photo

SPACES = ("RGB", "Lab")
N_IMAGES = 8


def judged_runs(better: dict[str, str], k_values=(4, 8), n_images=N_IMAGES, seed=0):
    """Runs of RGB and Lab where each judge in `better` scores its space better in every image.

    Scores differ by image and k; the better space's score is 10 % better. A
    judge mapped to ``""`` gives both spaces the same score. Every spread is
    0.001, far smaller than the gaps.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for image in range(n_images):
        for k in k_values:
            base = {judge: rng.uniform(0.3, 0.6) for judge in better}
            for space in SPACES:
                row = {"image": f"image{image}", "space": space, "method": "kmeans", "k": k,
                       "n_unique": 1000}  # fmt: skip
                for judge, winner in better.items():
                    lower = JUDGES[judge].lower_is_better
                    gain = 0.9 if lower else 1.1
                    row[judge] = base[judge] * (gain if space == winner else 1.0)
                    row[SPREADS[judge]] = 0.001
                rows.append(row)
    return pd.DataFrame(rows)


def verdicts_of(better: dict[str, str], **options) -> pd.DataFrame:
    return judge_verdicts(rank_tests(judged_runs(better, **options), metrics=list(better)))


DISAGREE = {
    "delta_e2000_mean": "Lab",
    "psnr": "RGB",
    "ssim_y": "RGB",
    "vif_p": "RGB",
    "flip_mean": "Lab",
}


def test_judges_that_disagree_give_no_answer_and_say_so():
    verdicts = verdicts_of(DISAGREE)
    at_4 = verdicts[verdicts["k"] == 4].set_index("metric")
    # Every judge has its evidence: the adjusted p decides and is below 0.05 for each.
    assert at_4["evidence"].all() and (at_4["friedman_p_adjusted"] < 0.05).all()
    assert at_4["preferred"].to_dict() == DISAGREE
    assert (verdicts["answer"] == "").all()
    sentences = verdict_sentences(verdicts, k_values=[4])
    assert sentences[0] == (
        "At k = 4, over 8 images: by PSNR, which favours RGB, RGB is closer "
        "(adjusted p = 0.0047); by mean ΔE00, which favours Lab, Lab is closer "
        "(adjusted p = 0.0047); by SSIM of luma, RGB is closer (adjusted p = 0.0047); "
        "by VIFp of luma, RGB is closer (adjusted p = 0.0047); "
        "by mean ꟻLIP, Lab is closer (adjusted p = 0.0047)."
    )
    assert sentences[1] == (
        "The judges that favour neither space (SSIM of luma, VIFp of luma and mean ꟻLIP) "
        "do not all pick one space, so we give no answer at k = 4."
    )
    assert not any("our answer" in sentence for sentence in sentences)


def test_judges_that_agree_give_the_answer_even_against_a_biased_judge():
    agree = {**DISAGREE, "ssim_y": "Lab", "vif_p": "Lab", "psnr": "RGB"}
    verdicts = verdicts_of(agree)
    assert set(verdicts["answer"]) == {"Lab"}
    sentences = verdict_sentences(verdicts, k_values=[8])
    assert sentences[1] == (
        "The judges that favour neither space (SSIM of luma, VIFp of luma and mean ꟻLIP) "
        "all pick Lab, so Lab is our answer at k = 8."
    )
    # PSNR, which favours RGB's objective, still has its say beside it.
    assert "by PSNR, which favours RGB, RGB is closer (adjusted p = 0.0047)" in sentences[0]


def test_a_biased_judge_alone_is_never_the_answer():
    verdicts = verdicts_of({"delta_e2000_mean": "Lab", "psnr": "RGB", "flip_mean": ""})
    assert verdicts.set_index(["k", "metric"]).loc[(4, "delta_e2000_mean"), "preferred"] == "Lab"
    assert (verdicts["answer"] == "").all()
    assert verdict_sentences(verdicts, k_values=[4])[1] == (
        "The one judge that favours neither space (mean ꟻLIP) finds no space clearly closer "
        "at k = 4, so we give no answer there."
    )


# Every judge gives both spaces the same score: none finds a space clearly closer.
NO_DIFFERENCE = {"delta_e2000_mean": "", "psnr": "", "ssim_y": "", "flip_mean": ""}


def test_where_no_judge_finds_a_space_closer_the_findings_say_so_not_that_they_disagree():
    verdicts = verdicts_of(NO_DIFFERENCE)
    assert not verdicts["evidence"].any() and (verdicts["preferred"] == "").all()
    assert (verdicts["friedman_p_adjusted"] >= 0.05).all()
    assert (verdicts["answer"] == "").all()
    sentences = verdict_sentences(verdicts, k_values=[4])
    assert sentences == [
        "At k = 4, over 8 images: by PSNR, which favours RGB, no space is clearly closer; "
        "by mean ΔE00, which favours Lab, no space is clearly closer; by SSIM of luma, no "
        "space is clearly closer; by mean ꟻLIP, no space is clearly closer.",
        "None of the judges that favour neither space (SSIM of luma and mean ꟻLIP) finds one "
        "space clearly closer at k = 4, so we give no answer there.",
    ]
    # No evidence of a difference is not a disagreement, nor evidence that the spaces are equal.
    text = " ".join(verdict_sentences(verdicts))
    for claim in ("do not all pick", "disagree", "equal", "the same", "our answer"):
        assert claim not in text, claim


def test_the_sweeps_findings_say_plainly_where_no_judge_finds_a_space_closer():
    texts = findings_texts(sweep_tables(judged_runs(NO_DIFFERENCE)))
    plain = (
        "None of the judges that favour neither space (SSIM of luma and mean ꟻLIP) finds one "
        "space clearly closer at k = {}, so we give no answer there."
    )
    for k in (4, 8):
        assert plain.format(k) in texts["findings"].splitlines(), texts["findings"]
        assert plain.format(k) in texts["all_findings"].rstrip("\n").split("\n\n")
    assert "do not all pick" not in texts["findings"] + texts["all_findings"]


def test_neutral_judges_of_which_some_pick_a_space_and_the_rest_none_are_named_each():
    verdicts = verdicts_of({"psnr": "RGB", "ssim_y": "Lab", "vif_p": "Lab", "flip_mean": ""})
    at_4 = verdicts[verdicts["k"] == 4].set_index("metric")
    assert at_4["preferred"].to_dict() == {"psnr": "RGB", "ssim_y": "Lab", "vif_p": "Lab",
                                           "flip_mean": ""}  # fmt: skip
    assert (verdicts["answer"] == "").all()
    assert verdict_sentences(verdicts, k_values=[4])[1] == (
        "Of the judges that favour neither space (SSIM of luma, VIFp of luma and mean ꟻLIP), "
        "SSIM of luma and VIFp of luma pick Lab but mean ꟻLIP finds no space clearly closer, "
        "so we give no answer at k = 4."
    )
    # Where the neutral judges pick different spaces, they disagree, and it is said so.
    split = verdicts_of({"ssim_y": "Lab", "vif_p": "RGB", "flip_mean": ""})
    assert verdict_sentences(split, k_values=[4])[1] == (
        "The judges that favour neither space (SSIM of luma, VIFp of luma and mean ꟻLIP) "
        "do not all pick one space, so we give no answer at k = 4."
    )


def test_a_raw_p_below_005_that_adjusting_lifts_is_not_evidence_and_is_said_so():
    tests = pd.DataFrame({"k": [2, 2, 4, 4], "metric": "flip_mean", "space": list(SPACES) * 2,
        "mean_rank": [1.2, 1.8, 1.5, 1.5], "n_images": 6, "n_spaces": 2,
        "friedman_p": [0.03, 0.03, 1.0, 1.0], "friedman_p_adjusted": [0.06, 0.06, 1.0, 1.0],
        "note": ""})  # fmt: skip
    verdicts = judge_verdicts(tests)
    assert not verdicts["evidence"].any() and verdicts["preferred"].eq("").all()
    assert "adjusted p decides" in verdicts["note"].iloc[0]
    (first, _) = verdict_sentences(verdicts, k_values=[2])
    assert first == (
        "At k = 2, over 6 images: by mean ꟻLIP, no space is clearly closer "
        "(p = 0.030, but 0.060 once adjusted over 2 k; the adjusted p decides)."
    )


@pytest.fixture
def toy_judge(monkeypatch):
    """A judge registered as a new metric would be: one Column and its spread."""
    toy = Column("toy", "toy score", "judge", decimals=2, lower_is_better=True,
                 family="structure", measures="a toy", spread="toy_seed_change")  # fmt: skip
    monkeypatch.setitem(JUDGES, "toy", toy)
    monkeypatch.setitem(SPREADS, "toy", "toy_seed_change")
    return toy


def sweep_tables(runs: pd.DataFrame) -> dict:
    images = {image: distinct_colours(noisy_photo(seed=i)) for i, image in
              enumerate(dict.fromkeys(runs["image"]))}  # fmt: skip
    differences = pd.DataFrame(
        [{"image": image, "k": k, "space_a": "RGB", "space_b": "Lab", "delta_e2000_mean": 2.0 / k}
         for image in images for k in (4, 8)]
    )  # fmt: skip
    return study_tables(runs, differences, images, reference="RGB")


def test_a_registered_judge_flows_into_every_study_table_and_the_findings(toy_judge):
    runs = judged_runs({"delta_e2000_mean": "Lab", "toy": "Lab", "flip_mean": "Lab"})
    tables = sweep_tables(runs)
    for name in ("rank_tests", "paired_differences", "image_differences", "judge_verdicts"):
        assert "toy" in set(tables[name]["metric"]), name
    verdicts = tables["judge_verdicts"].set_index(["k", "metric"])
    assert verdicts.loc[(4, "toy"), "preferred"] == "Lab"
    assert verdicts.loc[(4, "toy"), "family"] == "structure"
    # The toy favours no space, so it counts towards the answer with ꟻLIP.
    assert set(tables["judge_verdicts"]["answer"]) == {"Lab"}
    assert "toy" in set(tables["stop_differing"]["threshold"])
    texts = findings_texts(tables)
    assert "by toy score, Lab is closer (adjusted p" in texts["all_findings"]


def test_the_findings_are_in_plain_words():
    runs = judged_runs(DISAGREE, k_values=(2, 4, 8, 16), n_images=4)
    texts = findings_texts(sweep_tables(runs))
    headline = texts["findings"]
    assert "These findings rest on 4 images." in headline
    assert "That is few" in headline
    for name, text in texts.items():
        assert textstat.flesch_reading_ease(text) >= 40, (name, text)


def test_too_few_images_are_said_once_and_give_no_answer():
    verdicts = verdicts_of({"psnr": "RGB", "flip_mean": "Lab"}, n_images=2)
    assert not verdicts["evidence"].any() and (verdicts["answer"] == "").all()
    assert verdict_sentences(verdicts, k_values=[4]) == [
        "At k = 4, over 2 images, the Friedman test was skipped (it needs 3): "
        "no judge picks a space, and we give no answer."
    ]


def test_no_evidence_beside_a_raw_p_below_005_says_why():
    from colourquant.study.findings import ranking_sentences

    tests = pd.DataFrame({"k": [2, 2, 4, 4, 8, 8], "metric": "psnr", "space": list(SPACES) * 3,
        "mean_rank": [1.2, 1.8, 1.5, 1.5, 1.4, 1.6], "n_images": 6, "n_spaces": 2,
        "friedman_p": [0.03, 0.03, 1.0, 1.0, 0.2, 0.2],
        "friedman_p_adjusted": [0.09, 0.09, 1.0, 1.0, 0.3, 0.3], "cd": 0.8,
        "note": ""})  # fmt: skip
    assert ranking_sentences(tests, "psnr") == [
        "At every k swept, Friedman's test finds no evidence that the spaces' ranks by PSNR "
        "differ (p adjusted over k ≥ 0.05 at each k).",
        "At k = 2, p was below 0.05 before adjusting over the 3 k swept; the adjusted p "
        "decides, so that is not evidence.",
    ]
