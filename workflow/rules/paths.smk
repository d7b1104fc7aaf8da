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
    """The prepare job's input: the file or the download; none for a sample.

    A missing local file is not declared as input: the job then fails with a
    message naming the image, and with --keep-going the other images still
    finish (a missing declared input would stop the whole DAG).
    """
    source = image_source(IMAGES[wildcards.image]["source"], name=wildcards.image)
    path = source.file(download=results(f"downloads/{wildcards.image}"))
    if path is None or (source.kind == "file" and not Path(path).exists()):
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
    (`runs` with k filled in; the job finds it through run_dirs), and those
    of each dithered variant in its folder there. The report shows runs
    through the comparison figures, not one by one.
    """
    outputs = {}
    for k in K_VALUES:
        run_dir = runs.replace("{k}", str(k))
        for name, file in RUN_FILES.items():
            outputs[f"{name}_k{k}"] = f"{run_dir}/{file}"
            for variant in DITHER_VARIANTS:
                outputs[f"{name}_k{k}_{variant}"] = f"{run_dir}/{variant}/{file}"
    return outputs


def with_variants(paths, variants=None):
    """Run files, each followed by the same file of every dithered variant
    (in the variant's folder beside it); `variants` default: DITHER_VARIANTS."""
    return [
        (
            f"{os.path.dirname(path)}/{variant}/{os.path.basename(path)}"
            if variant
            else path
        )
        for path in paths
        for variant in ["", *(DITHER_VARIANTS if variants is None else variants)]
    ]


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


# Dithered variants' figures (rules/dither.smk).
def variant_file(variant, name):
    """A run file's path inside its run folder: in the variant's folder if dithered."""
    return name if variant == "none" else f"{variant}/{name}"


def variant_paths(image, name):
    """For params: an image's run files `name`, by variant (none first), row and k."""
    return {
        variant: run_file_paths(image, variant_file(variant, name), K_VALUES)
        for variant in ["none", *DITHER_VARIANTS]
    }


def plot_dithered_inputs(wildcards):
    """Everything one image's variant figures are drawn from: its runs as the
    comparison figures show them, undithered and dithered."""
    image = [wildcards.image]

    def files(name):
        return with_variants(
            run_files(name, images=image)
            + other_method_files(name, images=image, spaces=[REFERENCE])
        )

    return {
        "distinct": results(f"prepared/{wildcards.image}/distinct.npz"),
        "quantized": files("quantized.png"),
        "metrics": files("metrics.csv"),
    }
