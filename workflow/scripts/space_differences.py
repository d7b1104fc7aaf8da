"""Mean CIEDE2000 between one image's quantizations in every pair of spaces, at every k."""

import numpy as np
from PIL import Image

from colourquant.explore import pairwise_differences
from colourquant.files import run_job, write_table


def main():
    spaces, k_values = snakemake.params.spaces, snakemake.params.k_values
    runs = [(space, k) for space in spaces for k in k_values]
    quantized = {
        run: np.asarray(Image.open(path).convert("RGB"))
        for run, path in zip(runs, snakemake.input.quantized, strict=True)
    }
    table = pairwise_differences(quantized, spaces, k_values)
    table.insert(0, "image", snakemake.wildcards.image)
    write_table(snakemake.output.differences, table)


run_job(main, snakemake.log[0], expected=(ValueError,))
