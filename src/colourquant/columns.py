"""One record per column of the metrics table: the registry the other lists derive from.

A run's metrics row (``results/<experiment>/metrics.csv``), the study's
metrics (:data:`colourquant.study.METRICS`), the report's headline table and
the ``compare`` command's formats are all read off :data:`COLUMNS`. Adding a
judge is one :class:`Column` here, its computation
(:mod:`colourquant.judges` or :mod:`colourquant.metrics`), and a line of
README's metrics table.

This module imports nothing but the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Column",
    "ROLES",
    "FAMILIES",
    "COLUMNS",
    "RUN_COLUMNS",
    "JUDGES",
    "SPREADS",
    "column",
    "formats",
]

#: What a column records, in the order the row gives them.
ROLES = ("run", "evaluation", "judge", "spread", "fit", "file", "timing")

#: The judges' families: what kind of closeness each measures.
FAMILIES = {
    "colour difference": "how far each pixel's colour moved, as a person sees colour",
    "pixel error": "how far each pixel moved in 8-bit R, G, B",
    "structure": "whether local patterns of light and dark survive",
    "information fidelity": "how much of the image's information survives, per a model of vision",
    "perceptual flip": "how visible the change is when flipping between the two images",
}


@dataclass(frozen=True)
class Column:
    """One column of the metrics table.

    Attributes
    ----------
    name : str
        The column's name in metrics.csv.
    label : str
        How a sentence or a table heading names it.
    role : str
        One of :data:`ROLES`: what was run, the evaluation, a judge (a quality
        score that compares spaces), a judge's replicate spread, the fit, the
        image file, or timing.
    unit : str
        ``""`` where it has none.
    decimals : int or None
        Decimals shown in sentences and tables: enough to tell spaces apart.
    lower_is_better : bool or None
        For scores: True for errors, False for similarities.
    family : str
        A judge's key of :data:`FAMILIES`.
    favours : str
        The colour space whose k-means objective the judge rewards by
        construction (``"RGB"``: squared RGB error; ``"Lab"``: ΔE76), or
        ``""`` for a judge that favours none.
    measures : str
        A judge's one line: what it measures.
    spread : str
        A judge's replicate-spread column: how much its score moves when the
        fit is redone with other seeds.
    """

    name: str
    label: str
    role: str
    unit: str = ""
    decimals: int | None = None
    lower_is_better: bool | None = None
    family: str = ""
    favours: str = ""
    measures: str = ""
    spread: str = ""

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"column {self.name!r}: role must be one of {ROLES}")
        if self.role == "judge" and (
            self.family not in FAMILIES or self.lower_is_better is None or self.decimals is None
        ):
            raise ValueError(
                f"judge {self.name!r} needs a family ({', '.join(FAMILIES)}), "
                "lower_is_better and decimals"
            )


def _judge(name, label, lower, decimals, family, favours, measures, unit="") -> tuple:
    """A judge and its spread column ``<name>_seed_change``."""
    spread = f"{name}_seed_change"
    return (
        Column(name, label, "judge", unit, decimals, lower, family, favours, measures, spread),
        Column(spread, f"how much {label} changes with other seeds", "spread", unit, decimals),
    )


def _spreads_last(columns, *between: Column) -> tuple:
    """The judges, then `between`, then the judges' spreads: metrics.csv's order since 0.1."""
    judges = [c for c in columns if c.role == "judge"]
    return (*judges, *between, *(c for c in columns if c.role == "spread"))


#: Every column of a run's metrics row, in order. A column that does not
#: apply to a run (the seed spreads of a classic quantizer, or of a fit
#: without ``fit.replicates``) is absent from its per-run file and empty in
#: the metrics table.
COLUMNS: tuple[Column, ...] = (
    Column("image", "image", "run"),
    Column("space", "colour space", "run"),
    Column("method", "method", "run"),
    # Only in rows of a dithered variant, and in the metrics table of a sweep
    # with variants (colourquant.variants); absent otherwise.
    Column("dither", "dithering", "run"),
    Column("k", "k", "run"),
    Column("mode", "mode", "run"),
    Column("n_pixels", "pixels", "run"),
    Column("n_unique", "distinct colours", "run"),
    Column("k_effective", "colours in the palette", "evaluation"),
    Column("inertia", "inertia", "evaluation", decimals=1, lower_is_better=True),
    Column("inertia_normalised", "inertia (normalised)", "evaluation", "", 4, True),
    Column("n_centres_clipped", "centres clipped to sRGB", "evaluation"),
    Column("mse_rgb", "mse over R, G, B", "evaluation", "", 1, True),
    *_spreads_last(
        (
            *_judge(
                "psnr",
                "PSNR",
                False,
                2,
                "pixel error",
                "RGB",
                "peak signal-to-noise ratio of the 8-bit R, G, B values",
                "dB",
            ),
            *_judge(
                "delta_e2000_mean",
                "mean ΔE00",
                True,
                2,
                "colour difference",
                "Lab",
                "mean CIEDE2000 colour difference over pixels",
            ),
            *_judge(
                "delta_e2000_p95",
                "95th-percentile ΔE00",
                True,
                2,
                "colour difference",
                "Lab",
                "the CIEDE2000 difference that 95 % of pixels stay within",
            ),
            *_judge(
                "ssim",
                "SSIM",
                False,
                4,
                "structure",
                "RGB",
                "structural similarity of R, G and B, averaged over the three",
            ),
            *_judge(
                "ssim_y",
                "SSIM of luma",
                False,
                4,
                "structure",
                "",
                "structural similarity of luma Y (Wang et al. 2004)",
            ),
            *_judge(
                "ms_ssim_y",
                "MS-SSIM of luma",
                False,
                4,
                "structure",
                "",
                "structural similarity of luma over five scales (Wang et al. 2003)",
            ),
            *_judge(
                "vif_p",
                "VIFp of luma",
                False,
                3,
                "information fidelity",
                "",
                "visual information fidelity of luma, pixel domain (Sheikh and Bovik 2006)",
            ),
            *_judge(
                "flip_mean",
                "mean ꟻLIP",
                True,
                3,
                "perceptual flip",
                "",
                "NVIDIA's ꟻLIP: how visible the change is when flipping between the images",
            ),
        ),
        Column("seed_delta_e2000", "mean ΔE00 to a refit with another seed", "spread", "", 2),
    ),
    Column("n_iter", "Lloyd iterations", "fit"),
    Column("n_init", "restarts", "fit"),
    Column("restarts_on", "restarts ran on", "fit"),
    Column("n_fit_pixels", "pixels fitted", "fit"),
    Column("seed", "seed", "fit"),
    Column("source_mode", "file's pixel mode", "file"),
    Column("alpha", "transparency", "file"),
    Column("n_frames", "frames", "file"),
    Column("colour_profile", "colour profile", "file"),
    Column("fit_seconds", "fit time", "timing", "s", 2, True),
)

#: The names of :data:`COLUMNS`, in order.
RUN_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS)

#: The judges by name: the scores that compare colour spaces.
JUDGES: dict[str, Column] = {c.name: c for c in COLUMNS if c.role == "judge"}

#: Each judge's replicate-spread column.
SPREADS: dict[str, str] = {c.name: c.spread for c in JUDGES.values()}

_BY_NAME = {c.name: c for c in COLUMNS}


def column(name: str) -> Column:
    """The :class:`Column` called `name`, or a ValueError naming the known ones."""
    if name not in _BY_NAME:
        raise ValueError(f"unknown metrics column {name!r}; known: {', '.join(_BY_NAME)}")
    return _BY_NAME[name]


def formats(names) -> dict:
    """A ``str.format`` per column of `names`, by its decimals (None where it has none).

    Examples
    --------
    >>> [f and f(0.12345) for f in formats(["k", "psnr"]).values()]
    [None, '0.12']
    """
    return {
        name: None if column(name).decimals is None else f"{{:.{column(name).decimals}f}}".format
        for name in names
    }
