# Failed jobs: noted as Snakemake reports them, listed together at the end (onerror).


# Job logs written after this moment are this run's (see report_failed_jobs).
RUN_STARTED = time.time()


class FailedJobs(logging.Handler):
    """Notes each job Snakemake reports as failed, for report_failed_jobs.

    A standard logging handler on Snakemake's logger, reading the records
    logger plugins get: an ERROR record with the job's exception (a non-zero
    exit status, a signal), then, from the same thread, the JOB_ERROR record
    naming the job's rule and logs (GROUP_ERROR for a group job). Kept in
    memory, so that a job killed without a word, or one that could not write
    its log on a full disk, is still listed.
    """

    def __init__(self):
        super().__init__(logging.ERROR)
        self.jobs = []
        self._errors = {}

    def emit(self, record):
        from snakemake_interface_logger_plugins.common import LogEvent

        event = getattr(record, "event", None)
        if event == LogEvent.ERROR:
            self._errors[threading.get_ident()] = record.getMessage()
            if getattr(record, "exception", None) == "IncompleteFilesException":
                print(ANOTHER_RUN_HINT, file=sys.stderr)
            return
        error = self._errors.pop(threading.get_ident(), "")
        if event == LogEvent.JOB_ERROR:
            infos, message = [record.__dict__], getattr(record, "rule_msg", None)
        elif event == LogEvent.GROUP_ERROR:
            infos, message = record.job_error_info, getattr(record, "msg", None)
        else:
            return
        for info in infos:
            logs = tuple(str(log) for log in info.get("log") or ())
            text = " ".join(
                filter(None, [error, str(message or info.get("rule_msg") or "")])
            )
            self.jobs.append(FailedJob(info.get("rule_name", "?"), logs, text))


# Snakemake checks for incomplete outputs before it locks the directory, so a
# second run started while one is running is told that the first run's
# unfinished outputs are incomplete, and to rerun them.
ANOTHER_RUN_HINT = (
    "colourquant: is another snakemake running in this directory? Its unfinished "
    "outputs look incomplete: wait for it to finish (and do not use --rerun-incomplete "
    "meanwhile). If none is running, a previous run was killed: run `snakemake --unlock` "
    "if Snakemake says the directory is locked, then the same command with "
    "--rerun-incomplete."
)
FAILED_JOBS = FailedJobs()
logging.getLogger("snakemake.logging").addHandler(FAILED_JOBS)


def report_failed_jobs(log_dir=results("logs")):
    """For `onerror`: list this run's failed jobs and their messages together.

    Snakemake reports each failed job amid its own details; this repeats them
    at the end, each with its one-line message (see failed_job_messages),
    including jobs killed without one (FailedJobs).
    """
    lines = failed_job_messages(log_dir, since=RUN_STARTED, failed=FAILED_JOBS.jobs)
    free = shutil.disk_usage(RESULTS if Path(RESULTS).exists() else ".").free
    if free < 50 * 2**20:
        lines.append(
            f"the disk holding {RESULTS}/ is full ({free / 2**20:.0f} MB free): jobs "
            "cannot write their outputs or logs; free some space"
        )
    if lines:
        print(
            "colourquant: failed in this run:",
            *(f"  {line}" for line in lines),
            "Fix what the messages name (a bad image: fix it or remove it from the "
            "config) and run the same command again; finished jobs are not repeated. "
            "Jobs of other images are unaffected (with --keep-going all of them "
            f"finish), but {RESULTS}/metrics.csv, the summaries and the report need "
            "every image.",
            sep="\n",
            file=sys.stderr,
        )
