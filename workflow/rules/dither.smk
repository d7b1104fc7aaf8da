# Dithered variants (config key `dither`): the quantize, cluster and
# quantize_with_quantizer jobs write each run's variants beside it
# (DITHER_VARIANTS, rules/config.smk); here, one image's figures of its
# variants (the comparison figures of each, and every variant side by side at
# each k) and the study of variants. Their paths and outputs are at the end of
# rules/paths.smk and rules/targets.smk.


# Without variants there is nothing to draw (and the rule would have no output).
if DITHER_VARIANTS:

    rule plot_dithered:
        input:
            unpack(plot_dithered_inputs),
        output:
            **dither_figure_outputs(),
        log:
            results("logs/plot_dithered/{image}.log"),
        benchmark:
            results("benchmarks/plot_dithered/{image}.tsv")
        conda:
            "../envs/colourquant.yaml"
        threads: 1
        resources:
            mem_mb=lambda wildcards, input, attempt: attempt
            * (1000 + 2 * size_mb(input)),
            runtime=lambda wildcards, input, attempt: attempt
            * (2 + size_mb(input) / 100),
        params:
            spaces=SPACES,
            baselines=OTHER_METHODS,
            clusterers=CLUSTER_METHODS,
            reference=REFERENCE,
            comparison=COMPARISON_FIGURES,
            quantized=lambda wildcards: variant_paths(
                wildcards.image, RUN_FILES["quantized"]
            ),
        script:
            "../scripts/plot_dithered.py"


# Across images: does dithering change which space is best, and from which k
# does it stop mattering (colourquant.study.dithering)? Needs two spaces.
if DITHER_VARIANTS and COMPARE_SPACES:

    localrules:
        study_dithering,

    rule study_dithering:
        input:
            metrics=results("metrics.csv"),
        output:
            # In the report as HTML pages (rules/report.smk).
            **dither_study_tables(),
            findings=results("study/dither_findings.txt"),
            figure=report(
                results("figures/study/dithering.png"),
                caption="../report/study_dithering.rst",
                category="Study",
                labels={"figure": "5 dithering vs none"},
            ),
        log:
            results("logs/study_dithering.log"),
        conda:
            "../envs/colourquant.yaml"
        threads: 1
        resources:
            mem_mb=1000,
            runtime=10,
        params:
            reference=REFERENCE,
            seed=config["fit"]["seed"],
            spaces=SPACES,
        script:
            "../scripts/study_dithering.py"
