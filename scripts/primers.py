"""The primers and the students' exercises as Jupyter notebooks (``make primers``), for
students to run and change the worked examples on their own machine.

This is the next best to a JupyterLite site: JupyterLite runs Python in the browser with
Pyodide, but Pyodide builds of numpy, scipy and pandas are on neither registry this project
can reach (PyPI has no ``pyemscripten`` wheels of them; the npm package ``pyodide`` holds
only the interpreter and its standard library, and fetches the rest from a CDN), and the
package's own solver (OR-Tools) has no Pyodide build. So the primers run in JupyterLab on
the machine, from ``book/primer_*.md`` converted by jupytext into ``build/primers/``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "build" / "primers"


def write_primers(target: Path = TARGET) -> list[Path]:
    """Each primer of ``book/`` as a notebook in ``target``, and the exercises without their
    answers (the students' edition) as ``exercises.ipynb``; returns the files written.
    Only the files this function names are replaced; nothing else in ``target`` is touched."""
    import jupytext

    from analysis.exercises import exercises_markdown

    target.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sorted((ROOT / "book").glob("primer_*.md")):
        notebook = jupytext.read(source)
        notebook.metadata.pop("mystnb", None)  # the book's execution setting, not JupyterLab's
        path = target / f"{source.stem}.ipynb"
        jupytext.write(notebook, path)
        written.append(path)
    exercises = jupytext.reads(exercises_markdown(with_answers=False), fmt="md")
    path = target / "exercises.ipynb"
    jupytext.write(exercises, path)
    return [*written, path]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    for path in write_primers():
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
