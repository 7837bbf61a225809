"""Record-level interview data (fan2018 and fan2019 outcomes): schema, validation, reading
and writing. One row per respondent and question, linked to the participant tables by
``person_id`` (a foreign key the validator enforces)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.io.files import InputError, atomic_write_text, read_csv_strict
from analysis.io.questionnaire import questions
from analysis.io.schema import column_problems, columns_of

__all__ = ["INTERVIEW_COLUMNS", "allowed_codes", "read_interviews", "validate_interviews",
           "write_interviews"]


#: The columns, in order (declared in ``data/design/record_columns.csv``).
INTERVIEW_COLUMNS = columns_of("interviews")


def _answer_problems(rows: pd.DataFrame) -> list[tuple]:
    """(line, column, problem) of answers to known questions (``rows``: the answers merged
    with the catalogue, suffix ``_asked``): the kind and the scale."""
    found = [(r.line, "kind", f"{r.kind!r} but the question is {r.kind_asked!r}")
             for r in rows[rows["kind"] != rows["kind_asked"]].itertuples()]
    yes_no = rows["kind_asked"] == "yes_no"
    bad = rows[yes_no & ~rows["answer"].isin(["yes", "no", ""])]
    found += [(r.line, "answer", f"{r.answer!r} is not yes, no or empty")
              for r in bad.itertuples()]
    rated = rows[~yes_no & (rows["answer"] != "")]
    number = pd.to_numeric(rated["answer"].where(rated["answer"].str.fullmatch(r"[0-9]{1,2}")),
                           errors="coerce")
    bad = rated[~number.between(rated["lo"], rated["hi"])]
    found += [(r.line, "answer", f"{r.answer!r} is not a whole number in {r.lo}-{r.hi}")
              for r in bad.itertuples()]
    return found


def _person_problems(rows: pd.DataFrame, people: dict[str, pd.DataFrame]) -> list[tuple]:
    """(line, column, problem): each respondent in that paper's participants (a foreign
    key), with the same role and wave."""
    known = pd.concat([table[["person_id", "role", "wave"]].assign(paper=paper)
                       for paper, table in people.items()] or
                      [pd.DataFrame(columns=["person_id", "role", "wave", "paper"])])
    merged = rows.merge(known, on=["paper", "person_id"], how="left", suffixes=("", "_known"))
    found = [(r.line, "person_id", f"{r.person_id!r} is not in the {r.paper} participants")
             for r in merged[merged["role_known"].isna()].itertuples()]
    listed = merged[merged["role_known"].notna()]
    for column in ("role", "wave"):
        differ = listed[listed[column] != listed[f"{column}_known"]]
        found += [(r.line, column, f"{r.person_id!r} is {getattr(r, column + '_known')!r} in "
                                   f"the participants, not {getattr(r, column)!r}")
                  for r in differ.itertuples()]
    return found


def _interview_problems(frame: pd.DataFrame, people: dict[str, pd.DataFrame]) -> list[tuple]:
    """(line, column, problem) of the rules across columns and files, sorted by line."""
    catalogue = questions()[["paper", "question", "role", "kind", "lo", "hi"]]
    rows = frame.rename_axis("line").reset_index().merge(
        catalogue, on=["paper", "question", "role"], how="left", suffixes=("", "_asked"))
    unknown = rows["kind_asked"].isna()
    found = [(r.line, "question", f"{r.question!r} is not asked of {r.role}s in {r.paper}")
             for r in rows[unknown].itertuples()]
    found += _answer_problems(rows[~unknown]) + _person_problems(rows[~unknown], people)
    repeated = frame.duplicated(["paper", "person_id", "question"])
    found += [(line, "question", "the same person answers this question twice")
              for line in frame.index[repeated]]
    return sorted(found, key=lambda item: item[0])


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
