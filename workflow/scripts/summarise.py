"""Write the headline table, the config the outputs were made with, and the report's front page."""

import pandas as pd
import yaml

from colourquant.files import write_table, write_text
from colourquant.jobs import run_job
from colourquant.summary import front_page_from_files, headline_table


def main():
    # The config from Snakemake, not from params: a job's params are copied
    # into the report's HTML unescaped (see the rule).
    config, inputs, params = dict(snakemake.config), snakemake.input, snakemake.params
    output = snakemake.output
    headline = headline_table(pd.read_csv(inputs.metrics), params.spaces)
    write_table(output.headline, headline)
    write_text(output.config, yaml.safe_dump(config, sort_keys=False))
    # The study's findings and answers are inputs only with a study (two spaces or more).
    page = front_page_from_files(
        inputs.template, config, headline, params.image, inputs.picture, params.caption,
        inputs.findings or None, inputs.answers or None,
    )  # fmt: skip
    write_text(output.front_page, page)


run_job(main, snakemake.log[0], expected=(ValueError,))
