"""Write the table comparing k-means in each colour space with the classic quantizers."""

import pandas as pd

from colourquant.files import run_job, write_table
from colourquant.summary import methods_table


def main():
    runs = pd.read_csv(snakemake.input.metrics)  # noqa: F821
    table = methods_table(runs, snakemake.params.methods, snakemake.params.spaces)  # noqa: F821
    write_table(snakemake.output.table, table)  # noqa: F821


run_job(main, snakemake.log[0], expected=(ValueError,))  # noqa: F821
