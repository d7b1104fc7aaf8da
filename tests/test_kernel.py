"""Exact mode's compiled loops (colourquant.kmeans._lloyd_kernel) against numpy's, the reference.

Both compute the same steps; their distances differ by rounding only, so on
these inputs they must reach the same labels, hence bit-identical centres
(each function ends with the same numpy cluster means), the same n_iter and
inertias equal to 1e-12.
"""

import sys

import numpy as np
import pytest
import skimage.data

import colourquant.kmeans
from colourquant.colours import distinct_colours
from colourquant.kmeans import (
    colour_grid,
    colour_grids,
    fit_kmeans_exact,
    grid_lloyd,
    inertia,
    kmeans_plusplus_seedings,
    lloyd_restarts,
    nearest_centre,
)
from colourquant.spaces import from_srgb8
from conftest import noisy_photo


def photo_colours(space, name="coffee"):
    """A bundled photo's distinct colours in `space`, weighted by pixel count."""
    distinct = distinct_colours(getattr(skimage.data, name)())
    return from_srgb8(distinct.colours, space), distinct.counts.astype(np.float64)


def constructed_inputs():
    """Points where the kernels' shortcuts matter: separated clusters, integer
    colours on a lattice (exact ties between centres), a single cell, one point."""
    rng = np.random.default_rng(3)
    blobs = np.concatenate([rng.normal(centre, 4.0, (400, 3)) for centre in (0, 30, 60, 90)])
    lattice = np.stack(np.meshgrid(*[np.arange(0, 40, 4.0)] * 3), axis=-1).reshape(-1, 3)
    noisy = from_srgb8(distinct_colours(noisy_photo(seed=7)).colours, "RGB")
    return {
        "blobs": (blobs, rng.integers(1, 30, len(blobs)).astype(np.float64)),
        "lattice": (lattice, np.ones(len(lattice))),
        "noisy photo": (noisy, np.ones(len(noisy))),
    }


def same_grid_lloyd(grid, start, **options):
    compiled = grid_lloyd(grid, start, kernel="compiled", **options)
    reference = grid_lloyd(grid, start, kernel="numpy", **options)
    np.testing.assert_array_equal(compiled[0], reference[0])
    assert compiled[1] == reference[1]
    return compiled


@pytest.mark.parametrize("name", ["blobs", "lattice", "noisy photo"])
@pytest.mark.parametrize("cells_per_axis", [1, 4, 24])
def test_compiled_grid_lloyd_equals_numpy_on_constructed_points(name, cells_per_axis):
    points, weights = constructed_inputs()[name]
    grid = colour_grid(points, weights, cells_per_axis)
    rng = np.random.default_rng(cells_per_axis)
    for k in (1, 2, 7, 40):
        start = points[rng.choice(len(points), k, replace=False)]
        for tol in (0.0, 1e-4):
            centres, n_iter = same_grid_lloyd(grid, start, tol=tol)
            assert 1 <= n_iter <= 300 and centres.shape == (k, 3)


def test_compiled_grid_lloyd_keeps_an_empty_cluster_where_it_was():
    points, weights = constructed_inputs()["blobs"]
    grid = colour_grid(points, weights, 8)
    far = np.array([[1000.0, 1000.0, 1000.0]])
    start = np.concatenate([points[[0, 500, 900]], far])
    centres, _ = same_grid_lloyd(grid, start, tol=0)
    np.testing.assert_array_equal(centres[3], far[0])
    # The other three are the weighted means of the points nearest to them.
    labels = nearest_centre(points, centres)
    assert not (labels == 3).any()
    for cluster in range(3):
        members = labels == cluster
        np.testing.assert_allclose(
            centres[cluster], weights[members] @ points[members] / weights[members].sum()
        )


@pytest.mark.parametrize(
    ("space", "k"), [("RGB", 8), ("Lab", 8), ("RGB", 64), ("Lab", 64), ("Lab", 256)]
)
def test_compiled_fit_equals_numpy_on_a_photo(space, k):
    """Seedings, restarts and the iterations on every colour of a bundled photo,
    stage by stage, then the whole exact fit (at k <= 64: numpy's is slow)."""
    points, weights = photo_colours(space)
    grid, fine_grid = colour_grids(points, weights, 24)
    summary = grid if grid.n_cells >= 64 * k else fine_grid
    seedings = {
        kernel: kmeans_plusplus_seedings(
            summary.means, summary.totals, k, 4, np.random.RandomState(k), kernel=kernel
        )
        for kernel in ("compiled", "numpy")
    }
    np.testing.assert_array_equal(seedings["compiled"], seedings["numpy"])
    threshold = 1e-4 * grid.tolerance_scale
    restarts = {
        kernel: lloyd_restarts(
            summary.means,
            summary.totals,
            seedings["numpy"],
            max_iter=300,
            threshold=threshold,
            kernel=kernel,
        )  # fmt: skip
        for kernel in ("compiled", "numpy")
    }
    np.testing.assert_array_equal(restarts["compiled"][0], restarts["numpy"][0])
    np.testing.assert_allclose(restarts["compiled"][1], restarts["numpy"][1], rtol=1e-12)
    # The restarts' inertias are those of their centres on the summary.
    for centres, value in zip(*restarts["compiled"], strict=True):
        labels = nearest_centre(summary.means, centres)
        assert value == pytest.approx(inertia(summary.means, summary.totals, centres, labels))
    best = restarts["numpy"][0][restarts["numpy"][1].argmin()]
    # At k = 256 numpy's iterations take a minute: the first 15 of them.
    centres, n_iter = same_grid_lloyd(grid, best, tol=1e-5, max_iter=300 if k <= 64 else 15)
    assert n_iter > 2
    if k > 64:
        return
    fits = {
        kernel: fit_kmeans_exact(grid, k, fine_grid=fine_grid, n_init=3, seed=1, kernel=kernel)
        for kernel in ("compiled", "numpy")
    }
    np.testing.assert_array_equal(fits["compiled"].centres, fits["numpy"].centres)
    assert fits["compiled"].n_iter == fits["numpy"].n_iter
    assert fits["compiled"].restarts_on == "grid"


def test_restarts_are_each_lloyd_to_convergence():
    points, weights = photo_colours("Lab", "astronaut")
    grid = colour_grid(points, weights, 24)
    starts = kmeans_plusplus_seedings(grid.means, grid.totals, 12, 3, np.random.RandomState(0))
    centres, inertias = lloyd_restarts(grid.means, grid.totals, starts, max_iter=300,
                                       threshold=0, kernel="compiled")  # fmt: skip
    for start, fitted in zip(starts, centres, strict=True):
        assert not np.allclose(start, fitted)
        # Converged: each centre is the weighted mean of the cells nearest to it.
        labels = nearest_centre(grid.means, fitted)
        for cluster in np.unique(labels):
            members = labels == cluster
            np.testing.assert_allclose(
                fitted[cluster],
                grid.totals[members] @ grid.means[members] / grid.totals[members].sum(),
            )


def test_kernel_choice_is_checked_and_a_missing_build_named(monkeypatch):
    points, weights = constructed_inputs()["blobs"]
    grid = colour_grid(points, weights, 4)
    with pytest.raises(ValueError, match="kernel must be one of auto, compiled, numpy, got 'C'"):
        grid_lloyd(grid, points[:2], kernel="C")
    # As if the extension had not been built: "auto" falls back to numpy.
    monkeypatch.setitem(sys.modules, "colourquant.kmeans._lloyd_kernel", None)
    monkeypatch.delattr(colourquant.kmeans, "_lloyd_kernel")
    with pytest.raises(ImportError, match=r"not built: run `pip install -e \.`"):
        grid_lloyd(grid, points[:2], kernel="compiled")
    np.testing.assert_array_equal(
        grid_lloyd(grid, points[:2], kernel="auto")[0], grid_lloyd(grid, points[:2])[0]
    )
