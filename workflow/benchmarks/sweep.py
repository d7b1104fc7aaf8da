"""Benchmark: the whole workflow's overhead and the peak memory of its jobs.

1. The default sweep, `snakemake --cores 2` in a fresh directory: wall time
   against the ideal, the sum of the pure clustering time (the fit_seconds
   column) divided by the 2 cores; and the same sweep with
   ``fit.seed_noise: false``, without the second fit of every run.
2. A 24-megapixel photo through the whole pipeline (k = 2 ... 256, RGB and
   Lab): wall time and the peak resident memory (VmHWM) of each rule's jobs;
   and its wall time without the seed noise.

Usage: python workflow/benchmarks/sweep.py [--out results/performance] [--skip-large]
"""

from __future__ import annotations

import argparse
import os
import re
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


def job_peaks(peaks: dict[str, float]) -> None:
    """Record the peak resident memory (VmHWM, MB) of every running job script, by rule."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
            script = re.search(r"\.snakemake/scripts/tmp[^.]+\.(\w+)\.py", command)
            if script is None:
                continue
            status = Path(f"/proc/{pid}/status").read_text()
            high_water = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024
        except (OSError, AttributeError):
            continue  # the process ended meanwhile
        peaks[script.group(1)] = max(peaks.get(script.group(1), 0.0), high_water)


def run_snakemake(workdir: Path, config: dict, cores: int = 2) -> tuple[float, dict[str, float]]:
    """Run the workflow in `workdir` on `config`; wall seconds and each rule's peak RSS (MB)."""
    (workdir / "config.yaml").write_text(yaml.safe_dump(config))
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"),
               "--directory", str(workdir), "--configfile", str(workdir / "config.yaml"),
               "--cores", str(cores), "--quiet", "all"]  # fmt: skip
    peaks: dict[str, float] = {}
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    while process.poll() is None:
        job_peaks(peaks)
        time.sleep(0.05)
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"snakemake failed in {workdir}")
    return wall, peaks


def fresh(directory: Path) -> Path:
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    return directory


def default_sweep(workdir: Path, config: dict, label: str) -> list[dict]:
    """Wall time against the ideal and where the jobs' time goes, for one sweep."""
    wall, _ = run_snakemake(fresh(workdir), config)
    runs = pd.read_csv(workdir / "results/metrics.csv")
    ideal = runs["fit_seconds"].sum() / 2
    rows = [
        {"measure": f"{label}: wall time / s", "value": wall},
        {"measure": f"{label}: ideal (sum of fit_seconds / 2 cores) / s", "value": ideal},
        {"measure": f"{label}: wall / ideal", "value": wall / ideal},
    ]
    jobs = pd.concat(
        pd.read_csv(path, sep="\t").assign(rule=path.parent.parent.name if path.parent.parent.name
                                           != "benchmarks" else path.parent.name)
        for path in (workdir / "results/benchmarks").rglob("*.tsv")
    )  # fmt: skip
    for rule, times in jobs.groupby("rule"):
        rows.append({"measure": f"{label}: mean wall time of a {rule} job / s",
                     "value": times["s"].mean()})  # fmt: skip
        rows.append({"measure": f"{label}: {rule} jobs, summed wall time / s",
                     "value": times["s"].sum()})  # fmt: skip
    # Where a quantize job's time goes besides clustering: process start,
    # imports, loading, the seed-noise fits, evaluating every run and writing
    # its files.
    quantize = jobs.loc[jobs["rule"] == "quantize", "s"].sum()
    rows.append({"measure": f"{label}: quantize jobs, time outside clustering / s",
                 "value": quantize - runs["fit_seconds"].sum()})  # fmt: skip
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("results/performance"))
    parser.add_argument("--skip-large", action="store_true", help="only the default sweep")
    arguments = parser.parse_args()
    out = arguments.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    rows = []

    default = yaml.safe_load((REPO / "config/config.yaml").read_text())
    rows += default_sweep(out / "sweep_default", default, "default sweep")
    without_noise = {**default, "fit": {**default["fit"], "seed_noise": False}}
    rows += default_sweep(out / "sweep_default_no_noise", without_noise,
                          "default sweep without seed noise")  # fmt: skip

    if not arguments.skip_large:
        image = write_large_image(out / "images" / f"{LARGE_NAME}.png")
        config = {
            "images": [{"name": LARGE_NAME, "source": str(image)}],
            "colour_spaces": ["RGB", "Lab"],
            "k_values": [2, 4, 8, 16, 32, 64, 256],
        }
        workdir = fresh(out / "sweep_large")
        wall, peaks = run_snakemake(workdir, config)
        rows.append({"measure": "24 MP image, RGB + Lab, 7 k: wall time / s", "value": wall})
        for rule, peak in sorted(peaks.items(), key=lambda item: -item[1]):
            rows.append({"measure": f"24 MP image: peak RSS of a {rule} job / MB", "value": peak})
        config["fit"] = {"seed_noise": False}
        wall, _ = run_snakemake(fresh(out / "sweep_large_no_noise"), config)
        rows.append({"measure": "24 MP image without seed noise: wall time / s", "value": wall})

    table = pd.DataFrame(rows)
    table.to_csv(out / "sweep.csv", index=False)
    print(table.to_string(index=False))


if __name__ == "__main__":
    main()
