"""colourquant: k-means colour quantization experiments across colour spaces.

The science of the colourquant workflow as small functions on numpy arrays.
It knows nothing of Snakemake: the workflow's scripts call these functions
and do all file input and output.

The public API, for a notebook or a script (the same code the workflow runs):

- :func:`quantize` reduces an image to k colours in one colour space and
  returns a :class:`Quantization` (image, palette, labels, metrics row);
- :func:`compare` does it at several k in several spaces and returns the
  metrics as a table, and the comparison figure;
- :class:`ColourQuantizer` is the same fit as a scikit-learn estimator,
  to quantize other images with a fitted palette;
- :func:`read_image` reads a file, an http(s) URL, a scikit-image sample or
  an array as the workflow does.

The command line is ``colourquant`` (:mod:`colourquant.cli`).
"""

__version__ = "0.1.0"

__all__ = ["ColourQuantizer", "Quantization", "compare", "quantize", "read_image"]

# Imported on first use, not with the package: the workflow's jobs import
# colourquant's modules, and the estimator imports scikit-learn (0.6 s).
_LAZY = {
    "ColourQuantizer": "estimator",
    "Quantization": "api",
    "compare": "api",
    "quantize": "api",
    "read_image": "api",
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *__all__])
