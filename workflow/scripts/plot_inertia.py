"""Plot one image's normalised inertia against k, a line per colour space."""

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402

from colourquant.files import atomic_path, run_job  # noqa: E402
from colourquant.plots import inertia_figure, space_colours  # noqa: E402


def main():
    curves = pd.concat(map(pd.read_csv, snakemake.input.curves))
    colours = space_colours(snakemake.params.spaces)
    figure = inertia_figure(snakemake.wildcards.image, curves, colours)
    with atomic_path(snakemake.output.figure) as temporary:
        figure.savefig(temporary, format="png", dpi=120, metadata={"Software": None})


run_job(main, snakemake.log[0], expected=(ValueError,))
