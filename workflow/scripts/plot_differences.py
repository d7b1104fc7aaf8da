"""Plot how much one image's quantizations differ between pairs of colour spaces, against k."""

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402

from colourquant.explore_plots import differences_figure  # noqa: E402
from colourquant.files import atomic_path, run_job  # noqa: E402


def main():
    differences = pd.read_csv(snakemake.input.differences)
    figure = differences_figure(snakemake.wildcards.image, differences)
    with atomic_path(snakemake.output.figure) as temporary:
        figure.savefig(temporary, format="png", dpi=120, metadata={"Software": None})


run_job(main, snakemake.log[0], expected=(ValueError,))
