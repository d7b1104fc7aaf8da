"""The result of :func:`colourquant.quantize`: an image reduced to k colours, and its metrics."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .runs import Run

__all__ = ["Quantization"]


@dataclass(frozen=True, eq=False, repr=False)
class Quantization:
    """An image reduced to k colours by one method (k-means by default).

    Attributes
    ----------
    name : str
        The image's name (the ``image`` column of `metrics`).
    space : str
        The colour space of the fit; ``-`` for a classic quantizer, which
        works in 8-bit RGB.
    k : int
        The number of colours asked for.
    original : ndarray of uint8, shape (height, width, 3)
        The image as it was quantized (8-bit sRGB, alpha composited on white).
    quantized : ndarray of uint8, shape (height, width, 3)
        Each pixel replaced by its palette colour (dithered, with `dither`).
    labels : ndarray of unsigned int, shape (height, width)
        Row of `palette` for each pixel.
    palette : ndarray of uint8, shape (k_effective, 3)
        The sRGB colours, clipped to the gamut; fewer than k if the image has
        fewer distinct colours.
    centres : ndarray of float64, shape (k_effective, 3)
        The fitted centres in the fit space (`palette` is their sRGB).
    counts : ndarray of int64, shape (k_effective,)
        Pixels of each palette colour.
    metrics : dict
        The run's metrics row, as the workflow writes it: the columns of
        :data:`colourquant.runs.RUN_COLUMNS` that apply, in that order (a
        dithered run adds ``dither`` after ``method``). With
        ``quantize(..., metrics=False)`` only what was fitted: no quality
        columns (inertia, PSNR, ΔE00, SSIM...) were computed.
    method : str
        The method of :data:`colourquant.methods.METHODS` that built the palette.
    dither : str
        How pixels were mapped to the palette (:data:`colourquant.dither.DITHERS`).
    transparent : ndarray of bool, shape (height, width), or None
        The fully transparent pixels of the input, kept transparent when the
        image is written (:func:`colourquant.files.write_quantized`); None if
        there are none or they were composited on white. They are measured,
        like every pixel, as composited on white.
    """

    name: str
    space: str
    k: int
    original: np.ndarray
    quantized: np.ndarray
    labels: np.ndarray
    palette: np.ndarray
    centres: np.ndarray
    counts: np.ndarray
    metrics: dict
    method: str = "kmeans"
    dither: str = "none"
    transparent: np.ndarray | None = None

    @classmethod
    def from_run(cls, run: Run, original: np.ndarray, **extra) -> Quantization:
        """The result of one run of :mod:`colourquant.runs` on `original`; `extra` sets fields."""
        result = run.result
        counts = np.bincount(result.pixel_labels.ravel(), minlength=len(result.palette))
        return cls(
            name=run.row["image"],
            space=run.row["space"],
            k=run.k,
            original=original,
            quantized=result.quantized,
            labels=result.pixel_labels,
            palette=result.palette,
            centres=run.centres,
            counts=counts.astype(np.int64),
            metrics=dict(run.row),
            method=run.row["method"],
            **extra,
        )

    def __repr__(self) -> str:
        height, width = self.labels.shape
        score = self.metrics.get("delta_e2000_mean")
        how = "" if self.method == "kmeans" else f"method={self.method!r}, "
        how += "" if self.dither == "none" else f"dither={self.dither!r}, "
        return (
            f"Quantization(name={self.name!r}, {how}space={self.space!r}, k={self.k}, "
            f"k_effective={len(self.palette)}, shape=({height}, {width})"
            + ("" if score is None else f", delta_e2000_mean={score:.3g}")
            + ")"
        )
