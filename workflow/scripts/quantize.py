"""Fit and evaluate k-means for one image in one colour space, at every k."""

from colourquant.files import load_distinct, write_table
from colourquant.jobs import run_job
from colourquant.runs import FitSettings, inertia_curve, kmeans_runs
from colourquant.variants import write_runs


def main():
    params, wildcards = snakemake.params, snakemake.wildcards
    distinct, metadata = load_distinct(snakemake.input.distinct)
    runs = kmeans_runs(
        distinct,
        wildcards.space,
        params.k_values,
        FitSettings.from_config(params.fit),
        name=wildcards.image,
        metadata=metadata,
        n_threads=snakemake.threads,
    )
    written = write_runs(runs, distinct, params.dithers, params.run_dirs)
    write_table(snakemake.output.curve, inertia_curve([run.row for run in written]))


run_job(main, snakemake.log[0], expected=(ValueError,), threads=snakemake.threads)
