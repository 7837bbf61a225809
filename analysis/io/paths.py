"""Absolute paths of the project, so notebooks, papermill and pytest work from any directory.

Outputs (``reports/``, ``figures/``) normally live in the repository: they are committed, and
``make reproduce`` regenerates them. With real data they must not: :func:`set_output` (or the
environment variable :data:`OUTPUT_ENV`, which notebook kernels inherit from
``python -m analysis.run``) moves every output folder under another directory, e.g.
``private/output/``, which git ignores.
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
PRIVATE_OUTPUT = ROOT / "private" / "output"
FAILED = ROOT / "build" / "failed"

#: Environment variable naming a folder for every output instead of the repository.
OUTPUT_ENV = "PEER_SUPPORT_OUTPUT"

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


def private_mode(data_dir: str) -> bool:
    """Call at the start of a notebook: with real data (``data_dir`` set) make sure nothing is
    written into the repository's committed outputs, redirecting to ``private/output/`` if
    the caller has not chosen a folder. Returns whether real data are used."""
    if data_dir and not redirected():
        os.environ[OUTPUT_ENV] = str(PRIVATE_OUTPUT)
        set_output(PRIVATE_OUTPUT)
    return bool(data_dir)


OUTPUT: Path | None = None
set_output(os.environ.get(OUTPUT_ENV) or None)
