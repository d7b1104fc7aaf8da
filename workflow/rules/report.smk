# The tables and texts the report shows, as HTML pages: Snakemake's report
# shows an HTML result in the page, while a CSV or text can only be downloaded.


localrules:
    report_pages,


# The pages, their sources and report labels: REPORT_PAGES (rules/targets.smk).
rule report_pages:
    input:
        **{name: source for name, (source, *_) in REPORT_PAGES.items()},
    output:
        **{
            name: report(
                results(f"report/{name}.html"),
                caption=f"../report/{caption}",
                category=category,
                labels=labels,
            )
            for name, (_, caption, category, labels) in REPORT_PAGES.items()
        },
    log:
        results("logs/report_pages.log"),
    conda:
        "../envs/colourquant.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/report_pages.py"
