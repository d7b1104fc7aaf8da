"""Figures as a reader sees them: sizes, legible text, and the values they show."""

import time
from itertools import combinations

import matplotlib
import numpy as np
import pandas as pd
import pytest
from PIL import Image

matplotlib.use("Agg")

from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from colourquant.colours import distinct_colours  # noqa: E402
from colourquant.comparison_plots import (  # noqa: E402
    COMPARISON_DPI,
    comparison_figure,
    comparison_overview_figure,
    delta_e_by_run,
    grid_shape,
)
from colourquant.dither_plots import dither_figure  # noqa: E402
from colourquant.explore import pairwise_differences, sample_pixels, weighted_correlation  # noqa: E402
from colourquant.explore_plots import (  # noqa: E402
    differences_figure,
    exploration_figure,
    fitted_limits,
)
from colourquant.files import (  # noqa: E402
    MAX_FIGURE_PIXELS,
    read_png_thumbnail,
    thumbnail,
    write_figure,
)
from colourquant.palette import cluster_counts, cluster_sizes_k  # noqa: E402
from colourquant.palette_plots import MAX_BARS, cluster_sizes_figure  # noqa: E402
from colourquant.plots import (  # noqa: E402
    BAND_COLUMNS,
    FIGURE_DPI,
    INERTIA_CAVEAT,
    MIN_TEXT_PX,
    REPORT_IMAGE_BOX,
    REPORT_IMAGE_WIDTH,
    inertia_figure,
    inertia_overview_figure,
    quality_figure,
    seed_change_band,
    space_colours,
)
from colourquant.spaces import from_srgb8, get_space  # noqa: E402
from colourquant.study import critical_difference_figure, paired_differences, rank_tests  # noqa: E402
from colourquant.study.dithering import dither_differences, dither_differences_figure  # noqa: E402
from colourquant.study.plots import mean_rank_figure, paired_differences_figure  # noqa: E402
from conftest import noisy_photo  # noqa: E402

SPACES = ["RGB", "Lab", "HSV", "HSL"]


@pytest.fixture(autouse=True)
def close_figures():
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


K_VALUES = [2, 3, 4, 5, 6, 8, 10, 12, 16]


def screen_px(figure, fontsize: float, dpi: float = FIGURE_DPI) -> float:
    """Height on screen of `fontsize`-point text in the report at 1366 x 768.

    The report shows a PNG at its own size, or shrunk to REPORT_IMAGE_WIDTH
    (the narrowest it was measured).
    """
    width_px = figure.get_size_inches()[0] * dpi
    return fontsize * dpi / 72 * min(1.0, REPORT_IMAGE_WIDTH / width_px)


def shown_size(png_size: tuple[int, int]) -> tuple[float, float]:
    """Width and height at which the report shows a PNG at 1366 x 768, at the widest."""
    width, height = png_size
    scale = min(1.0, REPORT_IMAGE_BOX[0] / width)
    return width * scale, height * scale


def smallest_text(figure) -> Text:
    figure.canvas.draw()
    texts = [
        text
        for text in figure.findobj(Text)
        if text.get_visible() and text.get_text().strip() and text.get_figure() is not None
    ]
    return min(texts, key=lambda text: text.get_fontsize())


def metrics_table(seed: int = 0) -> pd.DataFrame:
    """A metrics table of one image: k-means in SPACES and median cut at every k."""
    rng = np.random.default_rng(seed)
    rows = []
    for method, spaces in [("kmeans", SPACES), ("median_cut", ["-"])]:
        for space in spaces:
            for k in K_VALUES:
                rows.append(
                    {
                        "image": "photo",
                        "space": space,
                        "method": method,
                        "k": k,
                        "n_pixels": 768,
                        "delta_e2000_mean": 20 / k + rng.uniform(0, 1),
                        "psnr": 15 + 3 * np.log2(k) + rng.uniform(0, 1),
                        "delta_e2000_mean_seed_change": rng.uniform(0, 0.8)
                        if method == "kmeans"
                        else np.nan,
                    }
                )
    return pd.DataFrame(rows)


def inertia_curves(images=("photo",), k_values=K_VALUES) -> pd.DataFrame:
    rows = []
    for image in images:
        for offset, space in enumerate(SPACES):
            for k in k_values:
                rows.append(
                    {
                        "image": image,
                        "space": space,
                        "k": k,
                        "inertia_normalised": (1 + offset) / (2 * k),
                        "is_elbow": len(k_values) > 2 and k == 4,
                    }
                )
    return pd.DataFrame(rows)


def centres_tables(k_values, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    tables = {}
    for space in SPACES:
        for k in k_values:
            shares = rng.dirichlet(np.ones(k))
            colours = rng.integers(0, 256, (k, 3))
            tables[(space, k)] = pd.DataFrame(
                {
                    "srgb_hex": [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in colours],
                    "pixel_share": shares,
                }
            )
    return tables


def comparison_of(pixels: np.ndarray, k=4, **kwargs):
    """The comparison figure at `k` (or the overview, for a list of k) of an image."""
    small = thumbnail(pixels)
    k_values = k if isinstance(k, list) else [k]
    quantized = {(row, k): small for row in [*SPACES, "median_cut"] for k in k_values}
    draw = comparison_overview_figure if isinstance(k, list) else comparison_figure
    return draw(
        "photo",
        small,
        quantized,
        SPACES,
        k,
        baselines=["median_cut"],
        image_size=pixels.shape[:2],
        **kwargs,
    )


def delta_e_of_table():
    return delta_e_by_run(metrics_table())


def exploration_of(space_name: str, pixels: np.ndarray):
    distinct = distinct_colours(pixels)
    points = from_srgb8(distinct.colours, space_name)
    rows = sample_pixels(distinct.counts, 2000, seed=0)
    figure = exploration_figure(
        "photo",
        get_space(space_name),
        points[rows],
        distinct.colours[rows],
        weighted_correlation(points, distinct.counts),
    )
    return figure, points[rows]


def every_colour(n: int = 4000, seed: int = 0) -> np.ndarray:
    """Random colours from all over the sRGB gamut, as an image."""
    return np.random.default_rng(seed).integers(0, 256, (1, n, 3), dtype=np.uint8)


def study_runs(n_images: int = 9, k_values=(2, 4, 8, 16, 32, 64, 128, 256)) -> pd.DataFrame:
    """Mean ΔE00 of every space in every image and k, Lab best, as the study reads it."""
    rng = np.random.default_rng(5)
    rows = []
    for image in range(n_images):
        for space_index, space in enumerate(SPACES):
            for k in k_values:
                error = 20 / np.sqrt(k) + 0.3 * space_index + rng.normal(0, 0.2)
                rows.append({"image": f"image{image}", "space": space, "method": "kmeans",
                             "k": k, "delta_e2000_mean": error, "psnr": 40 - error})  # fmt: skip
    return pd.DataFrame(rows)


def dithered_study_runs() -> pd.DataFrame:
    """study_runs with two dithered variants, each a little worse than the undithered run."""
    runs = study_runs(n_images=5, k_values=(2, 4, 8, 16)).assign(dither="none")
    variants = [
        runs.assign(dither=name, delta_e2000_mean=runs["delta_e2000_mean"] + shift / runs["k"])
        for name, shift in (("floyd_steinberg", 4.0), ("ordered", 2.0))
    ]
    return pd.concat([runs, *variants], ignore_index=True)


def dither_crops(rows, dithers, size=96):
    rng = np.random.default_rng(2)
    return {
        (row, d): rng.integers(0, 255, (size, size, 3), np.uint8) for row in rows for d in dithers
    }


FIGURES = {
    # The default sweep's: four spaces, k-means alone, every dithering.
    "dithering crops": lambda: dither_figure(
        "photo",
        noisy_photo(0, 96, 96),
        dither_crops(SPACES, ["none", "floyd_steinberg", "ordered"]),
        SPACES,
        ["none", "floyd_steinberg", "ordered"],
        8,
        delta_e={
            (space, d): 4.5 for space in SPACES for d in ["none", "floyd_steinberg", "ordered"]
        },
    ),  # fmt: skip
    "study dithering": lambda: dither_differences_figure(
        dither_differences(dithered_study_runs(), metrics=["delta_e2000_mean"], n_boot=200),
        space_colours(SPACES),
    ),
    "comparison at one k": lambda: comparison_of(
        noisy_photo(0, 300, 451), k=4, delta_e=delta_e_of_table()
    ),
    "comparison at one k, portrait": lambda: comparison_of(
        noisy_photo(0, 451, 300), k=4, delta_e=delta_e_of_table()
    ),
    "comparison overview": lambda: comparison_of(
        noisy_photo(0, 300, 451), k=K_VALUES, delta_e=delta_e_of_table()
    ),
    "comparison overview, portrait": lambda: comparison_of(
        noisy_photo(0, 451, 300), k=K_VALUES, delta_e=delta_e_of_table()
    ),
    "inertia": lambda: inertia_figure("photo", inertia_curves(), space_colours(SPACES)),
    "inertia overview, 4 images": lambda: inertia_overview_figure(
        inertia_curves(["a", "b", "c", "d"]), space_colours(SPACES)
    ),
    "inertia overview, 6 images": lambda: inertia_overview_figure(
        inertia_curves([f"image{i}" for i in range(6)]), space_colours(SPACES)
    ),
    "quality": lambda: quality_figure(
        "photo", seed_change_band(metrics_table()), space_colours(SPACES)
    ),
    "cluster sizes": lambda: cluster_sizes_figure(
        "photo", centres_tables([2, 6, 16]), 768, SPACES, [2, 6, 16]
    ),
    "exploration": lambda: exploration_of("Lab", noisy_photo(1, 60, 80))[0],
    "study ranks": lambda: mean_rank_figure(
        rank_tests(study_runs(), metrics=["delta_e2000_mean"]),
        space_colours(SPACES),
        "delta_e2000_mean",
    ),
    "study critical difference": lambda: critical_difference_figure(
        rank_tests(study_runs(), metrics=["delta_e2000_mean"]), 256, "delta_e2000_mean"
    ),
    "study differences": lambda: paired_differences_figure(
        paired_differences(study_runs(), metrics=["delta_e2000_mean", "psnr"], reference="RGB"),
        space_colours(SPACES),
    ),
    "differences": lambda: differences_figure(
        "photo",
        pairwise_differences(
            {
                (space, k): (np.zeros((4, 4), int), np.array([[k * 10, 0, 0]], np.uint8))
                for space in SPACES
                for k in K_VALUES
            },
            SPACES,
            K_VALUES,
        ),
    ),
}


@pytest.mark.parametrize("name", FIGURES)
def test_figures_are_legible_and_wholly_in_view_in_the_report(name, tmp_path, monkeypatch):
    figure = FIGURES[name]()
    dpi = COMPARISON_DPI if name.startswith("comparison") else FIGURE_DPI  # as plot_image
    text = smallest_text(figure)
    height = screen_px(figure, text.get_fontsize(), dpi)
    assert height >= MIN_TEXT_PX, f"{text.get_text()!r}: {height:.1f} px on screen"
    # No text is cut off at the figure's edges (a title wider than the figure, say).
    page = figure.bbox
    for text, box in drawn_texts(figure, monkeypatch):
        assert page.x0 - 1 <= box.x0 and box.x1 <= page.x1 + 1, text.get_text()
        assert page.y0 - 1 <= box.y0 and box.y1 <= page.y1 + 1, text.get_text()
    write_figure(tmp_path / "figure.png", figure, dpi=dpi)
    with Image.open(tmp_path / "figure.png") as png:
        assert png.size[0] <= 2400 and png.size[1] <= MAX_FIGURE_PIXELS[1]
        # The report cuts off the top of an image shown taller than its box.
        assert shown_size(png.size)[1] <= REPORT_IMAGE_BOX[1], png.size


def test_grid_shape_makes_the_panels_as_large_as_they_fit():
    # Five landscape panels in a landscape area: three columns, two rows.
    assert grid_shape(5, 1.5, 10, 6.3)[:2] == (2, 3)
    # Portrait panels: in a row.
    assert grid_shape(5, 2 / 3, 10, 6.3)[:2] == (1, 5)
    for n in range(1, 16):
        for aspect in (1 / 3, 2 / 3, 1.0, 1.5, 3.0):
            rows, cols, width = grid_shape(n, aspect, 9.8, 6.4, title=0.3)
            assert rows * cols >= n and (rows - 1) * cols < n  # no empty row
            # The panels with their titles and gaps fit the area.
            assert cols * (width + 0.08) <= 9.8 + 1e-9
            assert rows * (width / aspect + 0.3 + 0.08) <= 6.4 + 1e-9


@pytest.mark.parametrize("shape", [(1, 100_000), (100_000, 1), (3, 40_000), (300, 451)])
def test_any_aspect_ratio_gives_a_normal_sized_figure_quickly(tmp_path, shape):
    pixels = np.random.default_rng(0).integers(0, 256, (*shape, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(tmp_path / "image.png")
    started = time.perf_counter()
    small = read_png_thumbnail(tmp_path / "image.png")
    assert small.shape[0] <= 240 and small.shape[1] <= 960  # capped both ways
    assert thumbnail(pixels).shape == small.shape
    quantized = {(row, k): small for row in [*SPACES, "median_cut"] for k in K_VALUES}
    for k, draw in [(4, comparison_figure), (K_VALUES, comparison_overview_figure)]:
        figure = draw("strip", small, quantized, SPACES, k, ["median_cut"], image_size=shape)
        write_figure(tmp_path / "comparison.png", figure, dpi=COMPARISON_DPI)
        with Image.open(tmp_path / "comparison.png") as png:
            assert 400 <= png.size[0] <= 2400 and 250 <= png.size[1] <= 4800
            assert shown_size(png.size)[1] <= REPORT_IMAGE_BOX[1]
        # Panels keep an aspect between 1:3 and 3:1 whatever the image's.
        for axis in figure.get_axes():
            if axis.get_images():
                box = axis.get_position()
                aspect = (box.width * figure.get_figwidth()) / (box.height * figure.get_figheight())
                assert 1 / 3 - 0.01 <= aspect <= 3 + 0.01
        if shape[0] * 3 < shape[1] or shape[1] * 3 < shape[0]:
            titles = " ".join(axis.get_title() for axis in figure.get_axes())
            titles = titles.replace("\u00a0", " ")
            assert f"{shape[1]:,} × {shape[0]:,} px" in titles and "stretched" in titles
    assert time.perf_counter() - started < 20


def test_every_figure_is_capped_in_pixels(tmp_path):
    import matplotlib.pyplot as plt

    figure = plt.figure(figsize=(100, 100))
    write_figure(tmp_path / "huge.png", figure, dpi=FIGURE_DPI)
    with Image.open(tmp_path / "huge.png") as png:
        assert png.size[0] <= MAX_FIGURE_PIXELS[0] and png.size[1] <= MAX_FIGURE_PIXELS[1]


def test_comparison_panels_give_each_runs_delta_e_from_the_metrics():
    metrics = metrics_table(seed=3)
    delta_e = delta_e_by_run(metrics)
    assert (
        delta_e[("median_cut", 4)]
        == metrics.query("method == 'median_cut' and k == 4")["delta_e2000_mean"].item()
    )
    runs = metrics.set_index(["method", "space", "k"])["delta_e2000_mean"]
    one_k = comparison_of(noisy_photo(2, 30, 40), k=5, delta_e=delta_e)
    overview = comparison_of(noisy_photo(2, 30, 40), k=K_VALUES, delta_e=delta_e)
    for figure, shown, decimals in [(one_k, [5], 2), (overview, K_VALUES, 1)]:
        panels = {axis.get_gid(): axis for axis in figure.get_axes() if axis.get_gid()}
        assert len(panels) == (len(SPACES) + 1) * len(shown)
        for (method, space, k), value in runs.items():
            if k not in shown:
                continue
            row = space if method == "kmeans" else method
            texts = [text.get_text() for text in panels[f"panel:{row}:{k}"].texts]
            number = f"{value:.{decimals}f}"
            assert texts == [f"ΔE00 {number}" if decimals == 2 else number]
    # The panels and rows are named after their spaces and methods.
    titles = [axis.get_title() for axis in one_k.get_axes() if axis.get_gid()]
    assert titles == [*SPACES, "median cut"]
    labels = [axis.get_ylabel() for axis in overview.get_axes() if axis.get_ylabel()]
    assert labels == [*SPACES, "median\ncut"]


def test_cluster_bars_are_the_counts_in_the_centres_colours_largest_first():
    k_values = [2, 6, 40]
    tables = centres_tables(k_values, seed=5)
    tables[("Lab", 6)] = tables[("Lab", 6)].iloc[:3]  # an image with 3 colours at k = 6
    n_pixels = 10_000
    figure = cluster_sizes_figure("photo", tables, n_pixels, SPACES, k_values)
    panels = {axis.get_gid(): axis for axis in figure.get_axes()}
    for (space, k), table in tables.items():
        axis = panels[f"panel:{space}:{k}"]
        counts = cluster_counts(table["pixel_share"], n_pixels)
        order = np.argsort(-counts, kind="stable")
        bars = [patch for patch in axis.patches if patch.get_gid() != "rest"]
        expected = counts[order][: len(bars)]
        np.testing.assert_array_equal([bar.get_height() for bar in bars], expected)
        for bar, colour in zip(bars, table["srgb_hex"].to_numpy()[order], strict=False):
            assert bar.get_facecolor() == to_rgba(colour)
        assert (np.diff(expected) <= 0).all()
        if k > MAX_BARS:
            (rest,) = [patch for patch in axis.patches if patch.get_gid() == "rest"]
            assert len(bars) == MAX_BARS - 1
            assert rest.get_height() == counts[order][MAX_BARS - 1 :].sum()
        else:
            assert len(bars) == len(table)
        assert axis.get_ylim()[1] > counts.max()  # every bar in view
        assert panels[f"panel:{SPACES[0]}:{k}"].get_ylabel() == f"k = {k}: pixels"
    assert "3 colours only" in " ".join(t.get_text() for t in panels["panel:Lab:6"].texts)
    # One k, one scale: the panels of a row share their y axis.
    assert len({panels[f"panel:{space}:6"].get_ylim() for space in SPACES}) == 1
    assert cluster_sizes_k(K_VALUES, 4) == [2, 6, 16]
    assert cluster_sizes_k(K_VALUES, 6) == [2, 16]
    assert cluster_sizes_k(K_VALUES, 11) == [16]
    assert cluster_counts([0.25, 0.75], 1000).tolist() == [250, 750]


def band_limits(axis) -> dict:
    """The lower and upper y of each shaded band at each x, read back from the artists."""
    from matplotlib.collections import FillBetweenPolyCollection, PolyCollection

    limits = {}
    for collection in axis.collections:
        if not isinstance(collection, PolyCollection | FillBetweenPolyCollection):
            continue
        vertices = np.concatenate([path.vertices for path in collection.get_paths()])
        for x in np.unique(vertices[:, 0]):
            ys = vertices[vertices[:, 0] == x, 1]
            limits.setdefault(tuple(collection.get_facecolor()[0][:3]), {})[float(x)] = (
                ys.min(),
                ys.max(),
            )
    return limits


def test_quality_band_is_the_mean_plus_or_minus_the_seed_change():
    metrics = metrics_table(seed=1)
    banded = seed_change_band(metrics)
    lower, upper = BAND_COLUMNS
    change = metrics["delta_e2000_mean_seed_change"]
    np.testing.assert_allclose(
        banded[upper] - banded["delta_e2000_mean"], change, equal_nan=True, rtol=1e-12
    )
    np.testing.assert_allclose(
        banded[lower], (metrics["delta_e2000_mean"] - change).clip(lower=0), equal_nan=True
    )
    assert banded.loc[metrics["method"] != "kmeans", [lower, upper]].isna().all().all()
    colours = space_colours(SPACES)
    figure = quality_figure("photo", banded, colours)
    drawn = band_limits(figure.axes[0])
    assert len(drawn) == len(SPACES)  # one band per space, none for median cut
    for space in SPACES:
        runs = banded[(banded["space"] == space) & (banded["method"] == "kmeans")]
        band = drawn[tuple(colours[space][:3])]
        for k, low, high in zip(runs["k"], runs[lower], runs[upper], strict=True):
            assert band[k] == pytest.approx((low, high))
    widest = (banded[upper] - banded[lower]).max() / 2
    legend = " ".join(text.get_text() for text in figure.legends[0].get_texts())
    assert f"(widest ±{widest:.2g})" in legend


def test_quality_band_takes_any_lower_and_upper_per_point():
    # As a spread over replicate seeds will give: not symmetric about the line.
    metrics = metrics_table(seed=2)
    metrics = metrics[metrics["method"] == "kmeans"].assign(
        delta_e2000_mean_lower=lambda runs: runs["delta_e2000_mean"] - 0.3,
        delta_e2000_mean_upper=lambda runs: runs["delta_e2000_mean"] + 0.9,
    )
    colours = space_colours(SPACES)
    figure = quality_figure("photo", metrics, colours, band_label="replicate range")
    band = band_limits(figure.axes[0])[tuple(colours["Lab"][:3])]
    lab = metrics[metrics["space"] == "Lab"]
    for k, mean in zip(lab["k"], lab["delta_e2000_mean"], strict=True):
        assert band[k] == pytest.approx((mean - 0.3, mean + 0.9))
    legend = " ".join(text.get_text() for text in figure.legends[0].get_texts())
    assert "replicate range (widest ±0.6)" in legend
    # No band columns, no band.
    plain = quality_figure("photo", metrics.drop(columns=list(BAND_COLUMNS)), colours)
    assert band_limits(plain.axes[0]) == {}


def test_fitted_limits_contain_the_data_and_are_equally_long():
    rng = np.random.default_rng(0)
    gamut = [(0.0, 100.0), (-86.0, 98.0), (-108.0, 95.0)]
    points = rng.normal([50, 10, 20], [10, 4, 8], (500, 3))
    limits = fitted_limits(points, gamut)
    spans = [high - low for low, high in limits]
    assert spans == pytest.approx([spans[0]] * 3)
    assert spans[0] < 100  # tighter than any channel's gamut range
    for (low, high), values, (gamut_low, gamut_high) in zip(limits, points.T, gamut, strict=True):
        assert low < values.min() and values.max() < high
        assert gamut_low <= low and high <= gamut_high  # inside the gamut where it fits
    # A single colour still gets axes around it.
    (low, high), *_ = fitted_limits(np.array([[0.5, 0.5, 0.5]]), [(0, 1)] * 3)
    assert low < 0.5 < high


def drawn_texts(figure, monkeypatch) -> list:
    """Every text drawn in `figure`, with its extent on the page, as drawn.

    (A 3D axis places its tick labels while drawing; asking for them later
    moves them back.)
    """
    drawn, draw = [], Text.draw

    def spy(text, renderer):
        draw(text, renderer)
        if text.get_visible() and text.get_text():
            drawn.append((text, text.get_window_extent(renderer)))

    with monkeypatch.context() as patch:
        patch.setattr(Text, "draw", spy)
        figure.canvas.draw()
    return drawn


@pytest.mark.parametrize("space_name", ["RGB", "Lab", "HSV", "HSL-naive", "OKLab", "XYZ"])
def test_exploration_axes_fit_the_data_and_3d_tick_labels_do_not_collide(space_name, monkeypatch):
    space = get_space(space_name)
    # Warm browns, a small part of the gamut (as a photo of a cat); and every colour.
    warm = (noisy_photo(3, 60, 80) // 8 + np.array([140, 90, 40], np.uint8)).astype(np.uint8)
    for pixels in (warm, every_colour()):
        figure, points = exploration_of(space_name, pixels)
        (three_d,) = [axis for axis in figure.get_axes() if axis.name == "3d"]
        limits = [three_d.get_xlim(), three_d.get_ylim(), three_d.get_zlim()]
        flat = [axis for axis in figure.get_axes() if axis.name != "3d" and axis.collections]
        assert len(flat) == 3
        for axis, (x, y) in zip(flat, combinations(range(3), 2), strict=True):
            for (low, high), channel in [(axis.get_xlim(), x), (axis.get_ylim(), y)]:
                assert low <= points[:, channel].min() and points[:, channel].max() <= high
        for (low, high), channel in zip(limits, range(3), strict=True):
            assert low <= points[:, channel].min() and points[:, channel].max() <= high
        if pixels.shape[0] > 1:  # the photo: a small part of the gamut
            widest = max(high - low for low, high in space.ranges)
            assert max(high - low for low, high in limits) < 0.8 * widest
            for axis in flat:
                for low, high in (axis.get_xlim(), axis.get_ylim()):
                    assert high - low < 0.8 * widest
        coordinates = (three_d.xaxis, three_d.yaxis, three_d.zaxis)
        own = {id(c.label) for c in coordinates}
        own |= {id(tick.label1) for c in coordinates for tick in c.majorTicks}
        labels = [box for text, box in drawn_texts(figure, monkeypatch) if id(text) in own]
        assert len(labels) >= 9  # at least two ticks and a name per axis
        for first, second in combinations(labels, 2):
            assert not first.overlaps(second), (first, second)


def test_inertia_figures_carry_the_caveat_and_no_empty_legend_entries():
    colours = space_colours(SPACES)

    def texts(figure):
        return [" ".join(text.get_text().split()) for text in figure.findobj(Text)]

    figure = inertia_figure("photo", inertia_curves(), colours)
    assert INERTIA_CAVEAT in texts(figure)
    labels = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert labels == [*SPACES, "elbow (Kneedle)"]
    # Two k: Kneedle finds no elbow, and the legend promises none.
    two_k = inertia_curves(k_values=[2, 4])
    assert not two_k["is_elbow"].any()
    figure = inertia_figure("photo", two_k, colours)
    labels = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert labels == SPACES
    overview = inertia_overview_figure(two_k, colours)
    assert INERTIA_CAVEAT in texts(overview)
    assert "elbow" not in overview.get_suptitle()


@pytest.mark.parametrize("n_images", [1, 2, 7])
def test_inertia_overview_title_fits_the_figure(n_images):
    figure = inertia_overview_figure(
        inertia_curves([f"image{i}" for i in range(n_images)]), space_colours(SPACES)
    )
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    page = figure.bbox
    for artist in [figure._suptitle, *figure.legends]:
        box = artist.get_window_extent(renderer)
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and box.y1 <= page.y1, artist
    # Narrow panels label fewer k (2, 4, 6, ...), and those labels stay apart.
    axis = figure.axes[0]
    assert [int(k) for k in axis.get_xticks()] == [2, 4, 6, 8, 10, 12, 16]
    assert [int(k) for k in axis.get_xticks(minor=True)] == [3, 5]
    boxes = [label.get_window_extent(renderer) for label in axis.get_xticklabels()]
    assert not any(a.overlaps(b) for a, b in combinations(boxes, 2))


@pytest.mark.parametrize("n_spaces", [1, 2, 4])
def test_cluster_sizes_title_fits_the_figure(n_spaces):
    # With one or two spaces the figure is narrower than the title's one line.
    figure = cluster_sizes_figure(
        "chelsea", centres_tables([2, 4]), 10_000, SPACES[:n_spaces], [2, 4]
    )
    figure.canvas.draw()
    box, page = figure._suptitle.get_window_extent(figure.canvas.get_renderer()), figure.bbox
    assert page.x0 <= box.x0 and box.x1 <= page.x1 and box.y1 <= page.y1
