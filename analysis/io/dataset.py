"""A researcher's data folder, validated completely before any notebook runs.

``python -m analysis.run -p data_dir FOLDER`` calls :func:`dataset_problems` first: the four
record-level files (``fan2018_participants.csv``, ``fan2019_participants.csv``,
``fan2018_sessions.csv``, ``interviews.csv``) are read and checked, every problem of every
file is collected (file, line, column, value, what was expected), and the run stops with
exit status 2, having written nothing, if there is any. Messages name files, never the
folder's path.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.io.contract import contract_problems
from analysis.io.files import InputError, read_csv_strict
from analysis.io.interviews import INTERVIEW_COLUMNS, allowed_codes, validate_interviews
from analysis.io.participants import read_participants
from analysis.io.registry import load_registry
from analysis.io.schema import column_problems
from analysis.io.sessions import read_sessions

__all__ = ["DATA_FILES", "dataset_problems", "problem_listing"]

#: Problems listed one by one; beyond, counted by file and column.
SHOWN = 200

#: The files of a data folder, in the order they are checked.
DATA_FILES = ("fan2018_participants.csv", "fan2019_participants.csv", "fan2018_sessions.csv",
              "interviews.csv")


def _problems(error: InputError) -> list[str]:
    """The problems listed in an :class:`InputError` message, one per item."""
    lines = str(error).splitlines()
    listed = [line.strip() for line in lines[1:] if line.strip()]
    return listed if lines[0].endswith(":") and listed else [line.strip() for line in lines]


def _interview_problems(path: Path, people: dict[str, pd.DataFrame],
                        complete: bool) -> list[str]:
    """Every problem of ``interviews.csv``; the checks against the participants only when
    both participant files are valid (else each answer would be reported again)."""
    try:
        frame = read_csv_strict(path, INTERVIEW_COLUMNS, exact=True, rows_required=True)
        if complete:
            validate_interviews(frame, people, path.name)
            return []
        return column_problems(frame, "interviews", path.name, allowed_codes())
    except InputError as error:
        return _problems(error)


def dataset_problems(folder: Path) -> list[str]:
    """Every problem of every file of the data ``folder`` (empty: the data can be run)."""
    folder = Path(folder)
    if not folder.is_dir():
        return ["data_dir: your data folder does not exist or is not a folder"]
    registry = load_registry()
    problems, people = [], {}
    for paper in ("fan2018", "fan2019"):
        try:
            people[paper] = read_participants(folder / f"{paper}_participants.csv", registry)
        except InputError as error:
            problems += _problems(error)
    try:
        read_sessions(folder / "fan2018_sessions.csv")
    except InputError as error:
        problems += _problems(error)
    if len(people) == 2:
        problems += contract_problems(people)
    problems += _interview_problems(folder / "interviews.csv", people, len(people) == 2)
    return problems


def problem_listing(problems: list[str]) -> str:
    """The problems, one per line: all of them up to :data:`SHOWN`, then the rest counted
    by file and column (so that a wholly wrong file does not bury the first messages)."""
    shown = problems[:SHOWN]
    rest = pd.Series([p.split(", line")[0] + (" " + p.split("column ")[1].split(":")[0]
                                              if "column " in p else "")
                      for p in problems[SHOWN:]], dtype=str)
    lines = [f"{len(problems)} problem(s) in your data:", *shown]
    lines += [f"... and {n} more in {where}" for where, n in rest.value_counts().items()]
    return "\n  ".join(lines)
