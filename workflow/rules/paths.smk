# Where every run's files are, and the input functions that find them.


# Run folders: k-means per image x space, other clusterers per image x method
# x space, the quantizers per image x method (under baselines/, see config.smk).
RUNS = results("runs/{image}/{space}/k{k}")
QUANTIZER_RUNS = results("baselines/{image}/{method}/k{k}")
CLUSTER_RUNS = results("clusterers/{image}/{method}/{space}/k{k}")


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


def run_dirs(runs):
    """For params: a job's run directory at each k, from its wildcards."""
    return lambda wildcards: {
        k: runs.format(k=k, **dict(wildcards.items())) for k in K_VALUES
    }


def plot_image_inputs(wildcards):
    """What one image's figures are drawn from: the kinds of input they need.

    PLOT_INPUTS (targets.smk) are the kinds its figures name in the package's
    table (colourquant.image_figures.INPUTS).
    """
    image = [wildcards.image]
    inputs = {
        "distinct": {"distinct": results(f"prepared/{wildcards.image}/distinct.npz")},
        "quantized": {
            "quantized": run_files("quantized.png", images=image),
            "other_methods": other_method_files(
                "quantized.png", images=image, spaces=[REFERENCE]
            ),
        },
        "curves": {
            "curves": expand(
                results("curves/{image}/{space}.csv"), image=image, space=SPACES
            )
        },
        # The image's own runs, not the metrics table: one bad image must not
        # cost the others their figures.
        # Other clusterers in the reference space only, as the figures show them.
        "metrics": {
            "metrics": run_files("metrics.csv", images=image)
            + other_method_files("metrics.csv", images=image, spaces=[REFERENCE])
        },
        "centres": {
            "centres": expand(
                f"{RUNS}/{RUN_FILES['centres']}",
                image=image,
                space=SPACES,
                k=CLUSTER_SIZES_K,
            )
        },
        "differences": {"differences": results(f"differences/{wildcards.image}.csv")},
    }
    return {name: paths for kind in PLOT_INPUTS for name, paths in inputs[kind].items()}


def quantized_files(image, other_methods=True):
    """For params: an image's quantized PNGs by row (space, then method) and k.

    Jobs look their inputs up by name here rather than by their position in
    a list of inputs.
    """
    return run_file_paths(image, RUN_FILES["quantized"], K_VALUES, other_methods)


def run_file_paths(image, file, k_values, other_methods=True):
    """An image's run files named `file`, by row (space, then method) and k.

    With `other_methods`, every other method gets a row too: a clusterer its
    run in the reference space, a quantizer its only run.
    """
    rows = [(RUNS, {"space": space}) for space in SPACES]
    if other_methods:
        rows += [
            (CLUSTER_RUNS.replace("{space}", REFERENCE), {"method": method})
            for method in CLUSTER_METHODS
        ]
        rows += [(QUANTIZER_RUNS, {"method": method}) for method in QUANTIZERS]
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


def other_method_files(name, images=None, spaces=None):
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
        f"{QUANTIZER_RUNS}/{name}",
        image=images or list(IMAGES),
        method=QUANTIZERS,
        k=K_VALUES,
    )
