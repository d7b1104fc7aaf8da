# Across runs: the tidy metrics table, the figures and the report's front page.


localrules:
    collect_metrics,
    summarise,


rule collect_metrics:
    input:
        metrics=run_files("metrics.csv"),
    output:
        metrics=report(
            "results/metrics.csv",
            caption="../report/metrics.rst",
            category="Tables",
            labels={"table": "all runs"},
        ),
    params:
        images=list(IMAGES),
        spaces=SPACES,
    log:
        "results/logs/collect_metrics.log",
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/collect_metrics.py"


rule plot_comparison:
    input:
        distinct="results/prepared/{image}/distinct.npz",
        quantized=lambda wildcards: run_files("quantized.png", images=[wildcards.image]),
    output:
        figure=report(
            "results/figures/{image}/comparison.png",
            caption="../report/comparison.rst",
            category="Comparison",
            labels={"image": "{image}", "figure": "comparison"},
        ),
    params:
        spaces=SPACES,
        k_values=K_VALUES,
    log:
        "results/logs/plot_comparison/{image}.log",
    threads: 1
    resources:
        mem_mb=1500,
        runtime=10,
    script:
        "../scripts/plot_comparison.py"


rule plot_inertia:
    input:
        curves=expand("results/curves/{{image}}/{space}.csv", space=SPACES),
    output:
        figure=report(
            "results/figures/{image}/inertia.png",
            caption="../report/inertia.rst",
            category="Inertia",
            labels={"image": "{image}", "figure": "normalised inertia"},
        ),
    params:
        spaces=SPACES,
    log:
        "results/logs/plot_inertia/{image}.log",
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/plot_inertia.py"


rule plot_inertia_overview:
    input:
        curves=expand("results/curves/{image}/{space}.csv", image=list(IMAGES), space=SPACES),
    output:
        figure=report(
            "results/figures/inertia_overview.png",
            caption="../report/inertia_overview.rst",
            category="Inertia",
            labels={"image": "all", "figure": "normalised inertia"},
        ),
    params:
        spaces=SPACES,
    log:
        "results/logs/plot_inertia_overview.log",
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/plot_inertia_overview.py"


rule plot_quality:
    input:
        metrics="results/metrics.csv",
    output:
        figure=report(
            "results/figures/{image}/quality.png",
            caption="../report/quality.rst",
            category="Quality",
            labels={"image": "{image}", "figure": "quality"},
        ),
    params:
        spaces=SPACES,
    log:
        "results/logs/plot_quality/{image}.log",
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/plot_quality.py"


rule summarise:
    input:
        metrics="results/metrics.csv",
    output:
        headline=report(
            "results/summary/headline.csv",
            caption="../report/headline.rst",
            category="Tables",
            labels={"table": "headline"},
        ),
        front_page="results/summary/front_page.rst",
    params:
        config=config,
        spaces=SPACES,
    log:
        "results/logs/summarise.log",
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/summarise.py"
