"""Fetch images given by URL, and check any image file against its SHA-256.

Downloads use requests (urllib3 underneath), bounded three ways: a deadline
over the whole exchange (connect, headers, body), a size limit on the file
(after any gzip Content-Encoding is undone) and a check that what arrived is
the file: its SHA-256 if one is given, else that it decodes completely as an
image. The body is written under a temporary name and renamed only once it
passes, so a failed download leaves nothing behind and the same command
downloads again.
"""

from __future__ import annotations

import hashlib
import re
import socket
import threading
import time
from pathlib import Path
from typing import TextIO

from . import images
from ._validation import one_line
from .files import atomic_path
from .images import ImageError, bomb_pixels, strict_pillow

__all__ = [
    "download_image",
    "check_sha256",
    "is_url",
    "check_source_scheme",
    "DOWNLOAD_TIMEOUT",
    "DOWNLOAD_MAX_BYTES",
]

#: Default limit on one whole download, in seconds (config key ``download_timeout``).
DOWNLOAD_TIMEOUT = 600.0

#: Default limit on one downloaded file, in bytes (config key ``download_max_mb``, 200).
DOWNLOAD_MAX_BYTES = 200_000_000

# Bytes read (and decompressed) at a time.
_CHUNK = 1 << 16

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
    """Ends a download still running `seconds` after it started, whatever its stage.

    A read timeout applies to each read: a server sending a byte every few
    seconds, of its headers or of its body, never trips it. Every socket the
    download opens is handed to :meth:`watch`; when the time is up a timer
    thread shuts them down, which ends a TLS handshake or a read in progress
    at once (the read sees the connection closed). :meth:`close` must end
    every download.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.started = time.monotonic()
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        """Shut `sock`'s connection down when the time is up (at once if it already is).

        A duplicate of the socket is kept: wrapping a socket in TLS detaches
        it (the original then has no file descriptor), and a duplicate is never
        closed under us, so its descriptor cannot be reused by another socket.
        Shutting the duplicate down shuts the connection down.
        """
        duplicate = sock.dup()
        with self._lock:
            self._sockets.append(duplicate)
            if self.expired:
                _shut_down(duplicate)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut_down(sock)

    def passed(self) -> bool:
        """Whether the time is up (a read timing out at the limit may beat the timer)."""
        return self.expired or time.monotonic() - self.started >= self.seconds

    def cancel(self) -> None:
        """Stop the timer; `expired` then says whether it cut the download short."""
        self._timer.cancel()

    def close(self) -> None:
        """Stop the timer and close the duplicates (the connections can then close)."""
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()


def _shut_down(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # already closed
        pass


def _session(deadline: _Deadline):
    """A requests session whose every connection's socket `deadline` watches.

    urllib3 creates a connection's socket in ``_new_conn`` (before the TLS
    handshake for https, which the deadline therefore covers too); the
    adapter's pool manager builds its pools from connection classes that
    hand that socket to the deadline.
    """
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class Watched(HTTPConnection):
        def _new_conn(self):
            sock = super()._new_conn()
            deadline.watch(sock)
            return sock

    class WatchedTLS(HTTPSConnection):
        def _new_conn(self):
            sock = super()._new_conn()
            deadline.watch(sock)
            return sock

    class Pool(HTTPConnectionPool):
        ConnectionCls = Watched

    class TLSPool(HTTPSConnectionPool):
        ConnectionCls = WatchedTLS

    pools = {"http": Pool, "https": TLSPool}

    class Adapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = pools

        def proxy_manager_for(self, proxy, **proxy_kwargs):
            manager = super().proxy_manager_for(proxy, **proxy_kwargs)
            manager.pool_classes_by_scheme = pools
            return manager

    session = requests.Session()
    session.mount("http://", Adapter())
    session.mount("https://", Adapter())
    return session


class _TooLarge(Exception):
    """A body grew past the size limit (raised inside the download, reported by it)."""


def _write_body(response, path: Path, *, max_bytes: int, bar) -> None:
    """Write a response's body, decompressed, to `path`; stop it past `max_bytes`."""
    written = 0
    with open(path, "wb") as output:
        # iter_content undoes a Content-Encoding (gzip...) a chunk at a time,
        # so the limit applies to what is written, not to what travelled.
        for chunk in response.iter_content(chunk_size=_CHUNK):
            written += len(chunk)
            if written > max_bytes:
                raise _TooLarge
            output.write(chunk)
            if bar is not None:
                bar.update(len(chunk))


def _check_decodes(path: Path, *, name: str, url: str, content_type: str) -> None:
    """Refuse a body that is not a whole image: no image at all, cut short or corrupt.

    The image is decoded (``Image.load``) as :func:`~colourquant.images.load_image`
    will decode it, truncated files failing and within :data:`MAX_PIXELS`, so
    that a download kept is one its prepare job can read (a JPEG at 1/8 scale).
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with strict_pillow(), Image.open(path) as image:
            # A JPEG decodes at 1/8 scale: every byte is still decoded (a cut
            # file fails), in a 64th of the memory (a 24 MP photo: 47 MB peak
            # for the process rather than 140 MB). Other formats ignore this.
            image.draft(None, (max(1, image.width // 8), max(1, image.height // 8)))
            image.load()
            return
    except UnidentifiedImageError:
        pass
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageError(
            f"image {name!r}: {url} declares {bomb_pixels(error)}, more than the limit "
            f"of {images.MAX_PIXELS:,} (MAX_PIXELS); nothing was kept; use a smaller version of "
            "the image"
        ) from None
    except Exception as error:  # noqa: BLE001 - the decoder may fail any way on bad data
        raise ImageError(
            f"image {name!r}: {url} sent an image that does not decode completely "
            f"({one_line(error)}); nothing was kept, so running the same command "
            "downloads again (if the file itself is damaged, replace the URL)"
        ) from None
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
    max_bytes: int = DOWNLOAD_MAX_BYTES,
) -> None:
    """Download an image file from an http(s) URL to `destination`.

    The file appears at `destination` only once it is complete (as long as
    its Content-Length says), within `timeout` and `max_bytes`, and either
    matches `sha256` if given or, without one, decodes completely as an image.
    Anything else leaves nothing at `destination` (no partial file), so the
    same call downloads again.

    Parameters
    ----------
    url : str
        An ``http://`` or ``https://`` URL.
    destination : str or Path
    name : str
        The image's name in the config, for messages.
    sha256 : str, optional
        Expected SHA-256 of the file. A file that matches is kept as it is
        (its prepare job decodes it); without one, the file must decode.
    timeout : float
        Longest time in seconds the whole download may take, from the request
        to the last byte: connecting, waiting for the headers and the body
        (a wait of 60 s for the next bytes fails it sooner).
    progress : text stream, optional
        Where to draw a progress bar (e.g. ``sys.stderr``); it appears once a
        download has lasted 2 s, so only for large or slow files.
    max_bytes : int
        Largest file accepted, in bytes, after any Content-Encoding (gzip) is
        undone. A larger Content-Length is refused before the body is read; a
        body growing past it is abandoned.

    Raises
    ------
    ImageError
        Naming the image and the URL: for another scheme than http(s), an HTTP
        error, a connection lost or timed out, a body shorter than its
        Content-Length, a download longer than `timeout` or larger than
        `max_bytes`, a body that is not an image (an HTML page...) or does not
        decode completely, or a checksum mismatch.
    """
    import requests

    check_source_scheme(url, name=name)
    if not is_url(url):
        raise ImageError(f"image {name!r}: {url!r} is not an http(s) URL")
    deadline = _Deadline(timeout)
    bar = None
    content_type = ""
    try:
        with atomic_path(destination) as temporary:
            try:
                with (
                    _session(deadline) as session,
                    session.get(url, stream=True, timeout=min(_READ_TIMEOUT, timeout)) as response,
                ):
                    response.raise_for_status()
                    content_type = response.headers.get("Content-Type", "")
                    declared = _declared_length(response)
                    if declared is not None and declared > max_bytes:
                        raise _too_large(name, url, max_bytes, declared=declared)
                    if progress is not None:
                        bar = _progress_bar(progress, name, response, declared)
                    _write_body(response, temporary, max_bytes=max_bytes, bar=bar)
            except requests.RequestException as error:
                if deadline.passed():
                    raise _too_slow(name, url, timeout) from None
                raise ImageError(
                    f"image {name!r}: download of {url} failed ({one_line(error)}); "
                    "nothing was kept, so running the same command tries again"
                ) from None
            except _TooLarge:
                raise _too_large(name, url, max_bytes) from None
            finally:
                if bar is not None:
                    bar.close()
            # A connection shut at the limit can look like the end of a body
            # of no Content-Length.
            if deadline.expired:
                raise _too_slow(name, url, timeout)
            deadline.cancel()
            if sha256 is not None:
                check_sha256(temporary, sha256, name=name, source=url)
            else:
                _check_decodes(temporary, name=name, url=url, content_type=content_type)
    finally:
        deadline.close()


def _declared_length(response) -> int | None:
    """The Content-Length of a response as a number, None if absent or not one."""
    try:
        return int(response.headers["Content-Length"])
    except (KeyError, ValueError):
        return None


def _progress_bar(stream: TextIO, name: str, response, declared: int | None):
    """A tqdm bar on `stream`, shown once the download has lasted 2 s."""
    from tqdm import tqdm

    # A Content-Length of a gzip body counts bytes on the wire, not the file's.
    encoded = response.headers.get("Content-Encoding", "identity").lower() != "identity"
    return tqdm(
        total=None if encoded else declared,
        file=stream,
        delay=_PROGRESS_DELAY,
        desc=name,
        unit="B",
        unit_scale=True,
        ncols=79,
    )


def _too_large(name: str, url: str, max_bytes: int, *, declared: int | None = None) -> ImageError:
    limit = f"{max_bytes / 1e6:g} MB"
    what = (
        f"declares {declared:,} bytes (Content-Length), more than the limit of {limit}; "
        "nothing was downloaded"
        if declared is not None
        else f"sent more than the limit of {limit} and was abandoned (nothing was kept)"
    )
    return ImageError(
        f"image {name!r}: {url} {what}; check that the URL is the image file, or raise "
        "the config key download_max_mb if the image is really that large"
    )


def _too_slow(name: str, url: str, timeout: float) -> ImageError:
    return ImageError(
        f"image {name!r}: download of {url} took longer than {timeout:g} s and was "
        "abandoned (nothing was kept); run again later, or raise the config key "
        "download_timeout"
    )
