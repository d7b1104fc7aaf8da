"""Write the headline table and the report's front page."""

from pathlib import Path

import pandas as pd
import yaml

from colourquant.files import atomic_path, write_table
from colourquant.jobs import run_job
from colourquant.summary import front_page_rst, headline_table, package_versions


def main():
    headline = headline_table(pd.read_csv(snakemake.input.metrics), snakemake.params.spaces)
    write_table(snakemake.output.headline, headline)
    config_yaml = yaml.safe_dump(
        dict(snakemake.params.config), sort_keys=False, default_flow_style=None, width=50
    )
    with atomic_path(snakemake.output.config) as temporary:
        temporary.write_text(yaml.safe_dump(dict(snakemake.params.config), sort_keys=False))
    with atomic_path(snakemake.output.front_page) as temporary:
        template = Path(snakemake.input.template).read_text()
        page = front_page_rst(template, config_yaml, package_versions(), headline)
        temporary.write_text(page)


run_job(main, snakemake.log[0], expected=(ValueError,))
