"""What the .test/ smoke sweep computes, in a form that survives encoder upgrades.

Per-run PNGs are digested by their decoded pixels and palette (not their
compressed bytes, which a Pillow or zlib upgrade may change); CSV tables are
kept whole, without timing columns, and compared to 1e-9 relative.

Run ``python tests/smoke_digest.py .test/results`` to rewrite
``tests/data/smoke_digest.json`` -- only when a change of results is intended,
and say so in the commit message.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image

from conftest import TIMING_COLUMNS

DIGEST = Path(__file__).parent / "data" / "smoke_digest.json"
# Outputs whose values are the science: per-run files, curves, differences,
# correlations and the summaries (figures are drawn from these).
COVERED = (
    "runs/",
    "baselines/",
    "curves/",
    "differences/",
    "exploration/",
    "summary/",
    "metrics.csv",
)


def _png_digest(path: Path) -> str:
    with Image.open(path) as image:
        pixels = np.asarray(image)
        palette = image.getpalette() or []
        mode = image.mode
    digest = hashlib.sha256(f"{mode}{pixels.shape}{pixels.dtype}".encode())
    digest.update(np.ascontiguousarray(pixels).tobytes())
    digest.update(bytes(palette))
    return digest.hexdigest()


def _table(path: Path) -> dict:
    table = pd.read_csv(path).drop(columns=TIMING_COLUMNS, errors="ignore")
    return {
        "columns": list(table.columns),
        "rows": json.loads(table.to_json(orient="values", double_precision=15)),
    }


def digest(results: Path) -> dict:
    """Every covered output under `results`, by path relative to it."""
    files = {}
    for path in sorted(results.rglob("*")):
        relative = path.relative_to(results).as_posix()
        if not path.is_file() or not relative.startswith(COVERED):
            continue
        if path.suffix == ".png":
            files[relative] = {"png": _png_digest(path)}
        elif path.suffix == ".csv":
            files[relative] = {"csv": _table(path)}
    return files


def _same_value(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def differences(expected: dict, actual: dict) -> list[str]:
    """Human-readable differences between two digests (empty when they agree)."""
    problems = [f"missing: {path}" for path in expected.keys() - actual.keys()]
    problems += [f"unexpected: {path}" for path in actual.keys() - expected.keys()]
    for path in sorted(expected.keys() & actual.keys()):
        want, got = expected[path], actual[path]
        if "png" in want:
            if want != got:
                problems.append(f"pixels differ: {path}")
            continue
        want, got = want["csv"], got.get("csv", {})
        if want["columns"] != got.get("columns"):
            problems.append(f"columns differ: {path}: {want['columns']} != {got.get('columns')}")
            continue
        if len(want["rows"]) != len(got["rows"]):
            problems.append(f"row count differs: {path}")
            continue
        for i, (row_a, row_b) in enumerate(zip(want["rows"], got["rows"], strict=True)):
            bad = [
                f"{column}: {a!r} != {b!r}"
                for column, a, b in zip(want["columns"], row_a, row_b, strict=True)
                if not _same_value(a, b)
            ]
            if bad:
                problems.append(f"values differ: {path} row {i}: {'; '.join(bad)}")
    return problems


if __name__ == "__main__":
    results = Path(sys.argv[1] if len(sys.argv) > 1 else ".test/results")
    DIGEST.write_text(json.dumps(digest(results), indent=0, sort_keys=True) + "\n")
    print(f"wrote {DIGEST} ({len(digest(results))} files)")
