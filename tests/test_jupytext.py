"""Each notebook has a text twin (jupytext, ``py:percent``) so that a diff of a notebook is
readable; the twin holds exactly the notebook's cells (JupyterLab keeps them in sync through
the pairing the notebooks declare; after editing a notebook elsewhere, run
``jupytext --sync notebooks/*.ipynb``)."""

from __future__ import annotations

import nbformat
import pytest

from analysis.io import paths

jupytext = pytest.importorskip("jupytext", reason="requirements-test.txt installs jupytext")

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_each_notebook_has_a_text_twin_with_its_cells(notebook):
    twin = notebook.with_suffix(".py")
    assert twin.is_file(), f"run: jupytext --sync {notebook.relative_to(paths.ROOT)}"
    original = nbformat.read(notebook, as_version=4)
    assert original.metadata["jupytext"]["formats"] == "ipynb,py:percent"
    text = jupytext.read(twin)
    assert [(c.cell_type, c.source) for c in text.cells] == [
        (c.cell_type, c.source) for c in original.cells]
    assert [c.metadata.get("tags", []) for c in text.cells] == [
        c.metadata.get("tags", []) for c in original.cells]
