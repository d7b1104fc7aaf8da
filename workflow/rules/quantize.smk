# Per image x space x k: fit k-means, then assign every pixel and measure.
# Per image x space: collect the inertia curve over k.


rule fit_kmeans:
    input:
        distinct="results/prepared/{image}/distinct.npz",
        points="results/prepared/{image}/{space}.npy",
    output:
        fit=f"{RUNS}/fit.json",
    log:
        "results/logs/fit_kmeans/{image}/{space}/k{k}.log",
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, input: 500 + 3 * input.size_mb,
        runtime=lambda wildcards, attempt: 20 * attempt,
    params:
        fit=config["fit"],
    script:
        "../scripts/fit_kmeans.py"


rule evaluate_run:
    input:
        distinct="results/prepared/{image}/distinct.npz",
        points="results/prepared/{image}/{space}.npy",
        fit=f"{RUNS}/fit.json",
    output:
        metrics=f"{RUNS}/metrics.csv",
        centres=f"{RUNS}/centres.csv",
        quantized=report(
            f"{RUNS}/quantized.png",
            caption="../report/quantized.rst",
            category="Quantized images",
            subcategory="{image}",
            labels={
                "image": "{image}",
                "space": "{space}",
                "k": "{k}",
                "figure": "image",
            },
        ),
        palette=report(
            f"{RUNS}/palette.png",
            caption="../report/palette.rst",
            category="Palettes",
            subcategory="{image}",
            labels={
                "image": "{image}",
                "space": "{space}",
                "k": "{k}",
                "figure": "palette",
            },
        ),
    log:
        "results/logs/evaluate_run/{image}/{space}/k{k}.log",
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, input: 500 + 8 * input.size_mb,
        runtime=20,
    script:
        "../scripts/evaluate_run.py"


rule inertia_curve:
    input:
        metrics=lambda wildcards: run_files(
            "metrics.csv", images=[wildcards.image], spaces=[wildcards.space]
        ),
    output:
        curve="results/curves/{image}/{space}.csv",
    log:
        "results/logs/inertia_curve/{image}/{space}.log",
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=300,
        runtime=5,
    script:
        "../scripts/inertia_curve.py"
