"""Our annotations of the printed numbers, each row with its reason (``data/published/``):

- ``explanations.csv``: which problem (or reason its inputs are unpublished) each row that is
  not a plain match belongs to, with the statuses the problem explains
  (:func:`load_explanations`); ``problems.csv`` and ``notes.csv``: the templates that say
  each problem and note from computed facts (:func:`load_problems`, :func:`load_notes`;
  rendered by :mod:`analysis.report.notes`);
- ``findings.csv``: rows that fail an internal check because the paper is inconsistent
  (:func:`load_findings`);
- ``implied.csv``: inputs the papers imply but do not print, e.g. the df of a t test
  (:func:`load_implied`);
- ``granularity.csv``: for each printed mean, its n, its scale and its SD
  (:func:`load_granularity_specs`);
- ``test_inputs.csv``: the printed numbers each of the papers' tests can be recomputed from
  (:func:`load_test_inputs`);
- ``test_conditions.csv``: properties of a test's data that its inputs do not show (cells
  zero by design, people counted more than once), which the rules of
  :mod:`analysis.evidence.rules` read (:func:`load_test_conditions`);
- ``assumptions.csv``: every methodological assumption (software, rounding, display, n,
  family) with its basis: the paper's words, a document, an inference, or ``assumed``
  (:func:`load_assumptions`);
- ``readings.csv``: the readings of a printed number whose meaning the text leaves open,
  each with what it means and its basis (:func:`load_readings`);
- ``conclusions.csv`` and ``test_families.csv``: the conclusions the papers draw from their
  tests, and which tests form a family for a multiple-testing correction
  (:func:`load_conclusions`, :func:`load_test_families`);
- ``stages.csv``: which stage (notebook) reproduces each row, and under which measure
  (:func:`load_stages`, :func:`stage_rows`).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from analysis.io import paths
from analysis.io.facts import read_facts
from analysis.io.files import InputError, read_csv_strict
from analysis.printed.rounding import parse_printed

__all__ = [
    "CHECKS",
    "FINDING_COLUMNS",
    "IMPLIED_COLUMNS",
    "load_assumptions",
    "load_conclusions",
    "load_explanations",
    "load_findings",
    "load_granularity_specs",
    "load_implied",
    "load_notes",
    "load_problems",
    "load_readings",
    "load_stages",
    "load_test_conditions",
    "load_test_families",
    "load_test_inputs",
    "measure_text",
    "measure_value",
    "stage_rows",
    "stage_sections",
]


PROBLEM_COLUMNS = ["problem", "kind", "statuses", "title", "evidence", "check"]
#: A problem of the papers (in the letter), or a reason why a row's inputs are unpublished.
PROBLEM_KINDS = ("problem", "unavailable")
#: The statuses a problem can explain.
EXPLAINED = ("match_other_method", "mismatch", "depends_on_reading", "not_reproducible")


def load_problems(path: object = None) -> pd.DataFrame:
    """``data/published/problems.csv``: each problem (or reason) with its ``kind``, the
    ``statuses`` its rows must have (space-separated; checked when it is rendered) and the
    templates of its ``title``, ``evidence`` and ``check``, indexed by ``problem``."""
    frame = read_csv_strict(paths.PUBLISHED / "problems.csv" if path is None else path,
                            PROBLEM_COLUMNS)
    for line, row in frame.iterrows():
        if row["kind"] not in PROBLEM_KINDS:
            raise InputError(f"problems.csv, line {line}, column 'kind': {row['kind']!r} is "
                             f"not one of {PROBLEM_KINDS}")
        if not set(row["statuses"].split()) <= set(EXPLAINED) or not row["statuses"]:
            raise InputError(f"problems.csv, line {line}, column 'statuses': "
                             f"{row['statuses']!r} must list statuses among {EXPLAINED}")
    repeated = frame.loc[frame["problem"].duplicated(), "problem"]
    if not repeated.empty:
        raise InputError(f"problems.csv, line {repeated.index[0]}: repeated problem "
                         f"{repeated.iloc[0]!r}")
    return frame.set_index("problem")


def load_notes(path: object = None) -> pd.DataFrame:
    """``data/published/notes.csv``: the templates of a problem's row notes, each with the
    condition (``when``, an assertion over the row's facts; empty: always) under which it
    applies; the first that applies is used."""
    return read_csv_strict(paths.PUBLISHED / "notes.csv" if path is None else path,
                           ["problem", "when", "text"])


def load_explanations(path: object = None, problems: pd.DataFrame | None = None
                      ) -> pd.DataFrame:
    """``data/published/explanations.csv``: the problem of each row that is not a plain
    match, indexed by ``id``, with the problem's ``kind`` and the ``statuses`` it explains
    (from ``problems.csv``)."""
    frame = read_csv_strict(
        paths.PUBLISHED / "explanations.csv" if path is None else path, ["id", "problem"])
    problems = load_problems() if problems is None else problems
    unknown = frame[~frame["problem"].isin(problems.index)]
    if not unknown.empty:
        raise ValueError(f"explanations.csv, line {unknown.index[0]}, column 'problem': "
                         f"{unknown.iloc[0]['problem']!r} is not in problems.csv")
    duplicated = frame[frame["id"].duplicated()]
    if not duplicated.empty:
        raise ValueError(
            f"explanations.csv, line {duplicated.index[0]}: repeated id "
            f"{duplicated.iloc[0]['id']!r}"
        )
    frame["kind"] = frame["problem"].map(problems["kind"])
    frame["statuses"] = frame["problem"].map(problems["statuses"])
    return frame.set_index("id")


FINDING_COLUMNS = ["id", "check", "reason"]


IMPLIED_COLUMNS = ["id", "quantity", "value", "reason"]


CHECKS = ("sum", "percent", "p")


def load_implied(path: Path | str | None = None) -> pd.DataFrame:
    """Inputs the papers imply but do not print (e.g. the df of a t test from its two n's),
    each with its reason: ``data/published/implied.csv``."""
    return read_csv_strict(paths.IMPLIED if path is None else path, IMPLIED_COLUMNS)


def load_findings(path: Path | str | None = None) -> pd.DataFrame:
    """Rows known to fail an internal check because the paper is inconsistent:
    ``data/published/findings.csv`` (``id, check, reason``)."""
    findings = read_csv_strict(paths.FINDINGS if path is None else path, FINDING_COLUMNS)
    bad = findings[~findings["check"].isin(CHECKS)]
    if not bad.empty:
        line = bad.index[0]
        raise ValueError(f"findings.csv, line {line}, column 'check': "
                         f"{bad.iloc[0]['check']!r} is not one of {CHECKS}")
    return findings


def load_granularity_specs(path=None) -> pd.DataFrame:
    """``data/published/granularity.csv``: for each printed mean, the registry id of its n,
    the scale's bounds, the registry id of the SD (or "") and the reason."""
    return read_csv_strict(paths.PUBLISHED / "granularity.csv" if path is None else path,
                           ["id", "n_id", "lo", "hi", "sd_id", "reason"])


TEST_INPUT_COLUMNS = ["test", "design", "row", "column", "id", "minus", "value", "reason"]


def load_test_inputs(path: Path | str | None = None) -> pd.DataFrame:
    """``data/published/test_inputs.csv``: for every test the papers report, the printed
    numbers it is computed from, one line per input (``design``: contingency cell,
    goodness-of-fit category, or a group's mean, SD or n)."""
    return read_csv_strict(paths.PUBLISHED / "test_inputs.csv" if path is None else path,
                           TEST_INPUT_COLUMNS)


#: The conditions a test's inputs do not show, which :mod:`analysis.evidence.rules` reads.
CONDITIONS = ("structural_zeros", "repeated_people")


def load_test_conditions(path: Path | str | None = None) -> pd.DataFrame:
    """``data/published/test_conditions.csv``: for a test, a property of its data that its
    inputs do not show (``condition``, one of :data:`CONDITIONS`), with the reason."""
    frame = read_csv_strict(paths.PUBLISHED / "test_conditions.csv" if path is None else path,
                            ["test", "condition", "reason"])
    bad = frame[~frame["condition"].isin(CONDITIONS)]
    if not bad.empty:
        raise InputError(f"test_conditions.csv, line {bad.index[0]}, column 'condition': "
                         f"{bad.iloc[0]['condition']!r} is not one of {CONDITIONS}")
    return frame


#: Where an assumption comes from: the paper's words (quoted), a document about the software,
#: an inference from the printed numbers, or nothing (``assumed``).
ASSUMPTION_BASES = ("stated", "words", "documented", "inferred", "assumed")


def load_assumptions(path: Path | str | None = None) -> pd.DataFrame:
    """``data/published/assumptions.csv``: ``id``, ``paper``, ``topic``, the ``assumption``
    in words, its ``basis`` (one of :data:`ASSUMPTION_BASES`), the paper's ``quote`` where
    it states it, the ``source`` otherwise, and the ``alternative`` whose effect is computed
    (``half_even``, ``single_rounding`` or empty)."""
    frame = read_csv_strict(paths.PUBLISHED / "assumptions.csv" if path is None else path,
                            ["id", "paper", "topic", "assumption", "basis", "quote", "source",
                             "alternative"])
    bad = frame[~frame["basis"].isin(ASSUMPTION_BASES)]
    if not bad.empty:
        raise InputError(f"assumptions.csv, line {bad.index[0]}, column 'basis': "
                         f"{bad.iloc[0]['basis']!r} is not one of {ASSUMPTION_BASES}")
    return frame


#: Where a reading comes from: the paper's words (quoted), a number it prints (inferred),
#: another paper's cohort, or data that are not published (cannot be judged).
READING_BASES = ("words", "inferred", "other_cohort", "unpublished")


def load_readings(path: Path | str | None = None) -> pd.DataFrame:
    """``data/published/readings.csv``: for a measure key or registry id (``key``), each
    ``reading`` of the text, a short ``label``, its ``meaning``, its ``basis`` (one of
    :data:`READING_BASES`) and, for a reading from the words, the ``quote``."""
    frame = read_csv_strict(paths.PUBLISHED / "readings.csv" if path is None else path,
                            ["key", "reading", "label", "meaning", "basis", "quote"])
    bad = frame[~frame["basis"].isin(READING_BASES)]
    if not bad.empty:
        raise InputError(f"readings.csv, line {bad.index[0]}, column 'basis': "
                         f"{bad.iloc[0]['basis']!r} is not one of {READING_BASES}")
    return frame


CONCLUSION_COLUMNS = ["id", "paper", "location", "statement", "quote", "tests", "rests_on",
                      "rule", "alpha", "family", "direction", "note"]


def load_conclusions(path: Path | str | None = None) -> pd.DataFrame:
    """``data/published/conclusions.csv``: each conclusion the papers draw from a test or a
    comparison, the tests and printed rows it rests on, and its decision rule."""
    frame = read_csv_strict(paths.PUBLISHED / "conclusions.csv" if path is None else path,
                            CONCLUSION_COLUMNS)
    rules = ("p < alpha", "p >= alpha", "descriptive")
    bad = frame[~frame["rule"].isin(rules)]
    if not bad.empty:
        raise InputError(f"conclusions.csv, line {bad.index[0]}, column 'rule': "
                         f"{bad.iloc[0]['rule']!r} is not one of {rules}")
    return frame


def load_test_families(path: Path | str | None = None) -> pd.DataFrame:
    """``data/published/test_families.csv``: the tests (``test``) of each ``family`` that a
    multiple-testing correction treats together, with the reason on each family's first
    line."""
    return read_csv_strict(paths.PUBLISHED / "test_families.csv" if path is None else path,
                           ["family", "test", "reason"])


def load_stages(registry: pd.DataFrame) -> pd.DataFrame:
    """``data/published/stages.csv`` (``id``, ``stage``, ``measure``, ``judged_by``), checked
    to list every registry row exactly once, in registry order."""
    stages = read_facts("stages")
    if stages["id"].tolist() != registry["id"].tolist():
        known, listed = set(registry["id"]), set(stages["id"])
        raise InputError(
            f"stages.csv must list every registry row once, in registry order: missing "
            f"{sorted(known - listed)[:5]}, unknown {sorted(listed - known)[:5]}")
    return stages.reset_index(drop=True)


def stage_rows(registry: pd.DataFrame, stage: str) -> pd.DataFrame:
    """The registry rows of ``stage`` (e.g. ``"01_enrolment"``) with their ``measure`` and
    the handler that judges them (``judged_by``), in registry order: what
    :class:`analysis.printed.claims.Claims` judges."""
    stages = load_stages(registry)
    if stage not in set(stages["stage"]):
        raise KeyError(f"no registry row belongs to stage {stage!r}")
    merged = registry.reset_index(drop=True).assign(stage=stages["stage"],
                                                     measure=stages["measure"],
                                                     judged_by=stages["judged_by"])
    return merged[merged["stage"] == stage].reset_index(drop=True)


def measure_text(registry: pd.DataFrame, key: str, quantity: str | None = None) -> str:
    """The number printed for measure ``key`` (``stages.csv``), as printed: every row of that
    measure (with that ``quantity``, e.g. ``"count"``, if given) must print the same."""
    stages = load_stages(registry)
    chosen = (stages["measure"] == key).to_numpy().copy()
    if quantity is not None:
        chosen &= (registry["quantity"] == quantity).to_numpy()
    printed = set(registry.loc[chosen, "printed"])
    if len(printed) != 1:
        raise KeyError(f"measure {key!r} is printed as {sorted(printed)}: expected one value")
    return printed.pop()


def measure_value(registry: pd.DataFrame, key: str, quantity: str | None = None) -> Decimal:
    """:func:`measure_text` as a number: ``measure_value(registry, "sessions_total")`` is
    214."""
    return parse_printed(measure_text(registry, key, quantity)).value


def stage_sections(registry: pd.DataFrame, stage: str) -> pd.DataFrame:
    """Every registry row printed in a section (paper and location) where ``stage`` has
    rows, whichever stage judges it: what a stage's section-wide checks look at (notebook
    04 checks every percentage printed in the outcome sections)."""
    mine = stage_rows(registry, stage)
    sections = set(zip(mine["paper"], mine["location"], strict=True))
    keep = [pair in sections for pair in zip(registry["paper"], registry["location"],
                                             strict=True)]
    return registry[keep]
