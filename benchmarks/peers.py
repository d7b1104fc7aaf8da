"""Benchmark: exact mode against the quantizers people use instead, side by side, at every k.

Per image, colour space and k, on one thread each, CPU seconds of one image's
fit + nearest-colour assignment + rebuild:

a) ``exact``: colourquant's exact mode with the default fit settings
   (config/config.yaml), including its share of building the colour grids;
b) ``notebook``: the teaching notebook's way, ``KMeans(n_init="auto")`` on a 5 %
   pixel sample, ``predict`` on every pixel, the image rebuilt by indexing
   (``centres[labels]``, faster than the notebook's list comprehension); on
   the 24-megapixel photo up to k = 32;
c) ``imagequant``: libimagequant (pngquant's library, ``imagequant`` on PyPI),
   no dithering; it works in its own space, so its runs are in RGB only and
   compared with exact mode in both spaces;
d) ``faiss``: faiss k-means (25 iterations, one start) on every pixel of the
   bundled photos; on the 24-megapixel photo with faiss' default subsample
   (256 pixels per centre);
e) ``sklearn_restarts``: scikit-learn's KMeans with exact mode's ``n_init`` on
   every pixel, as the distinct colours weighted by their pixel counts (the
   same objective, and a fifth of the time), bundled photos only and timed once.

a)-d) are timed ``--repeats`` times, interleaved (the order of the methods
rotates), on the bundled photos, and once on the 24-megapixel photo; the
tables keep the median. Writes results/performance/peers.csv,
peers_summary.csv and peers.png and, without --quick, the committed summary
docs/benchmarks/peers.json.

With --memory, only the peak memory of one workflow job's work on the
24-megapixel photo (:func:`colourquant.runs.kmeans_runs`, Lab, every k, with
the default seed noise) in a child process: docs/benchmarks/peers_memory.json.
With --profile, only where exact mode's time goes (restarts, iterations on
every colour, assignment) at k = 16, 64, 256: docs/benchmarks/peers_profile.json.

Install the peers with ``pip install -e ".[bench]"``.

Usage: python benchmarks/peers.py [--quick] [--repeats 3] [--memory] [--profile]
       [--out results/performance]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
# This checkout's package, not the one an editable install may point to.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from colourquant.colours import distinct_colours, rebuild_image  # noqa: E402
from colourquant.kmeans import (  # noqa: E402
    MIN_CELLS_PER_CLUSTER,
    MIN_FINE_CELLS_PER_CLUSTER,
    colour_grids,
    fit_kmeans_exact,
    nearest_centre,
    pixel_sample_weights,
)
from colourquant.spaces import from_srgb8, to_srgb8  # noqa: E402
from common import (  # noqa: E402
    BUNDLED,
    FIT,
    LARGE_NAME,
    REPO,
    bundled_image,
    full_image_scores,
    large_image,
    write_summary,
)

K_VALUES = [2, 4, 8, 16, 32, 64, 128, 256]
SPACES = ["RGB", "Lab"]
SEED = 0
FRACTION = 0.05
FAISS_ITERATIONS = 25  # faiss.Kmeans' default
TIMED = ["exact", "notebook", "imagequant", "faiss"]
# The notebook's fit of its 1.2-million-pixel sample of the 24-megapixel photo
# takes minutes at large k; its target is at k <= 32.
NOTEBOOK_MAX_K_LARGE = 32
# The tolerances of exact mode's iterations on every point compared with its
# default, a tenth of fit.tol (bundled photos, timed once).
FULL_TOLS = [1e-4, 3e-5]


def scores(points, counts, colours, centres, space):
    """Full-image inertia in the fit space and mse_rgb of the 8-bit result."""
    return full_image_scores(points, counts, centres, space, colours)


def cpu_seconds(function):
    started = time.process_time()
    value = function()
    return time.process_time() - started, value


class Image:
    """One photo, prepared once: distinct colours, each space's points and grids."""

    def __init__(self, name: str, rgb: np.ndarray):
        self.name, self.rgb = name, rgb
        self.distinct = distinct_colours(rgb)
        self.points = {space: from_srgb8(self.distinct.colours, space) for space in SPACES}
        self.seeds = pixel_sample_weights(self.distinct.index, self.distinct.n_unique, FRACTION,
                                          SEED, max_pixels=FIT["max_seed_pixels"])  # fmt: skip

    def exact(self, space, k, n_k, full_tol=None, fine=True):
        """Exact mode; `full_tol` and `fine` (restarts on the fine grid at large
        k) for the variants that chose them."""
        distinct, points = self.distinct, self.points[space]

        def run():
            # The grids are built once per image and space for every k: a share each.
            started = time.process_time()
            grid, fine_grid = colour_grids(points, distinct.counts, FIT["grid_cells"])
            grid_seconds = time.process_time() - started
            if not fine and grid.n_cells < MIN_CELLS_PER_CLUSTER * k:
                fine_grid = None  # the restarts run on the pixel sample
            fit = fit_kmeans_exact(grid, k, fine_grid=fine_grid, init_weights=self.seeds,
                                   n_init=FIT["n_init"], max_iter=FIT["max_iter"], tol=FIT["tol"],
                                   seed=SEED, full_tol=full_tol)  # fmt: skip
            labels = nearest_centre(points, fit.centres)
            palette, _ = to_srgb8(fit.centres, space)
            rebuild_image(palette[labels], distinct.index, distinct.shape)
            return fit, grid_seconds * (1 - 1 / n_k)  # only 1 / n_k of it is this k's

        seconds, (fit, not_charged) = cpu_seconds(run)
        return seconds - not_charged, fit.centres, {"restarts_on": fit.restarts_on,
                                                    "n_iter": fit.n_iter}  # fmt: skip

    def notebook(self, space, k):
        from sklearn.cluster import KMeans

        pixels = self.points[space][self.distinct.index]
        rng = np.random.default_rng(SEED)
        sample = pixels[rng.choice(len(pixels), int(FRACTION * len(pixels)), replace=False)]

        def run():
            model = KMeans(n_clusters=k, n_init="auto", random_state=SEED).fit(sample)
            labels = model.predict(pixels)
            model.cluster_centers_[labels].reshape(*self.distinct.shape, 3)
            return model.cluster_centers_

        seconds, centres = cpu_seconds(run)
        return seconds, centres, {}

    def imagequant(self, k):
        import imagequant

        height, width = self.distinct.shape
        rgba = np.concatenate([self.rgb, np.full((height, width, 1), 255, np.uint8)], axis=2)
        data = rgba.tobytes()

        def run():
            indices, palette = imagequant.quantize_raw_rgba_bytes(
                data, width, height, dithering_level=0.0, max_colors=k
            )
            palette = np.array(palette, dtype=np.uint8).reshape(-1, 4)[:, :3]
            return palette[np.frombuffer(indices, np.uint8)].reshape(height, width, 3)

        seconds, quantized = cpu_seconds(run)
        return seconds, quantized

    def faiss(self, space, k):
        import faiss

        pixels = self.points[space][self.distinct.index].astype(np.float32)
        extra = {} if self.name == LARGE_NAME else {"max_points_per_centroid": len(pixels)}

        def run():
            model = faiss.Kmeans(3, k, niter=FAISS_ITERATIONS, seed=SEED + 1, **extra)
            model.train(pixels)
            _, labels = model.index.search(pixels, 1)
            model.centroids[labels[:, 0]].reshape(*self.distinct.shape, 3)
            return model.centroids.astype(np.float64)

        seconds, centres = cpu_seconds(run)
        return seconds, centres, {}

    def sklearn_restarts(self, space, k):
        from sklearn.cluster import KMeans

        points, counts = self.points[space], self.distinct.counts.astype(np.float64)

        def run():
            model = KMeans(n_clusters=k, n_init=FIT["n_init"], max_iter=FIT["max_iter"],
                           tol=FIT["tol"], random_state=SEED)  # fmt: skip
            return model.fit(points, sample_weight=counts).cluster_centers_

        seconds, centres = cpu_seconds(run)
        return seconds, centres, {}


def run_image(image: Image, k_values, repeats: int, restarts: bool, rows: list) -> None:
    distinct = image.distinct
    base = {"image": image.name, "n_pixels": distinct.n_pixels, "n_unique": distinct.n_unique}
    for repeat in range(repeats):
        for k in k_values:
            order = TIMED[repeat % len(TIMED) :] + TIMED[: repeat % len(TIMED)]
            for method in order:
                if method == "notebook" and image.name == LARGE_NAME and k > NOTEBOOK_MAX_K_LARGE:
                    continue
                if method == "imagequant":
                    seconds, quantized = image.imagequant(k)
                    palette, index = np.unique(quantized.reshape(-1, 3), axis=0,
                                               return_inverse=True)  # fmt: skip
                    error = quantized.reshape(-1, 3).astype(np.float64) - image.rgb.reshape(-1, 3)
                    mse = float(np.einsum("ij,ij->", error, error) / len(error))
                    for space in SPACES:
                        # Its palette, scored as k-means centres in each space.
                        centres = from_srgb8(palette, space)
                        fit_inertia, _ = scores(image.points[space], distinct.counts,
                                                distinct.colours, centres, space)  # fmt: skip
                        rows.append({**base, "space": space, "k": k, "method": method,
                                     "repeat": repeat, "seconds": seconds,
                                     "inertia": fit_inertia, "mse_rgb": mse})  # fmt: skip
                    continue
                for space in SPACES:
                    if method == "exact":
                        seconds, centres, extra = image.exact(space, k, len(k_values))
                    else:
                        seconds, centres, extra = getattr(image, method)(space, k)
                    fit_inertia, mse = scores(image.points[space], distinct.counts,
                                              distinct.colours, centres, space)  # fmt: skip
                    rows.append({**base, "space": space, "k": k, "method": method,
                                 "repeat": repeat, "seconds": seconds, "inertia": fit_inertia,
                                 "mse_rgb": mse, **extra})  # fmt: skip
            print(f"{image.name} k={k} repeat {repeat} done", flush=True)
    if restarts:
        for k in k_values:
            for space in SPACES:
                # scikit-learn with the same restarts, and exact mode's choices:
                # its stopping rule and its restarts at large k.
                variants = {"sklearn_restarts": (image.sklearn_restarts, (space, k), {})}
                for full_tol in FULL_TOLS:
                    variants[f"exact_full_tol_{full_tol:g}"] = (
                        image.exact,
                        (space, k, len(k_values)),
                        {"full_tol": full_tol},
                    )
                variants["exact_sample_restarts"] = (
                    image.exact, (space, k, len(k_values)), {"fine": False})  # fmt: skip
                for method, (function, args, kwargs) in variants.items():
                    seconds, centres, extra = function(*args, **kwargs)
                    fit_inertia, mse = scores(image.points[space], distinct.counts,
                                              distinct.colours, centres, space)  # fmt: skip
                    rows.append({**base, "space": space, "k": k, "method": method,
                                 "repeat": 0, "seconds": seconds, "inertia": fit_inertia,
                                 "mse_rgb": mse, **extra})  # fmt: skip
            print(f"{image.name} k={k} sklearn_restarts and exact variants done", flush=True)


def job_peak_memory(k_values) -> float:
    """Peak RSS (GB) of one quantize job's work on the 24-megapixel photo in a
    child process: kmeans_runs in Lab at every k, default fit settings, from
    the photo's distinct colours (which a job loads from prepare_image's file).
    Making the photo costs more memory than that: the peak is reset after it."""
    code = f"""
import gc, sys
sys.path.insert(0, {str(REPO / "src")!r}); sys.path.insert(0, {str(Path(__file__).parent)!r})
from common import FIT, large_image
from colourquant.colours import distinct_colours
from colourquant.runs import FitSettings, kmeans_runs
image = distinct_colours(large_image())
gc.collect()
with open("/proc/self/clear_refs", "w") as clear:
    clear.write("5")  # resets VmHWM to the current resident set
for run in kmeans_runs(image, "Lab", {list(k_values)!r}, FitSettings.from_config(FIT), name="x"):
    pass
status = open("/proc/self/status").read()
print(int(status.split("VmHWM:")[1].split()[0]))
"""
    child = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return int(child.stdout.split()[-1]) / 1024**2


def profile(k_values=(16, 64, 256)) -> list[dict]:
    """Where exact mode's time goes, per stage: the bundled photos in RGB and
    Lab at each k (one thread; wall seconds, as the fit times its own stages;
    medians over photos and spaces)."""
    stages = []
    with threadpool_limits(limits=1):
        for name in BUNDLED:
            image = Image(name, bundled_image(name))
            distinct = image.distinct
            for space in SPACES:
                points = image.points[space]
                started = time.perf_counter()
                grid, fine_grid = colour_grids(points, distinct.counts, FIT["grid_cells"])
                grid_seconds = time.perf_counter() - started
                for k in k_values:
                    started = time.perf_counter()
                    fit = fit_kmeans_exact(grid, k, fine_grid=fine_grid, init_weights=image.seeds,
                                           n_init=FIT["n_init"], max_iter=FIT["max_iter"],
                                           tol=FIT["tol"], seed=SEED)  # fmt: skip
                    fitted = time.perf_counter()
                    labels = nearest_centre(points, fit.centres)
                    palette, _ = to_srgb8(fit.centres, space)
                    rebuild_image(palette[labels], distinct.index, distinct.shape)
                    stages.append({"k": k, "restarts": fit.seeding_seconds,
                                   "iterations on every colour": fit.fit_seconds
                                   - fit.seeding_seconds, "n_iter": fit.n_iter,
                                   "assign + rebuild": time.perf_counter() - fitted,
                                   "whole fit": fit.fit_seconds,
                                   "grids (once per photo and space)": grid_seconds})  # fmt: skip
    table = pd.DataFrame(stages)
    table["per iteration"] = table["iterations on every colour"] / table["n_iter"]
    results = []
    for k, part in table.groupby("k"):
        for column in table.columns.drop("k"):
            unit = "" if column == "n_iter" else "s"
            results.append({"measure": f"k = {k}: {column} (median)",
                            "value": part[column].median(), "unit": unit})  # fmt: skip
        share = (part["restarts"] / part["whole fit"]).median()
        results.append({"measure": f"k = {k}: restarts / whole fit (median)",
                        "value": 100 * share, "unit": "%"})  # fmt: skip
    return results


def medians(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per image, space, k and method: median seconds, inertia and mse_rgb."""
    return runs.groupby(["image", "space", "k", "method"], as_index=False).agg(
        seconds=("seconds", "median"), inertia=("inertia", "median"), mse_rgb=("mse_rgb", "median")
    )


def targets(runs: pd.DataFrame) -> list[dict]:
    """The issue's targets, measured; each {"measure", "value", "unit", "target"}."""
    table = medians(runs)
    wide = table.pivot_table(index=["image", "space", "k"], columns="method",
                             values=["seconds", "inertia", "mse_rgb"])  # fmt: skip
    seconds, fit_inertia, mse = wide["seconds"], wide["inertia"], wide["mse_rgb"]
    # Every repetition's inertia and mse (they are deterministic, so one each).
    k = seconds.index.get_level_values("k")
    large_k, small_k = k >= 64, k <= 32
    results = []

    def add(measure, value, unit="", target=""):
        results.append({"measure": measure, "value": float(value), "unit": unit,
                        "target": target})  # fmt: skip

    images = seconds.index.get_level_values("image")
    for where, part in (("all photos", np.ones(len(seconds), bool)),
                        ("bundled photos", images != LARGE_NAME),
                        ("24 MP photo", images == LARGE_NAME)):  # fmt: skip
        if not part.any():
            continue
        big, small = part & large_k, part & small_k
        add(
            f"{where}, k >= 64: exact time / imagequant time (median)",
            (seconds["exact"] / seconds["imagequant"])[big].median(),
            "",
            "<= 2",
        )
        for space in SPACES:
            in_space = big & (seconds.index.get_level_values("space") == space)
            add(
                f"{where}, k >= 64, {space} fits: exact mse_rgb <= imagequant mse_rgb "
                "(share of runs)",
                100 * (mse["exact"] <= mse["imagequant"])[in_space].mean(),
                "%",
                ">= 95 %",
            )
        add(
            f"{where}, k <= 32: exact time / notebook time (median)",
            (seconds["exact"] / seconds["notebook"])[small].median(),
            "",
            "<= 1",
        )
        add(f"{where}, k <= 32: exact inertia <= notebook inertia (share of runs)",
            100 * (fit_inertia["exact"] <= fit_inertia["notebook"] * (1 + 1e-9))[small].mean(),
            "%", ">= 95 %")  # fmt: skip
        for ks, label in ((big, "k >= 64"), (part, "every k")):
            add(
                f"{where}, {label}: exact time / faiss time (median)",
                (seconds["exact"] / seconds["faiss"])[ks].median(),
            )
    if "sklearn_restarts" in seconds:
        has = seconds["sklearn_restarts"].notna().to_numpy()
        ratio = (fit_inertia["exact"] / fit_inertia["sklearn_restarts"])[has]
        speed = (seconds["sklearn_restarts"] / seconds["exact"])[has]
        big = has & large_k
        add(
            "bundled photos, k >= 64: exact mse_rgb / sklearn_restarts mse_rgb (median)",
            (mse["exact"] / mse["sklearn_restarts"])[big].median(),
            "",
            "<= 1.005",
        )
        add(
            "bundled photos: exact inertia / sklearn_restarts inertia (median)",
            ratio.median(),
            "",
            "<= 1.000",
        )
        add(
            "bundled photos: exact inertia / sklearn_restarts inertia (worst)",
            ratio.max(),
            "",
            "<= 1.005",
        )
        add(
            "bundled photos: sklearn_restarts time / exact time (median)",
            speed.median(),
            "",
            ">= 10",
        )
        add("bundled photos: sklearn_restarts time / exact time (smallest)", speed.min())
        for value in sorted(set(ratio.index.get_level_values("k"))):
            at_k = ratio[ratio.index.get_level_values("k") == value]
            add(f"bundled photos, k = {value}: exact inertia / sklearn_restarts inertia "
                "(median)", at_k.median())  # fmt: skip
            add(f"bundled photos, k = {value}: exact inertia / sklearn_restarts inertia "
                "(worst)", at_k.max())  # fmt: skip
    # The Pareto curve of exact mode's choices: time against excess inertia
    # over the best fit found (by any method) for that photo, space and k.
    bundled = table[table["image"] != LARGE_NAME].copy()
    best = bundled.groupby(["image", "space", "k"])["inertia"].transform("min")
    bundled["excess"] = 100 * (bundled["inertia"] / best - 1)
    choices = ["exact", *(f"exact_full_tol_{tol:g}" for tol in FULL_TOLS),
               "exact_sample_restarts", "sklearn_restarts"]  # fmt: skip
    for label, keep in (("k <= 32", bundled["k"] <= 32), ("k >= 64", bundled["k"] >= 64)):
        for method in choices:
            part = bundled[keep & (bundled["method"] == method)]
            if not len(part):
                continue
            add(f"bundled photos, {label}: {method} excess inertia over the best found (mean)",
                part["excess"].mean(), "%")  # fmt: skip
            add(f"bundled photos, {label}: {method} excess inertia over the best found (worst)",
                part["excess"].max(), "%")  # fmt: skip
            add(f"bundled photos, {label}: {method} time (sum)", part["seconds"].sum(), "s")
    for where, images in (("bundled photos", table["image"] != LARGE_NAME),
                          ("24 MP photo", table["image"] == LARGE_NAME)):  # fmt: skip
        for method in ("exact", "notebook", "imagequant", "faiss", "sklearn_restarts"):
            for value in (16, 64, 256):
                at = table[(table["method"] == method) & (table["k"] == value) & images]
                if len(at):
                    add(f"{where}, k = {value}: {method} time (median)",
                        at["seconds"].median(), "s")  # fmt: skip
    sizes = runs.groupby("image")[["n_pixels", "n_unique"]].first()
    for image, size in sizes.iterrows():
        add(f"{image}: megapixels", size["n_pixels"] / 1e6, "megapixels")
        add(f"{image}: distinct colours", size["n_unique"], "")
    return results


TARGETS = {  # issue #18
    "1. k >= 64: exact time / imagequant time (median)": "<= 2",
    "1. k >= 64: exact mse_rgb <= imagequant mse_rgb (share of runs)": ">= 95 %",
    "1. k >= 64: exact mse_rgb / sklearn_restarts mse_rgb (median)": "<= 1.005",
    "2. k <= 32: exact time / notebook time (median)": "<= 1",
    "2. k <= 32: exact inertia <= notebook inertia (share of runs)": ">= 95 %",
    "3. exact inertia / sklearn_restarts inertia (median, worst)": "<= 1.000, <= 1.005",
    "3. sklearn_restarts time / exact time": ">= 10",
    "4. default sweep: wall time / (summed job CPU time / cores)": "<= 1.3",
    "4. default sweep: summed job CPU time per run / today's": "<= 0.5",
    "5. config/study.yaml on 2 cores": "<= 20 min",
    "6. 24 MP photo: peak memory per job": "<= 1 GB",
}


def plot(runs: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    styles = {
        "exact": ("tab:green", "exact mode"),
        "notebook": ("tab:blue", "notebook way (5 % sample)"),
        "imagequant": ("tab:red", "libimagequant, no dithering"),
        "faiss": ("tab:purple", "faiss k-means"),
        "sklearn_restarts": ("tab:olive", "scikit-learn, all pixels, n_init as exact"),
    }
    table = medians(runs)
    table["group"] = np.where(table["image"] == LARGE_NAME, "24 MP photo", "bundled photos")
    # mse_rgb against libimagequant's, of the fits in RGB (the space whose
    # error mse_rgb measures; imagequant's palette is the same in both).
    reference = table[table["method"] == "imagequant"].set_index(["image", "space", "k"])
    table["mse_ratio"] = (
        table["mse_rgb"].to_numpy()
        / reference["mse_rgb"]
        .reindex(pd.MultiIndex.from_frame(table[["image", "space", "k"]]))
        .to_numpy()
    )
    groups = list(dict.fromkeys(table["group"]))
    figure, axes = plt.subplots(2, len(groups), figsize=(max(10, 5.2 * len(groups)), 8),
                                squeeze=False, layout="constrained")  # fmt: skip
    k_values = sorted(set(table["k"]))
    for col, group in enumerate(groups):
        part = table[table["group"] == group]
        for method, (colour, label) in styles.items():
            rows = part[part["method"] == method]
            if not len(rows):
                continue
            style = {"marker": "o", "color": colour, "label": label}
            axes[0, col].plot(rows.groupby("k")["seconds"].median(), **style)
            axes[1, col].plot(rows[rows["space"] == "RGB"].groupby("k")["mse_ratio"].median(),
                              **style)  # fmt: skip
        axes[0, col].set_title(f"{group}: time, RGB and Lab fits (median)")
        axes[1, col].set_title(f"{group}: error, RGB fits (median)")
        axes[0, col].set_yscale("log")
        for row in range(2):
            axes[row, col].set_xscale("log", base=2)
            axes[row, col].set_xticks(k_values, [str(k) for k in k_values])
            axes[row, col].grid(True, alpha=0.3)
        axes[1, col].axhline(1, color="tab:red", linewidth=0.8)
        axes[1, col].set_xlabel("k")
    axes[0, 0].set_ylabel("CPU seconds: fit + assign + rebuild")
    axes[1, 0].set_ylabel("mse_rgb / libimagequant's")
    drawn = {}
    for axis in axes.ravel():
        drawn.update(zip(*reversed(axis.get_legend_handles_labels()), strict=True))
    labels = [label for _, label in styles.values() if label in drawn]
    figure.legend([drawn[label] for label in labels], labels, loc="outside lower center",
                  ncols=3)  # fmt: skip
    figure.suptitle("Exact mode against the quantizers people use instead, one thread each")
    figure.savefig(path, dpi=110)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two bundled photos, no 24 MP")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--k", type=int, nargs="+", default=K_VALUES, help="with --quick")
    parser.add_argument("--out", type=Path, default=Path("results/performance"))
    parser.add_argument(
        "--memory",
        action="store_true",
        help="only the peak memory of a job on the 24 MP photo (peers_memory.json)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="only exact mode's time per stage (peers_profile.json)",
    )
    arguments = parser.parse_args()
    k_values = arguments.k if arguments.quick else K_VALUES
    if arguments.profile:
        results = profile()
        print(pd.DataFrame(results).to_string(index=False))
        write_summary("peers_profile", "python benchmarks/peers.py --profile",
                      {"photos": BUNDLED, "spaces": SPACES, "threads": 1,
                       "fit settings": FIT}, results)  # fmt: skip
        return
    if arguments.memory:
        peak = job_peak_memory(K_VALUES)
        print(f"peak memory {peak:.3f} GB")
        write_summary(
            "peers_memory",
            "python benchmarks/peers.py --memory",
            {"k values": K_VALUES, "space": "Lab", "fit settings": FIT, "target": "<= 1 GB"},
            [
                {
                    "measure": "24 MP photo: peak memory of one job's kmeans_runs (Lab, "
                    "every k), from its distinct colours",
                    "value": peak,
                    "unit": "GB",
                }
            ],
        )
        return
    arguments.out.mkdir(parents=True, exist_ok=True)
    import faiss

    faiss.omp_set_num_threads(1)
    rows = []
    names = BUNDLED[:2] if arguments.quick else BUNDLED
    started = time.perf_counter()
    with threadpool_limits(limits=1):
        for name in names:
            run_image(Image(name, bundled_image(name)), k_values, arguments.repeats, True, rows)
            pd.DataFrame(rows).to_csv(arguments.out / "peers.csv", index=False)
        if not arguments.quick:
            run_image(Image(LARGE_NAME, large_image()), k_values, 1, False, rows)
    runs = pd.DataFrame(rows)
    runs.to_csv(arguments.out / "peers.csv", index=False)
    results = targets(runs)
    summary = pd.DataFrame(results)
    summary.to_csv(arguments.out / "peers_summary.csv", index=False)
    plot(runs, arguments.out / "peers.png")
    print(summary.to_string(index=False))
    print(f"benchmark took {time.perf_counter() - started:.0f} s")
    if not arguments.quick:
        write_summary("peers", "python benchmarks/peers.py",
                      {"k values": K_VALUES, "spaces": SPACES, "bundled photos": names,
                       "repeats on the bundled photos": arguments.repeats,
                       "repeats on the 24 MP photo": 1, "threads": 1,
                       "fit settings": FIT, "faiss iterations": FAISS_ITERATIONS,
                       "tolerances of the iterations on every point compared": FULL_TOLS,
                       "notebook on the 24 MP photo up to k": NOTEBOOK_MAX_K_LARGE,
                       "grid cells per cluster, at least": MIN_CELLS_PER_CLUSTER,
                       "fine grid cells per cluster, at least": MIN_FINE_CELLS_PER_CLUSTER,
                       "targets": TARGETS},
                      [{key: row[key] for key in ("measure", "value", "unit")}
                       for row in results])  # fmt: skip


if __name__ == "__main__":
    main()
