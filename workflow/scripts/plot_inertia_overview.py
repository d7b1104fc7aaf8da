"""Plot normalised inertia against k for all images, a panel per image."""

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402

from colourquant.files import write_figure  # noqa: E402
from colourquant.jobs import run_job  # noqa: E402
from colourquant.plots import FIGURE_DPI, inertia_overview_figure, space_colours  # noqa: E402


def main():
    curves = pd.concat(map(pd.read_csv, snakemake.input.curves))
    figure = inertia_overview_figure(curves, space_colours(snakemake.params.spaces))
    write_figure(snakemake.output.figure, figure, dpi=FIGURE_DPI)


run_job(main, snakemake.log[0], expected=(ValueError,))
