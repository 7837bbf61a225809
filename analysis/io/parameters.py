"""The notebooks' papermill parameters: names, types, defaults and allowed values, as data.

``notebooks/parameters.csv`` declares every parameter of every notebook (a test checks it
against what papermill reads from the notebooks' ``parameters`` cells, so it cannot drift).
:func:`parameter_problems` checks values before anything runs (type, allowed values, range;
a path must name an existing file or folder), :func:`is_default` says whether a run is the
published reproduction, and :func:`parameter_list` is what ``python -m analysis.run --list``
prints.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

import pandas as pd

from analysis.io import paths
from analysis.io.files import InputError, read_csv_strict

__all__ = ["ParameterError", "declared", "defaults", "is_default", "parameter_list",
           "parameter_problems", "path_parameters", "shown_as"]

PARAMETERS = paths.NOTEBOOKS / "parameters.csv"
COLUMNS = ["notebook", "name", "type", "default", "allowed", "minimum", "maximum", "shown_as",
           "help"]
TYPES = ("str", "int", "float", "bool", "path", "data")


class ParameterError(ValueError):
    """A parameter no notebook declares, or a value of the wrong type or out of range."""


@cache
def declared() -> pd.DataFrame:
    """``notebooks/parameters.csv``, checked: known types, JSON defaults."""
    frame = read_csv_strict(PARAMETERS, COLUMNS, exact=True)
    problems = []
    for line, row in frame.iterrows():
        if row["type"] not in TYPES:
            problems.append(f"{PARAMETERS.name}, line {line}, column 'type': "
                            f"{row['type']!r} is not one of {TYPES}")
        if (row["type"] in ("path", "data")) != row["shown_as"].startswith("your "):
            problems.append(f"{PARAMETERS.name}, line {line}, column 'shown_as': a path "
                            "parameter, and only one, is shown as a role ('your ...')")
        try:
            json.loads(row["default"])
        except json.JSONDecodeError:
            problems.append(f"{PARAMETERS.name}, line {line}, column 'default': "
                            f"{row['default']!r} is not a JSON value")
    if problems:
        raise InputError("\n".join(problems))
    frame["default"] = frame["default"].map(json.loads)
    return frame


def shown_as(name: str) -> str | None:
    """How the value of path parameter ``name`` appears in every output: a role such as
    "your data", never the path (None: not a path parameter)."""
    rows = declared()[declared()["name"] == name]
    return rows["shown_as"].iloc[0] or None if not rows.empty else None


def path_parameters() -> dict[str, str]:
    """Every path parameter and the role it is shown as."""
    rows = declared()[declared()["shown_as"] != ""]
    return dict(zip(rows["name"], rows["shown_as"], strict=False))


def defaults(notebook: str) -> dict[str, object]:
    rows = declared()[declared()["notebook"] == notebook]
    return dict(zip(rows["name"], rows["default"], strict=True))


def is_default(notebook: str, values: dict[str, object]) -> bool:
    """Whether ``values`` are the defaults of ``notebook`` (the published reproduction)."""
    declared_defaults = defaults(notebook)
    return all(name in declared_defaults and declared_defaults[name] == value
               and type(declared_defaults[name]) is type(value)
               for name, value in values.items())


def _type_problem(kind: str, value: object) -> str | None:
    expected = {"str": str, "path": str, "data": str, "bool": bool, "int": int,
                "float": (int, float)}[kind]
    if (isinstance(value, bool) and kind != "bool") or not isinstance(value, expected):
        shown = {"path": "a path (a string)", "data": "a folder (a string)"}.get(kind, kind)
        return f"must be {shown}, got {type(value).__name__} {value!r}"
    if kind == "float" and not math.isfinite(value):
        return f"must be a finite number, got {value!r}"
    return None


def _value_problem(row: pd.Series, value: object, base: Path) -> str | None:
    """What is wrong with one value of one declared parameter, or None."""
    problem = _type_problem(row["type"], value)
    if problem:
        return problem
    if row["shown_as"] and value == row["shown_as"]:  # a run's stand-in for the path
        return None
    if row["allowed"] and value not in row["allowed"].split("|"):
        return f"must be one of {row['allowed'].split('|')}, got {value!r}"
    low = float(row["minimum"]) if row["minimum"] else -math.inf
    high = float(row["maximum"]) if row["maximum"] else math.inf
    if row["type"] in ("int", "float") and not low <= value <= high:
        return f"must be between {row['minimum']} and {row['maximum']}, got {value!r}"
    if row["type"] in ("path", "data") and value:
        target = base / value
        wanted = target.is_dir() if row["type"] == "data" else target.is_file()
        if not wanted:
            what = "a folder" if row["type"] == "data" else "a file"
            return f"must name {what} that exists (relative to the repository or absolute)"
    return None


def parameter_problems(notebooks: list[str], values: dict[str, object],
                       base: Path | None = None) -> dict[str, dict[str, object]]:
    """Route each value to the ``notebooks`` that declare it, checking it first. Raises
    :class:`ParameterError` listing every problem: a name none of them declares (with the
    closest declared name), a wrong type, a value not allowed or out of range, a path that
    does not exist. Returns {notebook: {name: value}}."""
    import difflib

    table = declared()[declared()["notebook"].isin(notebooks)]
    base = paths.ROOT if base is None else base
    routed: dict[str, dict[str, object]] = {name: {} for name in notebooks}
    problems = []
    for name, value in values.items():
        rows = table[table["name"] == name]
        if rows.empty:
            close = difflib.get_close_matches(name, sorted(set(table["name"])), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(f"parameter {name!r} is not declared by any selected notebook"
                            f"{hint}; declared: {sorted(set(table['name']))}")
            continue
        problem = _value_problem(rows.iloc[0], value, base)
        if problem:
            problems.append(f"parameter {name!r} {problem}")
        for notebook in rows["notebook"]:
            routed[notebook][name] = value
    if problems:
        raise ParameterError("; ".join(problems))
    return routed


def parameter_list() -> str:
    """Every notebook's parameters with type, default and allowed values, as Markdown."""
    lines = ["| notebook | parameter | type | default | allowed | meaning |",
             "|---|---|---|---|---|---|"]
    for row in declared().itertuples():
        allowed = row.allowed.replace("|", ", ") if row.allowed else (
            f"{row.minimum} to {row.maximum}" if row.minimum else "")
        lines.append(f"| {row.notebook} | `{row.name}` | {row.type} | "
                     f"`{json.dumps(row.default)}` | {allowed} | {row.help} |")
    return "\n".join(lines)
