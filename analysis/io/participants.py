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
    Why an enrolled person was not evaluated, where the paper says.
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

__all__ = [
    "PARTICIPANT_COLUMNS",
    "ROLES",
    "as_records",
    "read_participants",
    "validate_participants",
    "write_participants",
]


PARTICIPANT_COLUMNS = [
    "paper",
    "person_id",
    "role",
    "community",
    "wave",
    "year_enrolled",
    "year_left",
    "sex",
    "age",
    "education",
    "marital_status",
    "employed",
    "diagnosis",
    "lives_alone",
    "onset_age",
    "evaluated",
    "followup_month",
    "dropout_reason",
    "cares_for",
]


ROLES = ("peer", "consumer", "caregiver")


def _whole(text: str) -> bool:
    """A whole number written with ASCII digits (``"40"``; not ``"40.5"``, ``"٤٠"``)."""
    return re.fullmatch(r"[0-9]+", text) is not None


def _place_problems(row: pd.Series, patients: set[str]) -> list[tuple[str, str]]:
    """(column, problem) of one row's role, community, wave, evaluation and family member."""
    if row["role"] not in ROLES:
        return [("role", f"{row['role']!r} is not one of {ROLES}")]
    found = []
    wave = COMMUNITY_WAVE.get(row["community"])
    if wave is None:
        found.append(("community", f"{row['community']!r} is not one of "
                                   f"{sorted(COMMUNITY_WAVE)}"))
    elif row["wave"] != wave:
        found.append(("wave", f"{row['wave']!r} but {row['community']} belongs to the {wave} "
                              "wave"))
    if row["evaluated"] not in ("yes", "no", ""):
        found.append(("evaluated", f"{row['evaluated']!r} is not yes, no or empty"))
    if row["role"] == "caregiver" and row["cares_for"] not in patients:
        found.append(("cares_for", f"{row['cares_for']!r} is not a peer or consumer of this "
                                   "file"))
    if row["role"] != "caregiver" and row["cares_for"]:
        found.append(("cares_for", "only caregivers care for someone"))
    return found


def _patient_problems(row: pd.Series, allowed: dict[str, set[str]],
                      ages: tuple[int, int]) -> list[tuple[str, str]]:
    """(column, problem) of a peer's or consumer's age, onset age and categories."""
    found = []
    described = row["age"] != ""
    low, high = ages
    if described and not (_whole(row["age"]) and low <= int(row["age"]) <= high):
        found.append(("age", f"{row['age']!r} is not a whole number of years in {low}-{high} "
                             "(the papers' inclusion criteria)"))
    elif described and row["onset_age"] and not (
            _whole(row["onset_age"]) and int(row["onset_age"]) <= int(row["age"])):
        found.append(("onset_age", f"{row['onset_age']!r} is not a whole number of years <= "
                                   f"age {row['age']}"))
    for column, codes in allowed.items():
        if row[column] and row[column] not in codes:
            found.append((column, f"{row[column]!r} is not one of {sorted(codes)}"))
        if described and not row[column]:
            found.append((column, "missing for a described participant"))
    return found


def _paper_of(frame: pd.DataFrame, path: Path) -> str:
    missing = [c for c in PARTICIPANT_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"{path.name}, line 1: missing column(s) {missing}")
    papers = set(frame["paper"])
    if len(papers) != 1 or not papers <= set(VARIABLES):
        raise InputError(f"{path.name}, column 'paper': one of {sorted(VARIABLES)} expected in "
                         f"every row, got {sorted(papers)}")
    return papers.pop()


def validate_participants(
    frame: pd.DataFrame, registry: pd.DataFrame, path: Path | str = "participants.csv"
) -> None:
    """Check a participant table (all columns strings, index = CSV line); raise
    :class:`InputError` listing each problem with file, line and column.

    Rules: one paper per file; unique ``person_id``; ``role``, ``community``, ``wave``
    from their allowed values and ``wave`` agreeing with ``community``; peers' and consumers'
    ``age`` a whole number within the paper's inclusion ages (Methods: 18-60, read from the
    registry); ``onset_age`` a whole number not above ``age``; each demographic code one of
    the paper's categories (from the registry); ``evaluated`` yes/no/empty; ``cares_for``
    naming a peer or consumer of the same file.
    """
    path = Path(path)
    paper = _paper_of(frame, path)
    allowed = {column: set(categories(registry, paper, column)) for column in VARIABLES[paper]}
    ages = tuple(int(measure_value(registry, f"{paper}_age_{end}")) for end in ("min", "max"))
    patients = set(frame.loc[frame["role"].isin(["peer", "consumer"]), "person_id"])
    problems: list[str] = []
    seen: set[str] = set()
    for line, row in frame.iterrows():
        found = []
        if row["person_id"] in seen or not row["person_id"]:
            found.append(("person_id", f"{row['person_id']!r} empty or repeated"))
        seen.add(row["person_id"])
        found += _place_problems(row, patients)
        if row["role"] in ("peer", "consumer"):
            found += _patient_problems(row, allowed, ages)
        problems += [f"{path.name}, line {line}, column {column!r}: {message}"
                     for column, message in found]
    unknown = {c for c in frame["cares_for"] if c} - set(frame["person_id"])
    if unknown:
        problems.append(f"{path.name}: cares_for names unknown people {sorted(unknown)}")
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise InputError(f"{len(problems)} problem(s) in {path}:\n  {shown}{more}")


def read_participants(path: Path | str, registry: pd.DataFrame) -> pd.DataFrame:
    """Read and validate one paper's participant CSV (every column a string)."""
    frame = read_csv_strict(path, PARTICIPANT_COLUMNS, exact=True)
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
