# The config: validated against the schema before any job, the experiment's
# folder, checks of --report, the sweep's dimensions and the wildcard constraints.


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
# Dithered variants of every run (config key `dither`; the undithered run is
# always made): each in a folder of its name inside the run's folder.
DITHER_VARIANTS = variants_of(config["dither"])


wildcard_constraints:
    # Character classes rather than alternations of every configured name:
    # with 500 images those are tried on every path and slow planning down.
    # The schema already restricts image names to these characters; a colour
    # space's name is any name of colourquant.spaces.SPACES (e.g. HSV-naive).
    image=r"[A-Za-z0-9_-]+",
    space=r"[A-Za-z0-9_-]+",
    k=r"\d+",


# Other methods (rules/quantizers.smk): the (classic) quantizers per image x
# method, in 8-bit RGB with no colour space, under baselines/ (the folder's
# name from before "quantizer" was the word); other clusterers per image x
# method x space, like k-means.
METHODS = config["methods"]
QUANTIZERS = [method for method in METHODS if method in method_names("quantizer")]
CLUSTER_METHODS = [method for method in METHODS if method in method_names("clusterer")]
# Every method but k-means: a row each in the comparison figures, after the spaces.
OTHER_METHODS = CLUSTER_METHODS + QUANTIZERS
