"""Compare the colour spaces across images: statistics, figures and findings in words."""

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402

from colourquant.files import load_distinct, write_outputs  # noqa: E402
from colourquant.jobs import run_job  # noqa: E402
from colourquant.study.outputs import study_outputs  # noqa: E402


def main():
    params, output = snakemake.params, snakemake.output
    runs = pd.read_csv(snakemake.input.metrics)
    differences = pd.concat(map(pd.read_csv, snakemake.input.differences), ignore_index=True)
    images = {name: load_distinct(path)[0] for name, path in params.distinct.items()}
    outputs = study_outputs(
        runs, differences, images, params.spaces, params.reference, params.largest_k, params.seed
    )
    write_outputs(output, outputs)


run_job(main, snakemake.log[0], expected=(ValueError,))
