"""The ``colourquant`` command: the workflow's engine from a shell.

``colourquant quantize`` and ``colourquant compare`` call
:func:`colourquant.quantize` and :func:`colourquant.compare`, so a command,
a notebook and the workflow give the same palettes and metrics for the same
image, space, k and settings. ``colourquant run`` runs the workflow itself
with Snakemake. ``colourquant --help`` and ``colourquant <command> --help``
say how; exit status 0 is success, 1 an image that cannot be used or an
output that cannot be written, 2 a usage error, 98 an image that ``quantize
--skip-if-larger`` did not write (pngquant's status).

Every output is checked before any work: none may be the input image or
another output (by any spelling: ``./a.png``, a symlink), and each must be
writable (its folder a writable directory, the file not a directory), so a
refused command leaves every file as it was.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from . import __version__
from ._cli_batch import quantize_command
from ._cli_compare import compare_command
from ._cli_io import COMPARE_SPACES, IMAGE_ERROR, PROG, STDOUT
from .columns import COMPARE_FORMATS
from .dither import DITHERS
from .methods import METHODS, method_names
from .settings import fit_bounds, fit_defaults
from .spaces import SPACES

__all__ = ["main", "snakemake_command"]

# The repository's root: the Snakefile is there in a checkout (an editable
# install); a wheel installs the package alone.
REPO = Path(__file__).resolve().parents[2]
SNAKEFILE = REPO / "Snakefile"
DEFAULT_CONFIG = Path("config") / "config.yaml"


# The image quality columns of `compare`'s table, and how they are printed.
TABLE_FORMATS = COMPARE_FORMATS  # the registry's (colourquant.columns), kept live

_MAIN_DESCRIPTION = """\
Reduce photos to k colours by k-means in a colour space (RGB, Lab, OKLab,
HSV, ...) and measure the result, with the colourquant workflow's own code.

commands:
  quantize    reduce images to k colours by any method; write them as PNG, GIF or WebP
  compare     quantize one image at several k, in several spaces and by several methods;
              print a table
  run         run the whole workflow (Snakemake) on a config

example:
  colourquant quantize photo.jpg -k 16 --space OKLab -o out.png

`colourquant COMMAND --help` lists a command's options."""

_QUANTIZE_DESCRIPTION = """\
Reduce each IMAGE to K colours by k-means in a colour space (or any other
method) and write it as an indexed PNG (GIF, lossless WebP by -o's suffix;
an RGB PNG beyond 256 colours, which no palette holds).
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
  colourquant quantize icons/ -k 64 --suffix -q.png --skip-if-larger   (only if smaller)

methods: kmeans (the default) and the clusterers, in any colour space:
  {clusterers}
  and the quantizers, without --space (they work in 8-bit RGB):
  {quantizers}
colour spaces: {spaces}
transparency: fully transparent pixels stay transparent (one palette entry);
  partly transparent ones, and all with --background white, are composited on
  white, which is also what the fit and the metrics see.
skip if larger: with --skip-if-larger an image whose output would be larger than
  its file is not written (nothing of it is), a line says so, and the exit status
  of one image is 98 (pngquant's); in a batch the others go on, and the status is
  98 if an image was skipped and none failed.
exit status: 0 done, 1 an image cannot be used or an output not written (in a
  batch: any image failed), 2 usage, 98 skipped: larger than its input."""

_COMPARE_DESCRIPTION = """\
Quantize IMAGE at every K by k-means in every SPACE, and by any other METHOD,
undithered or dithered (several variants of one fit), and print the image
quality of each run as a table (the workflow's metrics columns;
colourquant.compare in Python)."""

_COMPARE_EPILOG = """\
examples:
  colourquant compare photo.jpg -k 4 8 16 --space RGB Lab -o figure.png
  colourquant compare photo.jpg -k 16 --space Lab --method kmeans median_cut wu
  colourquant compare photo.jpg -k 8 16 --method kmeans octree --dither floyd_steinberg
  colourquant compare photo.jpg -k 4 8 --space Lab --dither none floyd_steinberg -o fig.png

methods: kmeans (the default) and the clusterers run in every SPACE:
  {clusterers}
  the quantizers once, in 8-bit RGB (their rows have space -):
  {quantizers}
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
            (("--skip-if-larger",), None, None,
             "write no image larger than its input file (exit 98; see below)"),
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
        "IMAGE [-k K ...] [-s SPACE ...] [-m METHOD ...] [options]",
        [
            (("-o", "--output"), _png, "FIG.png",
             "also draw the comparison figure: rows spaces/methods (and variants), columns k"),
            (("--metrics",), Path, "FILE",
             "also write every metrics column: CSV, or JSON if FILE ends in .json"),
        ],
    ),
}  # fmt: skip


# The fit options of quantize and compare: (flag, FitSettings field, metavar, help
# without its default). Their defaults and ranges are FitSettings' (colourquant.settings).
_FIT_OPTIONS = (
    ("--mode", "mode", "MODE",
     "exact: fit every pixel; sample: a {sample_fraction:.0%} pixel sample"),
    ("--seed", "seed", "N", "random seed"),
    ("--n-init", "n_init", "N", "k-means++ restarts"),
    ("--replicates", "replicates", "N",
     "refits measuring chance, seeds seed+1..N (0: none, faster)"),
)  # fmt: skip


def _fit_setting(flag: str, key: str):
    """The parser of a numeric fit option: a number within FitSettings' bounds for `key`.

    >>> _fit_setting("--n-init", "n_init")("0")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: --n-init must be an integer in 1 ... 1000, got 0
    """
    bounds = fit_bounds()[key]
    number = int if bounds.integer else float

    def parse(text: str):
        try:
            value = number(text)
        except ValueError:
            kind = "an integer" if bounds.integer else "a number"
            raise argparse.ArgumentTypeError(f"{flag} must be {kind}, got {text!r}") from None
        if not bounds.allows(value):
            raise argparse.ArgumentTypeError(f"{flag} must be {bounds.describe()}, got {value!r}")
        return value

    return parse


def _add_fit_options(parser: argparse.ArgumentParser) -> None:
    """The options of the fit and of progress, shared by quantize and compare."""
    defaults = fit_defaults()
    for flag, key, metavar, text in _FIT_OPTIONS:
        default = defaults[key]
        choices = fit_bounds()[key].choices
        text = text.format(sample_fraction=defaults["sample_fraction"]).replace("%", "%%")
        parser.add_argument(
            flag, type=None if choices else _fit_setting(flag, key), choices=choices or None,
            default=default, metavar=metavar, help=f"{text} (default: {default})",
        )  # fmt: skip
    parser.add_argument(
        "--threads", type=_at_least(1, "--threads"), default=1, metavar="N",
        help="threads of the numerical libraries (default: 1)",
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


class _Extend(argparse.Action):
    """``-m A B -m C`` as ``[A, B, C]``: values given replace the default, then add up."""

    def __call__(self, parser, namespace, values, option_string=None):
        given = getattr(namespace, self.dest)
        setattr(namespace, self.dest, [*([] if given is self.default else given), *values])


def _add_image_options(parser: argparse.ArgumentParser, *, many: bool) -> None:
    """IMAGE, -k, --space, --method and --dither: one of each to quantize, several to compare."""
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
        help=f"number{'s' if many else ''} of colours (default: {'2 4 8 16' if many else 16})",
    )  # fmt: skip
    parser.add_argument(
        "-s", "--space", type=_space, choices=SPACES, nargs="+" if many else None,
        default=COMPARE_SPACES if many else None, metavar="SPACE",
        help="colour spaces of k-means and the clusterers (default: RGB Lab)" if many
        else "colour space of the fit (default: Lab; none for a quantizer)",
    )  # fmt: skip
    parser.add_argument(
        "-m", "--method", choices=list(METHODS), metavar="NAME",
        **({"nargs": "+", "action": _Extend, "default": ["kmeans"]} if many
           else {"default": "kmeans"}),
        help="kmeans, clusterers, quantizers: see methods below (default: kmeans)" if many
        else "kmeans, a clusterer or a quantizer: see methods below (default: kmeans)",
    )  # fmt: skip
    parser.add_argument(
        "--dither", choices=DITHERS, metavar="HOW",
        **({"nargs": "+", "action": _Extend, "default": ["none"]} if many
           else {"default": "none"}),
        help="none, floyd_steinberg, ordered; several: a row each, one fit (default: none)"
        if many else "none, floyd_steinberg, ordered: in the run's space (default: none)",
    )  # fmt: skip
    if many:
        return
    parser.add_argument(
        "--background", choices=["keep", "white"], default="keep", metavar="HOW",
        help="keep transparent pixels, or composite them on white (default: keep)",
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
            if kind is None:  # a flag
                command.add_argument(*flags, action="store_true", help=help)
            else:
                command.add_argument(*flags, type=kind, metavar=metavar, help=help)
        _add_fit_options(command)
    _command(commands, "run", "[SNAKEMAKE OPTIONS]")
    return parser


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
            return quantize_command(args)
        except KeyboardInterrupt:
            return 130
    return compare_command(args)


if __name__ == "__main__":
    sys.exit(main())
