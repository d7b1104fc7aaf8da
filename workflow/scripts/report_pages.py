"""Write the tables and texts the report shows as HTML pages (colourquant.report_pages)."""

from pathlib import Path

import pandas as pd

from colourquant.files import write_text
from colourquant.jobs import run_job
from colourquant.report_pages import table_page, text_page


def main():
    for name, source in snakemake.input.items():
        source = Path(source)
        if source.suffix == ".csv":
            note = f"{source.name}, with every digit, is in the experiment's results folder."
            page = table_page(pd.read_csv(source), source.name, note)
        else:
            page = text_page(source.read_text(), source.name, preformatted=source.suffix == ".yaml")
        write_text(snakemake.output[name], page)


run_job(main, snakemake.log[0], expected=(ValueError,))
