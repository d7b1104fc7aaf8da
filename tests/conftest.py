"""Shared constants, synthetic images, and the real workflow run in a temporary directory.

Tests that run `snakemake` are marked ``workflow`` (``pytest -m "not workflow"``
runs the unit tests alone). Tests that only read a finished sweep share one:
the session fixture ``sweep`` (config: IMAGES x SPACES x K_VALUES with every
method in METHODS, plus the report).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
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

# The shared sweep (fixture `sweep`): a noisy photo of 24 x 32 pixels and an
# image of the three flat colours above, in RGB, HSV (hue as an angle) and
# HSV-naive (hue as a number), at a k below and one above three, with every
# quantizer.
IMAGES = ["photo", "flags"]
PHOTO_SHAPE = (24, 32)
SPACES = ["RGB", "HSV", "HSV-naive"]
K_VALUES = [2, 4]
METHODS = ["kmeans", "median_cut", "octree", "random_codebook"]
BASELINES = METHODS[1:]


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


def sweep_config(images, spaces, k_values, **options) -> dict:
    """A config sweeping the images `<name>.png` (in the working directory)."""
    return {
        "images": [{"name": name, "source": f"{name}.png"} for name in images],
        "colour_spaces": list(spaces),
        "k_values": list(k_values),
        **options,
    }


def write_png(path: Path, pixels: np.ndarray) -> Path:
    """Write an 8-bit image as a PNG file."""
    from PIL import Image

    Image.fromarray(pixels).save(path)
    return path


def write_images(workdir: Path, images: dict[str, np.ndarray]) -> Path:
    """Write each image as `workdir/<name>.png`, as sweep_config expects."""
    for name, pixels in images.items():
        write_png(workdir / f"{name}.png", pixels)
    return workdir


# The test being set up or run (see snakemake_command).
_current_test: list[pytest.Item] = []


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _current_test[:] = [item]


def snakemake_command(workdir: Path, configfile: Path, *args: str) -> list[str]:
    """The command that runs the repository's Snakefile in `workdir` on `configfile`.

    Only for tests marked `workflow`, so that `pytest -m "not workflow"` stays quick.
    """
    if _current_test and _current_test[0].get_closest_marker("workflow") is None:
        raise RuntimeError(f"{_current_test[0].nodeid} runs snakemake: mark it `workflow`")
    return [
        *SNAKEMAKE,
        *("--snakefile", str(REPO / "Snakefile")),
        *("--directory", str(workdir)),
        *("--configfile", str(configfile)),
        *args,
    ]


def run_workflow(
    workdir: Path, config: dict, *args: str, check: bool = True, timeout: int = 600
) -> subprocess.CompletedProcess:
    """Run the repository's Snakefile on `config` with `workdir` as working directory."""
    configfile = workdir / "config.yaml"
    configfile.write_text(yaml.safe_dump(config))
    result = subprocess.run(
        snakemake_command(workdir, configfile, *args),
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


def run_default_config(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    """Snakemake on the repository's config/config.yaml (`--config` in `args` overrides keys).

    Its exit code is not checked: for runs that must stop before any job.
    """
    return subprocess.run(
        snakemake_command(workdir, REPO / "config/config.yaml", *args),
        capture_output=True,
        text=True,
        timeout=120,
    )


def finished_sweep(workdir: Path, config: dict, *, report: bool = False) -> Path:
    """Run `config` to the end in `workdir` on 2 cores, then build its report if asked."""
    run_workflow(workdir, config, "--cores", "2")
    if report:
        run_workflow(workdir, config, "--report", "results/default/report.html")
    return workdir


@pytest.fixture(scope="session")
def sweep(tmp_path_factory) -> Path:
    """The shared finished sweep (IMAGES x SPACES x K_VALUES, every method) and its report.

    For tests that only read outputs; a test that runs snakemake in it again
    must leave it as finished as it found it.
    """
    photo = noisy_photo(seed=0, height=PHOTO_SHAPE[0], width=PHOTO_SHAPE[1])
    images = {"photo": photo, "flags": flat_colour_image(THREE)}
    workdir = write_images(tmp_path_factory.mktemp("sweep"), images)
    config = sweep_config(IMAGES, SPACES, K_VALUES, methods=METHODS)
    return finished_sweep(workdir, config, report=True)


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 serving `folder`'s files; yields its URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,))
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def same_metrics(a: dict, b: dict) -> bool:
    """Whether two metrics rows hold the same keys and values, NaN equal to NaN.

    A judge is NaN on an image too small for its window (``vif_p`` under 33
    pixels), and NaN never equals NaN.
    """
    import math

    def same(x, y):
        both_nan = isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y)
        return both_nan or x == y

    return a.keys() == b.keys() and all(same(a[key], b[key]) for key in a)
