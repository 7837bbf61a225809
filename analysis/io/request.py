"""What the command line asks for, checked before anything is written.

- :func:`given` reads ``-p NAME VALUE`` pairs as JSON values; an empty string (an unset shell
  variable) or a role that stands for a path is refused;
- :func:`without_defaults` drops every value typed at its default: ``-p seed 20130701`` is
  the default run, and papermill is given nothing to inject;
- :func:`locations` resolves path parameters relative to where the command runs, and
  :func:`check_files` reads every file they name before anything runs (problems name the
  file by its role, "your Fig. 2 values", never its path);
- :func:`data_checks` refuses a data folder git could commit, then validates every data file.
"""

from __future__ import annotations

import json
from pathlib import Path

from analysis.io import runs
from analysis.io.files import InputError
from analysis.io.parameters import ParameterError, is_default, path_parameters, shown_as

__all__ = ["check_files", "data_checks", "given", "locations", "parse_value",
           "without_defaults"]


def parse_value(text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def given(pairs: list[list[str]]) -> dict[str, object]:
    """The ``-p NAME VALUE`` pairs as values; an empty string (what an unset shell variable
    gives) or a role standing for a path is refused: leave a parameter out for its
    default."""
    values = {name: parse_value(value) for name, value in pairs}
    roles = path_parameters()
    empty = [n for n, v in values.items() if isinstance(v, str) and not v.strip()]
    if empty:
        raise ParameterError(f"parameter(s) {empty} are empty (an unset shell variable?); "
                             "leave a parameter out to use its default")
    reserved = [n for n, v in values.items() if n in roles and v == roles[n]]
    if reserved:
        raise ParameterError(f"parameter(s) {reserved}: '{roles[reserved[0]]}' is what "
                             "outputs call the path; give the path itself")
    return values


def locations(parameters: dict) -> dict[str, Path]:
    """The files and folders the path parameters name, relative to where the command runs
    (checked to exist by :func:`check_parameters`)."""
    roles = path_parameters()
    return {name: (Path.cwd() / value).resolve() for name, value in parameters.items()
            if name in roles}


def check_files(locations: dict[str, Path]) -> None:
    """Read every file a path parameter names before anything runs; a problem names the
    file by its role ("your Fig. 2 values"), never by its path or name."""
    from analysis.io.annotations import load_findings
    from analysis.io.figure_values import read_fig1_values, read_fig2_values
    from analysis.io.registry import load_registry

    readers = {"registry_path": load_registry, "findings_path": load_findings,
               "fig1_values": read_fig1_values, "fig2_values": read_fig2_values}
    problems = []
    for name, path in locations.items():
        if name in readers:
            try:
                readers[name](path)
            except (InputError, ValueError, OSError) as error:
                text = str(error).replace(str(path), path.name).replace(path.name, "")
                problems.append(f"{shown_as(name)}: {text.lstrip(':, ')}")
    if problems:
        raise InputError("\n  ".join(problems))


def without_defaults(per_notebook: dict[Path, dict]) -> dict[Path, dict]:
    """Drop every value typed at its default: such a run is the default run, and papermill
    is not given the value (it would inject a cell into the committed notebook)."""
    return {path: {name: value for name, value in values.items()
                   if not is_default(path.stem, {name: value})}
            for path, values in per_notebook.items()}


def data_checks(folder: Path) -> None:
    """Refuse a data folder git could commit, then every problem of every data file."""
    from analysis.io.dataset import dataset_problems, problem_listing

    if runs.tracked_place(folder):
        raise runs.RunRefused("your data folder is inside the repository where git does not "
                              "ignore it: one `git add` would commit it; move it under "
                              "private/ (git ignores it) or outside the repository")
    problems = dataset_problems(folder)
    if problems:
        raise InputError(problem_listing(problems))
