"""Benchmark: the whole workflow's cost against its jobs' work, and the peak memory of its jobs.

1. The default sweep, `snakemake --cores 2` in a fresh directory, run with this
   checkout and with an earlier commit (``--baseline``, checked out into a
   temporary git worktree), interleaved, ``--repeats`` times each: wall time
   against the jobs' summed CPU time ÷ 2 cores (Snakemake's own overhead and
   idle cores), the jobs' CPU time per run and where it goes, by rule. Also
   this checkout's sweep with ``fit.replicates: 0``, without the second fit of
   every run.
2. A 24-megapixel photo through the whole pipeline (k = 2 ... 256, RGB and
   Lab): wall time and the peak resident memory (VmHWM) of each rule's jobs;
   and its wall time without the seed replicates.
3. Snakemake's start: ``snakemake -n`` on the finished default sweep, and, where
   the Slurm executor plugin and ``scontrol`` are installed, the same with no
   Slurm controller answering (SLURM_CONF pointing at a port nothing listens on).

With the Slurm plugin installed, start a controller first (``.ci/slurm-up.sh``):
with none answering, every ``snakemake`` call waits about 9 s at its start (3.).

Writes results/performance/sweep.csv and, without --skip-large, the committed
summary docs/benchmarks/sweep.json that the docs quote.

Usage: python benchmarks/sweep.py [--out results/performance] [--skip-large]
       [--baseline COMMIT] [--repeats N]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import LARGE_NAME, REPO, write_large_image, write_summary  # noqa: E402

#: The commit at which issue #18 asked for the sweep's CPU time per run to be
#: halved ("today's", measured in the same run of this script).
BASELINE = "08533e3"
TICKS = os.sysconf("SC_CLK_TCK")


def poll_jobs(jobs: dict[str, tuple[str, float, float]], workdir: Path) -> None:
    """Record the CPU seconds and peak resident memory (VmHWM, MB) of every job
    script running in `workdir`, by process (other workflows are not counted).

    Polled while the jobs run: a job's last few milliseconds are not counted."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
            script = re.search(r"\.snakemake/scripts/tmp[^.]+\.(\w+)\.py", command)
            if script is None:
                continue
            if str(workdir) not in command and Path(f"/proc/{pid}/cwd").resolve() != workdir:
                continue
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            cpu = (int(fields[11]) + int(fields[12])) / TICKS
            status = Path(f"/proc/{pid}/status").read_text()
            high_water = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024
        except (OSError, AttributeError, IndexError):
            continue  # the process ended meanwhile
        jobs[pid] = (script.group(1), cpu, high_water)


def run_snakemake(
    workdir: Path, config: dict, cores: int = 2, repo: Path = REPO
) -> tuple[float, float, pd.DataFrame]:
    """Run the workflow of checkout `repo` in `workdir` on `config`.

    Returns the wall seconds, the CPU seconds of Snakemake and every job, and a
    table of the jobs (rule, cpu seconds, peak RSS in MB)."""
    (workdir / "config.yaml").write_text(yaml.safe_dump(config))
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(repo / "Snakefile"),
               "--directory", str(workdir), "--configfile", str(workdir / "config.yaml"),
               "--cores", str(cores), "--quiet", "all"]  # fmt: skip
    # The jobs import the checkout's own package, not the installed one.
    environment = {**os.environ, "PYTHONPATH": str(repo / "workflow")}
    jobs: dict[str, tuple[str, float, float]] = {}
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=environment)
    # wait4 reports the CPU time of Snakemake and of the jobs it waited for: on a
    # shared machine it depends far less on the other load than the wall time.
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        poll_jobs(jobs, workdir.resolve())
        time.sleep(0.02)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"snakemake failed in {workdir}")
    table = pd.DataFrame(list(jobs.values()), columns=["rule", "cpu", "peak_mb"])
    return wall, usage.ru_utime + usage.ru_stime, table


def fresh(directory: Path) -> Path:
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    return directory


def one_sweep(workdir: Path, config: dict, repo: Path = REPO) -> dict:
    """One default sweep's wall time, CPU times and runs, and its jobs' CPU by rule."""
    wall, cpu, jobs = run_snakemake(fresh(workdir), config, repo=repo)
    results = workdir / "results" / config.get("experiment", "default")
    runs = pd.read_csv(results / "metrics.csv")
    job_cpu = jobs["cpu"].sum()
    return {
        "runs": len(runs),
        "wall": wall,
        "cpu": cpu,
        "job_cpu": job_cpu,
        "fit": runs["fit_seconds"].sum(),
        "fit_median": runs["fit_seconds"].median(),
        "by_rule": jobs.groupby("rule")["cpu"].agg(["count", "sum"]),
    }


def median(values) -> float:
    return float(pd.Series(list(values)).median())


def sweep_rows(label: str, sweeps: list[dict], cores: int = 2) -> list[dict]:
    """Medians over repeated sweeps of one checkout."""
    runs = sweeps[0]["runs"]
    wall = median(s["wall"] for s in sweeps)
    job_cpu = median(s["job_cpu"] for s in sweeps)
    rows = [
        (f"{label}: runs", runs, ""),
        (f"{label}: wall time", wall, "s"),
        (f"{label}: CPU time of Snakemake and every job", median(s["cpu"] for s in sweeps), "s"),
        (f"{label}: jobs' summed CPU time", job_cpu, "s"),
        (
            f"{label}: wall / (jobs' CPU time / {cores} cores)",
            median(s["wall"] / (s["job_cpu"] / cores) for s in sweeps),
            "",
        ),  # fmt: skip
        (f"{label}: jobs' CPU time per run", job_cpu / runs, "s"),
        (f"{label}: summed fit_seconds", median(s["fit"] for s in sweeps), "s"),
        (f"{label}: median fit_seconds of a run", median(s["fit_median"] for s in sweeps), "s"),
    ]
    for rule in sweeps[0]["by_rule"].index:
        jobs = int(sweeps[0]["by_rule"].loc[rule, "count"])
        rows.append((f"{label}: {rule} jobs", jobs, ""))
        cpu = median(s["by_rule"].loc[rule, "sum"] for s in sweeps if rule in s["by_rule"].index)
        rows.append((f"{label}: {rule} jobs, summed CPU time", cpu, "s"))
        rows.append((f"{label}: mean CPU time of a {rule} job", cpu / jobs, "s"))
    return [{"measure": m, "value": v, "unit": u} for m, v, u in rows]


def default_sweeps(out: Path, config: dict, baseline: str, repeats: int) -> list[dict]:
    """The default sweep with this checkout and with `baseline`, interleaved."""
    with tempfile.TemporaryDirectory() as scratch:
        before = Path(scratch) / "baseline"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(before),
                        baseline], check=True, capture_output=True)  # fmt: skip
        try:
            sweeps: dict[str, list[dict]] = {"before": [], "now": []}
            for _ in range(repeats):
                sweeps["before"].append(one_sweep(out / "sweep_baseline", config, repo=before))
                sweeps["now"].append(one_sweep(out / "sweep_default", config))
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force",
                            str(before)], check=True)  # fmt: skip
    per_run = {name: median(s["job_cpu"] for s in runs) / runs[0]["runs"]
               for name, runs in sweeps.items()}  # fmt: skip
    return [
        *sweep_rows(f"default sweep at {baseline}", sweeps["before"]),
        *sweep_rows("default sweep", sweeps["now"]),
        {
            "measure": f"default sweep: jobs' CPU time per run, now / at {baseline}",
            "value": per_run["now"] / per_run["before"],
            "unit": "",
        },  # fmt: skip
    ]


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
    parser.add_argument("--baseline", default=BASELINE, help="commit to compare the sweep with")
    parser.add_argument("--repeats", type=int, default=2, help="sweeps of each checkout")
    arguments = parser.parse_args()
    out = arguments.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    rows = []

    default = yaml.safe_load((REPO / "config/config.yaml").read_text())
    rows += default_sweeps(out, default, arguments.baseline, arguments.repeats)
    without_noise = {**default, "fit": {**default["fit"], "replicates": 0}}
    rows += sweep_rows("default sweep without seed replicates",
                       [one_sweep(out / "sweep_default_no_noise", without_noise)])  # fmt: skip

    if not arguments.skip_large:
        image = write_large_image(out / "images" / f"{LARGE_NAME}.png")
        config = {
            "images": [{"name": LARGE_NAME, "source": str(image)}],
            "colour_spaces": ["RGB", "Lab"],
            "k_values": [2, 4, 8, 16, 32, 64, 256],
        }
        workdir = fresh(out / "sweep_large")
        wall, cpu, jobs = run_snakemake(workdir, config)
        peaks = jobs.groupby("rule")["peak_mb"].max().to_dict()
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
            "baseline": arguments.baseline,
            "repeats": arguments.repeats,
            "targets": "wall / (jobs' CPU time / cores) <= 1.3; jobs' CPU time per run <= half "
            "of the baseline's; peak memory of a job <= 2 GB",
        }
        write_summary("sweep", "python benchmarks/sweep.py", setup, rows)


if __name__ == "__main__":
    main()
