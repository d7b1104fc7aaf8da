"""Fetch images given by URL, and check any image file against its SHA-256.

Downloads use pooch's HTTP downloader (requests underneath, as
scikit-image's own data): the body is checked against its Content-Length,
written under a temporary name and renamed only once it is complete and is
an image, so a failed download leaves nothing behind and the same command
downloads again.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from pathlib import Path
from typing import TextIO

from .files import atomic_path
from .images import ImageError, _one_line

__all__ = ["download_image", "check_sha256", "is_url", "check_source_scheme", "DOWNLOAD_TIMEOUT"]

#: Default limit on one whole download, in seconds (config key ``download_timeout``).
DOWNLOAD_TIMEOUT = 600.0

# A read that waits longer than this for the next bytes fails at once.
_READ_TIMEOUT = 60.0

# A progress bar appears once a download has lasted this long (seconds).
_PROGRESS_DELAY = 2.0

# Anything that looks like "scheme://", for a clear word about unsupported schemes.
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def is_url(source: str) -> bool:
    """Whether an image source is a URL that is downloaded (http or https).

    Examples
    --------
    >>> is_url("https://example.org/cat.jpg"), is_url("data/cat.jpg")
    (True, False)
    """
    return source.startswith(("http://", "https://"))


def check_source_scheme(source: str, *, name: str) -> None:
    """Refuse a source written as a URL of another scheme than http(s).

    Raises
    ------
    ImageError
        For ``file://``, ``ftp://``, ``s3://``... sources, which are not
        downloaded (and are not file paths either).

    Examples
    --------
    >>> check_source_scheme("ftp://example.org/cat.jpg", name="cat")
    Traceback (most recent call last):
    ...
    colourquant.images.ImageError: image 'cat': source 'ftp://example.org/cat.jpg' is an ftp:// URL; only http:// and https:// URLs are downloaded (a local file is given by its path, without file://)
    """  # noqa: E501
    from ._validation import echo  # a source can be as long as a config allows

    found = _SCHEME.match(source)
    if found and not is_url(source):
        raise ImageError(
            f"image {name!r}: source {echo(source)} is an {found.group(1).lower()}:// URL; only "
            "http:// and https:// URLs are downloaded (a local file is given by its path, "
            "without file://)"
        )


def check_sha256(path: str | Path, expected: str, *, name: str, source: str) -> None:
    """Refuse a file whose SHA-256 is not `expected` (case and spaces do not matter).

    Parameters
    ----------
    path : str or Path
        The file to check.
    expected : str
        64 hexadecimal digits.
    name : str
        The image's name in the config, for the message.
    source : str
        What the message calls the file (its URL, for a download).

    Raises
    ------
    ImageError
        If the file's SHA-256 differs, naming both.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    if digest.hexdigest() != expected.strip().lower():
        raise ImageError(
            f"image {name!r}: {source} has SHA-256 {digest.hexdigest()}, but the config "
            f"expects {expected.strip()}; if the file changed on purpose, update its sha256"
        )


class _Deadline:
    """Ends a download that is still running `seconds` after it started.

    The read timeout of requests (and pooch) applies to each read: a server
    sending a byte every few seconds would never trip it. This shuts the
    response down from a timer thread (urllib3's ``HTTPResponse.shutdown``),
    which ends a read in progress at once.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.started = time.monotonic()
        self.expired = False
        self.content_type = ""
        self._timers: list[threading.Timer] = []

    def watch(self, response, *args, **kwargs):
        """A requests response hook: note the type, and time the body from here."""
        self.content_type = response.headers.get("Content-Type", "")
        remaining = max(0.0, self.seconds - (time.monotonic() - self.started))
        timer = threading.Timer(remaining, self._expire, args=(response,))
        timer.daemon = True
        timer.start()
        self._timers.append(timer)
        return response

    def _expire(self, response) -> None:
        self.expired = True
        response.raw.shutdown()

    def cancel(self) -> None:
        """Stop the timers; `expired` then says whether one cut the download short."""
        for timer in self._timers:
            timer.cancel()


def _check_is_image(path: Path, *, name: str, url: str, content_type: str) -> None:
    """Refuse a body that is no image (a web page, a JSON error) before it is kept."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path):
            return
    except UnidentifiedImageError:
        pass
    except Exception:  # noqa: BLE001 - an image Pillow identifies, bad in some other way
        return  # decoding it (prepare_image) says what is wrong with it
    with open(path, "rb") as handle:
        start = handle.read(40).decode("utf-8", errors="replace")
    what = f"{content_type} " if content_type else ""
    raise ImageError(
        f"image {name!r}: {url} sent {what}content that is not an image "
        f"(it starts {' '.join(start.split())!r}); check that the URL is the image file "
        "itself rather than a web page showing it"
    )


def download_image(
    url: str,
    destination: str | Path,
    *,
    name: str,
    sha256: str | None = None,
    timeout: float = DOWNLOAD_TIMEOUT,
    progress: TextIO | None = None,
) -> None:
    """Download an image file from an http(s) URL to `destination`.

    The file appears at `destination` only once it is complete (as long as
    its Content-Length says), is an image Pillow identifies, and matches
    `sha256` if given. Anything else leaves nothing at `destination`.

    Parameters
    ----------
    url : str
        An ``http://`` or ``https://`` URL.
    destination : str or Path
    name : str
        The image's name in the config, for messages.
    sha256 : str, optional
        Expected SHA-256 of the file.
    timeout : float
        Longest time in seconds the whole download may take, counted from the
        request and enforced once the response's headers have arrived (before
        that, as for every read, a wait of 60 s for data fails it).
    progress : text stream, optional
        Where to draw a progress bar (e.g. ``sys.stderr``); it appears once a
        download has lasted 2 s, so only for large or slow files.

    Raises
    ------
    ImageError
        Naming the image and the URL: for another scheme than http(s), an HTTP
        error, a connection lost or timed out, a body shorter than its
        Content-Length, a download longer than `timeout`, a body that is not
        an image (an HTML page...) or a checksum mismatch.
    """
    import pooch
    import requests

    check_source_scheme(url, name=name)
    if not is_url(url):
        raise ImageError(f"image {name!r}: {url!r} is not an http(s) URL")
    deadline = _Deadline(timeout)
    bar = None
    if progress is not None:
        from tqdm import tqdm

        # pooch sets the total from Content-Length (and skips a bar of total 0);
        # a tqdm of no total cannot be tested for truth, as pooch does.
        bar = tqdm(
            total=1,
            file=progress,
            delay=_PROGRESS_DELAY,
            desc=name,
            unit="B",
            unit_scale=True,
            ncols=79,
        )
    downloader = pooch.HTTPDownloader(
        progressbar=bar if bar is not None else False,
        chunk_size=1 << 16,
        timeout=min(_READ_TIMEOUT, timeout),
        hooks={"response": deadline.watch},
    )
    with atomic_path(destination) as temporary:
        try:
            downloader(url, str(temporary), None)
        except requests.RequestException as error:
            deadline.cancel()
            if deadline.expired:
                raise _too_slow(name, url, timeout) from None
            raise ImageError(
                f"image {name!r}: download of {url} failed ({_one_line(error)}); "
                "nothing was kept, so running the same command tries again"
            ) from None
        finally:
            if bar is not None:
                bar.close()
        deadline.cancel()
        if deadline.expired:
            raise _too_slow(name, url, timeout)
        _check_is_image(temporary, name=name, url=url, content_type=deadline.content_type)
        if sha256 is not None:
            check_sha256(temporary, sha256, name=name, source=url)


def _too_slow(name: str, url: str, timeout: float) -> ImageError:
    return ImageError(
        f"image {name!r}: download of {url} took longer than {timeout:g} s and was "
        "abandoned (nothing was kept); run again later, or raise the config key "
        "download_timeout"
    )
