"""Decode an image once and store it as distinct colours, counts and pixel index."""

from colourquant.colours import distinct_colours
from colourquant.files import save_distinct
from colourquant.images import SAMPLE_PREFIX, ImageError, load_image, sample_image
from colourquant.jobs import run_job


def main():
    name, source = snakemake.wildcards.image, snakemake.params.source
    if source.startswith(SAMPLE_PREFIX):
        loaded = sample_image(source.removeprefix(SAMPLE_PREFIX), name=name)
    else:
        loaded = load_image(snakemake.params.path, name=name)
    save_distinct(
        snakemake.output.distinct,
        distinct_colours(loaded.rgb),
        source_mode=loaded.source_mode,
        alpha=loaded.alpha,
        n_frames=str(loaded.n_frames),
        colour_profile=loaded.colour_profile,
    )


run_job(main, snakemake.log[0], expected=(ImageError,))
