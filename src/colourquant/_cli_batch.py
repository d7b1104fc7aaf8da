"""``colourquant quantize``: the images named, each quantized and written, failures reported."""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

from ._cli_io import (
    IMAGE_ERROR,
    PROG,
    SKIPPED,
    STDOUT,
    USAGE_ERROR,
    Refused,
    Skipped,
    check_outputs,
    fit_settings,
    image_name,
    image_outputs,
    is_file_source,
    out_of_memory,
    read_input,
    say,
    write_metrics,
    write_output,
)
from .config import ConfigError
from .images import ImageError

# A batch of at least this many images draws a progress bar (on a terminal).
PROGRESS_BAR_IMAGES = 4


def _expand_images(given: list[str]) -> list[str]:
    """IMAGE arguments as the images they name: a folder's image files, a glob's matches.

    A folder gives its image files (by suffix, not hidden, not recursive) and
    a glob (``*``, ``?``, ``[``) that names no existing file its matching
    files, each sorted; anything else (a file, a URL, a sample) is itself.

    Raises
    ------
    Refused
        One line naming the folder or glob that gives no image.
    """
    import glob

    from PIL import Image

    suffixes = set(Image.registered_extensions())
    images: list[str] = []
    for item in given:
        if not is_file_source(item) or Path(item).is_file():
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
                raise Refused(f"folder {item!r} holds no image file", IMAGE_ERROR)
            images += found
        elif glob.has_magic(item):
            found = sorted(path for path in glob.glob(item) if Path(path).is_file())
            if not found:
                raise Refused(f"IMAGE {item!r} matches no file", USAGE_ERROR)
            images += found
        else:
            images.append(item)  # missing: reported when it is read
    return images


def quantize_command(args) -> int:
    """Run ``colourquant quantize``: every image, each failure one line; the exit status."""
    from .api import check_method

    try:
        # Usage first: the method and space, the fit settings.
        try:
            check_method(args.method, args.space, args.colours)
        except ValueError as error:
            option = "--space" if args.space and "colour space" in str(error) else "--method"
            raise Refused(f"{option}: {error}", USAGE_ERROR) from None
        fit_settings(args)
        images = _expand_images(args.image)
        if args.skip_if_larger:
            _check_files(images)
        outputs = image_outputs(args, images)
        batch = len(images) > 1
        gifs = [path for path in outputs if str(path).lower().endswith(".gif")]
        if gifs and args.colours > 256:
            raise Refused(
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
        check_outputs(
            images,
            [(option, path, image if batch else None)
             for image, output, metrics in zip(images, outputs, each, strict=True)
             for option, path in (("--output", output), ("--metrics", metrics))
             if path is not None]
            + [(option, path, None) for option, path in
               (("--palette", args.palette), ("--metrics", args.metrics)) if path is not None
               and not folder],
        )  # fmt: skip
    except Refused as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return error.status
    except ConfigError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return USAGE_ERROR
    if not batch:
        return _quantize_one_image(args, images[0], outputs[0])
    return _quantize_batch(args, images, outputs)


def _check_files(images: list[str]) -> None:
    """--skip-if-larger compares with the input's file: refuse a URL or a sample, naming it."""
    for image in images:
        if not is_file_source(image):
            raise Refused(
                f"--skip-if-larger compares each output with its input file, and IMAGE "
                f"{image!r} is not a file: download it first",
                USAGE_ERROR,
            )


def _quantize_one_image(args, image: str, output) -> int:
    """One image, as the command always ran it: its messages, its metrics row."""
    name, state = image_name(image), {"size": None}
    try:
        row = _quantize(args, image, name, output, state, batch=False)
        if args.metrics:
            path = (args.metrics_files or [args.metrics])[0]
            write_output(
                "--metrics", path, lambda to: write_metrics(to, [row], one=True, named=path)
            )
    except Exception as error:  # noqa: BLE001 - sorted into one line by _failure
        message, status = _failure(error, image, name, state["size"])
        print(f"{PROG}: {message}", file=sys.stderr)
        return status
    return 0


def _quantize_batch(args, images: list[str], outputs: list) -> int:
    """Several images: a line each, a progress bar on a terminal, failures reported and passed."""
    from tqdm import tqdm

    rows, failed, skipped = [], 0, 0
    bar = tqdm(
        total=len(images), file=sys.stderr, unit="image", leave=False,
        disable=True if args.quiet or len(images) < PROGRESS_BAR_IMAGES else None,
    )  # fmt: skip
    each = args.metrics_files or [None] * len(images)
    with bar:
        for image, output, metrics in zip(images, outputs, each, strict=True):
            name, state = image_name(image), {"size": None}
            try:
                row = _quantize(args, image, name, output, state, batch=True)
                if metrics is not None:
                    write_output(
                        "--metrics",
                        metrics,
                        lambda to, row=row: write_metrics(to, [row], one=True),
                    )
                rows.append(row)
            except Exception as error:  # noqa: BLE001 - sorted into one line by _failure
                message, _ = _failure(error, image, name, state["size"])
                tqdm.write(f"{PROG}: {message}", file=sys.stderr)
                skipped += isinstance(error, Skipped)
                failed += not isinstance(error, Skipped)
            bar.update()
    if args.metrics and rows and args.metrics_files is None:
        try:
            write_output(
                "--metrics",
                args.metrics,
                lambda to: write_metrics(to, rows, one=False, named=args.metrics),
            )
        except Refused as error:
            print(f"{PROG}: {error}", file=sys.stderr)
            return error.status
    if skipped:
        print(
            f"{PROG}: {skipped} of {len(images)} images skipped: larger than their input",
            file=sys.stderr,
        )
    if failed:
        print(f"{PROG}: {failed} of {len(images)} images failed", file=sys.stderr)
        return IMAGE_ERROR
    return SKIPPED if skipped else 0


def _failure(error: BaseException, image: str, name: str, size) -> tuple[str, int]:
    """An error while quantizing one image as one line and an exit status; others re-raised."""
    if isinstance(error, Refused):
        return str(error), error.status
    if isinstance(error, ImageError):
        return str(error), IMAGE_ERROR
    if isinstance(error, ConfigError):
        return str(error), USAGE_ERROR
    if isinstance(error, MemoryError):
        return out_of_memory(image, name, size), IMAGE_ERROR
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

    loaded = read_input(args, image, name, state, quiet=args.quiet or batch)
    started = time.perf_counter()
    # Without --metrics nothing is measured: the image and palette alone.
    result = quantize(
        loaded, args.colours, args.space, method=args.method, dither=args.dither,
        background=None if args.background == "keep" else "white", name=name,
        verbose=not (args.quiet or batch), metrics=bool(args.metrics), **fit_settings(args),
    )  # fmt: skip
    # The image as it was read keeps its transparency; quantize saw a LoadedImage.
    transparent = result.transparent

    def write(to, image_format):
        write_quantized(to, result.labels, result.palette, transparent, image_format)

    image_format = "PNG" if output == STDOUT else quantized_format(output)
    if output == STDOUT or args.skip_if_larger:
        # Encoded first: standard output takes bytes, and their size decides a skip.
        buffer = io.BytesIO()
        write(buffer, image_format)
        encoded = buffer.getvalue()
        if args.skip_if_larger:
            _check_not_larger(image, name, len(encoded))
    if output == STDOUT:
        sys.stdout.buffer.write(encoded)
        sys.stdout.buffer.flush()
    elif args.skip_if_larger:
        write_output("--output", output, lambda to: _write_bytes(to, encoded))
    else:
        write_output("--output", output, lambda to: write(to, image_format))
    if args.palette:
        shares = result.counts / result.counts.sum()
        write_output(
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
        say(args, line)
    return metrics


def _write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically, as every output is written."""
    from .files import atomic_path

    with atomic_path(path) as temporary:
        temporary.write_bytes(data)


def _check_not_larger(image: str, name: str, size: int) -> None:
    """--skip-if-larger: raise Skipped if `size` bytes are more than `image`'s file holds."""
    input_size = Path(image).stat().st_size
    if size > input_size:
        raise Skipped(
            f"image {name!r}: not written: quantized it would take {size:,} bytes, more than "
            f"the {input_size:,} of {image!r} (--skip-if-larger)"
        )
