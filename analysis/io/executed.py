"""What an executed notebook keeps and what a failed one says.

- :func:`without_outputs`: a failed notebook of a real-data run keeps its code and, for the
  cell that failed, the error's type only (outputs and tracebacks could hold record values);
- :func:`for_your_data`: an executed notebook of a real-data run keeps its title, a note,
  and its code cells with their outputs (the narrative is about the synthetic records);
- :func:`describe_failure`: which notebook and cell failed and why, in the user's words
  (with real data: the error's type and what it means, never its text).
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from analysis.io import faults, paths, runs

__all__ = ["ERROR_MEANINGS", "YOUR_DATA_NOTE", "describe_failure", "for_your_data",
           "shown_path", "without_outputs"]


def shown_path(path: Path) -> str:
    """``path`` relative to the repository when inside it."""
    return str(path.relative_to(paths.ROOT)) if path.is_relative_to(paths.ROOT) else str(path)


def without_outputs(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A failed notebook of a real-data run as it may be kept: the code, and for the cell
    that failed only the error's type (outputs and tracebacks could hold record values)."""
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        cell.outputs = [nbformat.v4.new_output("stream", name="stderr",
                                               text=f"{errors[0]['ename']} (details withheld: "
                                                    "real data)\n")] if errors else []
    return notebook


YOUR_DATA_NOTE = (
    "Run on your data by `python -m analysis.run`. The narrative of the published "
    "reproduction, which describes the package's synthetic records, is left out here (read it "
    "in the repository's notebooks); every output below was computed from your data or from "
    "the papers' printed numbers.")


def for_your_data(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """An executed notebook of a run on real data as it is saved: its title, a note saying
    what it was run on, and its code cells with their outputs (the narrative, markdown cells
    and paragraphs said from computed values, tagged ``remove-input``, is about the synthetic
    records)."""
    first = next((c for c in notebook.cells if c.cell_type == "markdown"), None)
    title = first.source.splitlines()[0] if first is not None and first.source else "# Notebook"
    cells = [c for c in notebook.cells if c.cell_type != "markdown"
             and "remove-input" not in c.metadata.get("tags", [])]
    header = nbformat.v4.new_markdown_cell(f"{title}\n\n{YOUR_DATA_NOTE}")
    header.id = "your-data"  # fixed, so that two runs give the same file
    notebook.cells = [header, *cells]
    return notebook


#: What a notebook's error means for the user, by the error's type (real data: the type is
#: all that is shown).
ERROR_MEANINGS = {
    "NotComputable": "a method is not defined on these data (a group too small, or a "
                     "variable with a single category); the numbers that need it are missing",
    "DeadKernelError": "the notebook's Python process died (out of memory?)",
}


def describe_failure(path: Path, error: Exception, run: runs.Plan) -> str:
    """Which notebook and cell failed, and why (with real data: not the error's text,
    which could quote a record; only its type and what that means)."""
    cell = getattr(error, "cell_index", None)
    name = getattr(error, "ename", "") or type(error).__name__
    detail = getattr(error, "evalue", "") if cell is not None else str(error)
    message = name if run.mode == "real" else f"{name}: {detail}"
    if name in ERROR_MEANINGS:
        message += f" ({ERROR_MEANINGS[name]})"
    if faults.disk_full(run.work):
        message += " (the disk is full: free some space and run again)"
    if cell is None:
        return f"{path.name} failed: {message}"
    count = getattr(error, "exec_count", None)
    where = f"cell {cell}" + (f" (execution count {count})" if count else "")
    return (f"{path.name} failed in {where}: {message}\n"
            f"  partial executed copy: {shown_path(run.failed / path.name)}")
