# Across runs: the tidy metrics table, the figures and the report's front page.


# Cheap steps on tables run where Snakemake runs; figures of many images go
# to the cluster. An image's figures are drawn by one job: most of a small
# figure job's time is starting Python and importing matplotlib (see README).
localrules:
    collect_metrics,
    summarise,
    plot_inertia_overview,


rule collect_metrics:
    input:
        metrics=with_variants(
            run_files("metrics.csv") + other_method_files("metrics.csv")
        ),
    output:
        # In the report as an HTML page (rules/report.smk).
        metrics=results("metrics.csv"),
    log:
        results("logs/collect_metrics.log"),
    conda:
        "../envs/colourquant.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        images=list(IMAGES),
        spaces=SPACES,
        methods=METHODS,
        dithers=DITHER_VARIANTS,
    script:
        "../scripts/collect_metrics.py"


rule plot_image:
    input:
        unpack(plot_image_inputs),
    output:
        # One per entry of colourquant.image_figures.IMAGE_FIGURES (targets.smk).
        **image_figure_outputs(),
    log:
        results("logs/plot_image/{image}.log"),
    benchmark:
        results("benchmarks/plot_image/{image}.tsv")
    conda:
        "../envs/colourquant.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, input, attempt: attempt * (1000 + 2 * size_mb(input)),
        runtime=lambda wildcards, input, attempt: attempt * (2 + size_mb(input) / 100),
    params:
        spaces=SPACES,
        other_methods=OTHER_METHODS,
        clusterers=CLUSTER_METHODS,
        reference=REFERENCE,
        k_values=K_VALUES,
        quantized=lambda wildcards: quantized_files(wildcards.image),
        cluster_sizes_k=CLUSTER_SIZES_K,
        centres=lambda wildcards: run_file_paths(
            wildcards.image, RUN_FILES["centres"], CLUSTER_SIZES_K, other_methods=False
        ),
    script:
        "../scripts/plot_image.py"


rule plot_inertia_overview:
    input:
        curves=expand(
            results("curves/{image}/{space}.csv"), image=list(IMAGES), space=SPACES
        ),
    output:
        figure=report(
            results("figures/inertia_overview.png"),
            caption="../report/inertia_overview.rst",
            category="Inertia",
            labels={"image": "all", "figure": "normalised inertia"},
        ),
    log:
        results("logs/plot_inertia_overview.log"),
    conda:
        "../envs/colourquant.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        spaces=SPACES,
    script:
        "../scripts/plot_inertia_overview.py"


rule summarise:
    input:
        metrics=results("metrics.csv"),
        template=workflow.source_path("../report/front_page.template.rst"),
        findings=study_findings(),
        answers=study_answers(),
        picture=front_page_picture()["path"],
    output:
        # The headline table and the config are in the report as HTML pages
        # (rules/report.smk).
        headline=results("summary/headline.csv"),
        front_page=results("summary/front_page.rst"),
        config=results("config.yaml"),
    log:
        results("logs/summarise.log"),
    conda:
        "../envs/colourquant.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        # The config's digest, not the config: it reruns the job when the
        # config changes, while Snakemake's report copies a job's params into
        # its HTML unescaped (a config's image source could end a <script>
        # there). The script reads snakemake.config.
        config_sha256=CONFIG_SHA256,
        spaces=SPACES,
        # The first image, named in the front page's example searches.
        image=next(iter(IMAGES)),
        caption=front_page_picture()["caption"],
    script:
        "../scripts/summarise.py"
