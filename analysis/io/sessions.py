"""Record-level session data (fan2018 Fig. 1 and 2): schema, validation, reading and writing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from analysis.io.design import CATEGORIES, COMMUNITIES, COMMUNITY_START, PERIODS, period_table
from analysis.io.files import InputError, atomic_write_text, read_csv_strict
from analysis.io.schema import column_problems, columns_of

__all__ = ["SESSION_COLUMNS", "read_sessions", "validate_sessions", "write_sessions"]


#: The columns, in order (declared in ``data/design/record_columns.csv``).
SESSION_COLUMNS = columns_of("sessions")


def _date_problems(frame: pd.DataFrame) -> list[tuple]:
    """(line, column, problem) of dates outside their period or before their community
    started (well-formed dates and known periods only: the schema reports the rest)."""
    periods = period_table().set_index("period")
    found = []
    for line, row in frame.iterrows():
        try:
            date = dt.date.fromisoformat(row["date"])
        except ValueError:
            continue
        if row["period"] in periods.index and not (
                periods.loc[row["period"], "start"] <= date < periods.loc[row["period"], "end"]):
            found.append((line, "date", f"{row['date']} is outside period {row['period']}"))
        if row["community"] in COMMUNITY_START and date < COMMUNITY_START[row["community"]]:
            found.append((line, "date", f"{row['date']} is before {row['community']} started"))
    repeated = frame["session_id"].ne("") & frame["session_id"].duplicated()
    found += [(line, "session_id", "repeats an earlier row's session_id")
              for line in frame.index[repeated]]
    return found


def validate_sessions(frame: pd.DataFrame, name: str = "sessions") -> pd.DataFrame:
    """Check session records (all strings as read from CSV): each column against its
    declaration (``data/design/record_columns.csv``, with pandera: known communities,
    periods, categories and formats, ``mode`` group or individual, whole durations and peer
    counts in ASCII digits), then an ISO date inside its period and after the community
    started, and unique ids. Raises :class:`analysis.io.files.InputError` listing every
    problem with file, line and column; returns the frame with numeric columns as
    integers."""
    allowed = {"community": set(COMMUNITIES), "period": set(PERIODS),
               "category": set(CATEGORIES)}
    problems = column_problems(frame, "sessions", name, allowed)
    problems += [f"{name}, line {line}, column {column!r}: {text}"
                 for line, column, text in _date_problems(frame)]
    if problems:
        raise InputError(f"{len(problems)} problem(s) in {name}:\n  " + "\n  ".join(problems))
    out = frame[SESSION_COLUMNS].copy()
    for column in ("duration_min", "peers_leading", "peers_assisting"):
        out[column] = out[column].astype(int)
    return out.reset_index(drop=True)


def read_sessions(path) -> pd.DataFrame:
    """Read and validate a session file (:func:`validate_sessions`)."""
    path = Path(path)
    frame = read_csv_strict(path, SESSION_COLUMNS, exact=True, rows_required=True)
    return validate_sessions(frame, path.name)


def write_sessions(frame: pd.DataFrame, path) -> None:
    """Validate, then write session records atomically."""
    text = frame[SESSION_COLUMNS].astype(str)
    text.index = pd.RangeIndex(2, 2 + len(text))
    validate_sessions(text, Path(path).name)
    atomic_write_text(Path(path), frame[SESSION_COLUMNS].to_csv(index=False, lineterminator="\n"))
