"""Explore one image in every colour space: channel correlation and a figure of sampled pixels."""

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402

from colourquant.explore import sample_pixels, weighted_correlation  # noqa: E402
from colourquant.explore_plots import exploration_figure  # noqa: E402
from colourquant.files import load_distinct, write_figure, write_table  # noqa: E402
from colourquant.jobs import run_job  # noqa: E402
from colourquant.spaces import from_srgb8, get_space  # noqa: E402


def main():
    image = snakemake.wildcards.image
    distinct, _ = load_distinct(snakemake.input.distinct)
    rows = sample_pixels(distinct.counts, snakemake.params.n_samples, snakemake.params.seed)
    for space in map(get_space, snakemake.params.spaces):
        points = from_srgb8(distinct.colours, space.name)
        correlation = weighted_correlation(points, distinct.counts)
        table = pd.DataFrame(correlation, columns=list(space.channels))
        table.insert(0, "channel", list(space.channels))
        write_table(snakemake.output[f"correlation_{space.name}"], table)
        figure = exploration_figure(image, space, points[rows], distinct.colours[rows], correlation)
        # 100 dpi: 1,000 pixels wide, as wide as the report shows it.
        write_figure(snakemake.output[f"figure_{space.name}"], figure, dpi=100)


run_job(main, snakemake.log[0], expected=(ValueError,))
