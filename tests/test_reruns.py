"""Interruptions, determinism and what a rerun recomputes, with the real snakemake."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from conftest import (
    REPO,
    TIMING_COLUMNS,
    noisy_photo,
    run_workflow,
    snakemake_command,
    sweep_config,
    write_images,
)

pytestmark = pytest.mark.workflow

# Larger images than the shared sweep's, and a third k, so that jobs overlap.
IMAGES = ["img0", "img1"]
SPACES = ["RGB", "Lab"]
K_VALUES = [2, 3, 5]
CONFIG = sweep_config(IMAGES, SPACES, K_VALUES)
FIGURES = [
    f"results/default/figures/img0/{figure}"
    for figure in ("comparison.jpg", "inertia.png", "quality.png")
]


def make_images(workdir: Path) -> Path:
    return write_images(
        workdir, {name: noisy_photo(seed=i, height=48, width=64) for i, name in enumerate(IMAGES)}
    )


def metrics_without_timing(workdir: Path) -> str:
    return (
        pd.read_csv(workdir / "results/default/metrics.csv").drop(columns=TIMING_COLUMNS).to_csv()
    )


def output_files(workdir: Path) -> dict[str, bytes]:
    """Every per-run file and curve, by path relative to results/ (timing-free CSVs only)."""
    files = {}
    for path in sorted((workdir / "results/default").rglob("*")):
        relative = str(path.relative_to(workdir / "results/default"))
        if path.is_file() and relative.startswith(("runs/", "curves/")):
            if path.name == "metrics.csv":
                files[relative] = pd.read_csv(path).drop(columns=TIMING_COLUMNS).to_csv().encode()
            else:
                files[relative] = path.read_bytes()
    return files


def all_outputs(workdir: Path) -> tuple[str, dict[str, bytes], dict[str, bytes]]:
    """What two runs of the same config must agree on: metrics, per-run files, figures."""
    figures = {path: (workdir / path).read_bytes() for path in FIGURES}
    return metrics_without_timing(workdir), output_files(workdir), figures


def planned_jobs(workdir: Path, config: dict) -> dict[str, int]:
    """Rules and job counts snakemake would run now (a dry run)."""
    result = run_workflow(workdir, config, "--dry-run", "--cores", "1")
    output = result.stdout + result.stderr
    if "Nothing to be done" in output:
        return {}
    table = output.split("Job stats:", 1)[1].split("\n\n", 1)[0]
    counts = {}
    for line in table.splitlines()[3:]:
        name, count = line.split()[:2]
        if name != "total":
            counts[name] = int(count)
    return counts


@pytest.fixture(scope="module")
def reference_sweep(tmp_path_factory) -> Path:
    workdir = make_images(tmp_path_factory.mktemp("reference"))
    run_workflow(workdir, CONFIG, "--cores", "1")
    return workdir


def test_forced_rerun_under_other_cores_reproduces_every_output(reference_sweep):
    """The same seed gives the same bytes whatever the number of cores (1 before, 2 now)."""
    metrics, files, figures = all_outputs(reference_sweep)
    run_workflow(reference_sweep, CONFIG, "--cores", "2", "--forceall")
    assert metrics_without_timing(reference_sweep) == metrics
    assert output_files(reference_sweep) == files
    for path in FIGURES:
        assert (reference_sweep / path).read_bytes() == figures[path], path


def test_what_a_config_change_reruns(reference_sweep):
    assert planned_jobs(reference_sweep, CONFIG) == {}
    # A new colour space: only its quantize jobs (one per image), then the
    # aggregates, among them each image's figure and exploration job.
    jobs = planned_jobs(reference_sweep, {**CONFIG, "colour_spaces": [*SPACES, "HSV"]})
    assert jobs["quantize"] == len(IMAGES) == 2
    assert jobs["plot_image"] == jobs["explore_image"] == len(IMAGES)
    assert "prepare_image" not in jobs
    # A new k: every image x space job runs again (see README: one job per image x space).
    jobs = planned_jobs(reference_sweep, {**CONFIG, "k_values": [*K_VALUES, 7]})
    assert jobs["quantize"] == len(IMAGES) * len(SPACES) == 4
    assert "prepare_image" not in jobs
    # Another seed: every fit and what depends on it, but not the decoding.
    jobs = planned_jobs(reference_sweep, {**CONFIG, "fit": {"seed": 1}})
    assert jobs["quantize"] == len(IMAGES) * len(SPACES)
    assert "prepare_image" not in jobs
    # An edited caption changes only the report, which is built on demand.
    caption = REPO / "workflow/report/comparison.rst"
    stat = caption.stat()
    try:
        os.utime(caption, (stat.st_atime, time.time() + 60))
        assert planned_jobs(reference_sweep, CONFIG) == {}
    finally:
        os.utime(caption, (stat.st_atime, stat.st_mtime))


def test_sigkill_mid_sweep_then_rerun_completes(reference_sweep, tmp_path):
    make_images(tmp_path)
    run_workflow(tmp_path, CONFIG, "--dry-run")  # writes config.yaml
    process = subprocess.Popen(
        snakemake_command(tmp_path, tmp_path / "config.yaml", "--cores", "2"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    first_run = tmp_path / "results/default/runs/img0/RGB/k2/metrics.csv"
    while not first_run.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    # Kill snakemake and every job it started, as a crash or an OOM kill would.
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert not (tmp_path / "results/default/metrics.csv").exists(), (
        "the sweep finished before the kill"
    )
    # A plain rerun refuses to take the cut-off outputs as complete, and says what to do.
    result = run_workflow(tmp_path, CONFIG, "--cores", "2", check=False)
    assert result.returncode != 0
    assert "--rerun-incomplete" in result.stderr or "--unlock" in result.stderr
    run_workflow(tmp_path, CONFIG, "--unlock")
    run_workflow(tmp_path, CONFIG, "--cores", "2", "--rerun-incomplete")
    # A fresh directory on 2 cores gives what the reference gave on 1.
    assert all_outputs(tmp_path) == all_outputs(reference_sweep)
    assert not list((tmp_path / "results/default").rglob("*.part"))
    for png in (tmp_path / "results/default").rglob("*.png"):
        with Image.open(png) as image:
            image.verify()
