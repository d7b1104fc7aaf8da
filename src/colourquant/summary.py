"""Tables and text that summarise a whole sweep."""

from __future__ import annotations

import base64
import html
import json
import re
import string
import textwrap
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path

import pandas as pd

from .columns import HEADLINE, TABLE_COLUMNS, column
from .variants import undithered

__all__ = [
    "headline_table",
    "methods_table",
    "package_versions",
    "front_page_rst",
    "front_page_from_files",
    "search_example",
    "GLOSSARY_TERMS",
    "neutral_judges_rst",
    "rst_escape",
    "link_terms",
    "answers_section",
    "picture_block",
]

# The registry's (colourquant.columns.HEADLINE, the same mapping, so a registered
# column shows too): normalised inertia, every judge, and how much mean ΔE00
# changes with other seeds (with fit.replicates only).
HEADLINE_METRICS = HEADLINE
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
        The tidy metrics table, one row per run (dithered variants are left out).
    spaces : list of str
        Row order.

    Returns
    -------
    DataFrame
        Columns ``space, k, n_images`` and one column per headline metric in
        `runs` (``delta_e2000_mean_seed_change`` only where it was measured).
    """
    runs = undithered(runs)
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


# The registry's (colourquant.columns.TABLE_COLUMNS["methods"], the same list).
METHOD_METRICS = TABLE_COLUMNS["methods"]


def methods_table(runs: pd.DataFrame, methods: list[str], spaces: list[str]) -> pd.DataFrame:
    """Per k, each method's mean over images of mse_rgb, mean ΔE00 and time.

    k-means has a row per colour space; the classic quantizers, which have
    none, one row each (space ``-``).

    Parameters
    ----------
    runs : DataFrame
        The tidy metrics table, one row per run (dithered variants are left out).
    methods, spaces : list of str
        Row order within each k.

    Returns
    -------
    DataFrame
        Columns ``k, method, space, n_images, mse_rgb, delta_e2000_mean,
        fit_seconds``, ordered by k, then method and space.
    """
    from .methods import NO_SPACE

    runs = undithered(runs)
    table = (
        runs.groupby(["k", "method", "space"], sort=False)
        .agg(n_images=("image", "nunique"), **{m: (m, "mean") for m in METHOD_METRICS})
        .reset_index()
    )
    table["method"] = pd.Categorical(table["method"], categories=methods, ordered=True)
    table["space"] = pd.Categorical(table["space"], categories=[*spaces, NO_SPACE], ordered=True)
    return table.sort_values(["k", "method", "space"]).reset_index(drop=True)


def package_versions(methods: Sequence[str] = ()) -> dict[str, str]:
    """Installed versions of the packages that determine a run's numbers.

    With a method among `methods` that needs an optional package
    (``libimagequant``), also that package's version and what it bundles
    (:func:`colourquant.methods.optional_package_versions`).
    """
    from .methods import optional_package_versions

    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions | optional_package_versions(methods)


def _rst_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    rule = "  ".join("=" * width for width in widths)
    line = lambda cells: "  ".join(f"{cell!s:<{w}}" for cell, w in zip(cells, widths, strict=True))  # noqa: E731
    return "\n".join([rule, line(header), rule, *map(line, rows), rule])


def _mean_delta_e_table(headline: pd.DataFrame) -> str:
    """Mean ΔE00 as a table: a row per colour space, a column per k."""
    k_values = sorted(headline["k"].unique())
    wide = headline.pivot(index="space", columns="k", values="delta_e2000_mean")
    rows = [
        [str(space), *(format(wide.loc[space, k], f".{column('delta_e2000_mean').decimals}f")
                       for k in k_values)]
        for space in wide.index
    ]  # fmt: skip
    return _rst_table(["space", *(f"k={k}" for k in k_values)], rows)


def _chance_sentence(headline: pd.DataFrame) -> str:
    """How much chance alone moves mean ΔE00, if the seed noise was measured."""
    column = "delta_e2000_mean_seed_change"
    if column not in headline or not headline[column].notna().any():
        return ""
    return (
        f"Refitted from other seeds (fit.replicates), a space's mean ΔE00 moves by up to "
        f"{headline[column].max():.2f} (averaged over images; column ``{column}`` of "
        "the headline table): gaps between spaces smaller than that may be chance."
    )


#: Terms the front page's glossary explains, as a regular expression, and the
#: glossary entry's target (workflow/report/front_page.template.rst). The
#: first occurrence of each in the answers and findings links to its entry.
GLOSSARY_TERMS = {
    r"mean ΔE00": "glossary-delta-e",
    r"just-noticeable differences?": "glossary-jnd",
    r"PSNR": "glossary-psnr",
    r"SSIM of luma": "glossary-ssim-y",
    r"MS-SSIM of luma": "glossary-ms-ssim-y",
    r"VIFp of luma": "glossary-vif-p",
    r"mean ꟻLIP": "glossary-flip",
    r"SSIM": "glossary-ssim",
    r"judges?": "glossary-judge",
    r"seed spread": "glossary-seed-spread",
    r"95 % interval": "glossary-interval",
    r"intervals": "glossary-interval",
    r"mean rank": "glossary-rank",
    r"Friedman's test": "glossary-friedman",
    r"after adjusting over \d+ k": "glossary-adjusted",
    r"Nemenyi's test": "glossary-nemenyi",
}


def rst_escape(text: str) -> str:
    """Plain text as reStructuredText shows it as is: markup characters backslash-escaped.

    Examples
    --------
    >>> print(rst_escape("k_values * 2 `x`"))
    k\\_values \\* 2 \\`x\\`
    """
    return re.sub(r"([\\`*_|<>\[\]])", r"\\\1", text)


def link_terms(sentences: Sequence[str], terms: Mapping[str, str] = GLOSSARY_TERMS) -> list[str]:
    """Escape `sentences` for reStructuredText; link each term's first use to the glossary.

    Parameters
    ----------
    sentences : sequence of str
        Plain text.
    terms : mapping of str to str
        A regular expression per term, and the target of its glossary entry.
        A target is linked once, at the first of its terms met.

    Returns
    -------
    list of str

    Examples
    --------
    >>> link_terms(["By PSNR it is 1 dB closer.", "PSNR again."])
    ['By `PSNR <glossary-psnr_>`__ it is 1 dB closer.', 'PSNR again.']
    """
    linked: set[str] = set()
    pattern = re.compile("|".join(f"(?<![\\w-])({term})(?![\\w-])" for term in terms))
    targets = list(terms.values())

    def link(match: re.Match) -> str:
        target = targets[match.lastindex - 1]
        if target in linked:
            return match.group(0)
        linked.add(target)
        return f"`{match.group(0)} <{target}_>`__"

    return [pattern.sub(link, rst_escape(sentence)) for sentence in sentences]


def answers_section(answers: Mapping[str, Sequence[str]]) -> str:
    """The front page's answers to the notebook's two questions, each in a paragraph.

    Parameters
    ----------
    answers : mapping
        ``which_space`` and ``indistinguishable``, lists of sentences
        (:func:`colourquant.study.answers.answers`), already escaped and linked
        (:func:`link_terms`).
    """
    questions = {
        "which_space": "Which colour space gives the closer result?",
        "indistinguishable": "Is there a k where the spaces become indistinguishable?",
    }
    paragraphs = [
        f"**{question}** " + " ".join(answers[key])
        for key, question in questions.items()
        if answers.get(key)
    ]
    return "".join(f"{paragraph}\n\n" for paragraph in paragraphs)


def picture_block(jpeg: bytes, caption: str) -> str:
    """A JPEG embedded in the front page, full width, with its caption (escaped).

    Snakemake's report is one self-contained file: an image on its front page
    must be inside it, as a data URI.

    Examples
    --------
    >>> print(picture_block(b"\\xff\\xd8", "a < b").splitlines()[2])
       <figure><img class="answer-picture" alt="a &lt; b" src="data:image/jpeg;base64,
    """
    # In lines of 76 characters: docutils refuses longer lines, and a URL's
    # line breaks are dropped when the browser reads it.
    data = "\n   ".join(textwrap.wrap(base64.b64encode(jpeg).decode("ascii"), 76))
    text = html.escape(caption)
    return (
        ".. raw:: html\n\n"
        f'   <figure><img class="answer-picture" alt="{text}" src="data:image/jpeg;base64,\n'
        f'   {data}"><figcaption>{text}</figcaption></figure>\n\n'
    )


def _findings_section(findings: Sequence[str]) -> str:
    if not findings:
        return ""
    items = "\n".join(f"- {sentence}" for sentence in findings)
    return f"The statistics in detail\n------------------------\n\n{items}\n\n"


def _sweep_description(config: dict, n_images: int) -> str:
    spaces, k_values = config["colour_spaces"], sorted(config["k_values"])
    ks = ", ".join(map(str, k_values))
    return (
        f"{_count(n_images, 'image')} × {_count(len(spaces), 'colour space')} "
        f"({', '.join(spaces)}) × {_count(len(k_values), 'value')} of k ({ks})"
    )


def _count(n: int, noun: str) -> str:
    """``1 image``, ``4 images``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def search_example(image: str, space: str, k_values: Sequence[int]) -> str:
    """The front page's sentence on the report's search, with paths of this experiment.

    It names the experiment's first image and space, and two of its k (the
    picture's middle one and the largest), so that the searches find something.

    Examples
    --------
    >>> print(search_example("coffee", "Lab", [16, 2, 4, 8]).removeprefix("Search finds "))
    paths, e.g. ``exploration/Lab`` or, as a regular expression, ``re:coffee/comparison_k(4|16)``.
    >>> search_example("flags", "RGB", [3])
    'Search finds paths, e.g. ``exploration/RGB`` or ``flags/comparison_k3``.'
    """
    k_values = sorted(k_values)
    middle, largest = k_values[(len(k_values) - 1) // 2], k_values[-1]
    if middle == largest:
        found = f"or ``{image}/comparison_k{largest}``"
    else:
        found = f"or, as a regular expression, ``re:{image}/comparison_k({middle}|{largest})``"
    return f"Search finds paths, e.g. ``exploration/{space}`` {found}."


def front_page_from_files(
    template: str | Path,
    config: dict,
    headline: pd.DataFrame,
    image: str,
    picture: str | Path,
    caption: str,
    findings: str | Path | None = None,
    answers: str | Path | None = None,
) -> str:
    """The report's front page (:func:`front_page_rst`) from the files the workflow wrote.

    ``image`` is the experiment's first image (for :func:`search_example`),
    ``picture`` its comparison JPEG; ``findings`` and ``answers`` are the
    study's, or None without a study (one colour space).
    """
    findings_lines = Path(findings).read_text().splitlines() if findings else []
    answers_texts = json.loads(Path(answers).read_text()) if answers else {}
    return front_page_rst(
        Path(template).read_text(),
        config,
        package_versions(config["methods"]),
        headline,
        findings_lines,
        answers_texts,
        picture_block(Path(picture).read_bytes(), caption),
        search=search_example(image, config["colour_spaces"][0], config["k_values"]),
    )


def _dither_clause(config: dict) -> str:
    """What the front page says of dithered variants (config key ``dither``), or ""."""
    dithered = [name for name in config.get("dither", []) if name != "none"]
    if not dithered:
        return ""
    return (
        f"; each run also dithered ({', '.join(dithered)}: the Comparison and Dithering "
        "categories show the variants side by side; the answers and the table here are "
        "of the undithered runs)"
    )


def neutral_judges_rst() -> str:
    """The judges that favour no space's objective, from the column registry, as reST.

    Each label links to its glossary entry where :data:`GLOSSARY_TERMS` has one
    (a registered judge without an entry is named unlinked).

    Examples
    --------
    >>> print(neutral_judges_rst())
    `SSIM of luma <glossary-ssim-y_>`__, `MS-SSIM of luma <glossary-ms-ssim-y_>`__, \
`VIFp of luma <glossary-vif-p_>`__ and `mean ꟻLIP <glossary-flip_>`__
    """
    from .columns import JUDGES

    def named(label: str) -> str:
        anchor = GLOSSARY_TERMS.get(re.escape(label)) or GLOSSARY_TERMS.get(label)
        return f"`{rst_escape(label)} <{anchor}_>`__" if anchor else rst_escape(label)

    labels = [named(judge.label) for judge in JUDGES.values() if not judge.favours]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def front_page_rst(
    template: str,
    config: dict,
    versions: dict[str, str],
    headline: pd.DataFrame,
    findings: Sequence[str] = (),
    answers: Mapping[str, Sequence[str]] | None = None,
    picture: str = "",
    search: str = "",
) -> str:
    """The report's front page: the answers, a picture, the statistics, a glossary.

    Kept short above the picture, so that the answers and the picture fit a
    laptop's window: the other headline metrics are in the headline table,
    the config in the report's Configuration category.

    Parameters
    ----------
    template : str
        reStructuredText with ``string.Template`` placeholders ``$experiment``,
        ``$what`` (images × spaces × k), ``$methods``, ``$answers``,
        ``$picture``, ``$search``, ``$findings``, ``$chance`` (a sentence on the seed noise,
        or nothing), ``$images`` (``4 images``), ``$table`` (mean ΔE00, a row per space and
        a column per k) and ``$versions``.
    config : dict
        The validated config.
    versions : dict of str to str
        From :func:`package_versions`.
    headline : DataFrame
        From :func:`headline_table`.
    findings : sequence of str
        The study's headline sentences (:func:`colourquant.study.headline_findings`).
    answers : mapping, optional
        The answers to the notebook's questions, plain sentences
        (:func:`colourquant.study.answers.answers`).
    picture : str
        A reStructuredText block showing one picture (:func:`picture_block`), or "".
    search : str
        The sentence on the report's search (:func:`search_example`), or "".
    """
    n_images = int(headline["n_images"].max()) if len(headline) else 0
    methods = [
        f"k-means ({config['fit']['mode']} mode)" if method == "kmeans" else method
        for method in config["methods"]
    ]
    answers = answers or {}
    # Escape every sentence and link each glossary term once, at its first use.
    parts = {key: list(answers.get(key, ())) for key in ("which_space", "indistinguishable")}
    texts = link_terms([*parts["which_space"], *parts["indistinguishable"], *findings])
    n_which, n_answers = len(parts["which_space"]), sum(map(len, parts.values()))
    linked = {
        "which_space": texts[:n_which],
        "indistinguishable": texts[n_which:n_answers],
    }
    return string.Template(template).substitute(
        experiment=config["experiment"],
        answers=answers_section(linked),
        picture=picture,
        search=search,
        findings=_findings_section(texts[n_answers:]),
        what=_sweep_description(config, n_images),
        methods=", ".join(methods) + _dither_clause(config),
        chance=_chance_sentence(headline),
        images=_count(n_images, "image"),
        neutral_judges=neutral_judges_rst(),
        table=_mean_delta_e_table(headline),
        versions=", ".join(f"{name} {version}" for name, version in versions.items()),
    )
