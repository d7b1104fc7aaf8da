import numpy as np
import pytest

from colourquant.colours import distinct_colours, rebuild_image
from conftest import flat_colour_image, noisy_photo


def test_distinct_colours_of_flat_stripes():
    image = flat_colour_image([(255, 0, 0), (0, 128, 255), (255, 0, 0), (7, 7, 7)])
    distinct = distinct_colours(image)
    # Sorted by 24-bit value: 0x0080FF < 0x070707 < 0xFF0000.
    np.testing.assert_array_equal(distinct.colours, [[0, 128, 255], [7, 7, 7], [255, 0, 0]])
    stripe_pixels = 6 * 4
    np.testing.assert_array_equal(
        distinct.counts, [stripe_pixels, stripe_pixels, 2 * stripe_pixels]
    )
    assert distinct.n_pixels == image.shape[0] * image.shape[1]
    assert distinct.n_unique == 3


def test_rebuild_from_distinct_colours_is_lossless():
    image = noisy_photo(seed=3)
    distinct = distinct_colours(image)
    np.testing.assert_array_equal(
        rebuild_image(distinct.colours, distinct.index, distinct.shape), image
    )
    assert distinct.counts.sum() == image.shape[0] * image.shape[1]
    assert len(np.unique(image.reshape(-1, 3), axis=0)) == distinct.n_unique


@pytest.mark.parametrize(
    "bad, message",
    [
        (np.zeros((4, 4), np.uint8), "shape"),
        (np.zeros((4, 4, 4), np.uint8), "shape"),
        (np.zeros((4, 4, 3), np.float64), "uint8"),
        (np.zeros((0, 4, 3), np.uint8), "no pixels"),
    ],
)
def test_distinct_colours_rejects_non_rgb8(bad, message):
    with pytest.raises(ValueError, match=message):
        distinct_colours(bad)
