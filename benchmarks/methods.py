"""Benchmark: the notebook's way against scikit-learn on all pixels and colourquant's modes.

Side by side in one run, per image, colour space and k:

a) notebook: KMeans(n_init="auto") on a 5 % random pixel sample, ``predict`` on
   every pixel, rebuild with ``np.array([centres[p] for p in labels])``;
b) sklearn_all: KMeans (n_init=1, scikit-learn's default) on every pixel; on the
   bundled photos also ``sklearn_all_restarts``, with exact mode's n_init;
c) exact: colourquant's exact mode, k-means on the distinct colours weighted by
   their pixel counts, started from the best of n_init fits to the cells of a
   colour grid (fit.grid_cells; at large k to the 5 % sample, at most
   fit.max_seed_pixels of it). Its fit time includes its share of building the
   grid (once per image and space, for every k). For comparison, also
   ``exact_sample_seeds``, always seeded from the sample (exact mode before the
   grid) and, where the seeding cap applies, ``exact_uncapped``, seeded from
   the whole sample;
d) sample: colourquant's sample mode (the 5 % sample, as weights on distinct colours).
c) and d) use the fit settings of config/config.yaml. Every method runs on one
OpenMP thread.

For each: time to fit, time to assign every pixel and rebuild the image,
full-image inertia in the fit space and mse_rgb of the 8-bit result. The one-off
per-image cost of finding distinct colours and converting them is reported as
``prepare_seconds`` (it is shared by every space and k).

Writes results/performance/methods*.csv and methods.png and, without --quick,
the committed summary docs/benchmarks/methods.json that the docs quote.

Usage: python benchmarks/methods.py [--quick] [--out results/performance]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from colourquant.colours import distinct_colours, rebuild_image  # noqa: E402
from colourquant.kmeans import (  # noqa: E402
    MIN_CELLS_PER_CLUSTER,
    colour_grids,
    fit_kmeans,
    fit_kmeans_exact,
    nearest_centre,
    pixel_sample_weights,
)
from colourquant.spaces import from_srgb8, to_srgb8  # noqa: E402
from common import (  # noqa: E402
    BUNDLED,
    FIT,
    LARGE_NAME,
    bundled_image,
    full_image_scores,
    large_image,
    timer,
    write_summary,
)

K_VALUES = [2, 4, 8, 16, 32, 64, 256]
SPACES = ["RGB", "Lab"]
SEED = 0
FRACTION = 0.05
# scikit-learn on all 24 million pixels at large k takes many minutes per fit;
# it is measured on the large image up to this k only.
SKLEARN_ALL_MAX_K_LARGE = 16
# One OpenMP thread for every method, as in the workflow's jobs (which run in
# parallel instead). On the 2-vCPU benchmark machine two threads made small
# fits stall for about 0.1 s at random, for every method alike.
THREADS = 1


def run_image(name: str, image: np.ndarray, k_values, rows: list) -> None:
    pixels8 = image.reshape(-1, 3)
    times = {}
    with timer(times, "distinct"):
        distinct = distinct_colours(image)
    for space in SPACES:
        with timer(times, "convert"):
            points = from_srgb8(distinct.colours, space)
        pixels = points[distinct.index]  # what the notebook clusters: every pixel, in the space
        prepare = times["distinct"] + times["convert"]
        with timer(times, "grid"):
            grid, fine_grid = colour_grids(points, distinct.counts, FIT["grid_cells"])
        rng = np.random.default_rng(SEED)
        for k in k_values:
            base = {"image": name, "space": space, "k": k, "n_pixels": len(pixels8),
                    "n_unique": distinct.n_unique, "prepare_seconds": prepare}  # fmt: skip

            # a) the notebook's way
            sample = pixels[rng.choice(len(pixels), int(FRACTION * len(pixels)), replace=False)]
            with timer(times, "fit"):
                model = KMeans(n_clusters=k, n_init="auto", random_state=SEED).fit(sample)
            with timer(times, "assign"):
                labels = model.predict(pixels)
                centres = model.cluster_centers_
                _rebuilt = np.array([centres[p] for p in labels])

            rows.append({**base, "method": "notebook", "fit_seconds": times["fit"],
                         "assign_seconds": times["assign"],
                         **dict(zip(["inertia", "mse_rgb"], full_image_scores(
                             points, distinct.counts, centres, space, distinct.colours),
                             strict=True))})  # fmt: skip

            # b) scikit-learn on every pixel
            if not (name == LARGE_NAME and k > SKLEARN_ALL_MAX_K_LARGE):
                with timer(times, "fit"):
                    model = KMeans(n_clusters=k, n_init=1, random_state=SEED).fit(pixels)
                with timer(times, "assign"):
                    labels = model.predict(pixels)
                    _rebuilt = model.cluster_centers_[labels]
                rows.append({**base, "method": "sklearn_all", "fit_seconds": times["fit"],
                             "assign_seconds": times["assign"],
                             **dict(zip(["inertia", "mse_rgb"], full_image_scores(
                                 points, distinct.counts, model.cluster_centers_, space,
                                 distinct.colours), strict=True))})  # fmt: skip

            # b') scikit-learn on every pixel with exact mode's restarts
            if name != LARGE_NAME:
                with timer(times, "fit"):
                    model = KMeans(n_clusters=k, n_init=FIT["n_init"], random_state=SEED)
                    model.fit(pixels)
                rows.append({**base, "method": "sklearn_all_restarts", "fit_seconds": times["fit"],
                             **dict(zip(["inertia", "mse_rgb"], full_image_scores(
                                 points, distinct.counts, model.cluster_centers_, space,
                                 distinct.colours), strict=True))})  # fmt: skip

            # c) exact and d) sample modes
            sampled = pixel_sample_weights(distinct.index, distinct.n_unique, FRACTION, SEED)
            seeds = pixel_sample_weights(distinct.index, distinct.n_unique, FRACTION, SEED,
                                         max_pixels=FIT["max_seed_pixels"])  # fmt: skip
            settings = {"n_init": FIT["n_init"], "max_iter": FIT["max_iter"], "tol": FIT["tol"],
                        "seed": SEED, "n_threads": THREADS}  # fmt: skip
            fits = {
                "exact": fit_kmeans_exact(grid, k, fine_grid=fine_grid, init_weights=seeds,
                                          **settings),
                "exact_sample_seeds": fit_kmeans(points, distinct.counts, k, init_weights=seeds,
                                                 **settings),
                "sample": fit_kmeans(points, sampled, k, **settings),
            }  # fmt: skip
            if seeds.sum() < sampled.sum():
                # What the fit.max_seed_pixels cap changes: the same fit seeded
                # from the whole 5 % sample.
                fits["exact_uncapped"] = fit_kmeans(points, distinct.counts, k,
                                                    init_weights=sampled, **settings)  # fmt: skip
            for method, fit in fits.items():
                grid_share = times["grid"] / len(k_values) if method == "exact" else 0.0
                with timer(times, "assign"):
                    labels = nearest_centre(points, fit.centres)
                    palette, _ = to_srgb8(fit.centres, space)
                    rebuild_image(palette[labels], distinct.index, distinct.shape)
                rows.append({**base, "method": method,
                             "fit_seconds": fit.fit_seconds + grid_share,
                             "seeding_seconds": fit.seeding_seconds,
                             "grid_cells": grid.n_cells, "assign_seconds": times["assign"],
                             **dict(zip(["inertia", "mse_rgb"], full_image_scores(
                                 points, distinct.counts, fit.centres, space, distinct.colours),
                                 strict=True))})  # fmt: skip
            print(f"{name} {space} k={k} done", flush=True)


def target_ratios(runs: pd.DataFrame) -> list[float]:
    """The issue's target ratios over `runs`, in the order of TARGETS."""
    wide = runs.pivot_table(index=["image", "space", "k"], columns="method",
                            values=["inertia", "fit_seconds", "seeding_seconds",
                                    "assign_seconds"])  # fmt: skip
    inertia, fit, assign = wide["inertia"], wide["fit_seconds"], wide["assign_seconds"]
    after_seeding = fit["exact"] - wide["seeding_seconds"]["exact"]
    small_k = fit.index.get_level_values("k") <= 32
    has_all = inertia["sklearn_all"].notna()
    return [
        float((inertia["exact"] <= inertia["notebook"] * (1 + 1e-9)).mean()),
        float((inertia["exact"] <= 1.005 * inertia["sklearn_all"])[has_all].mean()),
        float((inertia["exact"] / inertia["sklearn_all"])[has_all].max()),
        float((inertia["exact"] / inertia["sklearn_all"])[has_all].median()),
        float((fit["exact"] / fit["notebook"])[small_k].groupby("image").median().median()),
        float((after_seeding / fit["notebook"])[small_k].groupby("image").median().median()),
        float((fit["sklearn_all"] / fit["exact"])[has_all].median()),
        float((assign["notebook"] / assign["exact"]).median()),
    ]


TARGETS = [
    ("exact inertia <= notebook inertia (share of runs)", ">= 0.95"),
    ("exact inertia <= 1.005 x sklearn_all inertia (share of runs)", ""),
    ("exact inertia / sklearn_all inertia (max over runs)", "<= 1.005"),
    ("exact inertia / sklearn_all inertia (median)", ""),
    ("exact fit time / notebook fit time at k <= 32 (median over images)", "<= 1"),
    ("exact fit time after seeding / notebook fit time at k <= 32 (median over images)", ""),
    ("sklearn_all fit time / exact fit time (median)", ">= 3"),
    ("notebook assign+rebuild time / exact assign+rebuild time (median)", ">= 20"),
]


def variant_effect(runs: pd.DataFrame, variant: str, label: str, restarts_on: str | None = None):
    """Fit time and full-image inertia of exact mode against one of its variants,
    over the runs where exact mode's restarts ran on `restarts_on` ("grid" or
    "sample"; all runs if None)."""
    if variant not in set(runs["method"]):
        return []
    wide = runs.pivot_table(index=["image", "space", "k"], columns="method",
                            values=["inertia", "fit_seconds", "grid_cells"])  # fmt: skip
    exact = wide.xs("exact", axis=1, level=1)
    other = wide.xs(variant, axis=1, level=1)
    kept = other["inertia"].notna()
    if restarts_on is not None:
        # fit_kmeans_exact's gate (every occupied cell has weight here).
        on_grid = exact["grid_cells"] >= MIN_CELLS_PER_CLUSTER * exact.index.get_level_values("k")
        kept &= on_grid if restarts_on == "grid" else ~on_grid
    inertia = (exact["inertia"] / other["inertia"])[kept]
    return [
        (f"{label}: runs compared", int(kept.sum())),
        (f"{label}: {variant} fit time / exact fit time (median)",
         float((other["fit_seconds"] / exact["fit_seconds"])[kept].median())),
        (f"{label}: exact inertia / {variant} inertia (median)", float(inertia.median())),
        (f"{label}: exact inertia / {variant} inertia (max)", float(inertia.max())),
        (f"{label}: exact inertia / {variant} inertia (min)", float(inertia.min())),
    ]  # fmt: skip


def summarise(runs: pd.DataFrame) -> pd.DataFrame:
    """The target ratios over all runs, over the bundled photos and over the large photo,
    then what the colour grid, scikit-learn with the same restarts (on the bundled
    photos) and the seeding cap (on the large photo) change."""
    variants = ["exact_sample_seeds", "exact_uncapped", "sklearn_all_restarts"]
    compared = runs[~runs["method"].isin(variants)]
    large = compared["image"] == LARGE_NAME
    columns = {"all": compared, "bundled": compared[~large], "large": compared[large]}
    table = pd.DataFrame({name: target_ratios(part) for name, part in columns.items() if len(part)})
    table.insert(0, "measure", [measure for measure, _ in TARGETS])
    table["target"] = [target for _, target in TARGETS]
    effects = [
        (runs, "exact_sample_seeds", "colour grid", "grid", "all"),
        (runs, "sklearn_all_restarts", "same restarts, on the grid", "grid", "bundled"),
        (runs, "sklearn_all_restarts", "same restarts, on the sample", "sample", "bundled"),
        (runs[runs["image"] == LARGE_NAME], "exact_uncapped", "seeding cap", "sample", "large"),
    ]
    return pd.concat(
        [table] + [
            pd.DataFrame(variant_effect(part, variant, label, on), columns=["measure", column])
            for part, variant, label, on, column in effects
        ],
        ignore_index=True,
    )  # fmt: skip


def plot(runs: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    styles = {  # the same colour for a method in every panel
        "notebook": ("tab:blue", "notebook (5 % sample)"),
        "sklearn_all": ("tab:orange", "scikit-learn, all pixels"),
        "sklearn_all_restarts": ("tab:olive", "scikit-learn, all pixels, n_init as exact"),
        "exact": ("tab:green", "exact mode"),
        "exact_sample_seeds": ("tab:brown", "exact, seeded from the sample"),
        "exact_uncapped": ("tab:purple", "exact, seeded from the whole sample"),
        "sample": ("tab:red", "sample mode"),
    }
    images = list(dict.fromkeys(runs["image"]))
    k_values = sorted(set(runs["k"]))
    figure, axes = plt.subplots(3, len(images), figsize=(3.6 * len(images), 9.5),
                                squeeze=False, layout="constrained")  # fmt: skip
    for col, image in enumerate(images):
        data = runs[(runs["image"] == image) & (runs["space"] == "RGB")]
        best = data.groupby("k")["inertia"].min()
        for method, (colour, label) in styles.items():
            rows = data[data["method"] == method].sort_values("k")
            if rows.empty:
                continue
            style = {"marker": "o", "color": colour, "label": label}
            axes[0, col].plot(rows["k"], rows["fit_seconds"], **style)
            axes[1, col].plot(rows["k"], rows["assign_seconds"], **style)
            axes[2, col].plot(rows["k"], rows["inertia"] / best.loc[rows["k"]].to_numpy(), **style)
        axes[0, col].set_title(f"{image} (RGB)")
        for row in range(3):
            axes[row, col].set_xscale("log", base=2)
            axes[row, col].set_xticks(k_values, [str(k) for k in k_values])
            axes[row, col].grid(True, alpha=0.3)
        axes[0, col].set_yscale("log")
        axes[1, col].set_yscale("log")
        axes[2, col].set_xlabel("k")
    axes[0, 0].set_ylabel("fit time / s")
    axes[1, 0].set_ylabel("assign + rebuild time / s")
    axes[2, 0].set_ylabel("full-image inertia / best of the methods")
    # Every method drawn in any panel (some run on some images only), in style order.
    drawn = {}
    for axis in axes[0]:
        drawn.update(zip(*reversed(axis.get_legend_handles_labels()), strict=True))
    labels = [label for _, label in styles.values() if label in drawn]
    figure.legend([drawn[label] for label in labels], labels, loc="outside lower center",
                  ncols=-(-len(labels) // 2))  # fmt: skip
    figure.suptitle("Notebook (5 % sample) vs scikit-learn on all pixels vs colourquant exact "
                    "and sample modes")  # fmt: skip
    figure.savefig(path, dpi=110)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="bundled photos only, k <= 16")
    parser.add_argument("--out", type=Path, default=Path("results/performance"))
    arguments = parser.parse_args()
    arguments.out.mkdir(parents=True, exist_ok=True)
    k_values = [k for k in K_VALUES if k <= 16] if arguments.quick else K_VALUES
    rows = []
    with threadpool_limits(limits=THREADS):
        for name in BUNDLED:
            run_image(name, bundled_image(name), k_values, rows)
        if not arguments.quick:
            run_image(LARGE_NAME, large_image(), k_values, rows)
    runs = pd.DataFrame(rows)
    runs.to_csv(arguments.out / "methods.csv", index=False)
    summary = summarise(runs)
    summary.to_csv(arguments.out / "methods_summary.csv", index=False)
    plot(runs, arguments.out / "methods.png")
    print(summary.to_string(index=False))
    if not arguments.quick:
        write_summary("methods", "python benchmarks/methods.py",
                      {"k values": k_values, "spaces": SPACES, "sample fraction / %": 5,
                       "threads": THREADS, "megapixels of the large photo": 24,
                       "scikit-learn on all pixels of the large photo up to k":
                       SKLEARN_ALL_MAX_K_LARGE, "fit settings": FIT,
                       "grid cells per cluster, at least": MIN_CELLS_PER_CLUSTER,
                       "targets": targets()},
                      headline(runs, summary))  # fmt: skip


def targets() -> dict[str, str]:
    """The issue's targets, shares in % as in headline()."""
    return {measure: (f"{target[:3]}{100 * float(target[3:]):g} %"
                      if target and "share of runs" in measure else target)
            for measure, target in TARGETS if target}  # fmt: skip


def headline(runs: pd.DataFrame, summary: pd.DataFrame) -> list[dict]:
    """The numbers the docs quote: the summary table (shares in %), the photos'
    sizes and colour grids, and the ranges of fit and assign times."""
    results = []
    for row in summary.itertuples():
        share = "share of runs" in row.measure
        for column, where in (("all", "all runs"), ("bundled", "bundled photos"),
                              ("large", "24 MP photo")):  # fmt: skip
            value = getattr(row, column, np.nan)
            if pd.notna(value):
                results.append({"measure": f"{row.measure}, {where}",
                                 "value": 100 * value if share else value,
                                 "unit": "%" if share else ""})  # fmt: skip
    bundled = runs[runs["image"] != LARGE_NAME]
    large = runs[runs["image"] == LARGE_NAME]
    exact = runs[runs["method"] == "exact"]
    on_grid = exact[exact["grid_cells"] >= MIN_CELLS_PER_CLUSTER * exact["k"]]
    cells = exact[exact["image"] != LARGE_NAME].groupby(["image", "space"])["grid_cells"].first()

    def add(measure, value, unit):
        results.append({"measure": measure, "value": value, "unit": unit})

    add("runs, bundled photos", bundled[bundled["method"] == "exact"].shape[0], "")
    add("runs, 24 MP photo", large[large["method"] == "exact"].shape[0], "")
    add("runs with exact mode's restarts on the grid", len(on_grid), "")
    add("runs with exact mode's restarts on the grid, bundled photos",
        int((on_grid["image"] != LARGE_NAME).sum()), "")  # fmt: skip
    add("bundled photos: smallest size", bundled["n_pixels"].min() / 1e6, "megapixels")
    add("bundled photos: largest size", bundled["n_pixels"].max() / 1e6, "megapixels")
    add("bundled photos: fewest distinct colours", bundled["n_unique"].min(), "")
    add("bundled photos: most distinct colours", bundled["n_unique"].max(), "")
    if len(large):
        add("24 MP photo: distinct colours", large["n_unique"].iloc[0] / 1e6, "million")
    add("bundled photos: fewest occupied grid cells", cells.min(), "")
    add("bundled photos: most occupied grid cells", cells.max(), "")
    add("bundled photos: largest k on the grid, smallest over images and spaces",
        (cells // MIN_CELLS_PER_CLUSTER).min(), "")  # fmt: skip
    add("bundled photos: largest k on the grid, largest over images and spaces",
        (cells // MIN_CELLS_PER_CLUSTER).max(), "")  # fmt: skip
    for part, where in ((bundled, "bundled photos"), (large, "24 MP photo")):
        small_k = part[part["k"] <= 32]
        for method in ("notebook", "exact"):
            fit = small_k.loc[small_k["method"] == method, "fit_seconds"]
            if len(fit):
                add(f"{where}, k <= 32: fastest {method} fit", fit.min(), "s")
                add(f"{where}, k <= 32: slowest {method} fit", fit.max(), "s")
                add(f"{where}, k <= 32: median {method} fit", fit.median(), "s")
        assign = part.loc[part["method"] == "exact", "assign_seconds"]
        if len(assign):
            add(f"{where}: median exact assign + rebuild", assign.median(), "s")
    return results


if __name__ == "__main__":
    main()
