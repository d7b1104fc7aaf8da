"""Shared pieces of the benchmarks: the test images and a timer."""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import yaml

BUNDLED = ["astronaut", "coffee", "chelsea", "rocket"]
# The fit settings of the default config, which colourquant's modes run with.
FIT = yaml.safe_load((Path(__file__).resolve().parents[2] / "config/config.yaml").read_text())[
    "fit"
]
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


@contextmanager
def timer(times: dict, key: str):
    started = time.perf_counter()
    yield
    times[key] = time.perf_counter() - started
