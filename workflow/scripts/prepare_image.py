"""Decode an image once and store it as distinct colours, counts and pixel index."""

from colourquant.colours import distinct_colours
from colourquant.files import save_distinct
from colourquant.images import ImageError
from colourquant.jobs import run_job
from colourquant.sources import image_source, load_image_source


def main():
    params = snakemake.params
    source = image_source(
        params.source, name=snakemake.wildcards.image, sha256=params.sha256 or None
    )
    # A URL's file was downloaded (and checked) by its fetch_image job.
    loaded = load_image_source(source, path=params.path)
    save_distinct(snakemake.output.distinct, distinct_colours(loaded.rgb), **loaded.metadata)


run_job(main, snakemake.log[0], expected=(ImageError,))
