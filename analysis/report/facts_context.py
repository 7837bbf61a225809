"""The computed facts behind every problem and note (:mod:`analysis.report.templates`): the
context they are computed in and the helpers that make a fact.

Each problem of ``data/published/problems.csv`` has a function that computes, from the
printed numbers (and, where a proof needs them, the functions or tables that prove it), the
facts its templates state: :mod:`analysis.report.facts_printed` (recomputed from printed
numbers) and :mod:`analysis.report.facts_proved` (proofs over the consistent datasets,
readings, granularity); :mod:`analysis.report.notes` names which function serves which
problem. Every value is computed; a template only names it and asserts what it
says about it. A fact carries its kind of evidence (the papers' words, recomputed from
printed numbers, proved over every consistent dataset, assumed, by construction).
:func:`facts_table` lists every fact a problem uses, for ``reports/tables/problem_facts.csv``
and for the second derivation of the letter in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from analysis.evidence.recomputed_tests import twins, variants
from analysis.io import paths
from analysis.io.annotations import load_test_inputs
from analysis.printed.rounding import format_half_away, parse_printed
from analysis.printed.significance import ALPHA
from analysis.report.templates import Fact

__all__ = ["Context", "facts_table", "flag", "how_many", "p_value", "printed_fact", "row_base",
           "sides", "value"]

@dataclass
class Context:
    """What the facts are computed from: the registry, the report's rows and the tables the
    notebooks wrote."""

    registry: pd.DataFrame
    report: pd.DataFrame
    tables: Path = field(default_factory=lambda: paths.TABLES)

    @cached_property
    def printed(self) -> dict[str, str]:
        return dict(zip(self.registry["id"], self.registry["printed"], strict=True))

    @cached_property
    def variants(self) -> pd.DataFrame:
        return variants(self.registry)

    @cached_property
    def test_of(self) -> dict[str, str]:
        """Registry stem -> the test (``test_inputs.csv``) it prints."""
        tests = sorted(set(load_test_inputs()["test"]))
        return {stem: test for test, stems in twins(self.registry, tests).items()
                for stem in stems}

    @cached_property
    def inputs(self) -> pd.DataFrame:
        """``test_inputs.csv``: which printed number is which input of which test."""
        return load_test_inputs()

    def input_id(self, test: str, row: str | None = None, column: str | None = None) -> str:
        """The registry id of one input of ``test`` (its ``row`` and ``column`` there)."""
        lines = self.inputs[self.inputs["test"] == test]
        if row is not None:
            lines = lines[lines["row"] == row]
        if column is not None:
            lines = lines[lines["column"] == column]
        if len(lines) != 1 or not lines["id"].iloc[0]:
            raise KeyError(f"{test}: no single printed input {row!r}, {column!r}")
        return lines["id"].iloc[0]

    def denominator(self, row_id: str) -> str:
        """The registry row printing the n that ``row_id`` is out of."""
        return self.registry.set_index("id").loc[row_id, "denominator"]

    def measure_id(self, key: str) -> str:
        """The first registry row of measure ``key`` (``stages.csv``)."""
        from analysis.io.annotations import load_stages

        stages = load_stages(self.registry)
        return stages.loc[stages["measure"] == key, "id"].iloc[0]

    def number(self, row_id: str) -> float:
        return float(parse_printed(self.printed[row_id]).value)

    def variant(self, test: str, variant: str, n_choice: str = "as printed") -> pd.Series:
        chosen = self.variants[(self.variants["test"] == test)
                               & (self.variants["variant"] == variant)
                               & (self.variants["n_choice"] == n_choice)]
        if chosen.empty:
            raise KeyError(f"{test}: no variant {variant!r} ({n_choice})")
        return chosen.iloc[0]


def printed_fact(ctx: Context, row_id: str) -> Fact:
    """A printed number as a fact: shown as printed, a number printed as a word in digits."""
    parsed = parse_printed(ctx.printed[row_id])
    shown = str(int(parsed.value)) if parsed.word else ctx.printed[row_id]
    return Fact(ctx.number(row_id), "published", f"printed ({row_id})", shown)


def how_many(count: int, how: str, kind: str = "published") -> Fact:
    """A count for a sentence: "none" for zero."""
    return Fact(int(count), kind, how, "none" if count == 0 else str(int(count)))


def value(number: float, decimals: int, how: str, kind: str = "published") -> Fact:
    """A computed number shown at ``decimals`` (SPSS's rounding, half away from zero)."""
    return Fact(float(number), kind, how, format_half_away(number, decimals))


def p_value(number: float, how: str, kind: str = "published") -> Fact:
    """A computed p, shown at three decimals (or two significant digits below 0.001)."""
    shown = format_half_away(number, 3) if number >= 0.001 else f"{number:.1e}"
    return Fact(float(number), kind, how, shown)


def flag(truth: bool, how: str, kind: str = "published") -> Fact:
    """A computed predicate, for an assertion."""
    return Fact(bool(truth), kind, how)


def row_base(row: pd.Series) -> dict[str, Fact]:
    """The facts of any row: its printed value, status and evidence, and what it counts."""
    return {"status": Fact(row["status"], "published", "the status computed for the row"),
            "evidence": Fact(row["evidence"], "published", "the row's evidence level"),
            "printed": Fact(row["printed"], "words", f"printed ({row['id']})"),
            "quantity": Fact(row["id"].rsplit(".", 1)[-1], "words", "what the row prints")}


def sides(ps: list[float]) -> str:
    """Where two or more p lie against 0.05, in words."""
    below = [p < ALPHA for p in ps]
    if all(below):
        return f"both are below {ALPHA:g}"
    if not any(below):
        return f"neither is below {ALPHA:g}, so no decision changes"
    return f"they lie on opposite sides of {ALPHA:g}"


def facts_table(found: dict[str, dict[str, Fact]]) -> pd.DataFrame:
    """``problem`` (or ``problem/row id``), ``fact``, ``value``, ``shown``, ``kind``, ``how``:
    every fact a rendered text used, for ``reports/tables/problem_facts.csv``."""
    rows = [{"scope": scope, "fact": name, "value": repr(fact.value), "shown": fact.text(),
             "kind": fact.kind, "how": fact.how}
            for scope, facts in found.items() for name, fact in sorted(facts.items())]
    return pd.DataFrame(rows, columns=["scope", "fact", "value", "shown", "kind", "how"])
