# Exploration per image x space (pixels in the space, channel correlation) and,
# per image, how much the quantizations of two spaces differ at each k.

# Pixels drawn for the exploration scatter plots (seeded by fit.seed).
EXPLORE_SAMPLES = 5000


localrules:
    plot_differences,


rule explore_space:
    input:
        distinct="results/prepared/{image}/distinct.npz",
    output:
        correlation="results/exploration/{image}/{space}/correlation.csv",
        figure=report(
            "results/figures/{image}/exploration/{space}.png",
            caption="../report/exploration.rst",
            category="Exploration",
            subcategory="{image}",
            labels={"image": "{image}", "space": "{space}", "figure": "exploration"},
        ),
    log:
        "results/logs/explore_space/{image}/{space}.log",
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, input, attempt: attempt * (800 + 4 * size_mb(input)),
        runtime=lambda wildcards, input, attempt: attempt * (2 + size_mb(input) / 50),
    params:
        n_samples=EXPLORE_SAMPLES,
        seed=config["fit"]["seed"],
    script:
        "../scripts/explore_space.py"


rule space_differences:
    input:
        quantized=lambda wildcards: run_files("quantized.png", images=[wildcards.image]),
    output:
        differences="results/differences/{image}.csv",
    log:
        "results/logs/space_differences/{image}.log",
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, input, attempt: attempt * (1000 + 2 * size_mb(input)),
        runtime=lambda wildcards, input, attempt: attempt * (2 + size_mb(input) / 20),
    params:
        spaces=SPACES,
        k_values=K_VALUES,
    script:
        "../scripts/space_differences.py"


rule plot_differences:
    input:
        differences="results/differences/{image}.csv",
    output:
        figure=report(
            "results/figures/{image}/differences.png",
            caption="../report/differences.rst",
            category="Colour space differences",
            labels={"image": "{image}", "figure": "differences between spaces"},
        ),
    log:
        "results/logs/plot_differences/{image}.log",
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/plot_differences.py"
