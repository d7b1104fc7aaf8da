"""Shared constants, synthetic images, and the real workflow run in a temporary directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = [sys.executable, "-m", "snakemake"]
SCHEMA = yaml.safe_load((REPO / "workflow/schemas/config.schema.yaml").read_text())

# Columns of the metrics tables that measure time, not results: left out
# wherever two runs are compared.
TIMING_COLUMNS = ["fit_seconds"]

# Three flat colours, far apart: k >= 3 recovers them exactly in every space.
THREE = [(200, 30, 30), (20, 160, 60), (40, 40, 220)]


def flat_colour_image(colours, height=6, width_per_colour=4) -> np.ndarray:
    """An image made of vertical stripes of the given flat 8-bit colours."""
    stripes = [
        np.broadcast_to(np.array(colour, dtype=np.uint8), (height, width_per_colour, 3))
        for colour in colours
    ]
    return np.ascontiguousarray(np.concatenate(stripes, axis=1))


def noisy_photo(seed: int, height: int = 24, width: int = 32) -> np.ndarray:
    """A small image with smooth gradients plus noise: many distinct colours, some structure."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    base = np.stack([x / width, y / height, 0.5 + 0.5 * np.sin(x / 5 + seed)], axis=2) * 220
    return np.clip(base + rng.normal(0, 12, base.shape), 0, 255).astype(np.uint8)


def write_png(path: Path, pixels: np.ndarray) -> Path:
    from PIL import Image

    Image.fromarray(pixels).save(path)
    return path


def run_workflow(
    workdir: Path, config: dict, *args: str, check: bool = True, timeout: int = 600
) -> subprocess.CompletedProcess:
    """Run the repository's Snakefile on `config` with `workdir` as working directory."""
    configfile = workdir / "config.yaml"
    configfile.write_text(yaml.safe_dump(config))
    command = [
        *SNAKEMAKE,
        "--snakefile",
        str(REPO / "Snakefile"),
        "--directory",
        str(workdir),
        "--configfile",
        str(configfile),
        *args,
    ]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"snakemake failed ({result.returncode}):\n{result.stdout[-3000:]}\n"
            f"{result.stderr[-6000:]}"
        )
    return result
