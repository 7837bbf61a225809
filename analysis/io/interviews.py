"""Record-level interview data (fan2018 and fan2019 outcomes): schema, validation, reading
and writing. One row per respondent and question, linked to the participant tables by
``person_id`` (a foreign key the validator enforces)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.io.files import InputError, atomic_write_text, read_csv_strict
from analysis.io.questionnaire import questions

__all__ = ["INTERVIEW_COLUMNS", "read_interviews", "validate_interviews", "write_interviews"]


INTERVIEW_COLUMNS = ["paper", "person_id", "role", "wave", "question", "kind", "answer"]


def _answer_problems(row: pd.Series, spec: pd.Series, roles: dict) -> list[tuple[str, str]]:
    """(column, problem) of one answer to a known question."""
    found = []
    answer = row["answer"]
    if spec["kind"] == "yes_no" and answer not in ("yes", "no", ""):
        found.append(("answer", f"{answer!r} is not yes, no or empty"))
    if spec["kind"] != "yes_no" and answer != "" and not (
            re.fullmatch(r"[0-9]+", answer) and spec["lo"] <= int(answer) <= spec["hi"]):
        found.append(("answer", f"{answer!r} is not a whole number in {spec['lo']}-{spec['hi']}"))
    known = roles.get(row["paper"], pd.Series(dtype=str))
    if row["person_id"] not in known.index:
        found.append(("person_id", f"{row['person_id']!r} is not in the {row['paper']} "
                                   "participants"))
    elif known[row["person_id"]] != row["role"]:
        found.append(("role", f"{row['person_id']} is a {known[row['person_id']]}, not a "
                              f"{row['role']}"))
    return found


def validate_interviews(frame: pd.DataFrame, people: dict[str, pd.DataFrame],
                        name: str = "interviews") -> None:
    """Check interview records: the columns of :data:`INTERVIEW_COLUMNS`; each question in
    the catalogue (:func:`analysis.io.questionnaire.questions`) for its paper and role;
    answers ``yes``/``no``/"" for yes/no questions and whole numbers within the scale for
    ratings; every ``person_id`` in that paper's participant table with that role (a foreign
    key); no person answering a question twice. Raises
    :class:`analysis.io.files.InputError` naming the line and column."""
    missing = [c for c in INTERVIEW_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"{name}, line 1: missing column(s) {missing}")
    catalogue = questions().set_index(["paper", "question", "role"])
    roles = {paper: table.set_index("person_id")["role"] for paper, table in people.items()}
    problems = []
    for line, row in frame.iterrows():
        key = (row["paper"], row["question"], row["role"])
        found = [("question", f"{row['question']!r} is not asked of {row['role']}s in "
                              f"{row['paper']}")] if key not in catalogue.index else \
            _answer_problems(row, catalogue.loc[key], roles)
        problems += [f"{name}, line {line}, column {column!r}: {text}" for column, text in found]
        if len(problems) >= 20:
            break
    repeated = frame.duplicated(["paper", "person_id", "question"])
    if repeated.any():
        line = frame.index[repeated][0]
        problems.append(f"{name}, line {line}: {frame.loc[line, 'person_id']} answers "
                        f"{frame.loc[line, 'question']!r} twice")
    if problems:
        raise InputError("invalid interview records:\n  " + "\n  ".join(problems))


def read_interviews(path: Path | str, people: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Read and validate an interview file (:func:`validate_interviews`)."""
    path = Path(path)
    frame = read_csv_strict(path, INTERVIEW_COLUMNS, exact=True)
    validate_interviews(frame, people, path.name)
    return frame[INTERVIEW_COLUMNS].reset_index(drop=True)


def write_interviews(frame: pd.DataFrame, path: Path | str,
                     people: dict[str, pd.DataFrame]) -> None:
    """Validate, then write interview records atomically."""
    checked = frame[INTERVIEW_COLUMNS].astype(str)
    checked.index = pd.RangeIndex(2, 2 + len(checked))
    validate_interviews(checked, people, Path(path).name)
    atomic_write_text(Path(path), frame[INTERVIEW_COLUMNS].to_csv(index=False,
                                                                  lineterminator="\n"))
