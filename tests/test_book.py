"""The course (``make book``): it builds offline with Sphinx warnings as errors, every internal
link resolves to a page and an anchor that exist, nothing is fetched from the network, and
every page renders in headless Chromium with every image loaded."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from analysis.io import paths

HTML = paths.BUILD / "book" / "html"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def book() -> list[Path]:
    """The course, built once per test session: pytest-xdist workers that need it take a lock,
    and the first builds it (a marker names the session) while the others wait."""
    import fcntl
    import os

    pytest.importorskip("myst_nb", reason="make book installs requirements-book.txt")
    session = os.environ.get("PYTEST_XDIST_TESTRUNUID", f"pid-{os.getpid()}")
    marker = paths.BUILD / "book" / f".built-{session}"
    (paths.BUILD / "book").mkdir(parents=True, exist_ok=True)
    with (paths.BUILD / "book.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not marker.exists():
            built = subprocess.run([sys.executable, "scripts/book.py"], cwd=paths.ROOT,
                                   capture_output=True, text=True, timeout=600, check=False)
            assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
            for old in marker.parent.glob(".built-*"):
                old.unlink()
            marker.touch()
    pages = sorted(p for p in HTML.rglob("*.html") if "_static" not in p.parts)
    assert pages
    return pages


def test_every_chapter_is_in_the_book(book):
    names = {p.relative_to(HTML).as_posix() for p in book}
    expected = {"index.html", "context.html", "feasibility.html", "glossary.html", "teachers.html",
                "exercises.html"}
    expected |= {f"{p.stem}.html" for p in (paths.ROOT / "book").glob("primer_*.md")}
    expected |= {f"notebooks/{p.stem}.html" for p in paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")}
    assert expected <= names


def _anchors(page: Path) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', page.read_text(encoding="utf-8")))


def test_every_internal_link_resolves(book):
    broken = []
    for page in book:
        for href in re.findall(r'href="([^"]+)"', page.read_text(encoding="utf-8")):
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("mailto:", "javascript:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.name}: {href}")
            elif parts.fragment and target.suffix == ".html" and \
                    unquote(parts.fragment) not in _anchors(target):
                broken.append(f"{page.name}: {href} (no such anchor)")
    assert broken == []


def test_nothing_is_fetched_from_the_network(book):
    for page in book:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r'<(script|img|link)[^>]+(src|href)="https?://', text), page.name


def test_every_page_renders_with_its_images(book):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None or shutil.which("chromedriver") is None:
        pytest.skip("Chromium and chromedriver are not installed here; .ci/run installs them")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
    driver.set_script_timeout(30)
    try:
        for page in book:
            driver.get(page.as_uri())
            title, images, loaded = driver.execute_script(
                "var imgs = Array.from(document.images);"
                "return [document.title, imgs.length,"
                " imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length];")
            assert title, page.name
            assert loaded == images, f"{page.name}: {loaded} of {images} images loaded"
            raw, rendered = driver.execute_async_script(MATHS_SHOWN)
            assert not RAW_TEX.search(raw), f"{page.name}: raw maths shown: {RAW_TEX.search(raw)}"
            source = page.read_text(encoding="utf-8")
            assert rendered >= source.count('class="math'), f"{page.name}: maths not rendered"
    finally:
        driver.quit()


#: Once MathJax has typeset the page (offline, from the book's _static), the text a reader
#: sees outside code, and how many formulas MathJax rendered.
MATHS_SHOWN = """
var done = arguments[arguments.length - 1];
function report() {
  var copy = document.body.cloneNode(true);
  copy.querySelectorAll("pre, code, .highlight, script, style, mjx-container, .cell_input")
      .forEach(function (e) { e.remove(); });
  done([copy.innerText, document.querySelectorAll("mjx-container").length]);
}
if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
  MathJax.startup.promise.then(report, report);
} else { report(); }
"""
#: TeX a reader should never see: a command (``\frac``) or a formula still between dollars.
RAW_TEX = re.compile(r"\\(?:frac|sum|chi|sqrt|bar|mathrm|le|ge|times|cdot|[a-z]+\{)|"
                     r"\$\$|\$[^$\n]{1,200}\$")


def test_every_exercise_shows_its_computed_answer_behind_a_toggle(book):
    import html

    from analysis.exercises import answers, exercises

    notebooks = {p.stem for p in paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")}
    per_notebook = {name: sum(e.notebook == name for e in exercises()) for name in notebooks}
    assert min(per_notebook.values()) >= 2
    assert len(exercises()) >= 12
    page = (HTML / "exercises.html").read_text(encoding="utf-8")
    for number, (_, answer) in enumerate(answers(), start=1):
        assert answer.strip()
        block = page.split(f'id="answer-{number}"')[1].split("</details>")[0]
        assert html.escape(answer) in block, number
    for number, (exercise, answer) in enumerate(answers(), start=1):  # and in its chapter
        chapter = (HTML / "notebooks" / f"{exercise.notebook}.html").read_text(encoding="utf-8")
        block = chapter.split(f'id="answer-{number}"')[1].split("</details>")[0]
        assert html.escape(answer) in block, (exercise.notebook, number)


def test_answers_rest_on_the_printed_numbers(registry):
    """Answers that quote a printed number quote the registry's, not a typed one."""
    from analysis.exercises import answers

    printed = registry.set_index("id")["printed"]
    solved = {e.answer.__name__: (e.rows, answer) for e, answer in answers()}
    (stem,), answer = solved["caregivers_six_of_fifteen"]
    assert f"chi-square {printed[stem + '.statistic']}, p {printed[stem + '.p']}" in answer
    (stem,), answer = solved["percent_of_count"]
    assert f"prints {printed[stem + '.percent']}%" in answer


def test_an_answer_toggle_opens(book):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None or shutil.which("chromedriver") is None:
        pytest.skip("Chromium and chromedriver are not installed here; .ci/run installs them")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
    try:
        driver.get((HTML / "exercises.html").as_uri())
        answer = driver.find_element(By.CSS_SELECTOR, "#answer-1 p")
        assert not answer.is_displayed()
        driver.find_element(By.CSS_SELECTOR, "#answer-1 summary").click()
        assert answer.is_displayed()
    finally:
        driver.quit()


def test_primers_compute_their_worked_examples(book):
    """Each method primer runs its worked example when the book is built: it has outputs,
    and none of them is an error."""
    primers = sorted((paths.ROOT / "book").glob("primer_*.md"))
    topics = {"goodness_of_fit", "two_by_two", "two_means", "rounding", "grim", "closure",
              "reconstruction", "multiverse"}  # the methods the findings rest on (issue 15)
    assert topics <= {p.stem.removeprefix("primer_") for p in primers}
    for primer in primers:
        page = (HTML / f"{primer.stem}.html").read_text(encoding="utf-8")
        assert "cell_output" in page, primer.name
        assert "Traceback" not in page, primer.name
        assert "output error" not in page, primer.name


def test_each_takeaway_says_the_computed_verdict(book):
    """A takeaway that names a conclusion shows how notebook 05 judged it
    (reports/conclusions.csv), so a chapter note cannot claim that a conclusion survives when
    the multiverse says otherwise."""
    import html
    import re

    import pandas as pd

    from analysis.report.prose import verdict

    conclusions = pd.read_csv(paths.REPORTS / "conclusions.csv", dtype=str, keep_default_na=False)
    notes = pd.read_csv(paths.ROOT / "book" / "chapters.csv", dtype=str, keep_default_na=False)
    checked = 0
    for row in notes.itertuples():
        source = (HTML / "notebooks" / f"{row.notebook}.html").read_text(encoding="utf-8")
        # Sphinx curls straight apostrophes ("Welch's" -> "Welch’s"); compare the words
        page = html.unescape(re.sub(r"<[^>]+>|\s+", " ", source)).replace("\u2019", "'")
        for name in re.findall(r"\{verdict:([\w.]+)\}", row.takeaway):
            said = verdict(conclusions.set_index("id").loc[name])
            assert re.sub(r"\s+", " ", said) in re.sub(r"\s+", " ", page), (row.notebook, name)
            checked += 1
    assert checked


def _figures_shown(pages: list[Path]) -> dict[str, list[str]]:
    """For each PNG in ``figures/``, the alt texts of the images in ``pages`` that show it."""
    import base64

    tags = [tag for page in pages for tag in re.findall(r"<img\b[^>]*>",
                                                         page.read_text(encoding="utf-8"))]
    found = {}
    for figure in sorted((paths.ROOT / "figures").glob("*.png")):
        data = "data:image/png;base64," + base64.b64encode(figure.read_bytes()).decode("ascii")
        found[figure.name] = [alt for tag in tags if f'"{data}"' in tag
                              for alt in re.findall(r'\balt="([^"]*)"', tag)]
    return found


def test_every_figure_a_notebook_draws_is_shown_with_alt_text(book):
    """Each figure the notebooks write is shown in the course and in the rendered notebooks
    beside the report, with alt text that says what it shows."""
    rendered = sorted((paths.REPORTS / "notebooks").glob("*.html"))
    for pages in (book, rendered):
        shown = _figures_shown(pages)
        assert shown, "no figures"
        missing = [name for name, alts in shown.items() if not alts]
        assert missing == [], missing
        assert all(len(alt) > 40 for alts in shown.values() for alt in alts), shown


@pytest.fixture(scope="module")
def student() -> list[Path]:
    """The students' edition (``make book-student``), built once per module."""
    pytest.importorskip("myst_nb", reason="make book installs requirements-book.txt")
    built = subprocess.run([sys.executable, "scripts/book.py", "--edition", "student"],
                           cwd=paths.ROOT, capture_output=True, text=True, timeout=600,
                           check=False)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    html = paths.BUILD / "book-student" / "html"
    return sorted(p for p in html.rglob("*.html") if "_static" not in p.parts)


def test_the_students_edition_asks_every_question_and_answers_none(student):
    """Every exercise is in the students' edition; no computed answer is, not even hidden."""
    import html

    from analysis.exercises import NO_ANSWER, answers

    raw = "\n".join(page.read_text(encoding="utf-8") for page in student)
    assert 'class="answer"' not in raw
    text = html.unescape(raw)
    for curly, plain in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(curly, plain)
    for exercise, answer in answers():
        assert exercise.question[:60] in text, exercise.question
        assert answer[:80] not in text, answer
    assert text.count("teachers' edition") >= len(answers())
    assert NO_ANSWER.strip("*").split(" (")[0] in text


def _book_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("book_script", paths.ROOT / "scripts" / "book.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("text", "expected"), [
    ("as notebook 04 shows", "as [notebook 04](notebooks/04_outcomes.ipynb) shows"),
    ("Notebook 01 goes further", "[Notebook 01](notebooks/01_enrolment.ipynb) goes further"),
    ("```{code-cell} python\nprint('notebook 04')\n```\n", "```{code-cell} python\n"
     "print('notebook 04')\n```\n"),
    ("[notebook 04](notebooks/04_outcomes.ipynb)", "[notebook 04](notebooks/04_outcomes.ipynb)"),
    ("`notebook 04`", "`notebook 04`"),
    ("notebook 09 does not exist", "notebook 09 does not exist"),
    ("## Notebook 04_outcomes", "## Notebook 04_outcomes"),
])
def test_mentions_of_a_notebook_link_to_its_chapter(text, expected):
    assert _book_script().linked(text) == expected


def test_every_mention_of_a_notebook_in_the_text_chapters_is_a_link(book):
    """In the built text chapters, each "notebook NN" outside code is a link to it."""
    chapters = [p for p in book if p.parent == HTML and p.name != "genindex.html"]
    for page in chapters:
        text = re.sub(r"<(pre|code)\b.*?</\1>", "", page.read_text(encoding="utf-8"),
                      flags=re.DOTALL)
        text = re.sub(r"<a\b.*?</a>", "", text, flags=re.DOTALL)
        assert not re.search(r"\b[Nn]otebook 0[0-6]\b", text), page.name


TERMS = [("continuity correction", "continuity correction (Yates)"), ("consumer", "consumer"),
         ("GRIM", "GRIM")]


@pytest.mark.parametrize(("text", "expected"), [
    ("Consumers and consumers.", "{term}`Consumers <consumer>` and consumers."),
    ("a continuity correction", "a {term}`continuity correction <continuity correction (Yates)>`"),
    ("a grim view, GRIMMER, GRIM.", "a grim view, GRIMMER, {term}`GRIM <GRIM>`."),
    ("`consumer` then $consumer$ then consumer", "`consumer` then $consumer$ then "
     "{term}`consumer <consumer>`"),
    ("[consumer](x.md) consumer", "[consumer](x.md) {term}`consumer <consumer>`"),
    ("# Consumer\nconsumer", "# Consumer\n{term}`consumer <consumer>`"),
    ("```{code-cell} python\nconsumer = 1\n```\nconsumer", "```{code-cell} python\n"
     "consumer = 1\n```\n{term}`consumer <consumer>`"),
    ("| consumer |\nno term here", "| consumer |\nno term here"),
    ("<p>consumer</p>\nconsumer", "<p>consumer</p>\n{term}`consumer <consumer>`"),
    ("consumer-run services", "consumer-run services"),
])
def test_the_first_mention_of_a_glossary_term_links_to_it(text, expected):
    assert _book_script().glossary_linked(text, TERMS) == expected


def test_glossary_terms_are_read_from_the_glossary_with_their_synonyms():
    terms = dict((term, phrase) for phrase, term in _book_script().glossary_terms())
    assert terms["continuity correction (Yates)"] == "continuity correction"
    assert {"Welch's t", "SPRITE", "CLOSURE", "GRIM", "GRIMMER"} <= set(terms)


def test_text_chapters_link_glossary_terms(book):
    """Each text chapter whose prose mentions a glossary term shows a working link to the
    glossary (anchors are checked by test_every_internal_link_resolves); the others none."""
    script = _book_script()
    terms = script.glossary_terms()
    sources = {p.stem: p.read_text(encoding="utf-8") for p in (paths.ROOT / "book").glob("*.md")
               if p.stem not in ("glossary", "index")}
    mentions = {name for name, text in sources.items()
                if script.glossary_linked(text, terms) != text}
    assert {"feasibility", "context"} <= mentions
    linked = {name for name in sources
              if "glossary.html#term-" in (HTML / f"{name}.html").read_text(encoding="utf-8")}
    assert linked == mentions


def test_the_teachers_page_plans_a_class_and_a_module_with_a_marking_guide():
    text = (paths.ROOT / "book" / "teachers.md").read_text(encoding="utf-8")
    for heading in ("## A 90-minute session", "## A one-week module",
                    "### Assessment", "### Marking guide"):
        assert heading in text
    guide = text.split("### Marking guide")[1].split("\n## ")[0]
    weights = [int(w) for w in re.findall(r"\| (\d+) % \|", guide)]
    assert len(weights) >= 4
    assert sum(weights) == 100
    days = re.findall(r"^\| (Monday|Tuesday|Wednesday|Thursday|Friday) \|", text, re.MULTILINE)
    assert days == ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
