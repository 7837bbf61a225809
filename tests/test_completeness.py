"""Completeness and hygiene: every notebook is shaped as the project promises and is run by the
tests; every registry row is handled by at most one notebook; nothing reads outside the repo."""

from __future__ import annotations

import itertools
import json
import re

import nbformat
import pandas as pd
import pytest

from analysis.io import paths
from analysis.io.registry import load_registry
from analysis.report.results import REPORT_COLUMNS, STATUSES, build_report, load_results
from analysis.run import notebooks

NOTEBOOKS = notebooks()


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/NN_name.ipynb expected"
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", p.name) for p in NOTEBOOKS)


def test_every_notebook_is_run_by_the_tests():
    """nbval runs every notebook, in order, in a scratch copy of the repository
    (tests/test_pipeline.py): the notebooks it runs are :func:`analysis.run.notebooks`, and
    that is every notebook there is."""
    source = (paths.ROOT / "tests" / "test_pipeline.py").read_text(encoding="utf-8")
    assert '"--nbval"' in source
    assert "all_notebooks()" in source
    assert sorted(paths.NOTEBOOKS.glob("*.ipynb")) == NOTEBOOKS  # no notebook left out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_shape(path):
    notebook = nbformat.read(path, as_version=4)
    first = notebook.cells[0]
    assert first.cell_type == "markdown"
    assert "doi:10.1186/s12888-0" in first.source, "open with the citation"
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code.index(tagged[0]) == 1, "the parameters cell is the first code cell after imports"
    assert "def " not in "".join(c.source for c in code), "functions belong in analysis/"
    assert "assert" in code[-1].source, "the last cell checks what was reproduced"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_outputs_are_deterministic(path):
    """Committed notebooks carry outputs but no timings, timestamps or memory addresses."""
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert "papermill" not in data["metadata"]
    for cell in data["cells"]:
        assert "execution" not in cell.get("metadata", {})
        assert "papermill" not in cell.get("metadata", {})
        outputs = cell.get("outputs", [])
        for first, second in itertools.pairwise(outputs):
            split = first.get("output_type") == second.get("output_type") == "stream" and (
                first.get("name") == second.get("name"))
            assert not split, "consecutive stream outputs: merge them (analysis.run)"
    assert not re.search(r" at 0x[0-9a-f]{6,}", text)
    assert "Traceback" not in text


def test_each_registry_row_has_at_most_one_notebook():
    registry = load_registry()
    results = load_results(registry=registry)  # raises if two notebooks claim an id
    assert set(results["status"]) <= set(STATUSES)
    sources = {f"notebooks/{p.name}" for p in NOTEBOOKS}
    assert set(results["source"]) <= sources, "results from a notebook that no longer exists"


def test_nothing_reads_outside_the_repository():
    forbidden = re.compile(r"\.\./" + "shared|/work/" + "shared")
    offenders = []
    for folder in ("analysis", "notebooks", "tests", "scripts"):
        for path in (paths.ROOT / folder).rglob("*"):
            if path.suffix in {".py", ".ipynb", ".cfg"} and forbidden.search(
                    path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(paths.ROOT)))
    assert offenders == []


def test_report_is_current_with_the_results():
    """reports/reproduction.csv is what the committed results files give (rerun
    `make reproduce` after changing a notebook)."""

    from analysis.report.notes import render_notes

    registry = load_registry()
    expected = render_notes(build_report(registry, load_results(registry=registry)),
                            registry).report[REPORT_COLUMNS]
    committed = pd.read_csv(paths.REPRODUCTION_CSV, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(committed, expected)
