"""Benchmark: the whole workflow's overhead and the peak memory of its jobs.

1. The default sweep, `snakemake --cores 2` in a fresh directory: wall time
   against the ideal, the sum of the pure clustering time (the fit_seconds
   column) divided by the 2 cores.
2. A 24-megapixel photo through the whole pipeline (k = 2 ... 256, RGB and
   Lab): wall time and the peak resident memory of the largest job.

Usage: python workflow/benchmarks/sweep.py [--out results/performance] [--skip-large]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import LARGE_NAME, write_large_image  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def run_snakemake(workdir: Path, config: dict, cores: int = 2) -> tuple[float, float]:
    """Run the workflow in `workdir` on `config`; wall seconds and the peak RSS (MB) of any job."""
    (workdir / "config.yaml").write_text(yaml.safe_dump(config))
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"),
               "--directory", str(workdir), "--configfile", str(workdir / "config.yaml"),
               "--cores", str(cores), "--quiet", "all"]  # fmt: skip
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    # ru_maxrss of terminated descendants is the largest single process's peak (KiB on Linux).
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return wall, peak


def fresh(directory: Path) -> Path:
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    return directory


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("results/performance"))
    parser.add_argument("--skip-large", action="store_true", help="only the default sweep")
    arguments = parser.parse_args()
    out = arguments.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    rows = []

    default = yaml.safe_load((REPO / "config/config.yaml").read_text())
    workdir = fresh(out / "sweep_default")
    wall, _ = run_snakemake(workdir, default)
    runs = pd.read_csv(workdir / "results/metrics.csv")
    ideal = runs["fit_seconds"].sum() / 2
    rows.append({"measure": "default sweep: wall time / s", "value": wall})
    rows.append({"measure": "default sweep: ideal (sum of fit_seconds / 2 cores) / s",
                 "value": ideal})  # fmt: skip
    rows.append({"measure": "default sweep: wall / ideal", "value": wall / ideal})
    jobs = pd.concat(
        pd.read_csv(path, sep="\t").assign(rule=path.parent.parent.name if path.parent.parent.name
                                           != "benchmarks" else path.parent.name)
        for path in (workdir / "results/benchmarks").rglob("*.tsv")
    )  # fmt: skip
    for rule, times in jobs.groupby("rule"):
        rows.append({"measure": f"default sweep: mean wall time of a {rule} job / s",
                     "value": times["s"].mean()})  # fmt: skip

    if not arguments.skip_large:
        image = write_large_image(out / "images" / f"{LARGE_NAME}.png")
        config = {
            "images": [{"name": LARGE_NAME, "source": str(image)}],
            "colour_spaces": ["RGB", "Lab"],
            "k_values": [2, 4, 8, 16, 32, 64, 256],
        }
        workdir = fresh(out / "sweep_large")
        wall, peak = run_snakemake(workdir, config)
        rows.append({"measure": "24 MP image, RGB + Lab, 7 k: wall time / s", "value": wall})
        rows.append({"measure": "24 MP image: peak RSS of the largest job / MB", "value": peak})

    table = pd.DataFrame(rows)
    table.to_csv(out / "sweep.csv", index=False)
    print(table.to_string(index=False))


if __name__ == "__main__":
    main()
