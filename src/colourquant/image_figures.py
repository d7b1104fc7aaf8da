"""One image's figures: the table of them, the data they are drawn from, and the
generator that draws them.

The table (:data:`IMAGE_FIGURES`) is the one home of what a per-image figure
is: its output name, file format, report caption, category and label, and what
it needs (one file per k, two colour spaces or more). The workflow derives the
plot rule's outputs, the targets and the report entries from it; the plot job
only iterates :func:`image_figures`. Adding a figure is a figure function, one
table entry and a caption (see docs/design.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

# The workflow reads the table when it plans (targets.smk): the figure modules,
# pandas and matplotlib are imported only where a figure is drawn, which saves
# about a second of every `snakemake` start.
if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ImageData",
    "ImageFigure",
    "IMAGE_FIGURES",
    "OTHER_METHODS_CATEGORY",
    "INPUTS",
    "figure_dpi",
    "figure_inputs",
    "figure_outputs",
    "image_figures",
    "load_image_data",
]


#: The report's category of figures and tables comparing k-means with the other
#: methods (when the config has any).
OTHER_METHODS_CATEGORY = "k-means vs other methods"


#: What a per-image figure can be drawn from: the kinds of the plot rule's
#: inputs. A figure names those it needs (:attr:`ImageFigure.inputs`); the
#: rule reads only the kinds its figures need.
INPUTS = {
    "distinct": "the image's distinct colours: the original and its size",
    "quantized": "each run's quantized image, as a thumbnail, by row and k",
    "curves": "each space's inertia curve",
    "metrics": "each run's metrics (k-means' in every space, other methods')",
    "centres": "k-means' centres in every space at the cluster-size figure's k",
    "differences": "the differences between spaces' quantized images",
}


@dataclass(frozen=True)
class ImageData:
    """What one image's figures are drawn from (see :func:`load_image_data`).

    ``thumbnails`` and ``centres`` are keyed by (row, k): a row is a colour
    space or another method. An input of a kind no figure needs (:data:`INPUTS`)
    is not read: None, or empty.
    """

    image: str
    spaces: Sequence[str]
    k_values: Sequence[int]
    other_methods: Sequence[str]
    clusterers: Sequence[str]
    reference: str
    cluster_sizes_k: Sequence[int]
    original: object = None
    image_size: tuple[int, ...] | None = None
    thumbnails: Mapping[tuple[str, int], object] = field(default_factory=dict)
    metrics: pd.DataFrame | None = None
    curves: pd.DataFrame | None = None
    centres: Mapping[tuple[str, int], pd.DataFrame] = field(default_factory=dict)
    differences: pd.DataFrame | None = None

    @property
    def row_labels(self) -> dict[str, str]:
        """A clusterer's row shows its run in the reference space, and says so."""
        from .plots import method_label

        return {m: f"{method_label(m)} ({self.reference})" for m in self.clusterers}


def _comparison_arguments(data: ImageData) -> dict:
    from .comparison_plots import delta_e_by_run

    return {
        "baselines": data.other_methods,
        "delta_e": delta_e_by_run(data.metrics),
        "image_size": data.image_size,
        "row_labels": data.row_labels,
    }


def _comparison_overview(data: ImageData, k: int | None):
    from .comparison_plots import comparison_overview_figure

    return comparison_overview_figure(
        data.image, data.original, data.thumbnails, data.spaces, data.k_values,
        **_comparison_arguments(data), per_k_figures=True,
    )  # fmt: skip


def _comparison_at_k(data: ImageData, k: int | None):
    from .comparison_plots import comparison_figure

    return comparison_figure(
        data.image, data.original, data.thumbnails, data.spaces, k, **_comparison_arguments(data)
    )


def _inertia(data: ImageData, k: int | None):
    from .plots import inertia_figure, space_colours

    return inertia_figure(data.image, data.curves, space_colours(data.spaces))


def _quality(data: ImageData, k: int | None):
    from .plots import quality_figure, seed_change_band, space_colours

    band, colours = seed_change_band(data.metrics), space_colours(data.spaces)
    return quality_figure(data.image, band, colours, labels=data.row_labels)


def _cluster_sizes(data: ImageData, k: int | None):
    from .palette_plots import cluster_sizes_figure

    n_pixels = int(data.metrics["n_pixels"].iloc[0])
    return cluster_sizes_figure(
        data.image, data.centres, n_pixels, data.spaces, data.cluster_sizes_k
    )


def _differences(data: ImageData, k: int | None):
    from .explore_plots import differences_figure

    seed_noise = None
    if "seed_delta_e2000" in data.metrics:
        kmeans = data.metrics["method"] == "kmeans"
        seed_noise = data.metrics.loc[kmeans, ["k", "space", "seed_delta_e2000"]]
    return differences_figure(data.image, data.differences, seed_noise)


@dataclass(frozen=True)
class ImageFigure:
    """One kind of per-image figure, as the workflow writes and the report shows it.

    Attributes
    ----------
    name : str
        Its output name and file stem (``figures/<image>/<name>.<extension>``);
        with ``per_k``, followed by each k (``comparison_k4``).
    draw : callable
        ``draw(data, k)`` returns a matplotlib Figure; k is None unless
        ``per_k``.
    caption : str
        Its caption's file in ``workflow/report/``.
    category : str
        The report's category; ``category_with_methods`` instead when the
        config has methods other than k-means.
    label : str
        The report's ``figure`` label.
    extension : str
        ``png`` or ``jpg``.
    dpi : int or str
        Its resolution: a number, or the name of the figure modules' own,
        ``"figure"`` (:data:`colourquant.plots.FIGURE_DPI`) or ``"comparison"``
        (:data:`colourquant.comparison_plots.COMPARISON_DPI`).
    per_k : bool
        One file per k of the config.
    k_label : bool
        Label the entry with its k in the report ("all" without ``per_k``).
    min_spaces : int
        Drawn only with at least this many colour spaces.
    inputs : tuple of str
        The kinds of input it is drawn from (keys of :data:`INPUTS`).
    """

    name: str
    draw: Callable[[ImageData, int | None], object]
    caption: str
    category: str
    label: str
    extension: str = "png"
    dpi: int | str = "figure"
    per_k: bool = False
    k_label: bool = False
    min_spaces: int = 1
    category_with_methods: str | None = None
    inputs: tuple[str, ...] = ("metrics",)

    def __post_init__(self):
        unknown = sorted(set(self.inputs) - set(INPUTS))
        if unknown:
            raise ValueError(
                f"image figure {self.name!r}: unknown inputs {unknown}; known: {', '.join(INPUTS)}"
            )


#: Every per-image figure, in the order the plot job draws them.
_PHOTOS = {"extension": "jpg", "dpi": "comparison", "k_label": True}
_COMPARISON_INPUTS = ("distinct", "quantized", "metrics")

#: Every per-image figure, in the order the plot job draws them.
IMAGE_FIGURES: dict[str, ImageFigure] = {
    figure.name: figure
    for figure in [
        ImageFigure("differences", _differences, "differences.rst", "Colour space differences",
                    "differences between spaces", min_spaces=2,
                    inputs=("metrics", "differences")),
        ImageFigure("comparison", _comparison_overview, "comparison.rst", "Comparison",
                    "comparison", inputs=_COMPARISON_INPUTS, **_PHOTOS),
        ImageFigure("comparison_k", _comparison_at_k, "comparison_k.rst", "Comparison",
                    "comparison", per_k=True, inputs=_COMPARISON_INPUTS, **_PHOTOS),
        ImageFigure("inertia", _inertia, "inertia.rst", "Inertia", "normalised inertia",
                    inputs=("curves",)),
        ImageFigure("quality", _quality, "quality.rst", "Quality", "quality",
                    category_with_methods=OTHER_METHODS_CATEGORY, inputs=("metrics",)),
        ImageFigure("cluster_sizes", _cluster_sizes, "cluster_sizes.rst", "Cluster sizes",
                    "pixels per cluster", inputs=("centres", "metrics")),
    ]
}  # fmt: skip


def figure_outputs(
    k_values: Sequence[int], n_spaces: int, figures: Mapping[str, ImageFigure] | None = None
) -> dict[str, tuple[ImageFigure, int | None]]:
    """The figures one image gets with this config: output name to (figure, k).

    Examples
    --------
    >>> list(figure_outputs([2, 4], n_spaces=1))
    ['comparison', 'comparison_k2', 'comparison_k4', 'inertia', 'quality', 'cluster_sizes']
    >>> "differences" in figure_outputs([2, 4], n_spaces=2)
    True
    """
    outputs = {}
    for figure in (IMAGE_FIGURES if figures is None else figures).values():
        if n_spaces < figure.min_spaces:
            continue
        if figure.per_k:
            outputs.update({f"{figure.name}{k}": (figure, k) for k in sorted(k_values)})
        else:
            outputs[figure.name] = (figure, None)
    return outputs


def figure_dpi(figure: ImageFigure) -> float:
    """The resolution an image figure is written at (see :class:`ImageFigure`'s ``dpi``).

    Examples
    --------
    >>> figure_dpi(IMAGE_FIGURES["comparison"]), figure_dpi(IMAGE_FIGURES["inertia"])
    (100, 150)
    """
    if not isinstance(figure.dpi, str):
        return figure.dpi
    from .comparison_plots import COMPARISON_DPI
    from .plots import FIGURE_DPI

    named = {"figure": FIGURE_DPI, "comparison": COMPARISON_DPI}
    if figure.dpi not in named:
        raise ValueError(
            f"image figure {figure.name!r}: dpi {figure.dpi!r} is not one of {sorted(named)}"
        )
    return named[figure.dpi]


def figure_inputs(outputs: Mapping[str, tuple[ImageFigure, int | None]]) -> list[str]:
    """The kinds of input (:data:`INPUTS`) the figures of `outputs` are drawn from.

    Examples
    --------
    >>> figure_inputs(figure_outputs([2, 4], n_spaces=1))
    ['distinct', 'quantized', 'curves', 'metrics', 'centres']
    >>> figure_inputs({"inertia": (IMAGE_FIGURES["inertia"], None)})
    ['curves']
    """
    needed = {kind for figure, _ in outputs.values() for kind in figure.inputs}
    return [kind for kind in INPUTS if kind in needed]


def image_figures(data: ImageData, names: Sequence[str] | None = None) -> Iterator[tuple]:
    """Draw one image's figures: (output name, Figure, dpi) for each, one at a time.

    Shaped like :func:`colourquant.study.plots.study_figures`: the job writes
    each figure and closes it before the next is drawn. ``names`` limits the
    figures to those output names (default: every one of
    :func:`figure_outputs`).

    Examples
    --------
    >>> import pandas as pd
    >>> curves = pd.DataFrame({"image": "photo", "space": "Lab", "k": [2, 4, 8],
    ...                        "inertia_normalised": [0.5, 0.2, 0.1], "is_elbow": False})
    >>> data = ImageData("photo", ["Lab"], [2, 4, 8], [], [], "Lab", [8], curves=curves)
    >>> [(name, dpi) for name, _, dpi in image_figures(data, names=["inertia"])]
    [('inertia', 150)]
    """
    import matplotlib.pyplot as plt

    for name, (figure, k) in figure_outputs(data.k_values, len(data.spaces)).items():
        if names is None or name in names:
            drawn = figure.draw(data, k)
            yield name, drawn, figure_dpi(figure)
            plt.close(drawn)


def load_image_data(image: str, inputs: Mapping, params: Mapping) -> ImageData:
    """Read one image's inputs (the plot rule's input and params, by name).

    ``inputs``: any of ``distinct`` (path), ``quantized`` (the paths'
    presence: the thumbnails are read from ``params``), ``metrics`` and
    ``curves`` (paths of CSVs), ``centres`` (as ``quantized``) and
    ``differences`` (path); a kind not given is not read (see :data:`INPUTS`).
    ``params``: ``quantized`` and ``centres`` (paths by row and k),
    ``spaces``, ``k_values``, ``other_methods``, ``clusterers``,
    ``reference`` and ``cluster_sizes_k``.
    """
    import pandas as pd

    from .colours import rebuild_image
    from .files import load_distinct, read_png_thumbnail, thumbnail

    needed = ("quantized", "centres", "spaces", "k_values", "other_methods", "clusterers",
              "reference", "cluster_sizes_k")  # fmt: skip
    missing = [key for key in needed if key not in params]
    if missing:
        raise ValueError(f"{image}: the figures' params lack {', '.join(missing)}")
    data = {}
    if "distinct" in inputs:
        distinct, _ = load_distinct(inputs["distinct"])
        data["original"] = thumbnail(
            rebuild_image(distinct.colours, distinct.index, distinct.shape)
        )
        data["image_size"] = distinct.shape
    if "quantized" in inputs:
        data["thumbnails"] = {
            (row, k): read_png_thumbnail(path)
            for row, paths in params["quantized"].items()
            for k, path in paths.items()
        }
    if "metrics" in inputs:
        data["metrics"] = pd.concat(map(pd.read_csv, inputs["metrics"]), ignore_index=True)
    if "curves" in inputs:
        data["curves"] = pd.concat(map(pd.read_csv, inputs["curves"]))
    if "centres" in inputs:
        data["centres"] = {
            (space, k): pd.read_csv(path)
            for space, paths in params["centres"].items()
            for k, path in paths.items()
        }
    if inputs.get("differences"):
        data["differences"] = pd.read_csv(inputs["differences"])
    return ImageData(
        image=image,
        spaces=list(params["spaces"]),
        k_values=list(params["k_values"]),
        other_methods=list(params["other_methods"]),
        clusterers=list(params["clusterers"]),
        reference=params["reference"],
        cluster_sizes_k=list(params["cluster_sizes_k"]),
        **data,
    )
