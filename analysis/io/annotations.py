"""Our annotations of the printed numbers, each row with its reason (``data/published/``):

- ``explanations.csv``: why a row is not a plain match (:func:`load_explanations`);
- ``findings.csv``: rows that fail an internal check because the paper is inconsistent
  (:func:`load_findings`);
- ``implied.csv``: inputs the papers imply but do not print, e.g. the df of a t test
  (:func:`load_implied`);
- ``granularity.csv``: for each printed mean, its n, its scale and its SD
  (:func:`load_granularity_specs`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.io import paths
from analysis.io.files import read_csv_strict

__all__ = [
    "CHECKS",
    "FINDING_COLUMNS",
    "IMPLIED_COLUMNS",
    "load_explanations",
    "load_findings",
    "load_granularity_specs",
    "load_implied",
]


def load_explanations(path: object = None) -> pd.DataFrame:
    """``data/published/explanations.csv``: why a row is not a plain match."""
    frame = read_csv_strict(
        paths.PUBLISHED / "explanations.csv" if path is None else path, ["id", "status", "note"]
    )
    bad = frame[~frame["status"].isin(["match_other_method", "mismatch", "not_reproducible"])]
    if not bad.empty:
        raise ValueError(
            f"explanations.csv, line {bad.index[0]}, column 'status': {bad.iloc[0]['status']!r}"
        )
    duplicated = frame[frame["id"].duplicated()]
    if not duplicated.empty:
        raise ValueError(
            f"explanations.csv, line {duplicated.index[0]}: repeated id "
            f"{duplicated.iloc[0]['id']!r}"
        )
    return frame.set_index("id")


FINDING_COLUMNS = ["id", "check", "reason"]


IMPLIED_COLUMNS = ["id", "quantity", "value", "reason"]


CHECKS = ("sum", "percent", "p")


def load_implied(path: Path | str | None = None) -> pd.DataFrame:
    """Inputs the papers imply but do not print (e.g. the df of a t test from its two n's),
    each with its reason: ``data/published/implied.csv``."""
    return read_csv_strict(paths.IMPLIED if path is None else path, IMPLIED_COLUMNS)


def load_findings(path: Path | str | None = None) -> pd.DataFrame:
    """Rows known to fail an internal check because the paper is inconsistent:
    ``data/published/findings.csv`` (``id, check, reason``)."""
    findings = read_csv_strict(paths.FINDINGS if path is None else path, FINDING_COLUMNS)
    bad = findings[~findings["check"].isin(CHECKS)]
    if not bad.empty:
        line = bad.index[0]
        raise ValueError(f"findings.csv, line {line}, column 'check': "
                         f"{bad.iloc[0]['check']!r} is not one of {CHECKS}")
    return findings


def load_granularity_specs(path=None) -> pd.DataFrame:
    """``data/published/granularity.csv``: for each printed mean, the registry id of its n,
    the scale's bounds, the registry id of the SD (or "") and the reason."""
    return read_csv_strict(paths.PUBLISHED / "granularity.csv" if path is None else path,
                           ["id", "n_id", "lo", "hi", "sd_id", "reason"])
