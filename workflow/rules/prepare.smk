# Per image: fetch (URLs only) and decode once into distinct colours.


# Downloads run where Snakemake runs: cluster nodes often have no internet access.
localrules:
    fetch_image,


rule fetch_image:
    output:
        image=results("downloads/{image}"),
    log:
        results("logs/fetch_image/{image}.log"),
    conda:
        "../envs/colourquant.yaml"
    threads: 1
    resources:
        mem_mb=200,
        runtime=lambda wildcards: 1 + config["download_timeout"] / 60,
    params:
        url=lambda wildcards: IMAGES[wildcards.image]["source"],
        sha256=lambda wildcards: IMAGES[wildcards.image].get("sha256", ""),
    script:
        "../scripts/fetch_image.py"


# A prepare job's memory grows with the pixels the image declares in its
# header, not with the file's size: a 0.3 MB PNG can declare 100 megapixels.
# Measured by benchmarks/prepare_memory.py (docs/performance.md).
PREPARE_BASE_MB = 300
PREPARE_MB_PER_MEGAPIXEL = 20


rule prepare_image:
    input:
        image=image_input,
    output:
        distinct=results("prepared/{image}/distinct.npz"),
    log:
        results("logs/prepare_image/{image}.log"),
    benchmark:
        results("benchmarks/prepare_image/{image}.tsv")
    conda:
        "../envs/colourquant.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, input, attempt: attempt
        * (PREPARE_BASE_MB + PREPARE_MB_PER_MEGAPIXEL * megapixels(input)),
        runtime=lambda wildcards, input, attempt: attempt * (1 + megapixels(input) / 10),
    params:
        source=lambda wildcards: IMAGES[wildcards.image]["source"],
        path=image_file,
        sha256=lambda wildcards: IMAGES[wildcards.image].get("sha256", ""),
    script:
        "../scripts/prepare_image.py"
