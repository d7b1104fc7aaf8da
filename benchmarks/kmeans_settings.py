"""Benchmark: full-image inertia against fit time for k-means settings, to choose defaults.

On the bundled photos in RGB and Lab, k from 2 to 256, fits the exact
objective with several numbers of k-means++ restarts (n_init) and stopping
tolerances (tol), the restarts running on the colour grid's cells (exact mode
as configured: at large k on the sample instead), on a 5 % pixel sample or on
every distinct colour, and records the fit time and the full-image inertia
relative to the best found for that image, space and k.

Writes results/performance/kmeans_settings*.csv and .png and, with one seed,
the committed summary docs/benchmarks/kmeans_settings.json that the docs quote.

Usage: python benchmarks/kmeans_settings.py [--out results/performance]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from colourquant.colours import distinct_colours  # noqa: E402
from colourquant.kmeans import (  # noqa: E402
    colour_grids,
    fit_kmeans,
    fit_kmeans_exact,
    inertia,
    nearest_centre,
    pixel_sample_weights,
)
from colourquant.spaces import from_srgb8  # noqa: E402
from common import BUNDLED, FIT, bundled_image, write_summary  # noqa: E402

K_VALUES = [2, 4, 8, 16, 32, 64, 256]
SPACES = ["RGB", "Lab"]
SETTINGS = [  # (what the restarts run on, n_init, tol)
    (summary, n_init, tol)
    for summary in ("grid", "sample", "points")
    for n_init in (1, 3, 10)
    for tol in (1e-2, 1e-3, 1e-4)
    # k-means++ restarts on all distinct colours are the slow baseline: two suffice.
    if summary != "points" or (tol == 1e-4 and n_init < 10)
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("results/performance"))
    parser.add_argument("--seeds", type=int, default=1, help="seeds per setting")
    arguments = parser.parse_args()
    arguments.out.mkdir(parents=True, exist_ok=True)
    rows = []
    with threadpool_limits(limits=1):
        for name in BUNDLED:
            distinct = distinct_colours(bundled_image(name))
            for space in SPACES:
                points = from_srgb8(distinct.colours, space)
                grid, fine_grid = colour_grids(points, distinct.counts, FIT["grid_cells"])
                for k in K_VALUES:
                    for seed in range(arguments.seeds):
                        sample = pixel_sample_weights(distinct.index, distinct.n_unique, 0.05, seed)
                        for summary, n_init, tol in SETTINGS:
                            settings = {"n_init": n_init, "tol": tol, "seed": seed}
                            if summary == "grid":
                                fit = fit_kmeans_exact(
                                    grid, k, fine_grid=fine_grid, init_weights=sample, **settings
                                )
                            else:
                                fit = fit_kmeans(points, distinct.counts, k, **settings,
                                                 init_weights=sample if summary == "sample"
                                                 else None)  # fmt: skip
                            labels = nearest_centre(points, fit.centres)
                            rows.append({
                                "image": name, "space": space, "k": k, "seed": seed,
                                "summary": summary, "restarts_on": fit.restarts_on,
                                "n_init": n_init, "tol": tol,
                                "fit_seconds": fit.fit_seconds, "n_iter": fit.n_iter,
                                "inertia": inertia(points, distinct.counts, fit.centres, labels),
                            })  # fmt: skip
                    print(name, space, k, flush=True)
    runs = pd.DataFrame(rows)
    best = runs.groupby(["image", "space", "k"])["inertia"].transform("min")
    runs["excess_inertia"] = runs["inertia"] / best - 1
    runs.to_csv(arguments.out / "kmeans_settings.csv", index=False)
    table = (
        runs.assign(large_k=np.where(runs["k"] >= 64, "k >= 64", "k <= 32"))
        .groupby(["large_k", "summary", "n_init", "tol"])
        .agg(median_seconds=("fit_seconds", "median"), total_seconds=("fit_seconds", "sum"),
             mean_excess=("excess_inertia", "mean"), p95_excess=("excess_inertia",
             lambda x: x.quantile(0.95)), worst_excess=("excess_inertia", "max"))
        .reset_index()
    )  # fmt: skip
    table.to_csv(arguments.out / "kmeans_settings_summary.csv", index=False)
    print(table.to_string(index=False))
    plot(table, arguments.out / "kmeans_settings.png")
    if arguments.seeds == 1:
        summarise(runs, table)


def summarise(runs: pd.DataFrame, table: pd.DataFrame) -> None:
    """docs/benchmarks/kmeans_settings.json: per k range and setting, the total fit
    time and the mean and worst excess inertia over the best found, in %."""
    where = {"grid": "restarts on the grid (exact mode)", "sample": "restarts on the sample",
             "points": "k-means++ on every distinct colour"}  # fmt: skip
    results = []
    for row in table.itertuples():
        setting = f"{row.large_k}, {where[row.summary]}, n_init {row.n_init}, tol {row.tol:g}"
        results += [
            {"measure": f"{setting}: total fit time", "value": row.total_seconds, "unit": "s"},
            {"measure": f"{setting}: mean excess inertia", "value": 100 * row.mean_excess,
             "unit": "%"},
            {"measure": f"{setting}: worst excess inertia", "value": 100 * row.worst_excess,
             "unit": "%"},
        ]  # fmt: skip
    small = runs["k"] <= 32
    setup = {
        "images": BUNDLED,
        "spaces": SPACES,
        "k values": K_VALUES,
        "fits per setting at k <= 32": int((small & (runs["summary"] == "grid")).sum() // 9),
        "fits per setting at k >= 64": int((~small & (runs["summary"] == "grid")).sum() // 9),
        "n_init": [1, 3, 10],
        "tol": [1e-2, 1e-3, 1e-4],
        "sample fraction / %": 5,
        "threads": 1,
        "fit settings": FIT,
    }
    write_summary("kmeans_settings", "python benchmarks/kmeans_settings.py", setup,
                  results)  # fmt: skip


def plot(table: pd.DataFrame, path: Path) -> None:
    """Excess inertia against time: a line per summary and tol through n_init 1, 3, 10."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FormatStrFormatter

    colours = {1e-2: "tab:red", 1e-3: "tab:orange", 1e-4: "tab:blue"}
    styles = {
        "grid": ({"marker": "o"}, "restarts on the colour grid (exact mode)"),
        "sample": ({"marker": "^", "linestyle": "--", "alpha": 0.6}, "restarts on the sample"),
        "points": ({"marker": "s", "linestyle": ":"}, "k-means++ on all colours"),
    }
    figure, axes = plt.subplots(1, 2, figsize=(13, 5.2), layout="constrained")
    for axis, (group, rows) in zip(axes, table.groupby("large_k"), strict=True):
        for (summary, tol), line in rows.groupby(["summary", "tol"]):
            line = line.sort_values("n_init")
            style, description = styles[summary]
            colour = "black" if summary == "points" else colours[tol]
            axis.plot(line["total_seconds"], 100 * line["mean_excess"], color=colour,
                      label=f"{description}, tol {tol:g}", **style)  # fmt: skip
            if summary != "sample":  # its labels would sit on the grid's at k >= 64
                for row in line.itertuples():
                    axis.annotate(f"n_init {row.n_init}", (row.total_seconds,
                                  100 * row.mean_excess), fontsize=7, xytext=(5, 3),
                                  textcoords="offset points")  # fmt: skip
        axis.set_xscale("log")
        axis.xaxis.set_major_formatter(FormatStrFormatter("%g"))
        axis.xaxis.set_minor_formatter(FormatStrFormatter("%g"))
        axis.tick_params(axis="x", which="minor", labelsize=7)
        axis.set_xlabel("total fit time over all runs / s (one thread)")
        axis.set_ylabel("mean excess full-image inertia over the best found / %")
        # Beyond k = 32 the grid is too coarse and exact mode seeds from the sample.
        coincide = "\n(exact mode's restarts run on the sample: their lines coincide)"
        axis.set_title(group + (coincide if group == "k >= 64" else ""))
        axis.grid(True, alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=3, fontsize=8)
    figure.suptitle("Quality for time of k-means settings on the bundled photos (RGB and Lab)")
    figure.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
