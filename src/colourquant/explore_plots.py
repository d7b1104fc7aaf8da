"""Figures exploring an image's colours in a space, and how much spaces differ.

Each function returns a matplotlib Figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd

from .spaces import ColourSpace

__all__ = ["exploration_figure", "differences_figure", "fitted_limits"]

# A mid grey behind the scatter plots, so that both white and black pixels show.
_BACKGROUND = "0.55"
# Round tick steps only (matplotlib's default also allows 3, 4, 6 and 8).
_TICK_STEPS = [1, 2, 2.5, 5, 10]


def fitted_limits(
    points: np.ndarray, gamut: Sequence[tuple[float, float]], margin: float = 0.06
) -> list[tuple[float, float]]:
    """Axis limits fitted to the data, equally long on every axis.

    Every channel gets the widest channel's data range plus `margin` of it on
    each side, centred on its own data and moved inside the channel's gamut
    range where that is long enough (so one unit is as long on every axis, as
    k-means's Euclidean distance sees it, and the data fills at least one axis).

    Parameters
    ----------
    points : ndarray, shape (n, d)
        The plotted coordinates.
    gamut : sequence of (low, high)
        Each channel's range over all sRGB colours (:attr:`ColourSpace.ranges`).

    Examples
    --------
    >>> fitted_limits(np.array([[10.0, 0.0], [30.0, 5.0]]), [(0, 100), (-50, 50)])
    [(8.8, 31.2), (-8.7, 13.7)]
    """
    points = np.asarray(points, dtype=np.float64)
    low, high = points.min(axis=0), points.max(axis=0)
    widest = max(gamut_high - gamut_low for gamut_low, gamut_high in gamut)
    # A single colour still gets axes (5 % of the widest gamut range).
    span = max((high - low).max() * (1 + 2 * margin), 0.05 * widest)
    limits = []
    for data_low, data_high, (gamut_low, gamut_high) in zip(low, high, gamut, strict=True):
        if span <= gamut_high - gamut_low:
            start = min(max((data_low + data_high - span) / 2, gamut_low), gamut_high - span)
        else:
            start = (gamut_low + gamut_high - span) / 2
        limits.append((round(float(start), 10), round(float(start + span), 10)))
    return limits


def _scatter_2d(axis, space: ColourSpace, points, colours, x: int, y: int) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_facecolor(_BACKGROUND)
    axis.scatter(points[:, x], points[:, y], c=colours / 255.0, s=3, linewidths=0)
    x_limits, y_limits = fitted_limits(points[:, [x, y]], [space.ranges[x], space.ranges[y]])
    axis.set_xlim(x_limits)
    axis.set_ylim(y_limits)
    # One unit is as long on both axes, as k-means's Euclidean distance sees it.
    axis.set_aspect("equal", adjustable="box")
    axis.xaxis.set_major_locator(MaxNLocator(4, steps=_TICK_STEPS))
    axis.yaxis.set_major_locator(MaxNLocator(4, steps=_TICK_STEPS))
    axis.set_xlabel(space.channels[x])
    axis.set_ylabel(space.channels[y])


def _inner_ticks(low: float, high: float, keep_off: float = 0.15) -> list[float]:
    """Round ticks kept off both ends of an axis.

    In 3D two axes meet at a corner, where their end labels would run into
    each other (``1.00.0``).
    """
    from matplotlib.ticker import MaxNLocator

    inner_low, inner_high = low + keep_off * (high - low), high - keep_off * (high - low)
    candidates = MaxNLocator(4, steps=_TICK_STEPS).tick_values(inner_low, inner_high)
    return [float(tick) for tick in candidates if inner_low <= tick <= inner_high]


def _scatter_3d(axis, space: ColourSpace, points, colours) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.scatter(*points.T, c=colours / 255.0, s=3, linewidths=0, depthshade=False)
    limits = fitted_limits(points, space.ranges)
    for setter, limit in zip((axis.set_xlim, axis.set_ylim, axis.set_zlim), limits, strict=True):
        setter(limit)
    axis.set_box_aspect((1, 1, 1), zoom=0.82)
    for channel, coordinate, (low, high) in zip(
        space.channels, (axis.xaxis, axis.yaxis, axis.zaxis), limits, strict=True
    ):
        ticks = _inner_ticks(low, high)
        coordinate.set_ticks(ticks)
        # As many decimals as the tick step needs, no more.
        step = ticks[1] - ticks[0] if len(ticks) > 1 else high - low
        decimals = max(0, -int(np.floor(np.log10(step))))
        coordinate.set_major_formatter(
            # A true minus sign, as on the 2D axes (and no "-0.0": -0.0 + 0.0 is 0.0).
            FuncFormatter(
                lambda value, _, d=decimals: f"{round(value, d) + 0.0:.{d}f}".replace("-", "−")
            )
        )
        coordinate.set_pane_color(_BACKGROUND)
        coordinate.set_label_text(channel)
        # Names written level, not along their axes: a tilted name's corner
        # runs into the tick labels.
        coordinate.set_rotate_label(False)
        coordinate.labelpad = 9
    axis.tick_params(labelsize=8, pad=1)


def _correlation_heat_map(axis, space: ColourSpace, correlation: np.ndarray):
    import matplotlib
    from matplotlib.patches import Rectangle

    # Undefined correlations (a constant channel) are NaN: drawn light grey.
    colour_map = matplotlib.colormaps["RdBu_r"].with_extremes(bad="0.85")
    image = axis.imshow(np.ma.masked_invalid(correlation), cmap=colour_map, vmin=-1.0, vmax=1.0)
    for (row, col), value in np.ndenumerate(correlation):
        if row == col:
            # A channel's correlation with itself says nothing: a plain grey cell.
            axis.add_patch(Rectangle((col - 0.5, row - 0.5), 1, 1, color="0.85"))
        text = "n/a" if np.isnan(value) else f"{value:.2f}"
        dark = row != col and not np.isnan(value) and abs(value) > 0.6
        axis.text(col, row, text, ha="center", va="center", color="white" if dark else "black")
    ticks = range(len(space.channels))
    axis.set_xticks(ticks, space.channels)
    axis.set_yticks(ticks, space.channels)
    axis.tick_params(length=0)
    axis.set_title("channel correlation\n(Pearson, pixel-weighted)", fontsize=9)
    return image


def exploration_figure(
    image_name: str,
    space: ColourSpace,
    points: np.ndarray,
    colours: np.ndarray,
    correlation: np.ndarray,
):
    """A sample of pixels in a colour space: pairs of channels, 3D, and their correlation.

    Parameters
    ----------
    image_name : str
    space : ColourSpace
        Gives the channel names (axis labels) and gamut ranges (which the
        axis limits, fitted to the points, stay inside where they can).
    points : ndarray, shape (n, 3)
        The sampled pixels' coordinates in `space`.
    colours : ndarray of uint8, shape (n, 3)
        Their sRGB colours, used to draw each point.
    correlation : ndarray, shape (3, 3)
        The channels' correlation matrix over all pixels (NaN where undefined).
    """
    import matplotlib.pyplot as plt

    points = np.asarray(points, dtype=np.float64)
    colours = np.asarray(colours, dtype=np.float64)
    figure = plt.figure(figsize=(10, 6.4), layout="constrained")
    left, right = figure.subfigures(1, 2, width_ratios=[1, 1.1])
    _scatter_3d(left.add_subplot(projection="3d"), space, points, colours)
    grid = right.subplots(2, 2)
    for axis, (x, y) in zip(grid.flat, combinations(range(3), 2), strict=False):
        _scatter_2d(axis, space, points, colours, x, y)
    # The values are written in the cells: no colour bar needed.
    _correlation_heat_map(grid[1, 1], space, correlation)
    figure.suptitle(
        f"{image_name} in {space.name}: {len(points):,} randomly sampled pixels, "
        "each drawn in its own colour; axes fitted to them",
        fontsize=12,
    )
    return figure


def _pair_styles(n_pairs: int) -> list[dict]:
    import matplotlib

    # Not the spaces' colours (colourquant.plots.space_colours), and square
    # markers: a pair's line must not pass for one space's.
    palette = matplotlib.colormaps["Dark2" if n_pairs <= 8 else "tab20b"].colors
    dashes = ["-", "--", ":", "-."]
    return [
        {
            "color": palette[i % len(palette)],
            "linestyle": dashes[i // len(palette) % 4],
            "marker": "s",
        }
        for i in range(n_pairs)
    ]


def differences_figure(
    image_name: str, differences: pd.DataFrame, seed_noise: pd.DataFrame | None = None
):
    """Mean CIEDE2000 between the quantized images of each pair of spaces, against k.

    Parameters
    ----------
    differences : DataFrame
        Columns ``k, space_a, space_b, delta_e2000_mean``, as from
        :func:`colourquant.explore.pairwise_differences`.
    seed_noise : DataFrame, optional
        Columns ``k, space, seed_delta_e2000``: each run's difference from
        the same fit with another seed. Its largest over the spaces at each k
        is drawn as a grey bar.
    """
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(8, 4.8), layout="constrained")
    floor = pd.Series(dtype=float)
    if seed_noise is not None:
        floor = seed_noise.groupby("k")["seed_delta_e2000"].max().dropna()
    if (floor > 0).any():
        # A bar per k: each value is that k's own (one other seed), not a trend.
        spacing = np.diff(floor.index).min() if len(floor) > 1 else 1
        axis.bar(
            floor.index,
            floor.to_numpy(),
            width=0.6 * spacing,
            color="0.85",
            zorder=0,
            label="same space, other seeds\n(largest over the spaces)",
        )
    pairs = list(dict.fromkeys(zip(differences["space_a"], differences["space_b"], strict=True)))
    for (space_a, space_b), style in zip(pairs, _pair_styles(len(pairs)), strict=True):
        rows = differences[
            (differences["space_a"] == space_a) & (differences["space_b"] == space_b)
        ].sort_values("k")
        axis.plot(
            rows["k"],
            rows["delta_e2000_mean"],
            markersize=3.5,
            label=f"{space_a} vs {space_b}",
            **style,
        )
    axis.axhline(1.0, color="0.5", linestyle=":", linewidth=1)
    axis.annotate(
        "ΔE00 ≈ 1: just noticeable",
        (0.99, 1.0),
        xycoords=("axes fraction", "data"),
        ha="right",
        va="bottom",
        fontsize=8,
        color="0.4",
    )
    axis.set_ylim(bottom=0)
    if len(differences):
        axis.set_xticks(sorted(differences["k"].unique()))
        # The pairs first; the seed bars (drawn first, to lie beneath) last.
        handles, labels = axis.get_legend_handles_labels()
        order = sorted(range(len(labels)), key=lambda index: labels[index].startswith("same"))
        axis.legend(
            [handles[index] for index in order],
            [labels[index] for index in order],
            fontsize=8,
            ncols=1 + len(pairs) // 12,
        )
    else:
        axis.text(0.5, 0.5, "fewer than two colour spaces: nothing to compare",
                  transform=axis.transAxes, ha="center")  # fmt: skip
    axis.set_xlabel("k (number of colours)")
    axis.set_ylabel("mean CIEDE2000 between the two quantized images")
    axis.grid(True, alpha=0.3)
    axis.set_title(f"{image_name}: how different are the quantizations of two colour spaces?")
    return figure
