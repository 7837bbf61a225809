"""Session reconstruction (fan2018 Fig. 1): bands from the stated frequencies, the exact count
of band tables, the sampler of feasible tables (against brute force), the session records,
and the checks of digitised figure values."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from analysis.io.design import COMMUNITIES, PERIODS, frequency_rules
from analysis.io.figure_values import read_fig1_values
from analysis.io.files import InputError
from analysis.io.registry import normalise_text, paper_text, printed_text, value
from analysis.io.sessions import read_sessions, validate_sessions, write_sessions
from analysis.methods.contingency import chi2_independence
from analysis.methods.tables import (
    _proposal,
    chi2_tables,
    count_band_tables,
    feasible_tables,
    quasi_independence,
    sample_tables,
)
from analysis.printed.compare import rounding_window
from analysis.reconstruct.contents import choose_counts
from analysis.reconstruct.session_records import (
    band_matrices,
    check_fig1,
    choose_table,
    first_period_ends,
    frequency_bands,
    group_sessions,
    literal_minimum,
    reconstruct_sessions,
    sessions_table,
    table_frame,
)
from analysis.stages import service_process

TOTAL_ID = "fan2018.results.peer_sessions.all_communities.count"
STEM = "fan2018.results.sessions_by_community_period.communities_by_period"


@pytest.fixture(scope="module")
def bands(registry):
    return frequency_bands(registry)


@pytest.fixture(scope="module")
def feasible(registry, bands):
    low, high = band_matrices(bands)
    window = rounding_window(printed_text(registry, f"{STEM}.statistic"))
    return feasible_tables(low, high, int(value(registry, TOTAL_ID)), window,
                                    seed=11, draws=40_000)


# --- the stated rules -------------------------------------------------------------------

@pytest.mark.parametrize("rule", frequency_rules(), ids=lambda r: r["rule"])
def test_every_rule_is_quoted_from_the_paper(rule):
    assert normalise_text(rule["quote"]) in normalise_text(paper_text("fan2018"))


def test_structural_zeros_give_the_printed_df(registry, bands):
    structural = bands.pivot_table(index="community", columns="period", values="structural_zero",
                                   aggfunc="first")
    r, c = structural.shape
    assert (r - 1) * (c - 1) == int(value(registry, f"{STEM}.df"))
    # communities starting August 2015: four empty periods each; Tuanjiehu 2015 H1
    assert structural.loc[["xiangheyuan", "jingsong"], list(PERIODS[:4])].all().all()
    assert structural.loc["tuanjiehu", "2015H1"]
    assert not structural.loc[["tuanjiehu", "maizidian"], "2013H2"].any()
    said = service_process.structural_zero_sentence(bands, (r - 1) * (c - 1))
    zeros = int(bands["structural_zero"].sum())
    assert f"in {zeros} cells" in said
    assert f"= {(r - 1) * (c - 1) - zeros})" in said
    assert "Tuanjiehu in 2015 Jan-Jun;" in said
    assert "Maizidian" not in said


def test_bands_widen_with_tolerance(registry):
    narrow = frequency_bands(registry, 0.25)
    wide = frequency_bands(registry, 0.5)
    assert (wide["low"] <= narrow["low"]).all()
    assert (wide["high"] >= narrow["high"]).all()


def test_literal_reading_cannot_give_the_printed_total(registry):
    """Read literally, 'once every two weeks' allows no whole number in 26 weeks, and
    'once or twice each week' alone with the loosest other rules exceeds 214."""
    literal = literal_minimum(registry).set_index("rule")
    assert literal.loc["second year", "minimum"] > literal.loc["second year", "maximum"]
    loose = frequency_bands(registry, 0.5)
    loose = loose[~loose["structural_zero"]].groupby("rule")["low"].sum()
    weekly = "2015-2016, first two communities"
    needed = literal.loc[weekly, "minimum"] + loose.drop(weekly).sum()
    assert needed > int(value(registry, TOTAL_ID))


@pytest.mark.parametrize("tolerance", [-0.1, 1.0, 2])
def test_bad_tolerance_is_refused(registry, tolerance):
    with pytest.raises(ValueError, match="tolerance"):
        frequency_bands(registry, tolerance)


@pytest.mark.parametrize(("printed", "window"),
                         [("48.75", (48.745, 48.755)), ("3.6", (3.55, 3.65))])
def test_rounding_window(printed, window):
    assert rounding_window(printed) == pytest.approx(window)


# --- counting and sampling, against brute force ------------------------------------------

SMALL_LOW = np.array([[1, 1, 0], [1, 2, 1]])
SMALL_HIGH = np.array([[5, 6, 0], [4, 6, 5]])
SMALL_TOTAL = 14


def _brute(low, high, total):
    cells = [(i, j) for i in range(low.shape[0]) for j in range(low.shape[1]) if high[i, j]]
    found = []
    for values in itertools.product(*[range(low[c], high[c] + 1) for c in cells]):
        if sum(values) == total:
            table = np.zeros(low.shape, dtype=int)
            for c, v in zip(cells, values, strict=True):
                table[c] = v
            found.append(table)
    return np.array(found)


def test_count_band_tables_equals_brute_force():
    assert count_band_tables(SMALL_LOW, SMALL_HIGH, SMALL_TOTAL) == len(
        _brute(SMALL_LOW, SMALL_HIGH, SMALL_TOTAL))


def test_sampler_is_uniform_over_band_tables():
    everything = _brute(SMALL_LOW, SMALL_HIGH, SMALL_TOTAL)
    proposal = _proposal(SMALL_LOW, SMALL_HIGH, SMALL_TOTAL)
    tables, _ = sample_tables(proposal, SMALL_LOW.shape, 60_000,
                                       np.random.default_rng(5))
    assert (tables.sum(axis=(1, 2)) == SMALL_TOTAL).all()
    keys = {t.tobytes(): k for k, t in enumerate(everything)}
    counts = np.bincount([keys[t.tobytes()] for t in tables], minlength=len(everything))
    assert (counts > 0).all()
    assert stats.chisquare(counts).pvalue > 0.001


def test_feasible_tables_match_brute_force():
    everything = _brute(SMALL_LOW, SMALL_HIGH, SMALL_TOTAL)
    statistic = chi2_tables(everything)
    window = (2.0, 2.6)
    truth = everything[(statistic >= window[0]) & (statistic < window[1])]
    assert len(truth) > 5
    found = feasible_tables(SMALL_LOW, SMALL_HIGH, SMALL_TOTAL, window, seed=3,
                                     draws=20_000)
    assert found.low <= len(truth) <= found.high
    assert {t.tobytes() for t in found.witnesses} == {t.tobytes() for t in truth}
    assert found.band_tables == len(everything)


def test_chi2_tables_equals_the_stats_module():
    rng = np.random.default_rng(0)
    tables = rng.integers(1, 30, size=(5, 4, 6))
    expected = [float(chi2_independence(t).iloc[0]["statistic"]) for t in tables]
    assert chi2_tables(tables) == pytest.approx(expected)


def test_quasi_independence_equals_a_poisson_glm(feasible, bands):
    structural = band_matrices(bands)[1] == 0
    table = feasible.witnesses[0]
    frame = table_frame(table).stack().rename("n").reset_index()  # noqa: PD013
    frame = frame[~structural.ravel()]
    design = pd.get_dummies(frame[["community", "period"]], drop_first=True, dtype=float)
    fit = sm.GLM(frame["n"].to_numpy(), sm.add_constant(design), family=sm.families.Poisson()).fit()
    ours = quasi_independence(table, structural).iloc[0]
    assert ours["statistic"] == pytest.approx(fit.pearson_chi2, rel=1e-6)
    assert ours["df"] == fit.df_resid


def test_every_witness_meets_every_constraint(registry, feasible, bands):
    assert len(feasible.witnesses) > 20
    for table in feasible.witnesses[:50]:
        assert check_fig1(table, bands, registry)["ok"].all()
    assert feasible.low <= feasible.estimate <= feasible.high < feasible.band_tables


def test_sampler_is_deterministic(registry, bands):
    low, high = band_matrices(bands)
    runs = [feasible_tables(low, high, 214, (48.745, 48.755), seed=2, draws=10_000)
            for _ in range(2)]
    assert np.array_equal(runs[0].witnesses, runs[1].witnesses)
    assert runs[0].estimate == runs[1].estimate


def test_choice_spans_one_to_two_months(registry, feasible):
    chosen = choose_table(feasible, registry)
    assert first_period_ends(chosen[None], registry)[0]
    assert any(np.array_equal(chosen, w) for w in feasible.witnesses)


# --- session records ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def records(registry, feasible):
    table = choose_table(feasible, registry)
    return table, reconstruct_sessions(
        table, choose_counts(registry, int(table.sum())), registry, seed=4)


def test_records_give_back_the_table_and_the_printed_numbers(registry, records):
    table, frame = records
    assert (sessions_table(frame).to_numpy() == table).all()
    text = frame.astype(str)
    text.index = pd.RangeIndex(2, 2 + len(text))
    validate_sessions(text)
    durations = frame["duration_min"]
    stem = "fan2018.results.session_duration_{}.sessions.other"
    assert durations.min() == int(value(registry, stem.format("min")))
    assert durations.max() == int(value(registry, stem.format("max")))
    group = (frame["mode"] == "group").mean() * 100
    assert round(group, 1) == float(value(registry, "fan2019.methods.group_services.all.percent"))
    counts = frame["category"].value_counts()
    assert counts.to_dict() == choose_counts(registry, len(frame)).to_dict()


def test_group_sessions_needs_a_single_count():
    assert group_sessions(214, "98.6") == 211
    with pytest.raises(ValueError, match="not a single count"):
        group_sessions(2140, "98.6")


@pytest.mark.parametrize(
    ("column", "bad", "message"),
    [
        ("community", "chaoyang", "is not one of"),
        ("period", "2017H1", "is not one of"),
        ("date", "2013-02-30", "is not a date"),
        ("date", "2016-01-05", "outside period"),
        ("category", "cooking", "is not one of"),
        ("mode", "online", "is not one of"),
        ("duration_min", "-5", "whole number"),
        ("peers_leading", "two", "whole number"),
    ],
)
def test_bad_session_records_name_line_and_column(records, column, bad, message):
    _, frame = records
    text = frame.astype(str)
    text.index = pd.RangeIndex(2, 2 + len(text))
    text.loc[5, column] = bad
    with pytest.raises(InputError, match=rf"line 5, column '{column}': .*{message}"):
        validate_sessions(text, "sessions.csv")


def test_a_later_community_cannot_meet_before_it_started(records):
    _, frame = records
    text = frame.astype(str)
    text.index = pd.RangeIndex(2, 2 + len(text))
    row = text.index[text["community"] == "jingsong"][0]
    text.loc[row, "date"] = "2015-07-10"
    with pytest.raises(InputError, match="before jingsong started"):
        validate_sessions(text)


def test_write_then_read_sessions(tmp_path, records):
    _, frame = records
    path = tmp_path / "fan2018_sessions.csv"
    write_sessions(frame, path)
    assert read_sessions(path).equals(frame)


# --- digitised figure values --------------------------------------------------------------

def _fig1_csv(path, table):
    rows = [{"community": c, "period": p, "sessions": int(table[i, j])}
            for i, c in enumerate(COMMUNITIES) for j, p in enumerate(PERIODS)
            if table[i, j]]
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_digitised_values_are_read_and_checked(tmp_path, registry, bands, feasible):
    table = feasible.witnesses[0]
    read = read_fig1_values(_fig1_csv(tmp_path / "fig1.csv", table))
    assert np.array_equal(read, table)
    assert check_fig1(read, bands, registry)["ok"].all()
    moved = table.copy()
    moved[0, 5] += 3
    moved[1, 5] -= 3
    checks = check_fig1(moved, bands, registry).set_index("check")
    assert not checks.loc["Pearson chi-square", "ok"]
    assert checks.loc["total sessions", "ok"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("tuanjiehu,2013H2,4.5", "line 2, column 'sessions': '4.5' is not a whole number"),
        ("tuanjiehu,2013H2,-1", "line 2, column 'sessions': '-1' is negative"),
        ("chaoyang,2013H2,4", "line 2, column 'community'"),
        ("tuanjiehu,2013,4", "line 2, column 'period'"),
    ],
)
def test_bad_digitised_fig1_values(tmp_path, line, expected):
    path = tmp_path / "fig1.csv"
    path.write_text(f"community,period,sessions\n{line}\n", encoding="utf-8")
    with pytest.raises(InputError, match=expected):
        read_fig1_values(path)


def test_repeated_and_missing_columns_in_digitised_values(tmp_path):
    path = tmp_path / "fig1.csv"
    path.write_text("community,period,sessions\ntuanjiehu,2013H2,4\ntuanjiehu,2013H2,5\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"line 3: .* listed twice"):
        read_fig1_values(path)
    path.write_text("community,sessions\ntuanjiehu,4\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        read_fig1_values(path)


@pytest.mark.integration
def test_every_reading_gives_a_finding_or_a_table(registry):
    """Issue 15: under each reading of "about once every ...", either a table fits (and is
    used) or the notebook is told which nearest reading fits, and the sentence says which."""
    from analysis.reconstruct.session_records import fig1_targets
    from analysis.stages.fig1_readings import (
        TOLERANCES,
        fit_sentence,
        fitting_tolerance,
        reading_fit,
    )

    total = fig1_targets(registry)[0]
    for tolerance in TOLERANCES:
        fit, used = reading_fit(registry, tolerance), fitting_tolerance(registry, tolerance)
        assert reading_fit(registry, used)["feasible"] == "yes"
        assert (used == tolerance) == (fit["feasible"] == "yes")
        sentence = fit_sentence(fit, tolerance, used, total)
        assert sentence.startswith("**Finding") == (fit["feasible"] == "no")
        if used != tolerance:
            assert f"tolerance {used:g}." in sentence


def test_too_few_draws_get_a_verified_stand_in_table(registry):
    """Issue 15: with too few draws the sampler may find no table with the printed
    chi-square; the notebook then uses a table the solver verified, not a crash."""
    import dataclasses

    from analysis.methods.exact_tables import is_feasible
    from analysis.reconstruct.session_records import fig1_targets
    from analysis.stages.service_process import with_witness

    total, window = fig1_targets(registry)
    bands = frequency_bands(registry, 0.5)
    low, high = band_matrices(bands)
    found = feasible_tables(low, high, total, window, seed=1, draws=1000)
    empty = dataclasses.replace(found, witnesses=found.witnesses[:0], weights=found.weights[:0])
    _, stood_in = with_witness(found, bands, registry)
    assert stood_in == (len(found.witnesses) == 0)
    fixed, stood_in = with_witness(empty, bands, registry)
    assert stood_in
    assert len(fixed.witnesses) == 1
    assert is_feasible(fixed.witnesses[0], low, high, total, window)
