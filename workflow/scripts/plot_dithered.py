"""Draw one image's dithered variants: their comparison figures, and every
variant side by side at each k."""

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402

from colourquant.dither_plots import variant_figures  # noqa: E402
from colourquant.files import load_distinct, write_figure  # noqa: E402
from colourquant.jobs import run_job  # noqa: E402
from colourquant.plots import method_label  # noqa: E402
from colourquant.variants import label_undithered  # noqa: E402


def main():
    image, params = snakemake.wildcards.image, snakemake.params
    distinct, _ = load_distinct(snakemake.input.distinct)
    metrics = pd.concat(map(pd.read_csv, snakemake.input.metrics), ignore_index=True)
    metrics = label_undithered(metrics, list(params.quantized)[1:])
    labels = {m: f"{method_label(m)} ({params.reference})" for m in params.clusterers}
    figures = variant_figures(
        image, distinct, params.quantized, metrics, params.spaces, params.comparison,
        params.baselines, labels,
    )  # fmt: skip
    for name, figure, dpi in figures:
        write_figure(snakemake.output[name], figure, dpi)


run_job(main, snakemake.log[0], expected=(ValueError,))
