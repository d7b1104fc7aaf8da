"""How much memory quantizing an image needs, and how much the machine has free.

:func:`check_memory` refuses an image before it is decoded when its header
declares more pixels than the free memory can quantize, in one line that
names the image, its size and the memory it needs, instead of a
``MemoryError`` (or the kernel's out-of-memory killer) half-way through.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from .images import ImageError

__all__ = [
    "BYTES_PER_PIXEL",
    "memory_needed",
    "available_memory",
    "declared_size",
    "check_memory",
    "describe_size",
    "format_bytes",
]

#: Memory one pixel costs ``quantize`` and ``compare`` beyond the interpreter
#: and its libraries, in bytes: the decoded image, its distinct-colour index,
#: the quantized image and the scoring's buffers. Measured: the peak resident
#: memory of ``colourquant quantize -k 16 --metrics`` and of ``compare -k 4 16
#: -s RGB Lab -o`` on a 6-megapixel noisy photo exceeds a 40 x 40 crop's by
#: 29 bytes per pixel (175 MB; both 0.14 GB for the crop).
BYTES_PER_PIXEL = 30

# Memory the process needs whatever the image (buffers, figures), in bytes.
_MARGIN = 64 * 2**20


def memory_needed(n_pixels: int) -> int:
    """Bytes that quantizing an image of `n_pixels` pixels needs, beyond the interpreter.

    Examples
    --------
    >>> format_bytes(memory_needed(60_000_000))
    '1.9 GB'
    """
    return int(n_pixels) * BYTES_PER_PIXEL + _MARGIN


def _meminfo_available(meminfo: Path = Path("/proc/meminfo")) -> int | None:
    """MemAvailable of /proc/meminfo in bytes (Linux), or None."""
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


# A cgroup's memory files, v2 then v1: its limit, its usage, and the key of its
# memory.stat that counts page cache the kernel reclaims before failing.
_CGROUP_FILES = (
    ("memory.max", "memory.current", "inactive_file"),
    ("memory/memory.limit_in_bytes", "memory/memory.usage_in_bytes", "total_inactive_file"),
)


def _cgroup_headroom(root: Path = Path("/sys/fs/cgroup")) -> int | None:
    """What a cgroup memory limit (a container, a batch job) still allows, or None.

    The limit less the usage, the usage not counting inactive page cache
    (which the kernel drops before it refuses memory).

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> _ = (root / "memory.max").write_text("1000000000\\n")
    >>> _ = (root / "memory.current").write_text("700000000\\n")
    >>> _ = (root / "memory.stat").write_text("anon 500000000\\ninactive_file 100000000\\n")
    >>> _cgroup_headroom(root)
    400000000
    >>> _ = (root / "memory.max").write_text("max\\n")
    >>> _cgroup_headroom(root) is None
    True
    """
    for limit_file, usage_file, cache_key in _CGROUP_FILES:
        try:
            limit = (root / limit_file).read_text().strip()
            usage = int((root / usage_file).read_text())
        except (OSError, ValueError):
            continue
        if not limit.isdigit():
            return None  # "max": no limit
        stat = root / Path(usage_file).parent / "memory.stat"
        cache = 0
        try:
            for line in stat.read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == cache_key:
                    cache = int(value)
        except (OSError, ValueError):
            pass
        return max(0, int(limit) - max(0, usage - cache))
    return None


def available_memory() -> int | None:
    """Bytes this process can still allocate without swapping, or None if unknown.

    The smaller of the machine's available memory (``MemAvailable`` of
    /proc/meminfo, else the free physical pages ``os.sysconf`` reports) and
    what a cgroup v2 memory limit (a container, a batch job) still allows.
    """
    found = [_meminfo_available(), _cgroup_headroom()]
    if found[0] is None:
        try:
            found[0] = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, AttributeError):
            pass
    known = [value for value in found if value is not None]
    return min(known) if known else None


def declared_size(path: str | Path) -> tuple[int, int] | None:
    """The (width, height) an image file's header declares, without decoding it; None if unknown."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                return image.size
    except Exception:  # noqa: BLE001 - not an image, or a bomb: decoding says why
        return None


def format_bytes(n: float) -> str:
    """A memory size in GB with two significant digits (MB below 1 GB).

    Examples
    --------
    >>> format_bytes(4.4e9), format_bytes(3.2e8)
    ('4.4 GB', '320 MB')
    """
    if n >= 1e9:
        return f"{n / 1e9:.1f} GB" if n < 1e10 else f"{n / 1e9:.0f} GB"
    return f"{max(n / 1e6, 1):.0f} MB"


def describe_size(width: int, height: int) -> str:
    """``'12000 x 9000 pixels (108 MP)'``.

    Examples
    --------
    >>> describe_size(12000, 9000)
    '12000 x 9000 pixels (108 MP)'
    """
    return f"{width} x {height} pixels ({width * height / 1e6:.3g} MP)"


def check_memory(width: int, height: int, *, where: str, budget: int | None = None) -> None:
    """Refuse an image that needs more memory than there is, before any of it is allocated.

    Parameters
    ----------
    width, height : int
        The image's size, from its header or its array.
    where : str
        How the message names the image (``image 'cat': 'cat.jpg'``).
    budget : int, optional
        Bytes the quantization may use; by default :func:`available_memory`
        (no check if that is unknown).

    Raises
    ------
    ImageError
        One line naming the image, its size, the memory it needs and the
        memory available.

    Examples
    --------
    >>> check_memory(8000, 6000, where="image 'big': 'big.jpg'", budget=10**9)
    Traceback (most recent call last):
    ...
    colourquant.images.ImageError: image 'big': 'big.jpg' is 8000 x 6000 pixels (48 MP); quantizing it needs about 1.5 GB of memory, but 1.0 GB is available
    """  # noqa: E501
    budget = available_memory() if budget is None else budget
    needed = memory_needed(width * height)
    if budget is not None and needed > budget:
        raise ImageError(
            f"{where} is {describe_size(width, height)}; quantizing it needs about "
            f"{format_bytes(needed)} of memory, but {format_bytes(budget)} is available"
        )
