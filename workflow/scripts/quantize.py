"""Fit and evaluate k-means for one image in one colour space, at every k."""

from colourquant.files import load_distinct, write_run, write_table
from colourquant.jobs import run_job
from colourquant.runs import FitSettings, inertia_curve, kmeans_runs
from colourquant.variants import dithered_runs


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
    rows = []
    for run, dithered in dithered_runs(runs, distinct, params.dithers):
        write_run(params.run_dirs[run.k], run)
        for name, variant in dithered.items():
            write_run(f"{params.run_dirs[run.k]}/{name}", variant)
        rows.append(run.row)
    write_table(snakemake.output.curve, inertia_curve(rows))


run_job(main, snakemake.log[0], expected=(ValueError,), threads=snakemake.threads)
