"""Record-level interview data (fan2018 and fan2019 outcomes): schema, validation, reading
and writing. One row per respondent and question, linked to the participant tables by
``person_id`` (a foreign key the validator enforces)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.io.files import InputError, atomic_write_text, read_csv_strict
from analysis.io.questionnaire import questions

__all__ = ["INTERVIEW_COLUMNS", "read_interviews", "validate_interviews", "write_interviews"]


INTERVIEW_COLUMNS = ["paper", "person_id", "role", "wave", "question", "kind", "answer"]


def validate_interviews(frame: pd.DataFrame, registry: pd.DataFrame,
                        people: dict[str, pd.DataFrame], name: str = "interviews") -> None:
    """Check interview records: the columns of :data:`INTERVIEW_COLUMNS`; each question in
    the catalogue (:func:`questions`) for its paper and role; answers ``yes``/``no``/"" for
    yes/no questions and whole numbers within the scale for ratings; every ``person_id`` in
    that paper's participant table with that role (a foreign key); no person answering a
    question twice. Raises :class:`analysis.registry.InputError` naming the line and
    column."""

    missing = [c for c in INTERVIEW_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"{name}, line 1: missing column(s) {missing}")
    catalogue = questions().set_index(["paper", "question", "role"])
    roles = {paper: table.set_index("person_id")["role"] for paper, table in people.items()}
    problems = []
    for line, row in frame.iterrows():
        where = f"{name}, line {line}"
        key = (row["paper"], row["question"], row["role"])
        if key not in catalogue.index:
            problems.append(f"{where}, column 'question': {row['question']!r} is not asked of "
                            f"{row['role']}s in {row['paper']}")
            continue
        spec = catalogue.loc[key]
        answer = row["answer"]
        if spec["kind"] == "yes_no" and answer not in ("yes", "no", ""):
            problems.append(f"{where}, column 'answer': {answer!r} is not yes, no or empty")
        if spec["kind"] != "yes_no" and answer != "" and not (
                answer.isdigit() and spec["lo"] <= int(answer) <= spec["hi"]):
            problems.append(f"{where}, column 'answer': {answer!r} is not a whole number in "
                            f"{spec['lo']}-{spec['hi']}")
        known = roles.get(row["paper"], pd.Series(dtype=str))
        if row["person_id"] not in known.index:
            problems.append(f"{where}, column 'person_id': {row['person_id']!r} is not in the "
                            f"{row['paper']} participants")
        elif known[row["person_id"]] != row["role"]:
            problems.append(f"{where}, column 'role': {row['person_id']} is a "
                            f"{known[row['person_id']]}, not a {row['role']}")
        if len(problems) >= 20:
            break
    repeated = frame.duplicated(["paper", "person_id", "question"])
    if repeated.any():
        line = frame.index[repeated][0]
        problems.append(f"{name}, line {line}: {frame.loc[line, 'person_id']} answers "
                        f"{frame.loc[line, 'question']!r} twice")
    if problems:
        raise InputError("invalid interview records:\n  " + "\n  ".join(problems))


def read_interviews(path, registry: pd.DataFrame, people: dict[str, pd.DataFrame]
                    ) -> pd.DataFrame:
    """Read and validate an interview file (:func:`validate_interviews`)."""


    path = Path(path)
    frame = read_csv_strict(path, INTERVIEW_COLUMNS, exact=True)
    validate_interviews(frame, registry, people, path.name)
    return frame[INTERVIEW_COLUMNS].reset_index(drop=True)


def write_interviews(frame: pd.DataFrame, path, registry: pd.DataFrame,
                     people: dict[str, pd.DataFrame]) -> None:
    """Validate, then write interview records atomically."""


    checked = frame[INTERVIEW_COLUMNS].astype(str)
    checked.index = pd.RangeIndex(2, 2 + len(checked))
    validate_interviews(checked, registry, people, Path(path).name)
    atomic_write_text(Path(path), frame[INTERVIEW_COLUMNS].to_csv(index=False,
                                                                  lineterminator="\n"))
