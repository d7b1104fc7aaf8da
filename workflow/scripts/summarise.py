"""Write the headline table, the config the outputs were made with, and the report's front page."""

import json
from pathlib import Path

import pandas as pd
import yaml

from colourquant.files import atomic_path, write_table
from colourquant.jobs import run_job
from colourquant.summary import front_page_rst, headline_table, package_versions, picture_block


def main():
    # The config from Snakemake, not from params: a job's params are copied
    # into the report's HTML unescaped (see the rule).
    config, output = dict(snakemake.config), snakemake.output
    headline = headline_table(pd.read_csv(snakemake.input.metrics), snakemake.params.spaces)
    write_table(output.headline, headline)
    with atomic_path(output.config) as temporary:
        temporary.write_text(yaml.safe_dump(config, sort_keys=False))
    template = Path(snakemake.input.template).read_text()
    # The study's sentences, when there is a study (two spaces or more).
    findings = snakemake.input.findings and Path(snakemake.input.findings).read_text()
    answers = snakemake.input.answers and json.loads(Path(snakemake.input.answers).read_text())
    picture = picture_block(Path(snakemake.input.picture).read_bytes(), snakemake.params.caption)
    page = front_page_rst(
        template,
        config,
        package_versions(config["methods"]),
        headline,
        (findings or "").splitlines(),
        answers or {},
        picture,
    )
    with atomic_path(output.front_page) as temporary:
        temporary.write_text(page)


run_job(main, snakemake.log[0], expected=(ValueError,))
