"""Decode images into 8-bit sRGB arrays, refusing what cannot be used.

This is the package's input boundary: every way an image can be unusable
ends here as an :class:`ImageError` whose one-line message starts
``image '<name>':`` and says why.
"""

from __future__ import annotations

import io
import re
import stat
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._validation import one_line

__all__ = [
    "ImageError",
    "LoadedImage",
    "load_image",
    "declared_pixels",
    "strict_pillow",
    "bomb_pixels",
    "sample_image",
    "check_sample_name",
    "composite_on_white",
    "transparent_pixels",
    "convert_to_srgb",
    "SAMPLE_PREFIX",
    "MAX_PIXELS",
]

SAMPLE_PREFIX = "skimage:"

MAX_PIXELS = 200_000_000
"""Largest image (width × height) that is decoded; anything larger is refused
from its header, before pixel memory is allocated, as a possible decompression
bomb. 200 megapixels is far beyond any photo worth quantizing here, and still
decodes in a few GB."""

OPAQUE = "none"
COMPOSITED = "composited on white"
NO_PROFILE = "none"
SRGB_PROFILE = "sRGB"

# Pillow modes whose pixels convert to sRGB without losing anything but precision.
_OPAQUE_MODES = frozenset({"1", "L", "P", "RGB", "RGBX", "CMYK", "YCbCr"})
_ALPHA_MODES = frozenset({"LA", "La", "PA", "RGBA", "RGBa"})
# Pillow keeps 16-bit greyscale as one of these; 16-bit colour it reduces to 8 bit itself.
_SIXTEEN_BIT_GREY_MODES = frozenset({"I;16", "I;16B", "I;16L", "I;16N"})
# 32-bit integer and float pixels (scientific TIFFs) have no agreed white level.
_UNSCALED_MODES = frozenset({"I", "F"})

# Public names in skimage.data that are not sample images; download_all would
# fetch every remote data set.
_NOT_SAMPLE_IMAGES = frozenset(
    {"data_dir", "download_all", "file_hash", "lbp_frontal_face_cascade_filename"}
)


class ImageError(ValueError):
    """An image that cannot be used; the message names it and says why."""


@dataclass(frozen=True)
class LoadedImage:
    """An image ready for quantization.

    Attributes
    ----------
    rgb : ndarray of uint8, shape (height, width, 3)
        sRGB pixels.
    source_mode : str
        How the file stored its pixels, as the Pillow mode it opened with
        (``RGB``, ``P``, ``LA``, ``I;16``, ``CMYK``...).
    alpha : str
        What was done with transparency: ``none`` (the image is opaque) or
        ``composited on white`` (some pixel was not fully opaque).
    n_frames : int
        Frames or pages in the file (animated GIF/PNG, multi-page TIFF); only
        the first is used.
    colour_profile : str
        The embedded ICC profile and what was done with it: ``none`` (taken
        as sRGB), ``sRGB`` (used as is), ``converted from <description>``,
        or ``ignored: <reason>`` (the pixels were then taken as sRGB).
    transparent : ndarray of bool, shape (height, width), or None
        The fully transparent pixels (opacity 0), where `rgb` holds white;
        None if there are none. The workflow measures the composited `rgb`;
        the command line and API write these pixels back as transparent.
    """

    rgb: np.ndarray
    source_mode: str
    alpha: str
    n_frames: int = 1
    colour_profile: str = NO_PROFILE
    transparent: np.ndarray | None = field(default=None, compare=False, repr=False)

    @property
    def metadata(self) -> dict[str, str]:
        """How the file was decoded, as text: what the workflow stores with its colours.

        >>> LoadedImage(np.zeros((1, 1, 3), np.uint8), "P", OPAQUE, n_frames=2).metadata
        {'source_mode': 'P', 'alpha': 'none', 'n_frames': '2', 'colour_profile': 'none'}
        """
        return {
            "source_mode": self.source_mode,
            "alpha": self.alpha,
            "n_frames": str(self.n_frames),
            "colour_profile": self.colour_profile,
        }


def composite_on_white(rgba: np.ndarray) -> tuple[np.ndarray, str]:
    """Flatten 8-bit RGBA onto a white background.

    Each channel becomes ``round((c * a + 255 * (255 - a)) / 255)`` for colour
    ``c`` and opacity ``a``, i.e. straight (not premultiplied) alpha over white.

    Parameters
    ----------
    rgba : ndarray of uint8, shape (height, width, 4)

    Returns
    -------
    rgb : ndarray of uint8, shape (height, width, 3)
    alpha : str
        ``none`` if every pixel was fully opaque (the colours are unchanged),
        otherwise ``composited on white``.
    """
    colour = rgba[..., :3]
    opacity = rgba[..., 3:]
    if np.all(opacity == 255):
        return np.ascontiguousarray(colour), OPAQUE
    # uint16 is enough: c*a + 255*(255 - a) <= 255*255, and the sum stays
    # below 2**16 with the +127 that makes the floor division round.
    opacity = opacity.astype(np.uint16)
    blended = colour.astype(np.uint16) * opacity + 255 * (255 - opacity) + 127
    return (blended // 255).astype(np.uint8), COMPOSITED


def transparent_pixels(rgba: np.ndarray) -> np.ndarray | None:
    """The fully transparent pixels (opacity 0) of 8-bit RGBA, or None if there are none.

    Examples
    --------
    >>> transparent_pixels(np.array([[[9, 9, 9, 0], [9, 9, 9, 128]]], np.uint8)).tolist()
    [[True, False]]
    >>> transparent_pixels(np.full((1, 2, 4), 255, np.uint8)) is None
    True
    """
    mask = rgba[..., 3] == 0
    return mask if mask.any() else None


def check_sample_name(sample: str, *, name: str) -> None:
    """Refuse a name that is not one of scikit-image's sample images, before loading it.

    Raises
    ------
    ImageError
        If :mod:`skimage.data` has no sample image called `sample`.
    """
    import skimage.data  # its loaders import lazily: this costs about 10 ms

    from ._validation import echo

    if sample not in skimage.data.__all__ or sample in _NOT_SAMPLE_IMAGES:
        raise ImageError(
            f"image {name!r}: scikit-image has no sample image {echo(SAMPLE_PREFIX + sample)}"
        )


def sample_image(sample: str, *, name: str) -> LoadedImage:
    """Load one of scikit-image's bundled sample photos (e.g. ``astronaut``).

    Greyscale samples (e.g. ``camera``) are repeated into three equal channels,
    as greyscale files are; RGBA samples (e.g. ``logo``) are composited on white.

    Parameters
    ----------
    sample : str
        The function name in :mod:`skimage.data`.
    name : str
        The image's name in the config, used in error messages.

    Raises
    ------
    ImageError
        If there is no such sample, it cannot be loaded, or it is not an 8-bit
        greyscale or colour image.
    """
    import skimage.data

    check_sample_name(sample, name=name)
    source = f"{SAMPLE_PREFIX}{sample}"
    try:
        with warnings.catch_warnings():
            # The loader imports pooch, which imports tqdm.auto: in a notebook
            # without ipywidgets that warns "IProgress not found", about
            # progress bars of downloads the bundled photos never make.
            warnings.filterwarnings("ignore", message="IProgress not found")
            pixels = np.asarray(getattr(skimage.data, sample)())
    except Exception as error:  # noqa: BLE001 - any loader failure is the image's
        raise ImageError(
            f"image {name!r}: {source!r} could not be loaded ({one_line(error)})"
        ) from error
    if pixels.dtype != np.uint8 or not (
        pixels.ndim == 2 or (pixels.ndim == 3 and pixels.shape[2] in (3, 4))
    ):
        raise ImageError(
            f"image {name!r}: {source!r} is not an 8-bit greyscale or colour image "
            f"(shape {pixels.shape}, {pixels.dtype})"
        )
    if pixels.ndim == 2:
        return LoadedImage(rgb=_grey_to_rgb(pixels), source_mode="L", alpha=OPAQUE)
    if pixels.shape[2] == 4:
        rgb, alpha = composite_on_white(pixels)
        return LoadedImage(
            rgb=rgb, source_mode="RGBA", alpha=alpha, transparent=transparent_pixels(pixels)
        )
    return LoadedImage(rgb=np.ascontiguousarray(pixels), source_mode="RGB", alpha=OPAQUE)


def declared_pixels(path: str | Path) -> int | None:
    """The pixel count (width × height) an image file declares, read from its header.

    Pillow opens files lazily: nothing is decoded, so this is as fast for a
    file declaring 100 megapixels as for a thumbnail, and it is what decoding
    will allocate (a workflow sizes a job's memory from it).

    Returns
    -------
    int or None
        None if the file cannot be opened as an image (decoding it will say why).

    Examples
    --------
    >>> import io
    >>> from PIL import Image
    >>> buffer = io.BytesIO()
    >>> Image.new("RGB", (10_000, 1_000)).save(buffer, format="PNG")
    >>> len(buffer.getvalue()) < 100_000, declared_pixels(buffer)
    (True, 10000000)
    """
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
    except Exception:  # noqa: BLE001 - not an image, or a bomb: load_image refuses it
        return None
    return width * height


def load_image(path: str | Path, *, name: str, source: str | None = None) -> LoadedImage:
    """Decode an image file into 8-bit sRGB.

    - The EXIF orientation is applied, so the pixels are as a viewer shows them.
    - Transparency (an alpha channel, or a palette or colour key marked
      transparent) is composited on white, see :func:`composite_on_white`;
      ``LoadedImage.alpha`` records whether that changed anything.
    - Greyscale becomes three equal channels; palette images their palette colours.
    - 16-bit samples keep their high byte (``v // 256``: 65535 -> 255,
      32768 -> 128), the rule Pillow itself applies to 16-bit colour PNGs, so
      16-bit grey and 16-bit colour agree.
    - An embedded ICC profile other than sRGB (Display P3, Adobe RGB, a CMYK
      press profile...) is applied: the pixels are converted to sRGB by
      LittleCMS with the perceptual intent (colours outside sRGB are clipped
      by matrix profiles such as Display P3, compressed by table-based ones
      such as press profiles), see :func:`convert_to_srgb`. Profiles on
      greyscale-with-alpha and 16-bit greyscale images are not applied.
      ``LoadedImage.colour_profile`` records what was done.
    - CMYK without a profile is converted with Pillow's plain formula,
      ``R = (255 - C) * (255 - K) / 255`` and likewise G from M, B from Y.
    - Of an animated or multi-page file only the first frame is used;
      ``LoadedImage.n_frames`` records how many there were.

    Parameters
    ----------
    path : str or Path
    name : str
        The image's name in the config, used in error messages.
    source : str, optional
        What messages call the file, if not its path (the URL of a download).

    Raises
    ------
    ImageError
        If the file is missing, not a regular file, empty, not an image,
        truncated or corrupt, larger than :data:`MAX_PIXELS`, or stores 32-bit
        integer or float pixels (Pillow modes ``I`` and ``F``), which have no
        defined 8-bit scale.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    path = Path(path)
    where = f"image {name!r}: {source or str(path)!r}"
    _check_regular_file(path, where)
    try:
        with strict_pillow(), Image.open(path) as opened:
            source_mode = opened.mode
            n_frames = getattr(opened, "n_frames", 1)
            opened.load()
            image = ImageOps.exif_transpose(opened)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageError(
            f"{where} declares {bomb_pixels(error)}, more than the limit of "
            f"{MAX_PIXELS:,} (MAX_PIXELS); refused before decoding as a possible "
            "decompression bomb"
        ) from None
    except UnidentifiedImageError:
        raise ImageError(f"{where} is not an image file Pillow can read") from None
    except MemoryError:
        raise  # the machine's limit, not the file's fault: the caller says so
    except Exception as error:  # noqa: BLE001 - the decoder may fail any way on bad data
        raise ImageError(f"{where} cannot be decoded ({one_line(error)})") from None
    image, colour_profile = convert_to_srgb(image)
    rgb, alpha, transparent = _to_rgb(image, where)
    return LoadedImage(
        rgb=rgb,
        source_mode=source_mode,
        alpha=alpha,
        n_frames=n_frames,
        colour_profile=colour_profile,
        transparent=transparent,
    )


# Pillow modes LittleCMS converts (with a profile of the matching colour space),
# and the mode of the sRGB result.
_PROFILE_MODES = {"RGB": "RGB", "RGBX": "RGB", "RGBA": "RGBA", "CMYK": "RGB", "L": "RGB"}


def convert_to_srgb(image):
    """Convert a Pillow image with an embedded ICC profile to sRGB.

    Parameters
    ----------
    image : PIL.Image.Image

    Returns
    -------
    image : PIL.Image.Image
        `image` itself if it has no profile, an RGB profile that maps every
        colour to within one level of itself in sRGB (an sRGB profile, by
        whatever name), or one that cannot be applied; else the converted
        image, in mode ``RGB`` (``RGBA`` from ``RGBA``, alpha kept).
    colour_profile : str
        What was done, as :attr:`LoadedImage.colour_profile`.
    """
    from PIL import Image, ImageCms

    embedded = image.info.get("icc_profile")
    if not embedded:
        return image, NO_PROFILE
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(embedded))
        description = ImageCms.getProfileDescription(profile).strip() or "an unnamed profile"
    except (OSError, ImageCms.PyCMSError) as error:
        return image, f"ignored: unreadable ({one_line(error)})"
    if image.mode == "P" or (image.mode in ("RGB", "L") and "transparency" in image.info):
        # The colour key or palette transparency becomes an alpha channel first.
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode not in _PROFILE_MODES:
        return image, f"ignored: {description} on pixel mode {image.mode!r}"
    srgb = ImageCms.createProfile("sRGB")
    try:
        if image.mode in ("RGB", "RGBX", "RGBA"):
            # An sRGB profile leaves the pixels as they are (converting would
            # only add rounding): try it on a lattice of 17^3 colours.
            lattice = np.stack(np.meshgrid(*[np.linspace(0, 255, 17).astype(np.uint8)] * 3), -1)
            probe = Image.fromarray(lattice.reshape(1, -1, 3), mode="RGB")
            mapped = ImageCms.profileToProfile(probe, profile, srgb, outputMode="RGB")
            if np.abs(np.asarray(mapped, dtype=int) - np.asarray(probe, dtype=int)).max() <= 1:
                return image, SRGB_PROFILE
        converted = ImageCms.profileToProfile(
            image, profile, srgb, outputMode=_PROFILE_MODES[image.mode]
        )
    except ImageCms.PyCMSError as error:
        return image, f"ignored: {description} cannot be applied ({one_line(error)})"
    return converted, f"converted from {description}"


def _check_regular_file(path: Path, where: str) -> None:
    """Refuse, with a specific reason, anything that is not a non-empty regular file."""
    try:
        status = path.stat()
    except FileNotFoundError:
        raise ImageError(f"{where} does not exist") from None
    except OSError as error:
        raise ImageError(f"{where} cannot be read ({one_line(error)})") from None
    if stat.S_ISDIR(status.st_mode):
        raise ImageError(f"{where} is a directory, not an image file")
    if not stat.S_ISREG(status.st_mode):
        raise ImageError(f"{where} is not a regular file")
    if status.st_size == 0:
        raise ImageError(f"{where} is empty (0 bytes)")


@contextmanager
def strict_pillow() -> Iterator[None]:
    """Hold Pillow to this module's rules while a file is opened and decoded.

    Pillow's settings are process-wide and another library may have relaxed
    them: truncated files must fail rather than be padded with grey, and the
    pixel limit must be :data:`MAX_PIXELS`. Pillow warns above its limit and
    raises only above twice it, so the warning is made an error.

    >>> from PIL import Image
    >>> with strict_pillow():
    ...     Image.MAX_IMAGE_PIXELS == MAX_PIXELS
    True
    """
    from PIL import Image, ImageFile

    saved = Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES
    Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES = MAX_PIXELS, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    finally:
        Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES = saved


def _to_rgb(image, where: str) -> tuple[np.ndarray, str, np.ndarray | None]:
    """Convert a decoded Pillow image to 8-bit sRGB, say what happened to alpha,
    and give the fully transparent pixels (see :func:`transparent_pixels`)."""
    mode = image.mode
    if mode in _SIXTEEN_BIT_GREY_MODES:
        return _sixteen_bit_grey_to_rgb(image)
    if mode in _UNSCALED_MODES:
        kind = "32-bit integer" if mode == "I" else "floating-point"
        raise ImageError(
            f"{where} stores {kind} pixels (mode {mode!r}), which have no defined 8-bit "
            "scale; convert it to an 8- or 16-bit image"
        )
    if mode in _ALPHA_MODES or (mode in _OPAQUE_MODES and "transparency" in image.info):
        rgba = np.asarray(image.convert("RGBA"))
        return *composite_on_white(rgba), transparent_pixels(rgba)
    if mode in _OPAQUE_MODES:
        return np.asarray(image.convert("RGB")), OPAQUE, None
    raise ImageError(f"{where} has pixel mode {mode!r}, which is not supported")


def _sixteen_bit_grey_to_rgb(image) -> tuple[np.ndarray, str, np.ndarray | None]:
    """Reduce 16-bit greyscale to 8 bit by its high byte (Pillow's ``convert`` would clip)."""
    values = np.asarray(image)
    grey = _grey_to_rgb((values >> 8).astype(np.uint8))
    transparent_value = image.info.get("transparency")
    if transparent_value is None:
        return grey, OPAQUE, None
    rgba = np.dstack([grey, np.where(values == transparent_value, 0, 255).astype(np.uint8)])
    return *composite_on_white(rgba), transparent_pixels(rgba)


def bomb_pixels(bomb: Exception) -> str:
    """The pixel count Pillow's decompression-bomb message reports, for ours.

    Pillow refuses in ``Image.open`` without giving us the image, so its message
    is the only place the declared size is available.

    >>> bomb_pixels(ValueError("Image size (200000000 pixels) exceeds limit"))
    '200,000,000 pixels'
    """
    found = re.search(r"\((\d+) pixels\)", str(bomb))
    return f"{int(found.group(1)):,} pixels" if found else "a size"


def _grey_to_rgb(grey: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.repeat(grey[..., np.newaxis], 3, axis=2))
