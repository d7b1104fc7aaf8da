"""The harness of a workflow job: its log, its one-line message for bad input, its threads.

A job script hands its main function to :func:`run_job`; the workflow's
``onerror`` handler reads the messages back with :func:`failed_job_messages`.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from pathlib import Path

__all__ = ["run_job", "failed_job_messages"]


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
    the log and on the terminal, and the job fails. Anything else is a bug: its
    full traceback goes to the log and the terminal. The job's numerical
    libraries (BLAS, OpenMP) use at most `threads` threads, so that
    ``--cores N`` never oversubscribes the machine.
    """
    from threadpoolctl import threadpool_limits

    log = Path(log)
    log.parent.mkdir(parents=True, exist_ok=True)
    terminal = sys.stderr
    with open(log, "w") as handle:
        sys.stderr = handle
        try:
            with threadpool_limits(limits=threads):
                main()
        except expected as error:
            message = f"{_MESSAGE_PREFIX}{error}"
            print(message, file=handle)
            print(message, file=terminal)
            sys.exit(1)
        except Exception:
            details = traceback.format_exc()
            handle.write(details)
            terminal.write(details)
            sys.exit(1)
        finally:
            sys.stderr = terminal


def failed_job_messages(log_dir: str | Path, since: float) -> list[str]:
    """What the job logs under `log_dir` written since `since` say of their failure.

    Parameters
    ----------
    log_dir : str or Path
    since : float
        A time (``time.time()``); older logs are from earlier runs.

    Returns
    -------
    list of str
        ``"<log>: <message>"`` for each message :func:`run_job` wrote (which
        names the image, for bad input), or the last line of an unexpected
        error's traceback. Jobs killed without a word (out of memory or time)
        leave nothing here.
    """
    found = []
    for path in sorted(Path(log_dir).rglob("*.log")):
        if path.stat().st_mtime < since:
            continue
        lines = path.read_text(errors="replace").splitlines()
        messages = [
            line.removeprefix(_MESSAGE_PREFIX) for line in lines if line.startswith(_MESSAGE_PREFIX)
        ]
        if not messages and "Traceback (most recent call last):" in lines:
            messages = [f"unexpected error: {lines[-1].strip()}"]
        found += [f"{path}: {message}" for message in messages]
    return found
