# Exploration per image, in every space (pixels in the space, channel
# correlation), and how much the quantizations of two spaces differ at each k.

# Pixels drawn for the exploration scatter plots (seeded by fit.seed).
EXPLORE_SAMPLES = 5000


rule explore_image:
    input:
        distinct=results("prepared/{image}/distinct.npz"),
    output:
        **exploration_outputs(),
    log:
        results("logs/explore_image/{image}.log"),
    benchmark:
        results("benchmarks/explore_image/{image}.tsv")
    conda:
        "../envs/colourquant.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, input, attempt: attempt * (800 + 4 * size_mb(input)),
        runtime=lambda wildcards, input, attempt: attempt
        * len(SPACES)
        * (1 + size_mb(input) / 50),
    params:
        spaces=SPACES,
        n_samples=EXPLORE_SAMPLES,
        seed=config["fit"]["seed"],
    script:
        "../scripts/explore_image.py"


rule space_differences:
    input:
        quantized=lambda wildcards: run_files("quantized.png", images=[wildcards.image]),
    output:
        differences=results("differences/{image}.csv"),
    log:
        results("logs/space_differences/{image}.log"),
    benchmark:
        results("benchmarks/space_differences/{image}.tsv")
    conda:
        "../envs/colourquant.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, input, attempt: attempt * (1000 + 2 * size_mb(input)),
        runtime=lambda wildcards, input, attempt: attempt * (2 + size_mb(input) / 20),
    params:
        spaces=SPACES,
        k_values=K_VALUES,
        quantized=lambda wildcards: quantized_files(
            wildcards.image, other_methods=False
        ),
    script:
        "../scripts/space_differences.py"
