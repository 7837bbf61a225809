"""Run every notebook in ``notebooks/`` in order with papermill, then write the report.

``python -m analysis.run`` (what ``make reproduce`` calls) executes ``notebooks/NN_*.ipynb``
in name order with their default parameters, saves each back in place with its outputs once
it has run to the end (a failing notebook leaves its previous version untouched), prints a
progress line with its wall time, and finally writes ``reports/reproduction.csv`` and
``reports/reproduction.md``. Volatile metadata (papermill's timings, execution timestamps) is
removed so that running everything twice gives byte-identical notebooks.

Options: ``--only 01_enrolment`` runs one notebook (the report is still rebuilt from every
notebook's results); ``-p name value`` passes a papermill parameter to the notebooks run.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from analysis import paths
from analysis.report import atomic_write_text, write_report

__all__ = ["clean_notebook", "main", "merge_streams", "notebooks", "run_notebook"]


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


def run_notebook(path: Path, parameters: dict | None = None) -> float:
    """Execute one notebook with papermill into a temporary file, then replace the original
    with the cleaned result. Returns the wall time in seconds."""
    import papermill  # imported here: slow to import, and not needed by the rest of the package

    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / path.name
        papermill.execute_notebook(
            str(path), str(output), parameters=parameters or {}, cwd=str(path.parent),
            progress_bar=False, kernel_name="python3", log_output=False,
        )
        notebook = clean_notebook(nbformat.read(output, as_version=4))
    text = json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    atomic_write_text(path, text)
    return time.perf_counter() - start


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
    args = parser.parse_args(argv)
    parameters = {name: _parse_value(value) for name, value in args.parameter}
    selected = notebooks(args.only)
    total = time.perf_counter()
    for number, path in enumerate(selected, start=1):
        print(f"[{number}/{len(selected)}] {path.name} ...", end=" ", flush=True)
        try:
            seconds = run_notebook(path, parameters)
        except Exception as error:  # report which notebook failed, then fail
            print("FAILED")
            print(f"{path.name} failed: {type(error).__name__}: {error}", file=sys.stderr)
            return 1
        print(f"{seconds:.1f} s", flush=True)
    report = write_report()
    from analysis.html_report import write_html

    page = write_html(report=report)
    counts = report["status"].value_counts().to_dict()
    print(f"report: {paths.REPRODUCTION_CSV.relative_to(paths.ROOT)} "
          f"({len(report)} rows: {', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})")
    print(f"report page: {page.relative_to(paths.ROOT)}")
    print(f"total {time.perf_counter() - total:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
