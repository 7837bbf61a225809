"""What a run changed: every printed number, conclusion and parameter whose value differs
between two runs (issue 25).

A researcher who reruns with another choice first asks what the choice changed. Every run
that is not the published reproduction compares itself with it (``python -m analysis.run``
writes ``reports/changes.csv``, a section at the top of ``reproduction.md`` and of the page,
and prints a summary); ``python -m analysis.compare A B`` compares any two runs.

:func:`read_run` reads what a run wrote (``reports/reproduction.csv``,
``reports/conclusions.csv`` and ``run.json``); :func:`compare` lists, for the 662 printed
numbers, each whose reproduced value, status, evidence or discrepancy class differs (before
and after), each conclusion whose verdict or p range differs, and each parameter whose value
differs. A reproduced value is compared at the printed decimals, as the report compares it
with the printed number (differences beyond them are counted, not listed); other values as
numbers where both parse as numbers (equal within 1e-12, relative), else as text. Each
conclusion is also judged with the paper's own test as each run reproduced its p
(:func:`paper_test`): on real data, the conclusion on the data. Nothing here reads a record:
the reports hold aggregates only, a run on your data is named "the run on your data", and no
folder's path is written.
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.io import paths
from analysis.io.annotations import load_conclusions
from analysis.io.files import InputError, read_csv_strict, read_text_strict
from analysis.io.parameters import declared, defaults, path_parameters
from analysis.printed.compare import rounded_as_printed
from analysis.printed.significance import significant

__all__ = [
    "CONCLUSION_FIELDS",
    "ROW_FIELDS",
    "Comparison",
    "RunOutputs",
    "beyond_printed",
    "compare",
    "paper_test",
    "published_run",
    "read_run",
    "same_as_printed",
    "same_value",
    "this_run",
    "variant",
]

#: The columns of ``reproduction.csv`` whose change a comparison lists.
ROW_FIELDS = ("reproduced", "status", "evidence", "discrepancy")
#: The columns of ``conclusions.csv`` whose change a comparison lists (the p range, from
#: ``p_min`` and ``p_max``, is compared as a pair).
CONCLUSION_FIELDS = ("as_printed", "all_choices", "over_data")
#: The field of a conclusion's verdict with the paper's own test as a run reproduced its p.
PAPER_TEST = "paper_test"
ROW_COLUMNS = ["id", "paper", "printed", *ROW_FIELDS]
CONCLUSION_COLUMNS = ["id", "paper", "statement", *CONCLUSION_FIELDS, "p_min", "p_max"]
#: How each kind of run is named in a comparison: never by its folder.
KINDS = {"repository": "the published reproduction", "real": "the run on your data"}


@dataclass(frozen=True)
class RunOutputs:
    """What one run wrote that a comparison reads: ``label`` (how it is named), ``mode``
    (repository, scratch or real), every notebook's effective ``parameters``, its
    ``reproduction`` rows and its ``conclusions`` (empty if it has none)."""
    label: str
    mode: str
    parameters: dict[str, dict[str, object]]
    reproduction: pd.DataFrame
    conclusions: pd.DataFrame


def _all_defaults() -> dict[str, dict[str, object]]:
    return {notebook: defaults(notebook) for notebook in declared()["notebook"].unique()}


def _checked(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """``frame`` (read from ``name``, indexed by line) if every row has an id and no id
    repeats; returned indexed from 0."""
    empty = frame.index[frame["id"].str.strip() == ""]
    if len(empty):
        raise InputError(f"{name}, line {empty[0]}, column 'id': empty")
    repeated = frame.index[frame["id"].duplicated()]
    if len(repeated):
        raise InputError(f"{name}, line {repeated[0]}, column 'id': "
                         f"{frame.loc[repeated[0], 'id']!r} appears more than once")
    return frame.reset_index(drop=True)


def _reports(folder: Path, called: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The reproduction rows and the conclusions under ``folder`` (a run writes both); a
    missing, empty or malformed file is an :class:`InputError` naming the file inside the
    run, never the folder."""
    try:
        rows = _checked(read_csv_strict(folder / "reproduction.csv", ROW_COLUMNS,
                                        rows_required=True)[ROW_COLUMNS], "reproduction.csv")
        conclusions = _checked(read_csv_strict(folder / "conclusions.csv", CONCLUSION_COLUMNS,
                                               rows_required=True)[CONCLUSION_COLUMNS],
                               "conclusions.csv")
    except InputError as error:
        raise InputError("\n".join(f"{called}: reports/{line}"
                                   for line in str(error).splitlines())) from None
    return rows, conclusions


def published_run() -> RunOutputs:
    """The committed reproduction (``reports/`` of the repository), every parameter at its
    default."""
    rows, conclusions = _reports(paths.ROOT / "reports", KINDS["repository"])
    return RunOutputs(KINDS["repository"], "repository", _all_defaults(), rows, conclusions)


def _shown(name: str, value: object) -> object:
    """A parameter's value as a comparison shows it: a path parameter that was given by its
    role ("your data"), whatever a record holds, so that no path is shown; an empty one (the
    default: the package's own data) as it is."""
    return value if value in ("", None) else path_parameters().get(name, value)


def _label(mode: str, given: dict[str, object]) -> str:
    """A run named by what it is: "the run on your data", or the run with its parameters
    (each value at most :data:`SHOWN` characters)."""
    if mode in KINDS:
        return KINDS[mode]
    said = ", ".join(f"{name} = {_short(json.dumps(_shown(name, value)))}"
                     for name, value in sorted(given.items()))
    return f"the run with {said}" if said else "a run at the defaults"


#: The longest parameter value a label shows in full.
SHOWN = 60


def _short(text: str) -> str:
    return text if len(text) <= SHOWN else text[:SHOWN - 3] + "..."


def _effective(record: dict) -> dict[str, dict[str, object]]:
    """Every notebook's parameters in a run: the defaults, with those of the notebooks it
    ran as it ran them (a notebook it did not run keeps the committed results); path
    parameters by their roles."""
    parameters = _all_defaults()
    for notebook, values in record["parameters_by_notebook"].items():
        parameters.setdefault(str(notebook), {}).update(
            {str(k): _shown(str(k), v) for k, v in dict(values).items()})
    return parameters


def as_written(report: pd.DataFrame) -> pd.DataFrame:
    """The report's compared columns as ``reproduction.csv`` holds them (text)."""
    text = report[ROW_COLUMNS].to_csv(index=False, lineterminator="\n")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def this_run(report: pd.DataFrame, conclusions: Path, provenance: dict) -> RunOutputs:
    """The run being written: its report rows (in memory), its ``conclusions.csv`` and its
    record (:func:`analysis.io.runs.provenance`)."""
    found = (read_csv_strict(conclusions, CONCLUSION_COLUMNS)[CONCLUSION_COLUMNS]
             if conclusions.is_file() else pd.DataFrame(columns=CONCLUSION_COLUMNS))
    return RunOutputs(_label(provenance["mode"], provenance["parameters"]), provenance["mode"],
                      _effective(provenance), as_written(report), found.reset_index(drop=True))


def _record(folder: Path, called: str) -> tuple[str, dict, dict]:
    """The mode, given parameters and effective parameters of the run in ``folder``."""
    try:
        found = (folder / "run.json").is_file()
    except OSError as error:
        raise InputError(f"{called}: cannot be read ({error.strerror})") from None
    if not found:
        raise InputError(f"{called}: run.json not found: not the folder of a run of "
                         "python -m analysis.run (or 'published')")
    try:
        text = read_text_strict(folder / "run.json")
    except InputError as error:
        raise InputError(f"{called}: {error}") from None
    try:
        record = json.loads(text)
        mode, given = str(record["mode"]), dict(record["parameters"])
        if mode not in ("scratch", "real"):
            raise ValueError(mode)
        return mode, given, _effective(record)
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise InputError(f"{called}: run.json is not a run's record") from None


def read_run(folder: Path | str, called: str = "the run") -> RunOutputs:
    """What the run in ``folder`` wrote (a folder of ``python -m analysis.run``, with its
    ``run.json``); :class:`InputError` if it is not one. ``called`` names it in messages
    (never its folder)."""
    folder = Path(folder)
    mode, given, parameters = _record(folder, called)
    rows, conclusions = _reports(folder / "reports", called)
    return RunOutputs(_label(mode, given), mode, parameters, rows, conclusions)


def variant(run: RunOutputs, notebook: str, given: dict[str, object],
            conclusions: pd.DataFrame | None = None) -> RunOutputs:
    """``run`` as a scratch run with ``given`` parameters for ``notebook`` would leave it
    when only its conclusions change (the README's experiment: notebook 05 writes no
    printed number)."""
    parameters = {k: dict(v) for k, v in run.parameters.items()}
    parameters[notebook] = parameters.get(notebook, {}) | given
    found = run.conclusions if conclusions is None else pd.read_csv(io.StringIO(
        conclusions[CONCLUSION_COLUMNS].to_csv(index=False, lineterminator="\n")), dtype=str,
        keep_default_na=False)
    return RunOutputs(_label("scratch", given), "scratch", parameters, run.reproduction, found)


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def same_value(before: str, after: str) -> bool:
    """Whether two reported values are the same: as numbers within 1e-12 (relative) where
    both are numbers, else as text."""
    a, b = _number(before), _number(after)
    if a is None or b is None:
        return before == after
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300)


def same_as_printed(before: str, after: str, printed: str) -> bool:
    """Whether two reproduced values are the same number at the printed decimals (as the
    report compares them with the printed one: :func:`rounded_as_printed`); values that
    are not numbers, or a printed word, by :func:`same_value`."""
    if _number(before) is None or _number(after) is None:
        return same_value(before, after)
    try:
        return rounded_as_printed(before, printed) == rounded_as_printed(after, printed)
    except (ValueError, ArithmeticError):
        return same_value(before, after)


def _same(field: str, old: pd.Series, new: pd.Series) -> bool:
    if field == "reproduced" and "printed" in new.index:
        return same_as_printed(old[field], new[field], new["printed"])
    return same_value(old[field], new[field])


def _changed(before: pd.DataFrame, after: pd.DataFrame, fields: tuple[str, ...]
             ) -> pd.DataFrame:
    """One row per (id, field) whose value differs between ``before`` and ``after``
    (frames indexed by id; a reproduced value at the printed decimals); a row only one of
    them has is listed once, field ``row``."""
    found = []
    for row_id in [*before.index, *[i for i in after.index if i not in before.index]]:
        if row_id not in after.index or row_id not in before.index:
            present = row_id in after.index
            paper = (after if present else before).loc[row_id, "paper"]
            found.append((row_id, paper, "row", "absent" if present else "present",
                          "present" if present else "absent"))
            continue
        old, new = before.loc[row_id], after.loc[row_id]
        found += [(row_id, new["paper"], field, old[field], new[field]) for field in fields
                  if not _same(field, old, new)]
    return pd.DataFrame(found, columns=["id", "paper", "field", "before", "after"])


def beyond_printed(before: pd.DataFrame, after: pd.DataFrame) -> int:
    """How many printed numbers' reproduced values differ only beyond the printed decimals
    (not listed as changes: the report compares at the printed decimals)."""
    old, new = before.set_index("id"), after.set_index("id")
    common = old.index.intersection(new.index, sort=False)
    return sum(not same_value(old.loc[i, "reproduced"], new.loc[i, "reproduced"])
               and _same("reproduced", old.loc[i], new.loc[i]) for i in common)


def p_range(row: pd.Series) -> str:
    """A conclusion's p range in words: one value, or "from ... to ..."."""
    low, high = _number(row["p_min"]), _number(row["p_max"])
    if low is None or high is None:
        return "not computed"
    return f"{low:.3g}" if f"{low:.3g}" == f"{high:.3g}" else f"from {low:.3g} to {high:.3g}"


#: The decision rules a p decides (``data/published/conclusions.csv``, ``rule``).
RULES = ("p < alpha", "p >= alpha")


def paper_test(run: RunOutputs) -> pd.DataFrame:
    """For each conclusion of ``run``: ``verdict``, the paper's own test(s) as this run
    reproduced their p (``<test>.p`` rows of the report), against the paper's threshold (the
    conclusion's ``alpha``): holds, fails, or mixed across its tests; ``not computed`` when
    a test's p is not a printed number this run reproduced; ``not_applicable`` for a
    conclusion no p decides. The direction of a difference is not checked. ``p``: the p, or
    the range of p over its tests. In a run on real data this is the conclusion on the data."""
    declared = load_conclusions().set_index("id")
    reproduced = run.reproduction.set_index("id")["reproduced"]
    rows = []
    for row_id in run.conclusions["id"]:
        known = row_id in declared.index and declared.loc[row_id, "rule"] in RULES
        values = ([_number(reproduced.get(f"{test}.p", "")) for test in
                   declared.loc[row_id, "tests"].split()] if known else [])
        if not known or not values or None in values:
            rows.append((row_id, "not computed" if known else "not_applicable", ""))
            continue
        alpha, claimed = float(declared.loc[row_id, "alpha"]), declared.loc[row_id, "rule"]
        held = [significant(p, alpha) == (claimed == "p < alpha") for p in values]
        rows.append((row_id, "holds" if all(held) else "fails" if not any(held) else "mixed",
                     p_range(pd.Series({"p_min": str(min(values)),
                                        "p_max": str(max(values))}))))
    return pd.DataFrame(rows, columns=["id", "verdict", "p"])


def conclusion_changes(before: RunOutputs, after: RunOutputs) -> pd.DataFrame:
    """Every conclusion whose verdict (as printed, under every choice, over the data, with
    the paper's test as each run reproduced it: :func:`paper_test`) or p range (at three
    significant digits) differs."""
    old = before.conclusions.merge(paper_test(before).rename(columns={
        "verdict": PAPER_TEST})[["id", PAPER_TEST]], on="id").set_index("id")
    new = after.conclusions.merge(paper_test(after).rename(columns={
        "verdict": PAPER_TEST})[["id", PAPER_TEST]], on="id").set_index("id")
    found = _changed(old, new, (*CONCLUSION_FIELDS, PAPER_TEST))
    ranges = [(i, new.loc[i, "paper"], "p range", p_range(old.loc[i]), p_range(new.loc[i]))
              for i in old.index.intersection(new.index, sort=False)
              if p_range(old.loc[i]) != p_range(new.loc[i])]
    found = pd.concat([found, pd.DataFrame(ranges, columns=found.columns)], ignore_index=True)
    order = {i: k for k, i in enumerate([*old.index, *new.index])}
    return found.sort_values("id", key=lambda s: s.map(order), kind="stable",
                             ignore_index=True)


def parameter_changes(before: dict[str, dict], after: dict[str, dict]) -> pd.DataFrame:
    """Every notebook parameter whose value differs, as JSON text (compared as text, so that
    a NaN equals itself)."""
    def text(run: dict[str, dict], notebook: str, name: str) -> str:
        return json.dumps(run.get(notebook, {}).get(name))

    found = [(notebook, name, text(before, notebook, name), text(after, notebook, name))
             for notebook in sorted({*before, *after})
             for name in sorted({*before.get(notebook, {}), *after.get(notebook, {})})
             if text(before, notebook, name) != text(after, notebook, name)]
    return pd.DataFrame(found, columns=["notebook", "parameter", "before", "after"])


@dataclass(frozen=True)
class Comparison:
    """Two runs and what differs between them: ``parameters`` (notebook, parameter, before,
    after), ``rows`` (id, paper, field, before, after, and the row's evidence before) and
    ``conclusions`` (id, paper, field, before, after)."""
    before: RunOutputs
    after: RunOutputs
    parameters: pd.DataFrame
    rows: pd.DataFrame
    conclusions: pd.DataFrame
    beyond_printed: int = 0

    @property
    def unchanged(self) -> bool:
        """No printed number and no conclusion differ (parameters may)."""
        return self.rows.empty and self.conclusions.empty

    def changed_ids(self) -> list[str]:
        """The printed numbers that differ, in report order."""
        return list(dict.fromkeys(self.rows["id"]))

    def totals(self) -> tuple[int, int]:
        """How many printed numbers and conclusions either run has."""
        return (len({*self.before.reproduction["id"], *self.after.reproduction["id"]}),
                len({*self.before.conclusions["id"], *self.after.conclusions["id"]}))


def compare(before: RunOutputs, after: RunOutputs) -> Comparison:
    """What differs from ``before`` to ``after``."""
    old = before.reproduction.set_index("id")
    rows = _changed(old, after.reproduction.set_index("id"), ROW_FIELDS)
    rows["evidence_before"] = [old.loc[i, "evidence"] if i in old.index else ""
                               for i in rows["id"]]
    return Comparison(before, after, parameter_changes(before.parameters, after.parameters),
                      rows, conclusion_changes(before, after),
                      beyond_printed(before.reproduction, after.reproduction))
