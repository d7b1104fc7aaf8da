"""Tables and text that summarise a whole sweep."""

from __future__ import annotations

import string
from importlib import metadata

import pandas as pd

__all__ = ["headline_table", "methods_table", "package_versions", "front_page_rst"]

HEADLINE_METRICS = {
    "inertia_normalised": "inertia (normalised)",
    "delta_e2000_mean": "mean ΔE00",
    "psnr": "PSNR / dB",
    # With fit.seed_noise only.
    "delta_e2000_mean_seed_change": "how much mean ΔE00 changes with the next seed",
}
# Decimals shown on the front page: enough to tell spaces apart, no more.
HEADLINE_FORMATS = {
    "inertia_normalised": ".3f",
    "delta_e2000_mean": ".2f",
    "psnr": ".1f",
    "delta_e2000_mean_seed_change": ".2f",
}
PACKAGES = [
    "colourquant",
    "snakemake",
    "scikit-learn",
    "scikit-image",
    "numpy",
    "pandas",
    "matplotlib",
    "pillow",
]


def headline_table(runs: pd.DataFrame, spaces: list[str]) -> pd.DataFrame:
    """Per colour space and k, the mean over images of the headline metrics.

    Parameters
    ----------
    runs : DataFrame
        The tidy metrics table, one row per run.
    spaces : list of str
        Row order.

    Returns
    -------
    DataFrame
        Columns ``space, k, n_images`` and one column per headline metric in
        `runs` (``delta_e2000_mean_seed_change`` only where it was measured).
    """
    if "method" in runs:
        # k-means only: the classic quantizers (space "-") have methods_table.
        runs = runs[runs["method"] == "kmeans"]
    metrics = [m for m in HEADLINE_METRICS if m in runs and runs[m].notna().any()]
    table = (
        runs.groupby(["space", "k"], sort=False)
        .agg(n_images=("image", "nunique"), **{m: (m, "mean") for m in metrics})
        .reset_index()
    )
    table["space"] = pd.Categorical(table["space"], categories=spaces, ordered=True)
    return table.sort_values(["space", "k"]).reset_index(drop=True)


METHOD_METRICS = ["mse_rgb", "delta_e2000_mean", "fit_seconds"]


def methods_table(runs: pd.DataFrame, methods: list[str], spaces: list[str]) -> pd.DataFrame:
    """Per k, each method's mean over images of mse_rgb, mean ΔE00 and time.

    k-means has a row per colour space; the classic quantizers, which have
    none, one row each (space ``-``).

    Parameters
    ----------
    runs : DataFrame
        The tidy metrics table, one row per run.
    methods, spaces : list of str
        Row order within each k.

    Returns
    -------
    DataFrame
        Columns ``k, method, space, n_images, mse_rgb, delta_e2000_mean,
        fit_seconds``, ordered by k, then method and space.
    """
    from .baselines import NO_SPACE

    table = (
        runs.groupby(["k", "method", "space"], sort=False)
        .agg(n_images=("image", "nunique"), **{m: (m, "mean") for m in METHOD_METRICS})
        .reset_index()
    )
    table["method"] = pd.Categorical(table["method"], categories=methods, ordered=True)
    table["space"] = pd.Categorical(table["space"], categories=[*spaces, NO_SPACE], ordered=True)
    return table.sort_values(["k", "method", "space"]).reset_index(drop=True)


def package_versions() -> dict[str, str]:
    """Installed versions of the packages that determine a run's numbers."""
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def _rst_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    rule = "  ".join("=" * width for width in widths)
    line = lambda cells: "  ".join(f"{cell!s:<{w}}" for cell, w in zip(cells, widths, strict=True))  # noqa: E731
    return "\n".join([rule, line(header), rule, *map(line, rows), rule])


def front_page_rst(
    template: str, config_yaml: str, versions: dict[str, str], headline: pd.DataFrame
) -> str:
    """The report's front page: what was run, with which software, and the headline numbers.

    The headline is one small table per metric, a row per colour space and a
    column per k, so that spaces can be compared down each column.

    Parameters
    ----------
    template : str
        reStructuredText with ``string.Template`` placeholders ``$n_images``,
        ``$tables`` (the headline tables), ``$config`` (the configuration as
        an indented literal block) and ``$versions`` (a bullet list).
    config_yaml : str
    versions : dict of str to str
        From :func:`package_versions`.
    headline : DataFrame
        From :func:`headline_table`.
    """
    n_images = int(headline["n_images"].max()) if len(headline) else 0
    k_values = sorted(headline["k"].unique())
    sections = []
    for metric, title in HEADLINE_METRICS.items():
        if metric not in headline:
            continue
        wide = headline.pivot(index="space", columns="k", values=metric)
        rows = [
            [str(space), *(format(wide.loc[space, k], HEADLINE_FORMATS[metric]) for k in k_values)]
            for space in wide.index
        ]
        table = _rst_table(["space", *(f"k={k}" for k in k_values)], rows)
        sections.append(f"**{title}**\n\n{table}")
    tables = "\n\n".join(sections)
    version_list = "\n".join(f"- {name} {version}" for name, version in versions.items())
    config_block = "\n".join(f"    {line}" for line in config_yaml.splitlines())
    return string.Template(template).substitute(
        n_images=n_images, tables=tables, config=config_block, versions=version_list
    )
