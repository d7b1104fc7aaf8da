"""Every method the workflow compares, one record each: the method registry.

A *method* is anything that reduces an image to k colours. Three kinds:

- ``kmeans``: exact (or sample) k-means, the subject of the study, run in
  every colour space by :func:`colourquant.runs.kmeans_runs`;
- ``clusterer``: another clustering of the distinct colours in a colour space
  (:mod:`.clusterers`);
- ``quantizer``: a classic colour quantizer that builds an 8-bit RGB palette
  without a colour space (:mod:`.quantizers`).

Everything else that needs to know about methods (the config schema's list of
names, which rows record a seed, the largest k of each, optional packages and
their versions, plot styles, :func:`colourquant.runs.method_runs`) reads it
from :data:`METHODS`. Adding a method is adding its fit function to
:mod:`.clusterers` or :mod:`.quantizers` and one :class:`Method` record
below (``docs/design.md``, "How to add a method").
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from . import clusterers, quantizers

__all__ = [
    "Method",
    "METHODS",
    "NO_SPACE",
    "check_methods",
    "get_method",
    "method_names",
    "optional_package_versions",
    "quantizer_palette",
    "register",
]

#: The ``space`` recorded for quantizers: they have no colour-space choice.
NO_SPACE = quantizers.NO_SPACE

KINDS = ("kmeans", "clusterer", "quantizer")


@dataclass(frozen=True)
class Method:
    """What the workflow knows about one method.

    Attributes
    ----------
    name : str
        Its name in the config's ``methods``.
    kind : {"kmeans", "clusterer", "quantizer"}
        ``clusterer``: ``fit(points, image, k, seed, settings)`` returns a
        :class:`~colourquant.methods.clusterers.ClusterFit` in the run's
        colour space. ``quantizer``: ``fit(rgb8_image, k, seed)`` returns an
        8-bit RGB palette. ``kmeans`` has no ``fit`` here
        (:func:`colourquant.runs.kmeans_runs`).
    fit : callable or None
    seeded : bool
        Whether its result depends on the seed (its rows then record it).
    max_k : int or None
        The most colours it builds, if limited.
    optional : tuple of (module, extra) or None
        The optional package it needs and the ``pip install`` extra that
        brings it.
    style : mapping
        Its line style in the quality figures (k-means is coloured by space).
    """

    name: str
    kind: str
    fit: Callable | None = None
    seeded: bool = False
    max_k: int | None = None
    optional: tuple[str, str] | None = None
    style: Mapping[str, object] = field(default_factory=dict)
    version: Callable[[], str | None] | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(
                f"method {self.name!r}: kind must be one of {KINDS}, got {self.kind!r}"
            )
        if not self.name.isidentifier():
            raise ValueError(f"method name {self.name!r} must be a valid identifier")


#: Every method by name, in the order figures and tables list them.
METHODS: dict[str, Method] = {}


def register(method: Method) -> Method:
    """Add `method` to :data:`METHODS` (replacing one of the same name)."""
    METHODS[method.name] = method
    return method


_PILLOW = quantizers.PILLOW_MAX_COLOURS
for _record in (
    Method("kmeans", "kmeans", seeded=True),
    Method("minibatch_kmeans", "clusterer", clusterers.fit_minibatch_kmeans, seeded=True,
           style={"color": "0.25", "linestyle": ":", "marker": "P"}),
    Method("bisecting_kmeans", "clusterer", clusterers.fit_bisecting_kmeans, seeded=True,
           style={"color": "0.5", "linestyle": ":", "marker": "*"}),
    Method("gaussian_mixture", "clusterer", clusterers.fit_gaussian_mixture, seeded=True,
           style={"color": "0.65", "linestyle": "-.", "marker": "h"}),
    Method("ward", "clusterer", clusterers.fit_ward,
           style={"color": "0.35", "linestyle": "--", "marker": "<"}),
    Method("kmeans_wu", "clusterer", clusterers.fit_kmeans_wu,
           style={"color": "black", "linestyle": ":", "marker": ">"}),
    Method("median_cut", "quantizer",
           lambda image, k, seed: quantizers.median_cut_palette(image, k), max_k=_PILLOW,
           style={"color": "black", "linestyle": "--", "marker": "s"}),
    Method("octree", "quantizer", lambda image, k, seed: quantizers.octree_palette(image, k),
           max_k=_PILLOW, style={"color": "0.45", "linestyle": "--", "marker": "^"}),
    Method("random_codebook", "quantizer", quantizers.random_codebook_palette, seeded=True,
           style={"color": "0.6", "linestyle": ":", "marker": "x"}),
    Method("libimagequant", "quantizer",
           lambda image, k, seed: quantizers.libimagequant_palette(image, k), max_k=_PILLOW,
           optional=("imagequant", "quantizers"), version=quantizers.libimagequant_version,
           style={"color": "black", "linestyle": "-.", "marker": "D"}),
    Method("wu", "quantizer", lambda image, k, seed: quantizers.wu_quantizer_palette(image, k),
           style={"color": "0.4", "linestyle": "-.", "marker": "v"}),
):  # fmt: skip
    register(_record)


def get_method(name: str) -> Method:
    """The record of the method called `name`.

    Raises
    ------
    ValueError
        Naming the valid names, if there is no such method.

    Examples
    --------
    >>> get_method("median_cut").kind, get_method("median_cut").max_k
    ('quantizer', 256)
    >>> get_method("kmeans_pp")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown method 'kmeans_pp'; valid names: kmeans, minibatch_kmeans, ...
    """
    try:
        return METHODS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown method {name!r}; valid names: {', '.join(METHODS)}") from None


def quantizer_palette(name: str, image, k: int, seed: int = 0):
    """The 8-bit RGB palette of the quantizer called `name` for an 8-bit RGB `image`.

    `seed` is used by the seeded quantizers only (``random_codebook``).

    Raises
    ------
    ValueError
        If `name` is no quantizer, or as the quantizer raises.

    Examples
    --------
    >>> import numpy as np
    >>> image = np.array([[[250, 0, 0], [240, 10, 0], [0, 0, 250], [0, 10, 240]]], np.uint8)
    >>> quantizer_palette("wu", image, 2)
    array([[  0,   5, 245],
           [245,   5,   0]], dtype=uint8)
    """
    if name not in METHODS or METHODS[name].kind != "quantizer":
        raise ValueError(
            f"unknown quantizer {name!r}; valid names: {', '.join(method_names('quantizer'))}"
        )
    return METHODS[name].fit(image, k, seed)


def method_names(kind: str | None = None) -> list[str]:
    """The names of every method, or of those of one `kind`, in registry order.

    >>> method_names("clusterer")
    ['minibatch_kmeans', 'bisecting_kmeans', 'gaussian_mixture', 'ward', 'kmeans_wu']
    """
    return [name for name, method in METHODS.items() if kind in (None, method.kind)]


def check_methods(methods: Iterable[str], k_values: Iterable[int]) -> str | None:
    """Why `methods` cannot run at `k_values`, in one line, or None if they can.

    A method's optional package must be installed, and no k may exceed its
    :attr:`Method.max_k`.

    Examples
    --------
    >>> check_methods(["kmeans", "median_cut", "octree"], [2, 300])
    'median_cut and octree build at most 256 colours; got k = 300'
    >>> check_methods(["kmeans", "wu"], [2, 300]) is None
    True
    """
    records = [get_method(name) for name in methods]
    for method in records:
        if method.optional and importlib.util.find_spec(method.optional[0]) is None:
            module, extra = method.optional
            return (
                f"method {method.name!r} needs the optional package {module!r}: "
                f"pip install 'colourquant[{extra}]'"
            )
    largest = max(k_values)
    for cap in sorted({m.max_k for m in records if m.max_k is not None}):
        # In registry order, whatever the config's order.
        capped = [m.name for m in METHODS.values() if m in records and m.max_k == cap]
        if largest > cap:
            verb = "builds" if len(capped) == 1 else "build"
            return f"{' and '.join(capped)} {verb} at most {cap} colours; got k = {largest}"
    return None


def optional_package_versions(methods: Iterable[str]) -> dict[str, str]:
    """The versions of the optional packages `methods` use, and of what they bundle.

    Examples
    --------
    >>> optional_package_versions(["kmeans", "wu"])
    {}
    """
    from importlib import metadata

    versions = {}
    for method in map(get_method, methods):
        if method.optional is None:
            continue
        module = method.optional[0]
        try:
            versions[module] = metadata.version(module)
        except metadata.PackageNotFoundError:
            versions[module] = "not installed"
        if method.version is not None:
            versions[method.name] = method.version() or "not installed"
    return versions
