# Across images: which colour space quantizes better, from which k the spaces
# stop differing, and how sure that is (colourquant.study). Needs two spaces.


# Tables of a few thousand rows: it runs where Snakemake runs, like summarise.
localrules:
    study,


rule study:
    input:
        metrics=results("metrics.csv"),
        differences=expand(results("differences/{image}.csv"), image=list(IMAGES)),
        distinct=list(distinct_files().values()),
    output:
        **study_table_outputs(),
        differences_figure=report(
            results("figures/study/differences_from_reference.png"),
            caption="../report/study_differences.rst",
            category="Study",
            labels={"figure": "1 difference from the reference"},
        ),
        ranks_figure=report(
            results("figures/study/ranks.png"),
            caption="../report/study_ranks.rst",
            category="Study",
            labels={"figure": "2 ranks"},
        ),
        convergence_figure=report(
            results("figures/study/convergence.png"),
            caption="../report/study_convergence.rst",
            category="Study",
            labels={"figure": "3 when spaces stop differing"},
        ),
        critical_difference_figure=report(
            results("figures/study/critical_difference.png"),
            caption="../report/study_critical_difference.rst",
            category="Study",
            labels={"figure": "2b critical difference, largest k"},
        ),
        characteristics_figure=report(
            results("figures/study/characteristics.png"),
            caption="../report/study_characteristics.rst",
            category="Study",
            labels={"figure": "3b image characteristics, largest k"},
        ),
        findings=results("study/findings.txt"),
        # In the report as an HTML page (rules/report.smk).
        all_findings=results("study/all_findings.txt"),
        answers=results("study/answers.json"),
    log:
        results("logs/study.log"),
    conda:
        "../envs/colourquant.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, input, attempt: attempt * (1000 + 2 * size_mb(input)),
        runtime=10,
    params:
        reference=REFERENCE,
        seed=config["fit"]["seed"],
        spaces=SPACES,
        largest_k=K_VALUES[-1],
        distinct=distinct_files(),
    script:
        "../scripts/study.py"
