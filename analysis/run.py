"""Run every notebook in ``notebooks/`` with papermill, then write the report.

``python -m analysis.run`` (what ``make reproduce`` calls) executes ``notebooks/NN_*.ipynb``
with their default parameters, two at a time on a machine with two cores or more: a
notebook starts once the notebooks it reads from have finished (each declares them in its
metadata, ``"pipeline": {"requires": [...]}``), so the outputs are the same as a run in name
order. Each is saved back in place with its outputs once it has run to the end (a failing
notebook leaves its previous version untouched), with a progress line and its wall time.
Finally ``reports/reproduction.csv``, ``.md`` and ``.html`` are written. Volatile metadata
(papermill's timings, execution timestamps) is removed and split stream outputs are merged
(nbconvert's ``ClearMetadataPreprocessor`` and ``CoalesceStreamsPreprocessor``), so that
running everything twice gives byte-identical notebooks.

Options:

- ``--only 01_enrolment`` runs one notebook (the report is still rebuilt from every
  notebook's results);
- ``-p name value`` passes a papermill parameter (a JSON value) to the notebooks that declare
  it (read with ``papermill.inspect_notebook``). A name no selected notebook declares, or a
  value whose type differs from the default's, is refused before anything runs;
- ``--output DIR`` writes every output (executed notebooks, reports, tables, figures) under
  ``DIR`` instead of the repository. With ``-p data_dir ...`` (real data) this is implied:
  the default is ``private/output/``, which git ignores;
- ``--jobs N`` runs at most N notebooks at a time (default: 2, or 1 on one core).

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
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor, CoalesceStreamsPreprocessor

from analysis.io import paths
from analysis.io.files import atomic_write_text

__all__ = [
    "ParameterError",
    "check_parameters",
    "clean_notebook",
    "declared_parameters",
    "main",
    "notebooks",
    "requirements",
    "run_notebook",
    "run_notebooks",
]

#: Kernels log only critical messages: ipykernel's warning that the local kernel talks TCP
#: without encryption would otherwise break every progress line.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]


class _ClearMetadata(ClearMetadataPreprocessor):
    """nbconvert's ``ClearMetadataPreprocessor``, applied to markdown cells too (papermill
    stamps every cell with timings)."""

    def preprocess_cell(self, cell, resources, cell_index):
        if self.clear_cell_metadata and "metadata" in cell:
            cell.metadata = dict(self.nested_filter(cell.metadata.items(),
                                                    self.preserve_cell_metadata_mask))
        return cell, resources


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


def requirements(path: Path) -> list[str]:
    """The notebooks whose outputs ``path`` reads (its metadata ``pipeline.requires``)."""
    notebook = nbformat.read(path, as_version=4)
    return list(notebook.metadata.get("pipeline", {}).get("requires", []))


def clean_notebook(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop metadata that changes from run to run (timings, timestamps) and merge split
    stream outputs (the kernel may send one print as one message or several, depending on
    timing); keep the outputs, the cells' tags and the notebook's kernel and pipeline."""
    resources: dict = {}
    notebook, _ = CoalesceStreamsPreprocessor().preprocess(notebook, resources)
    clear = _ClearMetadata(
        preserve_cell_metadata_mask={"tags"},
        preserve_nb_metadata_mask={"kernelspec", "language_info", "pipeline"})
    notebook, _ = clear.preprocess(notebook, resources)
    return notebook


def declared_parameters(path: Path) -> dict[str, object]:
    """The parameters a notebook declares in its ``parameters`` cell, with their defaults
    (``papermill.inspect_notebook``, defaults read as Python literals)."""
    import papermill  # slow to import: only where needed

    declared = papermill.inspect_notebook(str(path))
    return {name: ast.literal_eval(spec["default"]) for name, spec in declared.items()}


def _same_type(value: object, default: object) -> bool:
    expected = type(default)
    if expected is bool or isinstance(value, bool):
        return type(value) is expected
    if expected is float:
        return isinstance(value, int | float)
    return isinstance(value, expected)


def _problem(name: str, value: object, owners: dict[Path, object], known: list[str]) -> str:
    if not owners:
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"parameter {name!r} is not declared by any selected notebook{hint}; " \
               f"declared: {known}"
    defaults = ", ".join(f"{p.stem}: {type(d).__name__} {d!r}" for p, d in owners.items())
    return (f"parameter {name!r} must be "
            f"{' or '.join(sorted({type(d).__name__ for d in owners.values()}))} like its "
            f"default ({defaults}), got {type(value).__name__} {value!r}")


def check_parameters(selected: list[Path], parameters: dict) -> dict[Path, dict]:
    """Which parameters go to which notebook: each to the notebooks that declare it with a
    default of the same type. Raises :class:`ParameterError` for a name no selected notebook
    declares (a misspelling would otherwise be silently ignored) or a value whose type
    matches no declaring notebook's default (``seed`` must be an int, ``tolerance`` a
    number...)."""
    declared = {path: declared_parameters(path) for path in selected}
    known = sorted({name for names in declared.values() for name in names})
    problems = []
    routed: dict[Path, dict] = {path: {} for path in selected}
    for name, value in parameters.items():
        owners = {path: names[name] for path, names in declared.items() if name in names}
        fitting = [path for path, default in owners.items() if _same_type(value, default)]
        if not fitting:
            problems.append(_problem(name, value, owners, known))
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
    import papermill  # slow to import, and not needed by the rest of the package

    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / path.name
        try:
            papermill.execute_notebook(
                str(path), str(output), parameters=parameters or {}, cwd=str(path.parent),
                progress_bar=False, kernel_name="python3", log_output=False,
                extra_arguments=KERNEL_ARGUMENTS,
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


def _dependents(selected: list[Path]) -> dict[str, int]:
    """How many selected notebooks need each one, directly or through others."""
    needs = {p.stem: set(requirements(p)) for p in selected}
    closure = {}
    for name in needs:
        seen, stack = set(), [name]
        while stack:
            for other in needs.get(stack.pop(), set()) - seen:
                seen.add(other)
                stack.append(other)
        closure[name] = seen
    return {name: sum(name in closure[other] for other in needs) for name in needs}


def _ready(waiting: list[Path], done: set[str], selected: set[str],
           priority: dict[str, int]) -> list[Path]:
    """The waiting notebooks whose selected requirements have all finished, those that
    more notebooks wait for first."""
    ready = [p for p in waiting if set(requirements(p)) & selected <= done]
    return sorted(ready, key=lambda p: (-priority[p.stem], p.name))


def run_notebooks(selected: list[Path], per_notebook: dict[Path, dict],
                  output: Path | None = None, jobs: int = 2) -> list[tuple[Path, Exception]]:
    """Run ``selected`` notebooks, at most ``jobs`` at a time, each once the notebooks it
    requires (among those selected) have finished; print a line as each finishes. Stops
    starting new ones after a failure. Returns the failures (notebook, error)."""
    names, priority = {p.stem for p in selected}, _dependents(selected)
    waiting, done, failures = list(selected), set(), []
    running: dict[Future, Path] = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        while waiting or running:
            for path in _ready(waiting, done, names, priority)[: max(1, jobs) - len(running)]:
                if failures:
                    break
                waiting.remove(path)
                target = output / "notebooks" / path.name if output else None
                running[pool.submit(run_notebook, path, per_notebook[path], target)] = path
            if not running:
                if waiting and not failures:
                    raise RuntimeError(f"requirements that never finish: {waiting}")
                break
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in sorted(finished, key=lambda f: running[f].name):
                path = running.pop(future)
                done.add(path.stem)
                if future.exception() is not None:
                    failures.append((path, future.exception()))
                    print(f"[{len(done)}/{len(selected)}] {path.name} FAILED", flush=True)
                else:
                    print(f"[{len(done)}/{len(selected)}] {path.name} "
                          f"{future.result():.1f} s", flush=True)
    return failures


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


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m analysis.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", help="run only these notebooks (by stem)")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                        metavar=("NAME", "VALUE"), help="papermill parameter (JSON value)")
    parser.add_argument("--output", help="write every output under this folder instead of "
                        "the repository (default with data_dir: private/output)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="notebooks run at a time (default: 2, or 1 on one core)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
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
    failures = run_notebooks(selected, per_notebook, paths.OUTPUT if output else None,
                             args.jobs)
    for path, error in failures:
        print(_describe_failure(path, error), file=sys.stderr)
    if failures:
        return 1
    # imported only now: while the notebooks run, the kernels need the cores
    from analysis.report.page import write_html
    from analysis.report.summary import write_report

    report = write_report()
    page = write_html(report=report)
    if not output and not parameters:  # the published reproduction: its numbers in the docs
        from analysis.report.documents import update_documents

        for path in update_documents():
            print(f"updated the computed parts of {_shown_path(path)}")
    counts = report["status"].value_counts().to_dict()
    levels = report["evidence"].value_counts().to_dict()
    print(f"report: {_shown_path(paths.REPRODUCTION_CSV)} "
          f"({len(report)} rows: {', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}; "
          f"evidence: {', '.join(f'{k} {v}' for k, v in sorted(levels.items()))})")
    print(f"report page: {_shown_path(page)}")
    print(f"total {time.perf_counter() - total:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
