# What a run makes: rule all's targets, the figures' and the report's entries.


def final_outputs():
    return [
        results("metrics.csv"),
        results("summary/headline.csv"),
        results("figures/inertia_overview.png"),
        *(
            image_figure_path(name, image)
            for image in IMAGES
            for name in IMAGE_FIGURE_OUTPUTS
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


def k_label(k):
    """k for a report label, padded with spaces (which the report does not show)
    so that its text sort is numeric: 2 before 10, and "all" after every k."""
    return str(k).rjust(len(str(K_VALUES[-1])))


# The k values of the cluster-size figure.
CLUSTER_SIZES_K = cluster_sizes_k(K_VALUES, len(SPACES))
# An image's figures with this config, by output name: (figure, k), from the
# package's table of per-image figures (colourquant.image_figures).
IMAGE_FIGURE_OUTPUTS = figure_outputs(K_VALUES, len(SPACES))
# The kinds of input those figures are drawn from (paths.smk: plot_image_inputs).
PLOT_INPUTS = figure_inputs(IMAGE_FIGURE_OUTPUTS)


# An image's comparison figures, by output name, with their k ("all": every k):
# drawn again for each dithered variant (rules/dither.smk).
COMPARISON_FIGURES = {
    name: "all" if k is None else k
    for name, (figure, k) in IMAGE_FIGURE_OUTPUTS.items()
    if name.startswith("comparison")
}


def dither_label(variant):
    """A variant for a report label: `none` with a leading space (which the report
    does not show), so that the undithered figure sorts before the dithered ones."""
    return f" {variant}" if variant == "none" else variant


def image_figure_path(name, image="{image}"):
    """The file of one of an image's figures, by its output name."""
    figure, _ = IMAGE_FIGURE_OUTPUTS[name]
    return results(f"figures/{image}/{name}.{figure.extension}")


def image_figure_outputs():
    """Named outputs of the plot rule: every figure of IMAGE_FIGURE_OUTPUTS, in the report."""
    outputs = {}
    for name, (figure, k) in IMAGE_FIGURE_OUTPUTS.items():
        labels = {"image": "{image}", "figure": figure.label}
        if figure.k_label:
            labels["k"] = k_label("all" if k is None else k)
        if DITHER_VARIANTS and name in COMPARISON_FIGURES:
            # Beside each dithered variant's (rules/dither.smk).
            labels["dither"] = dither_label("none")
        category = figure.category
        if OTHER_METHODS and figure.category_with_methods:
            category = figure.category_with_methods
        outputs[name] = report(
            image_figure_path(name),
            caption=f"../report/{figure.caption}",
            category=category,
            labels=labels,
        )
    return outputs


def study_findings():
    """The study's headline sentences for the front page; none without two spaces."""
    return results("study/findings.txt") if COMPARE_SPACES else []


def study_answers():
    """The study's answers to the notebook's questions; none without two spaces."""
    return results("study/answers.json") if COMPARE_SPACES else []


def front_page_picture():
    """The picture of the front page: the first image's comparison figure at the middle k."""
    image, k = next(iter(IMAGES)), K_VALUES[(len(K_VALUES) - 1) // 2]
    if f"comparison_k{k}" not in IMAGE_FIGURE_OUTPUTS:
        raise WorkflowError(
            "the report's front page shows the figure 'comparison_k' of "
            "colourquant.image_figures.IMAGE_FIGURES, which the table lacks"
        )
    return {
        "path": image_figure_path(f"comparison_k{k}", image),
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
            OTHER_METHODS_CATEGORY,
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
        if DITHER_VARIANTS:  # the study of dithered variants (rules/dither.smk)
            for name in DITHER_STUDY_TABLES:
                pages[name] = (
                    results(f"study/{name}.csv"),
                    "study_tables.rst",
                    "Study",
                    {"figure": f"table: {name}"},
                )
            pages["dither_findings"] = (
                results("study/dither_findings.txt"),
                "study_dither_findings.rst",
                "Study",
                {"figure": "5b dithering findings"},
            )
    return pages


REPORT_PAGES = report_page_sources()


def report_page_files():
    """The HTML pages of the report, for rule all."""
    return [results(f"report/{name}.html") for name in REPORT_PAGES]


# Dithered variants' figures and study (rules/dither.smk).
def dither_figure_outputs():
    """Named outputs of an image's variant figures, in the report beside the undithered ones."""
    outputs = {}
    for variant in DITHER_VARIANTS:
        for name, k in COMPARISON_FIGURES.items():
            outputs[f"{name}_{variant}"] = report(
                results(f"figures/{{image}}/{variant}/{name}.jpg"),
                caption="../report/comparison_dithered.rst",
                category="Comparison",
                labels={
                    "image": "{image}",
                    "figure": "comparison",
                    "k": k_label(k),
                    "dither": variant,
                },
            )
    for k in K_VALUES:
        outputs[f"dithering_k{k}"] = report(
            results(f"figures/{{image}}/dithering_k{k}.png"),
            caption="../report/dithering.rst",
            category="Dithering",
            labels={
                "image": "{image}",
                "k": k_label(k),
                "figure": "crop, side by side",
            },
        )
    return outputs


def dither_outputs():
    """The variant figures of every image, for rule all; none without variants."""
    if not DITHER_VARIANTS:
        return []
    return [
        str(path).format(image=image)
        for image in IMAGES
        for path in dither_figure_outputs().values()
    ]


def dither_study_tables():
    """Named outputs of the study of dithered variants: its tables."""
    return {name: results(f"study/{name}.csv") for name in DITHER_STUDY_TABLES}
