"""Issue 21: the defensible alternatives of each test come from rules, each written once with
its condition, the analyses it adds and its source. Each rule is tested on a small table with
a known answer, and the multiverse is checked to contain every fired rule's analysis."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from analysis.evidence.choices import choices_of_tests, rules_fired
from analysis.evidence.multiverse import specifications, summarise
from analysis.evidence.over_data import fisher_over_margins, split_counts, split_tables
from analysis.evidence.recomputed_tests import cases
from analysis.evidence.rules import (
    FAMILY_RULE,
    RULES,
    Case,
    allowed,
    analyses,
    cochran_small,
    fired,
    rule_by_id,
)
from analysis.io.annotations import load_test_families
from analysis.methods.contingency import fisher_exact
from analysis.methods.tables import quasi_independence


def _rules(case: Case) -> set[str]:
    return {rule.id for rule, _why in fired(case)}


def test_every_rule_says_its_condition_what_it_adds_and_its_source():
    for rule in (*RULES, FAMILY_RULE):
        for part in (rule.name, rule.condition, rule.effect, rule.source):
            assert part, rule.id
        assert rule.adds, rule.id
        assert any(ch.isdigit() for ch in rule.source), f"{rule.id}: cite a year"
    assert len({rule.id for rule in RULES}) == len(RULES)
    with pytest.raises(KeyError):
        rule_by_id("no_such_rule")


@pytest.mark.parametrize(("expected", "fires"), [
    ([[5, 5], [5, 5]], False),               # none below 5
    ([[4.9, 6], [6, 6]], True),              # 1 of 4 = 25 % below 5
    ([[4, 9, 9, 9, 9], [9, 9, 9, 9, 9]], False),  # 1 of 10 = 10 %
    ([[4, 4, 9, 9, 9], [9, 9, 9, 9, 9]], False),  # 2 of 10 = 20 %: allowed
    ([[4, 4, 4, 9, 9], [9, 9, 9, 9, 9]], True),   # 3 of 10 = 30 %
    ([[0.9, 9, 9, 9, 9], [9, 9, 9, 9, 9]], True),  # one below 1
])
def test_cochran_rule_truth_table(expected, fires):
    """Cochran (1954): no expected count below 1, at most 20 % below 5."""
    assert (cochran_small(np.array(expected)) is not None) == fires


def test_small_expected_counts_add_exact_and_corrected_tests():
    small = Case("t", "contingency", (2, 2), np.array([[2.0, 3.0], [8.0, 12.0]]))
    large = Case("t", "contingency", (2, 3), np.full((2, 3), 20.0))
    assert {"small_expected", "two_by_two", "likelihood_ratio"} <= _rules(small)
    assert set(allowed(small)) == {"pearson", "likelihood_ratio", "fisher", "yates"}
    assert _rules(large) == {"likelihood_ratio"}
    assert set(allowed(large)) == {"pearson", "likelihood_ratio"}
    goodness = Case("g", "goodness_of_fit", (2,), np.array([3.5, 3.5]))
    assert set(allowed(goodness)) == {"pearson", "exact_binomial", "yates"}
    rule = rule_by_id("small_expected")
    assert analyses(rule, Case("g", "goodness_of_fit", (3,), np.full(3, 2.0))) == ()


def _quasi_by_glm(table: np.ndarray, structural: np.ndarray) -> float:
    """Pearson's statistic of quasi-independence by a second path: a Poisson log-linear model
    with row and column effects fitted (statsmodels GLM) to the cells that are not zero by
    design."""
    rows, columns = np.nonzero(~structural)
    design = np.column_stack([np.ones(len(rows)),
                              *(rows == i for i in range(1, table.shape[0])),
                              *(columns == j for j in range(1, table.shape[1]))]).astype(float)
    counts = table[rows, columns].astype(float)
    fit = sm.GLM(counts, design, family=sm.families.Poisson()).fit()
    return float(((counts - fit.mu) ** 2 / fit.mu).sum())


def test_structural_zeros_call_for_quasi_independence_the_same_as_a_log_linear_model():
    """A table whose running cells are independent but whose designed zeros make the plain
    test significant: quasi-independence gives statistic 0 (p 1), the plain test does not;
    a noisy table gives the statistic of a Poisson log-linear fit."""
    structural = np.array([[False] * 4, [False] * 4, [True, True, False, False],
                           [True, True, False, False]])
    rows, columns = np.array([10, 20, 5, 5]), np.array([1, 1, 2, 2])
    exact = np.where(structural, 0, np.outer(rows, columns)).astype(float)
    quasi = quasi_independence(exact, structural).iloc[0]
    assert quasi["statistic"] == pytest.approx(0, abs=1e-9)
    assert quasi["df"] == 5
    assert stats.chi2_contingency(exact, correction=False)[1] < 0.05
    noisy = exact + np.where(structural, 0, np.array([[1, 0, 2, 0], [0, 3, 0, 1],
                                                      [0, 0, 1, 0], [0, 0, 0, 2]]))
    assert quasi_independence(noisy, structural).iloc[0]["statistic"] == pytest.approx(
        _quasi_by_glm(noisy, structural), rel=1e-6)
    case = Case("t", "contingency", (4, 4), np.full((4, 4), 9.0), structural, table=noisy)
    assert "structural_zeros" in _rules(case)
    assert "quasi_independence" in allowed(case)


def test_people_counted_twice_add_the_rao_scott_range(registry):
    """Each person counted in every year of a table: the corrected statistic is the plain
    one divided by the design effect, person-years / people (at least each community's
    largest yearly count), and the p runs from the plain p to the corrected one."""
    described = cases(registry)
    case = described["fan2018.table1.enrolment_by_community_year.consumers"]
    assert case.repeated
    assert "repeated_people" in _rules(case)
    table = case.table
    effect = table.sum() / table.max(axis=1).sum()
    plain = stats.chi2_contingency(table, correction=False)
    from analysis.evidence.recomputed_tests import variants

    rows = variants(registry)
    row = rows[(rows["test"] == case.test) & (rows["variant"] == "rao_scott")].iloc[0]
    assert row["statistic"] == pytest.approx(plain[0] / effect)
    assert (row["p_low"], row["p_high"]) == pytest.approx(
        (plain[1], stats.chi2.sf(plain[0] / effect, plain[2])))


def test_a_subset_asked_adds_each_n_and_only_then(registry):
    choices = choices_of_tests(registry)
    consumers = choices[choices["test"] == "fan2018.results.satisfied_with_peers.consumers"]
    carers = choices[choices["test"] == "fan2018.results.want_patients_continue.caregivers"]
    assert set(consumers["n_choice"]) == {"all respondents", "assessed only"}
    assert set(carers["n_choice"]) == {"as printed"}
    assert (consumers["rules"].str.contains("paper")).any()


def test_two_groups_add_welch_and_ratings_a_rank_test():
    ages = Case("t", "two_sample")
    ratings = Case("r", "split_ratings", (2,), scale=(1, 5))
    assert set(allowed(ages)) == {"pooled_t", "welch_t"}
    assert set(allowed(ratings)) == {"pooled_t", "welch_t", "mann_whitney"}
    assert _rules(ratings) == {"two_groups", "bounded_ratings"}


def test_fisher_over_margins_equals_fisher_on_each_table():
    """Brute force: the exact p of every 2 x k table with the margins, from the network
    algorithm (or scipy for 2 x 2), one table at a time."""
    for pooled, first in (([4, 6], 5), ([3, 2, 4], 4), ([2, 2, 1, 3], 3)):
        tables = split_tables(pooled, first)
        fast = fisher_over_margins(tables)
        slow = [float(fisher_exact(t).iloc[0]["p"]) for t in tables]
        assert fast == pytest.approx(slow, rel=1e-9)
        if len(pooled) == 2:
            assert fast == pytest.approx([stats.fisher_exact(t).pvalue for t in tables])
    ranges = split_counts([3, 2, 4], 4).set_index("variant")
    assert "fisher" in ranges.index


def _family_toy(registry, families: str) -> pd.DataFrame:
    choices = pd.DataFrame([(t, "pearson", "as printed", p, p, "printed inputs", "paper")
                            for t, p in (("a", 0.004), ("b", 0.5), ("c", 0.5), ("d", 0.5))],
                           columns=["test", "variant", "n_choice", "p_low", "p_high", "basis",
                                    "rules"])
    conclusions = pd.DataFrame([{"id": "toy", "paper": "fan2019", "location": "", "statement":
                                 "A differs.", "quote": "", "tests": "a", "rests_on": "",
                                 "rule": "p < alpha", "alpha": "0.05", "family": families,
                                 "direction": "", "note": ""}])
    table = pd.DataFrame({"family": ["two", "two", "four", "four", "four", "four"],
                          "test": ["a", "b", "a", "b", "c", "d"], "reason": [""] * 6})
    specs = specifications(conclusions, choices, table, registry)
    return specs, summarise(conclusions, specs, registry).iloc[0]


def test_every_family_reading_is_tried_with_its_own_size(registry):
    """p = 0.004: Bonferroni over 2 tests (0.008) holds, over 4 (0.016) holds, and the two
    readings appear as two families with their sizes."""
    specs, summary = _family_toy(registry, "two four")
    bonferroni = specs[specs["correction"] == "bonferroni"].set_index("family")
    assert bonferroni.loc["two", "family_size"] == 2
    assert bonferroni.loc["four", "p_low"] == pytest.approx(0.016)
    assert summary["all_choices"] == "holds"
    assert FAMILY_RULE.id in summary["rules"].split()


def test_a_fired_rule_whose_analysis_is_missing_is_caught(registry):
    choices = choices_of_tests(registry)
    table1 = "fan2018.table1.enrolment_by_community_year.consumers"
    missing = choices[~((choices["test"] == table1)
                        & (choices["variant"] == "quasi_independence"))]
    fired_rows = rules_fired(registry, missing)
    broken = fired_rows[(fired_rows["test"] == table1)
                        & (fired_rows["rule"] == "structural_zeros")]
    assert broken["present"].tolist() == ["no"]
    assert (rules_fired(registry, choices)["present"] != "no").all()


def test_every_test_family_is_declared_once_per_reading():
    families = load_test_families()
    assert not families.duplicated(["family", "test"]).any()
