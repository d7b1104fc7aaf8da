"""Image input: every kind of file from the wild is decoded right or refused in one line.

Every test file is generated here, in ``tmp_path``; pixel values, not just
shapes, are checked. Nothing touches the network beyond 127.0.0.1.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFile

from colourquant import images
from colourquant.images import ImageError, load_image, sample_image

NAME = "pic"
EXIF_ORIENTATION = 0x0112
RED = (255, 0, 0)
WHITE = (255, 255, 255)


def load(path: Path) -> images.LoadedImage:
    return load_image(path, name=NAME)


def refusal(path: Path) -> str:
    """The message load_image refuses `path` with, checked to be one line naming the image."""
    with pytest.raises(ImageError) as caught:
        load(path)
    message = str(caught.value)
    assert message.startswith(f"image '{NAME}': ")
    assert "\n" not in message
    return message


def png_chunk(kind: bytes, data: bytes) -> bytes:
    checksum = zlib.crc32(kind + data)
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)


def png_bytes(
    width: int,
    height: int,
    *,
    bit_depth: int,
    colour_type: int,
    samples: np.ndarray | None,
    extra_chunks: bytes = b"",
) -> bytes:
    """A PNG written by hand, for what Pillow will not write (16-bit colour, huge headers).

    `samples` has shape (height, width * channels); None writes no pixel data at all.
    """
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    chunks = png_chunk(b"IHDR", header) + extra_chunks
    if samples is not None:
        dtype = ">u2" if bit_depth == 16 else "u1"
        rows = b"".join(b"\x00" + row.astype(dtype).tobytes() for row in samples)
        chunks += png_chunk(b"IDAT", zlib.compress(rows))
    return b"\x89PNG\r\n\x1a\n" + chunks + png_chunk(b"IEND", b"")


def save(tmp_path: Path, image: Image.Image, filename: str, **options) -> Path:
    path = tmp_path / filename
    image.save(path, **options)
    return path


# --- pixel formats ---------------------------------------------------------------


def test_rgb_png_is_returned_exactly(tmp_path):
    pixels = np.random.default_rng(1).integers(0, 256, size=(5, 7, 3), dtype=np.uint8)
    loaded = load(save(tmp_path, Image.fromarray(pixels), "rgb.png"))
    np.testing.assert_array_equal(loaded.rgb, pixels)
    assert loaded.rgb.dtype == np.uint8
    assert (loaded.source_mode, loaded.alpha, loaded.n_frames) == ("RGB", "none", 1)


def test_greyscale_becomes_three_equal_channels(tmp_path):
    grey = np.array([[77, 0], [255, 128]], dtype=np.uint8)
    loaded = load(save(tmp_path, Image.fromarray(grey, mode="L"), "grey.png"))
    assert loaded.source_mode == "L"
    np.testing.assert_array_equal(loaded.rgb, np.stack([grey] * 3, axis=2))
    assert tuple(loaded.rgb[0, 0]) == (77, 77, 77)


def test_bilevel_becomes_black_and_white(tmp_path):
    bits = Image.fromarray(np.array([[False, True]]))
    loaded = load(save(tmp_path, bits, "bits.png"))
    assert loaded.source_mode == "1"
    np.testing.assert_array_equal(loaded.rgb, [[[0, 0, 0], [255, 255, 255]]])


def test_grey_with_alpha_is_composited_on_white(tmp_path):
    # (grey, opacity) -> round((grey * opacity + 255 * (255 - opacity)) / 255);
    # (1, 128) gives 127.5019, which must round up.
    pixels = np.array([[[0, 128], [1, 128], [200, 64], [30, 255], [90, 0]]], dtype=np.uint8)
    loaded = load(save(tmp_path, Image.fromarray(pixels, mode="LA"), "la.png"))
    assert (loaded.source_mode, loaded.alpha) == ("LA", "composited on white")
    np.testing.assert_array_equal(loaded.rgb[0, :, 0], [127, 128, 241, 30, 255])
    np.testing.assert_array_equal(loaded.rgb[..., 0], loaded.rgb[..., 2])


def test_rgba_is_composited_on_white(tmp_path):
    pixels = np.array([[[255, 0, 0, 128], [10, 20, 30, 255], [10, 20, 30, 0]]], dtype=np.uint8)
    loaded = load(save(tmp_path, Image.fromarray(pixels, mode="RGBA"), "rgba.png"))
    assert (loaded.source_mode, loaded.alpha) == ("RGBA", "composited on white")
    np.testing.assert_array_equal(loaded.rgb, [[[255, 127, 127], [10, 20, 30], [255, 255, 255]]])


def test_opaque_rgba_is_unchanged_and_recorded_as_no_alpha(tmp_path):
    pixels = np.full((2, 3, 4), 255, dtype=np.uint8)
    pixels[..., :3] = [12, 34, 56]
    loaded = load(save(tmp_path, Image.fromarray(pixels, mode="RGBA"), "opaque.png"))
    assert (loaded.source_mode, loaded.alpha) == ("RGBA", "none")
    np.testing.assert_array_equal(loaded.rgb, pixels[..., :3])


PALETTE = [10, 20, 30, 200, 100, 50, 0, 255, 7]


def palette_image() -> Image.Image:
    indices = np.array([[0, 1, 2], [2, 1, 0]], dtype=np.uint8)
    image = Image.fromarray(indices, mode="P")
    image.putpalette(PALETTE)
    return image


def test_palette_image_gives_its_palette_colours(tmp_path):
    loaded = load(save(tmp_path, palette_image(), "palette.png"))
    assert (loaded.source_mode, loaded.alpha) == ("P", "none")
    colours = np.array(PALETTE, dtype=np.uint8).reshape(3, 3)
    np.testing.assert_array_equal(loaded.rgb, colours[[[0, 1, 2], [2, 1, 0]]])


def test_palette_transparent_index_becomes_white(tmp_path):
    loaded = load(save(tmp_path, palette_image(), "palette_t.png", transparency=1))
    assert (loaded.source_mode, loaded.alpha) == ("P", "composited on white")
    np.testing.assert_array_equal(loaded.rgb[0], [[10, 20, 30], [255, 255, 255], [0, 255, 7]])


SIXTEEN_BIT = np.array([0, 255, 256, 32768, 65280, 65535])
EIGHT_BIT = np.array([0, 0, 1, 128, 255, 255])  # the high byte: full range, not clipped


def test_sixteen_bit_grey_is_scaled_not_clipped(tmp_path):
    path = tmp_path / "grey16.png"
    path.write_bytes(
        png_bytes(6, 1, bit_depth=16, colour_type=0, samples=SIXTEEN_BIT.reshape(1, 6))
    )
    loaded = load(path)
    assert loaded.source_mode == "I;16"
    np.testing.assert_array_equal(loaded.rgb[0], np.stack([EIGHT_BIT] * 3, axis=1))


def test_sixteen_bit_colour_is_scaled_like_sixteen_bit_grey(tmp_path):
    # Each pixel repeats one 16-bit value in R, G and B, so it must match the grey result.
    samples = np.repeat(SIXTEEN_BIT, 3).reshape(1, 18)
    path = tmp_path / "rgb16.png"
    path.write_bytes(png_bytes(6, 1, bit_depth=16, colour_type=2, samples=samples))
    loaded = load(path)
    np.testing.assert_array_equal(loaded.rgb[0], np.stack([EIGHT_BIT] * 3, axis=1))
    # Channels stay apart: (65535, 0, 32768) -> (255, 0, 128).
    path.write_bytes(
        png_bytes(1, 1, bit_depth=16, colour_type=2, samples=np.array([[65535, 0, 32768]]))
    )
    np.testing.assert_array_equal(load(path).rgb, [[[255, 0, 128]]])


def test_sixteen_bit_grey_transparent_value_becomes_white(tmp_path):
    transparent = png_chunk(b"tRNS", struct.pack(">H", 32768))
    path = tmp_path / "grey16_t.png"
    path.write_bytes(
        png_bytes(
            3,
            1,
            bit_depth=16,
            colour_type=0,
            samples=np.array([[32768, 32769, 0]]),
            extra_chunks=transparent,
        )
    )
    loaded = load(path)
    assert loaded.alpha == "composited on white"
    np.testing.assert_array_equal(loaded.rgb[0, :, 0], [255, 128, 0])


def test_cmyk_jpeg_is_converted_to_rgb(tmp_path):
    # Flat 16-pixel blocks so JPEG compression leaves the block centres nearly exact.
    inks = [(0, 0, 0, 0), (0, 0, 0, 255), (255, 0, 0, 0), (100, 0, 0, 100)]
    pixels = np.concatenate([np.full((16, 16, 4), ink, dtype=np.uint8) for ink in inks], axis=1)
    path = save(tmp_path, Image.fromarray(pixels, mode="CMYK"), "cmyk.jpg", quality=95)
    loaded = load(path)
    assert loaded.source_mode == "CMYK"
    centres = loaded.rgb[8, [8, 24, 40, 56]].astype(int)
    # The last: (255 - 100) * (255 - 100) / 255 = 94.2 and 255 * (255 - 100) / 255 = 155.
    expected = [WHITE, (0, 0, 0), (0, 255, 255), (94, 155, 155)]
    np.testing.assert_allclose(centres, expected, atol=3)


# --- colour profiles -------------------------------------------------------------


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def rgb_icc_profile(description: str, red, green, blue, gamma: float) -> bytes:
    """A minimal ICC v2 matrix/TRC display profile (no tool of ours writes one)."""

    def tag_xyz(x, y, z):
        return b"XYZ " + bytes(4) + _s15(x) + _s15(y) + _s15(z)

    curve = b"curv" + bytes(4) + struct.pack(">IH", 1, round(gamma * 256)) + bytes(2)
    text = description.encode() + b"\0"
    tags = [
        (b"desc", b"desc" + bytes(4) + struct.pack(">I", len(text)) + text + bytes(8 + 3 + 67)),
        (b"wtpt", tag_xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", tag_xyz(*red)),
        (b"gXYZ", tag_xyz(*green)),
        (b"bXYZ", tag_xyz(*blue)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
        (b"cprt", b"text" + bytes(4) + b"none\0"),
    ]
    start = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags:
        data += bytes(-(start + len(data)) % 4)  # tags start on 4-byte boundaries
        table += signature + struct.pack(">II", start + len(data), len(body))
        data += body
    header = struct.pack(">I", start + len(data)) + bytes(4) + struct.pack(">I", 0x02100000)
    header += b"mntrRGB XYZ " + bytes(12) + b"acsp" + bytes(28)
    header += _s15(0.9642) + _s15(1.0) + _s15(0.8249)  # D50, the profile connection space
    header += bytes(128 - len(header))
    return header + struct.pack(">I", len(tags)) + table + data


# Adobe RGB (1998): its D50-adapted primaries and gamma 563/256, as in Adobe's profile.
ADOBE_RGB = rgb_icc_profile(
    "test Adobe RGB",
    red=(0.6097, 0.3111, 0.0195),
    green=(0.2053, 0.6257, 0.0609),
    blue=(0.1492, 0.0632, 0.7446),
    gamma=563 / 256,
)


def adobe_rgb_to_srgb(pixels: np.ndarray) -> np.ndarray:
    """Adobe RGB to sRGB by the published D65 matrices, independently of LittleCMS."""
    adobe_to_xyz = np.array(
        [[0.5767309, 0.1855540, 0.1881852],
         [0.2973769, 0.6273491, 0.0752741],
         [0.0270343, 0.0706872, 0.9911085]]
    )  # fmt: skip
    xyz_to_srgb = np.array(
        [[3.2404542, -1.5371385, -0.4985314],
         [-0.9692660, 1.8760108, 0.0415560],
         [0.0556434, -0.2040259, 1.0572252]]
    )  # fmt: skip
    linear = np.clip((pixels / 255.0) ** (563 / 256) @ (xyz_to_srgb @ adobe_to_xyz).T, 0, 1)
    encoded = np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)
    return np.rint(255 * encoded)


PROFILED = np.array([[(100, 150, 100), (128, 128, 128), (200, 60, 30), (30, 60, 200)]], np.uint8)


@pytest.mark.parametrize("filename", ["wide.png", "wide.tif"])
def test_an_embedded_wide_gamut_profile_is_converted_to_srgb(tmp_path, filename):
    path = save(tmp_path, Image.fromarray(PROFILED), filename, icc_profile=ADOBE_RGB)
    loaded = load(path)
    assert loaded.colour_profile == "converted from test Adobe RGB"
    np.testing.assert_allclose(loaded.rgb, adobe_rgb_to_srgb(PROFILED), atol=1)
    # The conversion matters: the same numbers as sRGB are far off.
    assert np.abs(loaded.rgb.astype(int) - PROFILED).max() > 30


def test_a_profile_named_srgb_but_linear_is_converted(tmp_path):
    # sRGB's primaries (D50-adapted) with a linear tone curve: not sRGB, whatever its name.
    linear = rgb_icc_profile(
        "Linear sRGB",
        red=(0.4361, 0.2225, 0.0139),
        green=(0.3851, 0.7169, 0.0971),
        blue=(0.1431, 0.0606, 0.7141),
        gamma=1.0,
    )
    loaded = load(save(tmp_path, Image.fromarray(PROFILED), "linear.png", icc_profile=linear))
    assert loaded.colour_profile == "converted from Linear sRGB"
    light = PROFILED / 255.0
    encoded = np.where(light <= 0.0031308, 12.92 * light, 1.055 * light ** (1 / 2.4) - 0.055)
    np.testing.assert_allclose(loaded.rgb, np.rint(255 * encoded), atol=1)


def test_a_profile_is_applied_before_transparency_is_composited(tmp_path):
    rgba = np.dstack([PROFILED, np.array([[255, 255, 0, 255]], np.uint8)])
    loaded = load(
        save(tmp_path, Image.fromarray(rgba, mode="RGBA"), "a.png", icc_profile=ADOBE_RGB)
    )
    expected = adobe_rgb_to_srgb(PROFILED)
    expected[0, 2] = WHITE  # fully transparent: white
    np.testing.assert_allclose(loaded.rgb, expected, atol=1)
    assert loaded.alpha == "composited on white"


def test_srgb_missing_and_unreadable_profiles_leave_the_pixels_alone(tmp_path):
    from PIL import ImageCms

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    for profile, recorded in [(srgb, "sRGB"), (None, "none"), (b"not a profile", "ignored: ")]:
        options = {} if profile is None else {"icc_profile": profile}
        loaded = load(save(tmp_path, Image.fromarray(PROFILED), "p.png", **options))
        np.testing.assert_array_equal(loaded.rgb, PROFILED)
        assert loaded.colour_profile.startswith(recorded), loaded.colour_profile


@pytest.mark.parametrize(
    ("orientation", "red_corner", "white_corners"),
    [
        # 6: the camera was turned clockwise; the stored top-left shows at the top-right.
        (6, (0, -1), [(0, 0), (-1, 0), (-1, -1)]),
        # 8: turned anticlockwise; the stored top-left shows at the bottom-left.
        (8, (-1, 0), [(0, 0), (0, -1), (-1, -1)]),
    ],
)
def test_exif_orientation_is_applied(tmp_path, orientation, red_corner, white_corners):
    stored = Image.new("RGB", (32, 16), WHITE)  # 32 wide, 16 high, red top-left corner
    stored.paste(RED, (0, 0, 8, 8))
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = orientation
    loaded = load(save(tmp_path, stored, "rotated.jpg", exif=exif, quality=95))
    assert loaded.rgb.shape == (32, 16, 3)
    np.testing.assert_allclose(loaded.rgb[red_corner].astype(int), RED, atol=6)
    for corner in white_corners:
        np.testing.assert_allclose(loaded.rgb[corner].astype(int), WHITE, atol=6)


def test_animated_gif_gives_first_frame_and_counts_frames(tmp_path):
    frames = []
    for index in range(3):
        frame = Image.new("P", (4, 3), index)
        frame.putpalette(PALETTE)
        frames.append(frame)
    path = save(tmp_path, frames[0], "anim.gif", save_all=True, append_images=frames[1:])
    loaded = load(path)
    assert loaded.n_frames == 3
    np.testing.assert_array_equal(loaded.rgb, np.full((3, 4, 3), [10, 20, 30]))


def test_multi_page_tiff_gives_first_page_and_counts_pages(tmp_path):
    pages = [Image.new("RGB", (3, 2), colour) for colour in [(10, 20, 30), (1, 2, 3)]]
    path = save(tmp_path, pages[0], "pages.tif", save_all=True, append_images=pages[1:])
    loaded = load(path)
    assert loaded.n_frames == 2
    np.testing.assert_array_equal(loaded.rgb, np.full((2, 3, 3), [10, 20, 30]))


@pytest.mark.parametrize("size", [(1, 1), (40, 30)], ids=["one-pixel", "single-colour"])
def test_single_colour_images_load(tmp_path, size):
    loaded = load(save(tmp_path, Image.new("RGB", size, (12, 34, 56)), "flat.png"))
    assert loaded.rgb.shape == (size[1], size[0], 3)
    np.testing.assert_array_equal(np.unique(loaded.rgb.reshape(-1, 3), axis=0), [[12, 34, 56]])


@pytest.mark.parametrize(("mode", "dtype"), [("I", np.int32), ("F", np.float32)])
def test_thirty_two_bit_pixels_are_refused(tmp_path, mode, dtype):
    image = Image.fromarray(np.array([[0, 1, 255, 70000]], dtype=dtype))
    assert image.mode == mode
    message = refusal(save(tmp_path, image, "scientific.tif"))
    assert f"mode '{mode}'" in message and "8-bit" in message


# --- broken and hostile files ------------------------------------------------------


@pytest.mark.parametrize("suffix", ["png", "jpg"])
def test_truncated_file_is_refused(tmp_path, suffix, monkeypatch):
    pixels = np.random.default_rng(2).integers(0, 256, size=(64, 64, 3), dtype=np.uint8)
    whole = save(tmp_path, Image.fromarray(pixels), f"whole.{suffix}").read_bytes()
    path = tmp_path / f"half.{suffix}"
    path.write_bytes(whole[: len(whole) // 2])
    # Even if something else in the process told Pillow to pad truncated files...
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    message = refusal(path)
    assert "cannot be decoded" in message and "truncated" in message
    # ...and that setting is theirs: it is put back.
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


def test_zero_byte_file_is_refused(tmp_path):
    path = tmp_path / "empty.png"
    path.touch()
    assert "is empty" in refusal(path)


def test_text_named_png_is_refused(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("this is not a picture\n")
    assert "is not an image file" in refusal(path)


def test_missing_file_is_refused(tmp_path):
    message = refusal(tmp_path / "nowhere.png")
    assert "nowhere.png" in message and "does not exist" in message


def test_directory_is_refused(tmp_path):
    assert "is a directory" in refusal(tmp_path)


@pytest.mark.parametrize(
    ("side", "declared"),
    [(100_000, "10,000,000,000 pixels"), (15_000, "225,000,000 pixels")],
    ids=["far-above-limit", "just-above-limit"],
)
def test_decompression_bomb_is_refused_from_its_header(tmp_path, side, declared):
    # A header only: decoding it would need side * side * 3 bytes (30 GB for 100 000).
    path = tmp_path / "bomb.png"
    path.write_bytes(png_bytes(side, side, bit_depth=8, colour_type=2, samples=None))
    saved_limit = Image.MAX_IMAGE_PIXELS
    message = refusal(path)
    assert declared in message
    assert f"{images.MAX_PIXELS:,}" in message and "decompression bomb" in message
    assert Image.MAX_IMAGE_PIXELS == saved_limit


def test_pixel_limit_is_the_module_constant(tmp_path, monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 100)
    assert load(save(tmp_path, Image.new("RGB", (10, 10)), "at_limit.png")).rgb.shape == (10, 10, 3)
    message = refusal(save(tmp_path, Image.new("RGB", (11, 10)), "over_limit.png"))
    assert "declares 110 pixels, more than the limit of 100" in message


# --- scikit-image samples ----------------------------------------------------------


def test_colour_sample_loads_unchanged():
    import skimage.data

    loaded = sample_image("astronaut", name=NAME)
    assert loaded.rgb.shape == (512, 512, 3) and loaded.rgb.dtype == np.uint8
    np.testing.assert_array_equal(loaded.rgb, skimage.data.astronaut())
    assert (loaded.source_mode, loaded.alpha) == ("RGB", "none")


def test_grey_sample_becomes_three_equal_channels_like_grey_files():
    import skimage.data

    loaded = sample_image("camera", name=NAME)
    assert loaded.rgb.shape == (512, 512, 3) and loaded.source_mode == "L"
    np.testing.assert_array_equal(loaded.rgb, np.stack([skimage.data.camera()] * 3, axis=2))


@pytest.mark.parametrize("sample", ["no_such_picture", "download_all", "_fetch", "data_dir"])
def test_unknown_sample_is_refused(sample):
    with pytest.raises(ImageError) as caught:
        sample_image(sample, name=NAME)
    assert str(caught.value) == (
        f"image '{NAME}': scikit-image has no sample image 'skimage:{sample}'"
    )
