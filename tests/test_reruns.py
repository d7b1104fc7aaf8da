"""Interruptions, determinism and what a rerun recomputes, with the real snakemake."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from conftest import REPO, SNAKEMAKE, TIMING_COLUMNS, noisy_photo, run_workflow, write_png


def sweep_config(n_images=2, spaces=("RGB", "Lab"), k_values=(2, 3, 5)):
    return {
        "images": [{"name": f"img{i}", "source": f"img{i}.png"} for i in range(n_images)],
        "colour_spaces": list(spaces),
        "k_values": list(k_values),
    }


def make_images(workdir: Path, n_images=2, size=(48, 64)) -> Path:
    for i in range(n_images):
        write_png(workdir / f"img{i}.png", noisy_photo(seed=i, height=size[0], width=size[1]))
    return workdir


def metrics_without_timing(workdir: Path) -> str:
    return pd.read_csv(workdir / "results/metrics.csv").drop(columns=TIMING_COLUMNS).to_csv()


def output_files(workdir: Path) -> dict[str, bytes]:
    """Every per-run file and curve, by path relative to results/ (timing-free CSVs only)."""
    files = {}
    for path in sorted((workdir / "results").rglob("*")):
        relative = str(path.relative_to(workdir / "results"))
        if path.is_file() and relative.startswith(("runs/", "curves/")):
            if path.name == "metrics.csv":
                files[relative] = pd.read_csv(path).drop(columns=TIMING_COLUMNS).to_csv().encode()
            else:
                files[relative] = path.read_bytes()
    return files


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
    run_workflow(workdir, sweep_config(), "--cores", "1")
    return workdir


def test_same_seed_gives_identical_results_under_other_cores(reference_sweep, tmp_path):
    make_images(tmp_path)
    run_workflow(tmp_path, sweep_config(), "--cores", "2")
    assert metrics_without_timing(tmp_path) == metrics_without_timing(reference_sweep)
    assert output_files(tmp_path) == output_files(reference_sweep)
    for figure in ("comparison", "inertia", "quality"):
        path = f"results/figures/img0/{figure}.png"
        assert (tmp_path / path).read_bytes() == (reference_sweep / path).read_bytes(), figure


def test_forced_rerun_reproduces_every_output(reference_sweep, tmp_path):
    before = output_files(reference_sweep)
    run_workflow(reference_sweep, sweep_config(), "--cores", "2", "--forceall")
    assert output_files(reference_sweep) == before


def test_what_a_config_change_reruns(reference_sweep):
    config = sweep_config()
    assert planned_jobs(reference_sweep, config) == {}
    # A new colour space: only its quantize jobs (one per image), then the
    # aggregates, among them each image's figure and exploration job.
    jobs = planned_jobs(reference_sweep, {**config, "colour_spaces": ["RGB", "Lab", "HSV"]})
    assert jobs["quantize"] == 2
    assert jobs["plot_image"] == jobs["explore_image"] == 2
    assert "prepare_image" not in jobs
    # A new k: every image x space job runs again (see README: one job per image x space).
    jobs = planned_jobs(reference_sweep, {**config, "k_values": [2, 3, 5, 7]})
    assert jobs["quantize"] == 4
    assert "prepare_image" not in jobs
    # Another seed: every fit and what depends on it, but not the decoding.
    jobs = planned_jobs(reference_sweep, {**config, "fit": {"seed": 1}})
    assert jobs["quantize"] == 4
    assert "prepare_image" not in jobs
    # An edited caption changes only the report, which is built on demand.
    caption = REPO / "workflow/report/comparison.rst"
    stat = caption.stat()
    try:
        os.utime(caption, (stat.st_atime, time.time() + 60))
        assert planned_jobs(reference_sweep, config) == {}
    finally:
        os.utime(caption, (stat.st_atime, stat.st_mtime))


def test_sigkill_mid_sweep_then_rerun_completes(reference_sweep, tmp_path):
    make_images(tmp_path)
    config = sweep_config()
    run_workflow(tmp_path, config, "--dry-run")  # writes config.yaml
    process = subprocess.Popen(
        [*SNAKEMAKE, "--snakefile", str(REPO / "Snakefile"), "--directory", str(tmp_path),
         "--configfile", str(tmp_path / "config.yaml"), "--cores", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    first_run = tmp_path / "results/runs/img0/RGB/k2/metrics.csv"
    while not first_run.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    # Kill snakemake and every job it started, as a crash or an OOM kill would.
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert not (tmp_path / "results/metrics.csv").exists(), "the sweep finished before the kill"
    # A plain rerun refuses to take the cut-off outputs as complete, and says what to do.
    result = run_workflow(tmp_path, config, "--cores", "2", check=False)
    assert result.returncode != 0
    assert "--rerun-incomplete" in result.stderr or "--unlock" in result.stderr
    run_workflow(tmp_path, config, "--unlock")
    run_workflow(tmp_path, config, "--cores", "2", "--rerun-incomplete")
    assert metrics_without_timing(tmp_path) == metrics_without_timing(reference_sweep)
    assert output_files(tmp_path) == output_files(reference_sweep)
    assert not list((tmp_path / "results").rglob("*.part"))
    for png in (tmp_path / "results").rglob("*.png"):
        with Image.open(png) as image:
            image.verify()
