"""The config's images: a list, a sheet, a folder or a glob pattern, as names and sources.

:func:`image_table` reads whichever the config gives and checks every name
(it becomes a path component and a Snakemake wildcard) and every source
(:func:`colourquant.sources.image_source`, the one switch of source kinds).
"""

from __future__ import annotations

import codecs
import csv
import re
from pathlib import Path

from ._validation import echo
from .config import ConfigError
from .config_schema import first_error, problem

__all__ = [
    "MAX_NAME_LENGTH",
    "PERIODIC_REPEATS",
    "IMAGE_SUFFIXES",
    "check_image_name",
    "check_unique_names",
    "image_set",
    "image_table",
    "periodic_suffix",
    "read_image_sheet",
]

#: Longest experiment or image name: each becomes a file or directory name
#: (at most 255 bytes on common file systems, with suffixes such as ``.log``).
MAX_NAME_LENGTH = 100
#: Snakemake refuses a wildcard value ending in a piece repeated this many
#: times or more (``PeriodicWildcardError``: it suspects an endless recursion);
#: image names are wildcard values.
PERIODIC_REPEATS = 20


def periodic_suffix(name: str, repeats: int = PERIODIC_REPEATS) -> tuple[str, int] | None:
    """The piece `name` ends in, repeated `repeats` times or more, and how often; else None.

    Snakemake refuses such a wildcard value (``PeriodicWildcardError``).

    Examples
    --------
    >>> periodic_suffix("scan_" + "0" * 25)
    ('0', 25)
    >>> periodic_suffix("ab" * 20)
    ('ab', 20)
    >>> periodic_suffix("photo_" + "0" * 19) is None
    True
    """
    found = re.search(rf"(.+?)\1{{{repeats - 1},}}$", name)
    if found is None:
        return None
    piece = found.group(1)
    return piece, (len(name) - found.start()) // len(piece)


def check_unique_names(entries: list[dict], where: str) -> None:
    seen = set()
    for entry in entries:
        if entry["name"] in seen:
            raise ConfigError(f"{where}: image name {echo(entry['name'])} is used more than once")
        seen.add(entry["name"])


def _sheet_text(path: Path) -> str:
    """The text of an image sheet: UTF-8, with or without a byte-order mark, or UTF-16
    with one (Excel's "Unicode Text"); any other encoding is refused rather than guessed."""
    data = path.read_bytes()
    where = f"config key 'images': image sheet {echo(str(path))}"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ConfigError(
                f"{where} starts like UTF-16 text but is not; save it as UTF-8 "
                '(in Excel: "CSV UTF-8")'
            ) from None
    # utf-8-sig: spreadsheet programs (Excel's "CSV UTF-8") start the file
    # with a byte-order mark, which would otherwise join the first column's name.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ConfigError(
            f"{where} is not UTF-8 text (byte {data[error.start]:#04x} on line {line}; "
            'Excel\'s plain "CSV" is Windows-1252): save it as UTF-8 (in Excel: "CSV UTF-8")'
        ) from None


def read_image_sheet(path: str | Path, schema: dict) -> list[dict]:
    """Read an image sheet (TSV or CSV with columns ``name``, ``source``, optional ``sha256``).

    Each row is validated against the schema of one entry of ``images``. The
    sheet is UTF-8 text (a byte-order mark is allowed), or UTF-16 text that
    starts with a byte-order mark.

    Raises
    ------
    ConfigError
        If the sheet is missing, is in another encoding, lacks a column, or a
        row is invalid.
    """
    import io

    path = Path(path)
    shown = echo(str(path))
    if not path.is_file():
        raise ConfigError(f"config key 'images': image sheet {shown} does not exist")
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.DictReader(io.StringIO(_sheet_text(path), newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as error:
        line = reader.reader.line_num  # the line being read (DictReader's is the last row's)
        raise ConfigError(f"image sheet {shown}, line {line}: {error}") from None
    if not rows:
        raise ConfigError(f"image sheet {shown} lists no images")
    missing = {"name", "source"} - set(rows[0])
    if missing:
        raise ConfigError(
            f"image sheet {shown} lacks column(s) {', '.join(sorted(missing))}; "
            "it needs columns 'name' and 'source'"
        )
    entry_schema = schema["properties"]["images"]["oneOf"][1]["items"]
    entries = []
    for line, row in enumerate(rows, start=2):
        entry = {
            key: value.strip()
            for key, value in row.items()
            if isinstance(key, str) and key and isinstance(value, str) and value
        }
        error = first_error(entry, entry_schema)
        if error is not None:
            raise ConfigError(f"image sheet {shown}, line {line}: {problem(error)}")
        entries.append(entry)
    check_unique_names(entries, f"image sheet {shown}")
    return entries


# File name extensions taken as images in a folder or a glob pattern (any
# format Pillow decodes can still be listed by path).
IMAGE_SUFFIXES = frozenset(
    ".png .jpg .jpeg .tif .tiff .bmp .gif .webp .ppm .pgm .pnm .tga .jp2".split()
)


def _image_name(path: Path) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", path.stem) or "_"


def image_set(pattern: str) -> list[dict]:
    """Image entries of a folder (its image files) or a glob pattern, named by file name.

    Names are file names without extension, other characters than letters,
    digits, ``_`` and ``-`` made ``_``; where two files would share a name, both
    get their extension appended (``photo_jpg``, ``photo_png``).

    Raises
    ------
    ConfigError
        If nothing matches, or two files still share a name.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("my cat.jpg", "dog.png", "dog.JPG", "notes.txt"):
    ...     _ = (folder / name).write_bytes(b"")
    >>> [entry["name"] for entry in image_set(str(folder))]
    ['dog_JPG', 'dog_png', 'my_cat']
    """
    import glob

    if Path(pattern).is_dir():
        paths = [path for path in Path(pattern).iterdir() if path.is_file()]
        where = f"folder {echo(pattern)}"
    elif glob.has_magic(pattern):
        paths = [Path(path) for path in glob.glob(pattern, recursive=True)]
        paths = [path for path in paths if path.is_file()]
        where = f"pattern {echo(pattern)}"
    else:
        raise ConfigError(
            f"config key 'images': {echo(pattern)} is neither an image sheet (.tsv or .csv), "
            "a folder nor a glob pattern"
        )
    paths = sorted(path for path in paths if path.suffix.lower() in IMAGE_SUFFIXES)
    if not paths:
        raise ConfigError(
            f"config key 'images': {where} matches no image files "
            f"({', '.join(sorted(IMAGE_SUFFIXES))})"
        )
    stems = [_image_name(path) for path in paths]
    names = [
        f"{stem}_{_image_name(Path(path.suffix[1:]))}" if stems.count(stem) > 1 else stem
        for stem, path in zip(stems, paths, strict=True)
    ]
    by_name: dict[str, Path] = {}
    for name, path in zip(names, paths, strict=True):
        if name in by_name:
            raise ConfigError(
                f"config key 'images': {echo(str(by_name[name]))} and {echo(str(path))} both "
                f"become image name {echo(name)}; rename one, or list the images in a sheet with "
                "names of your own"
            )
        by_name[name] = path
    return [{"name": name, "source": str(path)} for name, path in sorted(by_name.items())]


def check_image_name(name: str, source: str) -> None:
    """Refuse an image name that cannot become a path component or a Snakemake wildcard.

    Names from a folder or a glob pattern are made from file names, so they
    are checked here as well as by the schema; and Snakemake refuses a
    wildcard value ending in a piece repeated 20 times or more.

    Raises
    ------
    ConfigError
        If `name` is longer than `MAX_NAME_LENGTH` or ends in such a repetition.

    Examples
    --------
    >>> check_image_name("scan_" + "0" * 20, "scans/1.png")
    Traceback (most recent call last):
    ...
    colourquant.config.ConfigError: config key 'images': image name 'scan_00000000000000000000' (source 'scans/1.png') ends in '0' repeated 20 times, which Snakemake refuses in a wildcard (PeriodicWildcardError: it takes it for an endless recursion); repeat it fewer than 20 times
    """  # noqa: E501
    where = f"config key 'images': image name {echo(name)} (source {echo(source)})"
    if len(name) > MAX_NAME_LENGTH:
        raise ConfigError(
            f"{where} is {len(name)} characters long; at most {MAX_NAME_LENGTH} (it becomes "
            "a file or directory name): rename the file, or list it in a sheet with a "
            "name of your own"
        )
    periodic = periodic_suffix(name)
    if periodic is not None:
        piece, times = periodic
        raise ConfigError(
            f"{where} ends in {piece!r} repeated {times} times, which Snakemake refuses in a "
            "wildcard (PeriodicWildcardError: it takes it for an endless recursion); "
            f"repeat it fewer than {PERIODIC_REPEATS} times"
        )


def image_table(config: dict, schema: dict) -> dict[str, dict]:
    """The validated images of a configuration, keyed by name, in config order.

    Raises
    ------
    ConfigError
        Also if a name is too long or ends in a long repetition
        (`check_image_name`), if a ``skimage:`` source names no scikit-image
        sample image or has a ``sha256`` (scikit-image checks its own files),
        or a source is a URL of another scheme than http(s) (``file://``,
        ``ftp://``...).
    """
    from .images import ImageError
    from .sources import image_source

    images = config["images"]
    try:
        if isinstance(images, list):
            entries = images
        elif Path(images).suffix.lower() in (".tsv", ".csv"):
            entries = read_image_sheet(images, schema)
        else:
            entries = image_set(images)
    except OSError as error:  # a name too long for a path, a sheet one may not read...
        raise ConfigError(
            f"config key 'images': cannot read {echo(images)}: {error.strerror or error}"
        ) from None
    for entry in entries:
        check_image_name(entry["name"], entry["source"])
        try:
            image_source(entry["source"], name=entry["name"], sha256=entry.get("sha256"))
        except ImageError as error:
            raise ConfigError(f"config key 'images': {error}") from None
    return {entry["name"]: dict(entry) for entry in entries}
