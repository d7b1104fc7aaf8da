"""Draw one image's figures: quantized versions side by side, inertia, quality,
cluster sizes and differences."""

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402

from colourquant.colours import rebuild_image  # noqa: E402
from colourquant.comparison_plots import (  # noqa: E402
    COMPARISON_DPI,
    comparison_figure,
    comparison_overview_figure,
    delta_e_by_run,
)
from colourquant.explore_plots import differences_figure  # noqa: E402
from colourquant.files import (  # noqa: E402
    load_distinct,
    read_png_thumbnail,
    thumbnail,
    write_figure,
)
from colourquant.jobs import run_job  # noqa: E402
from colourquant.palette import cluster_sizes_figure  # noqa: E402
from colourquant.plots import (  # noqa: E402
    FIGURE_DPI,
    inertia_figure,
    method_label,
    quality_figure,
    seed_change_band,
    space_colours,
)


def main():
    image, params = snakemake.wildcards.image, snakemake.params
    inputs, output = snakemake.input, snakemake.output
    distinct, _ = load_distinct(inputs.distinct)
    metrics = pd.concat(map(pd.read_csv, inputs.metrics), ignore_index=True)
    delta_e = delta_e_by_run(metrics)
    original = thumbnail(rebuild_image(distinct.colours, distinct.index, distinct.shape))
    thumbnails = {
        (row, k): read_png_thumbnail(path)
        for row, paths in params.quantized.items()
        for k, path in paths.items()
    }
    # A clusterer's row shows its run in the reference space, and says so.
    labels = {
        method: f"{method_label(method)} ({params.reference})" for method in params.clusterers
    }
    common = {
        "baselines": params.baselines,
        "delta_e": delta_e,
        "image_size": distinct.shape,
        "row_labels": labels,
    }
    for name, k in params.comparison.items():
        if k == "all":
            figure = comparison_overview_figure(
                image, original, thumbnails, params.spaces, params.k_values, **common,
                per_k_figures=True,
            )  # fmt: skip
        else:
            figure = comparison_figure(image, original, thumbnails, params.spaces, k, **common)
        write_figure(output[name], figure, dpi=COMPARISON_DPI)

    colours = space_colours(params.spaces)
    curves = pd.concat(map(pd.read_csv, inputs.curves))
    write_figure(output.inertia, inertia_figure(image, curves, colours), dpi=FIGURE_DPI)
    figure = quality_figure(image, seed_change_band(metrics), colours, labels=labels)
    write_figure(output.quality, figure, dpi=FIGURE_DPI)

    centres = {
        (space, k): pd.read_csv(path)
        for space, paths in params.centres.items()
        for k, path in paths.items()
    }
    n_pixels = int(metrics["n_pixels"].iloc[0])
    figure = cluster_sizes_figure(image, centres, n_pixels, params.spaces, params.cluster_sizes_k)
    write_figure(output.cluster_sizes, figure, dpi=FIGURE_DPI)

    if "differences" in output.keys():
        differences = pd.read_csv(inputs.differences)
        seed_noise = None
        if "seed_delta_e2000" in metrics:
            seed_noise = metrics.loc[
                metrics["method"] == "kmeans", ["k", "space", "seed_delta_e2000"]
            ]
        figure = differences_figure(image, differences, seed_noise)
        write_figure(output.differences, figure, dpi=FIGURE_DPI)


run_job(main, snakemake.log[0], expected=(ValueError,))
