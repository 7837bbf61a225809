"""The reproduction report: one row per registry row, saying whether it was reproduced.

Each analysis notebook ends by writing ``reports/results/<notebook>.csv`` with the columns of
:data:`RESULT_COLUMNS` for the registry rows it handles (:func:`write_results`).
:func:`build_report` joins those files to the registry; rows no notebook handles are
``pending``.

Statuses
--------
match
    The reproduced value rounds (SPSS, half away from zero) to the printed one under the
    method the paper names.
match_other_method
    It matches only under another test, n or rounding, named in ``method``.
mismatch
    Nothing tried reproduces it; the closest value is in ``reproduced``, the likely cause in
    ``note``.
depends_on_reading
    The text leaves the number's meaning open (a ratio of which counts, a threshold over
    which family): some readings reproduce it and some do not; ``method`` gives each.
not_reproducible
    The inputs are not published (e.g. values only drawn in a figure).
not_computable
    Real data only: the method is not defined on the data given (a group too small, a
    variable with a single category), so no value can be compared.
pending
    Not yet handled by any notebook.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from analysis.evidence.levels import EVIDENCE_COLUMNS, LEVELS
from analysis.io import paths
from analysis.io.annotations import stage_rows
from analysis.io.context import existing, mode, real_data
from analysis.io.files import InputError, atomic_write_text, read_csv_strict
from analysis.io.registry import load_registry
from analysis.printed.compare import compare
from analysis.printed.discrepancy import CLASSES
from analysis.printed.judge import unexpected_statuses

__all__ = [
    "ORIGINS",
    "REPORT_COLUMNS",
    "RESULT_COLUMNS",
    "STATUSES",
    "STATUS_LABELS",
    "build_report",
    "check_stage",
    "load_results",
    "write_results",
]


STATUSES = ("match", "match_other_method", "mismatch", "depends_on_reading", "not_reproducible",
            "not_computable", "pending")
#: Each status in words, as the page and the comparisons of runs show it.
STATUS_LABELS = {
    "match": "match",
    "match_other_method": "match, other method",
    "mismatch": "mismatch",
    "depends_on_reading": "depends on the reading",
    "not_reproducible": "not reproducible",
    "not_computable": "not computable on these data",
    "pending": "pending",
}


#: How a judged row's value came about (the report's ``origin`` column): a number the
#: reconstruction was built to satisfy, one derived from the records, or one computed from
#: printed numbers alone. Not the participants' roles (:data:`analysis.io.participants.ROLES`).
ORIGINS = ("constraint", "derived", "printed")


RESULT_COLUMNS = ["id", "reproduced", "status", "method", "origin", "discrepancy",
                  *EVIDENCE_COLUMNS,
                  "note"]


REPORT_COLUMNS = [
    "id", "paper", "location", "item", "group", "quantity", "printed", "reproduced", "status",
    "evidence", "discrepancy", "method", "origin", "basis", "range_min", "range_max", "source",
    "problem", "note",
]


def _row_problems(row: pd.Series, printed: str) -> list[str]:
    """What is wrong with one result row (``printed``: the number its id prints)."""
    found = []
    if row["status"] not in STATUSES or row["status"] == "pending":
        found.append(f", column 'status': {row['status']!r} is not one of {STATUSES[:-1]}")
    if row["origin"] not in (*ORIGINS, ""):
        found.append(f", column 'origin': {row['origin']!r} is not one of {ORIGINS}")
    if row["evidence"] not in LEVELS:
        found.append(f", column 'evidence': {row['evidence']!r} is not one of {LEVELS}")
    if row["discrepancy"] not in (*CLASSES, ""):
        found.append(f", column 'discrepancy': {row['discrepancy']!r} is not one of {CLASSES}")
    if row["status"] in ("match", "match_other_method"):
        try:
            agrees = compare(row["reproduced"], printed)
        except (TypeError, ValueError) as error:
            return [*found, f", column 'reproduced': {error}"]
        if not agrees:
            found.append(f": status {row['status']!r} but reproduced {row['reproduced']!r} "
                         f"does not round to printed {printed!r}")
        if row["status"] == "match_other_method" and not row["method"].strip():
            found.append(", column 'method': name the other method")
    return found


def _check_results(results: pd.DataFrame, registry: pd.DataFrame, name: str) -> None:
    problems = []
    printed = dict(zip(registry["id"], registry["printed"], strict=True))
    for line, row in results.iterrows():
        where = f"{name}, line {line}, id {row['id']!r}"
        if row["id"] not in printed:
            problems.append(f"{where}: not a registry id")
            continue
        problems += [where + problem for problem in _row_problems(row, printed[row["id"]])]
    if problems:
        raise InputError("invalid results:\n  " + "\n  ".join(problems))


#: The note of a row computed from your data in place of the published reproduction's.
REAL_DATA_NOTE = ("computed from your data; the published reproduction's explanation of this "
                  "row does not apply to it")


def _result_files(results_dir: Path | str | None) -> list[Path]:
    """The results files: those of ``results_dir``; by default this run's, each completed,
    outside a run on real data, by the committed one of a notebook the run did not remake."""
    if results_dir is not None:
        return sorted(Path(results_dir).glob("*.csv"))
    names = {path.name for path in paths.RESULTS.glob("*.csv")}
    if not real_data():
        names |= {path.name for path in paths.committed(paths.RESULTS).glob("*.csv")}
    return [existing(paths.RESULTS / name) for name in sorted(names)]


def load_results(
    results_dir: Path | str | None = None,
    registry: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Read every ``<notebook>.csv`` in ``results_dir`` (default ``reports/results``, see
    :func:`_result_files`), check
    it (known ids, allowed statuses and origins, ``match`` rows that really round to the printed
    value, mismatches with a note) and return them with a ``source`` column (the notebook).

    Raises :class:`InputError` if an id is claimed by two notebooks.
    """
    registry = load_registry() if registry is None else registry
    frames = []
    for path in _result_files(results_dir):
        frame = read_csv_strict(path, RESULT_COLUMNS)
        _check_results(frame, registry, path.name)
        frame["source"] = f"notebooks/{path.stem}.ipynb"
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=[*RESULT_COLUMNS, "source"], dtype=str)
    results = pd.concat(frames, ignore_index=True)
    claimed = results[results["id"].duplicated(keep=False)]
    if not claimed.empty:
        listing = claimed.groupby("id")["source"].apply(lambda s: ", ".join(s)).head(10)
        raise InputError(
            "ids handled by more than one notebook:\n  "
            + "\n  ".join(f"{k}: {v}" for k, v in listing.items())
        )
    return results


def build_report(registry: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame:
    """One row per registry row, in registry order, in the columns of :data:`REPORT_COLUMNS`;
    registry rows absent from ``results`` get status ``pending``."""
    merged = registry.merge(results, on="id", how="left", validate="one_to_one")
    merged["problem"] = ""
    for column in ("reproduced", "method", "origin", "note", "source", "discrepancy",
                   *EVIDENCE_COLUMNS):
        merged[column] = merged[column].fillna("")
    merged["status"] = merged["status"].fillna("pending")
    return merged[REPORT_COLUMNS].reset_index(drop=True)


def write_results(notebook: str, results: pd.DataFrame | Iterable[dict]) -> Path:
    """Write one notebook's reproduced rows to ``reports/results/<notebook>.csv``.

    ``results`` holds the columns of :data:`RESULT_COLUMNS`; ``reproduced`` is written as
    a string at full precision. The file is validated against the registry before it is
    written, so an invalid status never reaches the report.
    """
    frame = pd.DataFrame(results)
    missing = [c for c in RESULT_COLUMNS if c not in frame.columns]
    if missing:
        raise KeyError(f"write_results({notebook!r}): missing column(s) {missing}")
    frame = frame[RESULT_COLUMNS].astype(str).replace({"nan": "", "None": ""})
    if real_data():  # the explanations were written about the synthetic records
        frame.loc[frame["note"] != "", "note"] = REAL_DATA_NOTE
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    _check_results(frame, load_registry(), f"{notebook}.csv")
    path = paths.RESULTS / f"{notebook}.csv"
    atomic_write_text(path, frame.to_csv(index=False, lineterminator="\n"))
    return path


def check_stage(results: pd.DataFrame, registry: pd.DataFrame, stage: str,
                explanations: pd.DataFrame) -> str:
    """The last cell of every stage notebook: the results hold exactly the stage's rows
    (``data/published/stages.csv``), in registry order, none ``pending``; in the published
    reproduction every status is the one ``explanations.csv`` explains
    (:func:`analysis.printed.judge.unexpected_statuses`). Returns the one-line summary the
    notebook prints; raises AssertionError, with the rows at fault, otherwise."""
    expected = stage_rows(registry, stage)["id"].tolist()
    if results["id"].tolist() != expected:
        missing = sorted(set(expected) - set(results["id"]))
        extra = sorted(set(results["id"]) - set(expected))
        raise AssertionError(f"{stage}: rows differ from stages.csv (missing {missing[:5]}, "
                             f"extra {extra[:5]}, or out of registry order)")
    if "pending" in set(results["status"]):
        raise AssertionError(f"{stage}: pending rows "
                             f"{results.loc[results['status'] == 'pending', 'id'].tolist()[:5]}")
    if mode() == "repository":
        drift = unexpected_statuses(results, explanations)
        if not drift.empty:
            raise AssertionError(drift.to_string())
    counts = results["status"].value_counts()
    return f"{len(results)} numbers: " + ", ".join(f"{k} {v}" for k, v in counts.items())
