"""What the ``colourquant`` commands share: refusals, reading, output checks and writing.

Every output is checked before any work (:func:`check_outputs`): none may be
the input image or another output (by any spelling: ``./a.png``, a symlink),
and each must be writable, so a refused command leaves every file as it was.
"""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
from pathlib import Path

from .methods import METHODS

PROG = "colourquant"
USAGE_ERROR, IMAGE_ERROR = 2, 1
#: --skip-if-larger: an image not written because it would be larger than its input
#: (pngquant's status for it).
SKIPPED = 98
# -o - : the image on standard output.
STDOUT = "-"
#: compare's spaces if --space is not given (none if every method is a quantizer):
#: compared by identity with the parsed value, so it lives here, imported once.
COMPARE_SPACES = ["RGB", "Lab"]


def fit_settings(args) -> dict:
    """The fit settings of the command's options (and ``n_threads``), checked together.

    Each option is checked alone as it is parsed (its range is FitSettings');
    what holds only together (``--seed`` + ``--replicates``) is checked here.

    Raises
    ------
    Refused
        Exit status 2, naming the options (``--seed``), not the config's keys.
    """
    from .config import ConfigError
    from .settings import FitSettings, fit_defaults

    given = {key: getattr(args, key) for key in fit_defaults() if hasattr(args, key)}
    try:
        FitSettings.from_config(given)
    except ConfigError as error:
        message = str(error)
        for key in given:
            option = "--" + key.replace("_", "-")
            message = message.replace(f"config key 'fit.{key}'", option)
            message = message.replace(f"fit.{key}", option)
        raise Refused(message, USAGE_ERROR) from None
    return {**given, "n_threads": args.threads}


class Refused(Exception):
    """A command refused with one line, and its exit status."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


class Skipped(Refused):
    """An image not written: quantized, it would be larger than its input (--skip-if-larger)."""

    def __init__(self, message: str):
        super().__init__(message, SKIPPED)


def _source(image: str):
    """What IMAGE names (:func:`colourquant.sources.image_source`): its kind and name.

    Nothing is refused here: an IMAGE that cannot be read is refused when it
    is read, in its own line (in a batch, while the others go on).
    """
    from .sources import image_source

    return image_source(image, check=False)


def is_file_source(image: str) -> bool:
    """Whether IMAGE is a file path (not a URL or a ``skimage:`` sample)."""
    return _source(image).kind == "file"


def image_name(image: str) -> str:
    """The name read_image gives IMAGE: a file's stem, a URL's, a sample's name."""
    return _source(image).name


def compare_outputs(args) -> dict[str, Path]:
    """Every file compare will write, by the option that names it."""
    outputs = {"--output": args.output, "--metrics": args.metrics}
    return {option: path for option, path in outputs.items() if path is not None}


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file: the same path once resolved, or one inode."""
    try:
        return a.resolve() == b.resolve() or os.path.samefile(a, b)
    except (OSError, RuntimeError):
        return False  # one of them does not exist yet, or is a symlink loop


def check_outputs(images: list[str], outputs: list[tuple[str, Path | str, str | None]]) -> None:
    """Refuse, before any work, outputs that would overwrite an input or each other, or fail.

    Parameters
    ----------
    images : list of str
        Every IMAGE as given: a file (compared with every output), or a URL or
        a ``skimage:`` sample (nothing to overwrite).
    outputs : list of (option, path, image)
        Each output file, the option that names it (``--output``...) and, in
        a batch, the image it is written for (None for one output of all);
        ``-`` (standard output) is not checked.

    Raises
    ------
    Refused
        One line naming the option and the path given: exit status 2 for an
        output that is an input or another output, 1 for one that cannot be
        written (its folder is a file, is not writable, or the path is a
        directory or not a regular file).
    """
    sources = [(image, Path(image)) for image in images if is_file_source(image)]
    checked: list[tuple[str, Path]] = []
    for option, path, image in outputs:
        if path == STDOUT:
            continue
        label = option if image is None else f"{option} of {image!r}"
        where = f"{option} {str(path)!r}" + ("" if image is None else f" of {image!r}")
        for source_name, source in sources:
            if _same_file(path, source):
                raise Refused(
                    f"{where} is the input image {source_name!r}: give another output "
                    "path; nothing was written",
                    USAGE_ERROR,
                )
        for other, other_path in checked:
            if _same_file(path, other_path):
                raise Refused(
                    f"{where} is also {other}: give each output its own path; nothing was written",
                    USAGE_ERROR,
                )
        _check_writable(path, where)
        checked.append((label, path))


def _check_writable(path: Path, where: str) -> None:
    """Refuse an output whose file or folder cannot take it, naming the path given."""

    def refuse(reason):
        raise Refused(f"cannot write {where}: {reason}; nothing was written", IMAGE_ERROR)

    path = _target(path)
    if path.is_dir():
        refuse("it is a directory")
    if path.exists() and not path.is_file():
        refuse("it exists and is not a regular file")
    # The first folder that exists: the missing ones below it are created.
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        refuse(f"{str(folder)!r} is not a directory")
    try:
        # Outputs are written under a temporary name beside them: try one,
        # named as colourquant.files.atomic_path names it (a long name fails here).
        handle, probe = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
    except OSError as error:
        refuse(f"no file can be created in {str(folder)!r} ({error.strerror or error})")
    os.close(handle)
    os.unlink(probe)


def _target(path: Path) -> Path:
    """Where an output is written: through symlinks, as ``open`` writes.

    The files are written under a temporary name and renamed; renamed onto a
    symlink they would replace the link (``/dev/stdout``, say) rather than
    write where it points.
    """
    return Path(os.path.realpath(path))


def write_output(option: str, path: Path, write) -> None:
    """Call ``write(target)`` for output `path`; a failure names `path`, not a temporary file."""
    try:
        write(_target(path))
    except OSError as error:
        raise Refused(
            f"cannot write {option} {str(path)!r}: {error.strerror or error}", IMAGE_ERROR
        ) from None


def say(args, message: str) -> None:
    """A line of progress on standard error, unless --quiet."""
    if not args.quiet:
        print(message, file=sys.stderr, flush=True)


def read_input(args, image: str, name: str, state: dict, *, quiet: bool):
    """The image, and a line about it on stderr; `state` keeps its size for messages."""
    from .api import read_image

    loaded, name = read_image(image, name=name, verbose=not quiet)
    height, width, _ = loaded.rgb.shape
    state["size"] = width, height
    if not quiet:
        print(f"{name}: {width} x {height} pixels ({image})", file=sys.stderr, flush=True)
    return loaded


def _json_value(value):
    """A metrics value as strict JSON: numpy scalars as numbers, inf and NaN as null."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_metrics(path: Path, rows: list[dict], *, one: bool, named: Path | None = None) -> None:
    """Metrics rows as CSV (the workflow's metrics.csv) or JSON, by `named`'s (`path`'s) suffix."""
    import pandas as pd

    from .files import atomic_path, write_table

    suffix = (named or path).suffix.lower()
    as_csv = suffix == ".csv" if one else suffix != ".json"
    if as_csv:
        write_table(path, pd.DataFrame(rows))
        return
    records = [{key: _json_value(value) for key, value in row.items()} for row in rows]
    with atomic_path(path) as temporary:
        temporary.write_text(json.dumps(records[0] if one else records, indent=2) + "\n")


def _output_name(args, image: str, name: str) -> str:
    """The file name of IMAGE's output: its stem + --suffix, else NAME-SPACE-kK.png.

    The middle part names the run: the space for k-means (as before methods
    came to the command), the method and space for a clusterer, the method
    for a quantizer.
    """
    if args.suffix:
        return image_name(image) + args.suffix
    space = args.space or "Lab"
    kind = METHODS[args.method].kind
    run = {"kmeans": space, "clusterer": f"{args.method}-{space}"}.get(kind, args.method)
    return f"{name}-{run}-k{args.colours}.png"


def image_outputs(args, images: list[str]) -> list[Path | str]:
    """Where each image is written: -o's file, ``-``, or a name in a folder.

    Raises
    ------
    Refused
        For -o naming one file (or ``-``) for several images, or --palette
        with several images.
    """
    output, batch = args.output, len(images) > 1
    named_folder = isinstance(output, str) and output != STDOUT
    if named_folder:
        output = Path(output)
    if batch and (output == STDOUT or args.palette):
        option = "--palette" if args.palette else "-o -"
        raise Refused(f"{option} takes one image, not {len(images)}", USAGE_ERROR)
    folder = None
    if output is not None and output != STDOUT:
        text = str(output)
        if batch and output.suffix and not (output.is_dir() or named_folder):
            raise Refused(
                f"--output {text!r} is one file for {len(images)} images: give a folder "
                "or --suffix",
                USAGE_ERROR,
            )
        if batch or output.is_dir() or named_folder:
            folder = output
        elif not output.suffix:
            raise Refused(
                f"--output {text!r} has no suffix: name a .png, .gif or .webp file, or an "
                f"existing folder (or end it with {os.sep})",
                USAGE_ERROR,
            )
    outputs: list[Path | str] = []
    for image in images:
        if output is not None and folder is None:
            outputs.append(output)
            continue
        name = _output_name(args, image, image_name(image))
        beside = is_file_source(image)
        if folder is not None:
            outputs.append(folder / name)
        elif args.suffix and beside:
            outputs.append(Path(image).parent / name)
        else:
            outputs.append(Path(name))
    return outputs


def out_of_memory(image: str, name: str, size: tuple[int, int] | None) -> str:
    """The one line for a MemoryError: the image, its size and what it needs."""
    from .memory import declared_size, describe_size, format_bytes, memory_needed

    if size is None and Path(image).is_file():
        size = declared_size(image)
    if size is None:
        return f"image {name!r}: out of memory reading {image!r}"
    return (
        f"image {name!r}: out of memory quantizing {image!r}, {describe_size(*size)}: it "
        f"needs about {format_bytes(memory_needed(size[0] * size[1]))}, more than this "
        "process could allocate"
    )
