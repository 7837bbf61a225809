"""Absolute paths of the project, so notebooks, papermill and pytest work from any directory.

The committed outputs (``reports/``, ``figures/``, ``data/reconstructed/``) are written only
by the published reproduction (``make reproduce``: ``python -m analysis.run`` with every
parameter at its default). Every other run writes elsewhere: the run's :class:`Outputs`
(:func:`outputs`, read from the environment variable :data:`OUTPUT_ENV` that notebook kernels
inherit from ``python -m analysis.run``) moves every output folder under another directory:
a scratch run's ``build/runs/<name>/``, a kernel's ``build/scratch/``, real data's
``private/output/``, all ignored by git. :mod:`analysis.io.context` decides which, at the
start of a notebook. Nothing rewrites a module global: ``paths.TABLES`` and the other output
names are read from the current :class:`Outputs` each time they are used.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Outputs:
    """Where one run writes: the repository's committed folders (``folder`` None, the
    published reproduction) or the same layout under ``folder`` (a scratch run's
    ``build/runs/<name>/``, a kernel's ``build/scratch/``, real data's ``private/...``).
    ``records`` is where the notebooks write, and read back, the record-level files."""

    folder: Path | None = None

    @property
    def base(self) -> Path:
        return ROOT if self.folder is None else self.folder

    @property
    def figures(self) -> Path:
        return self.base / "figures"

    @property
    def reports(self) -> Path:
        return self.base / "reports"

    @property
    def results(self) -> Path:
        return self.reports / "results"

    @property
    def tables(self) -> Path:
        return self.reports / "tables"

    @property
    def records(self) -> Path:
        return RECONSTRUCTED if self.folder is None else self.folder / "data" / "reconstructed"

    def committed(self, path: Path) -> Path:
        """The repository's own copy of an output ``path`` (the same file under ``ROOT``)."""
        if self.folder is None or not path.is_relative_to(self.folder):
            return path
        return ROOT / path.relative_to(self.folder)


def outputs() -> Outputs:
    """This run's :class:`Outputs`. The run context is the environment variable
    :data:`OUTPUT_ENV`, set by ``python -m analysis.run`` (or :func:`set_output`) and
    inherited by every notebook kernel it starts, so one value says where a run writes and
    nothing rewrites module globals."""
    chosen = os.environ.get(OUTPUT_ENV)
    return Outputs(Path(chosen).resolve() if chosen else None)


def set_output(folder: Path | str | None) -> None:
    """Make ``folder`` this process's output folder (``None``: the repository's own), for it
    and the kernels it starts."""
    if folder is None:
        os.environ.pop(OUTPUT_ENV, None)
    else:
        os.environ[OUTPUT_ENV] = str(Path(folder).resolve())


def redirected() -> bool:
    """Whether outputs go somewhere other than the repository's committed folders."""
    return outputs().folder is not None


def committed(path: Path) -> Path:
    """The repository's own copy of an output ``path`` (:meth:`Outputs.committed`)."""
    return outputs().committed(path)


#: The output folders by their historical names, each read from the current run's
#: :class:`Outputs` when used (``paths.TABLES`` is ``outputs().tables``).
_OUTPUT_NAMES = {"FIGURES": "figures", "REPORTS": "reports", "RESULTS": "results",
                 "TABLES": "tables", "RECORDS": "records", "OUTPUT": "folder"}
_REPORT_FILES = {"REPRODUCTION_CSV": "reproduction.csv", "REPRODUCTION_MD": "reproduction.md"}


def __getattr__(name: str) -> Path | None:
    """``paths.FIGURES``, ``paths.TABLES``, ...: the current run's folders (PEP 562)."""
    if name in _OUTPUT_NAMES:
        return getattr(outputs(), _OUTPUT_NAMES[name])
    if name in _REPORT_FILES:
        return outputs().reports / _REPORT_FILES[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
