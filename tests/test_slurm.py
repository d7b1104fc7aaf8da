"""A small sweep on a real Slurm cluster, through the repository's Slurm profile.

Needs a Slurm controller that answers (CI runs `.ci/slurm-up.sh` first) and the
executor plugin (`pip install -e '.[slurm]'`). Without them the test is skipped,
unless COLOURQUANT_REQUIRE_SLURM=1 is set, which turns the skip into a failure.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import (
    REPO,
    TIMING_COLUMNS,
    noisy_photo,
    snakemake_command,
    sweep_config,
    write_images,
)

pytestmark = pytest.mark.workflow

SLURM_PROFILE = REPO / "workflow" / "profiles" / "slurm"
RUN_TIMEOUT = 300  # seconds for one snakemake invocation
IMAGES = ["swatch"]
SPACES = ["RGB", "Lab"]
K_VALUES = [2, 3]
# Small groups, so that even this sweep is split: its 2 quantize jobs (one per
# colour space, each fitting every k) go to Slurm as 2 group jobs, and its
# 4 figure jobs (comparison, differences, an exploration per space) as one.
GROUP_COMPONENTS = {"prepare": 10, "runs": 1, "plots": 20}


def slurm_unavailable() -> str | None:
    """Why Slurm cannot be used here, or None when it can."""
    if importlib.util.find_spec("snakemake_executor_plugin_slurm") is None:
        return "snakemake-executor-plugin-slurm is not installed (pip install -e '.[slurm]')"
    if shutil.which("sinfo") is None or shutil.which("scontrol") is None:
        return "the Slurm client tools are not installed (run .ci/slurm-up.sh)"
    try:
        # `scontrol ping` answers at once; sinfo retries for ~10 s when slurmctld is down.
        ping = subprocess.run(["scontrol", "ping"], capture_output=True, text=True, timeout=20)
        if ping.returncode != 0 or " is UP" not in ping.stdout:
            answer = (ping.stdout.strip().splitlines() or [ping.stderr.strip()])[0]
            return f"the Slurm controller does not answer ({answer}); run .ci/slurm-up.sh"
        probe = subprocess.run(
            ["sinfo", "--noheader", "--format=%T"], capture_output=True, text=True, timeout=20
        )
    except subprocess.TimeoutExpired:
        return "the Slurm controller does not answer (run .ci/slurm-up.sh)"
    if probe.returncode != 0:
        return f"the Slurm controller does not answer: {probe.stderr.strip()}"
    ready = ("idle", "mixed", "allocated", "completing")
    if not any(state.startswith(ready) for state in probe.stdout.split()):
        return f"no Slurm node takes jobs (node states: {probe.stdout.split()})"
    return None


@pytest.fixture
def slurm_cluster():
    reason = slurm_unavailable()
    if reason is not None:
        if os.environ.get("COLOURQUANT_REQUIRE_SLURM") == "1":
            pytest.fail(f"COLOURQUANT_REQUIRE_SLURM=1 but {reason}")
        pytest.skip(reason)


def write_sweep(workdir: Path) -> None:
    """A small photo per name in IMAGES and a config sweeping them over SPACES and K_VALUES."""
    workdir.mkdir(parents=True)
    write_images(workdir, {name: noisy_photo(seed=7 + i) for i, name in enumerate(IMAGES)})
    config = sweep_config(IMAGES, SPACES, K_VALUES)
    (workdir / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def start_snakemake(workdir: Path, *args: str) -> subprocess.Popen:
    """Start snakemake on the sweep in `workdir`, its log going to workdir/snakemake.log."""
    command = [
        *("timeout", "-k", "10", str(RUN_TIMEOUT)),
        *snakemake_command(workdir, workdir / "config.yaml", *args),
    ]
    with open(workdir / "snakemake.log", "w") as log:
        return subprocess.Popen(command, cwd=workdir, stdout=log, stderr=subprocess.STDOUT)


def finish_snakemake(process: subprocess.Popen, workdir: Path) -> str:
    """Wait for a run started by start_snakemake; return its log."""
    returncode = process.wait(timeout=RUN_TIMEOUT + 30)
    log = (workdir / "snakemake.log").read_text()
    assert returncode == 0, (
        f"snakemake exited with {returncode}:\n{' '.join(process.args)}\n{log[-6000:]}"
    )
    return log


def slurm_jobs(name_prefix: str) -> dict[str, tuple[str, str]]:
    """Slurm's own record of this test's jobs: job id -> (state, job name)."""
    listing = subprocess.run(
        ["squeue", "--noheader", "--states=all", "--format=%i|%T|%j"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    jobs = {}
    for line in listing.splitlines():
        job_id, state, name = line.strip().split("|", 2)
        if name.startswith(name_prefix):
            jobs[job_id] = (state, name)
    return jobs


def cancel_leftovers(name_prefix: str) -> None:
    if shutil.which("squeue") is None:
        return
    try:
        left = [
            job_id
            for job_id, (state, _) in slurm_jobs(name_prefix).items()
            if state in ("PENDING", "RUNNING", "CONFIGURING", "SUSPENDED")
        ]
        if left:
            subprocess.run(["scancel", *left], timeout=30, check=False)
    except (subprocess.SubprocessError, OSError):
        pass


def without_timing(path: Path) -> pd.DataFrame:
    return pd.read_csv(path).drop(columns=TIMING_COLUMNS)


@pytest.mark.slurm
def test_sweep_on_slurm_matches_local_run(slurm_cluster, tmp_path):
    on_slurm, local = tmp_path / "slurm", tmp_path / "local"
    write_sweep(on_slurm)
    write_sweep(local)
    name_prefix = f"colourquant-test-{os.getpid()}"
    started = []
    try:
        slurm_run = start_snakemake(
            on_slurm,
            *("--workflow-profile", str(SLURM_PROFILE)),
            *("--group-components", *(f"{g}={n}" for g, n in GROUP_COMPONENTS.items())),
            # CI's cluster has no slurmdbd (so no sacct) and no accounts.
            *("--slurm-status-command", "squeue", "--slurm-no-account"),
            *("--slurm-jobname-prefix", name_prefix),
            *("--slurm-init-seconds-before-status-checks", "2"),
        )
        started.append(slurm_run)
        # The reference: the same sweep, run locally meanwhile.
        local_run = start_snakemake(
            local, "--workflow-profile", "none", "--cores", "1", "results/default/metrics.csv"
        )
        started.append(local_run)
        finish_snakemake(local_run, local)
        log = finish_snakemake(slurm_run, on_slurm)

        # Jobs really went through Slurm: every submission the log names is a
        # job Slurm ran to completion, and Slurm ran no other job for this run.
        submitted = re.findall(r"has been submitted with SLURM jobid (\d+)", log)
        recorded = slurm_jobs(name_prefix)
        assert sorted(submitted) == sorted(recorded), (submitted, recorded)
        assert {state for state, _ in recorded.values()} == {"COMPLETED"}, recorded

        # Grouping took effect: one submission per group job, none per rule job;
        # the 6 cluster jobs (prepare, 2 quantize, figures, exploration, differences)
        # went in 4 submissions.
        groups = re.findall(r"Group job (\w+) \(jobs", log)
        assert sorted(groups) == ["plots", "prepare", "runs", "runs"]
        assert len(submitted) == len(groups) == 4
        runs = len(IMAGES) * len(SPACES) * len(K_VALUES)
        for rule in ("prepare_image", "quantize", "plot_image", "explore_image"):
            assert f"localrule {rule}:" not in log
        for rule in ("collect_metrics", "plot_inertia_overview", "summarise", "study"):
            assert f"localrule {rule}:" in log

        # Same results as the local run (apart from timings), and the whole
        # workflow finished.
        metrics = without_timing(on_slurm / "results/default/metrics.csv")
        assert len(metrics) == runs
        assert set(zip(metrics["image"], metrics["space"], metrics["k"], strict=True)) == {
            (image, space, k) for image in IMAGES for space in SPACES for k in K_VALUES
        }
        assert (metrics["inertia"] > 0).all()
        pd.testing.assert_frame_equal(
            metrics, without_timing(local / "results/default/metrics.csv")
        )
        for image in IMAGES:
            for space in SPACES:
                for k in K_VALUES:
                    run = Path("results", "default", "runs", image, space, f"k{k}")
                    for name in ("centres.csv", "quantized.png"):
                        assert (on_slurm / run / name).read_bytes() == (
                            local / run / name
                        ).read_bytes(), run / name
        for output in [
            "results/default/summary/headline.csv",
            "results/default/figures/inertia_overview.png",
            *(
                f"results/default/figures/{image}/{figure}"
                for image in IMAGES
                for figure in ("comparison.jpg", "inertia.png", "quality.png")
            ),
        ]:
            assert (on_slurm / output).stat().st_size > 0, output
    finally:
        for process in started:
            if process.poll() is None:  # a failure above left it running
                process.terminate()  # `timeout` passes this on to snakemake
                process.wait(timeout=60)
        cancel_leftovers(name_prefix)
    shutil.rmtree(tmp_path)
