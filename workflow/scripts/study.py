"""Compare the colour spaces across images: statistics, figures and findings in words."""

import matplotlib

matplotlib.use("Agg")
import json  # noqa: E402

import pandas as pd  # noqa: E402

from colourquant.files import load_distinct, write_figure, write_table, write_text  # noqa: E402
from colourquant.jobs import run_job  # noqa: E402
from colourquant.plots import space_colours  # noqa: E402
from colourquant.study import findings_texts, study_tables  # noqa: E402
from colourquant.study.answers import answers  # noqa: E402
from colourquant.study.plots import study_figures  # noqa: E402
from colourquant.variants import undithered  # noqa: E402


def main():
    params, output = snakemake.params, snakemake.output
    runs = undithered(pd.read_csv(snakemake.input.metrics))
    differences = pd.concat(map(pd.read_csv, snakemake.input.differences), ignore_index=True)
    images = {name: load_distinct(path)[0] for name, path in params.distinct.items()}
    tables = study_tables(runs, differences, images, reference=params.reference, seed=params.seed)
    for name, table in tables.items():
        write_table(output[name], table)
    colours = space_colours(params.spaces)
    for name, figure, dpi in study_figures(tables, runs, differences, colours, params.largest_k):
        write_figure(output[name], figure, dpi)
    for name, text in findings_texts(tables).items():
        write_text(output[name], text)
    # The notebook's two questions answered in words, for the front page.
    write_text(output.answers, json.dumps(answers(tables, differences), indent=1) + "\n")


run_job(main, snakemake.log[0], expected=(ValueError,))
