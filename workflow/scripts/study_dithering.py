"""Compare the dithered variants with the undithered runs across images."""

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402

from colourquant.files import write_figure, write_table, write_text  # noqa: E402
from colourquant.jobs import run_job  # noqa: E402
from colourquant.plots import FIGURE_DPI, space_colours  # noqa: E402
from colourquant.study.dithering import (  # noqa: E402
    dither_differences,
    dither_differences_figure,
    dither_sentences,
    variant_paired_differences,
)


def main():
    params, output = snakemake.params, snakemake.output
    runs = pd.read_csv(snakemake.input.metrics)
    by_variant = variant_paired_differences(runs, reference=params.reference, seed=params.seed)
    differences = dither_differences(runs, seed=params.seed)
    write_table(output.paired_differences_by_dither, by_variant)
    write_table(output.dither_differences, differences)
    write_text(output.findings, "\n\n".join(dither_sentences(by_variant, differences)) + "\n")
    figure = dither_differences_figure(differences, space_colours(params.spaces))
    write_figure(output.figure, figure, dpi=FIGURE_DPI)


run_job(main, snakemake.log[0], expected=(ValueError,))
