"""Draw one image's quantized versions side by side: rows are spaces, columns are k."""

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from colourquant.colours import rebuild_image  # noqa: E402
from colourquant.files import atomic_path, load_distinct, run_job  # noqa: E402
from colourquant.plots import comparison_figure  # noqa: E402


def main():
    distinct, _ = load_distinct(snakemake.input.distinct)  # noqa: F821
    spaces, k_values = snakemake.params.spaces, snakemake.params.k_values  # noqa: F821
    baselines = snakemake.params.baselines  # noqa: F821
    runs = [(row, k) for row in [*spaces, *baselines] for k in k_values]
    paths = [*snakemake.input.quantized, *snakemake.input.baselines]  # noqa: F821
    quantized = {run: np.asarray(Image.open(path)) for run, path in zip(runs, paths, strict=True)}
    original = rebuild_image(distinct.colours, distinct.index, distinct.shape)
    figure = comparison_figure(
        snakemake.wildcards.image,  # noqa: F821
        original,
        quantized,
        spaces,
        k_values,
        baselines=baselines,
    )
    with atomic_path(snakemake.output.figure) as temporary:  # noqa: F821
        figure.savefig(temporary, format="png", dpi=110, metadata={"Software": None})


run_job(main, snakemake.log[0], expected=(ValueError,))  # noqa: F821
