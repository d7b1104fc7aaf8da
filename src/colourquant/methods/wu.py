"""Wu's colour quantizer: greedy variance-minimising box splits of the RGB histogram.

X. Wu, "Efficient statistical computations for optimal color quantization",
in J. Arvo (ed.), Graphics Gems II, Academic Press, 1991, pp. 126-133.

The 8-bit RGB cube is binned into 32 x 32 x 32 cells (the top five bits of
each channel). For every cell the histogram holds the pixel count and the
sums of R, G, B and R² + G² + B² of its pixels (their exact 8-bit values, not
the cell's centre); cumulative sums of these moments give any box's moments
in eight look-ups (inclusion-exclusion). Starting from the box of the whole
cube, the box with the largest sum of squared errors (among boxes of more
than one cell) is split in two by the axis-aligned cut that leaves the least
summed squared error in the two halves, until there are k boxes or no box can
be split. Each box's colour is the mean of its pixels, rounded to 8 bits.

No maintained Python package offers it (PyPI has Pillow's median cut, octree
and libimagequant, and scikit-learn's clusterers), so it is written here in
numpy; tests/test_wu.py checks it against a brute-force search of the same
greedy splits computed from the pixels themselves, and against palettes made
by Wu's own C code (v. 2): on four bundled photos it made the same boxes at
k = 16 and 64, and at k = 256 the same on two photos and all but three of
256 on the other two (the C code's single-precision variances decide near
ties differently).
"""

from __future__ import annotations

import numpy as np

from .._validation import check_k

__all__ = ["WU_BITS", "wu_palette", "wu_boxes"]

#: Bits of each channel the histogram keeps: 2**5 = 32 cells per axis.
WU_BITS = 5
_SIDE = 2**WU_BITS + 1  # cells per axis, plus the zero plane the cumulative sums start from


def _moments(colours: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Cumulative moments, shape (33, 33, 33, 5): count, sum R, sum G, sum B, sum of squares.

    Entry [r, g, b] sums the cells with indices 1..r, 1..g, 1..b; index 0 is
    the empty plane below the first cell.
    """
    cells = (colours >> (8 - WU_BITS)).astype(np.intp) + 1
    key = (cells[:, 0] * _SIDE + cells[:, 1]) * _SIDE + cells[:, 2]
    values = colours.astype(np.float64)
    weights = counts.astype(np.float64)
    columns = [
        weights,
        *(weights * values[:, axis] for axis in range(3)),
        weights * np.einsum("ij,ij->i", values, values),
    ]
    moments = np.stack([np.bincount(key, column, _SIDE**3) for column in columns], axis=-1).reshape(
        _SIDE, _SIDE, _SIDE, 5
    )
    # Sums of integers below 2**53 are exact in float64: a 24-megapixel image's
    # sum of squares is about 5e12.
    for axis in range(3):
        np.cumsum(moments, axis=axis, out=moments)
    return moments


def _box_sums(moments: np.ndarray, box) -> np.ndarray:
    """Moments of the cells in ``(r0, r1] x (g0, g1] x (b0, b1]``; bounds may be arrays."""
    r0, r1, g0, g1, b0, b1 = box
    return (
        moments[r1, g1, b1]
        - moments[r1, g1, b0]
        - moments[r1, g0, b1]
        + moments[r1, g0, b0]
        - moments[r0, g1, b1]
        + moments[r0, g1, b0]
        + moments[r0, g0, b1]
        - moments[r0, g0, b0]
    )


def _squared_error(sums: np.ndarray) -> float:
    """Summed squared distance of a box's pixels to their mean, from its moments."""
    count = sums[0]
    return float(sums[4] - (sums[1:4] ** 2).sum() / count) if count > 0 else 0.0


def _best_cut(moments: np.ndarray, box: tuple[int, ...]) -> tuple[int, int] | None:
    """The (axis, position) whose cut leaves the least squared error in the two halves.

    Maximises sum(S_lower²)/n_lower + sum(S_upper²)/n_upper over cuts with
    pixels on both sides, which is the same thing; on a tie the first axis
    (R, G, B) and the lowest position. None if no cut has pixels on both sides.
    """
    whole = _box_sums(moments, box)
    best, best_value = None, 0.0
    for axis in range(3):
        low, high = box[2 * axis], box[2 * axis + 1]
        positions = np.arange(low + 1, high)
        if positions.size == 0:
            continue
        bounds = list(box)
        bounds[2 * axis + 1] = positions
        lower = _box_sums(moments, bounds)
        upper = whole - lower
        valid = (lower[:, 0] > 0) & (upper[:, 0] > 0)
        if not valid.any():
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            value = (lower[:, 1:4] ** 2).sum(axis=1) / lower[:, 0] + (upper[:, 1:4] ** 2).sum(
                axis=1
            ) / upper[:, 0]
        value = np.where(valid, value, -np.inf)
        at = int(value.argmax())
        if best is None or value[at] > best_value:
            best, best_value = (axis, int(positions[at])), float(value[at])
    return best


def wu_boxes(colours: np.ndarray, k: int, counts: np.ndarray | None = None) -> list[tuple]:
    """The boxes of Wu's greedy splits, as ``(r0, r1, g0, g1, b0, b1)`` cell ranges.

    A box holds the histogram cells with indices ``r0 < r <= r1`` (and so on),
    cells numbered 1 to 32. See :func:`wu_palette`.
    """
    colours, counts = _check(colours, counts)
    return _split(_moments(colours, counts), check_k(k))


def _split(moments: np.ndarray, k: int) -> list[tuple]:
    """Wu's greedy splits of the histogram with cumulative `moments` into up to k boxes."""
    boxes = [(0, _SIDE - 1, 0, _SIDE - 1, 0, _SIDE - 1)]
    errors = [_splittable_error(moments, boxes[0])]
    while len(boxes) < k:
        chosen = int(np.argmax(errors))
        if errors[chosen] <= 0:
            break
        cut = _best_cut(moments, boxes[chosen])
        if cut is None:
            errors[chosen] = 0.0
            continue
        axis, position = cut
        lower, upper = list(boxes[chosen]), list(boxes[chosen])
        lower[2 * axis + 1] = position
        upper[2 * axis] = position
        boxes[chosen] = tuple(lower)
        boxes.append(tuple(upper))
        errors[chosen] = _splittable_error(moments, boxes[chosen])
        errors.append(_splittable_error(moments, boxes[-1]))
    return boxes


def _splittable_error(moments, box) -> float:
    """A box's squared error, or 0 if it is a single cell (which cannot be split)."""
    r0, r1, g0, g1, b0, b1 = box
    if (r1 - r0) * (g1 - g0) * (b1 - b0) <= 1:
        return 0.0
    return _squared_error(_box_sums(moments, box))


def _check(colours, counts):
    colours = np.asarray(colours)
    if colours.dtype != np.uint8 or colours.ndim < 2 or colours.shape[-1] != 3:
        raise ValueError(
            f"colours must be 8-bit RGB, shape (..., 3) of uint8; got {colours.dtype} "
            f"{colours.shape}"
        )
    colours = colours.reshape(-1, 3)
    if colours.shape[0] == 0:
        raise ValueError("colours is empty")
    if counts is None:
        counts = np.ones(colours.shape[0])
    counts = np.asarray(counts, dtype=np.float64)
    if counts.shape != (colours.shape[0],) or not (counts >= 0).all() or counts.sum() <= 0:
        raise ValueError("counts must be one non-negative weight per colour, not all zero")
    return colours, counts


def wu_palette(colours: np.ndarray, k: int, counts: np.ndarray | None = None) -> np.ndarray:
    """Palette of Wu's quantizer: the mean colour of each of up to k variance-minimising boxes.

    Parameters
    ----------
    colours : ndarray of uint8, shape (n, 3) or (height, width, 3)
        Pixels, or distinct colours with their `counts`.
    k : int
        Largest number of colours, at least 1.
    counts : ndarray, shape (n,), optional
        Pixels of each colour (default 1 each).

    Returns
    -------
    ndarray of uint8, shape (k_effective, 3)
        One colour per box, in the order the boxes were made. Fewer than k
        when fewer boxes can be made: every box with pixels in more than one
        histogram cell was split (colours sharing a cell are never told apart).

    Examples
    --------
    Two reds and a blue at k = 2: the reds share a box, whose colour is their
    pixel-weighted mean.

    >>> import numpy as np
    >>> colours = np.array([[250, 0, 0], [230, 20, 0], [0, 0, 250]], np.uint8)
    >>> wu_palette(colours, 2, counts=np.array([3, 1, 2]))
    array([[  0,   0, 250],
           [245,   5,   0]], dtype=uint8)
    >>> wu_palette(colours, 1, counts=np.array([3, 1, 2]))
    array([[163,   3,  83]], dtype=uint8)
    """
    colours, counts = _check(colours, counts)
    moments = _moments(colours, counts)
    sums = np.array([_box_sums(moments, box) for box in _split(moments, check_k(k))])
    return np.rint(sums[:, 1:4] / sums[:, :1]).astype(np.uint8)
