"""The reproduction report: schema, pending rows, validation of notebook results, atomicity."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.io import paths
from analysis.io.files import InputError
from analysis.io.registry import load_registry
from analysis.report.results import REPORT_COLUMNS, RESULT_COLUMNS, build_report, load_results
from analysis.report.summary import write_report


@pytest.fixture(scope="module")
def registry() -> pd.DataFrame:
    return load_registry()


def _results_file(folder, name, rows):
    folder.mkdir(exist_ok=True)
    pd.DataFrame(rows, columns=RESULT_COLUMNS).to_csv(folder / f"{name}.csv", index=False)


ROW = {"id": "fan2018.table2.sex_male.peers.percent", "reproduced": "66.66666666666667",
       "status": "match", "method": "count / n", "role": "constraint", "discrepancy": "none",
       "evidence": "published", "basis": "recomputed from printed numbers alone: 8 / 12",
       "range_min": "", "range_max": "", "note": ""}


def test_report_without_results_is_all_pending(registry, tmp_path):
    report = build_report(registry, load_results(tmp_path, registry))
    assert list(report.columns) == REPORT_COLUMNS
    assert len(report) == len(registry)
    assert report["id"].tolist() == registry["id"].tolist()
    assert set(report["status"]) == {"pending"}


def test_report_merges_results(registry, tmp_path):
    _results_file(tmp_path, "01_enrolment", [ROW])
    report = build_report(registry, load_results(tmp_path, registry)).set_index("id")
    row = report.loc[ROW["id"]]
    assert (row["status"], row["source"], row["printed"]) == (
        "match", "notebooks/01_enrolment.ipynb", "66.7")
    assert (report["status"] == "pending").sum() == len(registry) - 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"reproduced": "70.1"}, "does not round to printed '66.7'"),
        ({"status": "matched"}, "column 'status'"),
        ({"status": "pending"}, "column 'status'"),
        ({"origin": "target"}, "column 'origin'"),
        ({"id": "fan2018.nowhere.count"}, "not a registry id"),
        ({"status": "match_other_method", "method": ""}, "column 'method'"),
        ({"reproduced": "about 66"}, "column 'reproduced'"),
        ({"evidence": "strong"}, "column 'evidence'"),
        ({"discrepancy": "tiny"}, "column 'discrepancy'"),
    ],
)
def test_results_are_validated(registry, tmp_path, change, message):
    _results_file(tmp_path, "01_enrolment", [{**ROW, **change}])
    with pytest.raises(InputError, match=message) as error:
        load_results(tmp_path, registry)
    assert "01_enrolment.csv, line 2" in str(error.value)


def test_an_id_claimed_by_two_notebooks_is_an_error(registry, tmp_path):
    _results_file(tmp_path, "01_enrolment", [ROW])
    _results_file(tmp_path, "02_process", [ROW])
    with pytest.raises(InputError, match="more than one notebook"):
        load_results(tmp_path, registry)


def test_write_report_writes_both_files(registry, tmp_path):
    _results_file(tmp_path / "results", "01_enrolment", [ROW])
    out_csv, out_md = tmp_path / "r.csv", tmp_path / "r.md"
    report = write_report(registry, tmp_path / "results", out_csv, out_md)
    again = pd.read_csv(out_csv, dtype=str, keep_default_na=False)
    assert again.equals(report)
    text = out_md.read_text(encoding="utf-8")
    assert "| pending |" in text
    assert "| match |" in text


def test_a_bad_result_leaves_the_old_report_untouched(registry, tmp_path):
    out_csv, out_md = tmp_path / "r.csv", tmp_path / "r.md"
    out_csv.write_text("old\n", encoding="utf-8")
    out_md.write_text("old\n", encoding="utf-8")
    _results_file(tmp_path / "results", "01_enrolment", [{**ROW, "reproduced": "1"}])
    with pytest.raises(InputError):
        write_report(registry, tmp_path / "results", out_csv, out_md)
    assert out_csv.read_text(encoding="utf-8") == "old\n"
    assert out_md.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "r.md", "results"]


def test_committed_report_has_a_row_per_registry_row(registry):
    """The report the reproduce command wrote covers every registry row in the schema."""
    report = pd.read_csv(paths.REPRODUCTION_CSV, dtype=str, keep_default_na=False)
    assert list(report.columns) == REPORT_COLUMNS
    assert report["id"].tolist() == registry["id"].tolist()
    assert report["printed"].tolist() == registry["printed"].tolist()


def test_split_stream_outputs_are_merged():
    """One print may reach the notebook as one stream message or two; the committed
    notebook must be the same either way."""
    import nbformat

    from analysis.run import clean_notebook

    def notebook(outputs):
        cell = nbformat.v4.new_code_cell("print('58 numbers')")
        cell.outputs = [nbformat.from_dict(o) for o in outputs]
        cell.metadata["execution"] = {"iopub.status.busy": "2026-12-02T10:00:00"}
        return nbformat.v4.new_notebook(cells=[cell], metadata={"papermill": {"duration": 1}})

    split = notebook([{"output_type": "stream", "name": "stdout", "text": "58 numbers"},
                      {"output_type": "stream", "name": "stdout", "text": "\n"},
                      {"output_type": "stream", "name": "stderr", "text": "warning\n"}])
    whole = notebook([{"output_type": "stream", "name": "stdout", "text": "58 numbers\n"},
                      {"output_type": "stream", "name": "stderr", "text": "warning\n"}])
    cleaned = clean_notebook(split)
    assert cleaned.cells[0].outputs == clean_notebook(whole).cells[0].outputs
    assert [o["text"] for o in cleaned.cells[0].outputs] == ["58 numbers\n", "warning\n"]
    assert "papermill" not in cleaned.metadata
    assert "execution" not in cleaned.cells[0].metadata


def _stage_results(registry, status="match"):
    from analysis.io.annotations import stage_rows

    ids = stage_rows(registry, "03_service_content")["id"]
    return pd.DataFrame({"id": ids, "status": status})


@pytest.mark.parametrize("mode", ["repository", "scratch"])
def test_check_stage_passes_the_stage_rows_and_says_the_counts(registry, monkeypatch, mode):
    from analysis.io import paths
    from analysis.report import results as module

    monkeypatch.setenv(paths.MODE_ENV, mode)
    monkeypatch.setattr(module, "unexpected_statuses", lambda r, e: r.iloc[0:0])
    frame = _stage_results(registry)
    assert module.check_stage(frame, registry, "03_service_content", None) == \
        f"{len(frame)} numbers: match {len(frame)}"


def test_check_stage_fails_on_missing_pending_or_drifting_rows(registry, monkeypatch):
    from analysis.io import paths
    from analysis.report import results as module

    frame = _stage_results(registry)
    with pytest.raises(AssertionError, match="missing"):
        module.check_stage(frame.iloc[1:], registry, "03_service_content", None)
    with pytest.raises(AssertionError, match="out of registry order"):
        module.check_stage(frame.iloc[::-1], registry, "03_service_content", None)
    with pytest.raises(AssertionError, match="pending"):
        module.check_stage(_stage_results(registry, "pending"), registry, "03_service_content",
                           None)
    monkeypatch.setattr(module, "unexpected_statuses", lambda r, e: r.iloc[0:1])
    monkeypatch.setenv(paths.MODE_ENV, "scratch")  # other parameters: statuses may move
    module.check_stage(frame, registry, "03_service_content", None)
    monkeypatch.setenv(paths.MODE_ENV, "repository")  # the published run: they may not
    with pytest.raises(AssertionError, match=frame["id"].iloc[0].replace(".", r"\.")):
        module.check_stage(frame, registry, "03_service_content", None)
