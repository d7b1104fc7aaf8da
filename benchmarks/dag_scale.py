"""How long does Snakemake take to plan a big sweep, and how much memory does it use?

Writes a configuration of 20,000 runs (500 image entries, pointing to two small
generated PNG files, x 4 colour spaces x 10 values of k) into a scratch
directory, times `snakemake -n` on it and records its peak memory, and prints
one CSV row (after a header):

    python benchmarks/dag_scale.py                  # plain local dry run
    python benchmarks/dag_scale.py --slurm-profile  # dry run through the Slurm
                                                    # profile; also counts submissions

Targets: under 60 s and under 2 GB for 20,000 runs. With --slurm-profile the
executor plugin must be installed (pip install -e '.[slurm]'); the dry run then
also reports how many Slurm jobs the sweep would submit (group jobs plus
ungrouped non-local jobs). Local rules are not counted as submissions.

With the default 500 images it also writes the committed summary
docs/benchmarks/dag_scale_local.json (or dag_scale_slurm.json) that the docs quote.
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

import numpy as np
import yaml
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, write_summary  # noqa: E402

SPACES = ["RGB", "Lab", "HSV", "HSL"]
K_VALUES = [2, 3, 4, 5, 6, 8, 10, 12, 16, 24]


def write_sweep(workdir: Path, n_images: int) -> int:
    """Two small PNG files and a config of n_images entries over SPACES x K_VALUES."""
    if workdir.exists():
        shutil.rmtree(workdir)
    (workdir / "images").mkdir(parents=True)
    rng = np.random.default_rng(0)
    files = []
    for name in ("gradient", "noise"):
        pixels = rng.integers(0, 256, (48, 64, 3), dtype=np.uint8)
        if name == "gradient":
            y, x = np.mgrid[0:48, 0:64]
            pixels = np.stack([x * 4, y * 5, (x + y) * 2], axis=-1).astype(np.uint8)
        Image.fromarray(pixels).save(workdir / "images" / f"{name}.png")
        files.append(f"images/{name}.png")
    config = {
        "images": [
            {"name": f"image{index:05d}", "source": files[index % len(files)]}
            for index in range(n_images)
        ],
        "colour_spaces": SPACES,
        "k_values": K_VALUES,
    }
    (workdir / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return n_images * len(SPACES) * len(K_VALUES)


def dry_run(
    snakefile: Path, workdir: Path, extra: list[str], timeout: int
) -> tuple[float, float, float, str]:
    """Run `snakemake -n`: wall and CPU seconds, peak resident memory in MB, and its log."""
    command = [
        *("timeout", "-k", "10", str(timeout)),
        *(sys.executable, "-m", "snakemake", "-n"),
        *("--snakefile", str(snakefile)),
        *("--directory", str(workdir)),
        *("--configfile", str(workdir / "config.yaml")),
        *extra,
    ]
    log_path = workdir / "dry-run.log"
    with open(log_path, "w") as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
        # wait4 reports the rusage of this child and the descendants it waited for
        # (timeout -> python): ru_maxrss is the largest of them, in KiB on Linux.
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    text = log_path.read_text()
    if process.returncode != 0:
        sys.exit(f"snakemake -n failed ({process.returncode}); see {log_path}:\n{text[-3000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=500, help="image entries (default 500)")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path("results/performance/dag_scale"),
        help="scratch directory, replaced on every call (default results/performance/dag_scale)",
    )
    parser.add_argument(
        "--slurm-profile",
        action="store_true",
        help="dry-run through workflow/profiles/slurm and count the Slurm submissions",
    )
    parser.add_argument(
        "--snakefile",
        type=Path,
        default=REPO / "Snakefile",
        help="workflow to plan (default: this repository's Snakefile)",
    )
    parser.add_argument("--timeout", type=int, default=600, help="seconds (default 600)")
    args = parser.parse_args()

    runs = write_sweep(args.workdir.resolve(), args.images)
    extra = ["--workflow-profile", "none"]
    if args.slurm_profile:
        extra = ["--workflow-profile", str(REPO / "workflow" / "profiles" / "slurm")]
    wall, cpu, peak_mb, log = dry_run(
        args.snakefile.resolve(), args.workdir.resolve(), extra, args.timeout
    )

    total = re.search(r"^total\s+(\d+)", log, flags=re.MULTILINE)
    jobs = int(total.group(1)) if total else -1
    submissions = len(re.findall(r"Group job \S+ \(jobs", log)) if args.slurm_profile else ""
    print("mode,images,runs,jobs,slurm_submissions,wall_s,cpu_s,peak_rss_mb")
    mode = "slurm-profile" if args.slurm_profile else "local"
    print(f"{mode},{args.images},{runs},{jobs},{submissions},{wall:.1f},{cpu:.1f},{peak_mb:.0f}")
    if args.images == 500 and args.snakefile.resolve() == (REPO / "Snakefile").resolve():
        results = [
            {"measure": "jobs", "value": jobs, "unit": ""},
            {"measure": "wall time of snakemake -n", "value": wall, "unit": "s"},
            {"measure": "CPU time of snakemake -n", "value": cpu, "unit": "s"},
            {"measure": "peak memory of snakemake -n", "value": peak_mb, "unit": "MB"},
        ]
        if args.slurm_profile:
            results.append({"measure": "Slurm submissions", "value": submissions, "unit": ""})
        setup = {"images": args.images, "spaces": len(SPACES), "k values": len(K_VALUES),
                 "runs": runs, "targets": "under 60 s and under 2 GB"}  # fmt: skip
        flag = " --slurm-profile" if args.slurm_profile else ""
        write_summary(f"dag_scale_{'slurm' if args.slurm_profile else 'local'}",
                      f"python benchmarks/dag_scale.py{flag}", setup, results)  # fmt: skip


if __name__ == "__main__":
    main()
