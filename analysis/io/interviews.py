"""Record-level interview data (fan2018 and fan2019 outcomes): schema, validation, reading
and writing. One row per respondent and question, linked to the participant tables by
``person_id`` (a foreign key the validator enforces)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.io.files import InputError, atomic_write_text, read_csv_strict
from analysis.io.questionnaire import questions
from analysis.io.schema import column_problems, columns_of

__all__ = ["INTERVIEW_COLUMNS", "allowed_codes", "read_interviews", "validate_interviews", "write_interviews"]


#: The columns, in order (declared in ``data/design/record_columns.csv``).
INTERVIEW_COLUMNS = columns_of("interviews")


def _answer_problems(row: pd.Series, spec: pd.Series, people: dict) -> list[tuple[str, str]]:
    """(column, problem) of one answer to a known question: its kind, its scale, and the
    respondent (a foreign key into that paper's participants, with the same role and
    wave)."""
    found = []
    answer = row["answer"]
    if row["kind"] != spec["kind"]:
        found.append(("kind", f"{row['kind']!r} but the question is {spec['kind']!r}"))
    if spec["kind"] == "yes_no" and answer not in ("yes", "no", ""):
        found.append(("answer", f"{answer!r} is not yes, no or empty"))
    if spec["kind"] != "yes_no" and answer != "" and not (
            re.fullmatch(r"[0-9]{1,2}", answer) and spec["lo"] <= int(answer) <= spec["hi"]):
        found.append(("answer", f"{answer!r} is not a whole number in {spec['lo']}-{spec['hi']}"))
    known = people.get(row["paper"])
    if known is None or row["person_id"] not in known.index:
        found.append(("person_id", f"{row['person_id']!r} is not in the {row['paper']} "
                                   "participants"))
        return found
    for column in ("role", "wave"):
        if known.loc[row["person_id"], column] != row[column]:
            found.append((column, f"{row['person_id']!r} is a {known.loc[row['person_id'], column]}"
                                  f" in the participants, not {row[column]!r}"))
    return found


def _interview_problems(frame: pd.DataFrame, people: dict[str, pd.DataFrame]) -> list[tuple]:
    """(line, column, problem) of the rules across columns and files."""
    catalogue = questions().set_index(["paper", "question", "role"])
    known = {paper: table.set_index("person_id")[["role", "wave"]]
             for paper, table in people.items()}
    found = []
    for line, row in frame.iterrows():
        key = (row["paper"], row["question"], row["role"])
        if key not in catalogue.index:
            found.append((line, "question", f"{row['question']!r} is not asked of "
                                            f"{row['role']}s in {row['paper']}"))
            continue
        found += [(line, column, text)
                  for column, text in _answer_problems(row, catalogue.loc[key], known)]
    repeated = frame.duplicated(["paper", "person_id", "question"])
    found += [(line, "question", "the same person answers this question twice")
              for line in frame.index[repeated]]
    return found


def allowed_codes() -> dict[str, set[str]]:
    """The questions and kinds of the questionnaire (``data/questionnaires/questions.csv``)."""
    catalogue = questions()
    return {"question": set(catalogue["question"]), "kind": set(catalogue["kind"])}


def validate_interviews(frame: pd.DataFrame, people: dict[str, pd.DataFrame],
                        name: str = "interviews") -> None:
    """Check interview records: each column against its declaration
    (``data/design/record_columns.csv``, with pandera); each question in the catalogue
    (:func:`analysis.io.questionnaire.questions`) for its paper and role, with its kind;
    answers ``yes``/``no``/"" for yes/no questions and whole numbers within the scale for
    ratings; every ``person_id`` in that paper's participant table with that role and wave
    (a foreign key); no person answering a question twice. Raises
    :class:`analysis.io.files.InputError` listing every problem with line and column."""
    problems = column_problems(frame, "interviews", name, allowed_codes())
    problems += [f"{name}, line {line}, column {column!r}: {text}"
                 for line, column, text in _interview_problems(frame, people)]
    if problems:
        raise InputError(f"{len(problems)} problem(s) in {name}:\n  " + "\n  ".join(problems))


def read_interviews(path: Path | str, people: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Read and validate an interview file (:func:`validate_interviews`)."""
    path = Path(path)
    frame = read_csv_strict(path, INTERVIEW_COLUMNS, exact=True, rows_required=True)
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
