"""Build one quantizer's palette for one image at every k, and evaluate it."""

from colourquant.files import load_distinct
from colourquant.jobs import run_job
from colourquant.runs import method_runs
from colourquant.variants import write_runs


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
    write_runs(runs, distinct, params.dithers, params.run_dirs)


run_job(main, snakemake.log[0], expected=(ValueError,), threads=snakemake.threads)
