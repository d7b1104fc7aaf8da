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

import numpy as np
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


# Dithered variants (config key `dither`) make the quantize, cluster and
# quantize_with_quantizer jobs dither every run on a float64 copy of the whole
# image and hold each variant's result: memory and time grow with the pixels
# and the variants, not with the size of distinct.npz. The terms below are
# what benchmarks/dither_resources.py measured, with margin (docs/performance.md);
# without variants they are zero, so the default config asks what it asked.
DITHER_MB_PER_MEGAPIXEL = 60
DITHER_MB_PER_VARIANT_MEGAPIXEL = 20
DITHER_MINUTES_PER_VARIANT_K_MEGAPIXEL = 0.15


def distinct_megapixels(input):
    """Megapixels of the images whose distinct colours a job reads (their
    `shape`, read alone from each distinct.npz); FileNotFoundError in a dry
    run, as for size_mb."""
    total = 0
    for path in input:
        with np.load(path) as stored:
            total += int(np.prod(stored["shape"]))
    return total / 1e6


# A job that fits one method to one image holds arrays of its pixels too (the
# labels, the quantized image, the metrics' copies), which distinct.npz's size
# does not count: on a 12 MP photo the undithered quantize job peaked at
# 2042 MB (benchmarks/dither_resources.py). Its request is the larger of the
# size term and this pixel term, which covers that peak 1.2 times.
QUANTIZE_MB_BASE = 250
QUANTIZE_MB_PER_MEGAPIXEL = 185


def quantize_mb(input):
    """Memory of a job that fits one method to one image at every k, in MB, at
    the first attempt: the pixels' term or distinct.npz's, whichever is larger,
    and what its dithered variants add."""
    pixels = QUANTIZE_MB_BASE + QUANTIZE_MB_PER_MEGAPIXEL * distinct_megapixels(input)
    return max(600 + 12 * size_mb(input), pixels) + dither_mb(input)


def dither_mb(input):
    """Memory a job's dithered variants add, in MB (0 without variants)."""
    if not DITHER_VARIANTS:
        return 0
    return distinct_megapixels(input) * (
        DITHER_MB_PER_MEGAPIXEL + DITHER_MB_PER_VARIANT_MEGAPIXEL * len(DITHER_VARIANTS)
    )


def dither_minutes(input):
    """Minutes a job's dithered variants add at each k (0 without variants)."""
    if not DITHER_VARIANTS:
        return 0
    return (
        DITHER_MINUTES_PER_VARIANT_K_MEGAPIXEL
        * len(DITHER_VARIANTS)
        * distinct_megapixels(input)
    )
