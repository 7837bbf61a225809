"""What a run changed (issue 25): the comparison of two runs (``analysis.report.changes``),
its words (``analysis.report.change_words``) and ``python -m analysis.compare``, on the
committed reproduction and on copies of it with planted changes whose effect is known."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import compare as compare_cli
from analysis.io.files import MAX_INPUT_BYTES, InputError
from analysis.report import change_words as words
from analysis.report import changes
from analysis.report.page import build_html


@pytest.fixture(scope="module")
def published() -> changes.RunOutputs:
    return changes.published_run()


@pytest.mark.parametrize(("before", "after", "same"), [
    ("0.5", "0.5", True), ("0.5", "0.50000000000000001", True), ("0.5", "0.51", False),
    ("", "", True), ("", "0.5", False), ("holds", "holds", True), ("holds", "mixed", False),
    ("nan", "nan", True), ("nan", "0.5", False), ("1e-300", "1e-300", True)])
def test_same_value_truth_table(before, after, same):
    assert changes.same_value(before, after) is same


@pytest.mark.parametrize(("before", "after", "printed", "same"), [
    ("48.7494", "48.7481", "48.75", True),      # the Fig. 1 statistic under two seeds
    ("0.8636", "1.2091", "1", True),            # both round to the printed 1
    ("0.0123", "0.0456", "0.01", False),
    ("1.92e-05", "1.93e-05", "<0.001", True),   # below a printed bound: 0.000 both
    ("4", "5", "four", False), ("4", "4", "four", True),
    ("0.125", "0.135", "0.1", True), ("0.149", "0.151", "0.1", False),  # half away from zero
    ("", "0.5", "0.5", False), ("holds", "holds", "0.5", True)])
def test_same_as_printed_truth_table(before, after, printed, same):
    assert changes.same_as_printed(before, after, printed) is same


def test_a_run_compared_with_itself_changes_nothing(published):
    comparison = changes.compare(published, published)
    assert comparison.unchanged
    assert comparison.parameters.empty
    said = words.headline(comparison)
    assert "nothing changed" in said
    assert f"all {len(published.reproduction)} printed numbers" in said
    assert f"all {len(published.conclusions)} conclusions" in said
    assert words.changes_frame(comparison).empty
    assert list(words.changes_frame(comparison).columns) == words.CHANGES_COLUMNS


def _planted(published: changes.RunOutputs) -> tuple[changes.RunOutputs, dict]:
    """A copy of the published run with known changes: one status, one reproduced value at
    the printed decimals, one only beyond them, one row gone, one conclusion's verdict, and
    one parameter."""
    rows = published.reproduction.copy()
    numeric = rows[pd.to_numeric(rows["reproduced"], errors="coerce").notna()
                   & rows["printed"].str.fullmatch(r"\d+\.\d\d")].index
    status, moved, beyond = rows.index[0], numeric[0], numeric[1]
    rows.loc[status, "status"] = "mismatch"
    rows.loc[moved, "reproduced"] = str(float(rows.loc[moved, "reproduced"]) + 1)
    rows.loc[beyond, "reproduced"] = str(float(rows.loc[beyond, "reproduced"]) + 1e-9)
    gone = rows.index[-1]
    known = {"status": rows.loc[status, "id"], "moved": rows.loc[moved, "id"],
             "gone": rows.loc[gone, "id"]}
    rows = rows.drop(index=gone)
    conclusions = published.conclusions.copy()
    conclusions.loc[0, "all_choices"] = "fails"
    known["conclusion"] = conclusions.loc[0, "id"]
    parameters = {k: dict(v) for k, v in published.parameters.items()}
    parameters["05_conclusions"]["alpha"] = 0.01
    return dataclasses.replace(published, label="the planted run", mode="scratch",
                               parameters=parameters, reproduction=rows,
                               conclusions=conclusions), known


def test_planted_changes_are_each_listed_once(published):
    after, known = _planted(published)
    comparison = changes.compare(published, after)
    listed = {(r.id, r.field) for r in comparison.rows.itertuples()}
    assert listed == {(known["status"], "status"), (known["moved"], "reproduced"),
                      (known["gone"], "row")}
    assert comparison.beyond_printed == 1
    assert set(comparison.conclusions["id"]) == {known["conclusion"]}
    assert comparison.parameters.to_dict("records") == [
        {"notebook": "05_conclusions", "parameter": "alpha", "before": "0.05", "after": "0.01"}]
    said = words.headline(comparison)
    assert f"changes 3 of {len(published.reproduction)} printed numbers" in said
    assert "1 reproduced value differs only beyond the printed decimals" in said
    assert f"1 of {len(published.conclusions)} conclusions" in said
    frame = words.changes_frame(comparison)
    assert frame["kind"].value_counts().to_dict() == {"number": 3, "conclusion": 1,
                                                       "parameter": 1}


def test_the_summary_lists_the_first_numbers_and_every_conclusion(published):
    rows = published.reproduction.copy()
    rows["status"] = "pending"
    conclusions = published.conclusions.assign(all_choices="fails")
    after = dataclasses.replace(published, label="x", reproduction=rows,
                                conclusions=conclusions)
    lines = words.summary_lines(changes.compare(published, after), first=3)
    assert len([line for line in lines if line.startswith("  fan")]) == 3
    more = len(rows) - 3
    assert f"  ... and {more} more in reports/changes.csv" in lines
    changed = (published.conclusions["all_choices"] != "fails").sum()
    assert len([line for line in lines if line.startswith("  conclusion ")]) == changed


def test_the_report_section_lists_at_most_its_limit(published):
    rows = published.reproduction.assign(status="pending")
    after = dataclasses.replace(published, reproduction=rows)
    text = words.markdown_section(changes.compare(published, after))
    assert text.startswith(f"## {words.TITLE}")
    assert len(re.findall(r"^\| fan20", text, re.MULTILINE)) == words.LISTED
    assert f"The other {len(rows) - words.LISTED} changes are in `changes.csv`." in text


def test_a_real_data_run_shows_the_papers_on_your_data_first(published):
    rows = published.reproduction.assign(evidence="real_data")
    after = dataclasses.replace(published, label=changes.KINDS["real"], mode="real",
                                reproduction=rows)
    comparison = changes.compare(published, after)
    titles = [title for title, _, _ in words._tables(comparison)]
    assert titles[:2] == ["The papers' printed numbers: the published reproduction and your data",
                          "The papers' conclusions on your data"]
    counts = words.real_data_counts(comparison)
    assert counts[changes.KINDS["real"]].sum() == len(rows)
    said = words.real_data_sentences(comparison)
    assert len(said) == rows["paper"].nunique() + 1
    for paper, sentence in zip(sorted(rows["paper"].unique()), said, strict=False):
        computed = int(re.search(r"(\d+) are computed from your data", sentence)[1])
        assert computed == (rows["paper"] == paper).sum()
        reproduced = sentence.split("which reproduce ")[1]
        assert sum(map(int, re.findall(r"(?:^|, )(\d+) ", reproduced))) == computed
    decided = (changes.paper_test(after)["verdict"] != "not_applicable").sum()
    assert said[-1].startswith(f"Of the {decided} conclusions a p decides")
    page = build_html(provenance={"mode": "real", "parameters": {}, "seeds": {},
                                  "notebooks_run": [], "commit": "c", "date": "d",
                                  "python": "3", "packages": {}}, comparison=comparison)
    assert page.index(words.TITLE) < page.index("<nav class='toc'")
    assert page.index("the run on your data") < page.index("<nav class='toc'")


def test_the_published_page_has_no_comparison():
    assert words.TITLE not in build_html()


def _run_folder(root: Path, published: changes.RunOutputs, mode: str = "scratch") -> Path:
    folder = root / "run"
    shutil.copytree(Path(changes.paths.ROOT) / "reports", folder / "reports",
                    ignore=shutil.ignore_patterns("notebooks", "tables", "*.html"))
    record = {"mode": mode, "parameters": {"seed": 7},
              "parameters_by_notebook": {"02_service_process": {"seed": 7}}}
    (folder / "run.json").write_text(json.dumps(record), encoding="utf-8")
    return folder


def test_a_run_folder_is_read_and_named_by_its_parameters(tmp_path, published):
    run = changes.read_run(_run_folder(tmp_path, published))
    assert run.label == "the run with seed = 7"
    assert run.parameters["02_service_process"]["seed"] == 7
    assert run.parameters["01_enrolment"]["seed"] == published.parameters["01_enrolment"]["seed"]
    real = changes.read_run(_run_folder(tmp_path / "r", published, mode="real"))
    assert real.label == changes.KINDS["real"]


@pytest.mark.parametrize("damage", ["no run.json", "bad run.json", "no report",
                                    "bad report"])
def test_a_folder_that_is_not_a_run_is_refused_by_role(tmp_path, published, damage):
    folder = _run_folder(tmp_path / "secretfolder", published)
    if damage == "no run.json":
        (folder / "run.json").unlink()
    elif damage == "bad run.json":
        (folder / "run.json").write_text("[1, 2]", encoding="utf-8")
    elif damage == "no report":
        (folder / "reports" / "reproduction.csv").unlink()
    else:
        (folder / "reports" / "reproduction.csv").write_text("id,paper\nx,y,z\n",
                                                              encoding="utf-8")
    with pytest.raises(InputError) as raised:
        changes.read_run(folder, "run B")
    assert str(raised.value).startswith("run B: ")
    assert "secretfolder" not in str(raised.value)


def test_compare_command_line(tmp_path, published, capsys):
    folder = _run_folder(tmp_path / "secretfolder", published)
    assert compare_cli.main(["published", "published"]) == 0
    assert "nothing changed" in capsys.readouterr().out
    target = tmp_path / "changes.csv"
    assert compare_cli.main(["published", str(folder), "--csv", str(target)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Compared with the published reproduction, the run with seed = 7")
    assert "secretfolder" not in out
    assert target.read_text(encoding="utf-8").startswith(",".join(words.CHANGES_COLUMNS))
    assert compare_cli.main(["published", str(folder), "--csv", str(target)]) == 2
    assert "already exists" in capsys.readouterr().err
    inside = Path(changes.paths.ROOT) / "reports" / "new-changes.csv"
    assert compare_cli.main(["published", str(folder), "--csv", str(inside)]) == 2
    assert "where git tracks files" in capsys.readouterr().err
    assert not inside.exists()
    assert compare_cli.main([str(tmp_path), "published"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("refused: run A: run.json not found")
    assert str(tmp_path) not in err
    assert compare_cli.main(["published", str(folder), "--markdown"]) == 0
    assert capsys.readouterr().out.startswith(f"## {words.TITLE}")


@pytest.mark.parametrize(("p", "verdict"), [("0.001", "holds"), ("0.049", "holds"),
                                            ("0.05", "fails"), ("0.2", "fails"),
                                            ("", "not computed"), ("n/a", "not computed")])
def test_the_papers_test_decides_by_the_reproduced_p(published, p, verdict):
    """fan2018's consumer enrolment conclusion (``p < alpha`` at the paper's 0.05, one test):
    its verdict with the paper's test follows the p this run reproduced for that test."""
    conclusion = "fan2018.consumers_enrolment_differs_by_community_year"
    test_p = "fan2018.table1.enrolment_by_community_year.consumers.p"
    rows = published.reproduction.copy()
    rows.loc[rows["id"] == test_p, "reproduced"] = p
    after = dataclasses.replace(published, reproduction=rows)
    found = changes.paper_test(after).set_index("id")
    assert found.loc[conclusion, "verdict"] == verdict
    before = changes.paper_test(published).set_index("id").loc[conclusion, "verdict"]
    listed = changes.compare(published, after).conclusions
    moved = listed[(listed["id"] == conclusion) & (listed["field"] == changes.PAPER_TEST)]
    assert len(moved) == (before != verdict)


def test_a_conclusion_no_p_decides_is_not_applicable(published):
    from analysis.io.annotations import load_conclusions

    rules = load_conclusions().set_index("id")["rule"]
    found = changes.paper_test(published).set_index("id")
    descriptive = set(rules[rules == "descriptive"].index)
    assert descriptive, "fan2019 draws descriptive conclusions"
    assert set(found.index[found["verdict"] == "not_applicable"]) == descriptive
    assert set(found.loc[sorted(descriptive), "p"]) == {""}


@pytest.mark.parametrize("damage", ["repeated id", "empty id", "header only", "no conclusions",
                                    "deep run.json", "wrong mode", "huge run.json"])
def test_damaged_runs_are_refused_with_one_line_each(tmp_path, published, damage, capsys):
    """What a hostile helper found (issue 25): each damaged run is refused by its name in
    the comparison (run A), with exit status 2, never a traceback or the folder's name."""
    folder = _run_folder(tmp_path / "zqxsecret", published)
    report = folder / "reports" / "reproduction.csv"
    lines = report.read_text(encoding="utf-8").splitlines(keepends=True)
    if damage == "repeated id":
        report.write_text("".join([*lines, lines[1]]), encoding="utf-8")
    elif damage == "empty id":
        report.write_text("".join([lines[0], "," + lines[1].split(",", 1)[1]]),
                          encoding="utf-8")
    elif damage == "header only":
        report.write_text(lines[0], encoding="utf-8")
    elif damage == "no conclusions":
        (folder / "reports" / "conclusions.csv").unlink()
    elif damage == "deep run.json":
        (folder / "run.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    elif damage == "wrong mode":
        (folder / "run.json").write_text(json.dumps(
            {"mode": "repository", "parameters": {}, "parameters_by_notebook": {}}))
    else:
        with (folder / "run.json").open("wb") as handle:
            handle.truncate(MAX_INPUT_BYTES + 1)
    assert compare_cli.main([str(folder), "published"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("refused: run A: ")
    assert "Traceback" not in err
    assert "zqxsecret" not in err


@pytest.mark.parametrize("given", ["~zqxsecretnobody/run", "zqxsecret" * 40])
def test_a_folder_that_cannot_be_named_is_refused_unnamed(given, capsys):
    assert compare_cli.main([given, "published"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("refused: run A: ")
    assert "zqxsecret" not in err


@pytest.mark.parametrize(("csv", "status"), [("", 2), ("~zqxsecretnobody/x.csv", 2),
                                             ("/sys/zqxsecret.csv", None)])
def test_a_csv_that_cannot_be_written_is_one_line(csv, status, capsys):
    found = compare_cli.main(["published", "published", "--csv", csv])
    err = capsys.readouterr().err
    assert found == status if status else found in (1, 2)
    assert err.startswith(("refused: --csv", "failed: --csv"))
    assert "Traceback" not in err
    assert "zqxsecret" not in err


def test_parameters_are_compared_as_written_and_paths_shown_by_role(tmp_path, published):
    folder = _run_folder(tmp_path, published)
    record = {"mode": "scratch", "parameters": {"alpha": float("nan"),
                                                "data_dir": "/home/zqxsecret"},
              "parameters_by_notebook": {"05_conclusions": {"alpha": float("nan")},
                                         "01_enrolment": {"data_dir": "/home/zqxsecret"}}}
    (folder / "run.json").write_text(json.dumps(record), encoding="utf-8")
    run = changes.read_run(folder)
    assert "zqxsecret" not in run.label
    assert "zqxsecret" not in json.dumps(run.parameters)
    assert run.parameters["01_enrolment"]["data_dir"] == "your data"
    assert changes.compare(run, run).parameters.empty  # NaN equals itself as written


def test_a_path_parameter_left_at_its_default_is_no_difference(tmp_path, published):
    """A scratch run records every parameter of the notebooks it ran, the empty default
    path parameters too: those are the published run's, not "your data"."""
    folder = _run_folder(tmp_path, published)
    record = {"mode": "scratch", "parameters": {"multiple_testing": "holm"},
              "parameters_by_notebook": {"04_outcomes": {
                  **published.parameters["04_outcomes"], "multiple_testing": "holm"}}}
    (folder / "run.json").write_text(json.dumps(record), encoding="utf-8")
    found = changes.compare(published, changes.read_run(folder)).parameters
    assert found.to_dict("records") == [{"notebook": "04_outcomes",
                                         "parameter": "multiple_testing",
                                         "before": '"bonferroni"', "after": '"holm"'}]
