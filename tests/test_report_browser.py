"""The default sweep's report as a reader sees it: in headless Chromium, at two window sizes.

Needs Debian's chromium and chromium-driver (.ci/run installs them) and selenium
(the `test` extra). Skipped without them, unless COLOURQUANT_REQUIRE_BROWSER is
set (CI sets it, so there it must run). Screenshots go to results/browser-test/
in the repository, for a person to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import pytest
import yaml

from conftest import REPO, run_workflow

pytestmark = pytest.mark.workflow

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
SCREENSHOTS = REPO / "results" / "browser-test"
WINDOWS = [(1366, 768), (1920, 1080)]
# The smallest text a reader can be asked to read, in CSS pixels on screen.
MIN_TEXT_PX = 9


def _browser_missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists():
            return f"{path} is missing (apt-get install chromium chromium-driver)"
    return None


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    """The default config's report (config/config.yaml as it is)."""
    reason = _browser_missing()
    if reason:
        if os.environ.get("COLOURQUANT_REQUIRE_BROWSER"):
            pytest.fail(f"the browser test must run here: {reason}")
        pytest.skip(reason)
    workdir = tmp_path_factory.mktemp("default-sweep")
    config = yaml.safe_load((REPO / "config/config.yaml").read_text())
    run_workflow(workdir, config, "--cores", "2")
    path = f"results/{config['experiment']}/report.html"
    run_workflow(workdir, config, "--report", path)
    return workdir / path


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="chromium-")
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--hide-scrollbars", f"--user-data-dir={profile}",
    ):  # fmt: skip
        options.add_argument(argument)
    driver = webdriver.Chrome(
        options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER)
    )
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def open_report(driver, report: Path, width: int, height: int) -> None:
    """Load the report in a viewport of exactly width x height CSS pixels."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    driver.get(report.as_uri())
    wait_for(lambda: driver.execute_script(
        "return document.getElementById('loading-screen').style.display == 'none'"
    ))  # fmt: skip


def wait_for(condition, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def menu_entries(driver) -> dict:
    """The entries of the navigation bar's menu (categories, subcategories), by text."""
    from selenium.webdriver.common.by import By

    entries = driver.find_elements(By.CSS_SELECTOR, "nav div.p-3 ul li a")
    return {entry.text.strip(): entry for entry in entries if entry.text.strip()}


def open_entry(driver, text: str) -> None:
    entry = wait_for(lambda: menu_entries(driver).get(text))
    assert entry is not None, f"no menu entry {text!r} in {sorted(menu_entries(driver))}"
    entry.click()


def result_rows(driver) -> list[list[str]]:
    """The rows of the result table the navigation bar shows (label values, in order)."""
    from selenium.webdriver.common.by import By

    rows = []
    for row in driver.find_elements(By.CSS_SELECTOR, "nav table tbody tr"):
        cells = [cell.text.strip() for cell in row.find_elements(By.TAG_NAME, "td")]
        if any(cells):
            rows.append(cells)
    return rows


GENERAL = {"Workflow", "Statistics", "About"}


@pytest.mark.parametrize("width, height", WINDOWS)
def test_front_page_title_is_in_the_window(report, browser, width, height):
    from selenium.webdriver.common.by import By

    open_report(browser, report, width, height)
    title = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "div.prose h1"))
    assert title, "no front page title"
    box = title[0].rect
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / f"front-page-{width}x{height}.png"))
    assert "which colour space quantizes better" in title[0].text
    assert 0 <= box["y"] and box["y"] + box["height"] <= height, box
    body = browser.find_element(By.CSS_SELECTOR, "div.prose").text
    assert "Mean ΔE00 over the 4 images" in body
    assert "The statistics in detail" in body and "Glossary" in body


QUESTIONS = (
    "Which colour space gives the closer result?",
    "Is there a k where the spaces become indistinguishable?",
)


def answer_paragraphs(driver) -> list:
    """The front page's paragraphs that answer the notebook's questions, in QUESTIONS order."""
    from selenium.webdriver.common.by import By

    paragraphs = driver.find_elements(By.CSS_SELECTOR, "div.prose p")
    return [next((p for p in paragraphs if p.text.startswith(question)), None)
            for question in QUESTIONS]  # fmt: skip


def test_front_page_answers_both_questions_and_shows_a_photo_above_the_fold(report, browser):
    """At 1366 x 768, before any scrolling: both answers, a photo, and no table."""
    from selenium.webdriver.common.by import By

    width, height = WINDOWS[0]
    open_report(browser, report, width, height)
    answers = wait_for(lambda: all(answer_paragraphs(browser)) and answer_paragraphs(browser))
    assert answers, "the front page does not answer both questions"
    for answer in answers:
        box = answer.rect
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, (answer.text, box)
    which, indistinguishable = (answer.text for answer in answers)
    assert re.search(r"At k = 2 \(few colours\), (RGB|Lab|HSV|HSL) gave the closest|"
                     r"At k = 2 \(few colours\), the judges disagree|"
                     r"At k = 2 \(few colours\), no judge finds one space clearly closer",
                     which), which  # fmt: skip
    assert re.search(r"Equally good\? (Yes|No)\b.*Images that look alike\? (Yes|No)\b",
                     indistinguishable), indistinguishable  # fmt: skip
    natural_width = "return arguments[0].naturalWidth"
    photos = [image for image in browser.find_elements(By.CSS_SELECTOR, "div.prose img")
              if browser.execute_script(natural_width, image) >= 600]  # fmt: skip
    assert photos, "no photo on the front page"
    box = photos[0].rect
    # At least a third of the window shows the photo.
    assert box["y"] + height / 3 <= height and box["width"] >= 600, box
    for table in browser.find_elements(By.CSS_SELECTOR, "div.prose table"):
        assert table.rect["y"] >= height, table.rect
    # Snakemake's rule graph is below the text, not beside it.
    graph = browser.find_element(By.ID, "rulegraph").rect
    text = browser.find_element(By.CSS_SELECTOR, "div.prose").rect
    assert graph["y"] >= text["y"] + text["height"], (graph, text)
    browser.save_screenshot(str(SCREENSHOTS / f"answers-{width}x{height}.png"))


def test_front_page_answers_read_easily(report, browser):
    """Flesch reading ease of the two answers >= 40 (plain English; 30-50 is college level).

    textstat counts syllables with Pyphen's en_US hyphenation ("en-US"): its
    CMU dictionary would need a download.
    """
    from textstat.textstat import textstatistics

    open_report(browser, report, *WINDOWS[0])
    answers = wait_for(lambda: all(answer_paragraphs(browser)) and answer_paragraphs(browser))
    text = " ".join(answer.text for answer in answers)
    readability = textstatistics()
    readability.set_lang("en-US")
    assert readability.flesch_reading_ease(text) >= 40, text
    # The statistics in detail too (the bullets under that heading).
    from selenium.webdriver.common.by import By

    details = " ".join(item.text for item in browser.find_elements(By.CSS_SELECTOR, "div.prose li"))
    assert "Friedman's test" in details
    assert readability.flesch_reading_ease(details) >= 40, details


def test_every_glossary_link_leads_to_its_entry(report, browser):
    from selenium.webdriver.common.by import By

    open_report(browser, report, *WINDOWS[0])
    links = wait_for(
        lambda: browser.find_elements(By.CSS_SELECTOR, "div.prose a[href^='#glossary']")
    )
    assert len(links) >= 5, "the front page links no glossary entries"
    for link in links:
        target = link.get_attribute("href").split("#")[1]
        entries = browser.find_elements(By.ID, target)
        assert entries and entries[0].text, f"{link.text!r} links to {target!r}, which is missing"


def test_report_is_small_enough_to_open_quickly(report):
    # Figures of photographs are JPEG, line plots 256-colour PNG, runs not one by one.
    # 10.5 MB: the front page's picture and the tables as HTML pages add 0.3 MB
    # to the 9.8 MB the report was before them.
    assert report.stat().st_size <= 10_500_000


def test_every_category_opens_and_k_sorts_as_a_number(report, browser):
    open_report(browser, report, *WINDOWS[0])
    categories = set(menu_entries(browser)) - GENERAL
    expected = {
        "Comparison", "Colour space differences", "Configuration", "Exploration", "Inertia",
        "Quality", "Cluster sizes", "Study", "Tables",
    }  # fmt: skip
    assert expected <= categories, categories
    for category in sorted(categories):
        open_report(browser, report, *WINDOWS[0])
        open_entry(browser, category)
        opened = wait_for(lambda: result_rows(browser) or set(menu_entries(browser)) - categories)
        assert opened, f"category {category!r} shows nothing"
    # One image's comparison figures: k in numeric order (2, 3, ..., 16), then all k.
    open_report(browser, report, *WINDOWS[0])
    open_entry(browser, "Comparison")
    rows = wait_for(lambda: result_rows(browser))
    k_of_astronaut = [cell for row in rows if "astronaut" in row for cell in row[1:]
                      if cell.isdigit() or cell == "all"]  # fmt: skip
    assert k_of_astronaut == ["2", "3", "4", "5", "6", "8", "10", "12", "16", "all"], rows


def test_comparison_figure_is_legible_where_shown(report, browser):
    """Shown at least as wide as figures are designed for, and wholly in the window.

    tests/test_figures.py checks that every figure's smallest text is at least
    9 px on screen at REPORT_IMAGE_WIDTH; here the real report must show the
    figure at that width or more, with none of it cut off.
    """
    from selenium.webdriver.common.by import By

    from colourquant.plots import REPORT_IMAGE_WIDTH

    width, height = WINDOWS[0]
    open_report(browser, report, width, height)
    open_entry(browser, "Comparison")
    buttons = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "nav table tbody tr a"))
    assert buttons, "the Comparison category lists no figure"
    buttons[0].click()
    image = wait_for(lambda: [
        element for element in browser.find_elements(By.CSS_SELECTOR, "img")
        if element.size["width"] > 300
    ])  # fmt: skip
    assert image, "the comparison figure is not shown"
    natural = browser.execute_script("return arguments[0].naturalWidth", image[0])
    box = image[0].rect
    browser.save_screenshot(str(SCREENSHOTS / f"comparison-{width}x{height}.png"))
    assert natural <= 2400
    assert box["width"] >= min(natural, REPORT_IMAGE_WIDTH), (box, natural)
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, box


INJECTION = "</script><img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def injected_report(tmp_path_factory) -> Path:
    """A report whose config names an image by a path that closes a <script> (issue #24, 12)."""
    if _browser_missing():
        pytest.skip(_browser_missing())
    from conftest import noisy_photo, write_png

    workdir = tmp_path_factory.mktemp("injection")
    folder = workdir / f"a{INJECTION}"
    folder.mkdir(parents=True)  # "a<" holds "script><img ...>"
    write_png(folder / "photo.png", noisy_photo(seed=3))
    config = {
        "experiment": "injection",
        "images": [{"name": "photo", "source": f"a{INJECTION}/photo.png"}],
        "colour_spaces": ["RGB", "Lab"],
        "k_values": [2, 3],
    }
    run_workflow(workdir, config, "--cores", "2")
    run_workflow(workdir, config, "--report", "results/injection/report.html")
    return workdir / "results/injection/report.html"


def test_a_config_cannot_inject_script_into_the_report(injected_report, browser):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    def no_alert() -> bool:
        try:
            browser.switch_to.alert.dismiss()
        except NoAlertPresentException:
            return True
        return False

    assert INJECTION not in injected_report.read_text()
    open_report(browser, injected_report, *WINDOWS[0])
    assert no_alert(), "the report ran script from the config"
    assert not browser.find_elements(By.CSS_SELECTOR, "img[src='x']")
    # The config itself, shown as a page: its text, not its markup.
    open_entry(browser, "Configuration")
    button = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "nav table tbody tr a"))
    button[0].click()
    frame = wait_for(lambda: browser.find_elements(By.TAG_NAME, "iframe"))
    assert frame, "the config is not shown in the page"
    time.sleep(0.5)
    assert no_alert(), "the config page ran script from the config"
    browser.switch_to.frame(frame[0])
    assert INJECTION in browser.find_element(By.TAG_NAME, "pre").text
    assert not browser.find_elements(By.CSS_SELECTOR, "img[src='x']")
    browser.switch_to.default_content()
