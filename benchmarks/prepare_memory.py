"""Peak memory of a prepare_image job against the pixels its image declares.

The prepare_image rule asks for memory from the pixel count in the image's
header (colourquant.images.declared_pixels), not from the file's size: a
0.3 MB PNG can declare 100 megapixels. This measures what the job's work
(load_image, distinct_colours, save_distinct) really uses, each size in a
fresh process (its peak resident memory, VmHWM), for photo-like images
(coffee resized, plus noise: about a million distinct colours) and for
single-colour ones (a few hundred KB of PNG for 100 megapixels, the case of
issue #15), and prints the request the rule makes beside each:

    python benchmarks/prepare_memory.py

It writes docs/benchmarks/prepare_memory.json.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, bundled_image, write_summary  # noqa: E402

sys.path.insert(0, str(REPO / "src"))
from colourquant.images import declared_pixels  # noqa: E402

JOB = """
import sys
from colourquant.colours import distinct_colours
from colourquant.files import save_distinct
from colourquant.images import load_image
loaded = load_image(sys.argv[1], name="bench")
save_distinct(sys.argv[2], distinct_colours(loaded.rgb), source_mode=loaded.source_mode)
# The peak of this program alone: VmHWM starts afresh at exec, whereas
# getrusage's maxrss keeps the forking parent's size.
status = open("/proc/self/status").read()
print(int(status.split("VmHWM:")[1].split()[0]) / 1024)
"""


def rule_constants() -> tuple[float, float]:
    """prepare.smk's request at the first attempt: base MB and MB per megapixel."""
    text = (REPO / "workflow/rules/prepare.smk").read_text()
    return (
        float(text.split("PREPARE_BASE_MB = ")[1].split()[0]),
        float(text.split("PREPARE_MB_PER_MEGAPIXEL = ")[1].split()[0]),
    )


def rule_request_mb(pixels: int) -> float:
    """What prepare.smk asks for at the first attempt, for `pixels`."""
    base, per_megapixel = rule_constants()
    return base + per_megapixel * pixels / 1e6


def photo(height: int, width: int) -> np.ndarray:
    from skimage.transform import resize

    small = bundled_image("coffee")
    upscaled = resize(small, (height, width), order=1, preserve_range=True).astype(np.float32)
    upscaled += np.random.default_rng(0).normal(0, 3, upscaled.shape).astype(np.float32)
    return np.clip(np.rint(upscaled), 0, 255).astype(np.uint8)


def peak_mb(image: Path, scratch: Path) -> float:
    """Peak resident memory of one prepare job's work in a fresh Python, in MB."""
    environment = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    finished = subprocess.run(
        [sys.executable, "-c", JOB, str(image), str(scratch / "distinct.npz")],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(finished.stdout.split()[-1])


def main() -> None:
    cases = [
        ("photo", 1000, 1500),
        ("photo", 3000, 4000),
        ("photo", 4000, 6000),
        ("photo", 6000, 8000),
        ("one colour", 10_000, 10_000),
    ]
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        for kind, height, width in cases:
            path = scratch / "image.png"
            if kind == "photo":
                Image.fromarray(photo(height, width)).save(path, compress_level=1)
            else:
                Image.new("RGB", (width, height), (200, 120, 40)).save(path)
            pixels = declared_pixels(path)
            assert pixels == height * width
            peak = peak_mb(path, scratch)
            request = rule_request_mb(pixels)
            label = f"{kind}, {pixels / 1e6:g} MP ({path.stat().st_size / 2**20:.1f} MB file)"
            print(f"{label}: peak {peak:.0f} MB, rule requests {request:.0f} MB")
            results += [
                {"measure": f"{label}: peak memory", "value": peak, "unit": "MB"},
                {"measure": f"{label}: rule's request", "value": request, "unit": "MB"},
                {"measure": f"{label}: request / peak", "value": request / peak, "unit": "ratio"},
            ]
    write_summary(
        "prepare_memory",
        "python benchmarks/prepare_memory.py",
        {
            "job": "load_image + distinct_colours + save_distinct in a fresh python",
            "images": "coffee resized (bilinear) plus noise sigma 3; one colour",
            "rule request, MB": dict(zip(["base", "per megapixel"], rule_constants(), strict=True)),
        },
        results,
    )


if __name__ == "__main__":
    main()
