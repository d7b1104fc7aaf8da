"""Fit and evaluate k-means for one image in one colour space, at every k."""

import pandas as pd

from colourquant.elbow import kneedle_elbow
from colourquant.evaluate import evaluate_runs, make_reference
from colourquant.files import load_distinct, run_job, write_run, write_table
from colourquant.kmeans import colour_grids, fit_kmeans, fit_kmeans_exact, pixel_sample_weights


def main():
    settings, output = snakemake.params.fit, snakemake.output
    image, space = snakemake.wildcards.image, snakemake.wildcards.space
    distinct, metadata = load_distinct(snakemake.input.distinct)
    reference = make_reference(distinct, space)
    # The seeded pixel sample is the data in sample mode; in exact mode it seeds
    # the fits that the colour grid is too coarse for (large k).
    exact = settings["mode"] == "exact"
    sample = pixel_sample_weights(
        distinct.index,
        distinct.n_unique,
        settings["sample_fraction"],
        settings["seed"],
        max_pixels=settings["max_seed_pixels"] if exact else None,
    )
    fit_settings = {
        "n_init": settings["n_init"],
        "max_iter": settings["max_iter"],
        "tol": settings["tol"],
        "seed": settings["seed"],
        "n_threads": snakemake.threads,
    }
    k_values = snakemake.params.k_values
    if exact:
        weights = distinct.counts
        grid, fine_grid = colour_grids(reference.points, weights, settings["grid_cells"])
        fits = [
            fit_kmeans_exact(grid, k, fine_grid=fine_grid, init_weights=sample, **fit_settings)
            for k in k_values
        ]
    else:
        weights = sample
        fits = [fit_kmeans(reference.points, weights, k, **fit_settings) for k in k_values]
    rows = []
    results = evaluate_runs(reference, [fit.centres for fit in fits])
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
            "seed": settings["seed"],
            **metadata,
            "fit_seconds": fit.fit_seconds,
        }
        write_table(output[f"metrics_k{k}"], pd.DataFrame([row]))
        rows.append(row)
    curve = pd.DataFrame(rows)[
        ["image", "space", "k", "k_effective", "inertia", "inertia_normalised"]
    ]
    curve["is_elbow"] = curve["k"] == kneedle_elbow(curve["k"], curve["inertia_normalised"])
    write_table(output.curve, curve)


run_job(main, snakemake.log[0], expected=(ValueError,), threads=snakemake.threads)
