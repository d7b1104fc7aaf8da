# Configuration checks, wildcard constraints, input functions and target lists.
import re
from pathlib import Path

import yaml

try:
    from colourquant.config import ConfigError, image_table, validate_config
    from colourquant.images import SAMPLE_PREFIX
except ImportError as error:
    raise WorkflowError(
        "the colourquant package is not installed in this environment "
        f"({error}); run `pip install -e .` in the repository first"
    )

SCHEMA = yaml.safe_load(
    Path(workflow.source_path("../schemas/config.schema.yaml")).read_text()
)
try:
    config.update(validate_config(config, SCHEMA))
    IMAGES = image_table(config, SCHEMA)
except ConfigError as error:
    raise WorkflowError(f"invalid configuration: {error}")

SPACES = config["colour_spaces"]
K_VALUES = sorted(config["k"])
RUNS = "results/runs/{image}/{space}/k{k}"


wildcard_constraints:
    image="|".join(re.escape(name) for name in IMAGES),
    space="|".join(re.escape(space) for space in SPACES),
    k=r"\d+",


def is_url(source):
    return source.startswith(("http://", "https://"))


def image_input(wildcards):
    """The file a prepare job reads: a local path, a download, or none for samples."""
    source = IMAGES[wildcards.image]["source"]
    if source.startswith(SAMPLE_PREFIX):
        return []
    if is_url(source):
        return f"results/downloads/{wildcards.image}"
    return source


def run_files(name, images=None, spaces=None):
    """Paths of one per-run file for the given images and spaces, at every k."""
    return expand(
        f"{RUNS}/{name}",
        image=images or list(IMAGES),
        space=spaces or SPACES,
        k=K_VALUES,
    )


def final_outputs():
    return [
        "results/metrics.csv",
        "results/summary/headline.csv",
        "results/figures/inertia_overview.png",
        *expand(
            "results/figures/{image}/{figure}.png",
            image=list(IMAGES),
            figure=["comparison", "inertia", "quality"],
        ),
    ]


def front_page():
    # The report's front page is written by the `summarise` rule from the run
    # itself (config, versions, headline table); it is read only by --report.
    return str(Path("results/summary/front_page.rst").absolute())
