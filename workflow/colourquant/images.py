"""Decode images into 8-bit sRGB arrays, refusing what cannot be used.

This is the package's input boundary: every way an image can be unusable
ends here as an :class:`ImageError` whose message names the image.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "ImageError",
    "LoadedImage",
    "load_image",
    "sample_image",
    "download_image",
    "SAMPLE_PREFIX",
]

SAMPLE_PREFIX = "skimage:"


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
        How the file stored its pixels (a Pillow mode such as ``RGB``, ``P``, ``LA``).
    alpha : str
        What was done with transparency: ``none`` or ``composited on white``.
    """

    rgb: np.ndarray
    source_mode: str
    alpha: str


def sample_image(sample: str, *, name: str) -> LoadedImage:
    """Load one of scikit-image's bundled colour sample photos (e.g. ``astronaut``).

    Parameters
    ----------
    sample : str
        The function name in :mod:`skimage.data`.
    name : str
        The image's name in the config, used in error messages.
    """
    import skimage.data

    source = f"{SAMPLE_PREFIX}{sample}"
    loader = getattr(skimage.data, sample, None)
    if sample.startswith("_") or not callable(loader):
        raise ImageError(f"image {name!r}: scikit-image has no sample image {source!r}")
    try:
        pixels = np.asarray(loader())
    except Exception as error:  # noqa: BLE001 - any loader failure is the image's
        raise ImageError(f"image {name!r}: {source!r} could not be loaded ({error})") from error
    if pixels.ndim != 3 or pixels.shape[2] not in (3, 4) or pixels.dtype != np.uint8:
        raise ImageError(
            f"image {name!r}: {source!r} is not an 8-bit colour photo "
            f"(shape {pixels.shape}, {pixels.dtype})"
        )
    return LoadedImage(rgb=np.ascontiguousarray(pixels[..., :3]), source_mode="RGB", alpha="none")


def load_image(path: str | Path, *, name: str) -> LoadedImage:
    """Decode an image file into 8-bit sRGB.

    The EXIF orientation is applied; transparency is composited on white.

    Parameters
    ----------
    path : str or Path
    name : str
        The image's name in the config, used in error messages.

    Raises
    ------
    ImageError
        If the file is missing, empty or not a decodable image.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    path = Path(path)
    if not path.is_file():
        raise ImageError(f"image {name!r}: file {str(path)!r} does not exist")
    if path.stat().st_size == 0:
        raise ImageError(f"image {name!r}: file {str(path)!r} is empty")
    try:
        with Image.open(path) as opened:
            opened.load()
            image = ImageOps.exif_transpose(opened)
            mode = opened.mode
    except UnidentifiedImageError:
        raise ImageError(f"image {name!r}: {str(path)!r} is not an image file") from None
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageError(f"image {name!r}: {str(path)!r} cannot be decoded ({error})") from None
    alpha = "none"
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
        alpha = "composited on white"
    return LoadedImage(rgb=np.asarray(image.convert("RGB")), source_mode=mode, alpha=alpha)


def download_image(
    url: str, destination: str | Path, *, name: str, sha256: str | None = None
) -> None:
    """Download `url` to `destination` (atomically), checking its SHA-256 if given.

    Raises
    ------
    ImageError
        If the download fails or the checksum does not match; nothing is left
        at `destination`.
    """
    import hashlib
    import urllib.request

    from .files import atomic_path

    with atomic_path(destination) as temporary:
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                data = response.read()
        except (OSError, ValueError) as error:
            raise ImageError(f"image {name!r}: download of {url} failed ({error})") from None
        if sha256 is not None:
            digest = hashlib.sha256(data).hexdigest()
            if digest != sha256.lower():
                raise ImageError(
                    f"image {name!r}: {url} has SHA-256 {digest}, but the config expects {sha256}"
                )
        temporary.write_bytes(data)
