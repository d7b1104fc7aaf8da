"""Palettes: order colours by pixel share, render them as labelled bars, choose
the k values of the cluster-size figure (drawn by palette_plots)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = [
    "share_order",
    "hex_colour",
    "render_palette",
    "cluster_counts",
    "cluster_sizes_k",
]


def share_order(shares: np.ndarray) -> np.ndarray:
    """Indices that sort colours by decreasing pixel share (ties keep their order)."""
    return np.argsort(-np.asarray(shares, dtype=np.float64), kind="stable")


def hex_colour(colour: np.ndarray) -> str:
    """``#rrggbb`` of an 8-bit RGB triple."""
    r, g, b = (int(channel) for channel in colour)
    return f"#{r:02x}{g:02x}{b:02x}"


def render_palette(
    colours: np.ndarray, shares: np.ndarray, *, row_height: int = 28, width: int = 420
) -> np.ndarray:
    """Draw a palette: one row per colour, a swatch and a bar as long as its share.

    Rows are ordered by decreasing share; each is labelled with the share in
    percent and the colour's hex code.

    Parameters
    ----------
    colours : ndarray of uint8, shape (k, 3)
    shares : ndarray of float, shape (k,)
        Fraction of pixels of each colour; they sum to 1.

    Returns
    -------
    ndarray of uint8, shape (k * row_height, width, 3)
    """
    from PIL import Image, ImageDraw, ImageFont

    colours = np.asarray(colours, dtype=np.uint8)
    shares = np.asarray(shares, dtype=np.float64)
    if colours.shape != (shares.size, 3):
        raise ValueError(f"{shares.size} shares need colours of shape ({shares.size}, 3)")
    canvas = Image.new("RGB", (width, row_height * shares.size), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default(size=int(row_height * 0.5))
    label_width, swatch = 150, row_height - 6
    bar_space = width - label_width - swatch - 12
    for row, i in enumerate(share_order(shares)):
        top = row * row_height + 3
        fill = tuple(int(c) for c in colours[i])
        draw.rectangle([3, top, 3 + swatch, top + swatch], fill=fill, outline=(60, 60, 60))
        draw.text(
            (swatch + 10, top + swatch / 2),
            f"{100 * shares[i]:5.1f} %  {hex_colour(colours[i])}",
            fill=(20, 20, 20),
            font=font,
            anchor="lm",
        )
        bar_left = label_width + swatch + 8
        bar_length = max(1, round(bar_space * shares[i] / shares.max()))
        draw.rectangle(
            [bar_left, top + 3, bar_left + bar_length, top + swatch - 3],
            fill=fill,
            outline=(60, 60, 60),
        )
    return np.asarray(canvas)


def cluster_counts(shares: np.ndarray, n_pixels: int) -> np.ndarray:
    """Pixels per cluster from pixel shares (as in a run's ``centres.csv``).

    >>> cluster_counts([0.75, 0.25], 8).tolist()
    [6, 2]
    """
    return np.rint(np.asarray(shares, dtype=np.float64) * n_pixels).astype(np.int64)


def cluster_sizes_k(k_values: Sequence[int], n_spaces: int) -> list[int]:
    """The k values of the cluster-size figure: a panel per space at each, 12 panels at most.

    Up to three: the smallest k, the largest and evenly between.

    >>> cluster_sizes_k([2, 3, 4, 5, 6, 8, 10, 12, 16], n_spaces=4)
    [2, 6, 16]
    >>> cluster_sizes_k([2, 3, 4, 5, 6, 8, 10, 12, 16], n_spaces=6)
    [2, 16]
    >>> cluster_sizes_k([4, 2], n_spaces=11)
    [4]
    """
    k_values = sorted(k_values)
    n = min(max(12 // max(n_spaces, 1), 1), 3, len(k_values))
    if n == 1:
        return [k_values[-1]]
    return [k_values[i] for i in np.linspace(0, len(k_values) - 1, n).round().astype(int)]
