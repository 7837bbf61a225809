"""Issue 15: no number typed into a notebook's prose. Paragraphs that state numbers are code
cells calling :func:`analysis.report.prose.say` with values computed or read from the
registry; a decimal number, a percentage or a count typed into a markdown cell fails here
(labels such as years, "Table 2" or a citation's volume:pages aside)."""

from __future__ import annotations

import re

import nbformat
import pandas as pd
import pytest

from analysis.io import paths
from analysis.report.prose import chapter_note, decimals, fmt, typed_counts, typed_numbers, verdict

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize(("text", "found"), [
    ("χ²(1) = 12.76, p < 0.001", ["12.76", "0.001"]),
    ("98.6% in groups; 39 % of them", ["98.6%", "39 %"]),
    ("doi:10.1186/s12888-018-1763-2 and https://example.org/v1.2", []),
    ("see `analysis/methods/tables.py` (notebooks/02_service_process.ipynb)", []),
    ("Table 2, Fig. 1, 214 sessions, the 4 × 6 table", []),
    ("version 1.4.0 of statcheck", ["1.4"]),
])
def test_typed_numbers_truth_table(text, found):
    assert typed_numbers(text) == found


@pytest.mark.parametrize(("text", "found"), [
    ("Table 2, Fig. 1, 214 sessions, the 4 × 6 table", ["214", "4", "6"]),
    ("All 7 initial providers and 5 of 6 later; the 18-month evaluation", ["7", "5", "6", "18"]),
    ("July 2013 to June 2016, in 2015–2016; Tables 2–4 and notebooks 01–04", []),
    ("*BMC Psychiatry* 2018;18:170. doi:10.1186/s12888-018-1763-2", []),
    ("## Check 1 · parts\n1. the parts add up; (2) then χ²(15) in `fan2018_fig1.csv`", []),
    ("df = 15 − 9 = 6", ["15", "9", "6"]),
])
def test_typed_counts_truth_table(text, found):
    assert typed_counts(text) == found


def test_spss_rounding_and_print_minus():
    assert fmt(-2.985, 2) == "−2.99"  # half away from zero, a printed minus sign
    assert fmt(0.125, 2) == "0.13"
    assert [decimals(t) for t in ("0.197", "<0.001", "12", "−2.99")] == [3, 3, 0, 2]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_number_is_typed_into_a_markdown_cell(notebook):
    node = nbformat.read(notebook, as_version=4)
    typed = [(index, typed_numbers(cell.source) + typed_counts(cell.source))
             for index, cell in enumerate(node.cells) if cell.cell_type == "markdown"]
    assert [(i, t) for i, t in typed if t] == [], (
        f"{notebook.name}: numbers typed into markdown; say them from computed values")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_spoken_paragraph_hides_its_code_and_shows_only_markdown(notebook):
    node = nbformat.read(notebook, as_version=4)
    for cell in node.cells:
        if cell.cell_type == "code" and "say(" in cell.source:
            assert "remove-input" in cell.metadata.get("tags", []), cell.source[:80]
            assert all("text/markdown" in o.get("data", {}) for o in cell.outputs), \
                cell.source[:80]  # a paragraph, or nothing when it says something conditional


def test_chapter_notes_type_no_number():
    """The book's "what you will learn" and "what to take away" (book/chapters.csv) sit above
    each notebook chapter; a number there could disagree with the chapter below it."""
    notes = pd.read_csv(paths.ROOT / "book" / "chapters.csv", dtype=str, keep_default_na=False)
    typed = {(row.notebook, column): typed_numbers(text) + typed_counts(text)
             for row in notes.itertuples()
             for column, text in (("learn", row.learn), ("takeaway", row.takeaway))}
    assert {key: found for key, found in typed.items() if found} == {}


def _conclusion(**fields):
    row = {"id": "c", "statement": "Peers were younger.", "as_printed": "holds",
           "all_choices": "holds", "over_data": "not_applicable", "breaks": ""}
    return pd.Series({**row, **fields})


@pytest.mark.parametrize(("fields", "said"), [
    ({}, "“Peers were younger” holds under every defensible analysis choice."),
    ({"all_choices": "mixed", "breaks": "Welch's t, Holm over 6 tests: p 0.06 against 0.05; "
      "Pearson's chi-square, Holm over 6 tests: p 0.07 against 0.05",
      "worst": "Pearson's chi-square, Holm over 6 tests: p 0.07 against 0.05"},
     "“Peers were younger” holds as printed, but it holds under some defensible analysis choices "
     "and fails under others (most of all Pearson's chi-square, Holm over 6 tests: p 0.07 "
     "against 0.05)."),
    ({"as_printed": "fails", "all_choices": "fails"},
     "“Peers were younger” fails as printed, and it fails under every defensible analysis choice."),
    ({"as_printed": "not_applicable", "all_choices": "not_applicable"},
     "“Peers were younger” is not a test the multiverse can rerun."),
    ({"over_data": "mixed"}, "“Peers were younger” holds under every defensible analysis choice; "
     "it holds for some consistent datasets and fails for others."),
    ({"estimated": "fan2018.table1.x"}, "“Peers were younger” holds under every defensible "
     "analysis choice; one of its p-values is a Monte Carlo estimate, judged over its exact "
     "confidence interval."),
])
def test_verdict_truth_table(fields, said):
    assert verdict(_conclusion(**fields)) == said


def test_chapter_notes_say_verdicts_from_the_conclusions():
    conclusions = pd.DataFrame([_conclusion(all_choices="mixed", breaks="holm: p 0.06")])
    assert chapter_note("Take away: {verdict:c}", conclusions).endswith(
        "(most of all holm: p 0.06).")
    with pytest.raises(KeyError, match="no conclusion 'missing'"):
        chapter_note("{verdict:missing}", conclusions)
    notes = (paths.ROOT / "book" / "chapters.csv").read_text(encoding="utf-8")
    defined = set(pd.read_csv(paths.ROOT / "data" / "published" / "conclusions.csv")["id"])
    named = set(re.findall(r"\{verdict:([\w.]+)\}", notes))
    assert named, "the takeaways say no computed verdict"
    assert named <= defined
