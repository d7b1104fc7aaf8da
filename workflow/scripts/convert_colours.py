"""Convert an image's distinct colours into one colour space."""

import numpy as np

from colourquant.files import atomic_path, run_job
from colourquant.spaces import from_srgb8


def main():
    with np.load(snakemake.input.distinct) as stored:  # noqa: F821
        colours = stored["colours"]
    points = from_srgb8(colours, snakemake.wildcards.space)  # noqa: F821
    with atomic_path(snakemake.output.points) as temporary:  # noqa: F821
        with open(temporary, "wb") as handle:
            np.save(handle, points)


run_job(main, snakemake.log[0], expected=(ValueError,))  # noqa: F821
