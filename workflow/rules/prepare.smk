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
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=200,
        runtime=10,
    params:
        url=lambda wildcards: IMAGES[wildcards.image]["source"],
        sha256=lambda wildcards: IMAGES[wildcards.image].get("sha256", ""),
    script:
        "../scripts/fetch_image.py"


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
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, input, attempt: attempt * (1000 + 60 * size_mb(input)),
        runtime=lambda wildcards, input, attempt: attempt * (1 + size_mb(input) / 20),
    params:
        source=lambda wildcards: IMAGES[wildcards.image]["source"],
        path=image_file,
    script:
        "../scripts/prepare_image.py"
