"""Fetch an image given by URL into the workflow's downloads, checking its SHA-256."""

from __future__ import annotations

import hashlib
import urllib.request
from pathlib import Path

from .files import atomic_path
from .images import ImageError, _one_line

__all__ = ["download_image"]


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
    digest = hashlib.sha256()
    with atomic_path(destination) as temporary:
        try:
            with urllib.request.urlopen(url, timeout=60) as response, open(temporary, "wb") as out:
                # Stream to disk: an image may be far larger than is sensible to hold twice.
                while chunk := response.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
        except (OSError, ValueError) as error:
            raise ImageError(
                f"image {name!r}: download of {url} failed ({_one_line(error)})"
            ) from None
        if sha256 is not None and digest.hexdigest() != sha256.strip().lower():
            raise ImageError(
                f"image {name!r}: {url} has SHA-256 {digest.hexdigest()}, "
                f"but the config expects {sha256}"
            )
