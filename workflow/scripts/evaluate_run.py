"""Assign every pixel of one run to its centre; write metrics, image, palette, centres."""

import numpy as np
import pandas as pd

from colourquant.evaluate import evaluate_centres
from colourquant.files import load_distinct, read_json, run_job, write_png, write_table
from colourquant.palette import hex_colour, render_palette


def main():
    image, space = snakemake.wildcards.image, snakemake.wildcards.space  # noqa: F821
    distinct, metadata = load_distinct(snakemake.input.distinct)  # noqa: F821
    fit = read_json(snakemake.input.fit)  # noqa: F821
    centres = np.array(fit["centres"])
    result = evaluate_centres(distinct, np.load(snakemake.input.points), centres, space)  # noqa: F821
    write_png(snakemake.output.quantized, result.quantized)  # noqa: F821
    write_png(snakemake.output.palette, render_palette(result.palette, result.shares))  # noqa: F821
    write_table(
        snakemake.output.centres,  # noqa: F821
        pd.DataFrame(
            {
                **{f"centre_{axis}": centres[:, axis] for axis in range(3)},
                "srgb_hex": [hex_colour(colour) for colour in result.palette],
                "pixel_share": result.shares,
            }
        ).sort_values("pixel_share", ascending=False, kind="stable"),
    )
    row = {
        "image": image,
        "space": space,
        "method": "kmeans",
        "k": fit["k"],
        "mode": fit["mode"],
        "n_pixels": distinct.n_pixels,
        "n_unique": distinct.n_unique,
        **result.metrics,
        "n_iter": fit["n_iter"],
        "n_init": fit["n_init"],
        "n_fit_pixels": fit["n_fit_pixels"],
        "seed": fit["seed"],
        "source_mode": metadata["source_mode"],
        "alpha": metadata["alpha"],
        "n_frames": int(metadata["n_frames"]),
        "fit_seconds": fit["fit_seconds"],
    }
    write_table(snakemake.output.metrics, pd.DataFrame([row]))  # noqa: F821


run_job(main, snakemake.log[0], expected=(ValueError,))  # noqa: F821
