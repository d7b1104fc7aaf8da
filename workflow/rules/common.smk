# Configuration checks, wildcard constraints, input functions and target lists.
import hashlib
import json
import logging
import os
import shutil
import sys
import threading
import time
from pathlib import Path

import yaml

# Jobs import colourquant from this checkout, so that they always run the
# package version of the workflow they belong to, also in --use-conda
# environments and on cluster nodes (both inherit the environment variable).
PACKAGE_ROOT = str(Path(workflow.basedir) / "src")
os.environ.update(
    PYTHONPATH=os.pathsep.join(
        filter(None, [PACKAGE_ROOT, os.environ.get("PYTHONPATH")])
    )
)
sys.path.insert(0, PACKAGE_ROOT)
try:
    from colourquant.methods import method_names
    from colourquant.config import (
        ConfigError,
        choose_reference,
        image_table,
        validate_config,
    )
    from colourquant.downloads import is_url
    from colourquant.files import RUN_FILES, STUDY_TABLES
    from colourquant.jobs import FailedJob, failed_job_messages
    from colourquant.images import declared_pixels
    from colourquant.palette import cluster_sizes_k
    from colourquant.sources import image_source
except ImportError as error:
    raise WorkflowError(
        f"a dependency of colourquant is missing ({error}); "
        "install them with `pip install -e .` in the repository"
    )

SCHEMA = yaml.safe_load(
    Path(workflow.source_path("../schemas/config.schema.yaml")).read_text()
)
try:
    config.update(validate_config(config, SCHEMA))
    IMAGES = image_table(config, SCHEMA)
except ConfigError as error:
    raise WorkflowError(f"invalid configuration: {error}")

# Every output of an experiment lives under its own folder: two configs with
# different `experiment` names never overwrite or mix with each other.
EXPERIMENT = config["experiment"]
RESULTS = f"results/{EXPERIMENT}"


def results(path):
    """The path of an output of this experiment: results/<experiment>/<path>."""
    return f"{RESULTS}/{path}"


# The config's digest, for rules that must rerun when it changes but must not
# carry it as params: Snakemake's report copies params into its HTML unescaped.
CONFIG_SHA256 = hashlib.sha256(
    json.dumps(config, sort_keys=True, default=str).encode()
).hexdigest()

# Config keys that change no output (how long and how large a download may be).
OUTPUT_NEUTRAL_KEYS = {"download_timeout", "download_max_mb"}


def report_argument(argv):
    """The path given to --report (``--report PATH`` or ``--report=PATH``), or None."""
    for i, arg in enumerate(argv):
        if arg.startswith("--report="):
            return arg.split("=", 1)[1]
        if arg == "--report" and i + 1 < len(argv) and not argv[i + 1].startswith("-"):
            return argv[i + 1]
    return None


def check_report_path(argv=sys.argv):
    """With --report results/<name>/..., refuse a name other than this config's experiment.

    Without this, `snakemake --report results/small/report.html` run without
    the config of experiment `small` writes the default experiment's report
    into results/small/.
    """
    path = report_argument(argv)
    if path is None:
        return
    try:
        parts = Path(path).resolve().relative_to(Path("results").resolve()).parts
    except ValueError:  # a report outside results/ belongs to no experiment
        return
    if len(parts) > 1 and parts[0] != EXPERIMENT:
        raise WorkflowError(
            f"--report {path}: the folder of experiment {parts[0]!r}, but the config is "
            f"experiment {EXPERIMENT!r}. Give the config that experiment {parts[0]!r} "
            f"was run with (its --configfile / --config), or write the report to "
            f"{RESULTS}/report.html."
        )


def check_report_matches_outputs():
    """With --report, refuse a config other than the one the outputs were made with.

    The summarise rule records the config that made an experiment's outputs
    (results/<experiment>/config.yaml). A run with another config updates
    the outputs; a report built with another config would show the old
    outputs under the new config's description, so it is an error.
    """
    snapshot = Path(results("config.yaml"))
    if not any(arg.startswith("--report") for arg in sys.argv) or not snapshot.exists():
        return
    recorded = yaml.safe_load(snapshot.read_text())
    current = yaml.safe_load(yaml.safe_dump(dict(config)))
    changed = sorted(
        key
        for key in {*recorded, *current} - OUTPUT_NEUTRAL_KEYS
        if recorded.get(key) != current.get(key)
    )
    if changed:
        raise WorkflowError(
            f"experiment {EXPERIMENT!r}: the outputs in {RESULTS}/ were made with another "
            f"config (it differs in: {', '.join(changed)}). Build the report with the "
            f"config they were made with (recorded in {snapshot}), or run this config "
            "first, or give it its own name with `experiment:` (--config experiment=NAME)."
        )


check_report_path()
check_report_matches_outputs()

SPACES = config["colour_spaces"]
# Differences between spaces (tables, figures, the study) need at least two of them.
COMPARE_SPACES = len(SPACES) > 1
try:
    REFERENCE = choose_reference(config["study"]["reference"], SPACES)
except ConfigError as error:
    raise WorkflowError(f"invalid configuration: {error}")
K_VALUES = sorted(config["k_values"])
RUNS = results("runs/{image}/{space}/k{k}")


wildcard_constraints:
    # Character classes rather than alternations of every configured name:
    # with 500 images those are tried on every path and slow planning down.
    # The schema already restricts image names to these characters; a colour
    # space's name is any name of colourquant.spaces.SPACES (e.g. HSV-naive).
    image=r"[A-Za-z0-9_-]+",
    space=r"[A-Za-z0-9_-]+",
    k=r"\d+",


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


def image_file(wildcards):
    """The file a prepare job reads: a local path or a download; None for samples."""
    source = image_source(IMAGES[wildcards.image]["source"], name=wildcards.image)
    return source.file(download=results(f"downloads/{wildcards.image}"))


def image_input(wildcards):
    path = image_file(wildcards)
    # A missing local file is not declared as input: the job then fails with a
    # message naming the image, and with --keep-going the other images still
    # finish (a missing declared input would stop the whole DAG).
    if path is None or not (
        is_url(IMAGES[wildcards.image]["source"]) or Path(path).exists()
    ):
        return []
    return path


def size_mb(input):
    """Total size of a job's input files in MB, for resource functions.

    Snakemake's `input.size_mb` costs about 1 ms a call, which adds up to
    minutes when planning a sweep of thousands of jobs. A missing input (in a
    dry run) raises FileNotFoundError, which Snakemake turns into a resource
    "to be determined", as it does for `input.size_mb`.
    """
    return sum(os.path.getsize(path) for path in input) / 2**20


def megapixels(input):
    """Megapixels the input images declare in their headers (nothing is decoded).

    A missing input (a download, in a dry run) raises FileNotFoundError: the
    resource is then "to be determined" until the job is about to run.
    """
    total = 0
    for path in input:
        os.stat(path)
        total += declared_pixels(path) or 0
    return total / 1e6


def run_files(name, images=None, spaces=None):
    """Paths of one per-run file for the given images and spaces, at every k."""
    return expand(
        f"{RUNS}/{name}",
        image=images or list(IMAGES),
        space=spaces or SPACES,
        k=K_VALUES,
    )


def per_run_outputs(runs):
    """Named outputs of a job that writes every file of every run, at each k.

    The files of a run are the package's RUN_FILES in the run's directory
    (`runs` with k filled in; the job finds it through run_dirs). The report
    shows runs through the comparison figures, not one by one.
    """
    return {
        f"{name}_k{k}": f"{runs.replace('{k}', str(k))}/{file}"
        for k in K_VALUES
        for name, file in RUN_FILES.items()
    }


def k_label(k):
    """k for a report label, padded with spaces (which the report does not show)
    so that its text sort is numeric: 2 before 10, and "all" after every k."""
    return str(k).rjust(len(str(K_VALUES[-1])))


def run_dirs(runs):
    """For params: a job's run directory at each k, from its wildcards."""
    return lambda wildcards: {
        k: runs.format(k=k, **dict(wildcards.items())) for k in K_VALUES
    }


def final_outputs():
    figures = ["inertia", "quality", "cluster_sizes"]
    return [
        results("metrics.csv"),
        results("summary/headline.csv"),
        results("figures/inertia_overview.png"),
        *expand(
            results("figures/{image}/{figure}.png"),
            image=list(IMAGES),
            figure=figures + ["differences"] * COMPARE_SPACES,
        ),
        *expand(
            results("figures/{image}/{figure}.jpg"),
            image=list(IMAGES),
            figure=list(COMPARISON_FIGURES),
        ),
        *([results("summary/methods.csv")] if OTHER_METHODS else []),
        *expand(
            [
                results("figures/{image}/exploration/{space}.jpg"),
                results("exploration/{image}/{space}/correlation.csv"),
            ],
            image=list(IMAGES),
            space=SPACES,
        ),
        *expand(
            results("differences/{image}.csv"), image=list(IMAGES) * COMPARE_SPACES
        ),
        *([results("figures/study/convergence.png")] if COMPARE_SPACES else []),
    ]


def exploration_outputs():
    """Named outputs of an image's exploration: a table and a figure per space."""
    outputs = {}
    for space in SPACES:
        outputs[f"correlation_{space}"] = results(
            f"exploration/{{image}}/{space}/correlation.csv"
        )
        outputs[f"figure_{space}"] = report(
            results(f"figures/{{image}}/exploration/{space}.jpg"),
            caption="../report/exploration.rst",
            category="Exploration",
            subcategory="{image}",
            labels={"image": "{image}", "space": space, "figure": "exploration"},
        )
    return outputs


# An image's comparison figures, by output name: every k at a glance, and
# one per k with larger panels (comparison_plots).
COMPARISON_FIGURES = {
    "comparison": "all",
    **{f"comparison_k{k}": k for k in K_VALUES},
}
# The k values of the cluster-size figure.
CLUSTER_SIZES_K = cluster_sizes_k(K_VALUES, len(SPACES))


def comparison_outputs():
    """Named outputs of an image's comparison figures, labelled with their k (k_label)."""
    return {
        name: report(
            results(f"figures/{{image}}/{name}.jpg"),
            caption=(
                "../report/comparison.rst"
                if k == "all"
                else "../report/comparison_k.rst"
            ),
            category="Comparison",
            labels={
                "image": "{image}",
                "figure": "comparison",
                "k": k_label(k),
            },
        )
        for name, k in COMPARISON_FIGURES.items()
    }


def differences_figure_output():
    """An image's differences figure, if there are spaces to compare."""
    if not COMPARE_SPACES:
        return {}
    return {
        "differences": report(
            results("figures/{image}/differences.png"),
            caption="../report/differences.rst",
            category="Colour space differences",
            labels={"image": "{image}", "figure": "differences between spaces"},
        )
    }


def plot_image_inputs(wildcards):
    """Everything one image's figures are drawn from."""
    image = [wildcards.image]
    return {
        "distinct": results(f"prepared/{wildcards.image}/distinct.npz"),
        "quantized": run_files("quantized.png", images=image),
        "baselines": baseline_files("quantized.png", images=image, spaces=[REFERENCE]),
        "curves": expand(
            results("curves/{image}/{space}.csv"), image=image, space=SPACES
        ),
        # The image's own runs, not the metrics table: one bad image must not
        # cost the others their figures.
        # Other clusterers in the reference space only, as the figures show them.
        "metrics": run_files("metrics.csv", images=image)
        + baseline_files("metrics.csv", images=image, spaces=[REFERENCE]),
        "centres": expand(
            f"{RUNS}/{RUN_FILES['centres']}",
            image=image,
            space=SPACES,
            k=CLUSTER_SIZES_K,
        ),
        **(
            {"differences": results(f"differences/{wildcards.image}.csv")}
            if COMPARE_SPACES
            else {}
        ),
    }


def quantized_files(image, baselines=True):
    """For params: an image's quantized PNGs by row (space, then method) and k.

    Jobs look their inputs up by name here rather than by their position in
    a list of inputs.
    """
    return run_file_paths(image, RUN_FILES["quantized"], K_VALUES, baselines)


def run_file_paths(image, file, k_values, baselines=True):
    """An image's run files named `file`, by row (space, then method) and k.

    With `baselines`, every other method gets a row too: a clusterer its run
    in the reference space, a classic quantizer its only run.
    """
    rows = [(RUNS, {"space": space}) for space in SPACES]
    if baselines:
        rows += [
            (CLUSTER_RUNS.replace("{space}", REFERENCE), {"method": method})
            for method in CLUSTER_METHODS
        ]
        rows += [(BASELINE_RUNS, {"method": method}) for method in BASELINES]
    return {
        next(iter(row.values())): {
            k: f"{runs.format(image=image, k=k, **row)}/{file}" for k in k_values
        }
        for runs, row in rows
    }


def distinct_files():
    """Each image's distinct colours, by image name."""
    return {image: results(f"prepared/{image}/distinct.npz") for image in IMAGES}


def study_table_outputs():
    """Named outputs of the study job: its tables (in the report as HTML pages, report.smk)."""
    return {name: results(f"study/{name}.csv") for name in STUDY_TABLES}


def study_findings():
    """The study's headline sentences for the front page; none without two spaces."""
    return results("study/findings.txt") if COMPARE_SPACES else []


def study_answers():
    """The study's answers to the notebook's questions; none without two spaces."""
    return results("study/answers.json") if COMPARE_SPACES else []


def front_page_picture():
    """The picture of the front page: the first image's comparison figure at the middle k."""
    image, k = next(iter(IMAGES)), K_VALUES[(len(K_VALUES) - 1) // 2]
    return {
        "path": results(f"figures/{image}/comparison_k{k}.jpg"),
        "caption": (
            f"{image} reduced to k = {k} colours by k-means in each colour space, beside "
            "the original; on each, its mean ΔE00 from the original. Every image and k: "
            "the Comparison category."
        ),
    }


def front_page():
    # The report's front page is written by the `summarise` rule from the run
    # itself (config, versions, headline table); it is read only by --report.
    return str(Path(results("summary/front_page.rst")).absolute())


# Other methods (rules/baselines.smk): classic quantizers per image x method,
# in 8-bit RGB with no colour space; other clusterers per image x method x
# space, like k-means.
METHODS = config["methods"]
BASELINES = [method for method in METHODS if method in method_names("quantizer")]
BASELINE_RUNS = results("baselines/{image}/{method}/k{k}")
CLUSTER_METHODS = [method for method in METHODS if method in method_names("clusterer")]
CLUSTER_RUNS = results("clusterers/{image}/{method}/{space}/k{k}")
# Every method but k-means: a row each in the comparison figures, after the spaces.
OTHER_METHODS = CLUSTER_METHODS + BASELINES
COMPARISON_CATEGORY = "k-means vs other methods"


def baseline_files(name, images=None, spaces=None):
    """Paths of one per-run file of every other method, image and k.

    The clusterers' in every space of `spaces` (default: all of them).
    """
    # In the order of OTHER_METHODS, which figures' rows and legends follow.
    return expand(
        f"{CLUSTER_RUNS}/{name}",
        image=images or list(IMAGES),
        method=CLUSTER_METHODS,
        space=spaces or SPACES,
        k=K_VALUES,
    ) + expand(
        f"{BASELINE_RUNS}/{name}",
        image=images or list(IMAGES),
        method=BASELINES,
        k=K_VALUES,
    )


# The tables and texts the report shows as HTML pages (rules/report.smk).
def report_page_sources():
    """Each page's source file, caption, category and labels, by output name."""
    pages = {
        "metrics": (
            results("metrics.csv"),
            "metrics.rst",
            "Tables",
            {"table": "all runs"},
        ),
        "headline": (
            results("summary/headline.csv"),
            "headline.rst",
            "Tables",
            {"table": "headline"},
        ),
        "config": (
            results("config.yaml"),
            "config.rst",
            "Configuration",
            {"file": "config.yaml"},
        ),
    }
    if OTHER_METHODS:
        pages["methods"] = (
            results("summary/methods.csv"),
            "methods.rst",
            COMPARISON_CATEGORY,
            {"image": "all", "figure": "table"},
        )
    if COMPARE_SPACES:
        for name in STUDY_TABLES:
            pages[name] = (
                results(f"study/{name}.csv"),
                "study_tables.rst",
                "Study",
                {"figure": f"table: {name}"},
            )
        pages["all_findings"] = (
            results("study/all_findings.txt"),
            "study_findings.rst",
            "Study",
            {"figure": "4 findings at every k"},
        )
    return pages


REPORT_PAGES = report_page_sources()


def report_page_files():
    """The HTML pages of the report, for rule all."""
    return [results(f"report/{name}.html") for name in REPORT_PAGES]
