import subprocess
import sys

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.cluster import kmeans_plusplus as sklearn_kmeans_plusplus

from colourquant.colours import distinct_colours
from colourquant.kmeans import (
    MIN_CELLS_PER_CLUSTER,
    MIN_FINE_CELLS_PER_CLUSTER,
    colour_grid,
    fit_kmeans,
    fit_kmeans_exact,
    grid_lloyd,
    inertia,
    kmeans_plusplus,
    kmeans_plusplus_seedings,
    lloyd_restarts,
    nearest_centre,
    pixel_sample_weights,
    total_sum_of_squares,
)
from colourquant.spaces import from_srgb8
from conftest import REPO, flat_colour_image, noisy_photo

THREE = [(200, 30, 30), (20, 160, 60), (40, 40, 220)]


def test_three_flat_colours_at_k3_recover_the_colours_with_zero_inertia():
    distinct = distinct_colours(flat_colour_image(THREE, width_per_colour=5))
    points = from_srgb8(distinct.colours, "RGB")
    fit = fit_kmeans(points, distinct.counts, 3, seed=1)
    found = np.rint(np.sort(fit.centres * 255, axis=0))
    np.testing.assert_array_equal(found, np.sort(np.array(THREE, float), axis=0))
    labels = nearest_centre(points, fit.centres)
    assert inertia(points, distinct.counts, fit.centres, labels) == pytest.approx(0, abs=1e-20)
    assert fit.k_effective == 3


def test_k_above_distinct_colours_is_capped():
    distinct = distinct_colours(flat_colour_image(THREE))
    fit = fit_kmeans(from_srgb8(distinct.colours, "Lab"), distinct.counts, 10)
    assert fit.k_effective == 3
    assert fit.centres.shape == (3, 3)


def test_weighted_fit_on_distinct_colours_equals_fit_on_all_pixels():
    image = noisy_photo(seed=5)
    distinct = distinct_colours(image)
    pixels = image.reshape(-1, 3).astype(np.float64) / 255
    colours = distinct.colours.astype(np.float64) / 255
    start = pixels[[0, 100, 400, 700]]
    on_pixels = KMeans(4, init=start, n_init=1, tol=0, max_iter=100).fit(pixels)
    on_colours = KMeans(4, init=start, n_init=1, tol=0, max_iter=100).fit(
        colours, sample_weight=distinct.counts
    )
    np.testing.assert_allclose(on_colours.cluster_centers_, on_pixels.cluster_centers_, atol=1e-9)
    assert on_colours.inertia_ == pytest.approx(on_pixels.inertia_, rel=1e-9)
    # Our full-image inertia from distinct colours matches scikit-learn's per-pixel one.
    labels = nearest_centre(colours, on_pixels.cluster_centers_)
    assert inertia(colours, distinct.counts, on_pixels.cluster_centers_, labels) == pytest.approx(
        on_pixels.inertia_, rel=1e-9
    )


def test_kmeans_plusplus_seeds_one_centre_per_separated_cluster():
    rng = np.random.default_rng(3)
    corners = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]], np.float32)
    points = np.concatenate([corner + 0.01 * rng.standard_normal((200, 3)) for corner in corners])
    points = points.astype(np.float32)
    weights = rng.integers(1, 5, len(points)).astype(np.float64)
    centres = kmeans_plusplus(points, weights, 5, np.random.RandomState(0))
    assert centres.dtype == np.float32
    # Every centre is one of the points, and each cluster got exactly one.
    assert all((points == centre).all(axis=1).any() for centre in centres)
    nearest_corner = np.linalg.norm(centres[:, None] - corners[None], axis=2).argmin(axis=1)
    assert sorted(nearest_corner) == [0, 1, 2, 3, 4]
    # Seeded: the same random state gives the same centres.
    again = kmeans_plusplus(points, weights, 5, np.random.RandomState(0))
    np.testing.assert_array_equal(centres, again)


def test_kmeans_plusplus_never_picks_a_point_without_weight():
    rng = np.random.default_rng(4)
    points = rng.random((500, 3)).astype(np.float32)
    weights = np.zeros(500)
    weights[::50] = 1.0  # ten points carry all the weight
    for seed in range(5):
        centres = kmeans_plusplus(points, weights, 10, np.random.RandomState(seed))
        np.testing.assert_array_equal(np.sort(centres, axis=0), np.sort(points[::50], axis=0))


def test_fit_reports_the_time_of_its_seeding_stage():
    distinct = distinct_colours(noisy_photo(seed=9))
    points = from_srgb8(distinct.colours, "Lab")
    sample = pixel_sample_weights(distinct.index, distinct.n_unique, 0.2, seed=0)
    seeded = fit_kmeans(points, distinct.counts, 4, init_weights=sample, n_init=3)
    assert 0 < seeded.seeding_seconds < seeded.fit_seconds
    assert fit_kmeans(points, distinct.counts, 4, n_init=3).seeding_seconds == 0


def test_kmeans_plusplus_refuses_fewer_weighted_points_than_k():
    points = np.random.default_rng(5).random((5, 3)).astype(np.float32)
    with pytest.raises(ValueError, match="at least k = 3"):
        kmeans_plusplus(points, np.array([0, 1, 1, 0, 0.0]), 3, np.random.RandomState(0))


def test_fit_with_our_seeding_is_as_good_as_scikit_learns():
    distinct = distinct_colours(noisy_photo(seed=6))
    points = from_srgb8(distinct.colours, "Lab")
    for k in (4, 16):
        ratios = []
        for seed in range(5):  # one seed can land either side by 1 %
            ours = fit_kmeans(points, distinct.counts, k, n_init=10, seed=seed, dtype=np.float64)
            theirs = KMeans(k, n_init=10, random_state=seed).fit(
                points, sample_weight=distinct.counts
            )
            labels = nearest_centre(points, ours.centres)
            ratios.append(inertia(points, distinct.counts, ours.centres, labels) / theirs.inertia_)
        assert np.mean(ratios) <= 1.005


def test_seedings_drawn_together_are_independent_kmeans_plusplus_seedings():
    distinct = distinct_colours(noisy_photo(seed=6))
    points = from_srgb8(distinct.colours, "Lab")
    seedings = kmeans_plusplus_seedings(points, distinct.counts, 8, 50, np.random.RandomState(1))
    assert seedings.shape == (50, 8, 3)
    # Every centre is a distinct point, and no two seedings coincide.
    for centres in seedings:
        rows = [np.flatnonzero((points == centre).all(axis=1)) for centre in centres]
        assert all(len(row) == 1 for row in rows) and len({int(r[0]) for r in rows}) == 8
    assert len({seeding.tobytes() for seeding in seedings}) == 50

    # As good as scikit-learn's seeding: the mean potential of 50 seedings is
    # within 3 % (uniformly drawn centres are 78 % worse on this image).
    def potential(centres):
        labels = nearest_centre(points, centres)
        return inertia(points, distinct.counts, centres, labels)

    ours = np.mean([potential(centres) for centres in seedings])
    theirs = np.mean([
        potential(sklearn_kmeans_plusplus(points, 8, sample_weight=distinct.counts,
                                          random_state=seed)[0])
        for seed in range(50)
    ])  # fmt: skip
    assert ours <= 1.03 * theirs


@pytest.mark.parametrize("k", [1, 9, 33, 256])  # blocked distances up to 32, k-d tree above
def test_nearest_centre_matches_brute_force(k):
    rng = np.random.default_rng(k)
    points = rng.random((20_000, 3))  # more than one block of rows
    centres = rng.random((k, 3))
    brute = np.argmin(((points[:, None, :] - centres[None]) ** 2).sum(axis=2), axis=1)
    np.testing.assert_array_equal(nearest_centre(points, centres), brute)


def test_total_sum_of_squares_is_k1_inertia():
    image = noisy_photo(seed=2)
    pixels = image.reshape(-1, 3).astype(np.float64)
    distinct = distinct_colours(image)
    expected = ((pixels - pixels.mean(axis=0)) ** 2).sum()
    got = total_sum_of_squares(distinct.colours.astype(np.float64), distinct.counts)
    assert got == pytest.approx(expected, rel=1e-12)
    fit = fit_kmeans(distinct.colours.astype(np.float64), distinct.counts, 1)
    labels = nearest_centre(distinct.colours, fit.centres)
    assert inertia(distinct.colours, distinct.counts, fit.centres, labels) == pytest.approx(
        expected, rel=1e-9
    )


def test_pixel_sample_weights_count_a_seeded_sample():
    index = np.repeat(np.arange(4), [10, 20, 30, 40])
    weights = pixel_sample_weights(index, 4, 0.5, seed=3)
    assert weights.sum() == 50
    assert (weights <= [10, 20, 30, 40]).all()
    np.testing.assert_array_equal(weights, pixel_sample_weights(index, 4, 0.5, seed=3))
    assert not np.array_equal(weights, pixel_sample_weights(index, 4, 0.5, seed=4))
    np.testing.assert_array_equal(pixel_sample_weights(index, 4, 1.0, seed=0), [10, 20, 30, 40])
    # A cap on the sample's size wins over the fraction; a generous one changes nothing.
    assert pixel_sample_weights(index, 4, 0.5, seed=3, max_pixels=7).sum() == 7
    np.testing.assert_array_equal(
        pixel_sample_weights(index, 4, 0.5, seed=3, max_pixels=50), weights
    )


@pytest.mark.parametrize("fraction", [0, -0.1, 1.5])
def test_pixel_sample_fraction_must_be_in_unit_interval(fraction):
    with pytest.raises(ValueError, match="fraction"):
        pixel_sample_weights(np.zeros(10, int), 1, fraction, seed=0)


@pytest.mark.parametrize("k", [0, -1, 2.5])
def test_fit_rejects_bad_k(k):
    with pytest.raises(ValueError, match="k must be"):
        fit_kmeans(np.zeros((3, 3)), np.ones(3), k)


def test_fit_rejects_nan_points():
    with pytest.raises(ValueError, match="NaN"):
        fit_kmeans(np.array([[0.0, np.nan, 0.0]]), np.ones(1), 1)


def test_colour_grid_cells_sum_up_their_points():
    distinct = distinct_colours(noisy_photo(seed=11))
    points = from_srgb8(distinct.colours, "Lab")
    grid = colour_grid(points, distinct.counts, 8)
    assert 1 < grid.n_cells <= 8**3
    assert grid.totals.sum() == distinct.counts.sum()
    for cell in (0, grid.n_cells // 2, grid.n_cells - 1):
        members = grid.cell_of == cell
        weights = distinct.counts[members]
        np.testing.assert_allclose(grid.means[cell], weights @ points[members] / weights.sum())
    # Every point lies within its cell's radius of the cell's mean, and the
    # farthest point is on that radius.
    distances = np.linalg.norm(points - grid.means[grid.cell_of], axis=1)
    assert (distances <= grid.radii[grid.cell_of] + 1e-9).all()
    farthest = np.zeros(grid.n_cells)
    np.maximum.at(farthest, grid.cell_of, distances)
    np.testing.assert_allclose(farthest, grid.radii)
    # One cell holds everything; the tolerance scale is the pixels' variance.
    whole = colour_grid(points, distinct.counts, 1)
    pixels = np.repeat(points, distinct.counts, axis=0)
    assert whole.n_cells == 1
    np.testing.assert_allclose(whole.means[0], pixels.mean(axis=0))
    assert whole.tolerance_scale == pytest.approx(pixels.var(axis=0).mean(), rel=1e-9)


@pytest.mark.parametrize("cells_per_axis", [1, 4, 16, 64])
@pytest.mark.parametrize("max_iter", [1, 3, 100])
def test_grid_lloyd_is_lloyd_on_every_point(cells_per_axis, max_iter):
    points, weights = weighted_colours(seed=5)
    for start in (points[[0, 100, 400, 700, 750]], points[[300]]):  # k = 5 and k = 1
        grid = colour_grid(points, weights, cells_per_axis)
        centres, n_iter = grid_lloyd(grid, start, max_iter=max_iter, tol=0)
        lloyd = KMeans(
            len(start), init=start, n_init=1, tol=0, max_iter=max_iter, algorithm="lloyd"
        ).fit(points, sample_weight=weights)
        np.testing.assert_allclose(centres, lloyd.cluster_centers_, rtol=0, atol=1e-9)
        assert n_iter == lloyd.n_iter_


def weighted_colours(seed):
    """A noisy photo's colours in Lab with uneven weights (its own counts are all 1)."""
    distinct = distinct_colours(noisy_photo(seed=seed))
    weights = np.random.default_rng(seed).integers(1, 50, distinct.n_unique).astype(float)
    return from_srgb8(distinct.colours, "Lab"), weights


def test_grid_lloyd_stops_when_centres_move_less_than_the_tolerance():
    distinct = distinct_colours(noisy_photo(seed=5))
    points = from_srgb8(distinct.colours, "Lab")
    grid = colour_grid(points, distinct.counts, 16)
    start = points[[0, 100, 400, 700, 750]]
    loose, loose_iter = grid_lloyd(grid, start, tol=1e-2)
    converged, converged_iter = grid_lloyd(grid, start, tol=0)
    assert 2 < loose_iter < converged_iter
    assert not np.allclose(loose, converged)
    # The loose fit stopped at its first step that moved the centres by at most
    # tol x the pixels' variance: the step before moved them more.
    steps = [
        grid_lloyd(grid, start, max_iter=n, tol=0)[0] for n in range(loose_iter - 2, loose_iter)
    ]
    threshold = 1e-2 * grid.tolerance_scale
    assert ((loose - steps[1]) ** 2).sum() <= threshold < ((steps[1] - steps[0]) ** 2).sum()


def test_exact_fit_restarts_on_the_grid_when_it_has_64_cells_per_cluster():
    distinct = distinct_colours(noisy_photo(seed=5, height=96, width=128))
    points = from_srgb8(distinct.colours, "Lab")
    grid = colour_grid(points, distinct.counts, 24)
    sample = pixel_sample_weights(distinct.index, distinct.n_unique, 0.05, seed=0)
    k_grid = grid.n_cells // 64
    assert k_grid >= 4
    reference = fit_kmeans(points, distinct.counts, k_grid, n_init=10, dtype=np.float64)

    def full_inertia(centres):
        return inertia(points, distinct.counts, centres, nearest_centre(points, centres))

    fine_grid = colour_grid(points, distinct.counts, 48)
    fits = [
        fit_kmeans_exact(grid, k_grid, fine_grid=fine, init_weights=sample, n_init=10, tol=0)
        for fine in (None, fine_grid)
    ]
    for on_grid in fits:
        assert on_grid.restarts_on == "grid" and on_grid.k_effective == k_grid
        assert 0 < on_grid.seeding_seconds < on_grid.fit_seconds
        # Converged on every point: a Lloyd step from its centres changes nothing.
        step = KMeans(k_grid, init=on_grid.centres, n_init=1, max_iter=1, algorithm="lloyd")
        step.fit(points, sample_weight=distinct.counts)
        np.testing.assert_allclose(step.cluster_centers_, on_grid.centres, atol=1e-9)
        assert full_inertia(on_grid.centres) <= 1.01 * full_inertia(reference.centres)
    # The fine grid moved the start: a different (converged) fit.
    assert not np.allclose(fits[0].centres, fits[1].centres)
    # One cluster more and the grid is too coarse: the fit seeds from the sample.
    settings = {"init_weights": sample, "n_init": 3, "seed": 2}
    beyond = fit_kmeans_exact(grid, k_grid + 1, **settings)
    seeded = fit_kmeans(points, distinct.counts, k_grid + 1, **settings)
    assert beyond.restarts_on == seeded.restarts_on == "sample"
    np.testing.assert_array_equal(beyond.centres, seeded.centres)


@pytest.mark.parametrize("n_threads", [1, 2])
def test_fit_limits_openmp_to_its_threads(monkeypatch, n_threads):
    from threadpoolctl import threadpool_info

    from colourquant.kmeans import _fit

    seen = []

    def recording_seeding(points, weights, k, n_seedings, random_state):
        # Runs inside scikit-learn's fit, as the Lloyd iterations do.
        seen.extend(
            pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "openmp"
        )
        return kmeans_plusplus_seedings(points, weights, k, n_seedings, random_state)

    monkeypatch.setattr(_fit, "kmeans_plusplus_seedings", recording_seeding)
    distinct = distinct_colours(noisy_photo(seed=7))
    fit_kmeans(from_srgb8(distinct.colours, "Lab"), distinct.counts, 4, n_threads=n_threads)
    assert seen and set(seen) == {n_threads}


def test_lloyd_restarts_are_lloyd_from_each_start():
    points, weights = weighted_colours(seed=8)
    starts = kmeans_plusplus_seedings(points, weights, 6, 4, np.random.RandomState(0))
    centres, inertias = lloyd_restarts(points, weights, starts, max_iter=300, threshold=0)
    for start, ours, our_inertia in zip(starts, centres, inertias, strict=True):
        lloyd = KMeans(6, init=start, n_init=1, tol=0, algorithm="lloyd").fit(
            points, sample_weight=weights
        )
        np.testing.assert_allclose(ours, lloyd.cluster_centers_, rtol=0, atol=1e-9)
        assert our_inertia == pytest.approx(lloyd.inertia_, rel=1e-9)
    assert len({round(value, 6) for value in inertias}) > 1  # the starts matter


def test_exact_fit_counts_only_cells_with_weight():
    # Three colours carry all the weight; two thousand others none.
    rng = np.random.default_rng(3)
    weighted = [[0.1, 0.1, 0.1], [0.12, 0.1, 0.1], [0.9, 0.9, 0.9]]
    points = np.concatenate([weighted, rng.random((2000, 3))])
    weights = np.concatenate([[5.0, 5.0, 7.0], np.zeros(2000)])
    grid = colour_grid(points, weights, 16)
    assert grid.n_cells >= 128 and np.count_nonzero(grid.totals) == 2
    # Two weighted cells cannot carry two clusters: the fit runs on the colours.
    fit = fit_kmeans_exact(grid, 2, n_init=3)
    assert fit.restarts_on == "points"
    np.testing.assert_allclose(np.sort(fit.centres, axis=0), [[0.11, 0.1, 0.1], weighted[2]])


def test_exact_fit_on_the_grid_does_not_import_scikit_learn():
    # Importing scikit-learn costs a workflow job about 0.6 s, ten fits' worth.
    script = """
import sys
import numpy as np
from colourquant.kmeans import colour_grid, fit_kmeans_exact
points = np.random.default_rng(0).random((5000, 3))
fit = fit_kmeans_exact(colour_grid(points, np.ones(5000), 16), 8, n_init=3)
assert fit.restarts_on == "grid", fit.restarts_on
print(sorted(name for name in sys.modules if name.startswith("sklearn")))
"""
    # `python -c` imports from its working directory first: this checkout's
    # package, not the one an editable install may point to.
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO / "src"
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_exact_fit_restarts_on_the_fine_grid_beyond_the_coarse_one():
    distinct = distinct_colours(noisy_photo(seed=5, height=96, width=128))
    points = from_srgb8(distinct.colours, "Lab")
    grid, fine_grid = (
        colour_grid(points, distinct.counts, 24),
        colour_grid(points, distinct.counts, 48),
    )
    k = grid.n_cells // MIN_CELLS_PER_CLUSTER + 1
    assert fine_grid.n_cells >= MIN_FINE_CELLS_PER_CLUSTER * k
    fit = fit_kmeans_exact(grid, k, fine_grid=fine_grid, n_init=4, seed=3, tol=0)
    assert fit.restarts_on == "grid" and fit.k_effective == k
    # The restarts ran on the fine grid's cells, the best of them on every point.
    starts = kmeans_plusplus_seedings(
        fine_grid.means, fine_grid.totals, k, 4, np.random.RandomState(3)
    )
    restarts, inertias = lloyd_restarts(
        fine_grid.means, fine_grid.totals, starts, max_iter=300, threshold=0
    )
    expected, _ = grid_lloyd(grid, restarts[inertias.argmin()], tol=0)
    np.testing.assert_array_equal(fit.centres, expected)
    # Converged on every point: a Lloyd step from its centres changes nothing.
    step = KMeans(k, init=fit.centres, n_init=1, max_iter=1, algorithm="lloyd")
    step.fit(points, sample_weight=distinct.counts)
    np.testing.assert_allclose(step.cluster_centers_, fit.centres, atol=1e-9)
    # Past the fine grid's cells too, the fit seeds from the sample.
    beyond = fine_grid.n_cells // MIN_FINE_CELLS_PER_CLUSTER + 1
    sample = pixel_sample_weights(distinct.index, distinct.n_unique, 0.05, seed=0)
    fit = fit_kmeans_exact(grid, beyond, fine_grid=fine_grid, init_weights=sample, n_init=2)
    assert fit.restarts_on == "sample"
