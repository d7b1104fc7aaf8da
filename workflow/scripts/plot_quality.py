"""Plot one image's quality metrics (CIEDE2000, PSNR) against k, a line per space."""

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402

from colourquant.files import atomic_path, run_job  # noqa: E402
from colourquant.plots import quality_figure, space_colours  # noqa: E402


def main():
    runs = pd.read_csv(snakemake.input.metrics)
    image = snakemake.wildcards.image
    figure = quality_figure(
        image,
        runs[runs["image"] == image],
        space_colours(snakemake.params.spaces),
    )
    with atomic_path(snakemake.output.figure) as temporary:
        figure.savefig(temporary, format="png", dpi=120, metadata={"Software": None})


run_job(main, snakemake.log[0], expected=(ValueError,))
