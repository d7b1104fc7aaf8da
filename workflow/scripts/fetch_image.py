"""Download an image given by URL, checking its SHA-256 when one is configured."""

import sys

from colourquant.downloads import download_image
from colourquant.images import ImageError
from colourquant.jobs import run_job


def main():
    download_image(
        snakemake.params.url,
        snakemake.output.image,
        name=snakemake.wildcards.image,
        sha256=snakemake.params.sha256 or None,
        # From the config, not params: changing a limit must not rerun downloads.
        timeout=snakemake.config["download_timeout"],
        max_bytes=round(snakemake.config["download_max_mb"] * 1_000_000),
        # The job's log is its stderr (run_job); the bar goes to the terminal.
        progress=sys.__stderr__,
    )


run_job(main, snakemake.log[0], expected=(ImageError,))
