"""Fit one clusterer other than exact k-means to one image in one colour space, at every k."""

from colourquant.files import load_distinct
from colourquant.jobs import run_job
from colourquant.runs import FitSettings, method_runs
from colourquant.variants import write_runs


def main():
    params, wildcards = snakemake.params, snakemake.wildcards
    distinct, metadata = load_distinct(snakemake.input.distinct)
    settings = FitSettings.from_config(params.fit)
    runs = method_runs(
        distinct,
        wildcards.method,
        params.k_values,
        seed=settings.seed,
        name=wildcards.image,
        metadata=metadata,
        space=wildcards.space,
        settings=settings,
        n_threads=snakemake.threads,
    )
    write_runs(runs, distinct, params.dithers, params.run_dirs)


run_job(main, snakemake.log[0], expected=(ValueError,), threads=snakemake.threads)
