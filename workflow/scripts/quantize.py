"""Fit and evaluate k-means for one image in one colour space, at every k."""

import time

import pandas as pd

from colourquant.elbow import kneedle_elbow
from colourquant.evaluate import evaluate_runs, make_reference
from colourquant.files import load_distinct, write_run, write_table
from colourquant.jobs import run_job
from colourquant.kmeans import colour_grids, fit_kmeans, fit_kmeans_exact, pixel_sample_weights


def fit_every_k(distinct, reference, settings, grids, k_values, seed, n_threads):
    """The fits at every k with `seed`, and the pixel weights they minimise over."""
    # The seeded pixel sample is the data in sample mode; in exact mode it seeds
    # the fits that the colour grid is too coarse for (large k).
    sample = pixel_sample_weights(
        distinct.index,
        distinct.n_unique,
        settings["sample_fraction"],
        seed,
        max_pixels=None if grids is None else settings["max_seed_pixels"],
    )
    fit_settings = {
        "n_init": settings["n_init"],
        "max_iter": settings["max_iter"],
        "tol": settings["tol"],
        "seed": seed,
        "n_threads": n_threads,
    }
    if grids is None:
        return [fit_kmeans(reference.points, sample, k, **fit_settings) for k in k_values], sample
    grid, fine_grid = grids
    fits = [
        fit_kmeans_exact(grid, k, fine_grid=fine_grid, init_weights=sample, **fit_settings)
        for k in k_values
    ]
    return fits, distinct.counts


def main():
    settings, output = snakemake.params.fit, snakemake.output
    image, space = snakemake.wildcards.image, snakemake.wildcards.space
    distinct, metadata = load_distinct(snakemake.input.distinct)
    reference = make_reference(distinct, space)
    k_values, seed = snakemake.params.k_values, settings["seed"]
    grids, grid_share = None, 0.0
    if settings["mode"] == "exact":
        started = time.perf_counter()
        grids = colour_grids(reference.points, distinct.counts, settings["grid_cells"])
        # Built once for every k: each fit is charged its share.
        grid_share = (time.perf_counter() - started) / len(k_values)
    fits, weights = fit_every_k(
        distinct, reference, settings, grids, k_values, seed, snakemake.threads
    )
    replicates = None
    if settings["seed_noise"]:
        replicates, _ = fit_every_k(
            distinct, reference, settings, grids, k_values, seed + 1, snakemake.threads
        )
    rows = []
    results = evaluate_runs(
        reference,
        [fit.centres for fit in fits],
        replicate_centres=None if replicates is None else [fit.centres for fit in replicates],
    )
    for k, fit, result in zip(k_values, fits, results, strict=True):
        write_run(
            output[f"quantized_k{k}"],
            output[f"palette_k{k}"],
            output[f"centres_k{k}"],
            fit.centres,
            result,
        )
        row = {
            "image": image,
            "space": space,
            "method": "kmeans",
            "k": k,
            "mode": settings["mode"],
            "n_pixels": distinct.n_pixels,
            "n_unique": distinct.n_unique,
            **result.metrics,
            "n_iter": fit.n_iter,
            "n_init": settings["n_init"],
            "restarts_on": fit.restarts_on,
            "n_fit_pixels": int(weights.sum()),
            "seed": seed,
            **metadata,
            "fit_seconds": fit.fit_seconds + grid_share,
        }
        write_table(output[f"metrics_k{k}"], pd.DataFrame([row]))
        rows.append(row)
    curve = pd.DataFrame(rows)[
        ["image", "space", "k", "k_effective", "inertia", "inertia_normalised"]
    ]
    curve["is_elbow"] = curve["k"] == kneedle_elbow(curve["k"], curve["inertia_normalised"])
    write_table(output.curve, curve)


run_job(main, snakemake.log[0], expected=(ValueError,), threads=snakemake.threads)
