"""Checks of arguments at the package's boundary, shared by every module.

Each raises ValueError with a one-line message naming what is wrong.
"""

from __future__ import annotations

import numbers
import reprlib

import numpy as np

#: Longest echo of a value in a message (see `echo`).
ECHO_LIMIT = 200


class _Shown(reprlib.Repr):
    def repr_str(self, value, level):
        # The beginning of a long text, not reprlib's beginning...end.
        return repr(value[: self.maxstring + 1])


def _bounded_repr() -> reprlib.Repr:
    shown = _Shown()
    shown.maxlevel = 4
    shown.maxlist = shown.maxtuple = shown.maxdict = shown.maxset = 20
    shown.maxstring = shown.maxother = shown.maxlong = ECHO_LIMIT
    return shown


_REPR = _bounded_repr()


def one_line(error: BaseException) -> str:
    r"""An exception's message on one line (decoders' messages may span several).

    >>> one_line(OSError("broken data stream\n  when reading image file")), one_line(KeyError())
    ('broken data stream when reading image file', 'KeyError')
    """
    return " ".join(str(error).split()) or type(error).__name__


def echo(value, limit: int = ECHO_LIMIT) -> str:
    """`value`'s repr for a message: at most `limit` characters, however large the value.

    Only the shown part of `value` is visited (:mod:`reprlib`), so a value of
    millions of items, or a list holding itself, costs no more than a short one.

    Examples
    --------
    >>> echo([2, 4])
    '[2, 4]'
    >>> echo("a" * 10_000, limit=12)
    "'aaaaaaaaaa…"
    >>> echo(list(range(1000)), limit=30)
    '[0, 1, 2, 3, 4, 5, 6, 7, 8, 9…'
    """
    text = _REPR.repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_k(k, maximum: int | None = None, *, why: str = "") -> int:
    """`k` as an int: an integer of at least 1 (and at most `maximum`).

    Examples
    --------
    >>> check_k(4)
    4
    >>> check_k(2.0)
    Traceback (most recent call last):
    ...
    ValueError: k must be an integer, got 2.0
    """
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise ValueError(f"k must be an integer, got {k!r}")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    if maximum is not None and k > maximum:
        raise ValueError(f"k = {k} is above {maximum}{why}")
    return int(k)


def check_rgb8_image(image) -> np.ndarray:
    """`image` as an array: 8-bit RGB of shape (height, width, 3) with at least one pixel."""
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"expected an RGB image of shape (height, width, 3), got {image.shape}")
    if image.dtype != np.uint8:
        raise ValueError(f"expected an 8-bit image (uint8), got {image.dtype}")
    if image.shape[0] == 0 or image.shape[1] == 0:
        raise ValueError("the image has no pixels")
    return image


def check_triples(values, what: str = "colours") -> np.ndarray:
    """`values` as an array of shape (n, 3): colours, points or centres."""
    values = np.asarray(values)
    if values.ndim != 2 or values.shape[1] != 3:
        raise ValueError(f"expected {what} of shape (n, 3), got {values.shape}")
    return values


def check_same_shape(a, b, what: str = "image") -> None:
    """Refuse two arrays of different shapes (two images compared pixel by pixel)."""
    if np.shape(a) != np.shape(b):
        raise ValueError(f"{what} shapes differ: {np.shape(a)} and {np.shape(b)}")
