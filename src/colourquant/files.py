"""File input and output for the workflow's job scripts.

Everything here writes atomically (a temporary file in the same directory,
then a rename), so an interrupted job never leaves a file that looks complete.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from .colours import DistinctColours

__all__ = [
    "write_outputs",
    "RUN_FILES",
    "STUDY_TABLES",
    "DITHER_STUDY_TABLES",
    "atomic_path",
    "thumbnail",
    "read_png_thumbnail",
    "write_png",
    "write_indexed_png",
    "read_indexed_png",
    "QUANTIZED_FORMATS",
    "quantized_format",
    "write_quantized",
    "write_figure",
    "MAX_FIGURE_PIXELS",
    "write_table",
    "write_text",
    "write_run",
    "save_distinct",
    "load_distinct",
]


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it to `path` if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A job killed while writing leaves its temporary file behind; the rerun
    # that writes the same output removes it (Snakemake never runs two jobs
    # writing one output at once).
    for stale in path.parent.glob(f".{path.name}.*.part"):
        stale.unlink(missing_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(handle)
    # mkstemp creates the file for its owner only; results are shared files
    # (a cluster's colleagues, a web server), so give them the umask's mode.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)
    try:
        yield Path(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_png(path: str | Path, pixels: np.ndarray) -> None:
    """Write an 8-bit RGB array as a PNG with no timestamp, so reruns give identical bytes."""
    from PIL import Image

    with atomic_path(path) as temporary:
        Image.fromarray(np.asarray(pixels, dtype=np.uint8)).save(temporary, format="PNG")


def write_indexed_png(path: str | Path, labels: np.ndarray, palette: np.ndarray) -> None:
    """Write an image given as palette indices, as small and as fast as PNG allows.

    With at most 256 colours the PNG stores one palette index per pixel and
    is compressed at level 1: for a 24-megapixel image at k = 16 that writes
    in 0.2 s instead of 1.2 s for RGB at Pillow's default level 6, and the file
    is smaller (3.4 instead of 4.5 MB). Readers see the same colours
    (``Image.open(path).convert("RGB")``). More colours are written as RGB.

    Parameters
    ----------
    path : str or Path
    labels : ndarray of int, shape (height, width)
        Row of `palette` for each pixel.
    palette : ndarray of uint8, shape (n, 3)
    """

    palette = np.asarray(palette, dtype=np.uint8)
    if len(palette) > 256:
        write_png(path, palette[labels])
        return
    with atomic_path(path) as temporary:
        _indexed_image(labels, palette).save(temporary, format="PNG", compress_level=1)


def _indexed_image(labels: np.ndarray, palette: np.ndarray, transparent_index: int | None = None):
    """A Pillow palette image ("P") of `labels` into `palette` (at most 256 rows)."""
    from PIL import Image

    image = Image.fromarray(np.asarray(labels, dtype=np.uint8), mode="L")
    image = image.convert("P")
    image.putpalette(np.asarray(palette, dtype=np.uint8).tobytes(), rawmode="RGB")
    if transparent_index is not None:
        image.info["transparency"] = transparent_index
    return image


#: The formats a quantized image is written in, by suffix: those that hold
#: its colours exactly (a palette image, or lossless WebP).
QUANTIZED_FORMATS = {".png": "PNG", ".gif": "GIF", ".webp": "WEBP"}


def quantized_format(path: str | Path) -> str:
    """The Pillow format a quantized image is written in at `path`, from its suffix.

    Raises
    ------
    ValueError
        One line naming `path`, for a suffix of a format that would not keep
        the palette exactly (JPEG is lossy) or that is not known.

    Examples
    --------
    >>> quantized_format("out.GIF")
    'GIF'
    >>> quantized_format("out.jpg")
    Traceback (most recent call last):
    ...
    ValueError: 'out.jpg': .jpg is lossy and would not keep the palette exactly; write .png, .gif or .webp (lossless)
    """  # noqa: E501
    suffix = Path(path).suffix.lower()
    if suffix not in QUANTIZED_FORMATS:
        why = "is lossy and " if suffix in {".jpg", ".jpeg", ".jpe", ".jfif"} else ""
        raise ValueError(
            f"{str(path)!r}: {suffix or 'no suffix'} {why}would not keep the palette exactly; "
            "write .png, .gif or .webp (lossless)"
        )
    return QUANTIZED_FORMATS[suffix]


def write_quantized(
    target,
    labels: np.ndarray,
    palette: np.ndarray,
    transparent: np.ndarray | None = None,
    image_format: str = "PNG",
) -> None:
    """Write a quantized image losslessly as PNG, GIF or lossless WebP.

    A PNG without transparency is exactly :func:`write_indexed_png`'s. Fully
    transparent pixels become one more palette entry with opacity 0 (PNG,
    GIF), as pngquant writes them, or an alpha channel (WebP, and a PNG
    whose palette is full).

    Parameters
    ----------
    target : str, Path or binary file
        A path (written atomically) or an open binary stream (standard output).
    labels : ndarray of int, shape (height, width)
    palette : ndarray of uint8, shape (n, 3)
    transparent : ndarray of bool, shape (height, width), optional
        Pixels written fully transparent.
    image_format : {"PNG", "GIF", "WEBP"}

    Raises
    ------
    ValueError
        For a GIF of more than 256 colours (with a transparent one).
    """
    from PIL import Image

    palette = np.asarray(palette, dtype=np.uint8)
    n_colours = len(palette) + (transparent is not None)
    if image_format == "GIF" and n_colours > 256:
        raise ValueError(f"a GIF holds at most 256 colours, not {n_colours}; write .png or .webp")
    if image_format in ("PNG", "GIF") and n_colours <= 256:
        index = None
        if transparent is not None:
            index = len(palette)
            labels = np.where(transparent, index, labels)
            palette = np.vstack([palette, [[255, 255, 255]]]).astype(np.uint8)
        image = _indexed_image(labels, palette, index)
    else:
        pixels = palette[labels]
        if transparent is not None:
            alpha = np.where(transparent, 0, 255).astype(np.uint8)
            pixels = np.dstack([pixels, alpha])
        image = Image.fromarray(np.ascontiguousarray(pixels))
    options = {
        "PNG": {"compress_level": 1},
        "GIF": {},
        "WEBP": {"lossless": True, "quality": 100, "exact": True},
    }[image_format]
    if isinstance(target, (str, Path)):
        with atomic_path(target) as temporary:
            image.save(temporary, format=image_format, **options)
    else:
        image.save(target, format=image_format, **options)


def read_indexed_png(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Read an image as palette indices and palette (see :func:`write_indexed_png`).

    Returns
    -------
    labels : ndarray of int, shape (height, width)
        Palette row of each pixel.
    palette : ndarray of uint8, shape (n, 3)
    """
    from PIL import Image

    from .colours import distinct_colours

    with Image.open(path) as image:
        if image.mode == "P":
            palette = np.asarray(image.getpalette("RGB"), dtype=np.uint8).reshape(-1, 3)
            return np.asarray(image), palette
        distinct = distinct_colours(np.asarray(image.convert("RGB")))
    return distinct.index.reshape(distinct.shape), distinct.colours


#: No figure is written larger than this many pixels (width, height), whatever
#: it shows: a figure that would be larger is written at a lower resolution.
#: The figures are designed well inside it (colourquant.plots.FIGURE_WIDTH).
MAX_FIGURE_PIXELS = (2400, 4800)


#: How figures of photographs are written as JPEG (see write_figure).
JPEG_FIGURE = {"quality": 70, "optimize": True}


def write_figure(path: str | Path, figure, dpi: float) -> None:
    """Save a matplotlib figure as a PNG with no software tag, or as a JPEG, then release it.

    Figures made mostly of photographs (the comparison and exploration
    figures) are written as JPEG, the others as PNGs of at most 256 colours:
    a sweep's report stays small enough to open quickly.

    At `dpi`, or less where the figure would exceed :data:`MAX_FIGURE_PIXELS`.
    A job drawing several figures closes each once written, so its memory
    holds one figure at a time.
    """
    import matplotlib.pyplot as plt

    width, height = figure.get_size_inches()
    dpi = min(dpi, MAX_FIGURE_PIXELS[0] / width, MAX_FIGURE_PIXELS[1] / height)
    with atomic_path(path) as temporary:
        if Path(path).suffix.lower() in (".jpg", ".jpeg"):
            figure.savefig(temporary, format="jpeg", dpi=dpi, pil_kwargs=JPEG_FIGURE)
        else:
            _save_png_figure(temporary, figure, dpi)
    plt.close(figure)


def _save_png_figure(path: Path, figure, dpi: float) -> None:
    """A figure as a PNG of at most 256 colours: a third of the size, and for
    line plots and bar charts no visible change (their colours are few but for
    the anti-aliased edges)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    with Image.open(buffer) as image:
        image = image.convert("RGB")
        if image.getcolors(256) is None:
            image = image.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        image.save(path, format="PNG", optimize=True)


def thumbnail(pixels: np.ndarray, height: int = 240) -> np.ndarray:
    """A copy of an 8-bit RGB image shrunk (Lanczos) to at most `height` rows.

    The width shrinks in proportion, and is at most 4 x `height`, so a
    thumbnail is at most 960 x 240 pixels whatever the image's shape (a
    1 x 100,000 strip gives 1 x 960). Figures of many images hold thumbnails
    about as large as their panels (a comparison figure's are at most about
    360 pixels wide), not the full images: a 24-megapixel sweep's figure needs a few MB,
    not GB, and matplotlib resamples small arrays quickly.
    """
    from PIL import Image

    image = Image.fromarray(np.asarray(pixels, dtype=np.uint8))
    image.thumbnail((4 * height, height), Image.Resampling.LANCZOS)
    return np.asarray(image)


def read_png_thumbnail(path: str | Path, height: int = 240) -> np.ndarray:
    """Read an image file as an 8-bit RGB thumbnail (see :func:`thumbnail`)."""
    from PIL import Image

    with Image.open(path) as image:
        image.draft("RGB", (4 * height, height))
        # Pillow shrinks palette images by nearest neighbour only: filter RGB.
        image = image.convert("RGB")
        image.thumbnail((4 * height, height), Image.Resampling.LANCZOS)
        return np.asarray(image)


def write_text(path: str | Path, text: str) -> None:
    """Write a text file (UTF-8)."""
    with atomic_path(path) as temporary:
        temporary.write_text(text, encoding="utf-8")


def write_table(path: str | Path, table) -> None:
    """Write a pandas DataFrame as CSV (floats in full precision)."""
    with atomic_path(path) as temporary:
        table.to_csv(temporary, index=False, float_format="%.10g")


def write_outputs(paths, outputs) -> None:
    """Write each ``(name, value, dpi)`` of a job's outputs to ``paths[name]``: a
    DataFrame as CSV (:func:`write_table`), a string as text (:func:`write_text`),
    anything else as a figure at `dpi` (:func:`write_figure`)."""
    import pandas as pd

    for name, value, dpi in outputs:
        if isinstance(value, pd.DataFrame):
            write_table(paths[name], value)
        elif isinstance(value, str):
            write_text(paths[name], value)
        else:
            write_figure(paths[name], value, dpi)


# The files of one run, in its own directory (results/<experiment>/runs/<image>/<space>/k<k>).
RUN_FILES = {
    "metrics": "metrics.csv",
    "centres": "centres.csv",
    "quantized": "quantized.png",
    "palette": "palette.png",
}


# The tables of a study, by file name stem (results/<experiment>/study/<name>.csv).
STUDY_TABLES = (
    "rank_tests",
    "judge_verdicts",
    "paired_differences",
    "image_differences",
    "stop_differing",
    "stop_differing_summary",
    "characteristics",
    "correlations",
)

# The tables of the study of dithered variants (config key `dither`), as STUDY_TABLES.
DITHER_STUDY_TABLES = ("paired_differences_by_dither", "dither_differences")


def write_run(run_dir: str | Path, run) -> None:
    """Write one run's :data:`RUN_FILES` into `run_dir`.

    ``metrics.csv`` is the run's metrics row, ``quantized.png`` the quantized
    image as palette indices, ``palette.png`` a picture of the palette and
    ``centres.csv`` the centres in the fit space with their sRGB colour and
    pixel share, most used first.

    Parameters
    ----------
    run_dir : str or Path
        The run's directory (created if missing).
    run : colourquant.runs.Run
    """
    import pandas as pd

    from .palette import hex_colour, render_palette

    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    result = run.result
    write_indexed_png(run_dir / RUN_FILES["quantized"], result.pixel_labels, result.palette)
    write_png(run_dir / RUN_FILES["palette"], render_palette(result.palette, result.shares))
    table = pd.DataFrame(run.centres, columns=["centre_0", "centre_1", "centre_2"])
    table["srgb_hex"] = [hex_colour(colour) for colour in result.palette]
    table["pixel_share"] = result.shares
    table = table.sort_values("pixel_share", ascending=False, kind="stable")
    write_table(run_dir / RUN_FILES["centres"], table)
    write_table(run_dir / RUN_FILES["metrics"], pd.DataFrame([run.row]))


def save_distinct(path: str | Path, image: DistinctColours, **metadata: str) -> None:
    """Store an image's distinct colours, counts and pixel index (plus text metadata)."""
    with atomic_path(path) as temporary:
        with open(temporary, "wb") as handle:
            np.savez(
                handle,
                colours=image.colours,
                counts=image.counts,
                index=image.index,
                shape=np.array(image.shape),
                **{key: np.array(value) for key, value in metadata.items()},
            )


def load_distinct(path: str | Path) -> tuple[DistinctColours, dict[str, str]]:
    """Read what :func:`save_distinct` wrote: the image and its metadata."""
    with np.load(path) as stored:
        image = DistinctColours(
            colours=stored["colours"],
            counts=stored["counts"],
            index=stored["index"],
            shape=tuple(int(side) for side in stored["shape"]),
        )
        metadata = {
            key: str(stored[key])
            for key in stored.files
            if key not in ("colours", "counts", "index", "shape")
        }
    return image, metadata
