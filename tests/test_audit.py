"""The audit (notebook 06): extraction of every printed test, recomputed p, granularity, the
cross-check with the notebooks, and statcheck itself when installed."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.checks.granularity_audit import explain_granularity, granularity_checks
from analysis.checks.reported_tests import audit_tests, cross_check, normalise, recompute
from analysis.checks.statcheck import compare_with_statcheck, run_statcheck, statcheck_available
from analysis.io import paths
from analysis.io.annotations import load_findings


@pytest.fixture(scope="module")
def tests(registry):
    return audit_tests(registry)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("t = \u2212 3.348, p = 0.002", "t = -3.348, p = 0.002"),
     ("\u03c72(1)\u2009=\u20091.264, p\u2009=\u20090.462", "\u03c72(1) = 1.264, p = 0.462"),
     ("p < 0.\n001", "p < 0.001"),
     ("t = \u22122.99", "t = -2.99")],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_every_test_is_found_and_linked(tests):
    assert (tests["p_id"] != "").all()
    assert tests["statistic_id"].is_unique
    # the t tests printed without df get theirs from the group sizes
    without = tests[tests["df"] == ""]
    assert set(without["test"]) == {"t"}
    assert (without["df_used"] != "").all()


def test_flagged_p_values_are_the_papers_own_findings(tests):
    """The p-values the audit flags are exactly the p findings of findings.csv, each
    explained by the Fisher exact p of the printed counts."""

    findings = load_findings()
    p_findings = set(findings.loc[findings["check"] == "p", "id"])
    flagged = tests[~tests["consistent"]]
    assert set(flagged["p_id"]) == p_findings
    assert flagged["explanation"].str.contains("fisher").all()


@pytest.mark.parametrize(
    ("test", "df", "statistic", "comparison", "p", "consistent"),
    [("chi2", "1", "5.53", "=", "0.039", False),  # Pearson p is 0.019
     ("chi2", "1", "5.53", "=", "0.019", True),
     ("chi2", "15", "48.75", "<", "0.001", True),
     ("t", "60", "-2.99", "=", "0.004", True),
     ("chi2", "1", "0.05", "=", "0.827", True),  # 0.045-0.055 covers 0.823
     ("chi2", "1", "3.84", "=", "0.20", False)],
)
def test_recompute_truth_table(test, df, statistic, comparison, p, consistent):
    frame = pd.DataFrame([{"paper": "x", "occurrence": 1, "test": test, "df": df,
                           "statistic": statistic, "comparison": comparison, "p": p,
                           "text": "", "position": 0, "statistic_id": "", "p_id": ""}])
    out = recompute(frame, implied=pd.DataFrame(columns=["id", "value"]))
    assert bool(out.loc[0, "consistent"]) is consistent


def test_decision_inconsistency_is_flagged():
    frame = pd.DataFrame([{"paper": "x", "occurrence": 1, "test": "chi2", "df": "1",
                           "statistic": "2.00", "comparison": "<", "p": "0.05", "text": "",
                           "position": 0, "statistic_id": "", "p_id": ""}])
    out = recompute(frame, implied=pd.DataFrame(columns=["id", "value"]))
    assert not out.loc[0, "consistent"]
    assert out.loc[0, "decision_inconsistent"]


def test_granularity_finds_the_impossible_values(registry):
    checks = explain_granularity(granularity_checks(registry), registry)
    failing = checks[~checks["consistent"]].set_index("id")
    assert failing.loc["fan2019.results.improve_mood.initial_consumers.percent",
                       "explanation"] == "no count of 26 rounds to 39%"
    assert "41" in failing.loc["fan2019.table4.service_punctuality.consumers.sd", "explanation"]
    assert "half-point" in failing.loc["fan2019.table2.confidence.peers.mean", "explanation"]
    assert checks.loc[checks["id"] == "fan2019.table2.time.peers.sd", "consistent"].all()


def test_the_audit_agrees_with_the_notebooks(registry, tests):
    report = pd.read_csv(paths.REPRODUCTION_CSV, dtype=str, keep_default_na=False)
    checks = granularity_checks(registry)
    assert cross_check(tests, checks, report).empty


def test_a_disagreement_is_caught(registry, tests):
    report = pd.read_csv(paths.REPRODUCTION_CSV, dtype=str, keep_default_na=False)
    planted = report.copy()
    planted.loc[planted["id"] == "fan2018.table2.working_status.peers_vs_consumers.p",
                "status"] = "match"
    planted.loc[planted["id"] == "fan2019.results.improve_mood.initial_consumers.percent",
                "status"] = "match"
    problems = cross_check(tests, granularity_checks(registry), planted)
    assert set(problems["id"]) == {"fan2018.table2.working_status.peers_vs_consumers.p",
                                   "fan2019.results.improve_mood.initial_consumers.percent"}


def test_statcheck_finds_nothing_the_audit_misses(tests):
    """R's statcheck 1.4.0 on the same texts (thin spaces normalised): every test it finds is
    in the audit, with the same verdict; the audit finds more (t without df, a p broken by a
    line end)."""
    if not statcheck_available():
        pytest.skip("R's statcheck is not installed (Debian: apt-get install r-cran-statcheck)")
    found = run_statcheck()
    compared = compare_with_statcheck(tests, found)
    assert len(found) > 0
    assert compared["in_audit"].all(), compared[~compared["in_audit"]]
    assert compared["agree"].all(), compared[~compared["agree"]]
    assert len(tests) > len(found)
