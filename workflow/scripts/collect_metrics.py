"""Gather every run's metrics into one tidy table, in config order."""

import pandas as pd

from colourquant.files import write_table
from colourquant.jobs import run_job
from colourquant.methods import NO_SPACE
from colourquant.runs import RUN_COLUMNS
from colourquant.variants import label_undithered


def main():
    params = snakemake.params
    runs = pd.concat(map(pd.read_csv, snakemake.input.metrics), ignore_index=True)
    runs = label_undithered(runs, params.dithers)
    runs = runs[[column for column in RUN_COLUMNS if column in runs]]
    for column, order in [
        ("image", params.images),
        ("method", params.methods),
        ("space", [*params.spaces, NO_SPACE]),
    ]:
        runs[column] = pd.Categorical(runs[column], categories=order, ordered=True)
    order = ["image", "method", "space", "k", *(["dither"] if params.dithers else [])]
    write_table(snakemake.output.metrics, runs.sort_values(order))


run_job(main, snakemake.log[0], expected=(ValueError,))
