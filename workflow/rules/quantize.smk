# Per image x colour space: convert the distinct colours once, then fit k-means
# and evaluate at every k, writing each run's files and the inertia curve.
# One job per image x space rather than per run: a job's fixed cost (process
# start, imports, loading the image) is larger than a fit, see README.


rule quantize:
    input:
        distinct=results("prepared/{image}/distinct.npz"),
    output:
        **per_run_outputs(RUNS),
        curve=results("curves/{image}/{space}.csv"),
    log:
        results("logs/quantize/{image}/{space}.log"),
    benchmark:
        results("benchmarks/quantize/{image}/{space}.tsv")
    conda:
        "../envs/colourquant.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, input, attempt: attempt * quantize_mb(input),
        runtime=lambda wildcards, input, attempt: attempt
        * (1 + len(K_VALUES) * (0.1 + size_mb(input) / 50 + dither_minutes(input))),
    params:
        fit=config["fit"],
        k_values=K_VALUES,
        run_dirs=run_dirs(RUNS),
        dithers=DITHER_VARIANTS,
    script:
        "../scripts/quantize.py"
