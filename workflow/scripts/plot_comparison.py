"""Draw one image's quantized versions side by side: rows are spaces, columns are k."""

import matplotlib

matplotlib.use("Agg")
from colourquant.colours import rebuild_image  # noqa: E402
from colourquant.files import (  # noqa: E402
    atomic_path,
    load_distinct,
    read_png_thumbnail,
    run_job,
    thumbnail,
)
from colourquant.plots import comparison_figure  # noqa: E402


def main():
    distinct, _ = load_distinct(snakemake.input.distinct)
    spaces, k_values = snakemake.params.spaces, snakemake.params.k_values
    baselines = snakemake.params.baselines
    runs = [(row, k) for row in [*spaces, *baselines] for k in k_values]
    paths = [*snakemake.input.quantized, *snakemake.input.baselines]
    quantized = {run: read_png_thumbnail(path) for run, path in zip(runs, paths, strict=True)}
    original = thumbnail(rebuild_image(distinct.colours, distinct.index, distinct.shape))
    figure = comparison_figure(
        snakemake.wildcards.image,
        original,
        quantized,
        spaces,
        k_values,
        baselines=baselines,
    )
    with atomic_path(snakemake.output.figure) as temporary:
        figure.savefig(temporary, format="png", dpi=110, metadata={"Software": None})


run_job(main, snakemake.log[0], expected=(ValueError,))
