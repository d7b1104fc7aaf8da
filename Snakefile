# colourquant: k-means colour quantization across images x colour spaces x k.
# Run with `snakemake --cores 8`; build the report with
# `snakemake --report results/default/report.html` (results/<experiment>/).
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/config.smk"
include: "workflow/rules/failures.smk"
include: "workflow/rules/paths.smk"
include: "workflow/rules/targets.smk"
include: "workflow/rules/prepare.smk"
include: "workflow/rules/quantize.smk"
include: "workflow/rules/quantizers.smk"
include: "workflow/rules/dither.smk"
include: "workflow/rules/aggregate.smk"
include: "workflow/rules/explore.smk"
include: "workflow/rules/study.smk"
include: "workflow/rules/report.smk"


report: front_page()


onerror:
    report_failed_jobs()


rule all:
    default_target: True
    input:
        final_outputs(),
        dither_outputs(),
        report_page_files(),
