"""Other clusterers than exact k-means: what each fits, and their runs in the harness."""

import numpy as np
import pytest

import colourquant.methods.clusterers
from colourquant.colours import distinct_colours
from colourquant.evaluate import evaluate_centres, make_reference
from colourquant.kmeans import inertia, nearest_centre
from colourquant.methods import METHODS, method_names
from colourquant.methods.clusterers import cluster_colours
from colourquant.methods.wu import wu_palette
from colourquant.runs import FitSettings, kmeans_runs, method_runs
from colourquant.spaces import from_srgb8, get_space
from conftest import THREE, flat_colour_image, noisy_photo


def _fit(method, image, space="RGB", k=4, **options):
    space = get_space(space)
    return cluster_colours(method, image, from_srgb8(image.colours, space), space, k, **options)


def _weighted_means(points, counts, labels, k):
    return np.stack(
        [np.bincount(labels, counts * points[:, a], k) / np.bincount(labels, counts, k)
         for a in range(3)], axis=1,
    )  # fmt: skip


@pytest.mark.parametrize("method", method_names("clusterer"))
def test_three_flat_colours_come_back_in_every_space(method):
    image = distinct_colours(flat_colour_image(THREE, height=8, width_per_colour=5))
    for space in ("RGB", "Lab", "HSV"):
        fit = _fit(method, image, space, k=3)
        palette = np.rint(get_space(space).inverse(fit.centres) * 255)
        assert sorted(map(tuple, palette.astype(int).tolist())) == sorted(THREE)


def test_weighted_estimators_take_the_pixel_counts():
    # Reds of 0, 90 and 200 with 1000, 1000 and 1 pixels: at k = 2 the counts
    # put 200 with 90 (unweighted, 0 and 90 would share a centre).
    pixels = np.array([[0, 0, 0]] * 1000 + [[90, 0, 0]] * 1000 + [[200, 0, 0]], np.uint8)
    image = distinct_colours(pixels.reshape(1, -1, 3))
    for method in ("minibatch_kmeans", "bisecting_kmeans", "kmeans_wu"):
        centres = np.sort(_fit(method, image, k=2).centres[:, 0] * 255)
        np.testing.assert_allclose(centres, [0, (1000 * 90 + 200) / 1001], atol=0.5)


def test_ward_is_scikit_learns_on_the_colours_or_the_grid_cells(monkeypatch):
    from sklearn.cluster import AgglomerativeClustering

    image = distinct_colours(noisy_photo(seed=1))
    points = from_srgb8(image.colours, "Lab")
    fit = _fit("ward", image, "Lab", k=5)
    labels = AgglomerativeClustering(5, linkage="ward").fit(points).labels_
    np.testing.assert_allclose(fit.centres, _weighted_means(points, image.counts, labels, 5))
    # Above WARD_MAX_POINTS colours it clusters the grid's cells: each centre is
    # still the pixel-weighted mean of the colours of its cells.
    monkeypatch.setattr(colourquant.methods.clusterers, "WARD_MAX_POINTS", 200)
    fit = _fit("ward", image, "Lab", k=5, grid_cells=8)
    cells = AgglomerativeClustering(5, linkage="ward")
    from colourquant.kmeans import colour_grid

    grid = colour_grid(points, image.counts, 8)
    while grid.n_cells > 200:
        grid = colour_grid(points, image.counts, 4)
    cell_labels = cells.fit(grid.means).labels_
    expected = _weighted_means(points, image.counts, cell_labels[grid.cell_of], 5)
    np.testing.assert_allclose(fit.centres, expected)


def test_gaussian_mixture_assigns_each_colour_to_its_most_likely_component():
    image = distinct_colours(noisy_photo(seed=2))
    space = get_space("RGB")
    points = from_srgb8(image.colours, space)
    fit = _fit("gaussian_mixture", image, k=6)
    assert fit.n_fit_pixels == image.n_pixels  # fewer than GAUSSIAN_MIXTURE_PIXELS
    nearest = nearest_centre(points, fit.centres)
    assert (fit.labels != nearest).any()  # not the nearest mean: the likeliest component
    result = evaluate_centres(make_reference(image, space), fit.centres, fit.labels)
    assert result.metrics["inertia"] == pytest.approx(
        inertia(points, image.counts, fit.centres, fit.labels)
    )
    assert result.metrics["inertia"] > inertia(points, image.counts, fit.centres, nearest)


def test_kmeans_wu_is_a_lloyd_fixed_point_from_wus_palette_and_needs_no_seed():
    image = distinct_colours(noisy_photo(seed=3, height=60, width=80))
    points = from_srgb8(image.colours, "RGB")
    fit = _fit("kmeans_wu", image, k=8, seed=0)
    labels = nearest_centre(points, fit.centres)
    np.testing.assert_allclose(
        fit.centres, _weighted_means(points, image.counts, labels, 8), atol=1e-6
    )
    start = from_srgb8(wu_palette(image.colours, 8, counts=image.counts), "RGB")
    wu_inertia = inertia(points, image.counts, start, nearest_centre(points, start))
    assert inertia(points, image.counts, fit.centres, labels) < wu_inertia
    np.testing.assert_array_equal(fit.centres, _fit("kmeans_wu", image, k=8, seed=5).centres)


def test_method_runs_record_space_seed_and_evaluate_like_kmeans():
    image = distinct_colours(noisy_photo(seed=4))
    settings = FitSettings(seed=3)
    for method in method_names("clusterer"):
        (run,) = method_runs(image, method, [5], seed=3, name="p", space="Lab", settings=settings)
        assert run.row["space"] == "Lab" and run.row["method"] == method
        assert run.row["seed"] == (3 if METHODS[method].seeded else None)
        assert run.row["fit_seconds"] > 0 and run.row["k_effective"] == 5
    # ... and the rows have the columns of k-means' rows, in the same order.
    (kmeans,) = kmeans_runs(image, "Lab", [5], FitSettings(replicates=0), name="p")
    assert [c for c in kmeans.row if c in run.row] == list(run.row)
    with pytest.raises(ValueError, match="runs in a colour space"):
        next(method_runs(image, "ward", [2], seed=0, name="p"))
    with pytest.raises(ValueError, match="has no colour space"):
        next(method_runs(image, "wu", [2], seed=0, name="p", space="Lab"))
    with pytest.raises(ValueError, match="unknown method 'pngquant'"):
        next(method_runs(image, "pngquant", [2], seed=0, name="p"))
