"""Benchmark: the whole workflow's overhead and the peak memory of its jobs.

1. The default sweep, `snakemake --cores 2` in a fresh directory: wall time
   against the ideal, the sum of the pure clustering time (the fit_seconds
   column) divided by the 2 cores; and the same sweep with
   ``fit.replicates: 0``, without the second fit of every run.
2. A 24-megapixel photo through the whole pipeline (k = 2 ... 256, RGB and
   Lab): wall time and the peak resident memory (VmHWM) of each rule's jobs;
   and its wall time without the seed noise.
3. Snakemake's start: ``snakemake -n`` on the finished default sweep, and, where
   the Slurm executor plugin and ``scontrol`` are installed, the same with no
   Slurm controller answering (SLURM_CONF pointing at a port nothing listens on).

Writes results/performance/sweep.csv and, without --skip-large, the committed
summary docs/benchmarks/sweep.json that the docs quote.

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
from common import LARGE_NAME, REPO, write_large_image, write_summary  # noqa: E402


def job_peaks(peaks: dict[str, float], workdir: Path) -> None:
    """Record the peak resident memory (VmHWM, MB) of every job script running in
    `workdir`, by rule (other workflows on a shared machine are not counted)."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
            script = re.search(r"\.snakemake/scripts/tmp[^.]+\.(\w+)\.py", command)
            if script is None:
                continue
            if str(workdir) not in command and Path(f"/proc/{pid}/cwd").resolve() != workdir:
                continue
            status = Path(f"/proc/{pid}/status").read_text()
            high_water = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024
        except (OSError, AttributeError):
            continue  # the process ended meanwhile
        peaks[script.group(1)] = max(peaks.get(script.group(1), 0.0), high_water)


def run_snakemake(
    workdir: Path, config: dict, cores: int = 2
) -> tuple[float, float, dict[str, float]]:
    """Run the workflow in `workdir` on `config`: wall seconds, CPU seconds of
    Snakemake and every job, and each rule's peak RSS (MB)."""
    (workdir / "config.yaml").write_text(yaml.safe_dump(config))
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"),
               "--directory", str(workdir), "--configfile", str(workdir / "config.yaml"),
               "--cores", str(cores), "--quiet", "all"]  # fmt: skip
    peaks: dict[str, float] = {}
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    # wait4 reports the CPU time of Snakemake and of the jobs it waited for: on a
    # shared machine it depends far less on the other load than the wall time.
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        job_peaks(peaks, workdir.resolve())
        time.sleep(0.05)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"snakemake failed in {workdir}")
    return wall, usage.ru_utime + usage.ru_stime, peaks


def fresh(directory: Path) -> Path:
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    return directory


def default_sweep(workdir: Path, config: dict, label: str) -> list[dict]:
    """Wall time against the ideal and where the jobs' time goes, for one sweep."""
    wall, cpu, _ = run_snakemake(fresh(workdir), config)
    results = workdir / "results" / config.get("experiment", "default")
    runs = pd.read_csv(results / "metrics.csv")
    ideal = runs["fit_seconds"].sum() / 2
    rows = [
        {"measure": f"{label}: runs", "value": len(runs), "unit": ""},
        {"measure": f"{label}: wall time", "value": wall, "unit": "s"},
        {"measure": f"{label}: CPU time of Snakemake and every job", "value": cpu, "unit": "s"},
        {"measure": f"{label}: ideal (sum of fit_seconds / 2 cores)", "value": ideal, "unit": "s"},
        {"measure": f"{label}: wall / ideal", "value": wall / ideal, "unit": ""},
        {
            "measure": f"{label}: median fit_seconds of a run",
            "value": runs["fit_seconds"].median(),
            "unit": "s",
        },
    ]
    jobs = pd.concat(
        pd.read_csv(path, sep="\t").assign(rule=path.parent.parent.name if path.parent.parent.name
                                           != "benchmarks" else path.parent.name)
        for path in (results / "benchmarks").rglob("*.tsv")
    )  # fmt: skip
    for rule, times in jobs.groupby("rule"):
        rows.append({"measure": f"{label}: {rule} jobs", "value": len(times), "unit": ""})
        rows.append({"measure": f"{label}: mean wall time of a {rule} job",
                     "value": times["s"].mean(), "unit": "s"})  # fmt: skip
        rows.append({"measure": f"{label}: {rule} jobs, summed wall time",
                     "value": times["s"].sum(), "unit": "s"})  # fmt: skip
    # Where a quantize job's time goes besides clustering: process start,
    # imports, loading, the seed-noise fits, evaluating every run and writing
    # its files.
    quantize = jobs.loc[jobs["rule"] == "quantize", "s"].sum()
    rows.append({"measure": f"{label}: quantize jobs, summed fit_seconds",
                 "value": runs["fit_seconds"].sum(), "unit": "s"})  # fmt: skip
    rows.append({"measure": f"{label}: quantize jobs, time outside clustering",
                 "value": quantize - runs["fit_seconds"].sum(), "unit": "s"})  # fmt: skip
    return rows


def start_times(workdir: Path, repeats: int = 3) -> list[dict]:
    """Median wall time of `snakemake -n` on a finished sweep (nothing to do): with
    the Slurm controller as it is and, with the plugin installed, with none answering."""
    command = [sys.executable, "-m", "snakemake", "-n", "--quiet", "--snakefile",
               str(REPO / "Snakefile"), "--directory", str(workdir), "--configfile",
               str(workdir / "config.yaml")]  # fmt: skip

    def median_wall(environment: dict) -> float:
        walls = []
        for _ in range(repeats):
            started = time.perf_counter()
            subprocess.run(command, env=environment, check=True, capture_output=True)
            walls.append(time.perf_counter() - started)
        return sorted(walls)[len(walls) // 2]

    rows = [{"measure": "snakemake -n on the finished default sweep: wall time",
             "value": median_wall(dict(os.environ)), "unit": "s"}]  # fmt: skip
    try:
        import snakemake_executor_plugin_slurm  # noqa: F401
    except ImportError:
        return rows
    conf = Path(os.environ.get("SLURM_CONF", "/etc/slurm/slurm.conf"))
    if shutil.which("scontrol") is None or not conf.exists():
        return rows
    # The same cluster configuration, but a controller port nothing listens on.
    lines = [line for line in conf.read_text().splitlines()
             if not line.strip().lower().startswith("slurmctldport")]  # fmt: skip
    unreachable = workdir / "slurm-unreachable.conf"
    unreachable.write_text("\n".join([*lines, "SlurmctldPort=6899", ""]))
    rows.append({"measure": "snakemake -n, Slurm plugin installed, no controller answering: "
                 "wall time", "value": median_wall({**os.environ, "SLURM_CONF": str(unreachable)}),
                 "unit": "s"})  # fmt: skip
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
    without_noise = {**default, "fit": {**default["fit"], "replicates": 0}}
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
        wall, cpu, peaks = run_snakemake(workdir, config)
        rows.append({"measure": "24 MP image, RGB + Lab, 7 k: wall time", "value": wall,
                     "unit": "s"})  # fmt: skip
        rows.append({"measure": "24 MP image, RGB + Lab, 7 k: CPU time", "value": cpu,
                     "unit": "s"})  # fmt: skip
        for rule, peak in sorted(peaks.items(), key=lambda item: -item[1]):
            rows.append({"measure": f"24 MP image: peak RSS of a {rule} job",
                         "value": peak / 1024, "unit": "GB"})  # fmt: skip
        config["fit"] = {"replicates": 0}
        wall, cpu, _ = run_snakemake(fresh(out / "sweep_large_no_noise"), config)
        rows.append({"measure": "24 MP image without seed noise: wall time", "value": wall,
                     "unit": "s"})  # fmt: skip
        rows.append({"measure": "24 MP image without seed noise: CPU time", "value": cpu,
                     "unit": "s"})  # fmt: skip
    rows += start_times(out / "sweep_default")

    table = pd.DataFrame(rows)
    table.to_csv(out / "sweep.csv", index=False)
    print(table.to_string(index=False))
    if not arguments.skip_large:
        setup = {
            "cores": 2,
            "default sweep": "config/config.yaml: 4 bundled photos x RGB, Lab, HSV, HSL x 9 k",
            "large image": "6000 x 4000 px (24 MP), RGB + Lab, k = 2, 4, 8, 16, 32, 64, 256",
            "megapixels": 24,
            "k values of the large image": 7,
            "targets": "wall / ideal <= 1.5; peak memory of a job <= 2 GB",
        }
        write_summary("sweep", "python workflow/benchmarks/sweep.py", setup, rows)


if __name__ == "__main__":
    main()
