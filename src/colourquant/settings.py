"""How k-means is fitted: :class:`FitSettings`, the one home of the fit defaults and ranges.

Each setting is a field of :class:`FitSettings` with its default and its
:class:`Bounds`. Everything else reads them from here: the config schema's
``fit`` properties (their ``default``, ``minimum``, ``maximum`` and ``enum``
are filled in by :func:`colourquant.config.schema_with_registries`), the
:class:`colourquant.ColourQuantizer` parameters' defaults, and
:func:`colourquant.quantize` and :func:`colourquant.compare`.
``config/config.yaml`` shows the defaults to its readers, and a test holds it
to them.
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field

from .config import ConfigError

__all__ = ["Bounds", "FitSettings", "fit_bounds", "fit_defaults", "fit_schema"]


@dataclass(frozen=True)
class Bounds:
    """The values one fit setting may take.

    Attributes
    ----------
    low, high : int or float or None
        The smallest and largest value allowed; None: no limit.
    low_exclusive : bool
        Whether `low` itself is refused.
    integer : bool
        Whether the value must be a whole number.
    choices : tuple of str
        For a setting that is one of a few words: the words.

    Examples
    --------
    >>> Bounds(2, 96, integer=True).describe(), Bounds(0, 1, low_exclusive=True).describe()
    ('an integer in 2 ... 96', 'in (0, 1]')
    >>> Bounds(1, integer=True).schema()
    {'minimum': 1}
    >>> Bounds(0, 1, low_exclusive=True).allows(0), Bounds(choices=("a", "b")).allows("b")
    (False, True)
    """

    low: float | None = None
    high: float | None = None
    low_exclusive: bool = False
    integer: bool = False
    choices: tuple[str, ...] = ()

    def allows(self, value) -> bool:
        """Whether `value` is within these bounds (NaN never is; a bool is no number)."""
        if self.choices:
            return isinstance(value, str) and value in self.choices
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return False
        if self.integer and not (isinstance(value, numbers.Integral) or float(value).is_integer()):
            return False
        above = self.low is None or (value > self.low if self.low_exclusive else value >= self.low)
        below = self.high is None or value <= self.high
        return bool(above and below)

    def describe(self) -> str:
        """What the bounds allow, in the words of a message ("must be ...")."""
        if self.choices:
            return " or ".join(map(repr, self.choices))
        kind = "an integer " if self.integer else ""
        if self.high is None:
            return f"{kind}{'>' if self.low_exclusive else '>='} {self.low}"
        if self.integer:
            return f"{kind}in {self.low} ... {self.high}"
        return f"in {'(' if self.low_exclusive else '['}{self.low}, {self.high}]"

    def schema(self) -> dict:
        """The JSON Schema keywords of these bounds (``enum``, ``minimum``, ...)."""
        if self.choices:
            return {"enum": list(self.choices)}
        keywords = {}
        if self.low is not None:
            keywords["exclusiveMinimum" if self.low_exclusive else "minimum"] = self.low
        if self.high is not None:
            keywords["maximum"] = self.high
        return keywords


def _setting(default, bounds: Bounds):
    return field(default=default, metadata={"bounds": bounds})


#: numpy's seeds are below 2**32, and seed + replicates seed the replicates.
_MAX_SEED = 2**32 - 2


@dataclass(frozen=True)
class FitSettings:
    """How k-means is fitted: the ``fit`` section of the config, validated.

    The defaults below are the only ones: the schema, the estimator and the
    API read them from here (:func:`fit_defaults`, :func:`fit_bounds`).

    Attributes
    ----------
    mode : {"exact", "sample"}
        ``exact`` minimises the objective over every pixel (restarts on the
        colour grid or a pixel sample, then Lloyd on every distinct colour);
        ``sample`` fits a seeded pixel sample alone, as the teaching notebook does.
    sample_fraction : float
        Share of pixels in the sample, in (0, 1].
    grid_cells : int
        Cells per axis of the colour grid (exact mode).
    max_seed_pixels : int
        Cap on the pixel sample that seeds exact mode where the grid is too coarse.
    n_init, max_iter, tol
        k-means++ restarts, Lloyd iterations and tolerance, as in scikit-learn.
    seed : int
        Seeds the sample and the restarts; 0 ... 2**32 - 2.
    replicates : int
        Also fit every run with seeds ``seed + 1`` ... ``seed + replicates``, to
        measure what chance alone changes (0 ... 20; 0: not measured).

    Examples
    --------
    >>> FitSettings.from_config({"mode": "sample", "n_init": 3}).n_init
    3
    >>> FitSettings.from_config({"n_inits": 3})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    colourquant.config.ConfigError: unknown key 'fit.n_inits'; known: mode, ...
    """

    mode: str = _setting("exact", Bounds(choices=("exact", "sample")))
    sample_fraction: float = _setting(0.05, Bounds(0, 1, low_exclusive=True))
    grid_cells: int = _setting(24, Bounds(2, 96, integer=True))
    # At least 1024, so that the sample holds enough distinct colours.
    max_seed_pixels: int = _setting(65536, Bounds(1024, integer=True))
    # Each restart's starting centres are held at once: 1000 is far past any use.
    n_init: int = _setting(10, Bounds(1, 1000, integer=True))
    max_iter: int = _setting(300, Bounds(1, integer=True))
    tol: float = _setting(1e-4, Bounds(0))
    seed: int = _setting(0, Bounds(0, _MAX_SEED, integer=True))
    replicates: int = _setting(1, Bounds(0, 20, integer=True))

    def __post_init__(self):
        for key, bounds in fit_bounds().items():
            value = getattr(self, key)
            if not bounds.allows(value):
                raise ConfigError(
                    f"config key 'fit.{key}' must be {bounds.describe()}; got {value!r}"
                )
        if self.seed + self.replicates > _MAX_SEED + 1:
            raise ConfigError(
                f"config key 'fit.seed' must be at most {_MAX_SEED + 1} - fit.replicates; "
                f"got {self.seed!r}"
            )

    @classmethod
    def from_config(cls, fit: Mapping[str, object]) -> FitSettings:
        """Settings from the config's ``fit`` mapping; missing keys take their defaults.

        Raises
        ------
        ConfigError
            For an unknown key or a value out of range, naming ``fit.<key>``.
        """
        known = list(fit_defaults())
        for key in fit:
            if key not in known:
                raise ConfigError(f"unknown key 'fit.{key}'; known: {', '.join(known)}")
        return cls(**fit)


def fit_defaults() -> dict:
    """Every fit setting's default, in field order.

    >>> fit_defaults()["n_init"], fit_defaults()["tol"]
    (10, 0.0001)
    """
    return {setting.name: setting.default for setting in dataclasses.fields(FitSettings)}


def fit_bounds() -> dict[str, Bounds]:
    """Every fit setting's :class:`Bounds`, in field order.

    >>> fit_bounds()["replicates"].describe()
    'an integer in 0 ... 20'
    """
    return {setting.name: setting.metadata["bounds"] for setting in dataclasses.fields(FitSettings)}


def fit_schema(properties: Mapping[str, dict]) -> dict[str, dict]:
    """The schema's ``fit`` properties with each one's default and bounds from :class:`FitSettings`.

    The schema file gives each setting's type and description; this adds its
    ``default`` and ``minimum`` / ``exclusiveMinimum`` / ``maximum`` / ``enum``.

    Raises
    ------
    ValueError
        If the schema and :class:`FitSettings` name different settings.

    Examples
    --------
    >>> fit_schema({key: {} for key in fit_defaults()})["grid_cells"]
    {'default': 24, 'minimum': 2, 'maximum': 96}
    """
    defaults, bounds = fit_defaults(), fit_bounds()
    if list(properties) != list(defaults):
        raise ValueError(
            f"the schema's fit keys ({', '.join(properties)}) are not FitSettings' "
            f"({', '.join(defaults)})"
        )
    return {
        key: {**spec, "default": defaults[key], **bounds[key].schema()}
        for key, spec in properties.items()
    }
