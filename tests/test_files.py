"""Result files: atomic writes, permissions, and the failed-job messages of a run."""

import os
import time

import pytest

from colourquant.files import atomic_path
from colourquant.jobs import FailedJob, failed_job_messages, killed_cause


def test_atomic_write_leaves_nothing_when_interrupted(tmp_path):
    target = tmp_path / "out.csv"
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_text("half a tab")
        raise RuntimeError("killed")
    assert list(tmp_path.iterdir()) == []
    (tmp_path / ".out.csv.killed.part").write_text("left by a killed job")
    with atomic_path(target) as temporary:
        temporary.write_text("complete")
    assert target.read_text() == "complete"
    assert list(tmp_path.iterdir()) == [target]


def test_results_are_readable_by_others_as_the_umask_allows(tmp_path):
    previous = os.umask(0o022)
    try:
        with atomic_path(tmp_path / "shared.csv") as temporary:
            temporary.write_text("x")
    finally:
        os.umask(previous)
    assert (tmp_path / "shared.csv").stat().st_mode & 0o777 == 0o644


def test_failed_job_messages_come_from_this_run_s_logs(tmp_path):
    logs = tmp_path / "logs"
    (logs / "prepare_image").mkdir(parents=True)
    (logs / "summarise.log").write_text(
        "Traceback (most recent call last):\n  File ...\nKeyError: 'psnr'\n"
    )
    (logs / "prepare_image/bad.log").write_text(
        "colourquant: image 'bad': 'b.png' does not exist\n"
    )
    (logs / "prepare_image/good.log").write_text("")
    old = logs / "prepare_image/old.log"
    old.write_text("colourquant: image 'old': an earlier run's failure\n")
    since = time.time() - 60
    os.utime(old, (since - 3600, since - 3600))
    assert failed_job_messages(logs, since) == [
        f"{logs}/prepare_image/bad.log: image 'bad': 'b.png' does not exist",
        f"{logs}/summarise.log: unexpected error: KeyError: 'psnr'",
    ]
    assert failed_job_messages(tmp_path / "no_logs_yet", since) == []


def test_failed_jobs_are_listed_even_without_a_message(tmp_path):
    logs = tmp_path / "logs"
    (logs / "quantize/a").mkdir(parents=True)
    (logs / "quantize/a/RGB.log").write_text("")  # killed before it could write a word
    (logs / "prepare_image").mkdir()
    (logs / "prepare_image/b.log").write_text("colourquant: image 'b': 'b.png' does not exist\n")
    since = time.time() - 60
    failed = [
        FailedJob(
            "quantize",
            (f"{logs}/quantize/a/RGB.log",),
            "Command 'python x.quantize.py' died with <Signals.SIGKILL: 9>.",
        ),
        FailedJob(
            "prepare_image",
            (f"{logs}/prepare_image/b.log",),
            "Command 'python x.py' returned non-zero exit status 1.",
        ),
        FailedJob("summarise", (f"{logs}/summarise.log",), "returned non-zero exit status 1."),
        FailedJob("plot_image", (), "SLURM-job '7' failed, SLURM status is: 'TIMEOUT'"),
    ]
    assert failed_job_messages(logs, since, failed) == [
        f"{logs}/quantize/a/RGB.log: killed (SIGKILL), probably out of memory or time",
        f"{logs}/prepare_image/b.log: image 'b': 'b.png' does not exist",
        f"{logs}/summarise.log: failed without a message (see Snakemake's output above)",
        "rule plot_image: killed by Slurm: out of time (raise runtime)",
    ]


@pytest.mark.parametrize(
    ("error", "cause"),
    [
        ("died with <Signals.SIGKILL: 9>.", "killed (SIGKILL)"),
        ("returned non-zero exit status -9.", "killed (SIGKILL)"),
        ("returned non-zero exit status 137.", "killed (SIGKILL)"),
        ("returned non-zero exit status 143.", "killed (SIGTERM)"),
        ("died with <Signals.SIGSEGV: 11>.", None),
        ("returned non-zero exit status 1.", None),
        ("", None),
    ],
)
def test_killed_cause_reads_signals_and_shell_exit_codes(error, cause):
    found = killed_cause(f"Command 'python job.py' {error}")
    assert found == (None if cause is None else f"{cause}, probably out of memory or time")
