"""Compare the colour spaces across images: statistics, figures and findings in words."""

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402

from colourquant.files import load_distinct, write_figure, write_table, write_text  # noqa: E402
from colourquant.jobs import run_job  # noqa: E402
from colourquant.plots import space_colours  # noqa: E402
from colourquant.study import (  # noqa: E402
    critical_difference_figure,
    findings,
    headline_findings,
    study_tables,
)
from colourquant.study.plots import (  # noqa: E402
    characteristics_figure,
    convergence_figure,
    mean_rank_figure,
    paired_differences_figure,
)


def main():
    params, output = snakemake.params, snakemake.output
    runs = pd.read_csv(snakemake.input.metrics)
    differences = pd.concat(map(pd.read_csv, snakemake.input.differences), ignore_index=True)
    images = {name: load_distinct(path)[0] for name, path in params.distinct.items()}
    tables = study_tables(runs, differences, images, reference=params.reference, seed=params.seed)
    for name, table in tables.items():
        write_table(output[name], table)
    colours = space_colours(params.spaces)
    paired = tables["paired_differences"]
    write_figure(output.differences_figure, paired_differences_figure(paired, colours), dpi=100)
    ranks = mean_rank_figure(tables["rank_tests"], colours, "delta_e2000_mean")
    write_figure(output.ranks_figure, ranks, dpi=100)
    write_figure(output.convergence_figure, convergence_figure(differences, runs), dpi=100)
    tests, k = tables["rank_tests"], params.largest_k
    cd = critical_difference_figure(tests, k, "delta_e2000_mean")
    write_figure(output.critical_difference_figure, cd, dpi=150)
    write_figure(output.characteristics_figure, characteristics_figure(
        tables["image_differences"], tables["characteristics"], colours, k), dpi=100)  # fmt: skip
    write_text(output.findings, "\n".join(headline_findings(tables)) + "\n")
    every = findings(tables["rank_tests"], paired, tables["stop_differing_summary"])
    write_text(output.all_findings, "\n\n".join(every) + "\n")


run_job(main, snakemake.log[0], expected=(ValueError,))
