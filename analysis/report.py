"""The reproduction report: one row per registry row, saying whether it was reproduced.

Each analysis notebook ends by writing ``reports/results/<notebook>.csv`` with the columns of
:data:`RESULT_COLUMNS` for the registry rows it handles (:func:`write_results`).
:func:`build_report` joins those files to the registry; rows no notebook handles are
``pending``. :func:`write_report` writes ``reports/reproduction.csv`` and a short
``reports/reproduction.md``, each atomically (a failed run leaves the old files intact).

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
not_reproducible
    The inputs are not published (e.g. values only drawn in a figure).
pending
    Not yet handled by any notebook.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.compare import compare
from analysis.registry import RegistryError, load_registry, read_csv_strict

__all__ = [
    "REPORT_COLUMNS",
    "RESULT_COLUMNS",
    "ROLES",
    "STATUSES",
    "build_report",
    "figure_values_markdown",
    "load_results",
    "summary_markdown",
    "write_report",
    "write_results",
]

STATUSES = ("match", "match_other_method", "mismatch", "not_reproducible", "pending")
ROLES = ("constraint", "derived")
RESULT_COLUMNS = ["id", "reproduced", "status", "method", "role", "note"]
REPORT_COLUMNS = [
    "id", "paper", "location", "item", "group", "quantity", "printed", "reproduced", "status",
    "method", "role", "source", "note",
]


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, so a reader
    never sees a half-written file and an error leaves the previous file as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", text=True)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _check_results(results: pd.DataFrame, registry: pd.DataFrame, name: str) -> None:
    problems = []
    printed = dict(zip(registry["id"], registry["printed"], strict=True))
    for line, row in results.iterrows():
        where = f"{name}, line {line}, id {row['id']!r}"
        if row["id"] not in printed:
            problems.append(f"{where}: not a registry id")
            continue
        if row["status"] not in STATUSES or row["status"] == "pending":
            problems.append(f"{where}, column 'status': {row['status']!r} is not one of "
                            f"{STATUSES[:-1]}")
        if row["role"] not in (*ROLES, ""):
            problems.append(f"{where}, column 'role': {row['role']!r} is not one of {ROLES}")
        if row["status"] in ("match", "match_other_method"):
            try:
                agrees = compare(row["reproduced"], printed[row["id"]])
            except (TypeError, ValueError) as error:
                problems.append(f"{where}, column 'reproduced': {error}")
                continue
            if not agrees:
                problems.append(f"{where}: status {row['status']!r} but reproduced "
                                f"{row['reproduced']!r} does not round to printed "
                                f"{printed[row['id']]!r}")
            if row["status"] == "match_other_method" and not row["method"].strip():
                problems.append(f"{where}, column 'method': name the other method")
        if row["status"] == "mismatch" and not row["note"].strip():
            problems.append(f"{where}, column 'note': a mismatch needs its likely cause")
    if problems:
        raise RegistryError("invalid results:\n  " + "\n  ".join(problems))


def load_results(
    results_dir: Path | str | None = None,
    registry: pd.DataFrame | None = None,
    exclude: str | None = None,
) -> pd.DataFrame:
    """Read every ``<notebook>.csv`` in ``results_dir`` (default ``reports/results``), check
    it (known ids, allowed statuses and roles, ``match`` rows that really round to the printed
    value, mismatches with a note) and return them with a ``source`` column (the notebook).
    ``exclude`` skips one notebook's file (by stem).

    Raises :class:`RegistryError` if an id is claimed by two notebooks.
    """
    results_dir = paths.RESULTS if results_dir is None else Path(results_dir)
    registry = load_registry() if registry is None else registry
    frames = []
    for path in sorted(results_dir.glob("*.csv")):
        if path.stem == exclude:
            continue  # a notebook asking which rows the others handle skips its own file
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
        raise RegistryError(
            "ids handled by more than one notebook:\n  "
            + "\n  ".join(f"{k}: {v}" for k, v in listing.items())
        )
    return results


def build_report(registry: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame:
    """One row per registry row, in registry order, in the columns of :data:`REPORT_COLUMNS`;
    registry rows absent from ``results`` get status ``pending``."""
    merged = registry.merge(results, on="id", how="left", validate="one_to_one")
    for column in ("reproduced", "method", "role", "note", "source"):
        merged[column] = merged[column].fillna("")
    merged["status"] = merged["status"].fillna("pending")
    return merged[REPORT_COLUMNS].reset_index(drop=True)


def _markdown_table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(False)]
    return "\n".join([header, rule, *body])


def summary_markdown(report: pd.DataFrame) -> str:
    """A short human-readable summary: counts by status and paper, then every mismatch and
    other-method match with its note."""
    counts = pd.crosstab(report["status"], report["paper"], margins=True, margins_name="all")
    order = [s for s in (*STATUSES, "all") if s in counts.index]
    counts = counts.loc[order].reset_index()
    lines = [
        "# Reproduction report",
        "",
        "Fan et al. 2018 (BMC Psychiatry 18:170) and Fan et al. 2019 (BMC Psychiatry 19:360).",
        "One row per printed number in `reproduction.csv`; statuses are defined in "
        "`analysis/report.py`. The page for reviewers is `reproduction.html`. Generated by "
        "`make reproduce`; do not edit.",
        "",
        "## Numbers by status and paper",
        "",
        _markdown_table(counts),
        "",
    ]
    flagged = report[report["status"].isin(["mismatch", "match_other_method"])]
    if not flagged.empty:
        lines += ["## Mismatches and other-method matches", ""]
        lines.append(_markdown_table(
            flagged[["id", "printed", "reproduced", "status", "method", "note"]]
        ))
        lines.append("")
    return "\n".join(lines)


#: Values only drawn in a figure: ``(title, table file, value column, range columns)``.
FIGURE_VALUES = (
    ("fan2018 Fig. 1: sessions per community per period (never printed)",
     "fan2018_fig1_ranges.csv", ["community", "period"], "reconstructed",
     ("feasible_min", "feasible_max")),
    ("fan2018 Fig. 2: share of sessions per category, % (three printed)",
     "fan2018_fig2_ranges.csv", ["label", "printed"], "percent", ("min_percent", "max_percent")),
)


def figure_values_markdown(tables_dir: Path | str | None = None) -> str:
    """A section listing the values that the papers only draw in figures, with the range of
    every value consistent with the text (written by notebooks 02 and 03 into
    ``reports/tables``). Empty if those tables are absent."""
    tables_dir = paths.TABLES if tables_dir is None else Path(tables_dir)
    lines = []
    for title, name, keys, used, (low, high) in FIGURE_VALUES:
        path = tables_dir / name
        if not path.is_file():
            continue
        frame = read_csv_strict(path, [*keys, low, high])
        shown = frame[keys].copy()
        decimals = 0 if used == "reconstructed" else 1
        shown["reconstructed"] = [f"{float(v):.{decimals}f}" for v in frame[used]]
        shown["consistent with the text"] = [
            f"{float(a):.{decimals}f} to {float(b):.{decimals}f}"
            for a, b in zip(frame[low], frame[high], strict=True)
        ]
        lines += [f"### {title}", "", _markdown_table(shown), ""]
    if not lines:
        return ""
    return "\n".join([
        "## Values shown only in figures",
        "",
        "The papers draw these but do not print them. The ranges cover every value consistent "
        "with the printed numbers (Fig. 1: over the feasible tables found by notebook 02's "
        "sampler; Fig. 2: exact).",
        "",
        *lines,
    ])


def write_report(
    registry: pd.DataFrame | None = None,
    results_dir: Path | str | None = None,
    out_csv: Path | str | None = None,
    out_md: Path | str | None = None,
) -> pd.DataFrame:
    """Build the report and write ``reports/reproduction.csv`` and ``reproduction.md``."""
    registry = load_registry() if registry is None else registry
    report = build_report(registry, load_results(results_dir, registry))
    out_csv = paths.REPRODUCTION_CSV if out_csv is None else Path(out_csv)
    out_md = paths.REPRODUCTION_MD if out_md is None else Path(out_md)
    atomic_write_text(out_csv, report.to_csv(index=False, lineterminator="\n"))
    text = summary_markdown(report)
    figures = figure_values_markdown()
    atomic_write_text(out_md, text + ("\n" + figures if figures else ""))
    return report


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
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    _check_results(frame, load_registry(), f"{notebook}.csv")
    path = paths.RESULTS / f"{notebook}.csv"
    atomic_write_text(path, frame.to_csv(index=False, lineterminator="\n"))
    return path
