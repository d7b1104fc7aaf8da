# The tables and texts the report shows, as HTML pages: Snakemake's report
# shows an HTML result in the page, while a CSV or text can only be downloaded.


localrules:
    report_pages,


def report_page_sources():
    """Each page's source file, caption, category and labels, by output name."""
    pages = {
        "metrics": (
            results("metrics.csv"),
            "metrics.rst",
            "Tables",
            {"table": "all runs"},
        ),
        "headline": (
            results("summary/headline.csv"),
            "headline.rst",
            "Tables",
            {"table": "headline"},
        ),
        "config": (
            results("config.yaml"),
            "config.rst",
            "Configuration",
            {"file": "config.yaml"},
        ),
    }
    if OTHER_METHODS:
        pages["methods"] = (
            results("summary/methods.csv"),
            "methods.rst",
            COMPARISON_CATEGORY,
            {"image": "all", "figure": "table"},
        )
    if COMPARE_SPACES:
        for name in STUDY_TABLES:
            pages[name] = (
                results(f"study/{name}.csv"),
                "study_tables.rst",
                "Study",
                {"figure": f"table: {name}"},
            )
        pages["all_findings"] = (
            results("study/all_findings.txt"),
            "study_findings.rst",
            "Study",
            {"figure": "4 findings at every k"},
        )
    return pages


REPORT_PAGES = report_page_sources()


def report_page_files():
    """The HTML pages of the report, for rule all."""
    return [results(f"report/{name}.html") for name in REPORT_PAGES]


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
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/report_pages.py"
