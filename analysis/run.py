"""Run every notebook in ``notebooks/`` with papermill, then write the report.

``python -m analysis.run`` (what ``make reproduce`` calls) executes ``notebooks/NN_*.ipynb``
with their default parameters, two at a time on a machine with two cores or more: a
notebook starts once the notebooks it reads from have finished (each declares them in its
metadata, ``"pipeline": {"requires": [...]}``), so the outputs are the same as a run in name
order. Volatile metadata (papermill's timings, execution timestamps) is removed and split
stream outputs are merged (nbconvert's ``ClearMetadataPreprocessor`` and
``CoalesceStreamsPreprocessor``), so that running everything twice gives byte-identical
outputs.

Only that run, every parameter at its default, writes the committed outputs (the executed
notebooks in place, ``data/reconstructed/``, ``reports/``, ``figures/``). Any other run is
scratch work and never touches a tracked file:

- ``-p name value`` (a JSON value; ``--list`` shows every parameter, its type and allowed
  values) runs with other parameters: everything is written under ``build/runs/<name>/``,
  which starts as a copy of the committed outputs and records the run's parameters, seed,
  commit and package versions in ``run.json`` and its report;
- ``-p data_dir FOLDER`` runs on your data: every file is validated first (a problem stops the
  run with exit status 2 and nothing written), and everything is written under
  ``private/output/``; the folder's path never reaches an output (it is "your data");
- ``--output DIR`` chooses the folder (outside the repository, or under ``build/`` or
  ``private/``; never over tracked files); ``--name NAME`` names a scratch run's folder;
- every run but the published reproduction compares itself with it: ``reports/changes.csv``,
  the first section of its ``reproduction.md`` and page, and a summary printed last (what
  changed: parameters, printed numbers at the printed decimals, conclusions;
  :mod:`analysis.report.changes`); ``python -m analysis.compare A B`` compares any two runs;
- ``--only 01_enrolment`` runs some notebooks (not with real data, which runs them all);
- ``--jobs N`` runs at most N notebooks at a time (default: 2, or 1 on one core).

Bad parameters, a bad output folder or bad data: exit status 2, a message naming each
problem, nothing written. A notebook that fails stops the run with exit status 1, naming the
notebook and the cell; its partial executed copy is kept in the run's ``failed/`` folder
(``build/failed/`` for the published reproduction). Temporary files live in a private folder
that is removed on exit, Ctrl-C and SIGTERM; a second run on the same folder is refused.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import signal
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor, CoalesceStreamsPreprocessor

from analysis.io import executed, faults, kernel, paths, request, runs
from analysis.io.files import InputError, atomic_write_text
from analysis.io.parameters import (
    ParameterError,
    defaults,
    parameter_list,
    parameter_problems,
    path_parameters,
    shown_as,
)
from analysis.io.schedule import dependents, last_timings, ready, requirements, save_timings
from analysis.report.templates import TemplateError

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
#: How long an interrupted run waits for its notebooks' threads to end (seconds).
STOP_WAIT = 30


class _ClearMetadata(ClearMetadataPreprocessor):
    """nbconvert's ``ClearMetadataPreprocessor``, applied to markdown cells too (papermill
    stamps every cell with timings)."""

    def preprocess_cell(self, cell, resources, cell_index):
        if self.clear_cell_metadata and "metadata" in cell:
            cell.metadata = dict(self.nested_filter(cell.metadata.items(),
                                                    self.preserve_cell_metadata_mask))
        return cell, resources


def notebooks(only: list[str] | None = None) -> list[Path]:
    """The analysis notebooks, ``notebooks/NN_name.ipynb``, in order."""
    found = sorted(p for p in paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if only:
        wanted = {name.removesuffix(".ipynb") for name in only}
        unknown = wanted - {p.stem for p in found}
        if unknown:
            raise ParameterError(f"no such notebook(s): {sorted(unknown)}; "
                                 f"have {[p.stem for p in found]}")
        found = [p for p in found if p.stem in wanted]
    return found


def clean_notebook(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop metadata that changes from run to run (timings, timestamps) and merge split
    stream outputs (the kernel may send one print as one message or several, depending on
    timing); keep the outputs, the cells' tags and the notebook's kernel, pipeline and
    jupytext pairing."""
    resources: dict = {}
    notebook, _ = CoalesceStreamsPreprocessor().preprocess(notebook, resources)
    clear = _ClearMetadata(
        preserve_cell_metadata_mask={"tags"},
        preserve_nb_metadata_mask={"kernelspec", "language_info", "pipeline", "jupytext"})
    notebook, _ = clear.preprocess(notebook, resources)
    return notebook


def declared_parameters(path: Path) -> dict[str, object]:
    """The parameters a notebook declares in its ``parameters`` cell, with their defaults
    (``papermill.inspect_notebook``, defaults read as Python literals)."""
    import papermill  # slow to import: only where needed

    declared = papermill.inspect_notebook(str(path))
    return {name: ast.literal_eval(spec["default"]) for name, spec in declared.items()}


def check_parameters(selected: list[Path], parameters: dict) -> dict[Path, dict]:
    """Which parameters go to which notebook, each checked against
    ``notebooks/parameters.csv`` (type, allowed values, range, existing paths). Raises
    :class:`ParameterError` naming every problem."""
    routed = parameter_problems([p.stem for p in selected], parameters, base=Path.cwd())
    return {path: routed[path.stem] for path in selected}


def _save(notebook: nbformat.NotebookNode, target: Path) -> None:
    text = json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    atomic_write_text(target, text)


def _kernel_name(temporary: Path | None) -> str:
    """The run's own kernel when its specification is in ``temporary``, else python3."""
    own = temporary is not None and (temporary / "kernels" / kernel.KERNEL).is_dir()
    return kernel.KERNEL if own else "python3"


def run_notebook(path: Path, parameters: dict | None = None, target: Path | None = None,
                 run: runs.Plan | None = None, temporary: Path | None = None) -> float:
    """Execute one notebook with papermill into ``temporary`` (a private folder), then
    write the cleaned result to ``target`` (default: in place). On failure the partial
    executed copy is kept in the run's ``failed/`` folder (with real data: its code only)
    and the papermill error is raised. Returns the wall time in s."""
    import papermill  # slow to import, and not needed by the rest of the package

    run = run or runs.Plan("repository", None)
    start = time.perf_counter()
    output = (temporary or paths.BUILD) / f"{os.getpid()}-{path.name}"
    try:
        papermill.execute_notebook(
            str(path), str(output), parameters=parameters or {}, cwd=str(path.parent),
            progress_bar=False, kernel_name=_kernel_name(temporary), log_output=False,
            extra_arguments=KERNEL_ARGUMENTS,
        )
    except Exception:
        if output.is_file():
            partial = nbformat.read(output, as_version=4)
            _save(executed.without_outputs(partial) if run.mode == "real" else partial,
                  run.failed / path.name)
        raise
    finally:
        if output.is_file():
            notebook = clean_notebook(nbformat.read(output, as_version=4))
            output.unlink()
    _save(executed.for_your_data(notebook) if run.mode == "real" else notebook,
          path if target is None else target)
    return time.perf_counter() - start


def _stop_kernels() -> None:
    """Terminate this process's children (the notebooks' kernels) after an interrupt."""
    for listing in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        for pid in listing.read_text().split():
            try:
                os.kill(int(pid), signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                pass


def _launch(pool, waiting, running, done, context) -> None:
    """Start the waiting notebooks whose requirements have finished, up to ``jobs``."""
    _selected, per_notebook, run, temporary, jobs, names, priority = context
    for path in ready(waiting, done, names, priority)[: max(1, jobs) - len(running)]:
        waiting.remove(path)
        target = run.output / "notebooks" / path.name if run and run.output else None
        extra = {"run": run, "temporary": temporary} if run else {}
        running[pool.submit(run_notebook, path, per_notebook[path], target, **extra)] = path


def _report(future: Future, path: Path, counter: str, failures: list,
            keep_going: bool = False) -> None:
    """Print how a notebook ended. The first failure stops the notebooks still running (the
    run has failed: their results would not be used), unless ``keep_going`` (a run on real
    data, which reports what the other notebooks computed); those are reported as
    stopped."""
    if future.exception() is None:
        print(f"{counter} {path.name} {future.result():.1f} s", flush=True)
    elif failures and not keep_going:
        print(f"{counter} {path.name} stopped (another notebook failed)", flush=True)
    else:
        failures.append((path, future.exception()))
        print(f"{counter} {path.name} FAILED", flush=True)
        if not keep_going:
            _stop_kernels()


def _skip_dependents(waiting: list[Path], lost: set[str], done: set[str],
                     total: int) -> None:
    """Drop from ``waiting`` every notebook that needs one in ``lost`` (failed or skipped),
    saying so; a skipped notebook is lost too."""
    changed = True
    while changed:
        changed = False
        for path in list(waiting):
            needed = set(requirements(path)) & lost
            if needed:
                waiting.remove(path)
                lost.add(path.stem)
                done.add(path.stem)
                changed = True
                print(f"[{len(done)}/{total}] {path.name} skipped (needs "
                      f"{', '.join(sorted(needed))}, which did not finish)", flush=True)


def run_notebooks(selected: list[Path], per_notebook: dict[Path, dict],
                  run: runs.Plan | None = None, jobs: int = 2,
                  temporary: Path | None = None) -> list[tuple[Path, Exception]]:
    """Run ``selected`` notebooks, at most ``jobs`` at a time, each once the notebooks it
    requires (among those selected) have finished; print a line as each finishes. A failure
    stops the run: no new notebook starts, and the running ones are stopped; on real data
    the others go on and only the notebooks that need the failed one are skipped. On
    Ctrl-C or SIGTERM the kernels are stopped and ``KeyboardInterrupt`` raised. Returns the
    failures (notebook, error)."""
    last = last_timings()
    names = {p.stem for p in selected}
    priority = {k: (v, last.get(k, 0.0)) for k, v in dependents(selected).items()}
    context = (selected, per_notebook, run, temporary, jobs, names, priority)
    keep_going = run is not None and run.mode == "real"
    waiting, done, failures, timings = list(selected), set(), [], {}
    running: dict[Future, Path] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        while waiting or running:
            if keep_going:
                _skip_dependents(waiting, {p.stem for p, _ in failures}, done, len(selected))
            if not failures or keep_going:
                _launch(pool, waiting, running, done, context)
            if not running:
                if waiting and not failures:
                    raise RuntimeError(f"requirements that never finish: {waiting}")
                break
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in sorted(finished, key=lambda f: running[f].name):
                path = running.pop(future)
                done.add(path.stem)
                _report(future, path, f"[{len(done)}/{len(selected)}]", failures, keep_going)
                if future.exception() is None and not keep_going:
                    timings[path.stem] = future.result()
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        _stop_kernels()
        # the notebooks' threads end once their kernels are gone; waiting for them (a
        # bounded time) keeps a late write out of the temporary folder being removed
        wait(running, timeout=STOP_WAIT)
        raise
    pool.shutdown()
    save_timings(timings)
    return failures


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m analysis.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", help="run only these notebooks (by stem)")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                        metavar=("NAME", "VALUE"), help="papermill parameter (JSON value)")
    parser.add_argument("--output", help="write every output under this folder (outside the "
                        "repository, or under build/ or private/)")
    parser.add_argument("--name", help="name of a scratch run's folder under build/runs/")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="notebooks run at a time (default: 2, or 1 on one core)")
    parser.add_argument("--list", action="store_true",
                        help="list every notebook's parameters and their allowed values")
    return parser.parse_args(argv)


def _prepare(args: argparse.Namespace):
    """Everything checked before anything is written: the notebooks, the parameters, the
    files they name, the output folder and, with real data, every data file. Raises on the
    first kind of problem (each message lists all its problems)."""
    if args.jobs < 1:
        raise ParameterError(f"--jobs must be at least 1, got {args.jobs}")
    parameters = request.given(args.parameter)
    selected = notebooks(args.only)
    per_notebook = request.without_defaults(check_parameters(selected, parameters))
    parameters = {n: v for values in per_notebook.values() for n, v in values.items()}
    locations = request.locations(parameters)
    folder = locations.get("data_dir")
    if folder is not None and args.only:
        raise ParameterError("a run on your data runs every notebook: leave out --only")
    default = not any(per_notebook.values())
    run = runs.plan(parameters, default, args.output, args.name, data=folder)
    request.check_files(locations)
    if folder is not None:
        request.data_checks(folder)
    for values in per_notebook.values():
        values.update({n: shown_as(n) for n in values if n in locations})
    return selected, per_notebook, run, locations


def _environment(run: runs.Plan, locations: dict[str, Path]) -> None:
    """Tell the kernels (they inherit the environment) where to read and write."""
    os.environ[paths.MODE_ENV] = run.mode
    os.environ.pop(paths.OUTPUT_ENV, None)
    for name in path_parameters():
        os.environ.pop(paths.location_env(name), None)
    if run.output is not None:
        os.environ[paths.OUTPUT_ENV] = str(run.output)
    for name, place in locations.items():
        os.environ[paths.location_env(name)] = str(place)
    paths.set_output(run.output)
    if run.output is not None:
        print(f"outputs go to {executed.shown_path(run.output)} (not the committed reproduction)")


def _write_reports(run: runs.Plan, selected: list[Path], per_notebook: dict) -> None:
    """The report, its page, the run's record and (published run only) the computed parts
    of the README."""
    from analysis.report.changes import published_run
    from analysis.report.page import write_html, write_notebook_pages
    from analysis.report.review import write_review
    from analysis.report.summary import write_report, write_run_report

    record, comparison = None, None
    if run.mode == "repository":
        report = write_report()
    else:
        record = runs.provenance(run, [p.stem for p in selected],
                                 {p.stem: defaults(p.stem) | v for p, v in per_notebook.items()})
        runs.write_provenance(run, record)
        report, comparison = write_run_report(record, published_run())
    ran = run.output / "notebooks" if run.output else paths.NOTEBOOKS
    write_notebook_pages(sorted(ran.glob("[0-9][0-9]_*.ipynb")))
    write_review(report, provenance=record)
    page = write_html(report=report, provenance=record, comparison=comparison)
    if run.mode == "repository" and len(selected) == len(notebooks()):
        from analysis.report.documents import update_documents

        for path in update_documents():
            print(f"updated the computed parts of {executed.shown_path(path)}")
    counts = report["status"].value_counts().to_dict()
    levels = report["evidence"].value_counts().to_dict()
    print(f"report: {executed.shown_path(paths.REPRODUCTION_CSV)} "
          f"({len(report)} rows: {', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}; "
          f"evidence: {', '.join(f'{k} {v}' for k, v in sorted(levels.items()))})")
    print(f"report page: {executed.shown_path(page)}")
    if comparison is not None:
        from analysis.report.change_words import summary_lines

        print("\n".join(summary_lines(comparison)))


def _execute(args, selected, per_notebook, run, locations) -> int:
    """Run the notebooks and write the report, holding the output folder's lock. The output
    folder's manifest is written whatever happens; a run that did not finish leaves
    ``INCOMPLETE.txt`` beside its partial outputs."""
    faults.check_space(run.work)
    with runs.locked(run.work):
        runs.prepare(run)
        complete = False
        try:
            _environment(run, locations)
            total = time.perf_counter()
            with runs.private_temp(run.work) as temporary, kernel.own_kernel(temporary):
                failures = run_notebooks(selected, per_notebook, run, args.jobs, temporary)
            for path, error in failures:
                print(executed.describe_failure(path, error, run), file=sys.stderr)
            if failures and run.mode != "real":
                return 1
            _write_reports(run, selected, per_notebook)
            complete = not failures
            print(f"total {time.perf_counter() - total:.1f} s")
            if failures:
                print("the report was written without the numbers of the notebooks that did "
                      "not finish (status pending)", file=sys.stderr)
                return 1
        finally:
            runs.finish(run, complete)
    return 0


def _roles(run: runs.Plan | None, locations: dict[str, Path]) -> dict[str, Path]:
    """The places a fault is named by: the user's files by their roles, the output folder."""
    named = {shown_as(name): place for name, place in locations.items()}
    if run is not None and run.output is not None:
        named["the output folder"] = run.output
    return named


def _checked(args: argparse.Namespace):
    """:func:`_prepare`, with a fault while reading the inputs (an unreadable folder) turned
    into a refusal: bad input, exit status 2, nothing written."""
    try:
        return _prepare(args)
    except OSError as error:
        if isinstance(error, faults.SpaceRefused):
            raise
        try:
            named = _roles(None, request.locations(request.given(args.parameter)))
        except (ParameterError, OSError, ValueError):
            named = {}
        raise runs.RunRefused(faults.describe(error, named).removeprefix("failed: ")) from None


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.run``: 0 done, 1 failed (a notebook, a fault, a false sentence),
    2 refused before anything was written, 130 interrupted."""
    if not isinstance(sys.stdout, faults.PipeSafe):
        sys.stdout = faults.PipeSafe(sys.stdout)
    args = _arguments(argv)
    if args.list:
        print(parameter_list())
        return 0
    run, locations = None, {}
    try:
        selected, per_notebook, run, locations = _checked(args)
        return _execute(args, selected, per_notebook, run, locations)
    except (ParameterError, InputError, runs.RunRefused, faults.SpaceRefused) as error:
        print(f"refused: {error.strerror if isinstance(error, OSError) else error}",
              file=sys.stderr)
        return 2
    except TemplateError as error:
        print(f"failed: a sentence of the report would say something false, so nothing was "
              f"written: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: temporary files removed; outputs written so far are kept "
              "only where a notebook finished", file=sys.stderr)
        return 130
    except OSError as error:
        print(faults.describe(error, _roles(run, locations)), file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
