"""Run every notebook in ``notebooks/`` in order with papermill, then write the report.

``python -m analysis.run`` (what ``make reproduce`` calls) executes ``notebooks/NN_*.ipynb``
in name order with their default parameters, saves each back in place with its outputs once
it has run to the end (a failing notebook leaves its previous version untouched), prints a
progress line with its wall time, and finally writes ``reports/reproduction.csv``, ``.md`` and
``.html``. Volatile metadata (papermill's timings, execution timestamps) is removed and split
stream outputs are merged, so that running everything twice gives byte-identical notebooks.

Options:

- ``--only 01_enrolment`` runs one notebook (the report is still rebuilt from every
  notebook's results);
- ``-p name value`` passes a papermill parameter (a JSON value) to the notebooks that declare
  it. A name no selected notebook declares, or a value whose type differs from the default's,
  is refused before anything runs;
- ``--output DIR`` writes every output (executed notebooks, reports, tables, figures) under
  ``DIR`` instead of the repository. With ``-p data_dir ...`` (real data) this is implied:
  the default is ``private/output/``, which git ignores.

A notebook that fails stops the run with exit status 1, naming the notebook and the cell; its
partial executed copy is kept in ``build/failed/`` for inspection (git ignores it).
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from analysis.io import paths
from analysis.io.files import atomic_write_text
from analysis.report.page import write_html
from analysis.report.summary import write_report

__all__ = [
    "ParameterError",
    "check_parameters",
    "clean_notebook",
    "declared_parameters",
    "main",
    "merge_streams",
    "notebooks",
    "run_notebook",
]


class ParameterError(ValueError):
    """A papermill parameter that no notebook declares, or of the wrong type."""


def notebooks(only: list[str] | None = None) -> list[Path]:
    """The analysis notebooks, ``notebooks/NN_name.ipynb``, in order."""
    found = sorted(p for p in paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if only:
        wanted = {name.removesuffix(".ipynb") for name in only}
        unknown = wanted - {p.stem for p in found}
        if unknown:
            raise SystemExit(f"no such notebook(s): {sorted(unknown)}; "
                             f"have {[p.stem for p in found]}")
        found = [p for p in found if p.stem in wanted]
    return found


def clean_notebook(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop metadata that changes from run to run (timings, timestamps), keep outputs."""
    notebook.metadata.pop("papermill", None)
    for cell in notebook.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                output.get("metadata", {}).pop("execution", None)
            cell["outputs"] = merge_streams(cell.get("outputs", []))
    return notebook


def merge_streams(outputs: list) -> list:
    """Join consecutive stream outputs of the same name: the kernel may send one print as
    one message or as several, depending on timing, and the committed notebook must not
    depend on that."""
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (output.get("output_type") == "stream" and previous is not None
                and previous.get("output_type") == "stream"
                and previous.get("name") == output.get("name")):
            text = previous["text"] if isinstance(previous["text"], str) else "".join(
                previous["text"])
            more = output["text"] if isinstance(output["text"], str) else "".join(output["text"])
            previous["text"] = text + more
            continue
        merged.append(output)
    return merged


def declared_parameters(path: Path) -> dict[str, object]:
    """The parameters a notebook declares in its ``parameters`` cell, with their defaults."""
    notebook = nbformat.read(path, as_version=4)
    cells = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    declared: dict[str, object] = {}
    for cell in cells:
        for node in ast.parse(cell.source).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                    node.targets[0], ast.Name):
                declared[node.targets[0].id] = ast.literal_eval(node.value)
    return declared


def _same_type(value: object, default: object) -> bool:
    expected = type(default)
    if expected is bool or isinstance(value, bool):
        return type(value) is expected
    if expected is float:
        return isinstance(value, int | float)
    return isinstance(value, expected)


def check_parameters(selected: list[Path], parameters: dict) -> dict[Path, dict]:
    """Which parameters go to which notebook: each to the notebooks that declare it with a
    default of the same type (``exact_p`` is a bool in notebook 04 and a policy name in
    notebook 01). Raises :class:`ParameterError` for a name no selected notebook declares
    (a misspelling would otherwise be silently ignored) or a value whose type matches no
    declaring notebook's default (``seed`` must be an int, ``tolerance`` a number...)."""
    declared = {path: declared_parameters(path) for path in selected}
    known = sorted({name for names in declared.values() for name in names})
    problems = []
    routed: dict[Path, dict] = {path: {} for path in selected}
    for name, value in parameters.items():
        owners = {path: names[name] for path, names in declared.items() if name in names}
        if not owners:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(f"parameter {name!r} is not declared by any selected notebook"
                            f"{hint}; declared: {known}")
            continue
        fitting = [path for path, default in owners.items() if _same_type(value, default)]
        if not fitting:
            defaults = ", ".join(f"{p.stem}: {type(d).__name__} {d!r}" for p, d in owners.items())
            problems.append(f"parameter {name!r} must be "
                            f"{' or '.join(sorted({type(d).__name__ for d in owners.values()}))}"
                            f" like its default ({defaults}), got {type(value).__name__} "
                            f"{value!r}")
        for path in fitting:
            routed[path][name] = value
    if problems:
        raise ParameterError("; ".join(problems))
    return routed


def run_notebook(path: Path, parameters: dict | None = None,
                 target: Path | None = None) -> float:
    """Execute one notebook with papermill into a temporary file, then write the cleaned
    result to ``target`` (default: in place). On failure the partial executed copy is kept
    in ``build/failed/`` and the papermill error is raised. Returns the wall time in s."""
    import papermill  # imported here: slow to import, and not needed by the rest of the package

    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / path.name
        try:
            papermill.execute_notebook(
                str(path), str(output), parameters=parameters or {}, cwd=str(path.parent),
                progress_bar=False, kernel_name="python3", log_output=False,
            )
        except Exception:
            if output.is_file():
                paths.FAILED.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(output, paths.FAILED / path.name)
            raise
        notebook = clean_notebook(nbformat.read(output, as_version=4))
    text = json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    atomic_write_text(path if target is None else target, text)
    return time.perf_counter() - start


def _shown_path(path: Path) -> str:
    return str(path.relative_to(paths.ROOT)) if path.is_relative_to(paths.ROOT) else str(path)


def _describe_failure(path: Path, error: Exception) -> str:
    """Which notebook and cell failed, and why."""
    cell = getattr(error, "cell_index", None)
    if cell is not None:
        count = getattr(error, "exec_count", None)
        where = f"cell {cell}" + (f" (execution count {count})" if count else "")
        message = f"{getattr(error, 'ename', '')}: {getattr(error, 'evalue', '')}"
        kept = paths.FAILED / path.name
        return (f"{path.name} failed in {where}: {message}\n"
                f"  partial executed copy: {kept.relative_to(paths.ROOT)}")
    return f"{path.name} failed: {type(error).__name__}: {error}"


def _parse_value(text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", help="run only these notebooks (by stem)")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                        metavar=("NAME", "VALUE"), help="papermill parameter (JSON value)")
    parser.add_argument("--output", help="write every output under this folder instead of "
                        "the repository (default with data_dir: private/output)")
    args = parser.parse_args(argv)
    parameters = {name: _parse_value(value) for name, value in args.parameter}
    try:
        selected = notebooks(args.only)
        per_notebook = check_parameters(selected, parameters)
    except (ParameterError, SystemExit, ValueError) as error:
        print(f"refused: {error}", file=sys.stderr)
        return 2
    output = args.output or (str(paths.PRIVATE_OUTPUT) if parameters.get("data_dir") else None)
    if output:
        os.environ[paths.OUTPUT_ENV] = str(Path(output).resolve())
        paths.set_output(output)
        (paths.OUTPUT / "notebooks").mkdir(parents=True, exist_ok=True)
        print(f"outputs go to {paths.OUTPUT} (not the repository)")
    total = time.perf_counter()
    for number, path in enumerate(selected, start=1):
        print(f"[{number}/{len(selected)}] {path.name} ...", end=" ", flush=True)
        target = paths.OUTPUT / "notebooks" / path.name if output else None
        try:
            seconds = run_notebook(path, per_notebook[path], target)
        except Exception as error:  # report which notebook and cell failed, then fail
            print("FAILED")
            print(_describe_failure(path, error), file=sys.stderr)
            return 1
        print(f"{seconds:.1f} s", flush=True)
    report = write_report()

    page = write_html(report=report)
    counts = report["status"].value_counts().to_dict()
    print(f"report: {_shown_path(paths.REPRODUCTION_CSV)} "
          f"({len(report)} rows: {', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})")
    print(f"report page: {_shown_path(page)}")
    print(f"total {time.perf_counter() - total:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
