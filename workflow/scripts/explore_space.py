"""Explore one image in one colour space: channel correlation and a figure of sampled pixels."""

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402

from colourquant.explore import sample_pixels, weighted_correlation  # noqa: E402
from colourquant.explore_plots import exploration_figure  # noqa: E402
from colourquant.files import atomic_path, load_distinct, run_job, write_table  # noqa: E402
from colourquant.spaces import from_srgb8, get_space  # noqa: E402


def main():
    image, space = snakemake.wildcards.image, get_space(snakemake.wildcards.space)
    distinct, _ = load_distinct(snakemake.input.distinct)
    points = from_srgb8(distinct.colours, space.name)
    correlation = weighted_correlation(points, distinct.counts)
    table = pd.DataFrame(correlation, columns=list(space.channels))
    table.insert(0, "channel", list(space.channels))
    write_table(snakemake.output.correlation, table)
    rows = sample_pixels(distinct.counts, snakemake.params.n_samples, snakemake.params.seed)
    figure = exploration_figure(image, space, points[rows], distinct.colours[rows], correlation)
    with atomic_path(snakemake.output.figure) as temporary:
        figure.savefig(temporary, format="png", dpi=100, metadata={"Software": None})


run_job(main, snakemake.log[0], expected=(ValueError,))
