"""Tables and texts the report shows inline, as HTML pages; the front page's text and links."""

from __future__ import annotations

import base64
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from docutils.core import publish_parts

from colourquant.report_pages import table_page, text_page
from colourquant.summary import (
    GLOSSARY_TERMS,
    front_page_rst,
    headline_table,
    link_terms,
    picture_block,
)
from conftest import REPO

FRONT_PAGE = (REPO / "workflow/report/front_page.template.rst").read_text()
INJECTION = "</script><img src=x onerror=alert(1)>"


class Cells(HTMLParser):
    """The text of every <th> and <td> of a page, row by row (end tags optional); every tag met."""

    def __init__(self):
        super().__init__()
        self.rows, self.tags, self._cell = [], [], None

    def _close_cell(self):
        if self._cell is not None:
            self.rows[-1].append(self._cell)
            self._cell = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("tr", "td", "th"):
            self._close_cell()
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th", "tr", "thead", "tbody", "table"):
            self._close_cell()

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def parse(page: str) -> Cells:
    cells = Cells()
    cells.feed(page)
    return cells


def test_table_page_shows_every_cell_escaped_and_rounded():
    table = pd.DataFrame(
        {"image": ["astronaut", INJECTION], "k": [2, 16], "psnr": [31.234567, float("nan")]}
    )
    cells = parse(table_page(table, "metrics.csv", note="every digit in metrics.csv"))
    assert cells.rows == [
        ["image", "k", "psnr"],
        ["astronaut", "2", "31.23"],
        [INJECTION, "16", ""],
    ]
    # The text is there as text: no <script> or <img> element came from the table.
    assert "script" not in cells.tags and "img" not in cells.tags


def test_text_pages_keep_paragraphs_or_the_file_as_it_is():
    page = text_page(f"First finding.\n\nSecond {INJECTION}.\n", "findings")
    assert parse(page).tags.count("p") == 2 and "img" not in parse(page).tags
    config = f"images:\n  - name: a\n    source: '{INJECTION}'\n"
    page = text_page(config, "config.yaml", preformatted=True)
    assert "img" not in parse(page).tags
    assert re.search(r"<pre>(.*)</pre>", page, re.S).group(1).count("\n") == 3


def render(page: str) -> str:
    """The front page as Snakemake's report renders it (docutils, HTML body), errors included."""
    return publish_parts(page, writer="html", settings_overrides={"report_level": 2})["html_body"]


def sample_page(answers, findings=(), picture=""):
    runs = pd.DataFrame({"image": ["a", "b"] * 2, "space": ["RGB"] * 2 + ["Lab"] * 2, "k": 4,
                         "delta_e2000_mean": [5.0, 6.0, 5.5, 6.5]})  # fmt: skip
    config = {"experiment": "trial", "colour_spaces": ["RGB", "Lab"], "k_values": [4],
              "methods": ["kmeans"], "fit": {"mode": "exact"}}  # fmt: skip
    headline = headline_table(runs, ["RGB", "Lab"])
    return front_page_rst(FRONT_PAGE, config, {"snakemake": "9"}, headline, findings, answers,
                          picture)  # fmt: skip


ANSWERS = {
    "which_space": [
        "At k = 4 (few colours), RGB gave the closest result by every judge (mean ΔE00, PSNR "
        "and SSIM).",
        "By mean ΔE00 it is 0.50 ΔE00 closer than Lab, half a just-noticeable difference.",
    ],
    "indistinguishable": [
        "Images that look alike? No: up to k = 4. Try larger k (config key k_values).",
    ],
}


def test_front_page_answers_first_then_picture_then_statistics_then_glossary():
    findings = ["At k = 4, Friedman's test finds no evidence (p = 0.011, 0.10 after adjusting "
                "over 9 k)."]  # fmt: skip
    picture = picture_block(b"\xff\xd8\xff\xe0 not really a JPEG", "astronaut at k = 4")
    html = render(sample_page(ANSWERS, findings, picture))
    assert "System Message" not in html and "problematic" not in html
    order = [
        html.index("Which colour space gives the closer result?"),
        html.index("Is there a k where the spaces become indistinguishable?"),
        html.index("data:image/jpeg;base64,"),
        html.index("The statistics in detail"),
        html.index("Glossary"),
    ]
    assert order == sorted(order), order
    # The picture's bytes survive the page's line breaks.
    uri = re.search(r'src="data:image/jpeg;base64,([^"]*)"', html).group(1)
    assert base64.b64decode(re.sub(r"\s", "", uri)) == b"\xff\xd8\xff\xe0 not really a JPEG"
    # "k_values" is shown as typed, not as reStructuredText markup.
    assert "config key k_values" in html


def test_every_glossary_link_has_its_entry_and_each_term_is_linked_once():
    findings = ["At k = 4, Friedman's test finds no evidence (p = 0.011, 0.10 after adjusting "
                "over 9 k).", "Nemenyi's test tells RGB apart; the mean rank of RGB is 1.",
                "Lab is within the seed spread of RGB (95 % interval −0.1 to 0.2)."]  # fmt: skip
    html = render(sample_page(ANSWERS, findings))
    links = re.findall(r'href="#(glossary-[a-z-]+)"', html)
    ids = set(re.findall(r'id="(glossary-[a-z-]+)"', html))
    assert set(links) == set(GLOSSARY_TERMS.values())
    assert set(links) <= ids, set(links) - ids
    # The answers and findings link each term once; the template adds its own few.
    linked = link_terms([*ANSWERS["which_space"], *findings])
    assert sum(sentence.count("<glossary-delta-e_>") for sentence in linked) == 1
    assert "`mean ΔE00 <glossary-delta-e_>`__" in linked[0]


@pytest.mark.workflow
def test_the_report_shows_tables_and_findings_as_pages_not_downloads(sweep):
    results = sweep / "results/default"
    report = (results / "report.html").read_text()
    entries = json.loads(re.search(r"var results = (\{.*?\});\n", report, re.S).group(1))
    mimes = {Path(path).name: entry["mime_type"] for path, entry in entries.items()}
    # No table or text is left for the browser to download instead of showing.
    assert not [name for name, mime in mimes.items() if mime not in
                ("text/html", "image/png", "image/jpeg")]  # fmt: skip
    for name in ("metrics", "headline", "config", "methods", "paired_differences",
                 "all_findings"):  # fmt: skip
        assert mimes[f"{name}.html"] == "text/html", name
    metrics = pd.read_csv(results / "metrics.csv")
    cells = parse((results / "report/metrics.html").read_text())
    assert cells.rows[0] == list(metrics.columns)
    assert len(cells.rows) == 1 + len(metrics)
    assert [row[0] for row in cells.rows[1:]] == metrics["image"].tolist()
    findings = (results / "study/all_findings.txt").read_text().strip().split("\n\n")
    page = (results / "report/all_findings.html").read_text()
    assert page.count("<p>") == len(findings)


@pytest.mark.workflow
def test_the_front_page_answers_both_questions(sweep):
    front_page = (sweep / "results/default/summary/front_page.rst").read_text()
    answers = json.loads((sweep / "results/default/study/answers.json").read_text())
    assert answers["indistinguishable"][1].startswith("Images that look alike? ")
    for sentence in answers["which_space"] + answers["indistinguishable"]:
        # Linked terms aside, each sentence is on the page as written.
        plain = re.sub(r"`([^<`]*) <glossary-[a-z-]+_>`__", r"\1", front_page)
        assert sentence.replace("_", "\\_") in plain
    assert "data:image/jpeg;base64," in front_page


@pytest.mark.workflow
def test_the_front_page_searches_for_paths_of_its_own_experiment(sweep):
    # The shared sweep has no chelsea: photo is its first image, RGB its first
    # space, and k = 2 and 4 are its k (conftest).
    front_page = (sweep / "results/default/summary/front_page.rst").read_text()
    assert "chelsea" not in front_page
    assert "``exploration/RGB``" in front_page
    assert "``re:photo/comparison_k(2|4)``" in front_page
    # Each search finds something: the paths exist.
    figures = sweep / "results/default/figures"
    assert (figures / "photo/exploration/RGB.jpg").is_file()
    for k in (2, 4):
        assert (figures / f"photo/comparison_k{k}.jpg").is_file()
    # It is reStructuredText the report renders: the regular expression is literal text.
    html = publish_parts(front_page, writer="html")["body"]
    assert "re:photo/comparison_k(2|4)" in html
