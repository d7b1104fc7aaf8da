"""One record per column of the metrics table: the registry the other lists derive from.

A run's metrics row (``results/<experiment>/metrics.csv``), the study's
metrics (:data:`colourquant.study.METRICS`), the report's headline table and
the ``compare`` command's table are all read off :data:`COLUMNS`: the lists
here (:data:`RUN_COLUMNS`, :data:`JUDGES`, :data:`SPREADS`, :data:`HEADLINE`,
:data:`COMPARE_FORMATS`) are rebuilt in place whenever a column is
:func:`register`-ed. Adding a judge is one :class:`Column` pair here
(:func:`judge`), its measuring function registered in
:data:`colourquant.judges.IMAGE_JUDGES`, and a line of README's metrics
table (``docs/design.md``, "How to add a metric").

This module imports nothing but the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Column",
    "ROLES",
    "TABLES",
    "FAMILIES",
    "COLUMNS",
    "RUN_COLUMNS",
    "JUDGES",
    "SPREADS",
    "HEADLINE",
    "COMPARE_FORMATS",
    "TABLE_COLUMNS",
    "column",
    "formats",
    "judge",
    "register",
    "unregister",
]

#: What a column records, in the order the row gives them.
ROLES = ("run", "evaluation", "judge", "spread", "fit", "file", "timing")

#: The tables that show a column besides metrics.csv: the report's front-page
#: headline (means per space and k), the ``compare`` command's table and the
#: report's table of methods (means per method, space and k).
TABLES = ("headline", "compare", "methods")

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
    tables : tuple of str
        The :data:`TABLES` that show it.
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
    tables: tuple[str, ...] = ()

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"column {self.name!r}: role must be one of {ROLES}")
        if not set(self.tables) <= set(TABLES):
            raise ValueError(f"column {self.name!r}: tables must be among {TABLES}")
        if any(table in self.tables for table in ("headline", "compare")) and (
            self.decimals is None and self.role not in ("run", "evaluation")
        ):
            raise ValueError(f"column {self.name!r}: a column shown in a table needs decimals")
        if self.role == "judge" and (
            self.family not in FAMILIES or self.lower_is_better is None or self.decimals is None
        ):
            raise ValueError(
                f"judge {self.name!r} needs a family ({', '.join(FAMILIES)}), "
                "lower_is_better and decimals"
            )


def judge(
    name: str,
    label: str,
    lower: bool,
    decimals: int,
    family: str,
    favours: str,
    measures: str,
    unit: str = "",
    *,
    tables: tuple[str, ...] = ("headline",),
    spread_tables: tuple[str, ...] = (),
) -> tuple[Column, Column]:
    """A judge and its spread column ``<name>_seed_change``, for :func:`register`.

    Examples
    --------
    >>> score, spread = judge("sharpness", "sharpness", False, 3, "structure", "", "edges kept")
    >>> score.role, spread.name, spread.role
    ('judge', 'sharpness_seed_change', 'spread')
    """
    spread = f"{name}_seed_change"
    return (
        Column(
            name, label, "judge", unit, decimals, lower, family, favours, measures, spread,
            tables=tables,
        ),
        Column(
            spread, f"how much {label} changes with other seeds", "spread", unit, decimals,
            tables=spread_tables,
        ),
    )  # fmt: skip


def _spreads_last(columns, *between: Column) -> tuple:
    """The judges, then `between`, then the judges' spreads: metrics.csv's order since 0.1."""
    judges = [c for c in columns if c.role == "judge"]
    return (*judges, *between, *(c for c in columns if c.role == "spread"))


#: Every column of a run's metrics row, in order. A column that does not
#: apply to a run (the seed spreads of a classic quantizer, or of a fit
#: without ``fit.replicates``) is absent from its per-run file and empty in
#: the metrics table.
COLUMNS: list[Column] = [
    Column("image", "image", "run"),
    Column("space", "colour space", "run", tables=("compare",)),
    Column("method", "method", "run"),
    # Only in rows of a dithered variant, and in the metrics table of a sweep
    # with variants (colourquant.variants); absent otherwise.
    Column("dither", "dithering", "run"),
    Column("k", "k", "run", tables=("compare",)),
    Column("mode", "mode", "run"),
    Column("n_pixels", "pixels", "run"),
    Column("n_unique", "distinct colours", "run"),
    Column("k_effective", "colours in the palette", "evaluation", tables=("compare",)),
    Column("inertia", "inertia", "evaluation", decimals=1, lower_is_better=True),
    Column(
        "inertia_normalised",
        "inertia (normalised)",
        "evaluation",
        "",
        4,
        True,
        tables=("headline", "compare"),
    ),
    Column("n_centres_clipped", "centres clipped to sRGB", "evaluation"),
    Column("mse_rgb", "mse over R, G, B", "evaluation", "", 1, True, tables=("compare", "methods")),
    *_spreads_last(
        (
            *judge(
                "psnr",
                "PSNR",
                False,
                2,
                "pixel error",
                "RGB",
                "peak signal-to-noise ratio of the 8-bit R, G, B values",
                "dB",
                tables=("headline", "compare"),
            ),
            *judge(
                "delta_e2000_mean",
                "mean ΔE00",
                True,
                2,
                "colour difference",
                "Lab",
                "mean CIEDE2000 colour difference over pixels",
                tables=("headline", "compare", "methods"),
                spread_tables=("headline",),
            ),
            *judge(
                "delta_e2000_p95",
                "95th-percentile ΔE00",
                True,
                2,
                "colour difference",
                "Lab",
                "the CIEDE2000 difference that 95 % of pixels stay within",
                tables=("headline", "compare"),
            ),
            *judge(
                "ssim",
                "SSIM",
                False,
                4,
                "structure",
                "RGB",
                "structural similarity of R, G and B, averaged over the three",
                tables=("headline", "compare"),
            ),
            *judge(
                "ssim_y",
                "SSIM of luma",
                False,
                4,
                "structure",
                "",
                "structural similarity of luma Y (Wang et al. 2004)",
            ),
            *judge(
                "ms_ssim_y",
                "MS-SSIM of luma",
                False,
                4,
                "structure",
                "",
                "structural similarity of luma over five scales (Wang et al. 2003)",
            ),
            *judge(
                "vif_p",
                "VIFp of luma",
                False,
                3,
                "information fidelity",
                "",
                "visual information fidelity of luma, pixel domain (Sheikh and Bovik 2006)",
            ),
            *judge(
                "flip_mean",
                "mean ꟻLIP",
                True,
                3,
                "perceptual flip",
                "",
                "NVIDIA's ꟻLIP: how visible the change is when flipping between the images",
            ),
        ),
        Column(
            "seed_delta_e2000",
            "mean ΔE00 to a refit with another seed",
            "spread",
            "",
            2,
            tables=("compare",),
        ),
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
    Column("fit_seconds", "fit time", "timing", "s", 2, True, tables=("compare", "methods")),
]

#: The names of :data:`COLUMNS`, in order.
RUN_COLUMNS: list[str] = []

#: The judges by name: the scores that compare colour spaces.
JUDGES: dict[str, Column] = {}

#: Each judge's replicate-spread column.
SPREADS: dict[str, str] = {}

#: The report's headline table: each column's heading (label / unit), in order.
HEADLINE: dict[str, str] = {}

#: The ``compare`` command's table: a ``str.format`` per column (None: as is).
COMPARE_FORMATS: dict = {}

#: The columns of each of :data:`TABLES`, in order.
TABLE_COLUMNS: dict[str, list[str]] = {table: [] for table in TABLES}

_BY_NAME: dict[str, Column] = {}


def _rebuild() -> None:
    """Derive every list above from :data:`COLUMNS`, in place (importers keep them live)."""
    _BY_NAME.clear()
    _BY_NAME.update((c.name, c) for c in COLUMNS)
    RUN_COLUMNS[:] = [c.name for c in COLUMNS]
    JUDGES.clear()
    JUDGES.update((c.name, c) for c in COLUMNS if c.role == "judge")
    SPREADS.clear()
    SPREADS.update((c.name, c.spread) for c in JUDGES.values())
    HEADLINE.clear()
    HEADLINE.update(
        (c.name, c.label + (f" / {c.unit}" if c.unit else ""))
        for c in COLUMNS
        if "headline" in c.tables
    )
    for table, names in TABLE_COLUMNS.items():
        names[:] = [c.name for c in COLUMNS if table in c.tables]
    COMPARE_FORMATS.clear()
    COMPARE_FORMATS.update(formats(TABLE_COLUMNS["compare"]))


def register(*columns: Column) -> tuple[Column, ...]:
    """Add `columns` to :data:`COLUMNS`, each after the last column of its role.

    A judge and its spread (:func:`judge`) go in one call; the judges stay
    together, then ``seed_delta_e2000``, then the spreads, as metrics.csv has
    them. Every derived list is rebuilt.

    Raises
    ------
    ValueError
        If a column of that name exists already.

    Examples
    --------
    >>> added = register(*judge("sharpness", "sharpness", False, 3, "structure", "", "edges"))
    >>> RUN_COLUMNS.index("sharpness") - RUN_COLUMNS.index("flip_mean"), "sharpness" in HEADLINE
    (1, True)
    >>> unregister("sharpness", "sharpness_seed_change")
    >>> "sharpness" in JUDGES
    False
    """
    for new in columns:
        if new.name in _BY_NAME:
            raise ValueError(f"metrics column {new.name!r} exists already")
        rank = ROLES.index(new.role)
        place = max(
            (i + 1 for i, c in enumerate(COLUMNS) if ROLES.index(c.role) <= rank), default=0
        )
        COLUMNS.insert(place, new)
        _BY_NAME[new.name] = new
    _rebuild()
    return columns


def unregister(*names: str) -> None:
    """Remove the columns called `names` from :data:`COLUMNS` (a test's toy metric)."""
    COLUMNS[:] = [c for c in COLUMNS if c.name not in names]
    _rebuild()


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


_rebuild()
