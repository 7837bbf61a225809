"""Every test of the papers under every defensible analysis choice, as a p or an exact range.

:func:`choices_of_tests` gives one row per test, test variant and choice of n:

- where the test's inputs are printed (``contingency``, ``goodness_of_fit``,
  ``two_sample`` in ``data/published/test_inputs.csv``), the p of each variant
  (:func:`analysis.evidence.recomputed_tests.variants`): ``p_low == p_high``, except for a Monte
  Carlo p (an r x c Fisher test too large to enumerate), whose range is its exact
  confidence interval, said so in ``basis``;
- where only pooled data are printed (``split_counts``, ``split_ratings``), the exact range
  of each variant's p over every split of them (:mod:`analysis.evidence.over_data`);
- where nothing usable is printed (``not_printed``), the whole range [0, 1], said so in
  ``basis`` (a stage may supply a better range: the Fig. 1 test, from the exact feasible
  tables, see :func:`analysis.stages.conclusions.evaluate`).

Of these, the multiverse keeps the paper's own test and the analyses of the rules whose
condition holds for the test (:mod:`analysis.evidence.rules`); ``rules`` names, for each
row, why it is there (``paper``, or the ids of the rules that add it). :func:`rules_fired`
lists, for every test, each rule that fired, why, its analyses and whether they are
present.
"""

from __future__ import annotations

import pandas as pd

from analysis.evidence.over_data import split_counts, split_ratings
from analysis.evidence.recomputed_tests import cases, printed_inputs, variants
from analysis.evidence.rules import N_CHOICES, allowed, analyses, fired
from analysis.io.annotations import load_test_inputs

__all__ = ["BASES", "CHOICE_COLUMNS", "RULE_COLUMNS", "choices_of_tests", "rules_fired"]

CHOICE_COLUMNS = ["test", "variant", "n_choice", "p_low", "p_high", "basis", "rules"]

#: How a row's p is known, strongest first.
BASES = ("printed inputs", "exact over every consistent dataset",
         "sampled over consistent datasets", "not computed")


def _printed_rows(registry: pd.DataFrame, inputs: pd.DataFrame) -> list[dict]:
    rows = []
    for row in variants(registry, inputs).itertuples(index=False):
        basis = "printed inputs" + (f" ({row.note})" if row.note else "")
        rows.append({"test": row.test, "variant": row.variant, "n_choice": row.n_choice,
                     "p_low": row.p_low, "p_high": row.p_high, "basis": basis})
    return rows


def _ranges(test: str, n_choice: str, ranges: pd.DataFrame) -> list[dict]:
    if ranges.empty:
        return [{"test": test, "variant": "any", "n_choice": n_choice, "p_low": 0.0,
                 "p_high": 1.0, "basis": "not computed: no dataset fits the printed numbers"}]
    return [{"test": test, "variant": r.variant, "n_choice": n_choice, "p_low": r.p_min,
             "p_high": r.p_max,
             "basis": f"exact over every consistent dataset ({r.splits:,} splits)"}
            for r in ranges.itertuples(index=False)]


def _split_rows(registry: pd.DataFrame, lines: pd.DataFrame) -> list[dict]:
    test, design = lines["test"].iloc[0], lines["design"].iloc[0]
    texts = dict(zip(registry["id"], registry["printed"], strict=True))
    pooled = lines[lines["row"] == "pooled"]
    groups = lines[lines["column"] == "n"].set_index("row")["number"]
    first, second = int(groups["initial"]), int(groups["later"])
    if design == "split_counts":
        return _ranges(test, "as printed", split_counts(pooled["number"].astype(int).tolist(),
                                                        first))
    by = pooled.set_index("column")
    printed_t = texts.get(f"{test}.statistic")
    ranges = split_ratings(int(by.loc["n", "number"]), texts[by.loc["mean", "id"]],
                           texts[by.loc["sd", "id"]], int(by.loc["lo", "number"]),
                           int(by.loc["hi", "number"]), second, printed_t)
    return _ranges(test, f"{first} + {second} who rated", ranges)


def _admitted(choices: pd.DataFrame, described: dict) -> pd.DataFrame:
    """The rows of ``choices`` that the paper's test or a fired rule admits, with ``rules``
    saying which (a test without a case, or not computed, keeps its rows)."""
    keep, reasons = [], []
    for row in choices.itertuples(index=False):
        case = described.get(row.test)
        why = allowed(case) if case is not None else {}
        admitted = row.variant == "any" or case is None or row.variant in why
        keep.append(admitted)
        reasons.append(" ".join(why.get(row.variant, ["paper"])) if admitted else "")
    return choices.assign(rules=reasons)[keep].reset_index(drop=True)


def choices_of_tests(registry: pd.DataFrame, inputs: pd.DataFrame | None = None,
                     supplied: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every test under every choice the rules admit: the columns of
    :data:`CHOICE_COLUMNS`. ``supplied`` replaces the rows of the tests it holds (a stage's
    better ranges, e.g. the Fig. 1 test from its feasible tables)."""
    inputs = load_test_inputs() if inputs is None else inputs
    rows = _printed_rows(registry, inputs[inputs["design"].isin(
        ["contingency", "goodness_of_fit", "two_sample"])])
    split = printed_inputs(registry, inputs[inputs["design"].str.startswith("split_")])
    for _test, lines in split.groupby("test", sort=False):
        rows += _split_rows(registry, lines)
    for test in inputs.loc[inputs["design"] == "not_printed", "test"].unique():
        rows.append({"test": test, "variant": "any", "n_choice": "as printed", "p_low": 0.0,
                     "p_high": 1.0, "basis": "not computed: the inputs are not printed"})
    frame = pd.DataFrame(rows, columns=CHOICE_COLUMNS[:-1])
    if supplied is not None:
        frame = pd.concat([frame[~frame["test"].isin(set(supplied["test"]))],
                           supplied[CHOICE_COLUMNS[:-1]]], ignore_index=True)
    return _admitted(frame, cases(registry, inputs))


RULE_COLUMNS = ["test", "rule", "why", "analyses", "present"]


def rules_fired(registry: pd.DataFrame, choices: pd.DataFrame,
                inputs: pd.DataFrame | None = None) -> pd.DataFrame:
    """For every test, each rule whose condition holds: why (computed from the inputs), the
    analyses it adds, and ``present``: ``yes`` if every one of them is among ``choices`` (a
    variant, or for the subset rule a choice of n), ``no`` if one is missing, ``not
    computed`` if the test itself cannot be computed from what is printed."""
    rows = []
    for test, case in cases(registry, inputs).items():
        mine = choices[choices["test"] == test]
        blind = mine["variant"].eq("any").all()
        for rule, why in fired(case):
            added = analyses(rule, case)
            present = all((mine["n_choice"] == N_CHOICES[v]).any() if v in N_CHOICES
                          else (mine["variant"] == v).any() for v in added)
            rows.append({"test": test, "rule": rule.id, "why": why,
                         "analyses": " ".join(added),
                         "present": "not computed" if blind else "yes" if present else "no"})
    return pd.DataFrame(rows, columns=RULE_COLUMNS)
