"""Build one quantizer's palette for one image at every k, and evaluate it."""

from colourquant.files import load_distinct, write_run
from colourquant.jobs import run_job
from colourquant.runs import method_runs
from colourquant.variants import dithered_runs


def main():
    params, wildcards = snakemake.params, snakemake.wildcards
    distinct, metadata = load_distinct(snakemake.input.distinct)
    runs = method_runs(
        distinct,
        wildcards.method,
        params.k_values,
        seed=params.seed,
        name=wildcards.image,
        metadata=metadata,
    )
    for run, dithered in dithered_runs(runs, distinct, params.dithers):
        write_run(params.run_dirs[run.k], run)
        for name, variant in dithered.items():
            write_run(f"{params.run_dirs[run.k]}/{name}", variant)


run_job(main, snakemake.log[0], expected=(ValueError,), threads=snakemake.threads)
