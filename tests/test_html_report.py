"""reports/reproduction.html: built from the CSV, self-contained, organised as a reviewer
reads, and used in a real browser (headless Chromium driven by Selenium through Debian's
chromedriver): filters and search show as many rows as the CSV counts, a registry id is an
anchor, the page fits 1400 px and 390 px without horizontal scrolling, and axe-core finds no
serious or critical accessibility violation."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from analysis.io import paths
from analysis.io.annotations import load_explanations
from analysis.report.page import CURVES, FIGURES, build_html

pytestmark = pytest.mark.integration

AXE = paths.BUILD / "npm" / "node_modules" / "axe-core" / "axe.min.js"
PAGE = paths.REPORTS / "reproduction.html"


@pytest.fixture(scope="module")
def report():
    return pd.read_csv(paths.REPRODUCTION_CSV, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def text(report):
    return build_html(report)


def test_committed_page_is_current(text):
    assert PAGE.read_text(encoding="utf-8") == text, "rerun make reproduce"


def test_page_is_self_contained(report, text):
    assert not re.search(r"src=\"https?://", text)
    assert set(re.findall(r"href=['\"](https?://[^'\"]+)", text)) <= {
        "https://doi.org/10.1186/s12888-018-1763-2", "https://doi.org/10.1186/s12888-019-2334-x"}
    assert text.count("data:image/png;base64,") == sum(
        (paths.FIGURES / f"{stem}.png").is_file() for stem in {**FIGURES, **CURVES})
    for row_id in report["id"]:
        assert text.count(f'id="{row_id}"') == 1
    assert '<meta name="viewport"' in text


def test_page_counts_equal_the_csv(report, text):
    for (paper, status), number in report.groupby(["paper", "status"]).size().items():
        assert re.search(rf'id="count-{paper}-{status}"><a [^>]*>{number}</a>', text)
    assert f'id="count-all-all">{len(report)}<' in text


def test_each_table_of_both_papers_is_laid_out(report, text):
    tables = report.loc[report["location"].str.fullmatch(r"Table \d+"), ["paper", "location"]]
    for paper, location in tables.drop_duplicates().itertuples(index=False):
        assert f"id='{paper}-{location.replace(' ', '').lower()}'" in text


def test_each_problem_appears_once_with_every_row(report, text):
    flagged = report[report["status"].isin(["mismatch", "match_other_method"])]
    problems = load_explanations()["problem"]
    assert (problems.reindex(flagged["id"]) != "").all(), "every flagged row has a problem"
    for problem in set(problems.reindex(flagged["id"])):
        assert text.count(f"id='problem-{problem}'") == 1
        section = text.split(f"id='problem-{problem}'")[1].split("</section>")[0]
        for row_id in problems.index[problems == problem]:
            assert f"href='#{row_id}'" in section


def _driver(width: int):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None or shutil.which("chromedriver") is None:
        pytest.skip("Chromium and chromedriver are not installed here (Debian: apt-get install "
                    "chromium chromium-driver); .ci/run installs them so CI runs this test")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     f"--window-size={width},1000", "--hide-scrollbars"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",  # below Chrome's window minimum
                           {"width": width, "height": 1000, "deviceScaleFactor": 1,
                            "mobile": width < 600})
    driver.get(PAGE.as_uri())
    return driver


@pytest.fixture(scope="module")
def browser():
    driver = _driver(1400)
    yield driver
    driver.quit()


def _shown(driver) -> int:
    return driver.execute_script(
        "return document.querySelectorAll('#numbers tbody tr:not([hidden])').length")


def _choose(driver, name: str, value: str) -> None:
    driver.execute_script(
        "var el = document.getElementById('filter-' + arguments[0]); el.value = arguments[1];"
        "el.dispatchEvent(new Event('change'));", name, value)


def test_filters_and_search_show_the_csv_counts(browser, report):
    assert browser.execute_script("return document.body.getAttribute('data-rendered')") == "yes"
    assert _shown(browser) == len(report)
    _choose(browser, "status", "mismatch")
    assert _shown(browser) == int((report["status"] == "mismatch").sum())
    _choose(browser, "paper", "fan2019")
    assert _shown(browser) == int(((report["status"] == "mismatch")
                                   & (report["paper"] == "fan2019")).sum())
    for name in ("status", "paper"):
        _choose(browser, name, "")
    from selenium.webdriver.common.by import By

    box = browser.find_element(By.ID, "filter-search")
    box.clear()
    box.send_keys("table4 consumers")
    wanted = report["id"].str.contains("table4") & report["id"].str.contains("consumers")
    assert _shown(browser) == int(wanted.sum()) > 0
    assert browser.find_element(By.ID, "shown-count").text == str(int(wanted.sum()))
    box.clear()
    box.send_keys(" ")


def test_a_headline_count_filters_to_its_rows(browser, report):
    from selenium.webdriver.common.by import By

    link = browser.find_element(By.CSS_SELECTOR, "#count-fan2018-mismatch a")
    link.click()
    assert _shown(browser) == int(((report["status"] == "mismatch")
                                   & (report["paper"] == "fan2018")).sum())
    assert browser.execute_script("return location.hash") == "#numbers"


def test_a_registry_id_is_an_anchor(browser):
    target = "fan2018.table2.age.peers_vs_consumers.statistic"
    browser.get(PAGE.as_uri() + "#" + target)
    top = browser.execute_script(
        "return document.getElementById(arguments[0]).getBoundingClientRect().top", target)
    assert -1 < top < 1000  # scrolled to it (within a pixel: scrolling rounds sub-pixels)


@pytest.mark.parametrize("width", [1400, 390])
def test_no_horizontal_overflow_and_images_load(width, tmp_path):
    driver = _driver(width)
    try:
        assert driver.execute_script(
            "return document.body.getAttribute('data-images-loaded') === "
            "document.body.getAttribute('data-images-total')")
        overflow = driver.execute_script(
            "var main = document.querySelector('main');"
            "return [main.scrollWidth, document.documentElement.clientWidth]")
        assert overflow[1] == width
        assert overflow[0] <= overflow[1], f"main content overflows at {width} px: {overflow}"
        assert driver.save_screenshot(str(tmp_path / f"page-{width}.png"))
    finally:
        driver.quit()


def _serious_violations(browser, page, context: str = "document") -> list:
    """axe-core's serious and critical violations on ``page`` within ``context`` (a
    JavaScript expression for the element checked)."""
    if not AXE.is_file():
        pytest.skip("axe-core is not installed here (npm install --prefix build/npm "
                    "axe-core); .ci/run installs it so CI runs this test")
    browser.get(page.as_uri())
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    browser.set_script_timeout(120)
    found = browser.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        f"axe.run({context}, {{resultTypes: ['violations']}}).then(function (r) {{"
        "  done(r.violations.map(function (v) {"
        "    return [v.id, v.impact, v.nodes.length, v.help]; })); });")
    return [v for v in found if v[1] in ("serious", "critical")]


def test_no_serious_accessibility_violation(browser):
    assert _serious_violations(browser, PAGE) == []


def test_the_conclusions_table_fits_a_desktop_screen_in_words(report):
    """At 1,280 px the conclusions table shows every column without scrolling or hiding one,
    names the choice that breaks each conclusion in words, and no machine id."""
    from selenium.webdriver.common.by import By

    conclusions = pd.read_csv(paths.REPORTS / "conclusions.csv", dtype=str,
                              keep_default_na=False)
    driver = _driver(1280)
    try:
        table = driver.find_element(By.ID, "conclusions-table")
        box = driver.execute_script(
            "var t = arguments[0], s = t.parentElement;"
            "return [t.scrollWidth, s.clientWidth, Array.from(t.rows[0].cells).map("
            "function (c) { return c.getBoundingClientRect().width; })]", table)
        assert box[0] <= box[1], f"the table overflows its box: {box[:2]}"
        assert len(box[2]) == 8, box[2]
        assert min(box[2]) > 30, box[2]
        text = table.text
        for worst in conclusions.loc[conclusions["worst"] != "", "worst"]:
            assert worst.split(":")[0] in text
        assert not re.search(r"\b(welch_t|pooled_t|quasi_independence|bonferroni|bh)\b", text)
    finally:
        driver.quit()


def test_a_headline_category_filters_to_its_rows(browser, report):
    """The verdict's counts are the headline's disjoint categories; each filters the table."""
    from selenium.webdriver.common.by import By

    from analysis.report.summary import category_of

    link = browser.find_element(
        By.CSS_SELECTOR, "a[data-filter-paper='fan2019'][data-filter-category='reading']")
    link.click()
    wanted = (category_of(report) == "reading") & (report["paper"] == "fan2019")
    assert _shown(browser) == int(wanted.sum()) == int(link.text)


def test_the_first_section_of_a_real_data_page_is_accessible(browser, tmp_path):
    """A page of a run on your data opens with what the run changed (issue 25): above the
    contents, and axe-core finds no serious or critical violation in that section."""
    import dataclasses

    from analysis.report import changes

    published = changes.published_run()
    after = dataclasses.replace(published, label=changes.KINDS["real"], mode="real",
                                reproduction=published.reproduction.assign(
                                    evidence="real_data"))
    record = {"mode": "real", "parameters": {}, "seeds": {}, "notebooks_run": [],
              "commit": "c", "date": "d", "python": "3", "packages": {}}
    page = tmp_path / "reproduction.html"
    page.write_text(build_html(provenance=record,
                               comparison=changes.compare(published, after)), encoding="utf-8")
    assert _serious_violations(browser, page, "document.getElementById('changes')") == []
    top = browser.execute_script(
        "return [document.getElementById('changes').getBoundingClientRect().top,"
        " document.querySelector('nav.toc').getBoundingClientRect().top]")
    assert top[0] < top[1]
