"""Gather every run's metrics into one tidy table, in config order."""

import pandas as pd

from colourquant.baselines import NO_SPACE
from colourquant.files import run_job, write_table


def main():
    params = snakemake.params  # noqa: F821
    runs = pd.concat(map(pd.read_csv, snakemake.input.metrics), ignore_index=True)  # noqa: F821
    for column, order in [
        ("image", params.images),
        ("method", params.methods),
        ("space", [*params.spaces, NO_SPACE]),
    ]:
        runs[column] = pd.Categorical(runs[column], categories=order, ordered=True)
    write_table(snakemake.output.metrics, runs.sort_values(["image", "method", "space", "k"]))  # noqa: F821


run_job(main, snakemake.log[0], expected=(ValueError,))  # noqa: F821
