"""The docs keep their promises: a short README, links that resolve, and numbers
that come from the benchmarks' committed summaries (docs/benchmarks/*.json)."""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import REPO

README = REPO / "README.md"
SUMMARY_DIR = REPO / "docs" / "benchmarks"
SUMMARIES = sorted(SUMMARY_DIR.glob("*.json"))
# Current-state docs: their links must resolve and their measured numbers must
# come from a summary. CHANGELOG.md is history: its old numbers stay as they were.
CURRENT = [README, REPO / "config" / "README.md", *sorted((REPO / "docs").glob("*.md"))]
LINKED = [*CURRENT, REPO / "CHANGELOG.md"]
# Pages where every number, with or without a unit, is a measurement or a
# benchmark's setting, and so must appear in a summary.
ALL_NUMBERS = [REPO / "docs" / "performance.md"]
# Elsewhere, a number with one of these units is a measurement (a speed-up is
# written 3.8×; 4 × 4 × 4 is a size).
UNIT = r"(?:\s?(?:s|ms|min|GB|MB|%|times|megapixels|MP)\b|×)"
NUMBER = r"(?<![\w.\-/])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:e-?\d+)?(?![\w])"


def prose(text: str) -> str:
    """Markdown text without code, link targets and HTML comments."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r"`[^`]*`", "", text)
    return re.sub(r"\]\([^)]*\)", "]", text)


def sections(path: Path) -> list[tuple[str, list[Path]]]:
    """The file's sections (split at headings), each with the summaries it links:
    a link to one docs/benchmarks/*.json, or to the folder for all of them."""
    found = []
    for section in re.split(r"^(?=#)", path.read_text(), flags=re.M):
        linked = set()
        for target in re.findall(r"\]\(([^)#\s]+)", section):
            target = (path.parent / target).resolve()
            if target == SUMMARY_DIR:
                linked.update(SUMMARIES)
            elif target in SUMMARIES:
                linked.add(target)
        found.append((section, sorted(linked)))
    return found


def numbers_in(text: str) -> list[str]:
    return re.findall(NUMBER, text)


def measured_numbers_in(text: str) -> list[str]:
    """Numbers followed by a unit of time, memory, share or speed-up; both ends of
    a range (0.2–2.8 s) count."""
    found = []
    for match in re.finditer(rf"({NUMBER})(?:\s?[–-]\s?({NUMBER}))?(?={UNIT})", text):
        found += [number for number in match.groups() if number]
    return found


def summary_numbers(paths: list[Path]) -> list[Decimal]:
    """Every number in these summaries: results, setup, machine and date."""
    found = []

    def walk(value):
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, int | float):
            found.append(Decimal(repr(abs(value))))
        elif isinstance(value, str):
            found.extend(Decimal(n.replace(",", "")) for n in numbers_in(value))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in paths:
        walk(json.loads(path.read_text()))
    return found


def quoted_from(number: str, sources: list[Decimal]) -> bool:
    """Whether `number`, as written in a doc, is a summary number rounded to the
    decimals the doc shows (a tie may round either way)."""
    quoted = Decimal(number.replace(",", ""))
    if "e" in number.lower():
        return quoted in sources
    half_unit = Decimal(1).scaleb(quoted.as_tuple().exponent) / 2
    return any(abs(source - quoted) <= half_unit for source in sources)


def test_readme_is_at_most_10_kb():
    assert README.stat().st_size <= 10 * 1024, README.stat().st_size


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    heading = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
    return heading.replace(" ", "-")


@pytest.mark.parametrize("path", LINKED, ids=lambda path: str(path.relative_to(REPO)))
def test_relative_links_point_to_existing_files(path: Path):
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.S)
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue  # a URL
        file, _, anchor = target.partition("#")
        linked = (path.parent / file).resolve() if file else path
        if not linked.exists():
            broken.append(target)
        elif anchor and linked.suffix == ".md":
            headings = re.findall(r"^#+ (.+)$", linked.read_text(), flags=re.M)
            if anchor not in {slug(heading) for heading in headings}:
                broken.append(target)
    assert not broken, f"{path.name}: {broken}"


def test_every_benchmark_summary_says_what_when_and_where():
    assert SUMMARIES, "no docs/benchmarks/*.json"
    for path in SUMMARIES:
        summary = json.loads(path.read_text())
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", summary["date"]), path
        assert summary["machine"]["cores"] and summary["machine"]["memory_gb"], path
        script = summary["command"].split()[1]
        assert (REPO / script).exists(), path
        for result in summary["results"]:
            assert set(result) == {"measure", "value", "unit"}, (path, result)


@pytest.mark.parametrize("path", CURRENT, ids=lambda path: str(path.relative_to(REPO)))
def test_quoted_numbers_come_from_the_summaries_their_section_links(path: Path):
    """A section that quotes a measured number links the summary it comes from,
    and the number is in that summary, rounded to the decimals quoted."""
    problems = []
    for section, linked in sections(path):
        text = prose(section)
        quoted = numbers_in(text) if path in ALL_NUMBERS else measured_numbers_in(text)
        sources = summary_numbers(linked)
        unsourced = sorted({number for number in quoted if not quoted_from(number, sources)})
        if unsourced:
            heading = section.splitlines()[0] if section.startswith("#") else "(top)"
            linked_names = [source.name for source in linked] or "no summary"
            problems.append(f"{heading!r} (links {linked_names}): {unsourced}")
    assert not problems, (
        f"{path.relative_to(REPO)} quotes numbers that the summaries its sections link "
        "(docs/benchmarks/*.json) do not hold; rerun the benchmark, link its summary or "
        "delete the number:\n" + "\n".join(problems)
    )


def test_the_number_check_tells_a_rounded_quote_from_a_made_up_one():
    sources = [Decimal("38.214"), Decimal("0.096966"), Decimal("4004")]
    assert quoted_from("38.2", sources) and quoted_from("38", sources)
    assert quoted_from("0.10", sources) and quoted_from("4,004", sources)
    assert quoted_from("9.9", [Decimal("9.85")]) and quoted_from("9.8", [Decimal("9.85")])
    assert not quoted_from("38.3", sources) and not quoted_from("0.11", sources)
    assert measured_numbers_in("took 0.2–2.8 s, 3.8× faster; a 4 × 4 grid") == [
        "0.2",
        "2.8",
        "3.8",
    ]
