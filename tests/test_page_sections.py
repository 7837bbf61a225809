"""Unit tests of analysis/report/page_sections.py: the parts of the reviewer's page, each built
from a toy report of a few printed numbers made here: what each part counts, links, filters
and escapes (never compared with the committed page)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.evidence.rules import FAMILY_RULE, RULES
from analysis.report import page_sections as ps


def _row(row_id: str, **values: object) -> dict:
    """One row of the report as the page reads it (``rows_with_context``)."""
    row = {"id": row_id, "paper": "fan2018", "location": "Table 2", "item": "Age",
           "group": "Peers", "quantity": "mean", "printed": "40.2", "reproduced": "40.1667",
           "shown": "40.2", "status": "match", "evidence": "published", "discrepancy": "none",
           "method": "mean of the ages", "basis": "printed inputs",
           "source": "notebooks/01_enrolment.ipynb", "source_stem": "01_enrolment",
           "problem": "", "note": "", "context": "Mean age 40.2", "category": "published"}
    return {**row, **values}


def _report(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


@pytest.mark.parametrize(("text", "escaped"), [
    ("<b>", "&lt;b&gt;"),
    ("a & b", "a &amp; b"),
    ("it's", "it&#x27;s"),
    ('say "x"', "say &quot;x&quot;"),
    (3, "3"),
    (None, "None"),
])
def test_e_escapes_markup_and_both_quotes(text, escaped):
    assert ps.e(text) == escaped


@pytest.mark.parametrize(("status", "evidence", "label"), [
    ("match", "published", "match"),
    ("match", "by_construction", "match (by construction)"),
    ("match_other_method", "by_construction", "match, other method (by construction)"),
    ("mismatch", "by_construction", "mismatch"),
    ("depends_on_reading", "invariant", "depends on the reading"),
    ("not_computable", "real_data", "not computable on these data"),
    ("something_new", "published", "something_new"),
])
def test_shown_label(status, evidence, label):
    assert ps.shown_label(status, evidence) == label


def test_count_link_filters_the_table_of_numbers():
    assert ps.count_link(3, paper="fan<2018>", status="match") == (
        '<a href="#numbers" data-filter="1" data-filter-paper="fan&lt;2018&gt;" '
        'data-filter-status="match">3</a>')
    assert ps.count_link(0) == '<a href="#numbers" data-filter="1" >0</a>'


HEADLINE = _report(
    _row("b1", paper="fan2019"), _row("b2", paper="fan2019"),
    _row("a1", evidence="by_construction"),
    _row("a2", status="mismatch", evidence="dependent", problem="p1"),
    _row("a3", status="mismatch", evidence="dependent", problem="p1"),
)
PROBLEMS = pd.DataFrame({"paper": ["fan2018", "fan2018"], "problem": ["p1", "p2"],
                         "mismatch": [True, False]})


def test_headline_by_paper_counts_each_category_with_a_link():
    paragraphs = ps.headline_by_paper(HEADLINE, PROBLEMS, real=False).split("\n")
    assert len(paragraphs) == 2
    first, second = paragraphs  # in the report's order of papers
    assert first.startswith("<p class='verdict'><b>fan2019</b>: ")
    assert 'data-filter-paper="fan2019">2</a> printed numbers: ' in first
    assert ('data-filter-paper="fan2019" data-filter-category="published">2</a> agree when '
            "recomputed from other printed numbers alone.") in first
    assert "<a href='#problems'>0 distinct problems</a>." in first
    assert 'data-filter-paper="fan2018">3</a> printed numbers' in second
    assert ('data-filter-category="by_construction">1</a> agrees only because the '
            "reconstructed data were built to give them; ") in second
    assert ('data-filter-category="mismatch">2</a> do not reproduce in the '
            "reconstruction.") in second
    assert "<a href='#problems'>1 distinct problem</a>." in second  # p2 is not a mismatch
    assert "cannot be recomputed" not in first + second  # empty categories are left out


def test_headline_by_paper_on_real_data_has_no_problems_to_count():
    text = ps.headline_by_paper(HEADLINE, PROBLEMS, real=True)
    assert "distinct problem" not in text
    assert text.count("<p class='verdict'>") == 2


def test_headline_by_paper_refuses_a_row_in_no_category():
    with pytest.raises(ValueError, match="headline categories"):
        ps.headline_by_paper(_report(_row("x", status="unknown")), PROBLEMS, real=False)


def _conclusion(statement: str, rests_on: str, **values: str) -> dict:
    row = {"statement": statement, "rests_on": rests_on, "as_printed": "holds",
           "all_choices": "holds", "over_data": "not_applicable", "breaks": "", "worst": "",
           "estimated": ""}
    return {**row, **values}


CONCLUSIONS = pd.DataFrame([
    _conclusion("Ages differ.", "a2 a3"),
    _conclusion("Sessions rose.", "b1", all_choices="mixed", worst="Welch's t"),
    _conclusion("Nothing else.", "a22"),
])


@pytest.mark.parametrize(("ids", "statements"), [
    ({"a3"}, ["Ages differ"]),
    ({"a2", "b1"}, ["Ages differ", "Sessions rose"]),
    ({"a"}, []),   # whole ids only: a22 does not rest on a or a2
    (set(), []),
])
def test_conclusions_resting_on_ids(ids, statements):
    said = ps.conclusions_resting(ids, CONCLUSIONS)
    assert [s.split("”")[0].lstrip("“") for s in said] == statements


def test_conclusions_resting_say_how_each_fares():
    (said,) = ps.conclusions_resting({"b1"}, CONCLUSIONS)
    assert said.startswith("“Sessions rose” holds as printed, but it holds under some")
    assert "(most of all Welch's t)" in said


def _problem(problem: str, mismatch: bool, title: str = "A problem") -> dict:
    return {"problem": problem, "title": title, "paper": "fan2018", "mismatch": mismatch,
            "evidence": f"Evidence of {problem}.", "strength": "proved",
            "check": f"Check {problem}."}


SECTION_PROBLEMS = pd.DataFrame([_problem("sd", True, "Age <SD>"), _problem("n", False),
                                 _problem("method", False)])
SECTION_ROWS = _report(
    _row("a2", problem="sd", status="mismatch", discrepancy="minor_numerical",
         note="Evidence of sd."),  # the problem's own evidence: not repeated
    _row("a3", problem="sd", status="mismatch", discrepancy="major_numerical",
         note="Its own note."),
    _row("d1", problem="n", status="depends_on_reading", discrepancy="none"),
    _row("e1", problem="method", status="match_other_method", discrepancy=""),
)


def _sections() -> list[str]:
    html = ps.problems_section(SECTION_PROBLEMS, SECTION_ROWS, CONCLUSIONS)
    return [part for part in html.split("</section>") if part.strip()]


def test_problems_section_one_section_per_problem():
    sd, n, method = _sections()
    assert sd.startswith("<section class='problem' id='problem-sd'><h3>Age &lt;SD&gt;</h3>")
    assert ("<p><b>Mismatch</b> · fan2018 · class: major numerical, minor numerical · 2 rows"
            "</p>") in sd
    assert "<p><b>What the authors should check:</b> Check sd.</p>" in sd
    assert sd.count("Evidence of sd.") == 1
    assert "<br><span class='small'>Its own note.</span>" in sd
    assert "<li><a href='#a2'>a2</a>: printed 40.2, reproduced 40.2 (mismatch; evidence " \
           "published)</li>" in sd
    assert "Conclusions resting on them: “Ages differ”" in sd
    assert n.lstrip().startswith("<section class='problem other' id='problem-n'>")
    assert "<b>Depends on the reading</b> · fan2018 · class: none · 1 row</p>" in n
    assert "No conclusion of the paper rests on these numbers." in n
    assert "<b>Reproduced by another method</b>" in method


def test_problems_section_of_no_problems_is_empty():
    assert ps.problems_section(SECTION_PROBLEMS.iloc[:0], SECTION_ROWS, CONCLUSIONS) == ""


TABLES = _report(
    _row("t1", item="Age", group="Peers", quantity="mean"),
    _row("t2", item="Age", group="Peers", quantity="sd", printed="8.9", shown="9.0",
         status="mismatch", evidence="invariant"),
    _row("t3", item="Age", group="Consumers", quantity="mean", printed="48.3"),
    _row("t4", item="Sex <male>", group="Peers", quantity="mean"),
    _row("t5", location="Results", item="Elsewhere"),
    _row("t6", location="Table 1a", item="Not a table"),
    _row("t7", paper="fan2019", location="Table 12", item="Onset"),
)


def test_paper_tables_one_per_paper_and_table_number():
    html = ps.paper_tables(TABLES)
    assert re.findall(r"<h3 id='([^']*)'>([^<]*)</h3>", html) == [
        ("fan2018-table2", "fan2018 Table 2"), ("fan2019-table12", "fan2019 Table 12")]
    for left_out in ("Elsewhere", "Not a table"):
        assert left_out not in html


def test_paper_tables_cells_hold_printed_over_reproduced():
    table = ps.paper_tables(TABLES).split("<h3")[1]
    body = re.findall(r"<tr><th scope='row'>(.*?)</th>(.*?)</tr>", table)
    assert [item for item, _ in body] == ["Age", "Sex &lt;male&gt;"]
    age, sex = (re.findall(r"<td[^>]*>.*?</td>", cells) for _, cells in body)
    assert len(age) == len(sex) == 3  # (Peers, mean), (Peers, sd), (Consumers, mean)
    assert "<td class='s-mismatch e-invariant'><a href='#t2'>" in age[1]
    assert "<span class='cell-printed'>8.9</span></a><br><span class='cell-reproduced'>9.0" \
           "</span><br><span class='small'>mismatch</span>" in age[1]
    assert sex[1:] == ["<td></td>", "<td></td>"]  # no such number printed


def _header_groups(table: str) -> list[str]:
    """The group each column sits under in the first header row (colspans expanded)."""
    spans = re.findall(r"<th scope='col' colspan='(\d+)'>([^<]*)</th>", table)
    return [group for width, group in spans for _ in range(int(width))]


def test_paper_tables_group_header_spans_contiguous_columns():
    table = ps.paper_tables(TABLES.iloc[[0, 1, 2]]).split("<h3")[1]
    assert _header_groups(table) == ["Peers", "Peers", "Consumers"]


def test_paper_tables_group_header_stands_over_its_own_columns():
    """A group whose quantities first appear apart (fan2018 Table 2: Peers mean, Consumers
    mean, then Peers count) has its columns side by side, under its one header."""
    rows = _report(_row("t1", group="Peers", quantity="mean"),
                   _row("t2", group="Consumers", quantity="mean"),
                   _row("t3", item="Sex", group="Peers", quantity="count"))
    table = ps.paper_tables(rows).split("<h3")[1]
    quantities = re.findall(r"<th scope='col'>([^<]*)</th>", table)
    assert quantities == ["mean", "count", "mean"]  # (Peers, mean), (Peers, count), ...
    assert _header_groups(table) == ["Peers", "Peers", "Consumers"]


NUMBERS = _report(
    _row("fan2018.table2.age.peers.mean", note="", problem=""),
    _row("fan2019.x.y_z.count", paper="fan2019", location="Results", item="Lost",
         group="Consumers", quantity="count", printed="12", reproduced="11", shown="11",
         status="mismatch", evidence="by_construction", category="mismatch", problem="p<1>",
         note="Counted <twice>.", source="notebooks/other.ipynb", source_stem="other"),
)
LINKS = {"notebooks/01_enrolment.ipynb": "notebooks/01_enrolment.html#cell-id=abc"}


def test_numbers_table_has_a_filter_per_column_with_each_value_once():
    html = ps.numbers_table(NUMBERS, LINKS)
    for name in ("paper", "status", "evidence", "category", "location"):
        assert f"<label for='filter-{name}'>{name}<select id='filter-{name}'>" in html
    options = re.findall(r"<select id='filter-evidence'>(.*?)</select>", html)[0]
    assert options == ("<option value=''>all</option><option value='published'>published"
                       "</option><option value='by_construction'>by construction</option>")
    assert "showing <b id='shown-count'>2</b> of 2" in html
    assert html.count("<tr id=") == 2


def test_numbers_table_rows_carry_their_data_notes_problems_and_links():
    first, second = re.findall(r"<tr id=.*?</tr>", ps.numbers_table(NUMBERS, LINKS))
    assert first.startswith('<tr id="fan2018.table2.age.peers.mean" class="s-match" '
                            'data-paper="fan2018" data-status="match" data-evidence="published" '
                            'data-category="published" data-location="Table 2" data-text="')
    assert "data-text=\"fan2018.table2.age.peers.mean age peers mean 40.2 mean age 40.2\"" \
        in first
    assert "Why:" not in first
    assert "problem</a>" not in first
    assert ("<a href='notebooks/01_enrolment.html#cell-id=abc'>01_enrolment</a>") in first
    assert "<td class='num' title='40.1667'>40.2</td>" in first
    assert "<br>Why: Counted &lt;twice&gt;." in second
    assert " <a href='#problem-p&lt;1&gt;'>problem</a>" in second
    assert "<span class='badge'>mismatch</span>" in second
    assert "<a href=" not in second.split("<td>")[-1]  # no rendered notebook: no link


def test_numbers_table_of_no_rows():
    html = ps.numbers_table(NUMBERS.iloc[:0], {})
    assert "showing <b id='shown-count'>0</b> of 0" in html
    assert "<tbody></tbody>" in html


def test_audit_in_words_counts_from_its_tables():
    tests = pd.DataFrame({"consistent": ["True", "False", "True"],
                          "decision_inconsistent": ["False", "True", "False"]})
    checks = pd.DataFrame({"id": ["a.sd", "b<c>.mean"], "consistent": ["True", "False"]})
    text = ps.audit_in_words(tests, checks)
    assert "The texts print 3 test results." in text
    assert "2 agree and 1 do not; 1 would change a decision at 0.05." in text
    assert ("Of 2 means, SDs and percentages checked for granularity (GRIM, GRIMMER), 1 are "
            "impossible as printed: <a href='#b&lt;c&gt;.mean'>b&lt;c&gt;.mean</a>.</p>") in text
    consistent = ps.audit_in_words(tests, checks.assign(consistent="True"))
    assert "0 are impossible as printed.</p>" in consistent


@pytest.mark.parametrize("missing", ["tests", "checks", "both"])
def test_audit_in_words_without_its_tables_says_nothing(missing):
    table = pd.DataFrame({"consistent": ["True"], "decision_inconsistent": ["False"],
                          "id": ["x"]})
    tests = None if missing in ("tests", "both") else table
    checks = None if missing in ("checks", "both") else table
    assert ps.audit_in_words(tests, checks) == ""


def _verdicts(**values: str) -> pd.DataFrame:
    row = {"paper": "fan2018", "statement": "Ages differ.", "as_printed": "holds",
           "all_choices": "mixed", "over_data": "not_applicable", "p_min": "0.000123456",
           "p_max": "0.5", "worst": "", "breaks": "", "rules": "", "estimated": ""}
    return pd.DataFrame([{**row, **values}])


def test_conclusions_table_cells():
    html = ps.conclusions_table(_verdicts(rules="likelihood_ratio two_by_two"))
    cells = re.findall(r"<td>(.*?)</td>", html)
    assert cells == ["fan2018", "Ages differ.", "holds", "mixed", "not applicable",
                     "0.000123 to 0.5", "", "likelihood-ratio test; 2 x 2 table"]
    assert html.count("<th scope='col'>") == 8


def test_conclusions_table_puts_the_other_breaks_under_a_toggle():
    html = ps.conclusions_table(_verdicts(worst="Holm: p 0.07", estimated="x.p",
                                          breaks="Holm: p 0.07; BH: p 0.06; Welch: p 0.051"))
    assert ("<td>Holm: p 0.07<details><summary>2 more</summary><ul><li>BH: p 0.06</li>"
            "<li>Welch: p 0.051</li></ul></details></td>") in html
    assert "mixed (Monte Carlo p, judged over its confidence interval)" in html
    alone = ps.conclusions_table(_verdicts(worst="Holm: p 0.07", breaks="Holm: p 0.07"))
    assert "<td>Holm: p 0.07</td>" in alone


def test_conclusions_table_without_a_p_range_leaves_it_empty():
    cells = re.findall(r"<td>(.*?)</td>", ps.conclusions_table(_verdicts(p_min="", p_max="")))
    assert cells[5] == ""


def test_conclusions_table_refuses_an_unknown_rule():
    with pytest.raises(KeyError, match="no rule 'no_such_rule'"):
        ps.conclusions_table(_verdicts(rules="no_such_rule"))


def test_conclusions_table_escapes_every_cell():
    html = ps.conclusions_table(_verdicts(paper="fan<2018>"))
    assert "fan&lt;2018&gt;" in html


def test_rules_table_lists_every_rule_in_words():
    html = ps.rules_table()
    rules = (*RULES, FAMILY_RULE)
    assert html.count("<tr><td>") == len(rules)
    for rule in rules:
        assert f"<tr><td>{ps.e(rule.name)}</td><td>{ps.e(rule.condition)}</td>" in html
        assert ps.e(rule.source) in html
    assert html.startswith("<details><summary>")


def test_provenance_block_one_escaped_row_per_entry():
    html = ps.provenance_block({"mode": "synthetic", "python": "3.11 <cpython>"})
    assert re.findall(r"<tr><th scope='row'>(.*?)</th><td>(.*?)</td></tr>", html) == [
        ("mode", "synthetic"), ("python", "3.11 &lt;cpython&gt;")]
    assert ps.provenance_block({}) == "<div class='scroll'><table id='provenance'></table></div>"


def test_toc_links_each_anchor_in_order():
    html = ps.toc([("verdict", "Verdict"), ("numbers", "Every number & its source")])
    assert re.findall(r"<li><a href='#(.*?)'>(.*?)</a></li>", html) == [
        ("verdict", "Verdict"), ("numbers", "Every number &amp; its source")]
    assert html.startswith("<nav class='toc' aria-label='contents'>")
