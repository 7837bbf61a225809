"""Outcomes (notebook 04): complete enumeration of rating samples and group splits (against
brute force), granularity truth tables, interview records and their validation, and a
papermill run of the notebook with other parameters."""

from __future__ import annotations

import hashlib
import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.checks.granularity_audit import confidence_alternatives
from analysis.io import paths
from analysis.io.annotations import load_explanations
from analysis.io.files import InputError
from analysis.io.interviews import read_interviews, validate_interviews, write_interviews
from analysis.methods import granularity
from analysis.methods.integer_samples import (
    count_samples,
    count_vectors,
    group_splits,
    t_statistics,
)
from analysis.printed.judge import unexpected_statuses
from analysis.reconstruct.interview_records import reconstruct_interviews
from analysis.stages import outcomes
from analysis.stages.outcome_tables import adjust

# --- enumeration, against brute force ------------------------------------------------------

@pytest.mark.parametrize(("n", "lo", "hi"), [(5, 1, 5), (7, 1, 4), (6, 0, 3)])
def test_count_vectors_find_every_multiset(n, lo, hi):
    by_moments: dict[tuple[int, int], set] = {}
    for sample in itertools.combinations_with_replacement(range(lo, hi + 1), n):
        key = (sum(sample), sum(v * v for v in sample))
        by_moments.setdefault(key, set()).add(tuple(np.bincount(np.array(sample) - lo,
                                                                minlength=hi - lo + 1)))
    for (s, q), truth in by_moments.items():
        found = {tuple(v) for v in count_vectors(n, s, q, lo, hi)}
        assert found == truth
        assert count_samples(n, s, q, lo, hi) == len(truth)
    assert len(count_vectors(n, hi * n + 1, 0, lo, hi)) == 0


def test_group_splits_are_every_subgroup():
    counts = np.array([1, 0, 2, 3, 1])
    people = [v for v, c in enumerate(counts) for _ in range(c)]
    truth = {tuple(np.bincount(group, minlength=5))
             for group in itertools.combinations(people, 3)}
    assert {tuple(g) for g in group_splits(counts, 3)} == truth


def test_t_statistics_equal_scipy():
    first, second = np.array([[0, 1, 3, 4, 2]]), np.array([[1, 0, 1, 2, 3]])
    a = np.repeat(np.arange(1, 6), first[0])
    b = np.repeat(np.arange(1, 6), second[0])
    ours = t_statistics(first, second, 1).iloc[0]
    assert ours["t_pooled"] == pytest.approx(stats.ttest_ind(a, b).statistic)
    assert ours["p_welch"] == pytest.approx(stats.ttest_ind(a, b, equal_var=False).pvalue)


# --- granularity truth tables --------------------------------------------------------------

@pytest.mark.parametrize(
    ("x", "n", "expected"),
    [("3.80", 42, False),  # 159/42 = 3.786, 160/42 = 3.810
     ("3.80", 41, True),  # 156/41 = 3.805
     ("4.08", 12, True),  # 49/12 = 4.083
     ("7.13", 12, False),  # 85/12 = 7.083, 86/12 = 7.167
     ("7.13", 8, True),  # 57/8 = 7.125, half away from zero
     ("2.50", 2, True), ("2.5", 3, False)])
def test_grim(x, n, expected):
    assert granularity.grim(x, n) is expected


def test_grim_needs_printed_strings():
    with pytest.raises(TypeError, match="printed string"):
        granularity.grim(3.8, 42)
    with pytest.raises(ValueError, match="positive"):
        granularity.grim("3.80", 0)


@pytest.mark.parametrize(
    ("x", "sd", "n", "expected"),
    [("4.08", "0.289", 12, True),  # eleven 4s and one 5: SD 0.2887
     ("4.08", "0.300", 12, False),
     ("4.02", "0.474", 41, True), ("4.02", "0.474", 42, False)])
def test_grimmer(x, sd, n, expected):
    assert granularity.grimmer(x, sd, n, 1, 5) is expected


def test_grimmer_on_half_points():
    found = granularity.grimmer_grain("7.13", "2.366", 12, 0, 10)
    assert found
    for s, q in found:
        assert round(s / 24, 3) == 7.125
        assert abs(np.sqrt((q - s * s / 12) / 11) / 2 - 2.366) < 0.0005


@pytest.mark.parametrize(("percent", "count", "n", "expected"),
                         [("39", 10, 26, False), ("38", 10, 26, True), ("93", 39, 42, True),
                          ("72", 39, 54, True), ("66", 21, 32, True)])
def test_percent_count(percent, count, n, expected):
    assert granularity.percent_count(percent, count, n) is expected


def test_maps_keep_key_columns_first():
    frame = pd.DataFrame({"x": ["3.80", "3.80"], "n": [42, 41], "label": ["a", "b"]})
    out = granularity.grim_map(frame)
    assert list(out.columns[:4]) == ["x", "n", "items", "consistency"]
    assert out["consistency"].tolist() == [False, True]
    assert out["label"].tolist() == ["a", "b"]


# --- interview records ---------------------------------------------------------------------

@pytest.fixture(scope="module", params=[20130701, 5])
def interviews(request, registry, people):
    return reconstruct_interviews(people["fan2018"], people["fan2019"], registry,
                                           request.param)


def test_every_printed_outcome_holds(registry, people, interviews):

    results = outcomes.results(registry, interviews, people["fan2019"], load_explanations())
    assert unexpected_statuses(results, load_explanations()).empty
    assert not results["status"].eq("pending").any()


def test_interviews_validate_and_round_trip(tmp_path, registry, people, interviews):
    path = tmp_path / "interviews.csv"
    write_interviews(interviews, path, people)
    assert read_interviews(path, people).equals(
        interviews.astype(str).reset_index(drop=True))


@pytest.mark.parametrize(
    ("column", "bad", "message"),
    [("question", "happiness", "is not asked of"),
     ("answer", "maybe", "is not yes, no or empty"),
     ("person_id", "P19-999", "is not in the fan2018 participants"),
     ("role", "caregiver", "is not asked of")],
)
def test_bad_interview_records_name_line_and_column(registry, people, interviews, column, bad,
                                                    message):
    frame = interviews.astype(str).copy()
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    frame.loc[2, column] = bad
    with pytest.raises(InputError, match=rf"line 2, column '[a-z_]+': .*{message}"):
        validate_interviews(frame, people, "interviews.csv")


def test_out_of_range_rating_and_repeated_answer(registry, people, interviews):
    frame = interviews.astype(str).copy()
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    rating = frame.index[frame["kind"] == "rating"][0]
    frame.loc[rating, "answer"] = "6"
    with pytest.raises(InputError, match=rf"line {rating}, column 'answer': '6' is not a whole"):
        validate_interviews(frame, people)
    doubled = pd.concat([interviews.head(3), interviews.head(1)]).astype(str)
    doubled.index = pd.RangeIndex(2, 6)
    with pytest.raises(InputError, match=r"line 5, column .question.: .* twice"):
        validate_interviews(doubled, people)


# --- the notebook with other parameters ----------------------------------------------------

def _tracked_hashes():
    committed = paths.Outputs()  # the repository's own folders, whatever the run context
    folders = (committed.reports, committed.figures, committed.records)
    return {p: hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.integration
def test_notebook_runs_with_holm_and_exact_p_without_touching_outputs(tmp_path, monkeypatch):
    """A kernel started outside ``analysis.run`` (papermill here; JupyterLab or nbval alike)
    writes to a scratch folder, never the committed outputs."""
    import papermill

    monkeypatch.setenv(paths.OUTPUT_ENV, str(tmp_path / "scratch"))
    before = _tracked_hashes()
    out = tmp_path / "04_outcomes_holm.ipynb"
    papermill.execute_notebook(str(paths.NOTEBOOKS / "04_outcomes.ipynb"), str(out),
                               parameters={"multiple_testing": "holm", "exact_p": "always"},
                               cwd=str(paths.NOTEBOOKS), progress_bar=False, log_output=False,
                               kernel_name="python3")
    text = out.read_text(encoding="utf-8")
    assert "Fisher exact p, corrected by holm" in text
    assert "significant: ['daily_life_and_work_improve_work_skill']" in text
    assert _tracked_hashes() == before
    assert (tmp_path / "scratch" / "reports" / "results" / "04_outcomes.csv").is_file()


@pytest.mark.integration
def test_notebook_refuses_a_bad_parameter(tmp_path):
    import papermill

    with pytest.raises(papermill.PapermillExecutionError,
                       match=r"parameter 'multiple_testing' must be one of"):
        papermill.execute_notebook(str(paths.NOTEBOOKS / "04_outcomes.ipynb"),
                                   str(tmp_path / "bad.ipynb"),
                                   parameters={"multiple_testing": "sidak"},
                                   cwd=str(paths.NOTEBOOKS), progress_bar=False,
                                   log_output=False, kernel_name="python3")


def test_adjust_truth_table():
    frame = pd.DataFrame({"p": [0.01, 0.02, 0.5]})
    bonferroni = adjust(frame, "p", "bonferroni")
    assert bonferroni["p_adjusted"].tolist() == pytest.approx([0.03, 0.06, 1.0])
    assert bonferroni["significant"].tolist() == [True, False, False]
    holm = adjust(frame, "p", "holm")
    assert holm["p_adjusted"].tolist() == pytest.approx([0.03, 0.04, 0.5])
    assert adjust(frame, "p", "none")["p_adjusted"].tolist() == [0.01, 0.02, 0.5]
    with pytest.raises(ValueError, match="method must be"):
        adjust(frame, "p", "sidak")


def test_confidence_alternatives_come_from_the_registry(registry):
    table = confidence_alternatives(registry).set_index("alternative")["works"]
    mean_only, with_sd, half_points = table.tolist()
    assert 12 not in mean_only  # 85/12 = 7.08, 86/12 = 7.17
    assert 8 in mean_only  # 57/8 = 7.125 rounds half away to 7.13
    assert with_sd == []
    assert half_points
