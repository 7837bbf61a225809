"""Absolute paths of the project, so notebooks, papermill and pytest work from any directory.

The committed outputs (``reports/``, ``figures/``, ``data/reconstructed/``) are written only
by the published reproduction (``make reproduce``: ``python -m analysis.run`` with every
parameter at its default). Every other run writes elsewhere: :func:`set_output` (or the
environment variable :data:`OUTPUT_ENV`, which notebook kernels inherit from
``python -m analysis.run``) moves every output folder under another directory: a scratch
run's ``build/runs/<name>/``, a kernel's ``build/scratch/``, real data's ``private/output/``,
all ignored by git. :mod:`analysis.io.context` decides which, at the start of a notebook.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
PAPERS = DATA / "papers"
PUBLISHED = DATA / "published"
REGISTRY = PUBLISHED / "registry.csv"
FINDINGS = PUBLISHED / "findings.csv"
IMPLIED = PUBLISHED / "implied.csv"
SECOND_TRANSCRIPTION = PUBLISHED / "second_transcription"
RECONSTRUCTED = DATA / "reconstructed"
NOTEBOOKS = ROOT / "notebooks"
PRIVATE = ROOT / "private"
PRIVATE_OUTPUT = PRIVATE / "output"
PRIVATE_RUNS = PRIVATE / "runs"
BUILD = ROOT / "build"
FAILED = BUILD / "failed"
RUNS = BUILD / "runs"
SCRATCH = BUILD / "scratch"

#: Environment variable naming a folder for every output instead of the repository.
OUTPUT_ENV = "PEER_SUPPORT_OUTPUT"
#: Environment variable saying what kind of run a kernel belongs to: ``repository`` (the
#: published reproduction), ``scratch`` (other parameters) or ``real`` (the user's data).
MODE_ENV = "PEER_SUPPORT_MODE"


def location_env(name: str) -> str:
    """The environment variable that holds the path given to path parameter ``name``: the
    notebook parameter itself holds only its role ("your data"), so that no path reaches an
    executed notebook or any other output."""
    return f"PEER_SUPPORT_PATH_{name.upper()}"


#: Environment variable holding the folder of the user's data.
DATA_ENV = location_env("data_dir")
#: What ``data_dir`` is called in every output of a run on real data.
YOUR_DATA = "your data"

PAPER_FILES = {
    "fan2018": PAPERS / "fan2018_community_peer_support_service.txt",
    "fan2019": PAPERS / "fan2019_feasibility_peer_support.txt",
}


def set_output(folder: Path | str | None) -> None:
    """Point every output folder at ``folder`` (``None``: the repository's own). ``RECORDS``
    is where the notebooks write, and read back, the reconstructed record-level files:
    ``data/reconstructed`` normally, ``<folder>/data/reconstructed`` when redirected (e.g.
    a run with values read off the figures, which must not replace the committed data)."""
    global FIGURES, REPORTS, RESULTS, TABLES, REPRODUCTION_CSV, REPRODUCTION_MD, OUTPUT, RECORDS
    OUTPUT = None if folder is None else Path(folder).resolve()
    base = ROOT if OUTPUT is None else OUTPUT
    RECORDS = RECONSTRUCTED if OUTPUT is None else OUTPUT / "data" / "reconstructed"
    FIGURES = base / "figures"
    REPORTS = base / "reports"
    RESULTS = REPORTS / "results"
    TABLES = REPORTS / "tables"
    REPRODUCTION_CSV = REPORTS / "reproduction.csv"
    REPRODUCTION_MD = REPORTS / "reproduction.md"


def redirected() -> bool:
    """Whether outputs go somewhere other than the repository's committed folders."""
    return OUTPUT is not None


def committed(path: Path) -> Path:
    """The repository's own copy of an output ``path`` (the same file under ``ROOT``)."""
    if OUTPUT is None or not path.is_relative_to(OUTPUT):
        return path
    return ROOT / path.relative_to(OUTPUT)


OUTPUT: Path | None = None
set_output(os.environ.get(OUTPUT_ENV) or None)
