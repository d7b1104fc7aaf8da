"""Everything measured about one quantization run, given its fitted centres."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from .colours import DistinctColours, rebuild_image
from .columns import SPREADS
from .dither import dither_labels
from .judges import image_judges
from .kmeans import inertia, nearest_centre, total_sum_of_squares
from .metrics import colour_errors, palette_delta_e2000, srgb8_to_lab, structural_similarities
from .spaces import ColourSpace, from_srgb8, get_space, to_srgb8

__all__ = [
    "Reference",
    "make_reference",
    "RunResult",
    "evaluate_centres",
    "evaluate_dithered",
    "evaluate_runs",
    "assign_runs",
]


@dataclass(frozen=True)
class Reference:
    """What every run of one image in one colour space is measured against.

    Built once by :func:`make_reference` and shared by the runs at every k.

    Attributes
    ----------
    image : DistinctColours
    space : ColourSpace
    points : ndarray of float64, shape (n_unique, 3)
        The distinct colours in the fit space.
    total_sum_of_squares : float
        The k = 1 inertia in the fit space.
    lab : ndarray of float64, shape (n_unique, 3)
        CIELab of the distinct colours.
    pixels : ndarray of uint8, shape (height, width, 3)
        The original image.
    """

    image: DistinctColours
    space: ColourSpace
    points: np.ndarray
    total_sum_of_squares: float
    lab: np.ndarray
    pixels: np.ndarray


def make_reference(image: DistinctColours, space: str | ColourSpace) -> Reference:
    """Convert an image's distinct colours into `space` and precompute its reference values."""
    space = get_space(space)
    points = from_srgb8(image.colours, space)
    return Reference(
        image=image,
        space=space,
        points=points,
        total_sum_of_squares=total_sum_of_squares(points, image.counts),
        lab=srgb8_to_lab(image.colours),
        pixels=rebuild_image(image.colours, image.index, image.shape),
    )


@dataclass(frozen=True)
class RunResult:
    """The outputs of one run.

    Attributes
    ----------
    metrics : dict
        Full-image ``inertia`` and ``inertia_normalised`` in the fit space,
        ``k_effective``, ``n_centres_clipped``, the common-frame quality metrics
        (see :func:`colourquant.metrics.colour_errors`), ``ssim``, the judges
        of :mod:`colourquant.judges` and, given a replicate fit,
        ``seed_delta_e2000`` and each judge's spread
        (:data:`colourquant.columns.SPREADS`).
    quantized : ndarray of uint8, shape (height, width, 3)
    pixel_labels : ndarray of unsigned int, shape (height, width)
        Row of `palette` for each pixel: the quantized image as indices.
    palette : ndarray of uint8, shape (k_effective, 3)
        sRGB of each centre, clipped to the gamut.
    shares : ndarray of float64, shape (k_effective,)
        Fraction of the image's pixels assigned to each centre.
    """

    metrics: dict
    quantized: np.ndarray
    pixel_labels: np.ndarray
    palette: np.ndarray
    shares: np.ndarray


def evaluate_centres(
    reference: Reference, centres: np.ndarray, labels: np.ndarray | None = None
) -> RunResult:
    """Assign every pixel to its nearest centre and measure the result.

    Parameters
    ----------
    reference : Reference
        The image in the fit space, from :func:`make_reference`.
    centres : ndarray, shape (k, 3)
        Fitted centres in the fit space.
    labels : ndarray of int, shape (n_unique,), optional
        The centre of each distinct colour, for a method that assigns colours
        otherwise than to the nearest centre (a Gaussian mixture's most likely
        component); by default the nearest.

    Returns
    -------
    RunResult
    """
    return next(evaluate_runs(reference, [centres], all_labels=[labels]))


def evaluate_dithered(reference: Reference, centres: np.ndarray, dither: str) -> RunResult:
    """Dither the image onto the run's palette in its own colour space, and
    measure the result as :func:`evaluate_centres` measures an undithered run.

    The palette dithered onto is the one written, the centres as 8-bit sRGB
    converted back into the fit space (a centre outside the gamut is clipped
    to it, so the error diffused is the error of the colour shown); the
    image is the distinct colours' coordinates put back in place
    (:func:`colourquant.dither.dither_labels`).

    A dithered image gives one distinct colour several palette rows, so the
    metrics cannot be computed per distinct colour. They are computed per
    distinct pair of (colour, palette row) instead, weighted by its pixels:
    the same functions, and the same values as a pixel-by-pixel computation.
    ``inertia`` is measured against the centres each pixel was given, no
    longer always the nearest.

    Parameters
    ----------
    reference : Reference
    centres : ndarray, shape (k, 3)
        Fitted centres in the fit space.
    dither : str
        One of :data:`colourquant.dither.DITHERS`; ``"none"`` is
        :func:`evaluate_centres`.

    Returns
    -------
    RunResult
    """
    if dither == "none":
        return evaluate_centres(reference, centres)
    image, space = reference.image, reference.space
    shown = from_srgb8(to_srgb8(centres, space)[0], space)
    points = reference.points[image.index].reshape(*image.shape, 3)
    pixel_labels = dither_labels(points, shown, dither)
    pairs, labels = _pair_reference(reference, pixel_labels.ravel(), len(centres))
    return evaluate_centres(pairs, centres, labels)


def _pair_reference(
    reference: Reference, pixel_labels: np.ndarray, k: int
) -> tuple[Reference, np.ndarray]:
    """`reference` with each distinct (colour, label) pair of the pixels as a
    colour of its own, and the label of each pair."""
    image = reference.image
    codes = image.index.astype(np.int64) * k + pixel_labels
    codes, pair_of_pixel, counts = np.unique(codes, return_inverse=True, return_counts=True)
    colour_rows, labels = np.divmod(codes, k)
    pairs = DistinctColours(
        colours=image.colours[colour_rows],
        counts=counts.astype(np.int64),
        index=pair_of_pixel.astype(np.int32).ravel(),
        shape=image.shape,
    )
    return Reference(
        image=pairs,
        space=reference.space,
        points=reference.points[colour_rows],
        total_sum_of_squares=reference.total_sum_of_squares,
        lab=reference.lab[colour_rows],
        pixels=reference.pixels,
    ), labels


def evaluate_runs(
    reference: Reference,
    all_centres: Sequence[np.ndarray],
    replicate_centres: Sequence[Sequence[np.ndarray]] | None = None,
    all_labels: Sequence[np.ndarray | None] | None = None,
) -> Iterator[RunResult]:
    """Evaluate several runs of one image, as :func:`evaluate_centres` does each.

    SSIM is computed for all runs in one pass over the image, sharing the
    original's local statistics; the other outputs are built one run at a time
    as the results are consumed, so a 24-megapixel image's runs are never all
    held at once.

    Parameters
    ----------
    reference : Reference
    all_centres : sequence of ndarray, shape (k, 3)
        Fitted centres of each run, in the fit space.
    replicate_centres : sequence of sequences of ndarray, shape (k, 3), optional
        For each run, the centres of the same fit with other seeds (the
        replicates; one or more). Each run's metrics then include
        ``seed_delta_e2000``, the mean CIEDE2000 between the run's quantized
        image and a replicate's, averaged over the replicates (how much the
        image changes by chance alone, the yardstick for differences between
        the images of two colour spaces), and each judge's ``<judge>_seed_change``,
        the largest change of the run's score over the replicates (the
        yardstick for differences in that judge between spaces; ꟻLIP on the
        first replicate only).
    all_labels : sequence of (ndarray or None), optional
        For each run, the centre of each distinct colour where it is not the
        nearest (see :func:`evaluate_centres`); None: the nearest.

    Yields
    ------
    RunResult
        One per run, in order.
    """
    image = reference.image
    given = [None] * len(all_centres) if all_labels is None else all_labels
    labels = [
        nearest_centre(reference.points, centres) if run_labels is None else run_labels
        for centres, run_labels in zip(all_centres, given, strict=True)
    ]
    palettes = [to_srgb8(centres, reference.space) for centres in all_centres]
    ssims = structural_similarities(
        reference.pixels,
        image.index,
        [palette[run_labels] for (palette, _), run_labels in zip(palettes, labels, strict=True)],
    )
    replicates = [None] * len(all_centres) if replicate_centres is None else replicate_centres
    for centres, run_labels, (palette, clipped), ssim, replicate in zip(
        all_centres, labels, palettes, ssims, replicates, strict=True
    ):
        result = _run_result(reference, centres, run_labels, palette, clipped, ssim)
        result.metrics.update(image_judges(reference.pixels, result.quantized))
        if replicate:
            result.metrics.update(_seed_noise(reference, run_labels, palette, result, replicate))
        yield result


def _colour_errors(reference, palette, labels) -> dict[str, float]:
    """colour_errors of the image quantized to `palette`, each distinct colour to its row."""
    image = reference.image
    return colour_errors(
        image.colours,
        palette[labels],
        image.counts,
        original_lab=reference.lab,
        quantized_lab=srgb8_to_lab(palette)[labels],
    )


def _seed_noise(reference, labels, palette, result, replicates) -> dict[str, float]:
    """How the run's quantized image and its judges' scores change over the replicates' centres.

    ``seed_delta_e2000``: the mean over replicates of the mean ΔE00 between
    the run's image and the replicate's; ``<judge>_seed_change``: the
    largest change of each judge's score over the replicates. ꟻLIP, which
    costs about 1.7 s per megapixel, is judged on the first replicate only.
    """
    image = reference.image
    image_changes = []
    changes = {judge: [] for judge in SPREADS}
    for number, replicate in enumerate(replicates):
        other_labels = nearest_centre(reference.points, replicate)
        other_palette, _ = to_srgb8(replicate, reference.space)
        replacement = other_palette[other_labels]
        quantized = np.take(replacement, image.index, axis=0).reshape(*image.shape, 3)
        scores = {
            **_colour_errors(reference, other_palette, other_labels),
            "ssim": structural_similarities(reference.pixels, image.index, [replacement])[0],
            **image_judges(reference.pixels, quantized, costly=number == 0),
        }
        for judge, scored in changes.items():
            if judge in scores:
                scored.append(abs(scores[judge] - result.metrics[judge]))
        image_changes.append(
            palette_delta_e2000(labels, palette, other_labels, other_palette, weights=image.counts)
        )
    return {
        "seed_delta_e2000": float(np.mean(image_changes)),
        **{SPREADS[judge]: float(max(scored)) for judge, scored in changes.items() if scored},
    }


def assign_runs(
    image: DistinctColours,
    points: np.ndarray,
    space: str | ColourSpace,
    all_centres: Sequence[np.ndarray],
) -> Iterator[RunResult]:
    """The quantized images of several runs, without scoring them.

    What :func:`evaluate_runs` yields, less the measuring: every pixel takes
    its nearest centre, and the metrics hold only ``k_effective`` and
    ``n_centres_clipped`` (no inertia, colour errors or SSIM are computed).

    Parameters
    ----------
    image : DistinctColours
    points : ndarray of float64, shape (n_unique, 3)
        The distinct colours in `space`.
    space : str or ColourSpace
    all_centres : sequence of ndarray, shape (k, 3)

    Yields
    ------
    RunResult
        One per run, in order.
    """
    space = get_space(space)
    for centres in all_centres:
        labels = nearest_centre(points, centres)
        palette, clipped = to_srgb8(centres, space)
        pixel_labels, quantized, shares = _assigned(image, centres, labels, palette)
        yield RunResult(
            metrics={"k_effective": int(len(centres)), "n_centres_clipped": int(clipped.sum())},
            quantized=quantized,
            pixel_labels=pixel_labels,
            palette=palette,
            shares=shares,
        )


def _assigned(image, centres, labels, palette):
    """Each pixel's palette row, the quantized image, and each centre's share of the pixels."""
    label_type = np.uint8 if len(centres) <= 256 else np.uint32
    pixel_labels = np.take(labels.astype(label_type), image.index).reshape(image.shape)
    quantized = np.take(palette, pixel_labels, axis=0)
    shares = np.bincount(labels, weights=image.counts, minlength=len(centres)) / image.n_pixels
    return pixel_labels, quantized, shares


def _run_result(reference, centres, labels, palette, clipped, ssim) -> RunResult:
    image = reference.image
    run_inertia = inertia(reference.points, image.counts, centres, labels)
    errors = _colour_errors(reference, palette, labels)
    pixel_labels, quantized, shares = _assigned(image, centres, labels, palette)
    total = reference.total_sum_of_squares
    metrics = {
        "k_effective": int(len(centres)),
        "inertia": run_inertia,
        # A one-colour image has nothing to explain: its inertia is 0 at every k.
        "inertia_normalised": run_inertia / total if total > 0 else 0.0,
        "n_centres_clipped": int(clipped.sum()),
        **errors,
        "ssim": ssim,
    }
    return RunResult(
        metrics=metrics,
        quantized=quantized,
        pixel_labels=pixel_labels,
        palette=palette,
        shares=shares,
    )
