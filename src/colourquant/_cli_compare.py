"""``colourquant compare``: one image at several k in several spaces (and methods), as a table."""

from __future__ import annotations

import sys

from ._cli_io import (
    COMPARE_SPACES,
    IMAGE_ERROR,
    PROG,
    USAGE_ERROR,
    Refused,
    check_outputs,
    compare_outputs,
    fit_settings,
    image_name,
    out_of_memory,
    read_input,
    say,
    write_metrics,
    write_output,
)
from .config import ConfigError
from .images import ImageError


def compare_command(args) -> int:
    """Run ``colourquant compare``: its table, metrics and figure; the exit status."""
    name, state = image_name(args.image), {"size": None}
    try:
        check_outputs(
            [args.image], [(option, path, None) for option, path in compare_outputs(args).items()]
        )
        _compare(args, name, state)
    except Refused as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return error.status
    except ImageError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return IMAGE_ERROR
    except ConfigError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return USAGE_ERROR
    except MemoryError:
        print(f"{PROG}: {out_of_memory(args.image, name, state['size'])}", file=sys.stderr)
        return IMAGE_ERROR
    except OSError as error:
        where = f" {str(error.filename)!r}" if error.filename else ""
        print(f"{PROG}: cannot write{where}: {error.strerror or error}", file=sys.stderr)
        return IMAGE_ERROR
    except KeyboardInterrupt:
        return 130
    return 0


def _methods_and_spaces(args) -> tuple[list[str], list[str] | None]:
    """--method and --space checked before any work; a refusal names the option."""
    from .image_runs import check_compare

    # The default spaces go unused if every method is a quantizer; spaces given are refused.
    spaces = None if args.space is COMPARE_SPACES else list(dict.fromkeys(args.space))
    try:
        records, _, _ = check_compare(args.method, spaces, args.colours)
    except ValueError as error:
        option = "--space" if "colour space" in str(error) else "--method"
        raise Refused(f"{option}: {error}", USAGE_ERROR) from None
    if spaces is None and any(record.kind != "quantizer" for record in records):
        spaces = list(COMPARE_SPACES)
    return [record.name for record in records], spaces


def _compare(args, name: str, state: dict) -> None:
    """Compare, print the table, write the metrics and the figure."""
    from .api import compare
    from .cli import TABLE_FORMATS

    methods, spaces = _methods_and_spaces(args)
    fit = fit_settings(args)
    if args.output:
        import matplotlib

        matplotlib.use("Agg")
    loaded = read_input(args, args.image, name, state, quiet=args.quiet)
    result = compare(
        loaded, list(dict.fromkeys(args.colours)), spaces, methods=methods, dither=args.dither,
        figure=bool(args.output), name=name, verbose=not args.quiet, **fit,
    )  # fmt: skip
    table, figure = result if args.output else (result, None)
    # Which method and dithering, where the table holds more than k-means undithered.
    leading = [
        column
        for column, plain in (("method", "kmeans"), ("dither", "none"))
        if column in table and (table[column] != plain).any()
    ]
    shown = leading + [column for column in TABLE_FORMATS if column in table]
    formats = {column: TABLE_FORMATS[column] for column in shown if TABLE_FORMATS.get(column)}
    print(table[shown].to_string(index=False, formatters=formats))
    if args.metrics:
        records = table.to_dict("records")
        write_output(
            "--metrics",
            args.metrics,
            lambda to: write_metrics(to, records, one=False, named=args.metrics),
        )
    if figure is not None:
        from .files import write_figure

        write_output("--output", args.output, lambda to: write_figure(to, figure, dpi=110))
        say(args, f"wrote {args.output}")
