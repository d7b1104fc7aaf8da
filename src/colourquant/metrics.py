"""Quality of a quantized image, measured in frames common to every colour space.

Inertia is in each space's own units, so it cannot compare spaces; these
metrics compare the original and quantized 8-bit sRGB images directly.
Colour-wise metrics are computed once per distinct colour and weighted by
pixel counts, and differences between two quantized images once per distinct
pair of colours weighted by how many pixels have that pair; both equal the
per-pixel computation exactly.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_same_shape
from .colours import distinct_colours

__all__ = [
    "colour_errors",
    "colour_pairs",
    "indexed_colour_pairs",
    "mean_delta_e2000",
    "palette_delta_e2000",
    "srgb8_to_lab",
    "weighted_quantile",
    "structural_similarity",
    "structural_similarities",
]


def srgb8_to_lab(colours: np.ndarray) -> np.ndarray:
    """CIELab (D65) of 8-bit sRGB colours, by scikit-image: the common reference frame.

    Parameters
    ----------
    colours : ndarray of uint8, shape (n, 3)

    Returns
    -------
    ndarray of float64, shape (n, 3)
    """
    from skimage.color import rgb2lab

    return rgb2lab(np.asarray(colours, dtype=np.float64)[None] / 255.0)[0]


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The `q`-quantile of `values` where each value is repeated `weights` times.

    Uses the "inverted CDF" definition: the smallest value whose cumulative
    weight reaches ``q`` of the total.
    """
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(np.asarray(weights, dtype=np.float64)[order])
    position = np.searchsorted(cumulative, q * cumulative[-1], side="left")
    return float(np.asarray(values)[order][min(position, order.size - 1)])


def colour_errors(
    original: np.ndarray,
    quantized: np.ndarray,
    counts: np.ndarray,
    *,
    original_lab: np.ndarray | None = None,
    quantized_lab: np.ndarray | None = None,
) -> dict[str, float]:
    """Per-pixel colour error statistics between original and quantized colours.

    Parameters
    ----------
    original : ndarray of uint8, shape (n, 3)
        Distinct colours of the original image.
    quantized : ndarray of uint8, shape (n, 3)
        The 8-bit colour each of them was replaced with.
    counts : ndarray of int, shape (n,)
        Pixels of each distinct colour.
    original_lab, quantized_lab : ndarray, shape (n, 3), optional
        CIELab of `original` and `quantized`, if already known: a sweep over k
        converts the original colours once.

    Returns
    -------
    dict
        ``mse_rgb``: mean over pixels of the squared error summed over the three
        channels, on the 0-255 scale; ``psnr``: PSNR in dB from the per-channel
        MSE (``mse_rgb / 3``; infinite for identical images);
        ``delta_e2000_mean`` and ``delta_e2000_p95``: CIEDE2000 statistics.
    """
    from skimage.color import deltaE_ciede2000

    original = np.asarray(original)
    quantized = np.asarray(quantized)
    if original.shape != quantized.shape or original.ndim != 2 or original.shape[1] != 3:
        raise ValueError(
            f"original and quantized colours must both be (n, 3); got {original.shape} "
            f"and {quantized.shape}"
        )
    weights = np.asarray(counts, dtype=np.float64)
    total = weights.sum()
    difference = original.astype(np.float64) - quantized.astype(np.float64)
    mse_rgb = float(weights @ np.einsum("ij,ij->i", difference, difference) / total)
    mse_channel = mse_rgb / 3.0
    psnr = float("inf") if mse_channel == 0 else float(10 * np.log10(255.0**2 / mse_channel))
    if original_lab is None:
        original_lab = srgb8_to_lab(original)
    if quantized_lab is None:
        quantized_lab = srgb8_to_lab(quantized)
    delta_e = deltaE_ciede2000(original_lab, quantized_lab)
    return {
        "mse_rgb": mse_rgb,
        "psnr": psnr,
        "delta_e2000_mean": float(weights @ delta_e / total),
        "delta_e2000_p95": weighted_quantile(delta_e, weights, 0.95),
    }


def indexed_colour_pairs(
    labels_a: np.ndarray,
    palette_a: np.ndarray,
    labels_b: np.ndarray,
    palette_b: np.ndarray,
    weights: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs of colours that two palette images have at the same pixel.

    Counting pairs of palette indices is linear in the pixels (no sort), so a
    24-megapixel pair of quantized images takes a fraction of a second.

    Parameters
    ----------
    labels_a, labels_b : ndarray of int, same shape
        Palette row of each pixel.
    palette_a, palette_b : ndarray of uint8, shape (n_a, 3) and (n_b, 3)
    weights : ndarray of int, the shape of the labels, optional
        Pixels that each label stands for (labels of an image's distinct
        colours, weighted by their pixel counts); 1 each by default.

    Returns
    -------
    colours_a, colours_b : ndarray of uint8, shape (n_pairs, 3)
        Each pair of palette rows found once: its colour in image a and in b.
    counts : ndarray of int64, shape (n_pairs,)
        Pixels with that pair.
    """
    check_same_shape(labels_a, labels_b)
    n_a, n_b = len(palette_a), len(palette_b)
    # Small palettes (k <= 256, as written by the workflow) count pairs in a
    # table; larger ones sort.
    table = n_a * n_b <= 1 << 24
    dtype = np.uint32 if table else np.int64
    pair = np.asarray(labels_a, dtype=dtype).ravel() * n_b
    pair += np.asarray(labels_b, dtype=dtype).ravel()
    if weights is not None:
        weights = np.asarray(weights).ravel()
    if table:
        counts = np.bincount(pair, weights, minlength=n_a * n_b)
        pairs = np.flatnonzero(counts)
    else:
        pairs, inverse = np.unique(pair, return_inverse=True)
        counts = np.bincount(inverse, weights)
        pairs = pairs[counts > 0]
    # Pairs that stand for no pixel (absent, or of weightless labels only) are dropped.
    counts = counts[counts > 0]
    return (
        np.asarray(palette_a, dtype=np.uint8)[pairs // n_b],
        np.asarray(palette_b, dtype=np.uint8)[pairs % n_b],
        np.rint(counts).astype(np.int64),
    )


def colour_pairs(
    image_a: np.ndarray, image_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct pairs of colours that two images have at the same pixel.

    Parameters
    ----------
    image_a, image_b : ndarray of uint8, shape (height, width, 3)
        Two images of the same shape.

    Returns
    -------
    colours_a, colours_b : ndarray of uint8, shape (n_pairs, 3)
        Each distinct pair once: the colour in `image_a` and in `image_b`.
    counts : ndarray of int64, shape (n_pairs,)
        Pixels with that pair.
    """
    check_same_shape(image_a, image_b)
    a, b = distinct_colours(image_a), distinct_colours(image_b)
    return indexed_colour_pairs(a.index, a.colours, b.index, b.colours)


def _mean_delta_e2000(colours_a: np.ndarray, colours_b: np.ndarray, counts: np.ndarray) -> float:
    from skimage.color import deltaE_ciede2000, rgb2lab

    delta_e = deltaE_ciede2000(
        rgb2lab(colours_a.astype(np.float64)[None] / 255.0)[0],
        rgb2lab(colours_b.astype(np.float64)[None] / 255.0)[0],
    )
    return float(counts @ delta_e / counts.sum())


def palette_delta_e2000(
    labels_a: np.ndarray,
    palette_a: np.ndarray,
    labels_b: np.ndarray,
    palette_b: np.ndarray,
    weights: np.ndarray | None = None,
) -> float:
    """Mean over pixels of the CIEDE2000 difference between two palette images.

    Parameters
    ----------
    labels_a, palette_a, labels_b, palette_b, weights
        As in :func:`indexed_colour_pairs`.

    Returns
    -------
    float
        As :func:`mean_delta_e2000` of the two images.
    """
    return _mean_delta_e2000(
        *indexed_colour_pairs(labels_a, palette_a, labels_b, palette_b, weights)
    )


def mean_delta_e2000(image_a: np.ndarray, image_b: np.ndarray) -> float:
    """Mean over pixels of the CIEDE2000 difference between two 8-bit sRGB images.

    Both images are converted to CIE L*a*b* (D65) by scikit-image. A difference
    of about 1 is the smallest a person notices.

    Parameters
    ----------
    image_a, image_b : ndarray of uint8, shape (height, width, 3)

    Returns
    -------
    float
        0 for identical images.
    """
    return _mean_delta_e2000(*colour_pairs(image_a, image_b))


def _channel_statistics(channel: np.ndarray, window: int) -> tuple[np.ndarray, ...]:
    """One channel in float32, its local mean and its local mean of squares."""
    from scipy.ndimage import uniform_filter

    x = channel.astype(np.float32)
    return x, uniform_filter(x, window), uniform_filter(x * x, window)


def _ssim_map(original_statistics, quantized: np.ndarray, window: int, data_range: float):
    """The SSIM map of one channel (borders not yet cropped)."""
    from scipy.ndimage import uniform_filter

    x, mean_x, mean_xx = original_statistics
    y, mean_y, mean_yy = _channel_statistics(quantized, window)
    n = window * window
    covariance_norm = n / (n - 1)  # sample covariance, as scikit-image
    c1 = (0.01 * data_range) ** 2
    c2 = (0.03 * data_range) ** 2
    var_x = covariance_norm * (mean_xx - mean_x * mean_x)
    var_y = covariance_norm * (mean_yy - mean_y * mean_y)
    cov_xy = covariance_norm * (uniform_filter(x * y, window) - mean_x * mean_y)
    similarity = ((2 * mean_x * mean_y + c1) * (2 * cov_xy + c2)) / (
        (mean_x * mean_x + mean_y * mean_y + c1) * (var_x + var_y + c2)
    )
    return similarity


def structural_similarity(
    original: np.ndarray, quantized: np.ndarray, *, block_rows: int = 512
) -> float:
    """Mean SSIM of two 8-bit RGB images, averaged over the three channels.

    Computes scikit-image's default SSIM (7 x 7 uniform window, K1 = 0.01,
    K2 = 0.03, sample covariance, borders of 3 pixels cropped) in float32 and
    in blocks of rows, so that a 24-megapixel image needs a few hundred MB
    rather than several GB. Images smaller than the window use the largest odd
    window that fits; an image less than 3 pixels wide or high scores 1 if it
    is unchanged and 0 otherwise.

    Parameters
    ----------
    original, quantized : ndarray of uint8, shape (height, width, 3)
    block_rows : int
        Rows of the SSIM map computed at once.

    Returns
    -------
    float
    """
    original = np.asarray(original)
    quantized = np.asarray(quantized)
    check_same_shape(original, quantized)
    height, width = original.shape[:2]
    if min(height, width) < 3:
        return float(np.array_equal(original, quantized))
    index = np.arange(height * width)
    return structural_similarities(
        original, index, [quantized.reshape(-1, original.shape[2])], block_rows=block_rows
    )[0]


def structural_similarities(
    original: np.ndarray,
    index: np.ndarray,
    replacements: list[np.ndarray],
    *,
    block_rows: int = 512,
) -> list[float]:
    """Mean SSIM of an image against several of its quantizations, in one pass.

    Each quantization replaces the image's distinct colours: quantized pixel
    p is ``replacement[index[p]]``. The original's local statistics are
    computed once per block for all of them, which saves two fifths of the
    filtering against one :func:`structural_similarity` call per quantization,
    and no quantized image is ever held whole. Same SSIM as
    :func:`structural_similarity`.

    Parameters
    ----------
    original : ndarray of uint8, shape (height, width, 3)
    index : ndarray of int, shape (height * width,)
        Row of the distinct colour of each pixel, row-major.
    replacements : list of ndarray of uint8, shape (n_colours, 3)
        For each quantization, the colour that replaces each distinct colour.
    block_rows : int
        Rows of the SSIM map computed at once.

    Returns
    -------
    list of float, one per quantization
    """
    original = np.asarray(original)
    height, width, channels = original.shape
    side = min(height, width)
    if side < 3:
        pixels = original.reshape(-1, channels)
        return [
            float(np.array_equal(pixels, np.asarray(replacement)[index]))
            for replacement in replacements
        ]
    window = min(7, side if side % 2 else side - 1)
    pad = (window - 1) // 2
    totals = [0.0] * len(replacements)
    count = 0
    for start in range(pad, height - pad, block_rows):
        stop = min(start + block_rows, height - pad)
        # The filter at row r reads rows r - pad .. r + pad only; a block's
        # halo rows are exact wherever the block does not touch the image edge,
        # and at the edge the filter's reflection matches the full image's.
        low, high = max(0, start - pad), min(height, stop + pad)
        block_index = index[low * width : high * width]
        for channel in range(channels):
            statistics = _channel_statistics(original[low:high, :, channel], window)
            for number, replacement in enumerate(replacements):
                quantized = np.asarray(replacement)[block_index, channel].reshape(high - low, width)
                similarity = _ssim_map(statistics, quantized, window, 255.0)
                kept = similarity[start - low : stop - low, pad : width - pad]
                totals[number] += float(kept.sum(dtype=np.float64))
            count += (stop - start) * (width - 2 * pad)
    return [total / count for total in totals]
