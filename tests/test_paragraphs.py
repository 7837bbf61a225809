"""Every paragraph of the notebooks that states a finding is decided by a tested function
(:mod:`analysis.report.paragraphs`, :mod:`analysis.report.paragraphs_outcomes`); a hidden
notebook cell only says it. Each decision is checked here on small inputs with a known answer,
both ways, and on the committed data against the printed numbers."""

from __future__ import annotations

import re

import nbformat
import pandas as pd
import pytest

from analysis.io import paths
from analysis.report import paragraphs as said
from analysis.report import paragraphs_outcomes as outcome

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
#: What a decision looks like in code: control flow, or a comparison.
DECIDES = re.compile(r"\bif\b|\bfor\b|\bwhile\b|==|!=|<=|>=|\s<\s|\s>\s|\bany\(|\ball\(")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_hidden_cells_only_say(notebook):
    """A cell hidden from readers (``remove-input``) decides nothing: its decisions are a
    shown call of a tested function."""
    cells = nbformat.read(notebook, as_version=4).cells
    deciding = [cell.source[:80] for cell in cells if cell.cell_type == "code"
                and "remove-input" in cell.metadata.get("tags", [])
                and DECIDES.search(cell.source)]
    assert deciding == []


def test_pick_and_listed():
    assert said.pick(True, "can", "cannot") == "can"
    assert said.pick(False, "can", "cannot") == "cannot"
    assert [said.listed(x) for x in ([], ["a"], ["a", "b"], ["a", "b", "c"])] == [
        "none", "a", "a and b", "a, b and c"]


def test_fisher_evidence_counts_the_cases_that_point_to_fisher():
    evidence = pd.DataFrame({"finding": ["x", "x", "y"], "table": ["t1", "t1", "t2"]})
    assert said.fisher_evidence(evidence, []).text.startswith("**Reading the evidence.** In all 2")
    assert "In 1 of the 2 cases" in said.fisher_evidence(evidence, ["y"]).text
    assert "fan2019 names none" in said.fisher_evidence(evidence, []).text


def test_table1_statistics_compare_at_the_printed_decimals():
    tests = pd.DataFrame({"pearson": [10.304, 27.7319]}, index=["peer", "consumer"])
    ok = said.table1_statistics({"peer": "10.30", "consumer": "27.73"}, tests)
    bad = said.table1_statistics({"peer": "10.31", "consumer": "27.73"}, tests)
    assert "exactly the Pearson values" in ok.text
    assert "not all the Pearson values" in bad.text
    assert list(bad.facts.values()) == [False, True]


def test_response_rates_say_whether_both_tests_agree():
    rates = pd.DataFrame({"role": ["peer", "consumer"], "statistic": [1.2641, 0.548],
                          "p_fisher": [0.4615, 0.5167], "p": [0.26, 0.46]})
    text = said.response_rates(rates, {"peer": ("1.264", "0.462"),
                                       "consumer": ("0.548", "0.517")}).text
    assert "are the Pearson χ² values, but the printed p-values" in text
    assert "Both agree" in text
    rates.loc[0, "p"] = 0.01
    assert "do not agree" in said.response_rates(rates, {"peer": ("1.264", "0.462"),
                                                         "consumer": ("0.548", "0.517")}).text


def test_policies_and_the_literal_reading():
    policies = pd.DataFrame({"exact_p": ["never", "small_expected_2x2"],
                             "only another test": [2, 0]})
    assert "`small_expected_2x2` makes every printed p match" in said.policies_explained(
        policies).text
    literal = pd.DataFrame({"minimum": [10, 5], "maximum": [12, 4]}, index=["a", "b"])
    found = said.literal_reading(230, 214, literal, 0.5)
    assert "cannot be literal" in found.text
    assert found.facts["rules admitting no whole number"] == "b"
    assert "could be literal" in said.literal_reading(200, 214, literal.iloc[:1], 0.5).text


def test_a_paragraph_said_only_when_its_finding_holds():
    assert said.stand_in(False, 1000).text == ""
    assert "1,000 draws" in said.stand_in(True, 1000).text
    assert "has the degrees of freedom" in said.df_of_fig1("15", "48.75", (4, 6)).text
    assert "does not have" in said.df_of_fig1("9", "48.75", (4, 6)).text


def test_the_age_paragraph_says_what_the_proof_proves(registry):
    age = said.age_t(registry)
    assert age.facts["proved impossible with whole years"] is True
    assert "cannot be reproduced exactly" in age.text
    assert "which holds the printed value" in age.text
    assert "does not affect" not in age.text


def test_the_t_tests_by_wave_and_the_conservative_share():
    t_range = pd.DataFrame({"question": ["a_b"], "printed_t": ["-3.348"], "splits": [50],
                            "pooled_matching": [0], "welch_matching": [1],
                            "welch_min": [-3.3475]})
    text = outcome.rating_t_tests(t_range, 16).text
    assert text.startswith("No split gives the printed value as a pooled")
    assert "most extreme one" in text
    assert "fan2019 names no software" in text
    t_range.loc[0, "pooled_matching"] = 3
    assert outcome.rating_t_tests(t_range, 16).text.startswith("The pooled and Welch")
    share = outcome.conservative_share(36, "66.7", 54, 42)
    assert "66.7%" in share.text
    assert "counts the 12 consumers lost" in share.text


def test_the_confidence_paragraphs_follow_grim():
    check = pd.Series({"n": 12, "consistent": False})
    assert "No 12 whole numbers average 7.13" in outcome.confidence_question(
        "7.13", "2.366", check).text
    alternatives = pd.DataFrame({"works": [[8, 15, 16], [], [(171, 0)]]})
    later = pd.Series({"printed": "7.80", "n": 5, "consistent": True})
    table4 = pd.DataFrame({"id": ["fan2019.table4.x.consumers.mean"], "n": [42],
                           "consistent": [False]})
    text = outcome.confidence_alternatives(alternatives, 12, later, table4).text
    assert text.startswith("Only half-point answers reproduce")
    assert "rule out 1 of the 1" in text


def test_the_audit_paragraphs_count_what_they_say():
    flagged = pd.DataFrame({"explanation": ["the printed p is the fisher p", "other"],
                            "decision_inconsistent": [False, False]})
    text = said.p_not_following(flagged).text
    assert text.startswith("2 printed p-values")
    assert "1 of them is the two-sided" in text
    assert "None changes" in text
