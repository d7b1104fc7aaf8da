"""Draw one image's figures: quantized versions side by side, inertia, quality, differences."""

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402

from colourquant.colours import rebuild_image  # noqa: E402
from colourquant.explore_plots import differences_figure  # noqa: E402
from colourquant.files import (  # noqa: E402
    load_distinct,
    read_png_thumbnail,
    thumbnail,
    write_figure,
)
from colourquant.jobs import run_job  # noqa: E402
from colourquant.plots import (  # noqa: E402
    comparison_figure,
    inertia_figure,
    quality_figure,
    space_colours,
)


def main():
    image, params = snakemake.wildcards.image, snakemake.params
    inputs, output = snakemake.input, snakemake.output
    distinct, _ = load_distinct(inputs.distinct)
    quantized = {
        (row, k): read_png_thumbnail(path)
        for row, paths in params.quantized.items()
        for k, path in paths.items()
    }
    original = thumbnail(rebuild_image(distinct.colours, distinct.index, distinct.shape))
    figure = comparison_figure(
        image, original, quantized, params.spaces, params.k_values, baselines=params.baselines
    )
    write_figure(output.comparison, figure, dpi=110)

    colours = space_colours(params.spaces)
    curves = pd.concat(map(pd.read_csv, inputs.curves))
    write_figure(output.inertia, inertia_figure(image, curves, colours), dpi=120)
    metrics = pd.concat(map(pd.read_csv, inputs.metrics), ignore_index=True)
    figure = quality_figure(image, metrics, colours)
    write_figure(output.quality, figure, dpi=120)
    if "differences" in output.keys():
        differences = pd.read_csv(inputs.differences)
        seed_noise = None
        if "seed_delta_e2000" in metrics:
            seed_noise = metrics.loc[
                metrics["method"] == "kmeans", ["k", "space", "seed_delta_e2000"]
            ]
        figure = differences_figure(image, differences, seed_noise)
        write_figure(output.differences, figure, dpi=120)


run_job(main, snakemake.log[0], expected=(ValueError,))
