"""Compare the dithered variants with the undithered runs across images."""

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402

from colourquant.files import write_figure, write_table, write_text  # noqa: E402
from colourquant.jobs import run_job  # noqa: E402
from colourquant.plots import space_colours  # noqa: E402
from colourquant.study.dithering import dither_study_outputs  # noqa: E402


def main():
    params, output = snakemake.params, snakemake.output
    runs = pd.read_csv(snakemake.input.metrics)
    colours = space_colours(params.spaces)
    outputs = dither_study_outputs(runs, colours, reference=params.reference, seed=params.seed)
    for name, value, dpi in outputs:
        if isinstance(value, pd.DataFrame):
            write_table(output[name], value)
        elif isinstance(value, str):
            write_text(output[name], value)
        else:
            write_figure(output[name], value, dpi)


run_job(main, snakemake.log[0], expected=(ValueError,))
