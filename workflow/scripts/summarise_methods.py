"""Write the table comparing k-means in each colour space with the classic quantizers."""

import pandas as pd

from colourquant.files import write_table
from colourquant.jobs import run_job
from colourquant.summary import methods_table


def main():
    runs = pd.read_csv(snakemake.input.metrics)
    table = methods_table(runs, snakemake.params.methods, snakemake.params.spaces)
    write_table(snakemake.output.table, table)


run_job(main, snakemake.log[0], expected=(ValueError,))
