"""Shared pieces of the benchmarks: the test images and a timer."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import yaml

BUNDLED = ["astronaut", "coffee", "chelsea", "rocket"]
# The fit settings of the default config, which colourquant's modes run with.
REPO = Path(__file__).resolve().parents[1]
FIT = yaml.safe_load((REPO / "config/config.yaml").read_text())["fit"]
LARGE_NAME = "coffee24mp"


def bundled_image(name: str) -> np.ndarray:
    import skimage.data

    return getattr(skimage.data, name)()


def large_image(seed: int = 0) -> np.ndarray:
    """A 24-megapixel (6000 x 4000) photo: coffee upscaled 10x (bilinear) plus noise.

    Upscaling keeps a photo's colour structure; the noise (sigma 3 levels)
    gives it the ~1.6 million distinct colours a real camera image has.
    """
    from skimage.transform import resize

    upscaled = resize(bundled_image("coffee"), (4000, 6000), order=1, preserve_range=True)
    noise = np.random.default_rng(seed).normal(0.0, 3.0, upscaled.shape)
    return np.clip(np.rint(upscaled + noise), 0, 255).astype(np.uint8)


def write_large_image(path: Path) -> Path:
    from PIL import Image

    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(large_image()).save(path, compress_level=1)
    return path


def full_image_scores(points, counts, centres, space, colours):
    """Full-image inertia in the fit space and mse_rgb of the 8-bit result."""
    from colourquant.kmeans import inertia, nearest_centre
    from colourquant.spaces import to_srgb8

    labels = nearest_centre(points, centres)
    palette, _ = to_srgb8(centres, space)
    error = colours.astype(np.float64) - palette[labels]
    mse = float(counts @ np.einsum("ij,ij->i", error, error) / counts.sum())
    return inertia(points, counts, centres, labels), mse


@contextmanager
def timer(times: dict, key: str):
    started = time.perf_counter()
    yield
    times[key] = time.perf_counter() - started


# --- committed summaries ------------------------------------------------------
# Each benchmark writes its headline numbers, with units, the date and the
# machine, to docs/benchmarks/<name>.json. The docs quote numbers only from
# these files, and tests/test_docs.py checks that they do.

SUMMARIES = REPO / "docs" / "benchmarks"


def significant(value: float, digits: int = 5) -> float:
    """`value` rounded to `digits` significant digits (as a plain float)."""
    if value == 0 or not np.isfinite(value):
        return float(value)
    return round(float(value), digits - 1 - int(np.floor(np.log10(abs(value)))))


def machine() -> dict:
    """What the numbers were measured on: cores, memory, CPU and the main packages."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    cpu = next((line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())  # fmt: skip
    packages = {}
    for package in ("numpy", "scikit-learn", "scikit-image", "snakemake"):
        try:
            packages[package] = version(package)
        except PackageNotFoundError:
            packages[package] = None
    # The machine may be shared: its load when the numbers were written says how much.
    return {"cores": os.cpu_count(), "memory_gb": round(memory_kb / 1024**2), "cpu": cpu,
            "python": platform.python_version(), "packages": packages,
            "load_average_1_5_15_min": [round(load, 2) for load in os.getloadavg()]}  # fmt: skip


def write_summary(name: str, command: str, setup: dict, results: list[dict]) -> Path:
    """Write docs/benchmarks/<name>.json: the command, date, machine, the setup
    (what was measured) and the results, each {"measure", "value", "unit"}."""
    import datetime
    import json

    summary = {
        "benchmark": name,
        "command": command,
        "date": datetime.date.today().isoformat(),
        "machine": machine(),
        "setup": setup,
        "results": [{**row, "value": significant(row["value"])} for row in results],
    }
    SUMMARIES.mkdir(parents=True, exist_ok=True)
    path = SUMMARIES / f"{name}.json"
    path.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n")
    print(f"summary written to {path}")
    return path
