# What the other .smk files all need: the package on the path, its imports, and the
# resource functions. The config, failed jobs, paths and targets are in config.smk,
# failures.smk, paths.smk and targets.smk (included in that order by the Snakefile).


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
    from colourquant.files import DITHER_STUDY_TABLES, RUN_FILES, STUDY_TABLES
    from colourquant.jobs import FailedJob, failed_job_messages
    from colourquant.images import declared_pixels
    from colourquant.palette import cluster_sizes_k
    from colourquant.variants import variants_of
    from colourquant.image_figures import (
        OTHER_METHODS_CATEGORY,
        figure_inputs,
        figure_outputs,
    )
    from colourquant.sources import image_source
except ImportError as error:
    raise WorkflowError(
        f"a dependency of colourquant is missing ({error}); "
        "install them with `pip install -e .` in the repository"
    )


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
