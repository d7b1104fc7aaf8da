# Other methods in the same harness as k-means, evaluated by the same code.
# Classic quantizers (median cut, octree, random codebook, libimagequant, Wu):
# per image x method, build the palette at every k, in 8-bit RGB. They have no
# colour space: their runs live under results/<experiment>/baselines/ and
# record the space as "-". Other clusterers (scikit-learn's, k-means from Wu's
# palette): per image x method x space, like k-means, under clusterers/.


localrules:
    summarise_methods,


rule quantize_baseline:
    input:
        distinct=results("prepared/{image}/distinct.npz"),
    output:
        **per_run_outputs(BASELINE_RUNS),
    log:
        results("logs/quantize_baseline/{image}/{method}.log"),
    benchmark:
        results("benchmarks/quantize_baseline/{image}/{method}.tsv")
    wildcard_constraints:
        method="|".join(method_names("quantizer")),
    conda:
        "../envs/colourquant.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, input, attempt: attempt * (600 + 12 * size_mb(input)),
        runtime=lambda wildcards, input, attempt: attempt
        * (1 + len(K_VALUES) * (0.1 + size_mb(input) / 50)),
    params:
        seed=config["fit"]["seed"],
        k_values=K_VALUES,
        run_dirs=run_dirs(BASELINE_RUNS),
    script:
        "../scripts/quantize_baseline.py"


rule cluster:
    input:
        distinct=results("prepared/{image}/distinct.npz"),
    output:
        **per_run_outputs(CLUSTER_RUNS),
    log:
        results("logs/cluster/{image}/{method}/{space}.log"),
    benchmark:
        results("benchmarks/cluster/{image}/{method}/{space}.tsv")
    wildcard_constraints:
        method="|".join(method_names("clusterer")),
    conda:
        "../envs/colourquant.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, input, attempt: attempt * (1000 + 12 * size_mb(input)),
        runtime=lambda wildcards, input, attempt: attempt
        * (2 + len(K_VALUES) * (0.5 + size_mb(input) / 20)),
    params:
        fit=config["fit"],
        k_values=K_VALUES,
        run_dirs=run_dirs(CLUSTER_RUNS),
    script:
        "../scripts/cluster.py"


rule summarise_methods:
    input:
        metrics=results("metrics.csv"),
    output:
        # In the report as an HTML page (rules/report.smk).
        table=results("summary/methods.csv"),
    log:
        results("logs/summarise_methods.log"),
    conda:
        "../envs/colourquant.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        methods=METHODS,
        spaces=SPACES,
    script:
        "../scripts/summarise_methods.py"
