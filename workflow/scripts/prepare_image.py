"""Decode an image once and store it as distinct colours, counts and pixel index."""

from colourquant.colours import distinct_colours
from colourquant.downloads import check_sha256, is_url
from colourquant.files import save_distinct
from colourquant.images import SAMPLE_PREFIX, ImageError, load_image, sample_image
from colourquant.jobs import run_job


def main():
    name, source = snakemake.wildcards.image, snakemake.params.source
    if source.startswith(SAMPLE_PREFIX):
        loaded = sample_image(source.removeprefix(SAMPLE_PREFIX), name=name)
    else:
        path = snakemake.params.path
        # A download was checked as it arrived; messages name its URL, not the copy.
        label = f"{source} (downloaded to {path})" if is_url(source) else None
        loaded = load_image(path, name=name, source=label)
        if snakemake.params.sha256 and not is_url(source):
            check_sha256(path, snakemake.params.sha256, name=name, source=path)
    save_distinct(
        snakemake.output.distinct,
        distinct_colours(loaded.rgb),
        source_mode=loaded.source_mode,
        alpha=loaded.alpha,
        n_frames=str(loaded.n_frames),
        colour_profile=loaded.colour_profile,
    )


run_job(main, snakemake.log[0], expected=(ImageError,))
