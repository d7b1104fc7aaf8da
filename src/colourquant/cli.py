"""The ``colourquant`` command: the workflow's engine from a shell.

``colourquant quantize`` and ``colourquant compare`` call
:func:`colourquant.quantize` and :func:`colourquant.compare`, so a command,
a notebook and the workflow give the same palettes and metrics for the same
image, space, k and settings. ``colourquant run`` runs the workflow itself
with Snakemake. ``colourquant --help`` and ``colourquant <command> --help``
say how; exit status 0 is success, 1 an image that cannot be used or an
output that cannot be written, 2 a usage error.

Every output is checked before any work: none may be the input image or
another output (by any spelling: ``./a.png``, a symlink), and each must be
writable (its folder a writable directory, the file not a directory), so a
refused command leaves every file as it was.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import __version__
from .columns import COMPARE_FORMATS
from .config import ConfigError
from .dither import DITHERS
from .images import ImageError
from .methods import METHODS, method_names
from .spaces import SPACES

__all__ = ["main", "snakemake_command"]

PROG = "colourquant"
# The repository's root: the Snakefile is there in a checkout (an editable
# install); a wheel installs the package alone.
REPO = Path(__file__).resolve().parents[2]
SNAKEFILE = REPO / "Snakefile"
DEFAULT_CONFIG = Path("config") / "config.yaml"

USAGE_ERROR, IMAGE_ERROR = 2, 1
# -o - : the image on standard output.
STDOUT = "-"
# A batch of at least this many images draws a progress bar (on a terminal).
PROGRESS_BAR_IMAGES = 4

# The image quality columns of `compare`'s table, and how they are printed.
TABLE_FORMATS = COMPARE_FORMATS  # the registry's (colourquant.columns), kept live

_MAIN_DESCRIPTION = """\
Reduce photos to k colours by k-means in a colour space (RGB, Lab, OKLab,
HSV, ...) and measure the result, with the colourquant workflow's own code.

commands:
  quantize    reduce images to k colours by any method; write them as PNG, GIF or WebP
  compare     quantize one image at several k in several spaces; print a table
  run         run the whole workflow (Snakemake) on a config

example:
  colourquant quantize photo.jpg -k 16 --space OKLab -o out.png

`colourquant COMMAND --help` lists a command's options."""

_QUANTIZE_DESCRIPTION = """\
Reduce each IMAGE to K colours by k-means in a colour space (or any other
method) and write it as an indexed PNG (GIF, lossless WebP by -o's suffix).
The palette and metrics are those the workflow computes for the same image,
method, space, k and fit settings (colourquant.quantize in Python).
IMAGE may be several files, a folder (its image files) or a quoted glob; an
image that fails is reported in one line, the others are still written."""

_QUANTIZE_EPILOG = """\
examples:
  colourquant quantize photo.jpg -k 16 --space OKLab -o out.png --metrics metrics.json
  colourquant quantize photo.jpg -k 16 --method median_cut --dither floyd_steinberg -o out.gif
  colourquant quantize 'photos/*.jpg' -k 8 -o quantized/ --metrics metrics.csv
  colourquant quantize photos/ -k 8 --suffix -k8.png     (beside each image, as pngquant --ext)
  colourquant quantize logo.png -k 8 -o - > small.png     (the PNG on standard output)

methods: kmeans (the default) and the clusterers, in any colour space:
  {clusterers}
  and the quantizers, without --space (they work in 8-bit RGB):
  {quantizers}
colour spaces: {spaces}
transparency: fully transparent pixels stay transparent (one palette entry);
  partly transparent ones, and all with --background white, are composited on
  white, which is also what the fit and the metrics see.
exit status: 0 done, 1 an image cannot be used or an output not written, 2 usage."""

_COMPARE_DESCRIPTION = """\
Quantize IMAGE at every K in every SPACE and print the image quality of each
run as a table (the workflow's metrics columns; colourquant.compare in Python)."""

_COMPARE_EPILOG = """\
example:
  colourquant compare photo.jpg -k 4 8 16 --space RGB Lab -o figure.png

colour spaces: {spaces}
exit status: 0 done, 1 the image cannot be used or an output not written, 2 usage."""

_RUN_DESCRIPTION = f"""\
Run the whole workflow with Snakemake: every image of the config in every
colour space at every k, its figures and its report, into results/ in the
current directory. Any Snakemake option may follow; by default

  --cores all        use every core (unless --cores, --jobs or a profile is given)
  --configfile ...   config/config.yaml of the current directory if there is one,
                     else the repository's default sweep

This is `python -m snakemake --snakefile {SNAKEFILE}` with those defaults.

examples:
  colourquant run --dry-run                    what would run
  colourquant run --configfile my.yaml         your images and settings
  colourquant run --report results/default/report.html  the report, after a run"""


# Each command's description and epilog (its example), for `COMMAND --help`.
_TEXTS = {
    "quantize": (_QUANTIZE_DESCRIPTION, _QUANTIZE_EPILOG),
    "compare": (_COMPARE_DESCRIPTION, _COMPARE_EPILOG),
    "run": (_RUN_DESCRIPTION, None),
}


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """pngquant's layout: one line per option, its value named once (``-k, --colours K``)."""

    def __init__(self, prog: str):
        super().__init__(prog, max_help_position=34, width=100)

    def _format_action_invocation(self, action: argparse.Action) -> str:
        if not action.option_strings or action.nargs == 0:
            return super()._format_action_invocation(action)
        value = self._format_args(action, self._get_default_metavar_for_optional(action))
        return f"{', '.join(action.option_strings)} {value}"


def _space(name: str) -> str:
    """A colour space name, in any case: ``oklab`` -> ``OKLab``."""
    by_lower = {space.lower(): space for space in SPACES}
    return by_lower.get(name.lower(), name)


def _at_least(low: int, what: str):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be an integer, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{what} must be at least {low}, got {value}")
        return value

    return parse


def _image_output(text: str) -> Path | str:
    """-o of quantize: ``-`` (standard output), a folder, or a file of a lossless format."""
    from .files import quantized_format

    if text == STDOUT:
        return STDOUT
    if text.endswith(os.sep):
        return text  # a folder, as given: Path would drop the separator
    path = Path(text)
    if path.suffix and not path.is_dir():
        try:
            quantized_format(path)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
    return path


def _metrics_path(text: str) -> Path | str:
    """--metrics of quantize: a file, or a folder if it ends in a separator (kept as given)."""
    return text if text.endswith(os.sep) else Path(text)


def _suffix(text: str) -> str:
    """--suffix: what replaces an input's suffix, ending in a lossless format's."""
    from .files import quantized_format

    if not text or os.sep in text:
        raise argparse.ArgumentTypeError(f"{text!r} must be a file name ending, e.g. -quant.png")
    try:
        quantized_format(Path("x" + text))
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error).replace("'x", "'", 1)) from None
    return text


def _png(text: str) -> Path:
    """An output path that ends in .png: a lossy format would add colours."""
    if Path(text).suffix.lower() != ".png":
        raise argparse.ArgumentTypeError(f"{text!r} must be a .png file")
    return Path(text)


# The usage line and the output options of quantize and compare.
_OUTPUTS = {
    "quantize": (
        "IMAGE [IMAGE ...] -k K [-m METHOD] [-s SPACE] [-o OUT] [options]",
        [
            (("-o", "--output"), _image_output, "OUT",
             "a .png/.gif/.webp, - (stdout) or a folder (default: IMAGE-SPACE-kK.png here)"),
            (("--suffix",), _suffix, "EXT",
             "name each output IMAGE's stem + EXT, beside IMAGE unless -o names a folder"),
            (("--palette",), _png, "FILE.png",
             "also draw the palette, colours by pixel share (one image)"),
            (("--metrics",), _metrics_path, "FILE",
             "also measure it (else nothing is): JSON, or CSV if FILE ends in .csv; "
             "several images: a CSV row each (JSON if .json), or a folder of JSON files"),
        ],
    ),
    "compare": (
        "IMAGE -k K [K ...] --space SPACE [SPACE ...] [-o FIG.png]",
        [
            (("-o", "--output"), _png, "FIG.png",
             "also draw the comparison figure: a row per space, a column per k"),
            (("--metrics",), Path, "FILE",
             "also write every metrics column: CSV, or JSON if FILE ends in .json"),
        ],
    ),
}  # fmt: skip


def _add_fit_options(parser: argparse.ArgumentParser) -> None:
    """The options of the fit and of progress, shared by quantize and compare."""
    parser.add_argument(
        "--mode", choices=["exact", "sample"], default="exact", metavar="MODE",
        help="exact: fit every pixel (default); sample: a 5 %% pixel sample",
    )  # fmt: skip
    parser.add_argument(
        "--seed", type=_at_least(0, "--seed"), default=0, metavar="N", help="random seed (0)"
    )
    parser.add_argument(
        "--n-init", type=_at_least(1, "--n-init"), default=10, metavar="N",
        help="k-means++ restarts (10)",
    )  # fmt: skip
    parser.add_argument(
        "--replicates", type=_at_least(0, "--replicates"), default=1, metavar="N",
        help="refits with seeds seed+1..seed+N that measure chance (1; 0 is twice as fast)",
    )  # fmt: skip
    parser.add_argument(
        "--threads", type=_at_least(1, "--threads"), default=1, metavar="N",
        help="threads of the numerical libraries (1, as a workflow job)",
    )  # fmt: skip
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")


def _command(commands, name: str, usage: str) -> argparse.ArgumentParser:
    """A command's parser, its description and epilog from :data:`_TEXTS`."""
    description, epilog = _TEXTS[name]
    return commands.add_parser(
        name,
        prog=f"{PROG} {name}",
        usage=f"{PROG} {name} {usage}",
        description=description,
        epilog=epilog
        and epilog.format(
            spaces=", ".join(SPACES),
            clusterers=", ".join(method_names("clusterer")),
            quantizers=", ".join(method_names("quantizer")),
        ),
        formatter_class=_HelpFormatter,
    )


def _add_image_options(parser: argparse.ArgumentParser, *, many: bool) -> None:
    """IMAGE, -k and --space: one k and space to quantize, several to compare."""
    parser.add_argument(
        "image",
        metavar="IMAGE",
        nargs="+" if not many else None,
        help="a file (PNG, JPEG, TIFF, WebP, ...), an http(s) URL or skimage:NAME"
        + ("; or several, a folder, a quoted glob" if not many else ""),
    )
    parser.add_argument(
        "-k", "--colours", type=_at_least(1, "k"), nargs="+" if many else None,
        default=[2, 4, 8, 16] if many else 16, metavar="K",
        help="numbers of colours (2 4 8 16)" if many else "number of colours (16)",
    )  # fmt: skip
    parser.add_argument(
        "-s", "--space", type=_space, choices=SPACES, nargs="+" if many else None,
        default=["RGB", "Lab"] if many else None, metavar="SPACE",
        help="colour spaces (RGB Lab)" if many else "colour space of the fit (Lab; none for "
        "a quantizer)",
    )  # fmt: skip
    if many:
        return
    parser.add_argument(
        "-m", "--method", choices=list(METHODS), default="kmeans", metavar="NAME",
        help="kmeans (default), a clusterer or a quantizer: see methods below",
    )  # fmt: skip
    parser.add_argument(
        "--dither", choices=DITHERS, default="none", metavar="HOW",
        help="none (default), floyd_steinberg or ordered, in the fit's colour space",
    )  # fmt: skip
    parser.add_argument(
        "--background", choices=["keep", "white"], default="keep", metavar="HOW",
        help="keep: transparent pixels stay transparent (default); white: composite them",
    )  # fmt: skip


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        usage=f"{PROG} COMMAND [options] ...",
        description=_MAIN_DESCRIPTION,
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    # The commands are listed in the description, in pngquant's manner.
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, help=argparse.SUPPRESS
    )

    for name, (usage, outputs) in _OUTPUTS.items():
        command = _command(commands, name, usage)
        _add_image_options(command, many=name == "compare")
        for flags, kind, metavar, help in outputs:
            command.add_argument(*flags, type=kind, metavar=metavar, help=help)
        _add_fit_options(command)
    _command(commands, "run", "[SNAKEMAKE OPTIONS]")
    return parser


def _fit_settings(args) -> dict:
    return {
        "mode": args.mode,
        "seed": args.seed,
        "n_init": args.n_init,
        "replicates": args.replicates,
        "n_threads": args.threads,
    }


class _Refused(Exception):
    """A command refused with one line, and its exit status."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def _image_name(image: str) -> str:
    """The name read_image gives IMAGE: a file's stem, a URL's, a sample's name."""
    from .api import url_name
    from .downloads import is_url
    from .images import SAMPLE_PREFIX

    if is_url(image):
        return url_name(image)
    if image.startswith(SAMPLE_PREFIX):
        return image.removeprefix(SAMPLE_PREFIX)
    return Path(image).stem or image


def _outputs(args) -> dict[str, Path]:
    """Every file compare will write, by the option that names it."""
    outputs = {"--output": args.output, "--metrics": args.metrics}
    return {option: path for option, path in outputs.items() if path is not None}


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file: the same path once resolved, or one inode."""
    try:
        return a.resolve() == b.resolve() or os.path.samefile(a, b)
    except (OSError, RuntimeError):
        return False  # one of them does not exist yet, or is a symlink loop


def _check_outputs(images: list[str], outputs: list[tuple[str, Path | str, str | None]]) -> None:
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
    _Refused
        One line naming the option and the path given: exit status 2 for an
        output that is an input or another output, 1 for one that cannot be
        written (its folder is a file, is not writable, or the path is a
        directory or not a regular file).
    """
    from .downloads import is_url
    from .images import SAMPLE_PREFIX

    sources = [
        (image, Path(image))
        for image in images
        if not (is_url(image) or image.startswith(SAMPLE_PREFIX))
    ]
    checked: list[tuple[str, Path]] = []
    for option, path, image in outputs:
        if path == STDOUT:
            continue
        label = option if image is None else f"{option} of {image!r}"
        where = f"{option} {str(path)!r}" + ("" if image is None else f" of {image!r}")
        for source_name, source in sources:
            if _same_file(path, source):
                raise _Refused(
                    f"{where} is the input image {source_name!r}: give another output "
                    "path; nothing was written",
                    USAGE_ERROR,
                )
        for other, other_path in checked:
            if _same_file(path, other_path):
                raise _Refused(
                    f"{where} is also {other}: give each output its own path; nothing was written",
                    USAGE_ERROR,
                )
        _check_writable(path, where)
        checked.append((label, path))


def _check_writable(path: Path, where: str) -> None:
    """Refuse an output whose file or folder cannot take it, naming the path given."""

    def refuse(reason):
        raise _Refused(f"cannot write {where}: {reason}; nothing was written", IMAGE_ERROR)

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


def _write(option: str, path: Path, write) -> None:
    """Call ``write(target)`` for output `path`; a failure names `path`, not a temporary file."""
    try:
        write(_target(path))
    except OSError as error:
        raise _Refused(
            f"cannot write {option} {str(path)!r}: {error.strerror or error}", IMAGE_ERROR
        ) from None


def _say(args, message: str) -> None:
    if not args.quiet:
        print(message, file=sys.stderr, flush=True)


def _read(args, image: str, name: str, state: dict, *, quiet: bool):
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


def _write_metrics(path: Path, rows: list[dict], *, one: bool, named: Path | None = None) -> None:
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


def _expand_images(given: list[str]) -> list[str]:
    """IMAGE arguments as the images they name: a folder's image files, a glob's matches.

    A folder gives its image files (by suffix, not hidden, not recursive) and
    a glob (``*``, ``?``, ``[``) that names no existing file its matching
    files, each sorted; anything else (a file, a URL, a sample) is itself.

    Raises
    ------
    _Refused
        One line naming the folder or glob that gives no image.
    """
    import glob

    from PIL import Image

    from .downloads import is_url
    from .images import SAMPLE_PREFIX

    suffixes = set(Image.registered_extensions())
    images: list[str] = []
    for item in given:
        if is_url(item) or item.startswith(SAMPLE_PREFIX) or Path(item).is_file():
            images.append(item)
        elif Path(item).is_dir():
            found = sorted(
                str(path)
                for path in Path(item).iterdir()
                if path.is_file()
                and not path.name.startswith(".")
                and path.suffix.lower() in suffixes
            )
            if not found:
                raise _Refused(f"folder {item!r} holds no image file", IMAGE_ERROR)
            images += found
        elif glob.has_magic(item):
            found = sorted(path for path in glob.glob(item) if Path(path).is_file())
            if not found:
                raise _Refused(f"IMAGE {item!r} matches no file", USAGE_ERROR)
            images += found
        else:
            images.append(item)  # missing: reported when it is read
    return images


def _output_name(args, image: str, name: str) -> str:
    """The file name of IMAGE's output: its stem + --suffix, else NAME-SPACE-kK.png.

    The middle part names the run: the space for k-means (as before methods
    came to the command), the method and space for a clusterer, the method
    for a quantizer.
    """
    if args.suffix:
        return _image_name(image) + args.suffix
    space = args.space or "Lab"
    kind = METHODS[args.method].kind
    run = {"kmeans": space, "clusterer": f"{args.method}-{space}"}.get(kind, args.method)
    return f"{name}-{run}-k{args.colours}.png"


def _image_outputs(args, images: list[str]) -> list[Path | str]:
    """Where each image is written: -o's file, ``-``, or a name in a folder.

    Raises
    ------
    _Refused
        For -o naming one file (or ``-``) for several images, or --palette
        with several images.
    """
    from .downloads import is_url
    from .images import SAMPLE_PREFIX

    output, batch = args.output, len(images) > 1
    named_folder = isinstance(output, str) and output != STDOUT
    if named_folder:
        output = Path(output)
    if batch and (output == STDOUT or args.palette):
        option = "--palette" if args.palette else "-o -"
        raise _Refused(f"{option} takes one image, not {len(images)}", USAGE_ERROR)
    folder = None
    if output is not None and output != STDOUT:
        text = str(output)
        if batch and output.suffix and not (output.is_dir() or named_folder):
            raise _Refused(
                f"--output {text!r} is one file for {len(images)} images: give a folder "
                "or --suffix",
                USAGE_ERROR,
            )
        if batch or output.is_dir() or named_folder:
            folder = output
        elif not output.suffix:
            raise _Refused(
                f"--output {text!r} has no suffix: name a .png, .gif or .webp file, or an "
                f"existing folder (or end it with {os.sep})",
                USAGE_ERROR,
            )
    outputs: list[Path | str] = []
    for image in images:
        if output is not None and folder is None:
            outputs.append(output)
            continue
        name = _output_name(args, image, _image_name(image))
        beside = not (is_url(image) or image.startswith(SAMPLE_PREFIX))
        if folder is not None:
            outputs.append(folder / name)
        elif args.suffix and beside:
            outputs.append(Path(image).parent / name)
        else:
            outputs.append(Path(name))
    return outputs


def _quantize_command(args) -> int:
    """Run ``colourquant quantize``: every image, each failure one line; the exit status."""
    from .api import check_method
    from .runs import FitSettings

    try:
        # Usage first: the method and space, the fit settings.
        try:
            check_method(args.method, args.space, args.colours)
        except ValueError as error:
            option = "--space" if args.space and "colour space" in str(error) else "--method"
            raise _Refused(f"{option}: {error}", USAGE_ERROR) from None
        FitSettings.from_config(
            {key: value for key, value in _fit_settings(args).items() if key != "n_threads"}
        )
        images = _expand_images(args.image)
        outputs = _image_outputs(args, images)
        batch = len(images) > 1
        gifs = [path for path in outputs if str(path).lower().endswith(".gif")]
        if gifs and args.colours > 256:
            raise _Refused(
                f"--output {str(gifs[0])!r}: a GIF holds at most 256 colours, not "
                f"k = {args.colours}; write .png or .webp",
                USAGE_ERROR,
            )
        # A folder of metrics: a JSON file each, named after the image's output.
        folder = isinstance(args.metrics, str) or (
            batch and args.metrics is not None and args.metrics.is_dir()
        )
        args.metrics_files = (
            [Path(args.metrics) / f"{Path(str(output)).stem}.json" for output in outputs]
            if folder
            else None
        )
        each = args.metrics_files or [None] * len(images)
        _check_outputs(
            images,
            [(option, path, image if batch else None)
             for image, output, metrics in zip(images, outputs, each, strict=True)
             for option, path in (("--output", output), ("--metrics", metrics))
             if path is not None]
            + [(option, path, None) for option, path in
               (("--palette", args.palette), ("--metrics", args.metrics)) if path is not None
               and not folder],
        )  # fmt: skip
    except _Refused as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return error.status
    except ConfigError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return USAGE_ERROR
    if not batch:
        return _quantize_one_image(args, images[0], outputs[0])
    return _quantize_batch(args, images, outputs)


def _quantize_one_image(args, image: str, output) -> int:
    """One image, as the command always ran it: its messages, its metrics row."""
    name, state = _image_name(image), {"size": None}
    try:
        row = _quantize(args, image, name, output, state, batch=False)
        if args.metrics:
            path = (args.metrics_files or [args.metrics])[0]
            _write("--metrics", path, lambda to: _write_metrics(to, [row], one=True, named=path))
    except Exception as error:  # noqa: BLE001 - sorted into one line by _failure
        message, status = _failure(error, image, name, state["size"])
        print(f"{PROG}: {message}", file=sys.stderr)
        return status
    return 0


def _quantize_batch(args, images: list[str], outputs: list) -> int:
    """Several images: a line each, a progress bar on a terminal, failures reported and passed."""
    from tqdm import tqdm

    rows, failed = [], 0
    bar = tqdm(
        total=len(images), file=sys.stderr, unit="image", leave=False,
        disable=True if args.quiet or len(images) < PROGRESS_BAR_IMAGES else None,
    )  # fmt: skip
    each = args.metrics_files or [None] * len(images)
    with bar:
        for image, output, metrics in zip(images, outputs, each, strict=True):
            name, state = _image_name(image), {"size": None}
            try:
                row = _quantize(args, image, name, output, state, batch=True)
                if metrics is not None:
                    _write(
                        "--metrics",
                        metrics,
                        lambda to, row=row: _write_metrics(to, [row], one=True),
                    )
                rows.append(row)
            except Exception as error:  # noqa: BLE001 - sorted into one line by _failure
                message, _ = _failure(error, image, name, state["size"])
                tqdm.write(f"{PROG}: {message}", file=sys.stderr)
                failed += 1
            bar.update()
    if args.metrics and rows and args.metrics_files is None:
        try:
            _write(
                "--metrics",
                args.metrics,
                lambda to: _write_metrics(to, rows, one=False, named=args.metrics),
            )
        except _Refused as error:
            print(f"{PROG}: {error}", file=sys.stderr)
            return error.status
    if failed:
        print(f"{PROG}: {failed} of {len(images)} images failed", file=sys.stderr)
        return IMAGE_ERROR
    return 0


def _failure(error: BaseException, image: str, name: str, size) -> tuple[str, int]:
    """An error while quantizing one image as one line and an exit status; others re-raised."""
    if isinstance(error, _Refused):
        return str(error), error.status
    if isinstance(error, ImageError):
        return str(error), IMAGE_ERROR
    if isinstance(error, ConfigError):
        return str(error), USAGE_ERROR
    if isinstance(error, MemoryError):
        return _out_of_memory(image, name, size), IMAGE_ERROR
    if isinstance(error, OSError):
        where = f" {str(error.filename)!r}" if error.filename else ""
        return f"cannot write{where}: {error.strerror or error}", IMAGE_ERROR
    if isinstance(error, ValueError):  # a GIF of too many colours, a method's limit
        return f"image {name!r}: {error}", IMAGE_ERROR
    raise error


def _quantize(args, image: str, name: str, output, state: dict, *, batch: bool) -> dict:
    """Quantize one image, write it (and its palette); return its metrics row."""
    from .api import quantize
    from .files import quantized_format, write_png, write_quantized
    from .palette import render_palette

    loaded = _read(args, image, name, state, quiet=args.quiet or batch)
    started = time.perf_counter()
    # Without --metrics nothing is measured: the image and palette alone.
    result = quantize(
        loaded, args.colours, args.space, method=args.method, dither=args.dither,
        background=None if args.background == "keep" else "white", name=name,
        verbose=not (args.quiet or batch), metrics=bool(args.metrics), **_fit_settings(args),
    )  # fmt: skip
    # The image as it was read keeps its transparency; quantize saw a LoadedImage.
    transparent = result.transparent

    def write(to, image_format):
        write_quantized(to, result.labels, result.palette, transparent, image_format)

    if output == STDOUT:
        import io

        buffer = io.BytesIO()
        write(buffer, "PNG")
        sys.stdout.buffer.write(buffer.getvalue())
        sys.stdout.buffer.flush()
    else:
        image_format = quantized_format(output)
        _write("--output", output, lambda to: write(to, image_format))
    if args.palette:
        shares = result.counts / result.counts.sum()
        _write(
            "--palette",
            args.palette,
            lambda to: write_png(to, render_palette(result.palette, shares)),
        )
    metrics, scores = result.metrics, ""
    if args.metrics:
        scores = (
            f", mean ΔE00 {metrics['delta_e2000_mean']:.2f}, PSNR {metrics['psnr']:.2f} dB, "
            f"SSIM {metrics['ssim']:.4f}"
        )
    line = (
        f"wrote {'standard output' if output == STDOUT else output}: {len(result.palette)} "
        f"colours{scores} ({time.perf_counter() - started:.1f} s)"
    )
    if batch:
        if not args.quiet:
            from tqdm import tqdm

            tqdm.write(f"{name}: {line}", file=sys.stderr)
    else:
        _say(args, line)
    return metrics


def _compare(args, name: str, state: dict) -> None:
    from .api import compare

    if args.output:
        import matplotlib

        matplotlib.use("Agg")
    loaded = _read(args, args.image, name, state, quiet=args.quiet)
    spaces, ks = list(dict.fromkeys(args.space)), list(dict.fromkeys(args.colours))
    result = compare(
        loaded,
        ks,
        spaces,
        figure=bool(args.output),
        name=name,
        verbose=not args.quiet,
        **_fit_settings(args),
    )
    table, figure = result if args.output else (result, None)
    shown = [column for column in TABLE_FORMATS if column in table]
    formats = {column: TABLE_FORMATS[column] for column in shown if TABLE_FORMATS[column]}
    print(table[shown].to_string(index=False, formatters=formats))
    if args.metrics:
        records = table.to_dict("records")
        _write(
            "--metrics",
            args.metrics,
            lambda to: _write_metrics(to, records, one=False, named=args.metrics),
        )
    if figure is not None:
        from .files import write_figure

        _write("--output", args.output, lambda to: write_figure(to, figure, dpi=110))
        _say(args, f"wrote {args.output}")


def _out_of_memory(image: str, name: str, size: tuple[int, int] | None) -> str:
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


def _option_given(args: list[str], *names: str) -> bool:
    """Whether a Snakemake option was given: ``--cores 4``, ``--cores=4`` or ``-c4``."""
    for arg in args:
        for name in names:
            if (
                arg == name
                or arg.startswith(f"{name}=")
                or (not name.startswith("--") and arg.startswith(name) and not arg.startswith("--"))
            ):
                return True
    return False


def _option_value(args: list[str], *names: str) -> str | None:
    for i, arg in enumerate(args):
        for name in names:
            if arg == name and i + 1 < len(args):
                return args[i + 1]
            if arg.startswith(f"{name}="):
                return arg.split("=", 1)[1]
    return None


def snakemake_command(args: list[str], cwd: Path | None = None) -> list[str]:
    """The Snakemake command that ``colourquant run ARGS`` runs (see its ``--help``).

    Examples
    --------
    >>> command = snakemake_command(["--dry-run"], cwd=REPO)
    >>> command[1:3], command[-3:]
    (['-m', 'snakemake'], ['--cores', 'all', '--dry-run'])
    >>> "--cores" in snakemake_command(["-c2"], cwd=REPO)
    False
    """
    cwd = Path.cwd() if cwd is None else cwd
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(SNAKEFILE)]
    if not _option_given(args, "--configfile", "--configfiles"):
        workdir = cwd / (_option_value(args, "--directory", "-d") or ".")
        if not (workdir / DEFAULT_CONFIG).is_file():
            command += ["--configfile", str(REPO / DEFAULT_CONFIG)]
    if not _option_given(args, "--cores", "-c", "--jobs", "-j", "--profile", "--workflow-profile"):
        command += ["--cores", "all"]
    return command + list(args)


def _run(args: list[str]) -> int:
    if not SNAKEFILE.is_file():
        print(
            f"{PROG}: run needs the workflow's repository: there is no Snakefile at {SNAKEFILE} "
            "(the package was installed without it); clone the repository and "
            "`pip install -e .` there",
            file=sys.stderr,
        )
        return IMAGE_ERROR
    return subprocess.call(snakemake_command(args))


def _joined_suffix(argv: list[str]) -> list[str]:
    """``--suffix -q.png`` as ``--suffix=-q.png``: argparse reads a leading - as an option.

    >>> _joined_suffix(["quantize", "a.png", "--suffix", "-q.png", "-k", "4"])
    ['quantize', 'a.png', '--suffix=-q.png', '-k', '4']
    """
    joined, rest = [], iter(argv)
    for arg in rest:
        joined.append(arg)
        if arg == "--suffix":
            following = next(rest, None)
            if following is not None:
                joined[-1] = f"--suffix={following}"
    return joined


def main(argv: list[str] | None = None) -> int:
    """Run the ``colourquant`` command; return its exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser()
    if argv[:1] == ["run"] and argv[1:] not in (["-h"], ["--help"]):
        # Every option after `run` is Snakemake's.
        return _run(argv[1:])
    args = parser.parse_args(_joined_suffix(argv))
    if args.command == "quantize":
        try:
            return _quantize_command(args)
        except KeyboardInterrupt:
            return 130
    name, state = _image_name(args.image), {"size": None}
    try:
        _check_outputs(
            [args.image], [(option, path, None) for option, path in _outputs(args).items()]
        )
        _compare(args, name, state)
    except _Refused as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return error.status
    except ImageError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return IMAGE_ERROR
    except ConfigError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return USAGE_ERROR
    except MemoryError:
        print(f"{PROG}: {_out_of_memory(args.image, name, state['size'])}", file=sys.stderr)
        return IMAGE_ERROR
    except OSError as error:
        where = f" {str(error.filename)!r}" if error.filename else ""
        print(f"{PROG}: cannot write{where}: {error.strerror or error}", file=sys.stderr)
        return IMAGE_ERROR
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
