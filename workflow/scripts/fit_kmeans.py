"""Fit k-means for one image, colour space and k; store the centres."""

import numpy as np

from colourquant.files import run_job, write_json
from colourquant.kmeans import fit_kmeans, pixel_sample_weights


def main():
    settings, k = snakemake.params.fit, int(snakemake.wildcards.k)  # noqa: F821
    points = np.load(snakemake.input.points)  # noqa: F821
    with np.load(snakemake.input.distinct) as stored:  # noqa: F821
        if settings["mode"] == "exact":
            weights = stored["counts"]
        else:
            weights = pixel_sample_weights(
                stored["index"], len(points), settings["sample_fraction"], settings["seed"]
            )
    fit = fit_kmeans(
        points,
        weights,
        k,
        n_init=settings["n_init"],
        max_iter=settings["max_iter"],
        tol=settings["tol"],
        seed=settings["seed"],
        n_threads=snakemake.threads,  # noqa: F821
    )
    write_json(
        snakemake.output.fit,  # noqa: F821
        {
            "k": k,
            "k_effective": fit.k_effective,
            "centres": fit.centres.tolist(),
            "n_iter": fit.n_iter,
            "fit_seconds": fit.fit_seconds,
            "n_fit_pixels": int(weights.sum()),
            **settings,
        },
    )


run_job(main, snakemake.log[0], expected=(ValueError,))  # noqa: F821
