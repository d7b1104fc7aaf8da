"""The harness of a workflow job: its log, its one-line message for bad input, its threads.

A job script hands its main function to :func:`run_job`; the workflow's
``onerror`` handler reads the messages back with :func:`failed_job_messages`.
"""

from __future__ import annotations

import errno
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["run_job", "FailedJob", "killed_cause", "failed_job_messages"]


# Starts the one line a job prints for bad input (read back by failed_job_messages).
_MESSAGE_PREFIX = "colourquant: "


def run_job(
    main: Callable[[], None],
    log: str | Path,
    expected: tuple[type, ...],
    threads: int = 1,
) -> None:
    """Run a job's main function, sending its messages to the job's log.

    An expected error (bad input) is reported as its one-line message, both in
    the log and on the terminal, and the job fails; so is a full disk (no
    space, or over quota). Anything else is a bug: its full traceback goes to
    the log and the terminal. What a full disk keeps from the log still
    reaches the terminal. The job's numerical
    libraries (BLAS, OpenMP) use at most `threads` threads, so that
    ``--cores N`` never oversubscribes the machine.
    """
    from threadpoolctl import threadpool_limits

    log = Path(log)
    log.parent.mkdir(parents=True, exist_ok=True)
    terminal = sys.stderr
    handle = open(log, "w")  # noqa: SIM115 - closed below, whatever the disk says
    sys.stderr = handle
    try:
        with threadpool_limits(limits=threads):
            main()
    except expected as error:
        _fail(f"{_MESSAGE_PREFIX}{error}", handle, terminal)
    except OSError as error:
        if error.errno not in (errno.ENOSPC, errno.EDQUOT):
            _report_bug(handle, terminal)
        where = f" writing in {Path(error.filename).parent}" if error.filename else ""
        _fail(
            f"{_MESSAGE_PREFIX}no space left on the disk{where} ({error.strerror}); "
            "free some space and run the same command again",
            handle,
            terminal,
        )
    except Exception:
        _report_bug(handle, terminal)
    finally:
        sys.stderr = terminal
        try:
            handle.close()
        except OSError:
            pass  # a full disk: what the log could not take went to the terminal too


def _fail(message: str, log, terminal) -> None:
    """End the job with its one line, on the terminal and in its log if the disk takes it."""
    _write_both(message + "\n", log, terminal)
    sys.exit(1)


def _report_bug(log, terminal) -> None:
    """End the job with the traceback of an unexpected error."""
    _write_both(traceback.format_exc(), log, terminal)
    sys.exit(1)


def _write_both(text: str, log, terminal) -> None:
    terminal.write(text)
    try:
        log.write(text)
        log.flush()
    except OSError:
        pass  # a full disk: the terminal has it, and onerror lists the job anyway


@dataclass(frozen=True)
class FailedJob:
    """A job the workflow engine reported as failed.

    Attributes
    ----------
    rule : str
    logs : tuple of str
        The job's log files.
    error : str
        What the engine said of the failure (the exception of its command, an
        executor's message such as a Slurm state), possibly empty.
    """

    rule: str
    logs: tuple[str, ...] = ()
    error: str = ""


# Signals that end a job from outside: the kernel's out-of-memory killer and
# batch systems over the time limit send SIGKILL (or SIGTERM first).
_KILL_SIGNALS = {9: "SIGKILL", 15: "SIGTERM"}


def killed_cause(error: str) -> str | None:
    """Why a job was killed, from the text its runner reported, or None.

    Recognises a command that "died with <Signals.SIGKILL: 9>", an exit
    status of -9 or 137 (128 + 9, as a shell reports it) and likewise for
    SIGTERM (15, 143), and Slurm's OUT_OF_MEMORY and TIMEOUT states.

    Examples
    --------
    >>> killed_cause("Command 'python x.py' died with <Signals.SIGKILL: 9>.")
    'killed (SIGKILL), probably out of memory or time'
    >>> killed_cause("Command 'x' returned non-zero exit status 137.")
    'killed (SIGKILL), probably out of memory or time'
    >>> killed_cause("SLURM-job '42' failed, SLURM status is: 'OUT_OF_MEMORY'")
    'killed by Slurm: out of memory (raise mem_mb)'
    >>> killed_cause("Command 'x' returned non-zero exit status 1.") is None
    True
    """
    if "OUT_OF_MEMORY" in error:
        return "killed by Slurm: out of memory (raise mem_mb)"
    if "TIMEOUT" in error:
        return "killed by Slurm: out of time (raise runtime)"
    signal = re.search(r"died with <Signals\.SIG\w+: (\d+)>", error)
    status = re.search(r"exit status (-?\d+)", error)
    number = None
    if signal:
        number = int(signal.group(1))
    elif status:
        code = int(status.group(1))
        number = -code if code < 0 else code - 128 if code > 128 else None
    if number not in _KILL_SIGNALS:
        return None
    return f"killed ({_KILL_SIGNALS[number]}), probably out of memory or time"


def _log_messages(path: Path) -> list[str]:
    """The messages run_job wrote to a job's log, or an unexpected error's last line."""
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return []
    messages = [
        line.removeprefix(_MESSAGE_PREFIX) for line in lines if line.startswith(_MESSAGE_PREFIX)
    ]
    if not messages and "Traceback (most recent call last):" in lines:
        messages = [f"unexpected error: {lines[-1].strip()}"]
    return messages


def failed_job_messages(
    log_dir: str | Path, since: float, failed: Sequence[FailedJob] = ()
) -> list[str]:
    """One line for each job of this run that failed: its log and what it says.

    Parameters
    ----------
    log_dir : str or Path
    since : float
        A time (``time.time()``); older logs are from earlier runs.
    failed : sequence of FailedJob
        The jobs the workflow engine reported failed in this run. Each is
        listed, also when it left no message: a job killed from outside (out
        of memory or time) cannot write one, nor can one on a full disk.

    Returns
    -------
    list of str
        ``"<log>: <message>"``: each message :func:`run_job` wrote (which
        names the image, for bad input), or the last line of an unexpected
        error's traceback; for a failed job without either, why it was killed
        (see :func:`killed_cause`) or that it left no message. Logs under
        `log_dir` written since `since` with a message are listed even when
        not among `failed`, each log once.
    """
    found: dict[str, list[str]] = {}
    for job in failed:
        logs = [Path(log) for log in job.logs]
        messages = [
            message
            for log in logs
            if log.exists() and log.stat().st_mtime >= since
            for message in _log_messages(log)
        ]
        cause = killed_cause(job.error)
        if not messages:
            messages = [cause or "failed without a message (see Snakemake's output above)"]
        elif cause:
            messages = [f"{message} ({cause})" for message in messages]
        found[str(logs[0]) if logs else f"rule {job.rule}"] = messages
    if Path(log_dir).is_dir():
        for path in sorted(Path(log_dir).rglob("*.log")):
            if str(path) in found or path.stat().st_mtime < since:
                continue
            if messages := _log_messages(path):
                found[str(path)] = messages
    return [f"{where}: {message}" for where, messages in found.items() for message in messages]
