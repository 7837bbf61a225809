"""The conclusions' multiverse: verdict rules, corrections with ranges, the paper's own choice,
and the real conclusions file against the printed numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.evidence.choices import CHOICE_COLUMNS, choices_of_tests
from analysis.evidence.multiverse import _verdict, specifications, summarise
from analysis.io.annotations import (
    load_conclusions,
    load_explanations,
    load_test_families,
    load_test_inputs,
)
from analysis.methods.pvalues import adjusted
from analysis.printed.compare import compare


@pytest.mark.parametrize(("rule", "low", "high", "verdict"), [
    ("p < alpha", 0.01, 0.02, "holds"),
    ("p < alpha", 0.01, 0.07, "mixed"),
    ("p < alpha", 0.05, 0.07, "fails"),       # p = alpha is not significant
    ("p >= alpha", 0.05, 0.90, "holds"),
    ("p >= alpha", 0.001, 0.90, "mixed"),
    ("p >= alpha", 0.001, 0.049, "fails"),
])
def test_verdict_rules(rule, low, high, verdict):
    assert _verdict(rule, 0.05, low, high) == verdict


def _toy(rows: list[tuple], rule: str = "p < alpha", tests: str = "a") -> tuple:
    choices = pd.DataFrame([dict(zip(CHOICE_COLUMNS, (*r, "paper"), strict=True))
                            for r in rows])
    conclusions = pd.DataFrame([{
        "id": "toy", "paper": "fan2018", "location": "Results", "statement": "A differs.",
        "quote": "", "tests": tests, "rests_on": "", "rule": rule, "alpha": "0.05",
        "family": "f", "direction": "", "note": ""}])
    families = pd.DataFrame({"family": ["f", "f"], "test": ["a", "b"], "reason": ["", ""]})
    return conclusions, choices, families


def test_a_conclusion_broken_by_a_choice_names_it(registry):
    conclusions, choices, families = _toy([
        ("a", "pearson", "as printed", 0.03, 0.03, "printed inputs"),
        ("a", "yates", "as printed", 0.07, 0.07, "printed inputs"),
        ("b", "pearson", "as printed", 0.50, 0.50, "printed inputs")])
    specs = specifications(conclusions, choices, families, registry)
    summary = summarise(conclusions, specs, registry).iloc[0]
    assert summary["all_choices"] == "mixed"
    assert summary["family_size"] == 2
    assert "Yates-corrected chi-square, no correction: p 0.07 against 0.05" in summary["breaks"]
    # 0.03 x 2 tests, named in words with the family's size
    assert "Pearson's chi-square, Bonferroni over 2 tests: p 0.06 against 0.05" in \
        summary["breaks"]
    assert summary["worst"].startswith("Yates-corrected chi-square, Bonferroni over 2 tests")


def test_an_absence_that_one_dataset_breaks_is_mixed_and_unknowns_are_unresolved(registry):
    conclusions, choices, families = _toy([
        ("a", "pearson", "as printed", 0.001, 0.80, "exact over every consistent dataset"),
        ("b", "any", "as printed", 0.0, 1.0, "not computed: the inputs are not printed")],
        rule="p >= alpha", tests="a b")
    summary = summarise(conclusions, specifications(conclusions, choices, families, registry),
                        registry).iloc[0]
    assert (summary["all_choices"], summary["over_data"]) == ("mixed", "mixed")
    conclusions, choices, families = _toy([
        ("a", "pearson", "as printed", 0.30, 0.80, "exact over every consistent dataset"),
        ("b", "any", "as printed", 0.0, 1.0, "not computed: the inputs are not printed")],
        rule="p >= alpha", tests="a b")
    summary = summarise(conclusions, specifications(conclusions, choices, families, registry),
                        registry).iloc[0]
    assert summary["over_data"] == "unresolved"


def test_holm_over_a_range_brackets_every_point(registry):
    """The corrected range of a test whose family partner has a range must contain the
    corrected p for every value of the partner in its range."""
    conclusions, choices, families = _toy([
        ("a", "pearson", "as printed", 0.02, 0.02, "printed inputs"),
        ("b", "pearson", "as printed", 0.001, 0.9, "exact over every consistent dataset")])
    specs = specifications(conclusions, choices, families, registry)
    holm = specs[specs["correction"] == "holm"].iloc[0]
    for partner in (0.001, 0.01, 0.02, 0.03, 0.5, 0.9):
        value = adjusted(pd.Series([0.02, partner]).to_numpy(), "holm")[0]
        assert holm["p_low"] - 1e-12 <= value <= holm["p_high"] + 1e-12


def test_the_conclusions_file_is_complete(registry):
    conclusions = load_conclusions()
    families = load_test_families()
    tests = set(load_test_inputs()["test"])
    ids = set(registry["id"])
    for row in conclusions.itertuples(index=False):
        assert set(row.rests_on.split()) <= ids, row.id
        if row.rule != "descriptive":
            assert set(row.tests.split()) <= tests, row.id
            assert set(row.family.split()) <= set(families["family"]), row.id
    assert set(families["test"]) <= tests


def test_the_papers_own_choice_gives_the_printed_p(registry):
    """Where a test's inputs are printed, the specification nearest the printed p rounds to
    it, unless explanations.csv lists that p as a mismatch (compared with the transcription,
    not with an earlier run)."""
    specs = specifications(load_conclusions(), choices_of_tests(registry), load_test_families(),
                           registry)
    own = specs[specs["paper_choice"] & specs["basis"].str.startswith("printed inputs")]
    printed = dict(zip(registry["id"], registry["printed"], strict=True))
    misses = {f"{t}.p" for t, p in zip(own["test"], own["p_low"], strict=True)
              if f"{t}.p" in printed and not compare(p, printed[f"{t}.p"])}
    explained = load_explanations()
    assert misses <= set(explained.index[explained["statuses"].str.split().map(
        lambda s: "mismatch" in s)])
    assert len(own["test"].unique()) >= 10
