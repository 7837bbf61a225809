"""Paper facts kept as data, read and validated in one place.

The study design (``data/design/``), the questionnaires (``data/questionnaires/``) and which
stage handles each registry row (``data/published/stages.csv``) are CSV files described by
``data/datapackage.json``, a Frictionless Data Package. :func:`read_facts` reads one of its
resources and checks it against the resource's Table Schema (the subset used there:
``required``, ``enum``, ``pattern``, ``minimum``, types ``string``/``integer``/``date``, and
the ``primaryKey``). Every problem is reported with the file, line, column and value, as an
:class:`analysis.io.files.InputError`; nothing is coerced silently. Values stay strings
(integers and dates are checked, then converted by the caller that needs them).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import cache

import pandas as pd

from analysis.io import paths
from analysis.io.files import InputError, read_csv_strict

__all__ = ["PACKAGE", "read_facts", "resource", "schema_problems"]

#: The data package describing every fact table.
PACKAGE = paths.DATA / "datapackage.json"


@cache
def _package() -> dict:
    return json.loads(PACKAGE.read_text(encoding="utf-8"))


def resource(name: str) -> dict:
    """The data package entry of resource ``name`` (path, description, schema)."""
    for entry in _package()["resources"]:
        if entry["name"] == name:
            return entry
    known = [entry["name"] for entry in _package()["resources"]]
    raise KeyError(f"no resource {name!r} in {PACKAGE.name}; have {known}")


def _value_problem(value: str, field: dict) -> str | None:
    """What is wrong with one cell, or None."""
    rules = field.get("constraints", {})
    if value == "":
        return "is required" if rules.get("required") else None
    if "enum" in rules and value not in rules["enum"]:
        return f"is not one of {rules['enum']}"
    if "pattern" in rules and not re.fullmatch(rules["pattern"], value):
        return f"does not match {rules['pattern']!r}"
    if field.get("type") == "integer":
        if not re.fullmatch(r"-?[0-9]+", value):
            return "is not a whole number"
        if "minimum" in rules and int(value) < rules["minimum"]:
            return f"is below {rules['minimum']}"
    if field.get("type") == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return "is not a date (YYYY-MM-DD)"
    return None


def schema_problems(frame: pd.DataFrame, schema: dict, name: str) -> list[str]:
    """Every cell of ``frame`` (strings, index = CSV line) that breaks ``schema``, and every
    repeated primary key, as ``file, line N, column 'c': 'value' problem`` messages."""
    problems = []
    for field in schema["fields"]:
        for line, value in frame[field["name"]].items():
            problem = _value_problem(value, field)
            if problem:
                problems.append(f"{name}, line {line}, column {field['name']!r}: {value!r} "
                                f"{problem}")
    key = schema.get("primaryKey", [])
    if key:
        repeated = frame[frame.duplicated(key, keep="first")]
        for line, row in repeated.iterrows():
            problems.append(f"{name}, line {line}: {tuple(row[key])} repeats the key {key}")
    return problems


@cache
def _read(name: str) -> pd.DataFrame:
    entry = resource(name)
    path = paths.DATA / entry["path"]
    columns = [field["name"] for field in entry["schema"]["fields"]]
    frame = read_csv_strict(path, columns, exact=True)
    problems = schema_problems(frame, entry["schema"], path.name)
    if problems:
        shown = "\n  ".join(problems[:20])
        raise InputError(f"{len(problems)} problem(s) in {path}:\n  {shown}")
    return frame[columns]


def read_facts(name: str) -> pd.DataFrame:
    """Resource ``name`` of ``data/datapackage.json``, validated against its schema; every
    column a string, the index the CSV line. A copy, so callers may change it."""
    return _read(name).copy()
