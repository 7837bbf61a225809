"""Issue 21: every sentence the package writes about the papers is rendered from a template
whose numbers and assertions are computed; a false assertion fails the build, not the reader.
The letter, the page and reproduction.csv say the same; the headline's categories are
disjoint; and the examples a statistical reviewer found are fixed."""

from __future__ import annotations

import html
import re
import shutil

import pandas as pd
import pytest
from scipy import stats

from analysis.io import paths
from analysis.io.annotations import load_explanations, load_notes, load_problems
from analysis.methods.granularity import grim
from analysis.report import notes as notes_module
from analysis.report.notes import render_notes
from analysis.report.prose import typed_counts, typed_numbers
from analysis.report.results import build_report, load_results
from analysis.report.summary import categories, headline
from analysis.report.templates import Fact, TemplateError, evaluate, render, used_facts


@pytest.fixture(scope="module")
def report():
    return pd.read_csv(paths.REPRODUCTION_CSV, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def texts():
    return pd.read_csv(paths.TABLES / "problem_texts.csv", dtype=str, keep_default_na=False)


FACTS = {"p": Fact(0.03, shown="0.030"), "alpha": Fact(0.05, "words"),
         "ns": Fact([8, 15, 16]), "name": Fact("Welch's t", "words")}


@pytest.mark.parametrize(("expression", "value"), [
    ("p < alpha", True), ("p >= alpha", False), ("not p > alpha and alpha == 0.05", True),
    ("len(ns) == 3 and 15 in ns", True), ("ns == [8, 15, 16]", True),
    ("rounds_to(p, '0.03')", True), ("abs(p - alpha) < 0.01", False), ("-p < 0", True),
])
def test_assertion_truth_table(expression, value):
    assert evaluate(expression, FACTS) is value


@pytest.mark.parametrize("expression", ["__import__('os')", "p.real", "open('x')",
                                        "[x for x in ns]", "missing < 1", "p ** 2"])
def test_an_assertion_may_not_do_anything_else(expression):
    with pytest.raises(TemplateError):
        evaluate(expression, FACTS)


def test_a_template_renders_its_facts_and_fails_on_a_false_assertion():
    text, kinds = render("{name}: p = {p} [[p < alpha]], below {alpha}; ns {ns}.", FACTS)
    assert text == "Welch's t: p = 0.030, below 0.05; ns 8, 15 and 16."
    assert kinds == {"published", "words"}
    assert used_facts("{p:.1f} {name.how} [[alpha > 0]] {printed:x.y}") == {"p", "name",
                                                                           "alpha"}
    with pytest.raises(TemplateError, match=r"false assertion \[\[p > alpha\]\]"):
        render("p = {p} is above it [[p > alpha]]", FACTS, where="test")
    with pytest.raises(TemplateError, match="unknown fact 'q'"):
        render("{q}", FACTS)
    assert render("{printed:a.b}", FACTS, {"a.b": "12.76"})[0] == "12.76"


def _committed(registry) -> pd.DataFrame:
    return build_report(registry, load_results(registry=registry))


def test_every_committed_note_and_problem_renders_and_is_written(registry, report, texts):
    rendered = render_notes(_committed(registry), registry)
    assert rendered.report["note"].tolist() == report["note"].tolist()
    assert rendered.report["problem"].tolist() == report["problem"].tolist()
    assert rendered.problems["evidence"].tolist() == texts["evidence"].tolist()


def _planted(tmp_path, monkeypatch, edit) -> None:
    published = tmp_path / "published"
    shutil.copytree(paths.PUBLISHED, published)
    problems = pd.read_csv(published / "problems.csv", dtype=str, keep_default_na=False)
    edit(problems)
    problems.to_csv(published / "problems.csv", index=False)
    monkeypatch.setattr(paths, "PUBLISHED", published)


def test_a_planted_false_assertion_stops_the_report_and_nothing_is_written(
        registry, tmp_path, monkeypatch):
    """The typo problem asserts that the statistics differ in one digit; plant the claim
    that they differ in two: rendering fails, and write_report writes nothing."""
    from analysis.report.summary import write_report

    def plant(problems):
        row = problems["problem"] == "satisfaction_statistic_typo"
        problems.loc[row, "evidence"] = problems.loc[row, "evidence"].str.replace(
            "[[digits == 1]]", "[[digits == 2]]", regex=False)

    _planted(tmp_path, monkeypatch, plant)
    out = tmp_path / "out.csv"
    with pytest.raises(TemplateError, match=r"satisfaction_statistic_typo.*digits == 2"):
        write_report(registry, out_csv=out, out_md=tmp_path / "out.md")
    assert not out.exists()


def test_run_says_a_false_sentence_in_one_line_and_exits_1(monkeypatch, capsys):
    from analysis import run

    def fail(*_args, **_kwargs):
        raise TemplateError("problem 'x', evidence: false assertion [[a > b]]")

    monkeypatch.setattr(run, "_prepare", lambda args: ([], {}, None, None))
    monkeypatch.setattr(run, "_execute", fail)
    assert run.main([]) == 1
    assert "false assertion" in capsys.readouterr().err


def test_a_problem_cannot_cover_a_row_whose_status_it_does_not_explain(registry, tmp_path,
                                                                      monkeypatch):
    def plant(problems):
        problems.loc[problems["problem"] == "percent_rounding", "statuses"] = "match_other_method"

    _planted(tmp_path, monkeypatch, plant)
    with pytest.raises(TemplateError, match=r"percent_rounding.*'mismatch'"):
        render_notes(_committed(registry), registry)


def test_a_mismatch_without_a_problem_fails(registry, monkeypatch):
    real = load_explanations()
    monkeypatch.setattr(notes_module, "load_explanations", lambda problems=None: real.drop(
        "fan2019.results.improve_mood.initial_consumers.percent"))
    with pytest.raises(TemplateError, match=r"no problem .* explains it"):
        render_notes(_committed(registry), registry)


def test_no_template_types_a_number():
    """Templates name facts; a typed decimal, percentage or count fails (labels such as
    "Table 4", "fan2019" or "notebook 04" pass)."""
    problems, notes = load_problems(), load_notes()
    conclusions = pd.read_csv(paths.PUBLISHED / "conclusions.csv", dtype=str,
                              keep_default_na=False)
    texts = {**{f"{p}.{c}": problems.loc[p, c] for p in problems.index
                for c in ("title", "evidence", "check")},
             **{f"notes.{i}": t for i, t in enumerate(notes["text"])},
             **{f"conclusions.{i}": t for i, t in zip(conclusions["id"], conclusions["note"],
                                                      strict=True)}}
    stripped = {k: re.sub(r"\{[^{}]*\}|\[\[.*?\]\](?!\])", " ", v) for k, v in texts.items()}
    typed = {k: typed_numbers(v) + typed_counts(v) for k, v in stripped.items()}
    assert {k: v for k, v in typed.items() if v} == {}


def test_the_letter_the_page_and_the_csv_say_the_same(report, texts):
    letter = (paths.REPORTS / "review.md").read_text(encoding="utf-8")
    page = html.unescape((paths.REPORTS / "reproduction.html").read_text(encoding="utf-8"))
    for problem in texts[texts["kind"] == "problem"].itertuples():
        for text in (problem.title, problem.evidence, problem.check):
            assert text in letter, (problem.problem, text[:60])
            assert text in page, (problem.problem, text[:60])
        mine = report[report["problem"] == problem.problem]
        assert set(mine["id"]) == set(problem.rows.split())
        for note in mine["note"]:
            assert note in page
            assert note == problem.evidence or note in letter


def test_the_headline_categories_are_disjoint_and_add_up(report):
    found = categories(report)
    assert found["count"].sum() == len(report)
    agree = found[found["key"].isin(["published", "invariant", "dependent",
                                     "by_construction"])]
    counted = report[report["status"].isin(["match", "match_other_method"])]
    assert agree["count"].sum() == len(counted)  # no mismatch among numbers that agree
    text = headline(report)
    assert f"Of the {len(report)} numbers" in text
    assert "built to give them" in text
    assert "do not reproduce" in text
    bad = report.assign(status=report["status"].where(report.index != 0, "unknown"))
    with pytest.raises(ValueError, match="headline categories"):
        categories(bad)


def test_fisher_notes_say_where_each_p_lies(report):
    """Example: a note once said "both are below 0.05" where one p is above it."""
    mine = report[report["problem"] == "fisher_p_beside_pearson"]
    for note in mine["note"]:
        pearson = float(re.search(r"with p = ([\d.]+)", note).group(1))
        fisher = float(re.search(r"Fisher's exact p is ([\d.]+)", note).group(1))
        below = (pearson < 0.05, fisher < 0.05)
        phrase = {(True, True): "both are below", (False, False): "neither is below"}.get(
            below, "opposite sides")
        assert phrase in note


def test_a_mean_is_called_impossible_only_where_grim_fails(report):
    """Example: a note once called a mean impossible with 42 that passes GRIM with 42."""
    table4 = report[report["problem"] == "table4_rated_by_41"]
    for row in table4.itertuples():
        if "no 42 whole-number ratings have a mean" in row.note or (
                "impossible with 42" in row.note):
            assert not grim(row.printed, 42), row.id
        if "possible with 42 whole-number ratings (GRIM)" in row.note:
            assert grim(row.printed, 42), row.id


def test_the_examples_of_the_review_are_fixed(report):
    by_id = report.set_index("id")
    age = by_id.loc["fan2018.table2.age.peers_vs_consumers.statistic"]
    assert (age["status"], age["evidence"]) == ("mismatch", "invariant")
    assert age["basis"].startswith("proved over every consistent dataset")
    for row_id in ("fan2019.methods.ratio_consumers_per_provider_max.all.other",
                   "fan2019.results.bonferroni_threshold.initial_vs_later.p"):
        assert by_id.loc[row_id, "status"] == "depends_on_reading"
    letter = (paths.REPORTS / "review.md").read_text(encoding="utf-8")
    assert "printed 5, reproduced 8 (7.5 unrounded)" in letter
    conclusions = pd.read_csv(paths.REPORTS / "conclusions.csv", dtype=str,
                              keep_default_na=False).set_index("id")
    enrolment = conclusions.loc["fan2018.consumers_enrolment_differs_by_community_year"]
    assert enrolment["all_choices"] != "holds"
    assert {"structural_zeros", "repeated_people"} <= set(enrolment["rules"].split())
    assert "quasi-independence" in enrolment["breaks"]


def test_spss_is_never_said_to_be_fan2019s_software(texts):
    """fan2019 names no software: wherever a text about it mentions SPSS, it says so."""
    for problem in texts[texts["paper"] == "fan2019"].itertuples():
        for text in (problem.evidence, problem.check):
            for sentence in re.split(r"(?<=[.;])\s", text):
                if "SPSS" in sentence:
                    assert re.search(r"no software|assum|such as SPSS", sentence), sentence


def test_the_quasi_independence_that_breaks_the_enrolment_conclusion_is_recomputable():
    """A second path for the structural-zero example: independence on the running cells only,
    from the printed Table 1 (scipy on the collapsed design): the later communities' 2015 and
    2016 cells and the initial communities' four years."""
    registry = pd.read_csv(paths.REGISTRY, dtype=str, keep_default_na=False).set_index("id")

    def count(community: str, year: int) -> int:
        return int(registry.loc[f"fan2018.table1.{community}.consumers_{year}.count",
                                "printed"])

    later = [[count(c, y) for y in (2015, 2016)] for c in ("xiangheyuan", "jingsong")]
    initial = [[count(c, y) for y in (2013, 2014, 2015, 2016)]
               for c in ("tuanjiehu", "maizidian")]
    assert stats.chi2_contingency(later, correction=False)[1] > 0.05
    assert stats.chi2_contingency(initial, correction=False)[1] > 0.05


def test_every_quoted_reading_and_assumption_is_in_its_paper(registry):
    """A reading or an assumption that rests on the paper's words quotes them, verbatim."""
    from analysis.io.annotations import load_assumptions, load_readings, load_stages
    from analysis.io.registry import normalise_text, paper_text

    readings = load_readings()
    for row in readings.itertuples(index=False):
        assert (row.basis == "words") == bool(row.quote), row.reading
    stages = load_stages(registry)
    paper_of = {key: stages.loc[stages["measure"] == key, "id"].iloc[0].split(".")[0]
                for key in readings["key"].unique()}
    readings = readings.assign(paper=readings["key"].map(paper_of))
    assumptions = load_assumptions()
    assert set(assumptions.loc[assumptions["quote"] != "", "basis"]) <= {"stated", "words",
                                                                         "inferred"}
    for frame in (readings, assumptions):
        for row in frame[frame["quote"] != ""].itertuples(index=False):
            assert normalise_text(row.quote) in normalise_text(paper_text(row.paper)), row.quote
    software = assumptions.set_index("id")
    assert software.loc["fan2019.software", "basis"] == "assumed"
    assert software.loc["fan2018.software", "basis"] == "stated"
