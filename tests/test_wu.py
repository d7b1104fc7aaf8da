"""Wu's quantizer against a brute-force search of the same greedy splits."""

import numpy as np
import pytest

from colourquant.methods.wu import WU_BITS, wu_boxes, wu_palette


def _squared_error(pixels):
    return float(((pixels - pixels.mean(axis=0)) ** 2).sum()) if len(pixels) else 0.0


def brute_force_wu(pixels, k):
    """Wu's greedy splits computed from the pixels themselves, every cut tried.

    Boxes are cell ranges (lo, hi] per axis, as in wu_boxes; each box's error
    and each cut's cost are computed directly from the pixels inside.
    """
    pixels = pixels.reshape(-1, 3)
    cells = (pixels >> (8 - WU_BITS)).astype(int) + 1
    values = pixels.astype(float)

    def inside(box):
        keep = np.ones(len(pixels), bool)
        for axis in range(3):
            keep &= (cells[:, axis] > box[2 * axis]) & (cells[:, axis] <= box[2 * axis + 1])
        return values[keep]

    def splittable_error(box):
        volume = np.prod([box[2 * a + 1] - box[2 * a] for a in range(3)])
        return _squared_error(inside(box)) if volume > 1 else 0.0

    boxes = [(0, 32, 0, 32, 0, 32)]
    errors = [splittable_error(boxes[0])]
    while len(boxes) < k:
        chosen = int(np.argmax(errors))
        if errors[chosen] <= 0:
            break
        box = boxes[chosen]
        best = None
        for axis in range(3):
            for position in range(box[2 * axis] + 1, box[2 * axis + 1]):
                lower, upper = list(box), list(box)
                lower[2 * axis + 1] = position
                upper[2 * axis] = position
                a, b = inside(lower), inside(upper)
                if len(a) == 0 or len(b) == 0:
                    continue
                # The error left after the cut, the quantity Wu minimises.
                cost = _squared_error(a) + _squared_error(b)
                if best is None or cost < best[0] - 1e-6 * max(1.0, abs(best[0])):
                    best = (cost, tuple(lower), tuple(upper))
        if best is None:
            errors[chosen] = 0.0
            continue
        boxes[chosen], new = best[1], best[2]
        boxes.append(new)
        errors[chosen] = splittable_error(boxes[chosen])
        errors.append(splittable_error(new))
    return boxes


@pytest.mark.parametrize("seed", range(6))
def test_wu_matches_a_brute_force_search_of_every_cut(seed):
    rng = np.random.default_rng(seed)
    # Tiny images with clusters, so that cuts matter, and some noise.
    centres = rng.integers(0, 256, (3, 3))
    pixels = np.clip(centres[rng.integers(0, 3, 40)] + rng.normal(0, 30, (40, 3)), 0, 255)
    image = pixels.astype(np.uint8).reshape(5, 8, 3)
    for k in (1, 2, 4, 7):
        expected = brute_force_wu(image, k)
        assert wu_boxes(image, k) == expected
        palette = wu_palette(image, k)
        assert len(palette) == len(expected)


def test_wu_palette_is_each_box_mean_and_counts_weigh_like_pixels():
    rng = np.random.default_rng(7)
    image = rng.integers(0, 256, (6, 7, 3), dtype=np.uint8)
    colours, counts = np.unique(image.reshape(-1, 3), axis=0, return_counts=True)
    weighted = wu_palette(colours, 5, counts=counts)
    np.testing.assert_array_equal(weighted, wu_palette(image, 5))
    boxes = wu_boxes(image, 5)
    cells = (image.reshape(-1, 3) >> 3).astype(int) + 1
    for box, colour in zip(boxes, weighted, strict=True):
        keep = np.all([(cells[:, a] > box[2 * a]) & (cells[:, a] <= box[2 * a + 1])
                       for a in range(3)], axis=0)  # fmt: skip
        np.testing.assert_array_equal(colour, np.rint(image.reshape(-1, 3)[keep].mean(axis=0)))


def test_wu_stops_when_every_box_is_one_cell_and_never_repeats_a_colour():
    # Eight colours in three histogram cells (colours 0-7 share a cell).
    colours = np.array([[0, 0, 0], [7, 7, 7], [3, 0, 0], [100, 0, 0], [101, 0, 0],
                        [0, 200, 0], [4, 205, 0], [6, 6, 6]], np.uint8)  # fmt: skip
    palette = wu_palette(colours, 8)
    assert len(palette) == 3
    assert len(np.unique(palette, axis=0)) == 3
    # A single colour: one box, that colour.
    np.testing.assert_array_equal(wu_palette(np.full((2, 2, 3), 9, np.uint8), 16), [[9, 9, 9]])


def test_wu_lowers_the_error_at_every_k_on_a_photo():
    import skimage.data

    from colourquant.kmeans import inertia, nearest_centre

    image = skimage.data.coffee()[::4, ::4]
    colours, counts = np.unique(image.reshape(-1, 3), axis=0, return_counts=True)
    errors = []
    for k in (2, 4, 8, 16, 32, 64):
        palette = wu_palette(colours, k, counts=counts).astype(float)
        assert len(palette) == k
        labels = nearest_centre(colours.astype(float), palette)
        errors.append(inertia(colours.astype(float), counts, palette, labels))
    assert all(later < earlier for earlier, later in zip(errors, errors[1:], strict=False))


@pytest.mark.parametrize(
    "colours, counts, message",
    [
        (np.zeros((4, 3)), None, "8-bit RGB"),
        (np.zeros((0, 3), np.uint8), None, "empty"),
        (np.zeros((2, 3), np.uint8), np.array([1.0]), "one non-negative weight"),
        (np.zeros((2, 3), np.uint8), np.array([0.0, 0.0]), "not all zero"),
    ],
)
def test_wu_refuses_bad_input(colours, counts, message):
    with pytest.raises(ValueError, match=message):
        wu_palette(colours, 4, counts=counts)


# Wu's own C code (cq.c, "C Implementation of Wu's Color Quantizer (v. 2)",
# as published with Graphics Gems II), compiled and run on these photos at
# k = 12, in the order it made the boxes. It truncates each box's mean to an
# integer where wu_palette rounds it.
WU_C_PALETTES = {
    "coffee": "33 9 5;179 95 47;226 182 143;129 31 10;209 133 69;146 69 33;245 232 217;"
    "79 17 7;172 43 15;207 148 101;191 111 59;175 75 30",
    "chelsea": "46 29 16;156 118 88;127 82 45;184 150 127;145 102 66;164 131 115;89 55 33;"
    "187 164 159;176 129 87;123 87 66;136 105 90;115 62 29",
}


@pytest.mark.parametrize("name", list(WU_C_PALETTES))
def test_wu_makes_the_boxes_of_wus_own_code(name):
    import skimage.data

    from colourquant.methods.wu import _box_sums, _moments

    image = getattr(skimage.data, name)()
    colours, counts = np.unique(image.reshape(-1, 3), axis=0, return_counts=True)
    moments = _moments(colours, counts)
    sums = np.array([_box_sums(moments, box) for box in wu_boxes(colours, 12, counts)])
    truncated = np.floor(sums[:, 1:4] / sums[:, :1]).astype(int)
    expected = [list(map(int, c.split())) for c in WU_C_PALETTES[name].split(";")]
    np.testing.assert_array_equal(truncated, expected)
