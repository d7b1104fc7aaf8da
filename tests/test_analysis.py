"""Elbows, palettes, single-run evaluation and the headline table."""

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from colourquant.colours import distinct_colours
from colourquant.elbow import kneedle_elbow
from colourquant.evaluate import evaluate_centres, evaluate_runs, make_reference
from colourquant.files import (
    RUN_FILES,
    read_indexed_png,
    read_png_thumbnail,
    thumbnail,
    write_run,
)
from colourquant.kmeans import fit_kmeans
from colourquant.palette import hex_colour, render_palette, share_order
from colourquant.runs import Run
from colourquant.summary import front_page_rst, headline_table
from conftest import REPO, THREE, flat_colour_image, noisy_photo, same_metrics

FRONT_PAGE = (REPO / "workflow/report/front_page.template.rst").read_text()


def test_kneedle_finds_the_corner_of_a_piecewise_linear_curve():
    k = np.arange(1, 11)
    inertia = np.where(k <= 4, 1.0 - 0.22 * (k - 1), 0.34 - 0.01 * (k - 4))
    assert kneedle_elbow(k, inertia) == 4


def test_kneedle_on_one_over_k_and_degenerate_curves():
    k = np.array([2, 3, 4, 5, 6, 8, 10, 12, 16])
    # For 1/k on [a, b] the gap below the chord peaks at k = sqrt(a b) = 5.66 here.
    assert kneedle_elbow(k, 1 / k) == 6
    assert kneedle_elbow(k, np.ones_like(k, float)) is None
    assert kneedle_elbow(k[:2], 1 / k[:2]) is None
    assert kneedle_elbow(k, 1 - (k - 2) / 14) is None  # a straight line has no elbow


@pytest.mark.parametrize("space", ["RGB", "Lab", "HSV", "HSL"])
def test_run_on_three_flat_colours_is_exact(space):
    image = flat_colour_image(THREE, width_per_colour=3)
    distinct = distinct_colours(image)
    reference = make_reference(distinct, space)
    fit = fit_kmeans(reference.points, distinct.counts, 3, seed=0)
    result = evaluate_centres(reference, fit.centres)
    assert result.metrics["inertia"] == pytest.approx(0, abs=1e-18)
    assert result.metrics["inertia_normalised"] == pytest.approx(0, abs=1e-18)
    assert result.metrics["mse_rgb"] == 0
    assert result.metrics["delta_e2000_mean"] == 0
    assert result.metrics["ssim"] == pytest.approx(1.0)
    np.testing.assert_array_equal(result.quantized, image)
    assert sorted(map(tuple, result.palette.tolist())) == sorted(THREE)
    np.testing.assert_allclose(np.sort(result.shares), [1 / 3, 1 / 3, 1 / 3])


@pytest.mark.parametrize("k", [4, 300])
def test_run_is_written_as_palette_indices_up_to_256_colours(tmp_path, k):
    image = noisy_photo(seed=8, height=40, width=50)
    distinct = distinct_colours(image)
    reference = make_reference(distinct, "RGB")
    fit = fit_kmeans(reference.points, distinct.counts, k, seed=0, n_init=1)
    result = evaluate_centres(reference, fit.centres)
    np.testing.assert_array_equal(result.palette[result.pixel_labels], result.quantized)
    write_run(tmp_path, Run(k=k, centres=fit.centres, result=result, row={"k": k}))
    assert len(result.palette) == k  # the photo has 1999 distinct colours
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(RUN_FILES.values())
    assert pd.read_csv(tmp_path / "metrics.csv").to_dict("records") == [{"k": k}]
    centres = pd.read_csv(tmp_path / "centres.csv")
    assert centres["pixel_share"].is_monotonic_decreasing and len(centres) == k
    with Image.open(tmp_path / "quantized.png") as written:
        assert written.mode == ("P" if k <= 256 else "RGB")
        np.testing.assert_array_equal(np.asarray(written.convert("RGB")), result.quantized)
    labels, palette = read_indexed_png(tmp_path / "quantized.png")
    np.testing.assert_array_equal(palette[labels], result.quantized)


def test_run_metrics_of_a_coarse_quantization():
    image = noisy_photo(seed=4)
    distinct = distinct_colours(image)
    reference = make_reference(distinct, "RGB")
    fit = fit_kmeans(reference.points, distinct.counts, 4, seed=0)
    result = evaluate_centres(reference, fit.centres)
    pixels = image.reshape(-1, 3).astype(float)
    quantized = result.quantized.reshape(-1, 3).astype(float)
    assert len(np.unique(quantized, axis=0)) <= 4
    assert result.metrics["mse_rgb"] == pytest.approx(((pixels - quantized) ** 2).sum(1).mean())
    tss = ((pixels / 255 - (pixels / 255).mean(0)) ** 2).sum()
    assert result.metrics["inertia_normalised"] == pytest.approx(
        result.metrics["inertia"] / tss, rel=1e-12
    )
    assert 0 < result.metrics["inertia_normalised"] < 1
    assert result.shares.sum() == pytest.approx(1.0)


def test_palette_is_ordered_by_share_and_draws_each_colour():
    colours = np.array([[255, 0, 0], [0, 0, 255], [0, 255, 0]], np.uint8)
    shares = np.array([0.2, 0.5, 0.3])
    np.testing.assert_array_equal(share_order(shares), [1, 2, 0])
    assert hex_colour(colours[0]) == "#ff0000"
    picture = render_palette(colours, shares, row_height=20, width=300)
    assert picture.shape == (60, 300, 3)
    # The swatch of row r (ordered by share) has the colour of the r-th largest share.
    for row, colour in enumerate(colours[[1, 2, 0]]):
        np.testing.assert_array_equal(picture[row * 20 + 10, 8], colour)


def test_headline_table_and_front_page():
    runs = pd.DataFrame(
        {
            "image": ["a", "b", "a", "b"],
            "space": ["Lab", "Lab", "RGB", "RGB"],
            "k": [2, 2, 2, 2],
            "inertia_normalised": [0.2, 0.4, 0.1, 0.3],
            "delta_e2000_mean": [5.0, 7.0, 6.0, 8.0],
            "psnr": [20.0, 22.0, 21.0, 25.0],
        }
    )
    table = headline_table(runs, ["RGB", "Lab"])
    assert list(table["space"]) == ["RGB", "Lab"]
    assert table["inertia_normalised"].tolist() == pytest.approx([0.2, 0.3])
    assert table["psnr"].tolist() == pytest.approx([23.0, 21.0])
    assert table["n_images"].tolist() == [2, 2]
    config = {
        "experiment": "trial",
        "colour_spaces": ["RGB", "Lab"],
        "k_values": [2],
        "methods": ["kmeans", "octree"],
        "fit": {"mode": "sample"},
    }
    page = front_page_rst(FRONT_PAGE, config, {"snakemake": "9.9"}, table)
    assert "Experiment **trial**: 2 images × 2 colour spaces (RGB, Lab) × 1 value of k" in page
    assert "k-means (sample mode), octree" in page and "Software: snakemake 9.9." in page
    assert "RGB    7.00" in page and "Lab    6.00" in page  # mean ΔE00 at k=2
    assert "0.2" not in page  # inertia is in the headline table, not on the front page
    assert "other seeds" not in page  # not measured: nothing said
    runs["delta_e2000_mean_seed_change"] = [0.5, 1.5, 0.0, 0.25]
    table = headline_table(runs, ["RGB", "Lab"])
    assert table["delta_e2000_mean_seed_change"].tolist() == pytest.approx([0.125, 1.0])
    page = front_page_rst(FRONT_PAGE, config, {"snakemake": "9.9"}, table)
    assert "a space's mean ΔE00 moves by up to 1.00" in page
    assert "$" not in page.replace("$name", "")  # every placeholder filled
    # Dithered variants: named, and the front page says its numbers are undithered.
    assert "dithered" not in page
    page = front_page_rst(FRONT_PAGE, {**config, "dither": ["none", "ordered"]}, {}, table)
    assert (
        "quantized by k-means (sample mode), octree; each run also dithered (ordered: the "
        "Comparison and Dithering categories show the variants side by side; the answers and "
        "the table here are of the undithered runs)."
    ) in page


@pytest.mark.parametrize(
    "shape, expected",
    [((512, 512), (240, 240)), ((200, 1000), (192, 960)), ((1000, 100), (240, 24))],
)
def test_thumbnail_fits_the_figure_cell_height(tmp_path, shape, expected):
    pixels = noisy_photo(seed=0, height=shape[0], width=shape[1])
    assert thumbnail(pixels).shape == (*expected, 3)
    Image.fromarray(pixels).save(tmp_path / "image.png")
    read = read_png_thumbnail(tmp_path / "image.png")
    assert read.shape == (*expected, 3)
    # Shrinking averages neighbouring pixels: the mean colour barely moves.
    assert np.abs(read.mean(axis=(0, 1)) - pixels.mean(axis=(0, 1))).max() < 2


def test_runs_evaluated_together_equal_runs_evaluated_alone():
    distinct = distinct_colours(noisy_photo(seed=10))
    reference = make_reference(distinct, "Lab")
    fits = [fit_kmeans(reference.points, distinct.counts, k, seed=0, n_init=2) for k in (2, 5)]
    together = list(evaluate_runs(reference, [fit.centres for fit in fits]))
    for fit, result in zip(fits, together, strict=True):
        alone = evaluate_centres(reference, fit.centres)
        assert same_metrics(result.metrics, alone.metrics)
        np.testing.assert_array_equal(result.quantized, alone.quantized)


def test_seed_difference_is_the_mean_delta_e_between_the_two_quantized_images():
    from colourquant.metrics import mean_delta_e2000

    distinct = distinct_colours(noisy_photo(seed=11))
    reference = make_reference(distinct, "Lab")
    centres = fit_kmeans(reference.points, distinct.counts, 4, seed=0).centres
    # Another fit's centres: shifted, so that the quantized images surely differ.
    other_centres = centres + [5.0, -3.0, 2.0]
    same, other = evaluate_runs(
        reference, [centres, centres], replicate_centres=[[centres], [other_centres]]
    )
    assert same.metrics["seed_delta_e2000"] == 0.0
    expected = mean_delta_e2000(
        other.quantized, evaluate_centres(reference, other_centres).quantized
    )
    assert expected > 1
    assert other.metrics["seed_delta_e2000"] == pytest.approx(expected, rel=1e-12)
    # And how much the run's own mean ΔE00 moves: the replicate's, evaluated alone.
    assert same.metrics["delta_e2000_mean_seed_change"] == 0.0
    replicate_alone = evaluate_centres(reference, other_centres).metrics["delta_e2000_mean"]
    assert other.metrics["delta_e2000_mean_seed_change"] == pytest.approx(
        abs(replicate_alone - other.metrics["delta_e2000_mean"]), rel=1e-12
    )
    assert other.metrics["delta_e2000_mean_seed_change"] > 0
    # Without replicates the metric is absent, not zero.
    assert "seed_delta_e2000" not in evaluate_centres(reference, centres).metrics
    # Several replicates: the image change is their mean, the score change their largest.
    third = centres + [-4.0, 6.0, 0.0]
    (several,) = evaluate_runs(reference, [centres], replicate_centres=[[other_centres, third]])
    alone = {name: evaluate_centres(reference, c) for name, c in
             (("other", other_centres), ("third", third), ("run", centres))}  # fmt: skip
    image_changes = [
        mean_delta_e2000(alone["run"].quantized, alone[name].quantized)
        for name in ("other", "third")
    ]
    assert several.metrics["seed_delta_e2000"] == pytest.approx(np.mean(image_changes), rel=1e-12)
    score = {name: result.metrics["delta_e2000_mean"] for name, result in alone.items()}
    assert several.metrics["delta_e2000_mean_seed_change"] == pytest.approx(
        max(abs(score["other"] - score["run"]), abs(score["third"] - score["run"])), rel=1e-12
    )


def test_inertia_of_zero_is_marked_on_the_floor_of_the_log_axis():
    import matplotlib

    matplotlib.use("Agg")
    from colourquant.plots import inertia_figure, space_colours

    curves = pd.DataFrame(
        {
            "space": ["RGB"] * 4 + ["Lab"] * 4,
            "k": [2, 3, 4, 5] * 2,
            "inertia_normalised": [0.3, 0.1, 0.0, 0.0, 0.4, 0.2, 0.05, 0.0],
            "is_elbow": [False] * 8,
        }
    )
    axis = inertia_figure("flags", curves, space_colours(["RGB", "Lab"])).axes[0]
    assert axis.get_yscale() == "log"
    floor_marks = {tuple(line.get_xdata()) for line in axis.get_lines() if line.get_marker() == "v"}
    assert floor_marks == {(4, 5), (5,)}
    assert any("inertia 0" in text.get_text() for text in axis.texts)

    one_colour = curves.assign(inertia_normalised=0.0)
    axis = inertia_figure("dot", one_colour, space_colours(["RGB", "Lab"])).axes[0]
    assert axis.get_yscale() == "linear" and "log" not in axis.get_ylabel()


def test_every_space_has_its_own_colour_whatever_the_order():
    from colourquant.plots import space_colours
    from colourquant.spaces import SPACES

    spaces = list(SPACES)
    colours = space_colours(spaces)
    assert len(set(colours.values())) == len(spaces)
    assert space_colours(spaces[::-1]) == colours
    assert space_colours(["HSV"])["HSV"] == colours["HSV"]
    # Greys are the other methods' (method_style).
    assert not any(r == g == b for r, g, b in colours.values())


def test_the_front_page_names_every_neutral_judge_of_the_registry(monkeypatch):
    from colourquant.columns import JUDGES, Column
    from colourquant.summary import neutral_judges_rst

    toy = Column("toy", "toy score", "judge", decimals=2, lower_is_better=True,
                 family="structure", measures="a toy", spread="toy_seed_change")  # fmt: skip
    monkeypatch.setitem(JUDGES, "toy", toy)
    named = neutral_judges_rst()
    # Linked where the glossary explains it; a new judge without an entry is named plainly.
    assert named.startswith("`SSIM of luma <glossary-ssim-y_>`__, ")
    assert named.endswith("`mean ꟻLIP <glossary-flip_>`__ and toy score")
    # A judge that favours a space (PSNR, mean ΔE00) is not among them.
    assert "PSNR" not in named and "ΔE00" not in named
