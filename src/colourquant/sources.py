"""Image sources: what a source names (a scikit-image sample, a URL, a file), and reading it.

One switch for every reader: the config's image table
(:func:`colourquant.config.image_table`), the workflow's ``prepare_image`` job
and its input function, and :func:`colourquant.read_image`.
:func:`image_source` tells the kind of a source and checks it;
:func:`load_image_source` reads it into a :class:`~colourquant.images.LoadedImage`.
An array is a source too, for the API (:func:`array_image`).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import numpy as np

from ._validation import echo
from .downloads import check_sha256, check_source_scheme, download_image
from .images import (
    OPAQUE,
    SAMPLE_PREFIX,
    ImageError,
    LoadedImage,
    check_sample_name,
    composite_on_white,
    load_image,
    sample_image,
    transparent_pixels,
)
from .memory import check_memory, declared_size

__all__ = [
    "SOURCE_KINDS",
    "ImageSource",
    "image_source",
    "load_image_source",
    "array_image",
    "url_name",
]

#: What a source can be: one of scikit-image's sample photos (``skimage:<name>``),
#: an http(s) URL (downloaded), or a file path.
SOURCE_KINDS = ("sample", "url", "file")

# Anything that starts "scheme://": a URL, downloaded if http(s), else refused.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass(frozen=True)
class ImageSource:
    """One image source, checked: its kind, the text that gives it, the image's name.

    Attributes
    ----------
    kind : {"sample", "url", "file"}
        See :data:`SOURCE_KINDS`.
    text : str
        The source as written (``skimage:astronaut``, a URL, a path).
    name : str
        The image's name, for messages (and the metrics' ``image`` column).
    sha256 : str or None
        The file's expected SHA-256, checked for a file or a download.
    """

    kind: str
    text: str
    name: str
    sha256: str | None = None

    @property
    def sample(self) -> str:
        """The sample's name in :mod:`skimage.data` (``""`` for another kind)."""
        return self.text.removeprefix(SAMPLE_PREFIX) if self.kind == "sample" else ""

    def file(self, download: str | Path) -> str | None:
        """The file a reader opens: the path, `download` for a URL, None for a sample.

        Examples
        --------
        >>> image_source("https://example.org/cat.jpg").file("results/downloads/cat")
        'results/downloads/cat'
        >>> image_source("skimage:coffee").file("unused") is None
        True
        """
        return {"sample": None, "url": str(download), "file": self.text}[self.kind]


def url_name(url: str) -> str:
    """An image's name from its URL: the stem of the URL's path, else its host.

    Examples
    --------
    >>> url_name("https://example.org/photos/cat%20one.jpg?size=large")
    'cat one'
    >>> url_name("http://127.0.0.1:8765/")
    '127.0.0.1'
    """
    parts = urlsplit(url)
    return Path(unquote(parts.path)).stem or parts.hostname or url


def _kind(source: str | Path) -> str:
    if isinstance(source, str) and source.startswith(SAMPLE_PREFIX):
        return "sample"
    if isinstance(source, str) and _SCHEME.match(source):
        return "url"
    return "file"


def image_source(
    source: str | Path, *, name: str | None = None, sha256: str | None = None, check: bool = True
) -> ImageSource:
    """What `source` names, checked before anything is read or downloaded.

    Parameters
    ----------
    source : str or Path
        ``skimage:<name>``, an ``http://`` or ``https://`` URL, or a file path
        (a :class:`~pathlib.Path` is always a path).
    name : str, optional
        The image's name; by default the sample's name, the stem of the URL's
        path (:func:`url_name`) or the file's stem.
    sha256 : str, optional
        The file's expected SHA-256 (for a file or a URL only).
    check : bool
        Refuse a source that cannot be read (below). False only says what
        `source` names, its kind and name, refusing nothing: for a decision
        made before reading (the command's output names, which IMAGE is a
        file), where reading refuses it later in its own line.

    Returns
    -------
    ImageSource

    Raises
    ------
    ImageError
        Naming the image: a URL of another scheme than http(s) (``file://``,
        ``ftp://``...), a name that is no scikit-image sample, or a ``sha256``
        given for a sample (scikit-image checks its own files).

    Examples
    --------
    >>> image_source("skimage:astronaut")
    ImageSource(kind='sample', text='skimage:astronaut', name='astronaut', sha256=None)
    >>> image_source("https://example.org/cat.jpg", name="cat").kind
    'url'
    >>> image_source("ftp://example.org/cat.jpg", check=False).kind
    'url'
    >>> image_source("skimage:astronaut", sha256="0" * 64)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    colourquant.images.ImageError: image 'astronaut': sha256 is checked for files and downloads, ...
    """
    kind, text = _kind(source), str(source)
    if name is None:
        name = {
            "sample": text.removeprefix(SAMPLE_PREFIX),
            "url": url_name(text),
            "file": Path(text).stem or text,
        }[kind]
    if not check:
        return ImageSource(kind, text, name, sha256 or None)
    if kind == "url":
        check_source_scheme(text, name=name)
    if kind == "sample":
        check_sample_name(text.removeprefix(SAMPLE_PREFIX), name=name)
        if sha256:
            raise ImageError(
                f"image {echo(name)}: sha256 is checked for files and downloads, not for "
                f"{echo(text)} (scikit-image checks its sample files itself); remove it"
            )
    return ImageSource(kind, text, name, sha256 or None)


def load_image_source(
    source: ImageSource,
    *,
    path: str | Path | None = None,
    memory_check: bool = False,
    max_memory: int | None = None,
    progress=None,
) -> LoadedImage:
    """Read an image source as 8-bit sRGB: load a sample, decode a file, download a URL.

    Parameters
    ----------
    source : ImageSource
        From :func:`image_source`.
    path : str or Path, optional
        Where a URL's file was downloaded already (the workflow's
        ``fetch_image`` job): it is decoded, and messages name the URL. Without
        it, a URL is downloaded to a temporary file (within
        :func:`colourquant.downloads.download_image`'s default limits) and read
        from there. A file source is read from `path` if given.
    memory_check : bool
        Refuse an image that needs more memory than `max_memory` (by default
        the memory available), from its header before it is decoded
        (:func:`colourquant.memory.check_memory`). The workflow's jobs ask
        their memory of the scheduler instead.
    max_memory : int, optional
        Bytes quantizing the image may use, with `memory_check`.
    progress : text stream, optional
        Where a download draws its progress bar.

    Returns
    -------
    LoadedImage

    Raises
    ------
    ImageError
        One line naming the image: an unreadable file, a failed download, a
        ``sha256`` mismatch, or too little memory.

    Examples
    --------
    >>> loaded = load_image_source(image_source("skimage:coffee"))
    >>> loaded.rgb.shape, loaded.source_mode
    ((400, 600, 3), 'RGB')
    """
    name = source.name
    if source.kind == "sample":
        loaded = sample_image(source.sample, name=name)
        if memory_check:
            height, width, _ = loaded.rgb.shape
            check_memory(width, height, where=f"image {name!r}", budget=max_memory)
        return loaded
    if source.kind == "url" and path is None:
        with tempfile.TemporaryDirectory(prefix="colourquant-") as directory:
            download = Path(directory) / "download"
            download_image(source.text, download, name=name, progress=progress)
            return _load_file(download, name, source.text, memory_check, max_memory)
    if source.kind == "url":
        # A download was checked as it arrived; messages name its URL, not the copy.
        label = f"{source.text} (downloaded to {path})"
        return _load_file(path, name, label, memory_check, max_memory)
    path = source.text if path is None else path
    loaded = _load_file(path, name, None, memory_check, max_memory)
    if source.sha256:
        check_sha256(path, source.sha256, name=name, source=str(path))
    return loaded


def _load_file(path, name: str, label: str | None, memory_check: bool, max_memory) -> LoadedImage:
    """Decode a file with load_image, once its header shows that memory suffices."""
    size = declared_size(path) if memory_check else None
    if size is not None:
        check_memory(*size, where=f"image {name!r}: {label or str(path)!r}", budget=max_memory)
    return load_image(path, name=name, source=label)


def array_image(image, name: str) -> LoadedImage:
    """An array as 8-bit sRGB, refused with a one-line ImageError if it is not an image.

    Parameters
    ----------
    image : array_like, shape (height, width, 3 or 4), or (n, 3 or 4)
        uint8, integers in 0 ... 255, or floats in [0, 1] (rounded to the
        nearest of 256 levels); (n, 3 or 4) is a list of colours, an image one
        pixel high. An alpha channel is composited on white.
    name : str
        The image's name, for messages.

    Examples
    --------
    >>> array_image(np.array([[0.0, 0.5, 1.0]]), "swatch").rgb
    array([[[  0, 128, 255]]], dtype=uint8)
    """

    def refuse(why):
        raise ImageError(f"image {name!r}: {why}")

    try:
        pixels = np.asarray(image)
    except Exception as error:  # noqa: BLE001 - whatever numpy cannot make an array of
        refuse(f"not an array ({error})")
    shape = pixels.shape
    if pixels.ndim == 2:  # a list of colours: an image one pixel high
        pixels = pixels[np.newaxis]
    if pixels.ndim != 3 or pixels.shape[2] not in (3, 4):
        refuse(
            "expected an array of shape (height, width, 3 or 4) or a list of colours "
            f"(n, 3 or 4), got shape {shape}"
        )
    if pixels.size == 0:
        refuse(f"the image has no pixels (shape {shape})")
    if pixels.dtype == np.uint8:
        pass
    elif pixels.dtype.kind in "iu":
        low, high = pixels.min(), pixels.max()
        if low < 0 or high > 255:
            refuse(f"integer pixels must lie in 0 ... 255, got {low} ... {high}")
        pixels = pixels.astype(np.uint8)
    elif pixels.dtype.kind == "f":
        if not np.isfinite(pixels).all():
            refuse("the pixels contain NaN or infinite values")
        low, high = pixels.min(), pixels.max()
        if low < 0 or high > 1:
            refuse(f"float pixels must lie in [0, 1], got {low:.3g} ... {high:.3g}")
        pixels = np.rint(pixels * 255.0).astype(np.uint8)
    else:
        refuse(f"expected uint8, integer or float pixels, got {pixels.dtype}")
    if pixels.shape[2] == 4:
        rgb, alpha = composite_on_white(pixels)
        return LoadedImage(
            rgb=rgb, source_mode="RGBA", alpha=alpha, transparent=transparent_pixels(pixels)
        )
    return LoadedImage(rgb=np.ascontiguousarray(pixels), source_mode="RGB", alpha=OPAQUE)
