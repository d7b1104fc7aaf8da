"""Draw one image's figures: every entry of colourquant.image_figures.IMAGE_FIGURES
that the rule declares as an output."""

import matplotlib

matplotlib.use("Agg")
from colourquant.files import write_figure  # noqa: E402
from colourquant.image_figures import image_figures, load_image_data  # noqa: E402
from colourquant.jobs import run_job  # noqa: E402


def main():
    inputs, params, output = snakemake.input, snakemake.params, snakemake.output
    data = load_image_data(snakemake.wildcards.image, dict(inputs.items()), dict(params.items()))
    for name, figure, dpi in image_figures(data, names=list(output.keys())):
        write_figure(output[name], figure, dpi=dpi)


run_job(main, snakemake.log[0], expected=(ValueError,))
