"""Dithering: map an image to a fixed palette in any colour space, trading flat
error for a mix of palette colours whose local mean is closer to the original.

Both functions work on coordinates, not on 8-bit colours: the image as an
``(height, width, 3)`` float array in a run's colour space (RGB 0–255, CIELab,
OKLab, ...) and the palette, the run's fitted centres, in the same space. A
pixel goes to its nearest palette colour by Euclidean distance in that space,
as the run's own assignment does; the result is the palette row of each pixel,
so the caller writes the image and scores it exactly as it would the
undithered one.

- :func:`floyd_steinberg`: error diffusion (R. W. Floyd and L. Steinberg, "An
  adaptive algorithm for spatial greyscale", 1976), left to right on every row
  (not serpentine, see below), vectorised over anti-diagonal wavefronts.
- :func:`ordered_dither`: ordered dithering with a Bayer threshold matrix,
  fully vectorised.

Both are deterministic: the same input gives the same labels, bit for bit.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "DITHERS",
    "DITHER_NAMES",
    "DITHER_SHORT_NAMES",
    "bayer_matrix",
    "dither_labels",
    "floyd_steinberg",
    "ordered_dither",
    "palette_spacing",
    "value_bounds",
]


def _check_image_palette(image: np.ndarray, palette: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`image` as (h, w, 3) and `palette` as (k, 3) float64 arrays, or one clear ValueError."""
    image = np.asarray(image, dtype=np.float64)
    palette = np.asarray(palette, dtype=np.float64)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"image must have shape (height, width, 3), not {image.shape}")
    if palette.ndim != 2 or palette.shape[1] != 3 or len(palette) == 0:
        raise ValueError(f"palette must have shape (k, 3) with k >= 1, not {palette.shape}")
    for name, values in (("image", image), ("palette", palette)):
        if not np.isfinite(values).all():
            raise ValueError(f"{name} has values that are not finite (NaN or infinite)")
    return image, palette


def value_bounds(
    image: np.ndarray, palette: np.ndarray, margin: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """The per-axis range a diffused value is clipped to: the bounding box of
    the image's coordinates and the palette's, widened by `margin` times its
    size on each side.

    Error diffusion adds neighbours' errors to a pixel's coordinates, which can
    push them outside the colours the space holds (negative RGB, a Lab
    colour outside sRGB). A colour the palette cannot mix (outside the
    palette's hull, as an image's most saturated colours are for a k-means
    palette of cluster means) would pile up error without end and spill it
    over everything after it; clipping to the box the image and palette
    span stops that and needs nothing but the two arrays, so it serves every
    colour space alike. On an 8-bit RGB image holding both 0 and 255 on each
    channel it is exactly Pillow's clamp to 0-255. A wider box (`margin` >
    0) keeps more of the error: block means come closer to the original, at
    the cost of a larger error per pixel.

    Parameters
    ----------
    image : ndarray, shape (height, width, 3)
    palette : ndarray, shape (k, 3)
    margin : float
        How far beyond the box a value may go, as a share of the box's size
        along each axis.

    Returns
    -------
    low, high : ndarray of float64, shape (3,)

    Examples
    --------
    >>> image = np.array([[[10.0, 20.0, 30.0], [40.0, 50.0, 60.0]]])
    >>> palette = np.array([[0.0, 100.0, 35.0]])
    >>> [bound.tolist() for bound in value_bounds(image, palette)]
    [[0.0, 20.0, 30.0], [40.0, 100.0, 60.0]]
    >>> [bound.tolist() for bound in value_bounds(image, palette, margin=0.5)]
    [[-20.0, -20.0, 15.0], [60.0, 140.0, 75.0]]
    """
    image, palette = _check_image_palette(image, palette)
    low = np.minimum(image.min(axis=(0, 1)), palette.min(axis=0))
    high = np.maximum(image.max(axis=(0, 1)), palette.max(axis=0))
    return low - margin * (high - low), high + margin * (high - low)


def _nearest(values: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """Row of `palette` nearest to each of `values` (n, 3), first on a tie.

    The squared distance is summed axis by axis in a fixed order, so a value
    gets the same answer however many others it is computed with.
    """
    axes = palette.T
    squared = (values[:, 0, None] - axes[0]) ** 2
    squared += (values[:, 1, None] - axes[1]) ** 2
    squared += (values[:, 2, None] - axes[2]) ** 2
    return np.argmin(squared, axis=1)


def _nearest_image(values: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """:func:`_nearest` of every pixel of an (h, w, 3) image, a block of rows
    at a time so the distances held stay near a million."""
    height, width, _ = values.shape
    labels = np.empty((height, width), dtype=_label_type(len(palette)))
    block = max(1, 2**20 // max(1, width * len(palette)))
    for start in range(0, height, block):
        rows = slice(start, start + block)
        labels[rows] = _nearest(values[rows].reshape(-1, 3), palette).reshape(-1, width)
    return labels


def _label_type(k: int) -> type:
    return np.uint8 if k <= 256 else np.uint32


def floyd_steinberg(
    image: np.ndarray,
    palette: np.ndarray,
    bounds: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Floyd–Steinberg error diffusion of `image` onto `palette`, in their own space.

    Pixels are visited row by row, left to right (raster order, as Pillow
    does); each goes to the palette colour nearest to its coordinates plus
    the errors diffused to it so far, clipped to `bounds`, and passes its own
    error (diffused value minus chosen colour) on: 7/16 to the right, 3/16
    below left, 5/16 below, 1/16 below right. Error that would leave the
    image is dropped.

    A pixel (y, x) depends only on (y, x - 1) and (y - 1, x - 1 ... x + 1),
    so every pixel on the line x + 2y = t depends only on lines before t:
    the image is processed as ``width + 2 * (height - 1)`` wavefronts, each
    vectorised over its pixels, with exactly the arithmetic (and the order of
    the additions into each pixel's error) of the pixel-by-pixel loop, so the
    result equals it bit for bit. Serpentine scanning (alternate rows right
    to left) would make each row wait for the whole row above and leave no
    wavefront to vectorise; raster order is what Pillow uses too.

    Parameters
    ----------
    image : ndarray, shape (height, width, 3)
        The image's coordinates in a colour space.
    palette : ndarray, shape (k, 3)
        The palette in the same space.
    bounds : (ndarray, ndarray) of shape (3,), optional
        Per-axis lowest and highest diffused value; by default
        :func:`value_bounds` (the box the image and palette span).
        ``(0, 255)`` on 8-bit RGB is Pillow's clamp.

    Returns
    -------
    ndarray of uint8 (uint32 for k > 256), shape (height, width)
        The palette row of each pixel.

    Examples
    --------
    A flat grey exactly halfway between black and white becomes a
    checkerboard-like half-and-half mix:

    >>> grey = np.full((4, 4, 3), 127.5)
    >>> labels = floyd_steinberg(grey, np.array([[0.0, 0, 0], [255.0, 255, 255]]))
    >>> labels.tolist()
    [[0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0]]
    """
    image, palette = _check_image_palette(image, palette)
    low, high = value_bounds(image, palette) if bounds is None else bounds
    low, high = np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)
    height, width, _ = image.shape
    labels = np.empty((height, width), dtype=_label_type(len(palette)))
    # The error diffused to each pixel, by wavefront t = x + 2y and row y: the
    # pixel (y, x) is [t, y], and its neighbours (y, x + 1), (y + 1, x - 1),
    # (y + 1, x), (y + 1, x + 1) are [t + 1, y], [t + 1, y + 1], [t + 2, y + 1],
    # [t + 3, y + 1], so each is a shifted slice. Only wavefronts t ... t + 3
    # are live at once: a ring of four, one row longer than the image (error
    # sent below the last row lands there and is never read).
    error = np.zeros((4, height + 1, 3))
    rows = np.arange(height)
    for t in range(width + 2 * (height - 1)):
        # Rows whose pixel on this wavefront is inside the image: 0 <= t - 2y < width.
        first, stop = max(0, (t - width) // 2 + 1), min(height - 1, t // 2) + 1
        y = rows[first:stop]
        x = t - 2 * y
        here, right, below, below_right = (error[(t + step) % 4] for step in range(4))
        value = np.clip(image[y, x] + here[first:stop], low, high)
        here[:] = 0.0  # free for wavefront t + 4
        chosen = _nearest(value, palette)
        labels[y, x] = chosen
        residual = value - palette[chosen]
        # Next row first, then the right neighbour: the order in which the
        # pixel-by-pixel loop adds them into any one pixel. Error sent past
        # an edge lands on an entry no pixel reads, zeroed with its wavefront.
        right[first + 1 : stop + 1] += residual * (3 / 16)
        below[first + 1 : stop + 1] += residual * (5 / 16)
        below_right[first + 1 : stop + 1] += residual * (1 / 16)
        right[first:stop] += residual * (7 / 16)
    return labels


def bayer_matrix(order: int) -> np.ndarray:
    """The Bayer threshold matrix of size 2**order, as thresholds in (0, 1).

    Built by the recursion M(2n) = [[4M, 4M + 2], [4M + 3, 4M + 1]]; entry
    i becomes ``(i + 0.5) / n**2``, so the thresholds are spread evenly with
    mean 1/2.

    Parameters
    ----------
    order : int
        At least 1: 2 × 2, 4 × 4, 8 × 8, ...

    Returns
    -------
    ndarray of float64, shape (2**order, 2**order)

    Examples
    --------
    >>> (bayer_matrix(1) * 4 - 0.5).tolist()
    [[0.0, 2.0], [3.0, 1.0]]
    """
    if int(order) != order or order < 1:
        raise ValueError(f"order must be an integer >= 1, not {order!r}")
    matrix = np.zeros((1, 1), dtype=np.int64)
    for _ in range(int(order)):
        matrix = np.block([[4 * matrix, 4 * matrix + 2], [4 * matrix + 3, 4 * matrix + 1]])
    return (matrix + 0.5) / matrix.size


def ordered_dither(
    image: np.ndarray, palette: np.ndarray, spread: float | None = None, order: int = 3
) -> np.ndarray:
    """Ordered (Bayer) dithering of `image` onto `palette`, in their own space.

    Each pixel is offset by its threshold from the tiled Bayer matrix
    (:func:`bayer_matrix`, 8 × 8 by default), centred on 0 and scaled by
    `spread`, along the space's (1, 1, 1) direction (the same offset on every
    axis: the grey axis in RGB, but in Lab a mix of lightness and hue), then
    goes to the nearest palette colour. No pixel depends on another: it is
    fully vectorised (in blocks of rows, to bound memory).

    Parameters
    ----------
    image : ndarray, shape (height, width, 3)
    palette : ndarray, shape (k, 3)
    spread : float, optional
        Size of the offsets, in the space's units: a pixel's coordinates
        move by up to ±spread/2. By default the palette's typical spacing,
        the median distance from a palette colour to its nearest other one
        (0 for a one-colour palette: no offset).
    order : int
        The matrix is 2**order × 2**order.

    Returns
    -------
    ndarray of uint8 (uint32 for k > 256), shape (height, width)

    Examples
    --------
    A grey a quarter of the way from black to white, with the offsets
    spanning the step between them, is white on a quarter of the pixels:

    >>> grey = np.full((8, 8, 3), 63.75)
    >>> palette = np.array([[0.0, 0, 0], [255.0, 255, 255]])
    >>> float(ordered_dither(grey, palette, spread=255 * np.sqrt(3)).mean())
    0.25
    """
    image, palette = _check_image_palette(image, palette)
    if spread is None:
        spread = palette_spacing(palette)
    height, width, _ = image.shape
    matrix = bayer_matrix(order) - 0.5
    size = len(matrix)
    tiled = np.tile(matrix, (-(-height // size), -(-width // size)))[:height, :width]
    # Offsets along the grey axis (1, 1, 1) / sqrt(3), so `spread` is a distance.
    offsets = (tiled * (spread / np.sqrt(3)))[..., None]
    return _nearest_image(image + offsets, palette)


def palette_spacing(palette: np.ndarray) -> float:
    """Median distance from each palette colour to its nearest other one.

    Parameters
    ----------
    palette : ndarray, shape (k, 3)

    Returns
    -------
    float
        0 for a palette of one colour.

    Examples
    --------
    >>> palette_spacing(np.array([[0.0, 0, 0], [3.0, 4, 0], [10.0, 4, 0]]))
    5.0
    """
    palette = np.asarray(palette, dtype=np.float64)
    if len(palette) < 2:
        return 0.0
    distances = np.sqrt(((palette[:, None] - palette[None]) ** 2).sum(axis=2))
    np.fill_diagonal(distances, np.inf)
    return float(np.median(distances.min(axis=1)))


#: The dithering methods by name (``none``: each pixel to its nearest colour).
DITHERS = ("none", "floyd_steinberg", "ordered")
#: How a reader is told each dithering, as "<name> dithering" ("no dithering",
#: "ordered Bayer dithering"), and its short label beside a figure row's name.
DITHER_NAMES = {"none": "no", "floyd_steinberg": "Floyd–Steinberg", "ordered": "ordered Bayer"}
DITHER_SHORT_NAMES = {"none": "", "floyd_steinberg": "F–S", "ordered": "Bayer"}


def dither_labels(image: np.ndarray, palette: np.ndarray, method: str) -> np.ndarray:
    """The palette row of each pixel of `image` by dithering `method` (one of
    :data:`DITHERS`), in the coordinates of the image and palette.

    Parameters
    ----------
    image : ndarray, shape (height, width, 3)
    palette : ndarray, shape (k, 3)
    method : str

    Returns
    -------
    ndarray of uint8 (uint32 for k > 256), shape (height, width)

    Examples
    --------
    >>> grey = np.full((2, 4, 3), 127.5)
    >>> black_white = np.array([[0.0, 0, 0], [255.0, 255, 255]])
    >>> dither_labels(grey, black_white, "floyd_steinberg").tolist()
    [[0, 1, 0, 1], [1, 0, 1, 0]]
    >>> dither_labels(grey + 1, black_white, "none").tolist()
    [[1, 1, 1, 1], [1, 1, 1, 1]]
    """
    if method == "floyd_steinberg":
        return floyd_steinberg(image, palette)
    if method == "ordered":
        return ordered_dither(image, palette)
    if method == "none":
        image, palette = _check_image_palette(image, palette)
        return _nearest_image(image, palette)
    raise ValueError(f"unknown dithering {method!r}; known: {', '.join(DITHERS)}")
