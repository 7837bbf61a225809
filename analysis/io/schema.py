"""The record-level files' columns as pandera schemas, built from
``data/design/record_columns.csv``.

Each column has a kind (an id, a code from a list, a whole number in a range, a date, an
answer) and says whether it is required; allowed codes come from the list in that file, the
paper's categories in the registry, the design tables or the questionnaire, never from code.
:func:`column_problems` validates a frame of strings (index = CSV line) with pandera, lazily,
so that every bad cell is reported, each as ``file, line N, column 'c': 'value' is not ...:
expected ...``. Rules across columns and rows (a wave that agrees with its community, a
foreign key) stay with the file's own module. Whole numbers are ASCII digits only (``٤٠``,
``４０``, ``4²`` and ``40.0`` are refused) and at most six digits, so nothing overflows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache

import pandas as pd

from analysis.io.facts import read_facts

__all__ = ["RECORD_FILES", "column_problems", "columns_of", "foreign", "record_schema"]

RECORD_FILES = ("participants", "sessions", "interviews")
ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}"
WHOLE_PATTERN = r"[0-9]{1,6}"
REQUIRED = "empty, but this column is required"


@cache
def _declared() -> pd.DataFrame:
    return read_facts("record_columns")


def columns_of(file: str) -> list[str]:
    """The columns of a record-level file, in order."""
    rows = _declared()
    return rows.loc[rows["file"] == file, "column"].tolist()


def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def _test(row: pd.Series, allowed: set[str]) -> tuple[Callable[[pd.Series], pd.Series], str]:
    """A vectorised test of one column's non-empty values and what it expects."""
    kind = row["kind"]
    if kind == "id":
        return (lambda s: s.str.fullmatch(ID_PATTERN),
                "a code of letters, digits, '-', '_' or '.', at most 40 characters")
    if kind == "code":
        shown = ", ".join(sorted(allowed))
        return (lambda s: s.isin(allowed), f"one of: {shown}")
    if kind == "whole":
        low, high = int(row["minimum"]), int(row["maximum"])
        return (lambda s: s.str.fullmatch(WHOLE_PATTERN)
                & pd.to_numeric(s.where(s.str.fullmatch(WHOLE_PATTERN), "-1")).between(low, high),
                f"a whole number written with the digits 0-9, from {low} to {high}")
    if kind == "date":
        return (lambda s: s.map(_is_date).astype(bool), "a date written YYYY-MM-DD")
    return (lambda s: s.str.fullmatch(r"yes|no|[0-9]{1,2}"),
            "yes, no or a whole number within the question's scale")


def _codes(row: pd.Series, allowed: dict[str, set[str]]) -> set[str]:
    """The allowed codes of a column: listed in ``record_columns.csv``, or looked up
    (``registry``, ``questionnaire``, ``design:<table>``) and passed in ``allowed``."""
    text = row["allowed"]
    if text in ("registry", "questionnaire") or text.startswith("design:"):
        return allowed.get(row["column"], set())
    return set(text.split("|")) if text else set()


def record_schema(file: str, allowed: dict[str, set[str]]):
    """The pandera schema of a record-level file; ``allowed`` gives the codes of columns
    whose list is not in ``record_columns.csv`` (registry categories, design tables)."""
    import pandera.pandas as pa  # imported when a file is validated

    columns = {}
    for _, row in _declared()[_declared()["file"] == file].iterrows():
        test, expected = _test(row, _codes(row, allowed))
        checks = [pa.Check(lambda s, t=test: (s == "") | t(s).fillna(False).astype(bool),
                           error=expected)]
        if row["required"] == "yes":
            checks.append(pa.Check(lambda s: s != "", error=REQUIRED))
        columns[row["column"]] = pa.Column(str, checks=checks, nullable=False)
    return pa.DataFrameSchema(columns, strict=True, name=file)


def foreign(value: object) -> str:
    """Which characters of ``value`` are not plain ASCII, named (a Cyrillic о looks like a
    Latin o: the message must say which character is foreign), or ""."""
    import unicodedata

    odd = sorted({c for c in str(value) if ord(c) > 127}, key=str(value).index)
    if not odd:
        return ""
    named = ", ".join(f"{c!r} (U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')})"
                      for c in odd[:3])
    return f"; it holds {named}, not a plain ASCII letter or digit"


def column_problems(frame: pd.DataFrame, file: str, name: str,
                    allowed: dict[str, set[str]] | None = None) -> list[str]:
    """Every cell of ``frame`` that breaks its column's declaration, one message each."""
    import pandera.errors

    schema = record_schema(file, allowed or {})
    try:
        schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as error:
        cases = error.failure_cases
        cases = cases[cases["index"].notna()].sort_values(["index", "column"], kind="stable")
        return [f"{name}, line {int(case.index)}, column {case.column!r}: "
                + (case.check if case.check == REQUIRED else
                   f"{case.failure_case!r} is not {case.check}{foreign(case.failure_case)}")
                for case in cases.itertuples()]
    return []
