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
from .columns import formats
from .config import ConfigError
from .images import ImageError
from .spaces import SPACES

__all__ = ["main", "snakemake_command"]

PROG = "colourquant"
# The repository's root: the Snakefile is there in a checkout (an editable
# install); a wheel installs the package alone.
REPO = Path(__file__).resolve().parents[2]
SNAKEFILE = REPO / "Snakefile"
DEFAULT_CONFIG = Path("config") / "config.yaml"

USAGE_ERROR, IMAGE_ERROR = 2, 1

# The image quality columns of `compare`'s table, and how they are printed.
TABLE_FORMATS = formats(
    ("space", "k", "k_effective", "inertia_normalised", "mse_rgb", "psnr", "delta_e2000_mean",
     "delta_e2000_p95", "ssim", "seed_delta_e2000", "fit_seconds")
)  # fmt: skip

_MAIN_DESCRIPTION = """\
Reduce photos to k colours by k-means in a colour space (RGB, Lab, OKLab,
HSV, ...) and measure the result, with the colourquant workflow's own code.

commands:
  quantize    reduce one image to k colours; write it as a PNG
  compare     quantize one image at several k in several spaces; print a table
  run         run the whole workflow (Snakemake) on a config

example:
  colourquant quantize photo.jpg -k 16 --space OKLab -o out.png

`colourquant COMMAND --help` lists a command's options."""

_QUANTIZE_DESCRIPTION = """\
Reduce IMAGE to K colours by k-means in a colour space and write it as an
indexed PNG. The palette and metrics are those the workflow computes for the
same image, space, k and fit settings (colourquant.quantize in Python)."""

_QUANTIZE_EPILOG = """\
example:
  colourquant quantize photo.jpg -k 16 --space OKLab -o out.png --metrics metrics.json

colour spaces: {spaces}
exit status: 0 done, 1 the image cannot be used or an output not written, 2 usage."""

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


def _png(text: str) -> Path:
    """An output path that ends in .png: a lossy format would add colours."""
    if Path(text).suffix.lower() != ".png":
        raise argparse.ArgumentTypeError(f"{text!r} must be a .png file")
    return Path(text)


# The usage line and the output options of quantize and compare.
_OUTPUTS = {
    "quantize": (
        "IMAGE -k K [--space SPACE] [-o OUT.png] [options]",
        [
            (("-o", "--output"), _png, "OUT.png",
             "the quantized image (default: IMAGE-SPACE-kK.png here)"),
            (("--palette",), _png, "FILE.png", "also draw the palette, colours by pixel share"),
            (("--metrics",), Path, "FILE",
             "also measure it (else nothing is): JSON, or CSV if FILE ends in .csv"),
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
        epilog=epilog and epilog.format(spaces=", ".join(SPACES)),
        formatter_class=_HelpFormatter,
    )


def _add_image_options(parser: argparse.ArgumentParser, *, many: bool) -> None:
    """IMAGE, -k and --space: one k and space to quantize, several to compare."""
    parser.add_argument(
        "image",
        metavar="IMAGE",
        help="a file (PNG, JPEG, TIFF, WebP, ...), an http(s) URL or skimage:NAME",
    )
    parser.add_argument(
        "-k", "--colours", type=_at_least(1, "k"), nargs="+" if many else None,
        default=[2, 4, 8, 16] if many else 16, metavar="K",
        help="numbers of colours (2 4 8 16)" if many else "number of colours (16)",
    )  # fmt: skip
    parser.add_argument(
        "-s", "--space", type=_space, choices=SPACES, nargs="+" if many else None,
        default=["RGB", "Lab"] if many else "Lab", metavar="SPACE",
        help="colour spaces (RGB Lab)" if many else "colour space of the fit (Lab)",
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


def _outputs(args, name: str) -> dict[str, Path]:
    """Every file the command will write, by the option that names it."""
    outputs = {"--output": args.output}
    if args.command == "quantize":
        outputs["--output"] = args.output or Path(f"{name}-{args.space}-k{args.colours}.png")
        outputs["--palette"] = args.palette
    outputs["--metrics"] = args.metrics
    return {option: path for option, path in outputs.items() if path is not None}


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file: the same path once resolved, or one inode."""
    try:
        return a.resolve() == b.resolve() or os.path.samefile(a, b)
    except (OSError, RuntimeError):
        return False  # one of them does not exist yet, or is a symlink loop


def _check_outputs(image: str, outputs: dict[str, Path]) -> None:
    """Refuse, before any work, outputs that would overwrite the input or each other, or fail.

    Parameters
    ----------
    image : str
        IMAGE as given: a file (compared with every output), or a URL or a
        ``skimage:`` sample (nothing to overwrite).
    outputs : dict of str to Path
        Each output file, by the option that names it (``--output``...).

    Raises
    ------
    _Refused
        One line naming the option and the path given: exit status 2 for an
        output that is the input or another output, 1 for one that cannot be
        written (its folder is a file, is not writable, or the path is a
        directory or not a regular file).
    """
    from .downloads import is_url
    from .images import SAMPLE_PREFIX

    source = None if is_url(image) or image.startswith(SAMPLE_PREFIX) else Path(image)
    checked: dict[str, Path] = {}
    for option, path in outputs.items():
        where = f"{option} {str(path)!r}"
        if source is not None and _same_file(path, source):
            raise _Refused(
                f"{where} is the input image {image!r}: give another output "
                "path; nothing was written",
                USAGE_ERROR,
            )
        for other, other_path in checked.items():
            if _same_file(path, other_path):
                raise _Refused(
                    f"{where} is also {other}: give each output its own path; nothing was written",
                    USAGE_ERROR,
                )
        _check_writable(path, where)
        checked[option] = path


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


def _read(args, name: str, state: dict):
    """The image, and a line about it on stderr; `state` keeps its size for messages."""
    from .api import read_image

    loaded, name = read_image(args.image, name=name, verbose=not args.quiet)
    height, width, _ = loaded.rgb.shape
    state["size"] = width, height
    _say(args, f"{name}: {width} x {height} pixels ({args.image})")
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


def _quantize(args, name: str, outputs: dict[str, Path], state: dict) -> None:
    from .api import quantize
    from .files import write_indexed_png, write_png
    from .palette import render_palette

    loaded = _read(args, name, state)
    started = time.perf_counter()
    # Without --metrics nothing is measured: the image and palette alone.
    result = quantize(
        loaded, args.colours, args.space, name=name, verbose=not args.quiet,
        metrics=bool(args.metrics), **_fit_settings(args),
    )  # fmt: skip
    output = outputs["--output"]
    _write("--output", output, lambda to: write_indexed_png(to, result.labels, result.palette))
    if args.palette:
        shares = result.counts / result.counts.sum()
        _write(
            "--palette",
            args.palette,
            lambda to: write_png(to, render_palette(result.palette, shares)),
        )
    metrics, scores = result.metrics, ""
    if args.metrics:
        _write(
            "--metrics",
            args.metrics,
            lambda to: _write_metrics(to, [metrics], one=True, named=args.metrics),
        )
        scores = (
            f", mean ΔE00 {metrics['delta_e2000_mean']:.2f}, PSNR {metrics['psnr']:.2f} dB, "
            f"SSIM {metrics['ssim']:.4f}"
        )
    _say(
        args,
        f"wrote {output}: {len(result.palette)} colours{scores} "
        f"({time.perf_counter() - started:.1f} s)",
    )


def _compare(args, name: str, outputs: dict[str, Path], state: dict) -> None:
    from .api import compare

    if args.output:
        import matplotlib

        matplotlib.use("Agg")
    loaded = _read(args, name, state)
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


def main(argv: list[str] | None = None) -> int:
    """Run the ``colourquant`` command; return its exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser()
    if argv[:1] == ["run"] and argv[1:] not in (["-h"], ["--help"]):
        # Every option after `run` is Snakemake's.
        return _run(argv[1:])
    args = parser.parse_args(argv)
    name, state = _image_name(args.image), {"size": None}
    try:
        outputs = _outputs(args, name)
        _check_outputs(args.image, outputs)
        if args.command == "quantize":
            _quantize(args, name, outputs, state)
        else:
            _compare(args, name, outputs, state)
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
