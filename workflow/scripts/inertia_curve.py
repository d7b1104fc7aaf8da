"""Collect one image and colour space's inertia over k and find its elbow."""

import pandas as pd

from colourquant.elbow import kneedle_elbow
from colourquant.files import run_job, write_table


def main():
    runs = pd.concat(map(pd.read_csv, snakemake.input.metrics)).sort_values("k")  # noqa: F821
    curve = runs[["image", "space", "k", "k_effective", "inertia", "inertia_normalised"]].copy()
    elbow = kneedle_elbow(curve["k"].to_numpy(), curve["inertia_normalised"].to_numpy())
    curve["is_elbow"] = curve["k"] == elbow
    write_table(snakemake.output.curve, curve)  # noqa: F821


run_job(main, snakemake.log[0], expected=(ValueError,))  # noqa: F821
