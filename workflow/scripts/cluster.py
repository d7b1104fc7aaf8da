"""Fit one clusterer other than exact k-means to one image in one colour space, at every k."""

from colourquant.files import load_distinct, write_run
from colourquant.jobs import run_job
from colourquant.runs import FitSettings, method_runs
from colourquant.variants import dithered_runs


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
    for run, dithered in dithered_runs(runs, distinct, params.dithers):
        write_run(params.run_dirs[run.k], run)
        for name, variant in dithered.items():
            write_run(f"{params.run_dirs[run.k]}/{name}", variant)


run_job(main, snakemake.log[0], expected=(ValueError,), threads=snakemake.threads)
