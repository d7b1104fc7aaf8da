"""Classic colour quantizers (the ``quantizer`` methods), run in the same harness as k-means.

Each function builds a palette of at most k 8-bit sRGB colours from an 8-bit
RGB image; it does not assign pixels. The workflow measures every palette
exactly as it measures k-means' centres: the palette, as coordinates of the
``RGB`` space, goes through :func:`colourquant.evaluate.evaluate_centres`, which
assigns each pixel to its nearest palette colour (Euclidean distance in RGB)
and computes every metric.

- :func:`median_cut_palette`: Pillow's median cut (Heckbert 1982).
- :func:`octree_palette`: Pillow's fast octree.
- :func:`random_codebook_palette`: k pixels drawn at random, as in
  scikit-learn's example "Color Quantization using K-Means".
- :func:`libimagequant_palette`: libimagequant (the engine of pngquant),
  through the optional ``imagequant`` binding (``colourquant[quantizers]``).
- :func:`wu_quantizer_palette`: Wu's greedy variance-minimising box
  splits (1991), in numpy.

A palette never holds the same colour twice: its length, ``k_effective``, may be
below k (an image with fewer colours, a random draw that hits a colour twice,
or Pillow returning fewer colours).
"""

from __future__ import annotations

import numbers

import numpy as np

from .._validation import check_k, check_rgb8_image

__all__ = [
    "NO_SPACE",
    "PILLOW_MAX_COLOURS",
    "median_cut_palette",
    "octree_palette",
    "random_codebook_palette",
    "libimagequant_palette",
    "libimagequant_version",
    "wu_quantizer_palette",
]

#: The ``space`` recorded for classic quantizers: they have no colour-space
#: choice (all work on 8-bit RGB). Not "n/a", which pandas reads as missing.
NO_SPACE = "-"

#: The largest palette Pillow's quantizers build.
PILLOW_MAX_COLOURS = 256


def _distinct_rows(colours: np.ndarray) -> np.ndarray:
    """`colours` with repeated rows removed, keeping the first of each, in order."""
    _, first = np.unique(colours, axis=0, return_index=True)
    return np.ascontiguousarray(colours[np.sort(first)], dtype=np.uint8)


def _pillow_palette(image: np.ndarray, k: int, method_name: str) -> np.ndarray:
    from PIL import Image

    image = check_rgb8_image(image)
    k = check_k(k, PILLOW_MAX_COLOURS, why=", the most colours Pillow's quantizers build")
    method = getattr(Image.Quantize, method_name)
    quantized = Image.fromarray(np.ascontiguousarray(image)).quantize(
        colors=k, method=method, dither=Image.Dither.NONE
    )
    palette = np.asarray(quantized.getpalette("RGB"), dtype=np.uint8).reshape(-1, 3)
    # Only the entries Pillow's own mapping uses: the fast octree pads its
    # palette to k entries with black when it finds fewer colour buckets.
    used = np.unique(np.asarray(quantized))
    return _distinct_rows(palette[used])


def median_cut_palette(image: np.ndarray, k: int) -> np.ndarray:
    """Palette of Pillow's median cut (``Image.Quantize.MEDIANCUT``), without dithering.

    Heckbert's median cut: starting from the box around all colours, split
    the box holding the most pixels, across its longest side (Pillow weighs
    the R, G and B ranges by luminance), at the median pixel, until there are
    k boxes; each box's colour is the mean of its pixels.

    Parameters
    ----------
    image : ndarray of uint8, shape (height, width, 3)
    k : int
        Number of colours, 1 to 256.

    Returns
    -------
    ndarray of uint8, shape (k_effective, 3)
        The distinct colours of the boxes Pillow maps pixels to
        (``k_effective <= k``).

    Raises
    ------
    ValueError
        If `image` is not a non-empty 8-bit RGB array or `k` is not in 1-256.
    """
    return _pillow_palette(image, k, "MEDIANCUT")


def octree_palette(image: np.ndarray, k: int) -> np.ndarray:
    """Palette of Pillow's fast octree (``Image.Quantize.FASTOCTREE``), without dithering.

    Pillow's variant of octree quantization uses two fixed levels of the RGB
    octree: 4 x 4 x 4 coarse cells (depth 2) and 16 x 16 x 16 fine cells
    (depth 4). The palette is the occupied coarse cells, most pixels first, up
    to k, and the remaining places go to the most populated fine cells (whose
    pixels are then taken out of their coarse cell); each colour is the mean of
    its cell's pixels. For k below the number of occupied coarse cells, the
    palette is just the k most populated 4 x 4 x 4 cells.

    Parameters
    ----------
    image : ndarray of uint8, shape (height, width, 3)
    k : int
        Number of colours, 1 to 256.

    Returns
    -------
    ndarray of uint8, shape (k_effective, 3)
        The distinct colours Pillow maps pixels to (``k_effective <= k``;
        colours sharing a fine cell are merged).

    Raises
    ------
    ValueError
        If `image` is not a non-empty 8-bit RGB array or `k` is not in 1-256.
    """
    return _pillow_palette(image, k, "FASTOCTREE")


def random_codebook_palette(image: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Palette of k pixels drawn at random, as scikit-learn's colour-quantization example.

    Draws ``min(k, n_pixels)`` distinct pixel positions with
    ``sklearn.utils.shuffle(pixels, random_state=seed, n_samples=k)``, the
    example's "random codebook", so colours are drawn in proportion to their
    pixel counts. A colour drawn more than once is kept once.

    Parameters
    ----------
    image : ndarray of uint8, shape (height, width, 3)
    k : int
        Number of pixels to draw, at least 1.
    seed : int
        Seed of the draw.

    Returns
    -------
    ndarray of uint8, shape (k_effective, 3)
        The distinct colours drawn, in the order first drawn.

    Raises
    ------
    ValueError
        If `image` is not a non-empty 8-bit RGB array, `k` is below 1 or
        `seed` is not an integer.
    """
    from sklearn.utils import shuffle

    pixels = check_rgb8_image(image).reshape(-1, 3)
    k = check_k(k)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ValueError(f"seed must be an integer, got {seed!r}")
    drawn = shuffle(pixels, random_state=int(seed), n_samples=min(k, len(pixels)))
    return _distinct_rows(drawn)


def _imagequant():
    try:
        import imagequant
    except ImportError:
        raise ValueError(
            "method 'libimagequant' needs the optional package 'imagequant': "
            "pip install 'colourquant[quantizers]'"
        ) from None
    return imagequant


def libimagequant_version() -> str | None:
    """libimagequant's version (``2.15.1``), or None if the binding is not installed."""
    try:
        lib = _imagequant().lib
    except ValueError:
        return None
    version = int(lib.liq_version())  # major * 10000 + minor * 100 + patch
    return f"{version // 10000}.{version // 100 % 100}.{version % 100}"


def libimagequant_palette(image: np.ndarray, k: int) -> np.ndarray:
    """Palette of libimagequant (pngquant's engine), without dithering.

    Through the ``imagequant`` binding (PyPI, BSD-3; the library it bundles
    is GPL-3, hence an optional extra: ``pip install 'colourquant[quantizers]'``),
    at its default speed and quality 0-100 (never refuses an image). The
    palette is the one libimagequant holds after remapping the image without
    dithering (it refines the palette while remapping); the harness then maps
    each pixel to its nearest palette colour, as for every classic quantizer.

    Parameters
    ----------
    image : ndarray of uint8, shape (height, width, 3)
    k : int
        Number of colours, 1 to 256.

    Returns
    -------
    ndarray of uint8, shape (k_effective, 3)
        Its distinct colours (``k_effective <= k``).

    Raises
    ------
    ValueError
        If the binding is missing (naming the extra to install), `image` is
        not a non-empty 8-bit RGB array or `k` is not in 1-256.
    """
    imagequant = _imagequant()
    image = check_rgb8_image(image)
    k = check_k(k, PILLOW_MAX_COLOURS, why=", the most colours libimagequant builds")
    height, width = image.shape[:2]
    rgba = np.empty((height, width, 4), dtype=np.uint8)
    rgba[..., :3] = image
    rgba[..., 3] = 255
    indices, palette = imagequant.quantize_raw_rgba_bytes(
        rgba.tobytes(), width, height, dithering_level=0.0, max_colors=k
    )
    # The binding returns all 256 palette slots: keep those the image uses.
    used = np.unique(np.frombuffer(indices, dtype=np.uint8))
    return _distinct_rows(np.asarray(palette, dtype=np.uint8).reshape(-1, 4)[used, :3])


def wu_quantizer_palette(image: np.ndarray, k: int) -> np.ndarray:
    """Wu's palette (:func:`colourquant.methods.wu.wu_palette`) of an 8-bit RGB image."""
    from .wu import wu_palette

    return wu_palette(check_rgb8_image(image), k)
