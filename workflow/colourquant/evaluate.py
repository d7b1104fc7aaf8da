"""Everything measured about one quantization run, given its fitted centres."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .colours import DistinctColours, rebuild_image
from .kmeans import inertia, nearest_centre, total_sum_of_squares
from .metrics import colour_errors, structural_similarity
from .spaces import to_srgb8

__all__ = ["RunResult", "evaluate_centres"]


@dataclass(frozen=True)
class RunResult:
    """The outputs of one run.

    Attributes
    ----------
    metrics : dict
        Full-image ``inertia`` and ``inertia_normalised`` in the fit space,
        ``k_effective``, ``n_centres_clipped`` and the common-frame quality metrics
        (see :func:`colourquant.metrics.colour_errors`) and ``ssim``.
    quantized : ndarray of uint8, shape (height, width, 3)
    palette : ndarray of uint8, shape (k_effective, 3)
        sRGB of each centre, clipped to the gamut.
    shares : ndarray of float64, shape (k_effective,)
        Fraction of the image's pixels assigned to each centre.
    """

    metrics: dict
    quantized: np.ndarray
    palette: np.ndarray
    shares: np.ndarray


def evaluate_centres(
    image: DistinctColours, points: np.ndarray, centres: np.ndarray, space: str
) -> RunResult:
    """Assign every pixel to its nearest centre and measure the result.

    Parameters
    ----------
    image : DistinctColours
        The original image.
    points : ndarray, shape (n_unique, 3)
        The image's distinct colours in the fit space.
    centres : ndarray, shape (k, 3)
        Fitted centres in the fit space.
    space : str
        Name of the fit space.

    Returns
    -------
    RunResult
    """
    points = np.asarray(points, dtype=np.float64)
    if points.shape != (image.n_unique, 3):
        raise ValueError(f"expected {image.n_unique} points in the fit space, got {points.shape}")
    labels = nearest_centre(points, centres)
    run_inertia = inertia(points, image.counts, centres, labels)
    total = total_sum_of_squares(points, image.counts)
    palette, clipped = to_srgb8(centres, space)
    errors = colour_errors(image.colours, palette[labels], image.counts)
    original = rebuild_image(image.colours, image.index, image.shape)
    quantized = rebuild_image(palette, labels[image.index], image.shape)
    shares = np.bincount(labels, weights=image.counts, minlength=len(centres)) / image.n_pixels
    metrics = {
        "k_effective": int(len(centres)),
        "inertia": run_inertia,
        # A one-colour image has nothing to explain: its inertia is 0 at every k.
        "inertia_normalised": run_inertia / total if total > 0 else 0.0,
        "n_centres_clipped": int(clipped.sum()),
        **errors,
        "ssim": structural_similarity(original, quantized),
    }
    return RunResult(metrics=metrics, quantized=quantized, palette=palette, shares=shares)
