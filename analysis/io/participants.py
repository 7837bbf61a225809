"""Record-level participant data: schema, validation, reading and writing.

One row per person: peer service providers (``peer``), consumers (``consumer``) and
caregivers (``caregiver``), with one table per paper (``fan2018``, ``fan2019``). The same
schema serves the reconstructed data in ``data/reconstructed/`` and real data obtained from
the authors, which a researcher recodes into it and keeps outside git.

Category codes are the registry's id slugs, so a table cell is found by its id: the count of
female consumers in fan2019 Table 1 is ``fan2019.table1.gender_female.consumers.count`` and
is computed from rows with ``sex == "female"``. :data:`analysis.io.design.VARIABLES` maps
each column to its registry prefix in each paper; the allowed categories are read from the
registry, not typed.

Columns
-------
paper, person_id, role, community, wave
    ``wave`` is ``initial`` (Tuanjiehu, Maizidian, from July 2013) or ``later`` (Xiangheyuan,
    Jingsong, from August 2015).
year_enrolled, year_left
    fan2018 only (its Table 1 counts people by year); empty where unknown or not left.
sex, age, education, marital_status, employed, diagnosis
    The demographics of fan2018 Table 2 / fan2019 Table 1, in each paper's own categories.
lives_alone, onset_age
    fan2019 only.
evaluated
    ``yes`` / ``no``: took part in the paper's evaluation (fan2018: December 2014, initial
    communities; fan2019: the 12/18-month follow-up); empty if not in its frame.
followup_month
    Months from the wave's start to its evaluation (fan2019).
dropout_reason
    Why an enrolled person was not evaluated, where the paper says, coded (``temporary
    leave``, ``personal issues``, ``other``): free text is refused, since it could identify
    someone and would reach the figures.
cares_for
    For caregivers, the ``person_id`` of the family member (their own sex and age are in
    ``sex`` and ``age``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.io.annotations import measure_value
from analysis.io.design import COMMUNITY_WAVE, VARIABLES
from analysis.io.files import InputError, atomic_write_text, read_csv_strict
from analysis.io.registry import categories
from analysis.io.schema import column_problems, columns_of

__all__ = [
    "PARTICIPANT_COLUMNS",
    "ROLES",
    "as_records",
    "outside_inclusion",
    "read_participants",
    "validate_participants",
    "write_participants",
]


#: The columns, in order (declared in ``data/design/record_columns.csv``).
PARTICIPANT_COLUMNS = columns_of("participants")


ROLES = ("peer", "consumer", "caregiver")


def _whole(text: str) -> bool:
    """A whole number written with ASCII digits (``"40"``; not ``"40.5"``, ``"٤٠"``)."""
    return re.fullmatch(r"[0-9]{1,6}", text) is not None


def _place_problems(row: pd.Series, patients: set[str]) -> list[tuple[str, str]]:
    """(column, problem) of one row's wave and family member (the codes themselves are
    checked by the schema)."""
    found = []
    wave = COMMUNITY_WAVE.get(row["community"])
    if wave is not None and row["wave"] in ("initial", "later") and row["wave"] != wave:
        found.append(("wave", f"{row['wave']!r} but {row['community']} belongs to the {wave} "
                              "wave"))
    if row["role"] == "caregiver" and row["cares_for"] not in patients:
        found.append(("cares_for", f"{row['cares_for']!r} is not a peer or consumer of this "
                                   "file"))
    if row["role"] in ("peer", "consumer") and row["cares_for"]:
        found.append(("cares_for", "only caregivers care for someone"))
    return found


def _history_problems(row: pd.Series) -> list[tuple[str, str]]:
    """(column, problem) of a row whose dates or evaluation contradict each other."""
    found = []
    if _whole(row["year_enrolled"]) and _whole(row["year_left"]) and \
            int(row["year_left"]) < int(row["year_enrolled"]):
        found.append(("year_left", f"{row['year_left']!r} is before the year enrolled, "
                                   f"{row['year_enrolled']}"))
    if row["evaluated"] == "yes" and row["dropout_reason"]:
        found.append(("dropout_reason", f"{row['dropout_reason']!r} for someone evaluated "
                                        "(evaluated = yes); a reason is for those who were not"))
    return found


def outside_inclusion(age: int, ages: tuple[int, int]) -> str | None:
    """What is wrong with a peer's or consumer's ``age`` given the inclusion ``ages``, or
    None: the one rule validation applies to ages."""
    low, high = ages
    if low <= age <= high:
        return None
    return f"{age!r} is outside the inclusion ages {low}-{high} (the papers' Methods)"


def _patient_problems(row: pd.Series, columns: list[str],
                      ages: tuple[int, int]) -> list[tuple[str, str]]:
    """(column, problem) of a peer's or consumer's age, onset age and categories."""
    found = []
    described = row["age"] != ""
    outside = outside_inclusion(int(row["age"]), ages) if _whole(row["age"]) else None
    if outside:
        found.append(("age", outside.replace(f"{int(row['age'])!r}", repr(row["age"]), 1)))
    elif _whole(row["age"]) and _whole(row["onset_age"]) and \
            int(row["onset_age"]) > int(row["age"]):
        found.append(("onset_age", f"{row['onset_age']!r} is above the age {row['age']}"))
    found += [(column, "empty for a described participant (one with an age)")
              for column in columns if described and not row[column]]
    return found


def _paper_of(frame: pd.DataFrame, name: str) -> str:
    """The paper a file holds: named by the file (``fan2019_participants.csv``), else the
    most common value of its ``paper`` column."""
    for paper in VARIABLES:
        if name.startswith(paper):
            return paper
    known = frame["paper"][frame["paper"].isin(list(VARIABLES))]
    if known.empty:
        raise InputError(f"{name}, column 'paper': no row names one of {sorted(VARIABLES)}")
    return known.value_counts().index[0]


def _allowed(registry: pd.DataFrame, paper: str) -> dict[str, set[str]]:
    """The codes each looked-up column may hold in ``paper``'s file (a demographic of the
    other paper only: none)."""
    every = {column for variables in VARIABLES.values() for column in variables}
    allowed = {column: set() for column in every}
    allowed |= {column: set(categories(registry, paper, column)) for column in VARIABLES[paper]}
    allowed["community"] = set(COMMUNITY_WAVE)
    return allowed


def _row_problems(frame: pd.DataFrame, paper: str, registry: pd.DataFrame) -> list[tuple]:
    """(line, column, problem) of the rules across columns and rows."""
    ages = tuple(int(measure_value(registry, f"{paper}_age_{end}")) for end in ("min", "max"))
    patients = set(frame.loc[frame["role"].isin(["peer", "consumer"]), "person_id"])
    found, seen = [], set()
    for line, row in frame.iterrows():
        if row["paper"] != paper and row["paper"] in VARIABLES:
            found.append((line, "paper", f"{row['paper']!r} but this file holds {paper}"))
        if row["person_id"] and row["person_id"] in seen:
            found.append((line, "person_id", "repeats an earlier row's person_id"))
        seen.add(row["person_id"])
        found += [(line, column, text) for column, text in _place_problems(row, patients)]
        found += [(line, column, text) for column, text in _history_problems(row)]
        if row["role"] in ("peer", "consumer"):
            found += [(line, column, text) for column, text in
                      _patient_problems(row, list(VARIABLES[paper]), ages)]
    return found


def validate_participants(
    frame: pd.DataFrame, registry: pd.DataFrame, path: Path | str = "participants.csv"
) -> None:
    """Check a participant table (all columns strings, index = CSV line); raise
    :class:`InputError` listing every problem with file, line and column.

    Each column against its declaration (``data/design/record_columns.csv``, with pandera:
    codes from the paper's registry categories, whole numbers in ASCII digits, ids); then
    one paper per file; unique ``person_id``; ``wave`` agreeing with ``community``; peers'
    and consumers' ``age`` within the paper's inclusion ages (Methods: 18-60, read from the
    registry), ``onset_age`` not above ``age``, and every demographic given for a
    described participant; ``cares_for`` naming a peer or consumer of the same file.
    """
    name = Path(path).name
    paper = _paper_of(frame, name)
    problems = column_problems(frame, "participants", name, _allowed(registry, paper))
    problems += [f"{name}, line {line}, column {column!r}: {text}"
                 for line, column, text in _row_problems(frame, paper, registry)]
    if problems:
        raise InputError(f"{len(problems)} problem(s) in {name}:\n  " + "\n  ".join(problems))


def read_participants(path: Path | str, registry: pd.DataFrame) -> pd.DataFrame:
    """Read and validate one paper's participant CSV (every column a string)."""
    frame = read_csv_strict(path, PARTICIPANT_COLUMNS, exact=True, rows_required=True)
    validate_participants(frame, registry, path)
    return frame


def as_records(frame: pd.DataFrame, registry: pd.DataFrame,
               name: str = "participants.csv") -> pd.DataFrame:
    """``frame`` exactly as :func:`write_participants` writes it and
    :func:`read_participants` reads it back: every column a string, the index the CSV line,
    validated."""
    text_frame = frame[PARTICIPANT_COLUMNS].astype(str).replace({"nan": "", "None": "", "<NA>": ""})
    text_frame.index = pd.RangeIndex(2, 2 + len(text_frame))
    validate_participants(text_frame, registry, name)
    return text_frame


def write_participants(frame: pd.DataFrame, path: Path | str, registry: pd.DataFrame) -> Path:
    """Validate, then write atomically (a failed run leaves the previous file as it was)."""
    path = Path(path)
    text_frame = as_records(frame, registry, path.name)
    atomic_write_text(path, text_frame.to_csv(index=False, lineterminator="\n"))
    return path
