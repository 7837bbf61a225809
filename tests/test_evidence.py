"""How strong each result is: evidence levels (truth tables and a planted change), the
discrepancy classes, the recomputation from printed numbers, and the exact over-data ranges
against brute force."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.evidence.levels import Bound, assign, verdict_over
from analysis.evidence.over_data import (
    mann_whitney_counts,
    split_counts,
    split_ratings,
    split_tables,
)
from analysis.evidence.recomputed import percent_values, printed_values
from analysis.evidence.recomputed_tests import variants
from analysis.io import paths
from analysis.io.annotations import load_explanations
from analysis.io.interviews import read_interviews
from analysis.methods.contingency import fisher_exact
from analysis.methods.pvalues import adjusted, monte_carlo_interval, p_adjust
from analysis.printed.compare import compare
from analysis.printed.discrepancy import classify
from analysis.stages import outcomes

# --- verdicts over a range ----------------------------------------------------------------


@pytest.mark.parametrize(("low", "high", "printed", "verdict"), [
    (0.0032, 0.0034, "0.003", "match"),       # the whole range rounds to it
    (0.0032, 0.0039, "0.004", None),          # straddles 0.0035
    (0.0041, 0.0049, "0.004", None),          # straddles 0.0045
    (0.0050, 0.0060, "0.004", "mismatch"),    # all above
    (1e-9, 2e-5, "<0.001", "match"),          # a bound
    (0.002, 0.003, "<0.001", "mismatch"),
    (0.0005, 0.002, "<0.001", None),
    (-3.07, -3.00, "-2.99", "mismatch"),      # negative values round away from zero
    (-2.994, -2.986, "-2.99", "match"),
    (2.5, 2.5, "3", "match"),                 # half away from zero
])
def test_verdict_over_a_range(low, high, printed, verdict):
    assert verdict_over(Bound(low, high, "test", exact=True), printed) == verdict


def test_verdict_over_agrees_with_a_fine_grid():
    """The verdict of a range equals the verdict of every value in it, checked on a grid."""
    rng = np.random.default_rng(1)
    for _ in range(300):
        low = round(float(rng.uniform(0, 0.02)), 5)
        high = round(low + float(rng.uniform(0, 0.004)), 5)
        printed = f"{rng.choice([0.003, 0.004, 0.005, 0.01]):.3f}"
        grid = [compare(v, printed) for v in np.linspace(low, high, 401)]
        verdict = verdict_over(Bound(low, high, "grid", exact=True), printed)
        expected = "match" if all(grid) else "mismatch" if not any(grid) else None
        assert verdict == expected, (low, high, printed)


def test_an_empty_or_unexplained_range_is_refused():
    with pytest.raises(ValueError, match="empty range"):
        Bound(2.0, 1.0, "x", exact=True)
    with pytest.raises(ValueError, match="how it was computed"):
        Bound(1.0, 2.0, " ", exact=True)


# --- the order of the levels ----------------------------------------------------------------

def _frame(**row):
    base = {"id": "x.p", "reproduced": "0.0033", "status": "match", "method": "m",
            "origin": "derived"}
    return pd.DataFrame([{**base, **row}])


@pytest.mark.parametrize(("row", "recomputed", "bound", "real", "level"), [
    ({"status": "not_reproducible", "reproduced": ""}, {}, None, False, "unavailable"),
    ({}, {}, None, True, "real_data"),
    ({"origin": "printed"}, {}, None, True, "published"),
    ({}, {"x.p": [("printed", 0.0033)]}, None, False, "published"),
    ({}, {"x.p": [("printed", 0.00331)]}, Bound(0.0031, 0.0034, "e", True), False, "invariant"),
    ({}, {}, Bound(0.0031, 0.0039, "e", True), False, "dependent"),
    ({}, {}, Bound(0.0031, 0.0034, "s", False), False, "dependent"),  # sampled: never proof
    ({"origin": "constraint"}, {}, None, False, "by_construction"),
    ({"origin": "constraint"}, {}, Bound(0.0031, 0.0034, "e", True), False, "invariant"),
    ({"origin": "constraint"}, {}, Bound(0.0031, 0.0039, "e", True), False, "by_construction"),
])
def test_evidence_levels_in_order(row, recomputed, bound, real, level):
    bounds = {} if bound is None else {"x.p": bound}
    out = assign(_frame(**row), {"x.p": "0.003"}, recomputed, bounds, real)
    assert out.loc[0, "evidence"] == level


def test_a_derived_row_without_support_is_an_error():
    with pytest.raises(ValueError, match="neither recomputed"):
        assign(_frame(), {"x.p": "0.003"})


def test_spss_display_rounding_counts_as_the_same_number():
    out = assign(_frame(reproduced="1.315", status="match_other_method"), {"x.p": "1.32"},
                 {"x.p": [("Pearson", 1.314630)]})
    assert out.loc[0, "evidence"] == "published"
    assert "as SPSS displays it" in out.loc[0, "basis"]


# --- discrepancy classes (Hardwicke et al. 2018) ---------------------------------------------

@pytest.mark.parametrize(("printed", "value", "quantity", "kind"), [
    ("0.005", 0.0046, "p", "none"),
    ("0.039", 0.0187, "p", "major_numerical"),      # both below 0.05
    ("0.059", 0.030, "p", "decision_error"),        # crosses 0.05
    ("<0.001", 0.004, "p", "major_numerical"),
    ("<0.001", 0.06, "p", "decision_error"),
    (">0.078", 0.01, "p", "decision_error"),
    ("12.76", 13.7619, "statistic", "minor_numerical"),
    ("1.67", 0.6, "statistic", "major_numerical"),
    ("39", 38.46, "percent", "minor_numerical"),
])
def test_discrepancy_classes(printed, value, quantity, kind):
    assert classify(printed, value, quantity) == kind


# --- recomputed from printed numbers -------------------------------------------------------

def test_percentages_are_recomputed_from_printed_counts(registry):
    values = percent_values(registry)
    (description, value), = values["fan2018.table2.sex_male.peers.percent"]
    assert "both printed" in description
    assert compare(value, "66.7")


def test_every_printed_test_with_printed_inputs_is_recomputed(registry):
    table = variants(registry)
    assert set(table["design"]) == {"contingency", "goodness_of_fit", "two_sample"}
    pearson = table[(table["variant"] == "pearson")
                    & (table["test"] == "fan2018.table1.enrolment_by_community_year.peers")]
    assert compare(pearson["statistic"].iloc[0], "10.30")  # the printed Table 1 test
    recomputed = printed_values(registry)
    # the Abstract repeats a Results test: it gets the same recomputation
    assert recomputed["fan2018.abstract.improved_own_mood.caregivers.p"]


def test_a_monte_carlo_p_is_judged_over_its_exact_interval(registry):
    """fan2018 Table 1's consumers (145 person-years, 4 x 4) are too many for the exact r x c
    Fisher test: its p is estimated, and the range the conclusions judge is the estimate's
    Clopper-Pearson interval, labelled as such."""
    table = variants(registry)
    fisher = table[(table["variant"] == "fisher") & (
        table["test"] == "fan2018.table1.enrolment_by_community_year.consumers")].iloc[0]
    assert fisher["note"].startswith("Monte Carlo estimate")
    assert fisher["p_low"] < fisher["p"] < fisher["p_high"]
    exact = table[table["note"] == ""]
    assert (exact["p_low"] == exact["p"]).all()
    assert (exact["p_high"] == exact["p"]).all()


def test_monte_carlo_interval_holds_the_exact_p():
    """On a table small enough to enumerate, the exact Fisher p lies in the interval of the
    Monte Carlo estimate; the interval is that of k / B with k recovered from (k + 1)/(B + 1)."""
    small = [[3, 1, 0], [1, 3, 1], [0, 1, 4]]
    exact = fisher_exact(small).iloc[0]["p"]
    estimate = fisher_exact(small, method="monte-carlo", n_resamples=2000, seed=7).iloc[0]["p"]
    low, high = monte_carlo_interval(estimate, 2000)
    assert low <= exact <= high
    assert low < estimate < high
    k = round(estimate * 2001) - 1
    assert (low, high) == pytest.approx(tuple(stats.binomtest(k, 2000).proportion_ci(
        1 - 1e-6, method="exact")))
    with pytest.raises(ValueError, match="not"):
        monte_carlo_interval(0.0, 3)  # a Monte Carlo p is at least 1 / (B + 1)


def test_a_planted_change_leaves_published_and_invariant_verdicts_alone(registry, people):
    """Change what the printed numbers leave free (who, among the consumers, said yes to each
    disease-related item: the overlap of the two items): the union count must move, and every
    row that is published or invariant must keep its verdict."""
    interviews = read_interviews(paths.RECONSTRUCTED / "interviews.csv", people)
    explanations = load_explanations()
    before = outcomes.results(registry, interviews, people["fan2019"], explanations)
    planted = _separate_disease_items(interviews)
    after = outcomes.results(registry, planted, people["fan2019"], explanations)
    merged = before.merge(after, on="id", suffixes=("", "_after"))
    union = merged.set_index("id").loc["fan2019.results.disease_related_benefit.consumers.count"]
    assert union["reproduced"] != union["reproduced_after"], "the plant changed nothing"
    assert union["evidence"] == "dependent"
    strong = merged[merged["evidence"].isin(["published", "invariant"])]
    assert (strong["status"] == strong["status_after"]).all()
    assert (strong["evidence"] == strong["evidence_after"]).all()


def _separate_disease_items(interviews: pd.DataFrame) -> pd.DataFrame:
    """The same yes counts for each disease-related item, but given by as few shared
    consumers as possible (the yeses of the second item moved to people who said no to the
    first)."""
    out = interviews.copy()
    mine = (out["paper"] == "fan2019") & (out["role"] == "consumer")
    first, second = (out[mine & (out["question"] == q)] for q in (
        "disease_related_know_more_disease_knowledge",
        "disease_related_disease_become_more_stable"))
    first_yes = set(first.loc[first["answer"] == "yes", "person_id"])
    answered = second[second["answer"] != ""]
    yes = answered["answer"] == "yes"
    donors = answered[yes & answered["person_id"].isin(first_yes)].index
    takers = answered[~yes & ~answered["person_id"].isin(first_yes)].index
    moves = min(len(donors), len(takers))
    out.loc[donors[:moves], "answer"] = "no"
    out.loc[takers[:moves], "answer"] = "yes"
    return out


# --- exact ranges over the data, against brute force ----------------------------------------

def test_split_tables_are_every_split():
    tables = split_tables([2, 3, 1], 3)
    brute = [row for row in itertools.product(range(3), range(4), range(2)) if sum(row) == 3]
    assert sorted(map(tuple, tables[:, 0])) == sorted(brute)
    assert (tables.sum(axis=1) == [2, 3, 1]).all()


def test_split_count_ranges_equal_brute_force():
    pooled, first = [4, 6, 3], 6
    ranges = split_counts(pooled, first).set_index("variant")
    ps = []
    for row in itertools.product(*(range(c + 1) for c in pooled)):
        if sum(row) != first:
            continue
        table = np.array([row, np.subtract(pooled, row)])
        ps.append(stats.chi2_contingency(table, correction=False).pvalue)
    assert ranges.loc["pearson", "p_min"] == pytest.approx(min(ps))
    assert ranges.loc["pearson", "p_max"] == pytest.approx(max(ps))
    two = split_counts([5, 7], 4).set_index("variant")
    fishers = [stats.fisher_exact([[a, 4 - a], [5 - a, 3 + a]]).pvalue for a in range(5)]
    assert two.loc["fisher", "p_min"] == pytest.approx(min(fishers))


def test_mann_whitney_from_counts_equals_scipy():
    rng = np.random.default_rng(3)
    for _ in range(50):
        first, second = rng.integers(0, 6, size=(2, 5))
        if first.sum() < 2 or second.sum() < 2 or (first + second > 0).sum() < 2:
            continue
        x, y = (np.repeat(np.arange(1, 6), c) for c in (first, second))
        expected = stats.mannwhitneyu(x, y, use_continuity=False, method="asymptotic").pvalue
        assert mann_whitney_counts(first, second)[0] == pytest.approx(expected)


def test_split_rating_ranges_equal_brute_force():
    """Every sample of 7 answers on 1-3 with the printed mean and SD, every split 4 + 3."""
    n, mean, sd, lo, hi, second = 7, "2.14", "0.690", 1, 3, 3
    ranges = split_ratings(n, mean, sd, lo, hi, second).set_index("variant")
    ps = []
    for sample in itertools.combinations_with_replacement(range(lo, hi + 1), n):
        values = np.array(sample)
        if not (compare(values.mean(), mean) and compare(values.std(ddof=1), sd)):
            continue
        for later in set(itertools.combinations(sample, second)):
            rest = list(values)
            for v in later:
                rest.remove(v)
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")  # identical groups: scipy warns, p is nan
                ps.append(stats.ttest_ind(rest, later).pvalue)
    assert ps, "the brute force found no sample"
    assert ranges.loc["pooled_t", "p_min"] == pytest.approx(np.nanmin(ps))
    assert ranges.loc["pooled_t", "p_max"] == pytest.approx(np.nanmax(ps))


def test_fast_adjustments_equal_statsmodels():
    rng = np.random.default_rng(5)
    for method in ("bonferroni", "holm", "bh"):
        for _ in range(6):  # statsmodels' Holm runs the garbage collector on every call
            p = rng.random(int(rng.integers(1, 10))) ** 3
            assert np.allclose(adjusted(p, method), p_adjust(p, method)["p_adjusted"])


def test_adjusted_p_never_falls_when_a_raw_p_rises():
    """The property the conclusions' brackets rest on (Holm, Benjamini-Hochberg)."""
    rng = np.random.default_rng(7)
    for method in ("holm", "bh"):
        for _ in range(300):
            p = rng.random(6) ** 2
            raised = p.copy()
            k = int(rng.integers(6))
            raised[k] = min(1.0, raised[k] + float(rng.random()) * 0.2)
            assert (adjusted(raised, method) >= adjusted(p, method) - 1e-15).all()
