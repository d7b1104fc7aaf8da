"""Download an image given by URL, checking its SHA-256 when one is configured."""

from colourquant.files import run_job
from colourquant.images import ImageError, download_image


def main():
    download_image(
        snakemake.params.url,  # noqa: F821
        snakemake.output.image,  # noqa: F821
        name=snakemake.wildcards.image,  # noqa: F821
        sha256=snakemake.params.sha256 or None,  # noqa: F821
    )


run_job(main, snakemake.log[0], expected=(ImageError,))  # noqa: F821
