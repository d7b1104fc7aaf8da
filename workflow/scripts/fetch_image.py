"""Download an image given by URL, checking its SHA-256 when one is configured."""

from colourquant.downloads import download_image
from colourquant.images import ImageError
from colourquant.jobs import run_job


def main():
    download_image(
        snakemake.params.url,
        snakemake.output.image,
        name=snakemake.wildcards.image,
        sha256=snakemake.params.sha256 or None,
    )


run_job(main, snakemake.log[0], expected=(ImageError,))
