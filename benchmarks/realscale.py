"""Benchmark: exact mode at real scale, compiled loops against numpy's and the peers (issue #26).

Photos with the distinct-colour counts of real ones: the bundled photos at
768 x 512 with sensor-like noise (Gaussian, the smallest sigma of 3, 4, 5, 6
levels that reaches 150,000 distinct colours; checked to stay within
150,000-300,000), a 12-megapixel photo (chelsea at 4000 x 3000, noise sigma
3), the 24-megapixel photo of the other benchmarks, and the bundled photos
as they are. Per photo, space (RGB, Lab) and k (16, 32, 64, 128, 256), on one
thread, CPU seconds of one image's fit + nearest-colour assignment +
rebuild, the methods interleaved (their order rotates with k):

a) ``exact``: exact mode with the default fit settings (config/config.yaml),
   compiled loops, including its share of building the colour grids;
b) ``exact_numpy``: the same with ``kernel="numpy"``, the baseline (the fit
   of the main branch before the compiled loops);
c) ``imagequant``: libimagequant, no dithering, in its own space (its runs
   are compared with exact mode's in both spaces);
d) ``notebook``: ``KMeans(n_init="auto")`` on a 5 % pixel sample and
   ``predict`` on every pixel; on the 12 and 24 MP photos up to k = 32;
e) ``exact_3_restarts``: a), with 3 restarts instead of the default 10, at
   k >= 64 (a sweep's own choice, ``fit.n_init: 3``; not a target).

Quality: mse_rgb of RGB fits and mean CIEDE2000 of Lab fits against
libimagequant's; inertia against exact_numpy's (the same objective). The
study projection multiplies the median CPU seconds per run on the 0.4 MP
photos (RGB and Lab, interpolated in log k to config/study.yaml's k values)
by its 8 spaces, 3 replicates and 100 photos.

Writes results/performance/realscale.csv and, without --quick, the committed
summary docs/benchmarks/realscale.json. --quick: two photos (astronaut with
noise, coffee as bundled), k = 16, 64 and 256. --from-csv: the summary of
the runs in a realscale.csv, without running anything.

Usage: python benchmarks/realscale.py [--quick] [--out results/performance]
       [--from-csv results/performance/realscale.csv]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
# This checkout's package, not the one an editable install may point to.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from colourquant.colours import rebuild_image  # noqa: E402
from colourquant.kmeans import (  # noqa: E402
    colour_grids,
    fit_kmeans_exact,
    nearest_centre,
)
from colourquant.metrics import _mean_delta_e2000, mean_delta_e2000  # noqa: E402
from colourquant.spaces import from_srgb8, to_srgb8  # noqa: E402
from common import (  # noqa: E402
    BUNDLED,
    FIT,
    REPO,
    bundled_image,
    full_image_scores,
    large_image,
    write_summary,
)
from peers import Image as PeersImage  # noqa: E402
from peers import cpu_seconds  # noqa: E402

K_VALUES = [16, 32, 64, 128, 256]
QUICK_K_VALUES = [16, 64, 256]
SPACES = ["RGB", "Lab"]
SEED = 0
FRACTION = 0.05
METHODS = ["exact", "exact_numpy", "imagequant", "notebook", "exact_3_restarts"]
SIGMAS = [3.0, 4.0, 5.0, 6.0]
REALISTIC_RANGE = (150_000, 300_000)
# The notebook's fit of a 5 % sample of a 12 or 24 MP photo takes minutes at large k.
NOTEBOOK_MAX_K_LARGE = 32
STUDY = yaml.safe_load((REPO / "config/study.yaml").read_text())
STUDY_PHOTOS, STUDY_SPACES, STUDY_REPLICATES = 100, 8, 3
TARGETS = {  # issue #26
    "k >= 64: exact time / imagequant time (median), RGB and Lab fits": "<= 3",
    "k >= 64: exact mse_rgb (RGB fits), mean CIEDE2000 (Lab fits) <= imagequant's": ">= 95 %",
    "k <= 32: exact time / notebook time (median)": "<= 1.5",
    "k <= 32: exact inertia <= notebook inertia (share of runs)": ">= 95 %",
    "exact inertia / today's exact inertia (exact_numpy)": "median <= 1.001, worst <= 1.01",
    "24 MP photo at k = 256": "<= 5 s (stretch: <= 1 s)",
    "study projection, 100 photos": "<= 8 CPU hours, <= 1 h wall on 8 cores",
}


def noisy(rgb: np.ndarray, shape: tuple[int, int], sigma: float, seed: int = 0) -> np.ndarray:
    """`rgb` resized to `shape` (bilinear, anti-aliased) plus Gaussian sensor noise."""
    from skimage.transform import resize

    if rgb.ndim == 2:
        rgb = np.stack([rgb] * 3, axis=-1)
    resized = resize(rgb[..., :3], shape, order=1, preserve_range=True, anti_aliasing=True)
    noise = np.random.default_rng(seed).normal(0.0, sigma, resized.shape)
    return np.clip(np.rint(resized + noise), 0, 255).astype(np.uint8)


def realistic_photo(name: str) -> tuple[np.ndarray, float]:
    """Bundled photo `name` at 768 x 512 with the least noise that gives it a real
    photo's distinct colours; fails if none of SIGMAS lands in REALISTIC_RANGE."""
    for sigma in SIGMAS:
        rgb = noisy(bundled_image(name), (512, 768), sigma)
        count = len(np.unique(rgb.reshape(-1, 3), axis=0))
        if count >= REALISTIC_RANGE[0]:
            if count > REALISTIC_RANGE[1]:
                break
            return rgb, sigma
    raise RuntimeError(f"{name}: no noise level in {SIGMAS} gives {REALISTIC_RANGE} colours")


class Photo(PeersImage):
    """One photo, prepared once (distinct colours, each space's points and the seed
    sample), with peers.py's runners of the notebook's way and libimagequant."""

    def __init__(self, name: str, group: str, rgb: np.ndarray, sigma: float | None = None):
        super().__init__(name, rgb)
        self.group, self.sigma = group, sigma

    @property
    def large(self) -> bool:
        return self.distinct.n_pixels > 10_000_000

    def exact(self, space, k, n_k, kernel, n_init=FIT["n_init"]):
        distinct, points = self.distinct, self.points[space]

        def run():
            # The grids are built once per image and space for every k: a share each.
            started = time.process_time()
            grid, fine_grid = colour_grids(points, distinct.counts, FIT["grid_cells"])
            grid_seconds = time.process_time() - started
            fit = fit_kmeans_exact(grid, k, fine_grid=fine_grid, init_weights=self.seeds,
                                   n_init=n_init, max_iter=FIT["max_iter"], tol=FIT["tol"],
                                   seed=SEED, kernel=kernel)  # fmt: skip
            labels = nearest_centre(points, fit.centres)
            palette, _ = to_srgb8(fit.centres, space)
            rebuild_image(palette[labels], distinct.index, distinct.shape)
            return fit, grid_seconds * (1 - 1 / n_k)

        seconds, (fit, not_charged) = cpu_seconds(run)
        return seconds - not_charged, fit.centres, {"n_iter": fit.n_iter}


def score(photo: Photo, space: str, centres: np.ndarray) -> dict:
    """Full-image inertia in the fit space, mse_rgb and mean CIEDE2000 of the 8-bit result."""
    distinct = photo.distinct
    points = photo.points[space]
    fit_inertia, mse = full_image_scores(points, distinct.counts, centres, space,
                                         distinct.colours)  # fmt: skip
    palette, _ = to_srgb8(centres, space)
    labels = nearest_centre(points, centres)
    delta_e = _mean_delta_e2000(distinct.colours, palette[labels], distinct.counts)
    return {"inertia": fit_inertia, "mse_rgb": mse, "delta_e2000": delta_e}


def run_photo(photo: Photo, k_values, rows: list) -> None:
    distinct = photo.distinct
    base = {"image": photo.name, "group": photo.group, "n_pixels": distinct.n_pixels,
            "n_unique": distinct.n_unique, "sigma": photo.sigma}  # fmt: skip
    for index, k in enumerate(k_values):
        order = METHODS[index % len(METHODS) :] + METHODS[: index % len(METHODS)]
        for method in order:
            if method == "notebook" and photo.large and k > NOTEBOOK_MAX_K_LARGE:
                continue
            if method == "exact_3_restarts" and k < 64:
                continue
            if method == "imagequant":
                seconds, quantized = photo.imagequant(k)
                palette = np.unique(quantized.reshape(-1, 3), axis=0)
                error = quantized.reshape(-1, 3).astype(np.float64) - photo.rgb.reshape(-1, 3)
                quality = {"mse_rgb": float(np.einsum("ij,ij->", error, error) / len(error)),
                           "delta_e2000": mean_delta_e2000(photo.rgb, quantized)}  # fmt: skip
                for space in SPACES:
                    centres = from_srgb8(palette, space)
                    fit_inertia = score(photo, space, centres)["inertia"]
                    rows.append({**base, "space": space, "k": k, "method": method,
                                 "seconds": seconds, **quality,
                                 "inertia": fit_inertia})  # fmt: skip
                continue
            for space in SPACES:
                if method == "notebook":
                    seconds, centres, extra = photo.notebook(space, k)
                elif method == "exact_3_restarts":
                    seconds, centres, extra = photo.exact(space, k, len(k_values), "compiled", 3)
                else:
                    kernel = "numpy" if method == "exact_numpy" else "compiled"
                    seconds, centres, extra = photo.exact(space, k, len(k_values), kernel)
                rows.append({**base, "space": space, "k": k, "method": method,
                             "seconds": seconds, **score(photo, space, centres),
                             **extra})  # fmt: skip
        print(f"{photo.name} k={k} done", flush=True)


def targets(runs: pd.DataFrame) -> list[dict]:
    """The issue's targets, measured per photo group: {"measure", "value", "unit", "target"}."""
    results = []

    def add(measure, value, unit="", target=""):
        results.append({"measure": measure, "value": float(value), "unit": unit,
                        "target": target})  # fmt: skip

    wide = runs.pivot_table(index=["group", "image", "space", "k"], columns="method",
                            values=["seconds", "inertia", "mse_rgb", "delta_e2000",
                                    "n_iter"])  # fmt: skip
    seconds, fit_inertia = wide["seconds"], wide["inertia"]
    group = wide.index.get_level_values("group")
    space = wide.index.get_level_values("space")
    k = wide.index.get_level_values("k")
    # RGB fits are judged by mse_rgb, Lab fits by mean CIEDE2000.
    quality_exact = np.where(space == "RGB", wide["mse_rgb"]["exact"], wide["delta_e2000"]["exact"])
    quality_liq = np.where(space == "RGB", wide["mse_rgb"]["imagequant"],
                           wide["delta_e2000"]["imagequant"])  # fmt: skip
    groups = list(dict.fromkeys(runs["group"]))
    for where in groups:
        part = group == where
        for fits in SPACES:
            big = part & (k >= 64) & (space == fits)
            if big.any():
                add(f"{where}, k >= 64, {fits} fits: exact time / imagequant time (median)",
                    (seconds["exact"] / seconds["imagequant"])[big].median(), "",
                    "<= 3")  # fmt: skip
                add(f"{where}, k >= 64, {fits} fits: exact_numpy time / imagequant time (median)",
                    (seconds["exact_numpy"] / seconds["imagequant"])[big].median())  # fmt: skip
                measure = "mse_rgb" if fits == "RGB" else "mean CIEDE2000"
                add(f"{where}, k >= 64, {fits} fits: exact {measure} <= imagequant's "
                    "(share of runs)", 100 * (quality_exact <= quality_liq)[big].mean(), "%",
                    ">= 95 %")  # fmt: skip
        small = part & (k <= 32)
        if small.any() and "notebook" in seconds:
            add(f"{where}, k <= 32: exact time / notebook time (median)",
                (seconds["exact"] / seconds["notebook"])[small].median(), "", "<= 1.5")  # fmt: skip
            add(f"{where}, k <= 32: exact inertia <= notebook inertia (share of runs)",
                100 * (fit_inertia["exact"] <= fit_inertia["notebook"] * (1 + 1e-9))[small].mean(),
                "%", ">= 95 %")  # fmt: skip
        ratio = (fit_inertia["exact"] / fit_inertia["exact_numpy"])[part]
        add(f"{where}: exact inertia / exact_numpy inertia (median)", ratio.median(), "",
            "<= 1.001")  # fmt: skip
        add(f"{where}: exact inertia / exact_numpy inertia (worst)", ratio.max(), "", "<= 1.01")
        speed = (seconds["exact_numpy"] / seconds["exact"])[part]
        add(f"{where}: exact_numpy time / exact time (median)", speed.median(), "")
        if "exact_3_restarts" in seconds:
            big = part & (k >= 64)
            add(f"{where}, k >= 64: exact_3_restarts time / exact time (median)",
                (seconds["exact_3_restarts"] / seconds["exact"])[big].median())  # fmt: skip
            fewer = (fit_inertia["exact_3_restarts"] / fit_inertia["exact"])[big]
            add(f"{where}, k >= 64: exact_3_restarts inertia / exact inertia (median)",
                fewer.median())  # fmt: skip
            add(f"{where}, k >= 64: exact_3_restarts inertia / exact inertia (worst)",
                fewer.max())  # fmt: skip
        for value in sorted(set(k[part])):
            at = part & (k == value)
            for method in METHODS:
                if method in seconds and seconds[method][at].notna().any():
                    add(f"{where}, k = {value}: {method} time (median)",
                        seconds[method][at].median(), "s")  # fmt: skip
    every = np.ones(len(wide), bool)
    ratio = fit_inertia["exact"] / fit_inertia["exact_numpy"]
    add("all photos: exact inertia / exact_numpy inertia (median)", ratio[every].median(), "",
        "<= 1.001")  # fmt: skip
    add("all photos: exact inertia / exact_numpy inertia (worst)", ratio[every].max(), "",
        "<= 1.01")  # fmt: skip
    add("all photos: exact centres identical to exact_numpy's (share of runs)",
        100 * (ratio == 1).mean(), "%")  # fmt: skip
    large = (group == "24 MP") & (k == 256)
    if large.any():
        add("24 MP, k = 256: exact time (RGB and Lab fits, slower)", seconds["exact"][large].max(),
            "s", "<= 5 (stretch <= 1)")  # fmt: skip
    realistic = runs[(runs["group"] == "0.4 MP, noisy") & (runs["method"] == "exact")]
    if len(realistic):
        per_k = realistic.groupby("k")["seconds"].median()
        study_k = np.array(STUDY["k_values"], dtype=float)
        per_run = np.interp(np.log(study_k), np.log(per_k.index.to_numpy(float)),
                            per_k.to_numpy())  # fmt: skip
        hours = per_run.sum() * STUDY_SPACES * STUDY_REPLICATES * STUDY_PHOTOS / 3600
        add("study projection: config/study.yaml's k-means fits on 100 such photos (CPU hours)",
            hours, "h", "<= 8")  # fmt: skip
        add("study projection: wall hours on an 8-core workstation", hours / 8, "h", "<= 1")
    for image, size in runs.groupby("image")[["n_pixels", "n_unique", "sigma"]].first().iterrows():
        add(f"{image}: megapixels", size["n_pixels"] / 1e6, "megapixels")
        add(f"{image}: distinct colours", size["n_unique"])
        if np.isfinite(size["sigma"]):
            add(f"{image}: noise sigma", size["sigma"])
    return results


def import_seconds() -> float:
    """CPU seconds a fresh process takes to load the compiled loops, numpy already loaded."""
    import subprocess

    code = f"""
import sys, time
sys.path.insert(0, {str(REPO / "src")!r})
import numpy
started = time.process_time()
import colourquant.kmeans._lloyd_kernel
print(time.process_time() - started)
"""
    child = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(child.stdout.split()[-1])


def photos(quick: bool):
    names = ["astronaut"] if quick else BUNDLED
    for name in names:
        rgb, sigma = realistic_photo(name)
        yield Photo(f"{name}_768x512", "0.4 MP, noisy", rgb, sigma)
    for name in ["coffee"] if quick else BUNDLED:
        yield Photo(name, "bundled", bundled_image(name))
    if not quick:
        yield Photo("chelsea12mp", "12 MP", noisy(bundled_image("chelsea"), (3000, 4000), 3.0), 3)
        yield Photo("coffee24mp", "24 MP", large_image(), 3)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path, default=REPO / "results" / "performance")
    parser.add_argument("--from-csv", type=Path)
    args = parser.parse_args(argv)
    k_values = QUICK_K_VALUES if args.quick else K_VALUES
    if args.from_csv:
        runs = pd.read_csv(args.from_csv)
    else:
        rows: list[dict] = []
        with threadpool_limits(limits=1):
            for photo in photos(args.quick):
                print(f"{photo.name}: {photo.distinct.n_unique} distinct colours", flush=True)
                run_photo(photo, k_values, rows)
                args.out.mkdir(parents=True, exist_ok=True)
                pd.DataFrame(rows).to_csv(args.out / "realscale.csv", index=False)
        runs = pd.DataFrame(rows)
    results = targets(runs)
    results.append({"measure": "loading the compiled loops in a fresh process (CPU seconds)",
                    "value": import_seconds(), "unit": "s"})  # fmt: skip
    for row in results:
        print(f"{row['measure']}: {row['value']:.4g} {row['unit']} {row.get('target', '')}")
    if not args.quick:
        setup = {"k values": k_values, "spaces": SPACES, "methods": METHODS, "threads": 1,
                 "timing": "CPU seconds (time.process_time) of fit + assign + rebuild, one run "
                           "each, methods interleaved", "fit settings": FIT,
                 "noisy photos": {"size": [768, 512], "noise sigmas tried": SIGMAS,
                                  "distinct colours": list(REALISTIC_RANGE)},
                 "12 MP photo": "chelsea at 4000 x 3000, noise sigma 3",
                 "24 MP photo": "coffee at 6000 x 4000, noise sigma 3",
                 "notebook on the 12 and 24 MP photos up to k": NOTEBOOK_MAX_K_LARGE,
                 "exact_3_restarts from k": 64,
                 "study projection": {"photos": STUDY_PHOTOS, "spaces": STUDY_SPACES,
                                      "replicates": STUDY_REPLICATES,
                                      "k values": STUDY["k_values"]},
                 "targets": TARGETS}  # fmt: skip
        write_summary("realscale", "python benchmarks/realscale.py", setup,
                      [{key: row[key] for key in ("measure", "value", "unit")}
                       for row in results])  # fmt: skip


if __name__ == "__main__":
    main()
