"""Mean CIEDE2000 between one image's quantizations in every pair of spaces, at every k."""

import pandas as pd

from colourquant.explore import pairwise_differences
from colourquant.files import read_indexed_png, write_table
from colourquant.jobs import run_job


def main():
    spaces, k_values = snakemake.params.spaces, snakemake.params.k_values
    paths = snakemake.params.quantized
    tables = []
    # One k at a time: a 24-megapixel image's quantizations at every k would not fit in 2 GB.
    for k in k_values:
        quantized = {(space, k): read_indexed_png(paths[space][k]) for space in spaces}
        tables.append(pairwise_differences(quantized, spaces, [k]))
    table = pd.concat(tables, ignore_index=True)
    table.insert(0, "image", snakemake.wildcards.image)
    write_table(snakemake.output.differences, table)


run_job(main, snakemake.log[0], expected=(ValueError,))
