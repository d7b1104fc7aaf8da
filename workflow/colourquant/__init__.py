"""colourquant: k-means colour quantization experiments across colour spaces.

The science of the colourquant workflow as small functions on numpy arrays.
It knows nothing of Snakemake: the workflow's scripts call these functions
and do all file input and output.
"""

__version__ = "0.1.0"
