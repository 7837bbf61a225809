"""Issue 15: no number typed into a notebook's prose. Paragraphs that state numbers are code
cells calling :func:`analysis.report.prose.say` with values computed or read from the
registry; a decimal number or a percentage typed into a markdown cell fails here."""

from __future__ import annotations

import nbformat
import pytest

from analysis.io import paths
from analysis.report.prose import decimals, fmt, typed_numbers

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


def test_spss_rounding_and_print_minus():
    assert fmt(-2.985, 2) == "−2.99"  # half away from zero, a printed minus sign
    assert fmt(0.125, 2) == "0.13"
    assert [decimals(t) for t in ("0.197", "<0.001", "12", "−2.99")] == [3, 3, 0, 2]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_number_is_typed_into_a_markdown_cell(notebook):
    node = nbformat.read(notebook, as_version=4)
    typed = [(index, typed_numbers(cell.source)) for index, cell in enumerate(node.cells)
             if cell.cell_type == "markdown"]
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
