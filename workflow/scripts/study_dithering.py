"""Compare the dithered variants with the undithered runs across images."""

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402

from colourquant.files import write_outputs  # noqa: E402
from colourquant.jobs import run_job  # noqa: E402
from colourquant.plots import space_colours  # noqa: E402
from colourquant.study.dithering import dither_study_outputs  # noqa: E402


def main():
    params, output = snakemake.params, snakemake.output
    runs = pd.read_csv(snakemake.input.metrics)
    colours = space_colours(params.spaces)
    outputs = dither_study_outputs(runs, colours, reference=params.reference, seed=params.seed)
    write_outputs(output, outputs)


run_job(main, snakemake.log[0], expected=(ValueError,))
