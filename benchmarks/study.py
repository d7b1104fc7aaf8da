"""Time the study config end to end: `snakemake --cores N --configfile config/study.yaml`.

Runs the whole study (nine bundled images x eight spaces x fifteen k) from
scratch in a temporary directory, then its report, and records the wall time,
the CPU time of Snakemake and its jobs, the number of jobs and the report's
size in docs/benchmarks/study.json. The study's tables, findings, figures and
front page are kept in results/performance/study/ for reading.

    python benchmarks/study.py [--cores 2]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).parent))
from common import REPO, write_summary  # noqa: E402

CONFIG = REPO / "config/study.yaml"


def snakemake(workdir: Path, *args: str) -> None:
    command = [
        *(sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile")),
        *("--directory", str(workdir), "--configfile", str(CONFIG), "--quiet", *args),
    ]
    subprocess.run(command, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=2)
    cores = parser.parse_args().cores
    config = yaml.safe_load(CONFIG.read_text())
    with tempfile.TemporaryDirectory(prefix="study-") as directory:
        workdir = Path(directory)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        snakemake(workdir, "--cores", str(cores))
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        report = workdir / "results" / config["experiment"] / "report.html"
        snakemake(workdir, "--report", str(report.relative_to(workdir)))
        results = workdir / "results" / config["experiment"]
        runs = pd.read_csv(results / "metrics.csv")
        jobs = len(list((results / "logs").rglob("*.log")))
        kept = REPO / "results/performance/study"
        shutil.rmtree(kept, ignore_errors=True)
        for part in ("study", "figures/study", "summary", "report.html"):
            copy = shutil.copytree if (results / part).is_dir() else shutil.copy2
            (kept / part).parent.mkdir(parents=True, exist_ok=True)
            copy(results / part, kept / part)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        write_summary(
            "study",
            f"python benchmarks/study.py --cores {cores}",
            {
                "config": "config/study.yaml",
                "images": len(config["images"]),
                "colour_spaces": len(config["colour_spaces"]),
                "k_values": len(config["k_values"]),
                "cores": cores,
            },
            [
                {"measure": "study wall time", "value": wall / 60, "unit": "min"},
                {
                    "measure": "study CPU time of Snakemake and its jobs",
                    "value": cpu / 60,
                    "unit": "min",
                },  # fmt: skip
                {"measure": "runs", "value": len(runs), "unit": "runs"},
                {"measure": "jobs", "value": jobs, "unit": "jobs"},
                {"measure": "report size", "value": report.stat().st_size / 1e6, "unit": "MB"},
            ],
        )


if __name__ == "__main__":
    main()
