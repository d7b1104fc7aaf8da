"""Benchmark: Floyd–Steinberg dithering in a colour space against Pillow's and libimagequant's.

Per bundled photo and k (4, 16, 64), the palette is exact k-means in RGB
(:func:`colourquant.quantize`, default fit settings, no replicate) written as
8-bit sRGB; then, timed on one thread (median of ``--repeats``):

a) ``none``: each pixel to its nearest palette colour (the run's own image);
b) ``ours_RGB``: :func:`colourquant.dither.floyd_steinberg` in RGB
   coordinates, the palette as written;
c) ``ours_Lab``: the same in CIELab, image and palette converted;
d) ``pillow``: Pillow's Floyd–Steinberg with the same palette
   (``Image.quantize(palette=..., dither=FLOYDSTEINBERG)``);
e) ``libimagequant``: libimagequant's own dithering (``dithering_level=1.0``)
   with **its own palette** of k colours (it cannot take one), so its time
   includes building that palette.

Each image is scored against the original with the metrics colourquant
computes on an image: ``mse_rgb``, mean ΔE00, SSIM, and ``delta_e2000_blur``,
the mean ΔE00 after a Gaussian blur (sigma 1.5 pixels) of both images, a
rough stand-in for viewing from a distance, where dithering is meant to help
(the full S-CIELAB model filters opponent channels separately).

Writes results/performance/dither.csv, a figure of one crop at k = 16
(docs/images/dither-crop.png) and the committed summary
docs/benchmarks/dither.json.

Usage: python benchmarks/dither.py [--repeats 3] [--out results/performance]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
# This checkout's package, not the one an editable install may point to.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
import colourquant  # noqa: E402
from colourquant.dither import floyd_steinberg  # noqa: E402
from colourquant.metrics import mean_delta_e2000, structural_similarity  # noqa: E402
from colourquant.spaces import from_srgb8  # noqa: E402
from common import BUNDLED, REPO, bundled_image, write_summary  # noqa: E402

K_VALUES = [4, 16, 64]
VARIANTS = ["none", "ours_RGB", "ours_Lab", "pillow", "libimagequant"]
BLUR_SIGMA = 1.5
FIGURE = REPO / "docs" / "images" / "dither-crop.png"
# The crop of the figure: chelsea's face, k = 16.
CROP_IMAGE, CROP_K, CROP = "chelsea", 16, (slice(75, 165), slice(125, 245))


def in_space(pixels: np.ndarray, space: str) -> np.ndarray:
    """An (h, w, 3) 8-bit image as coordinates of `space`."""
    return from_srgb8(pixels.reshape(-1, 3), space).reshape(pixels.shape)


def pillow_dither(pixels: np.ndarray, palette: np.ndarray) -> np.ndarray:
    from PIL import Image

    holder = Image.new("P", (1, 1))
    holder.putpalette(palette.ravel().tolist())
    dithered = Image.fromarray(pixels).quantize(palette=holder, dither=Image.Dither.FLOYDSTEINBERG)
    return palette[np.asarray(dithered)]


def libimagequant_dither(pixels: np.ndarray, k: int) -> np.ndarray:
    import imagequant

    height, width, _ = pixels.shape
    rgba = np.dstack([pixels, np.full((height, width), 255, np.uint8)])
    indices, palette = imagequant.quantize_raw_rgba_bytes(
        rgba.tobytes(), width, height, dithering_level=1.0, max_colors=k
    )
    palette = np.asarray(palette, dtype=np.uint8).reshape(-1, 4)[:, :3]
    return palette[np.frombuffer(indices, np.uint8)].reshape(pixels.shape)


def variants(pixels: np.ndarray, palette: np.ndarray, labels: np.ndarray, k: int) -> dict:
    """Each variant as a function returning the dithered 8-bit image."""
    return {
        "none": lambda: palette[labels],
        "ours_RGB": lambda: palette[
            floyd_steinberg(in_space(pixels, "RGB"), from_srgb8(palette, "RGB"))
        ],
        "ours_Lab": lambda: palette[
            floyd_steinberg(in_space(pixels, "Lab"), from_srgb8(palette, "Lab"))
        ],
        "pillow": lambda: pillow_dither(pixels, palette),
        "libimagequant": lambda: libimagequant_dither(pixels, k),
    }


def blurred(pixels: np.ndarray) -> np.ndarray:
    from skimage.filters import gaussian

    smooth = gaussian(pixels.astype(np.float64), sigma=BLUR_SIGMA, channel_axis=2,
                      preserve_range=True)  # fmt: skip
    return np.clip(np.rint(smooth), 0, 255).astype(np.uint8)


def scores(original: np.ndarray, image: np.ndarray) -> dict:
    error = image.astype(np.float64) - original
    return {
        "mse_rgb": float(np.einsum("ijc,ijc->", error, error) / error[..., 0].size),
        "delta_e2000_mean": mean_delta_e2000(original, image),
        "delta_e2000_blur": mean_delta_e2000(blurred(original), blurred(image)),
        "ssim": structural_similarity(original, image),
    }


def per_pixel_floyd_steinberg(image: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """The textbook loop, one pixel at a time (as tests/test_dither.py's reference)."""
    from colourquant.dither import value_bounds

    low, high = value_bounds(image, palette)
    height, width, _ = image.shape
    error = np.zeros((height + 1, width + 2, 3))
    labels = np.zeros((height, width), dtype=np.int64)
    for y in range(height):
        for x in range(width):
            value = np.clip(image[y, x] + error[y, x + 1], low, high)
            labels[y, x] = np.argmin(((value - palette) ** 2).sum(axis=1))
            residual = value - palette[labels[y, x]]
            error[y, x + 2] += residual * (7 / 16)
            error[y + 1, x : x + 3] += residual * np.array([[3 / 16], [5 / 16], [1 / 16]])
    return labels


def loop_speed(rows: list) -> list[dict]:
    """Seconds per megapixel of the per-pixel loop and of the wavefronts on a
    128 x 128 crop of astronaut, k = 16 (RGB)."""
    pixels = bundled_image("astronaut")[200:328, 200:328]
    palette = from_srgb8(colourquant.quantize(pixels, 16, "RGB", replicates=0).palette, "RGB")
    image = in_space(pixels, "RGB")
    results = []
    for name, function in (("per-pixel loop", per_pixel_floyd_steinberg),
                           ("wavefronts", floyd_steinberg)):  # fmt: skip
        seconds, labels = timed(lambda function=function: function(image, palette), 1)
        results.append({"measure": f"Floyd–Steinberg, {name}, 128 x 128 crop, k = 16",
                        "value": seconds / (128 * 128 / 1e6), "unit": "s/MP"})  # fmt: skip
        rows.append(labels)
    assert np.array_equal(rows[0], rows[1]), "the loop and the wavefronts disagree"
    return results


def timed(function, repeats: int):
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        value = function()
        seconds.append(time.perf_counter() - started)
    return float(np.median(seconds)), value


def run(repeats: int, out: Path) -> pd.DataFrame:
    rows = []
    for name in BUNDLED:
        pixels = bundled_image(name)
        for k in K_VALUES:
            fit = colourquant.quantize(pixels, k, "RGB", replicates=0, name=name)
            for variant, function in variants(pixels, fit.palette, fit.labels, k).items():
                seconds, image = timed(function, repeats)
                rows.append({"image": name, "k": k, "variant": variant, "seconds": seconds,
                             "megapixels": pixels.shape[0] * pixels.shape[1] / 1e6,
                             **scores(pixels, image)})  # fmt: skip
                if name == CROP_IMAGE and k == CROP_K:
                    np.save(out / f"dither-{variant}.npy", image[CROP])
                print(rows[-1], flush=True)
            pd.DataFrame(rows).to_csv(out / "dither.csv", index=False)
    return pd.DataFrame(rows)


def figure(out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = ["original", "none", "libimagequant", "ours_RGB", "ours_Lab", "pillow"]
    titles = {"original": "original", "none": f"k = {CROP_K}, no dithering",
              "ours_RGB": "Floyd–Steinberg, colourquant in RGB",
              "ours_Lab": "Floyd–Steinberg, colourquant in Lab",
              "pillow": "Floyd–Steinberg, Pillow",
              "libimagequant": "libimagequant (own palette)"}  # fmt: skip
    original = bundled_image(CROP_IMAGE)[CROP]
    fig, axes = plt.subplots(2, 3, figsize=(10.5, 6.2))
    for axis, variant in zip(axes.ravel(), shown, strict=True):
        image = original if variant == "original" else np.load(out / f"dither-{variant}.npy")
        axis.imshow(image, interpolation="nearest")
        axis.set_title(titles[variant], fontsize=9)
        axis.axis("off")
    fig.tight_layout()
    FIGURE.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(FIGURE, dpi=90)
    print(f"figure written to {FIGURE}")


def headline(runs: pd.DataFrame) -> list[dict]:
    """Mean over the photos of each variant's scores and time, per k."""
    results = []
    units = {"delta_e2000_mean": "ΔE00", "delta_e2000_blur": "ΔE00", "mse_rgb": "(0-255)²",
             "ssim": "", "seconds": "s"}  # fmt: skip
    means = runs.groupby(["k", "variant"], sort=False)[list(units)].mean()
    for (k, variant), row in means.iterrows():
        for measure, unit in units.items():
            results.append({"measure": f"k = {k}, {variant}: {measure}, mean over the photos",
                            "value": float(row[measure]), "unit": unit})  # fmt: skip
    speed = runs.groupby("variant")[["seconds", "megapixels"]].sum()
    for variant, row in speed.iterrows():
        results.append({"measure": f"{variant}: megapixels per second, all runs",
                        "value": float(row["megapixels"] / row["seconds"]),
                        "unit": "MP/s"})  # fmt: skip
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO / "results" / "performance")
    arguments = parser.parse_args()
    arguments.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with threadpool_limits(limits=1):
        runs = run(arguments.repeats, arguments.out)
    figure(arguments.out)
    results = headline(runs) + loop_speed([])
    print(pd.DataFrame(results).to_string(index=False))
    print(f"benchmark took {time.perf_counter() - started:.0f} s")
    write_summary("dither", "python benchmarks/dither.py",
                  {"photos": BUNDLED, "k values": K_VALUES, "palette": "exact k-means in RGB "
                   "(colourquant.quantize, default fit, replicates=0), as 8-bit sRGB",
                   "variants": VARIANTS, "libimagequant": "its own palette of k colours, "
                   "dithering_level 1.0; its time includes building the palette",
                   "ours": "colourquant.dither.floyd_steinberg, raster order, clipped to the "
                   "box of image and palette", "repeats (median)": arguments.repeats,
                   "threads": 1, "blur sigma (pixels)": BLUR_SIGMA},
                  results)  # fmt: skip


if __name__ == "__main__":
    main()
