"""Exact bounds over band tables with a chi-square window (analysis.methods.exact_tables),
checked against brute force: every band table enumerated, its chi-square computed in
fractions, the feasible ones kept."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from ortools.sat.python import cp_model
from scipy import stats

from analysis.io import paths
from analysis.io.sessions import read_sessions
from analysis.methods import exact_tables
from analysis.methods.contingency import chi2_independence
from analysis.methods.exact_tables import (
    NoFeasibleTable,
    cell_bounds,
    chi2_exact,
    exact_window,
    is_feasible,
    linear_bounds,
    quasi_fit,
    quasi_statistic,
    witness_extremes_quasi,
)
from analysis.methods.tables import quasi_independence
from analysis.reconstruct.session_records import (
    band_matrices,
    fig1_targets,
    frequency_bands,
    sessions_table,
)

#: A 2 x 3 instance (one structural zero) whose window ends at two tables' exact values:
#: 91 band tables, 3 feasible; the table at 35/36 would raise a maximum, the one at 5/7 is in.
LOW, HIGH, TOTAL = np.array([[1, 0, 2], [0, 1, 1]]), np.array([[4, 0, 5], [3, 4, 3]]), 10
WINDOW = (Fraction(5, 7), Fraction(35, 36))

#: The real pattern of fan2018 Fig. 1's structural zeros (communities x periods).
REAL_ZEROS = np.array([[0, 0, 0, 1, 0, 0], [0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 0, 0],
                       [1, 1, 1, 1, 0, 0]], dtype=bool)


def _band_tables(low, high, total):
    """Every table within the bands summing to ``total``, with its exact chi-square."""
    cells = [tuple(c) for c in np.argwhere(high > 0)]
    for values in itertools.product(*[range(low[c], high[c] + 1) for c in cells]):
        if sum(values) == total:
            table = np.zeros(low.shape, dtype=int)
            table[tuple(np.array(cells).T)] = values
            yield table, chi2_exact(table)


def _feasible(low, high, total, window) -> np.ndarray:
    lo, hi = window
    return np.array([t for t, x in _band_tables(low, high, total)
                     if x is not None and lo <= x < hi]).reshape(-1, *low.shape)


def _instances():
    """Small random instances (fixed seeds) with structural zeros and a window between two
    tables' exact chi-squares, so that some but not all band tables are feasible."""
    rng, found = np.random.default_rng(2018), []
    while len(found) < 6:
        shape = ((2, 3), (3, 3))[len(found) % 2]
        low = rng.integers(0, 3, shape)
        high = np.where(rng.random(shape) < 0.2, 0, low + rng.integers(1, 4, shape))
        low = np.where(high > 0, low, 0)
        if not ((high > 0).any(axis=1).all() and (high > 0).any(axis=0).all()):
            continue
        total = int(rng.integers(low.sum(), high.sum() + 1))
        values = sorted({x for _, x in _band_tables(low, high, total) if x is not None})
        if len(values) >= 6:
            k = int(rng.integers(0, len(values) - 3))
            found.append((low, high, total, (values[k], values[k + int(rng.integers(1, 4))])))
    return found


def _check(result: dict, feasible: np.ndarray, weights: np.ndarray, low, high, total, window):
    values = (feasible * weights).sum(axis=(1, 2))
    assert (result["min"], result["max"]) == (values.min(), values.max())
    assert result["exact"]
    assert (result["min_bound"], result["max_bound"]) == (values.min(), values.max())
    for name in ("min", "max"):
        witness = np.reshape(result[f"{name}_witness"], low.shape)
        assert is_feasible(witness, low, high, total, window)
        assert (witness * weights).sum() == result[name]


@pytest.mark.parametrize("case", range(6))
def test_cell_and_linear_bounds_equal_brute_force(case):
    low, high, total, window = _instances()[case]
    feasible = _feasible(low, high, total, window)
    assert 0 < len(feasible) < len(list(_band_tables(low, high, total)))
    bounds = cell_bounds(low, high, total, window, time_limit=10)
    assert len(bounds) == int((high > 0).sum())
    for row in bounds.to_dict("records"):
        weights = np.zeros_like(high)
        weights[row["row"], row["column"]] = 1
        _check(row, feasible, weights, low, high, total, window)
    first_row = np.zeros_like(high)
    first_row[0] = 1
    for weights in (first_row, np.random.default_rng(case).integers(-3, 4, low.shape)):
        result = linear_bounds(low, high, total, window, weights, time_limit=10)
        _check(result, feasible, np.where(high > 0, weights, 0), low, high, total, window)


def test_the_window_is_half_open_at_exact_values():
    inside = [t for t, x in _band_tables(LOW, HIGH, TOTAL) if x == WINDOW[0]]
    outside = [t for t, x in _band_tables(LOW, HIGH, TOTAL) if x == WINDOW[1]]
    assert inside
    assert outside
    assert all(is_feasible(t, LOW, HIGH, TOTAL, WINDOW) for t in inside)
    assert not any(is_feasible(t, LOW, HIGH, TOTAL, WINDOW) for t in outside)
    widened = (WINDOW[0], WINDOW[1] + Fraction(1, 10**12))
    narrowed = (WINDOW[0] + Fraction(1, 10**12), WINDOW[1])
    for window in (WINDOW, widened, narrowed):
        feasible = _feasible(LOW, HIGH, TOTAL, window)
        for row in cell_bounds(LOW, HIGH, TOTAL, window, time_limit=10).to_dict("records"):
            weights = np.zeros_like(HIGH)
            weights[row["row"], row["column"]] = 1
            _check(row, feasible, weights, LOW, HIGH, TOTAL, window)
    ours = cell_bounds(LOW, HIGH, TOTAL, WINDOW, time_limit=10).set_index(["row", "column"])
    wide = cell_bounds(LOW, HIGH, TOTAL, widened, time_limit=10).set_index(["row", "column"])
    assert ours.loc[(0, 2), "max"] == 2
    assert wide.loc[(0, 2), "max"] == 3


def test_no_feasible_table_is_said_so():
    values = sorted({x for _, x in _band_tables(LOW, HIGH, TOTAL) if x is not None})
    gap = (values[3] + Fraction(1, 10**9), values[4])  # between two exact values, half-open
    assert len(_feasible(LOW, HIGH, TOTAL, gap)) == 0
    with pytest.raises(NoFeasibleTable):
        cell_bounds(LOW, HIGH, TOTAL, gap, time_limit=10)
    with pytest.raises(NoFeasibleTable):
        linear_bounds(LOW, HIGH, TOTAL, gap, np.ones_like(HIGH), time_limit=10)
    with pytest.raises(NoFeasibleTable, match="sums to"):
        cell_bounds(LOW, HIGH, 100, WINDOW)
    with pytest.raises(NoFeasibleTable, match="no free cell"):
        cell_bounds(LOW, np.array([[4, 0, 5], [0, 0, 0]]), TOTAL, WINDOW)


def test_an_unfinished_proof_is_marked_unproven(monkeypatch):
    """With the convex bound unavailable and CP-SAT stopping without an answer, the maximum
    of a cell whose band limit is infeasible is reported unproven, never as exact."""
    monkeypatch.setattr(exact_tables, "_prune", lambda inst, constraint: None)
    monkeypatch.setattr(exact_tables, "_solve", lambda *a, **k: (cp_model.UNKNOWN, None))
    weights = np.zeros_like(HIGH)
    weights[0, 2] = 1
    result = linear_bounds(LOW, HIGH, TOTAL, WINDOW, weights)
    assert not result["exact"]
    assert result["max_method"].startswith("unproven")
    assert result["max_bound"] >= 2
    assert result["max"] in (None, 2)


def test_the_convex_margin_bound_never_drops_a_feasible_row_sum_vector():
    for low, high, total, window in _instances()[:4]:
        inst = exact_tables._Instance.make(low, high, total, (0, window[1]), 10, 1)
        for weights, bound in ((np.zeros_like(high), 0), (np.where(high > 0, 1, 0), total),
                               (np.eye(*high.shape, dtype=int) * (high > 0), 2)):
            left = {tuple(v) for v in exact_tables._prune(inst, (weights, bound))}
            needed = {tuple(t.sum(axis=1)) for t, x in _band_tables(low, high, total)
                      if x is not None and x < window[1] and (weights * t).sum() >= bound}
            assert needed <= left


def test_exact_chi_square_and_window():
    table = np.array([[3, 11, 11, 0, 16, 14], [3, 11, 11, 13, 20, 60],
                      [0, 0, 0, 0, 9, 11], [0, 0, 0, 0, 10, 11]])
    assert float(chi2_exact(table)) == pytest.approx(chi2_independence(table)["statistic"].iloc[0])
    assert exact_window((48.745, 48.755)) == (Fraction(48745, 1000), Fraction(48755, 1000))
    assert exact_window(("0.1", Fraction(1, 3))) == (Fraction(1, 10), Fraction(1, 3))
    assert chi2_exact(np.array([[0, 0], [1, 2]])) is None


def test_quasi_fit_is_the_mle_of_nested_patterns():
    rng = np.random.default_rng(5)
    tables = rng.integers(1, 30, (20, 4, 6)) * ~REAL_ZEROS
    fitted = quasi_fit(tables, REAL_ZEROS)
    ipf = quasi_independence(tables, REAL_ZEROS, iterations=3000)["statistic"].to_numpy()
    ours = [float(quasi_statistic(t, REAL_ZEROS)) for t in tables]
    assert np.allclose(ours, ipf, rtol=1e-9)
    assert np.allclose(fitted.sum(axis=2), tables.sum(axis=2))
    assert np.allclose(fitted.sum(axis=1), tables.sum(axis=1))
    exact = quasi_fit(tables[0], REAL_ZEROS, exact=True)
    assert (exact.sum(axis=1) == tables[0].sum(axis=1)).all()
    assert (exact.sum(axis=0) == tables[0].sum(axis=0)).all()
    with pytest.raises(ValueError, match="not nested"):
        quasi_fit(tables[0][:3, :3], np.eye(3, dtype=bool))


def test_a_feasible_fig1_table_rejects_quasi_independence():
    """A witness found by :func:`witness_extremes_quasi` on the real instance: within the
    bands (tolerance 0.5), 214 sessions, chi-square 48.75 when rounded, and a test of
    quasi-independence (df 6) with p < 0.05."""
    table = np.array([[3, 11, 11, 0, 16, 14], [3, 11, 11, 13, 20, 60],
                      [0, 0, 0, 0, 9, 11], [0, 0, 0, 0, 10, 11]])
    low = np.array([[3, 11, 11, 0, 14, 13], [3, 11, 11, 13, 14, 13], [0, 0, 0, 0, 9, 11],
                    [0, 0, 0, 0, 9, 11]])
    high = np.array([[12, 17, 17, 0, 65, 65], [12, 17, 17, 64, 65, 65], [0, 0, 0, 0, 14, 17],
                     [0, 0, 0, 0, 14, 17]])
    assert is_feasible(table, low, high, 214, (48.745, 48.755))
    statistic = quasi_statistic(table, high == 0)
    assert statistic > Fraction(str(round(stats.chi2.isf(0.05, 6), 4)))
    assert float(statistic) == pytest.approx(
        quasi_independence(table, high == 0)["statistic"].iloc[0])


def test_quasi_search_returns_verified_witnesses():
    low, high = np.array([[1, 1, 0], [1, 1, 1], [1, 1, 1]]), np.array([[4, 4, 0], [4, 4, 4],
                                                                       [4, 4, 4]])
    values = sorted({x for _, x in _band_tables(low, high, 12) if x is not None})
    window = (values[len(values) // 3], values[2 * len(values) // 3])
    found = witness_extremes_quasi(low, high, 12, window, starts=2, rounds=10, time_limit=4)
    feasible = _feasible(low, high, 12, window)
    truth = [quasi_statistic(t, high == 0) for t in feasible]
    assert list(found["extreme"]) == ["max", "min"]
    for row in found.to_dict("records"):
        witness = np.reshape(row["witness"], low.shape)
        assert is_feasible(witness, low, high, 12, window)
        assert Fraction(row["exact_statistic"]) == quasi_statistic(witness, high == 0)
        assert min(truth) <= Fraction(row["exact_statistic"]) <= max(truth)
    assert found["statistic"].iloc[0] >= found["statistic"].iloc[1]


@pytest.mark.slow
def test_real_instance_cells_inside_their_bands(registry):
    """fan2018 Fig. 1: the maxima that lie inside their bands are proved exactly (by the
    convex margin bound, and by CP-SAT on the row sums it leaves for (1, 4)); the
    reconstructed table is feasible and lies within the bounds, the bounds within the bands."""
    low, high = band_matrices(frequency_bands(registry))
    total, window = fig1_targets(registry)
    chosen = sessions_table(read_sessions(paths.RECONSTRUCTED / "fan2018_sessions.csv"))
    chosen = chosen.to_numpy()
    assert is_feasible(chosen, low, high, total, window)
    for cell, top in (((0, 4), 46), ((0, 5), 52), ((1, 3), 24), ((1, 4), 57)):
        weights = np.zeros_like(high)
        weights[cell] = 1
        result = linear_bounds(low, high, total, window, weights, time_limit=60)
        assert result["exact"]
        assert (result["min"], result["max"]) == (low[cell], top)
        assert low[cell] <= result["min"] <= chosen[cell] <= result["max"] <= high[cell]
