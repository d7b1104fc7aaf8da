# Other methods in the same harness as k-means, evaluated by the same code.
# Quantizers (the classic ones: median cut, octree, random codebook,
# libimagequant, Wu): per image x quantizer, build the palette at every k, in
# 8-bit RGB. They have no colour space: their runs record the space as "-" and
# live under results/<experiment>/baselines/ (the folder keeps its old name, so
# that results made before the rename stay valid). Other clusterers (scikit-learn's, k-means from Wu's
# palette): per image x method x space, like k-means, under clusterers/.


localrules:
    summarise_methods,


rule quantize_with_quantizer:
    input:
        distinct=results("prepared/{image}/distinct.npz"),
    output:
        **per_run_outputs(QUANTIZER_RUNS),
    log:
        results("logs/quantize_with_quantizer/{image}/{method}.log"),
    benchmark:
        results("benchmarks/quantize_with_quantizer/{image}/{method}.tsv")
    wildcard_constraints:
        method="|".join(method_names("quantizer")),
    conda:
        "../envs/colourquant.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, input, attempt: attempt * quantize_mb(input),
        runtime=lambda wildcards, input, attempt: attempt
        * (1 + len(K_VALUES) * (0.1 + size_mb(input) / 50 + dither_minutes(input))),
    params:
        seed=config["fit"]["seed"],
        k_values=K_VALUES,
        run_dirs=run_dirs(QUANTIZER_RUNS),
        dithers=DITHER_VARIANTS,
    script:
        "../scripts/quantize_with_quantizer.py"


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
        mem_mb=lambda wildcards, input, attempt: attempt
        * (1000 + 12 * size_mb(input) + dither_mb(input)),
        runtime=lambda wildcards, input, attempt: attempt
        * (2 + len(K_VALUES) * (0.5 + size_mb(input) / 20 + dither_minutes(input))),
    params:
        fit=config["fit"],
        k_values=K_VALUES,
        run_dirs=run_dirs(CLUSTER_RUNS),
        dithers=DITHER_VARIANTS,
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
