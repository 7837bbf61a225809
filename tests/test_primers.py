"""``make primers``: the primers as notebooks students run in JupyterLab, and the exercises
without their answers (scripts/primers.py)."""

from __future__ import annotations

import importlib.util
import json

import pytest

from analysis.io import paths


def _script():
    spec = importlib.util.spec_from_file_location("primers_script",
                                                  paths.ROOT / "scripts" / "primers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    target = tmp_path_factory.mktemp("primers")
    (target / "mine.txt").write_text("a student's own file")
    return target, _script().write_primers(target)


def test_each_primer_becomes_a_notebook_with_its_code(written):
    target, files = written
    primers = sorted((paths.ROOT / "book").glob("primer_*.md"))
    assert [p.name for p in files] == [f"{p.stem}.ipynb" for p in primers] + ["exercises.ipynb"]
    for primer in primers:
        cells = json.loads((target / f"{primer.stem}.ipynb").read_text())["cells"]
        code = [c for c in cells if c["cell_type"] == "code"]
        assert len(code) == primer.read_text().count("```{code-cell}"), primer.name
    assert (target / "mine.txt").read_text() == "a student's own file"


def test_the_exercises_notebook_asks_every_question_and_answers_none(written):
    from analysis.exercises import answers

    target, _ = written
    text = "".join("".join(c["source"]) for c in
                   json.loads((target / "exercises.ipynb").read_text())["cells"])
    for exercise, answer in answers():
        assert exercise.question[:60] in text
        assert answer[:80] not in text


@pytest.mark.slow
def test_a_primer_runs_outside_the_book(written):
    """The shortest primer executes in a fresh kernel from build/primers/, as a student's
    JupyterLab would run it."""
    import nbformat
    from nbclient import NotebookClient

    target, _ = written
    notebook = nbformat.read(target / "primer_rounding.ipynb", as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(target)}}).execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert outputs
    assert not [o for o in outputs if o.output_type == "error"]
