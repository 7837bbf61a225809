"""Absolute paths of the project, so notebooks, papermill and pytest work from any directory."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
PAPERS = DATA / "papers"
PUBLISHED = DATA / "published"
REGISTRY = PUBLISHED / "registry.csv"
FINDINGS = PUBLISHED / "findings.csv"
IMPLIED = PUBLISHED / "implied.csv"
SECOND_TRANSCRIPTION = PUBLISHED / "second_transcription"
RECONSTRUCTED = DATA / "reconstructed"
NOTEBOOKS = ROOT / "notebooks"
FIGURES = ROOT / "figures"
REPORTS = ROOT / "reports"
RESULTS = REPORTS / "results"
TABLES = REPORTS / "tables"
REPRODUCTION_CSV = REPORTS / "reproduction.csv"
REPRODUCTION_MD = REPORTS / "reproduction.md"

PAPER_FILES = {
    "fan2018": PAPERS / "fan2018_community_peer_support_service.txt",
    "fan2019": PAPERS / "fan2019_feasibility_peer_support.txt",
}
