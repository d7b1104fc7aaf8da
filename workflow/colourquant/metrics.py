"""Quality of a quantized image, measured in frames common to every colour space.

Inertia is in each space's own units, so it cannot compare spaces; these
metrics compare the original and quantized 8-bit sRGB images directly.
Colour-wise metrics are computed once per distinct colour and weighted by
pixel counts, which equals the per-pixel computation exactly.
"""

from __future__ import annotations

import numpy as np

__all__ = ["colour_errors", "weighted_quantile", "structural_similarity"]


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
    original: np.ndarray, quantized: np.ndarray, counts: np.ndarray
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

    Returns
    -------
    dict
        ``mse_rgb``: mean over pixels of the squared error summed over the three
        channels, on the 0-255 scale; ``psnr``: PSNR in dB from the per-channel
        MSE (``mse_rgb / 3``; infinite for identical images);
        ``delta_e2000_mean`` and ``delta_e2000_p95``: CIEDE2000 statistics.
    """
    from skimage.color import deltaE_ciede2000, rgb2lab

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
    delta_e = deltaE_ciede2000(
        rgb2lab(original.astype(np.float64)[None] / 255.0)[0],
        rgb2lab(quantized.astype(np.float64)[None] / 255.0)[0],
    )
    return {
        "mse_rgb": mse_rgb,
        "psnr": psnr,
        "delta_e2000_mean": float(weights @ delta_e / total),
        "delta_e2000_p95": weighted_quantile(delta_e, weights, 0.95),
    }


def structural_similarity(original: np.ndarray, quantized: np.ndarray) -> float:
    """Mean SSIM of two 8-bit RGB images, averaged over the three channels.

    Images smaller than scikit-image's 7 x 7 window use the largest odd
    window that fits (SSIM of a 1-pixel image is 1 if the pixels are equal).
    """
    from skimage.metrics import structural_similarity as ssim

    original = np.asarray(original)
    quantized = np.asarray(quantized)
    if original.shape != quantized.shape:
        raise ValueError(f"image shapes differ: {original.shape} and {quantized.shape}")
    side = min(original.shape[:2])
    if side < 3:
        return float(np.array_equal(original, quantized))
    window = min(7, side if side % 2 else side - 1)
    return float(ssim(original, quantized, channel_axis=2, data_range=255, win_size=window))
