"""Build one classic quantizer's palette for one image at every k, and evaluate it.

The palette is evaluated by the very code that evaluates k-means: as centres
in the RGB space, through make_reference and evaluate_centres, which assign
every pixel to its nearest palette colour and compute every metric.
"""

import time

import pandas as pd
import PIL.Image  # noqa: F401  (imported before any timing: time is of the palette alone)
import sklearn.utils  # noqa: F401

from colourquant.baselines import NO_SPACE, baseline_palette
from colourquant.evaluate import evaluate_centres, make_reference
from colourquant.files import load_distinct, write_run, write_table
from colourquant.jobs import run_job
from colourquant.spaces import from_srgb8


def main():
    output, seed = snakemake.output, snakemake.params.seed
    image, method = snakemake.wildcards.image, snakemake.wildcards.method
    distinct, metadata = load_distinct(snakemake.input.distinct)
    reference = make_reference(distinct, "RGB")
    for k in snakemake.params.k_values:
        start = time.perf_counter()
        palette = baseline_palette(method, reference.pixels, k, seed)
        fit_seconds = time.perf_counter() - start
        centres = from_srgb8(palette, "RGB")
        result = evaluate_centres(reference, centres)
        write_run(
            output[f"quantized_k{k}"],
            output[f"palette_k{k}"],
            output[f"centres_k{k}"],
            centres,
            result,
        )
        # The k-means columns that do not apply (mode, n_iter, n_init) stay
        # empty; inertia is in RGB, the space the palette was built in.
        row = {
            "image": image,
            "space": NO_SPACE,
            "method": method,
            "k": k,
            "mode": None,
            "n_pixels": distinct.n_pixels,
            "n_unique": distinct.n_unique,
            **result.metrics,
            "n_iter": None,
            "n_init": None,
            "restarts_on": None,
            "n_fit_pixels": distinct.n_pixels,
            "seed": seed if method == "random_codebook" else None,
            **metadata,
            "fit_seconds": fit_seconds,
        }
        write_table(output[f"metrics_k{k}"], pd.DataFrame([row]))


run_job(main, snakemake.log[0], expected=(ValueError,), threads=snakemake.threads)
