"""Record-level session data (fan2018 Fig. 1 and 2): schema, validation, reading and writing."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from analysis.io.design import CATEGORIES, COMMUNITIES, COMMUNITY_START, PERIODS, period_table
from analysis.io.files import InputError, atomic_write_text, read_csv_strict

__all__ = ["SESSION_COLUMNS", "read_sessions", "validate_sessions", "write_sessions"]


SESSION_COLUMNS = [
    "session_id", "community", "period", "date", "category", "format", "mode",
    "duration_min", "peers_leading", "peers_assisting",
]


def _session_problems(row: pd.Series, periods: pd.DataFrame) -> list[tuple[str, str]]:
    """(column, problem) of one session record."""
    found = [(column, f"{row[column]!r} is not one of {list(allowed)}")
             for column, allowed in (("community", COMMUNITIES), ("period", PERIODS),
                                     ("category", tuple(CATEGORIES)),
                                     ("mode", ("group", "individual")))
             if row[column] not in allowed]
    try:
        date = dt.date.fromisoformat(row["date"])
    except ValueError:
        found.append(("date", f"{row['date']!r} is not a date (YYYY-MM-DD)"))
    else:
        if row["period"] in periods.index and not (
                periods.loc[row["period"], "start"] <= date < periods.loc[row["period"], "end"]):
            found.append(("date", f"{row['date']} is outside period {row['period']}"))
        if row["community"] in COMMUNITY_START and date < COMMUNITY_START[row["community"]]:
            found.append(("date", f"{row['date']} is before {row['community']} started"))
    found += [(column, f"{row[column]!r} is not a whole number >= {least}")
              for column, least in (("duration_min", 1), ("peers_leading", 0),
                                    ("peers_assisting", 0))
              if not re.fullmatch(r"[0-9]+", str(row[column])) or int(row[column]) < least]
    return found


def validate_sessions(frame: pd.DataFrame, name: str = "sessions") -> pd.DataFrame:
    """Check session records (:data:`SESSION_COLUMNS`, all strings as read from CSV): known
    communities, periods and categories; an ISO date inside its period and after the
    community started; ``mode`` group or individual; whole, positive durations and peer
    counts. Raises :class:`analysis.io.files.InputError` naming ``name``, the line and
    the column of the first problems; returns the frame with numeric columns as integers."""
    missing = [c for c in SESSION_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"{name}, line 1: missing column(s) {missing}")
    periods = period_table().set_index("period")
    problems = [f"{name}, line {line}, column {column!r}: {text}"
                for line, row in frame.iterrows()
                for column, text in _session_problems(row, periods)]
    if frame["session_id"].duplicated().any():
        line = frame.index[frame["session_id"].duplicated()][0]
        problems.append(f"{name}, line {line}, column 'session_id': "
                        f"{frame.loc[line, 'session_id']!r} repeated")
    if problems:
        raise InputError("invalid session records:\n  " + "\n  ".join(problems[:20]))
    out = frame[SESSION_COLUMNS].copy()
    for column in ("duration_min", "peers_leading", "peers_assisting"):
        out[column] = out[column].astype(int)
    return out.reset_index(drop=True)


def read_sessions(path) -> pd.DataFrame:
    """Read and validate a session file (:func:`validate_sessions`)."""


    path = Path(path)
    return validate_sessions(read_csv_strict(path, SESSION_COLUMNS, exact=True), path.name)


def write_sessions(frame: pd.DataFrame, path) -> None:
    """Validate, then write session records atomically."""


    text = frame[SESSION_COLUMNS].astype(str)
    text.index = pd.RangeIndex(2, 2 + len(text))
    validate_sessions(text, Path(path).name)
    atomic_write_text(Path(path), frame[SESSION_COLUMNS].to_csv(index=False, lineterminator="\n"))
