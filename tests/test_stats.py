"""Tests for the tests SPSS prints (analysis.methods.contingency, two_groups, pvalues and the
exact r x c Fisher network) against independently computed reference values."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from analysis.methods.contingency import (
    chi2_goodness_of_fit,
    chi2_independence,
    fisher_exact,
    likelihood_ratio_independence,
)
from analysis.methods.fisher_network import fisher_exact_rxc
from analysis.methods.pvalues import (
    bonferroni_threshold,
    p_adjust,
    p_from_statistic,
    p_interval_from_statistic,
)
from analysis.methods.two_groups import (
    mann_whitney_u,
    shapiro_wilk,
    ttest_ind,
    ttest_ind_from_stats,
)

LEADING = ["test", "statistic", "df", "p", "method"]


# ---------------------------------------------------------------------------
# independent reference implementations (exact arithmetic, no scipy tests)
# ---------------------------------------------------------------------------
def _table_prob(table: list[list[int]]) -> Fraction:
    """Exact multivariate hypergeometric probability of a table given margins."""
    rows = [sum(r) for r in table]
    cols = [sum(c) for c in zip(*table, strict=True)]
    n = sum(rows)
    num = math.prod(math.factorial(v) for v in rows + cols)
    den = math.factorial(n) * math.prod(math.factorial(v) for r in table for v in r)
    return Fraction(num, den)


def _all_tables(rows: list[int], cols: list[int]) -> list[list[list[int]]]:
    """Brute force: every table with the given margins (free cells via product)."""
    r, c = len(rows), len(cols)
    out = []
    free = [range(min(rows[i], cols[j]) + 1) for i in range(r - 1) for j in range(c - 1)]
    for vals in itertools.product(*free):
        t = [list(vals[i * (c - 1) : (i + 1) * (c - 1)]) for i in range(r - 1)]
        t = [[*row, rows[i] - sum(row)] for i, row in enumerate(t)]
        last = [cols[j] - sum(t[i][j] for i in range(r - 1)) for j in range(c)]
        t.append(last)
        if all(v >= 0 for row in t for v in row) and sum(last) == rows[-1]:
            out.append(t)
    return out


def _brute_fisher(table: list[list[int]]) -> float:
    rows = [sum(r) for r in table]
    cols = [sum(c) for c in zip(*table, strict=True)]
    p_obs = _table_prob(table)
    probs = [_table_prob(t) for t in _all_tables(rows, cols)]
    assert sum(probs) == 1  # the enumeration is complete
    return float(sum(p for p in probs if p <= p_obs))


# ---------------------------------------------------------------------------
# output shape
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "result",
    [
        pytest.param(lambda: chi2_independence([[12, 5], [3, 10]]), id="chi2"),
        pytest.param(lambda: likelihood_ratio_independence([[12, 5], [3, 10]]), id="G"),
        pytest.param(lambda: fisher_exact([[12, 5], [3, 10]]), id="fisher2x2"),
        pytest.param(lambda: fisher_exact([[3, 1, 2], [0, 4, 2]]), id="fisher2x3"),
        pytest.param(lambda: chi2_goodness_of_fit([19, 5]), id="gof"),
        pytest.param(lambda: ttest_ind([1, 2, 3, 4], [3, 4, 5, 7]), id="t"),
        pytest.param(lambda: ttest_ind_from_stats(1, 1, 5, 2, 1, 6), id="t_stats"),
        pytest.param(lambda: mann_whitney_u([1, 2, 3], [4, 5, 6]), id="U"),
        pytest.param(lambda: shapiro_wilk([2.1, 3.4, 1.9, 5.0, 4.2, 3.3]), id="W"),
    ],
)
def test_one_row_with_leading_columns(result) -> None:
    df = result()
    assert isinstance(df, pd.DataFrame)
    assert len(df) == 1
    assert list(df.columns[:5]) == LEADING
    assert isinstance(df.loc[0, "method"], str)
    assert df["df"].dtype == np.float64
    assert 0.0 <= df.loc[0, "p"] <= 1.0


# ---------------------------------------------------------------------------
# 2x2 truth tables: Pearson, Yates, LR and Fisher by direct formulas
# ---------------------------------------------------------------------------
TABLES_2X2 = [
    [[12, 5], [3, 10]],
    [[8, 2], [1, 5]],
    [[3, 1], [1, 3]],
    [[20, 15], [10, 17]],  # n = 62
    [[7, 0], [2, 5]],  # zero cell
]


@pytest.mark.parametrize("table", TABLES_2X2)
def test_2x2_pearson_yates_lr_against_formulas(table: list[list[int]]) -> None:
    (a, b), (c, d) = table
    n = a + b + c + d
    denom = (a + b) * (c + d) * (a + c) * (b + d)
    pearson = n * (a * d - b * c) ** 2 / denom
    yates = n * max(0.0, abs(a * d - b * c) - n / 2) ** 2 / denom
    obs = np.array(table, dtype=float)
    exp = np.outer(obs.sum(1), obs.sum(0)) / n
    nz = obs > 0
    g = 2 * float(np.sum(obs[nz] * np.log(obs[nz] / exp[nz])))

    res = chi2_independence(table)
    assert res.loc[0, "statistic"] == pytest.approx(pearson, rel=1e-12)
    assert res.loc[0, "df"] == 1.0
    assert res.loc[0, "p"] == pytest.approx(math.erfc(math.sqrt(pearson / 2)), rel=1e-10)
    assert res.loc[0, "n"] == n
    assert res.loc[0, "min_expected"] == pytest.approx(exp.min())
    assert res.loc[0, "cells_expected_lt5"] == int((exp < 5).sum())
    assert not res.loc[0, "correction_applied"]

    res_y = chi2_independence(table, correction=True)
    assert res_y.loc[0, "statistic"] == pytest.approx(yates, rel=1e-12, abs=1e-15)
    assert res_y.loc[0, "p"] == pytest.approx(math.erfc(math.sqrt(yates / 2)), rel=1e-10)
    assert res_y.loc[0, "correction_applied"]
    assert "Yates" in res_y.loc[0, "method"]

    res_g = likelihood_ratio_independence(table)
    assert res_g.loc[0, "statistic"] == pytest.approx(g, rel=1e-12)
    assert res_g.loc[0, "p"] == pytest.approx(math.erfc(math.sqrt(g / 2)), rel=1e-10)


@pytest.mark.parametrize("table", TABLES_2X2)
def test_2x2_fisher_against_exact_fractions(table: list[list[int]]) -> None:
    res = fisher_exact(table)
    assert res.loc[0, "p"] == pytest.approx(_brute_fisher(table), rel=1e-12)
    assert res.loc[0, "statistic"] == pytest.approx(float(_table_prob(table)), rel=1e-12)
    (a, b), (c, d) = table
    expected_or = a * d / (b * c) if b * c else math.inf
    assert res.loc[0, "odds_ratio"] == expected_or
    assert math.isnan(res.loc[0, "df"])


def test_fisher_tea_tasting_textbook_value() -> None:
    # Fisher's lady tasting tea: two-sided p = 34/70 = 0.4857, one-sided 17/70
    assert fisher_exact([[3, 1], [1, 3]]).loc[0, "p"] == pytest.approx(34 / 70, rel=1e-12)
    res = fisher_exact([[3, 1], [1, 3]], alternative="greater")
    assert res.loc[0, "p"] == pytest.approx(17 / 70, rel=1e-12)


@pytest.mark.parametrize("table", TABLES_2X2)
def test_rxc_enumeration_equals_scipy_on_2x2(table: list[list[int]]) -> None:
    p, p_obs = fisher_exact_rxc(table)
    assert p == pytest.approx(sps.fisher_exact(table).pvalue, rel=1e-9)
    assert p_obs == pytest.approx(float(_table_prob(table)), rel=1e-12)


# ---------------------------------------------------------------------------
# r x c Fisher
# ---------------------------------------------------------------------------
RXC_TABLES = [
    [[3, 1, 2], [0, 4, 2]],
    [[8, 2, 3], [1, 5, 4]],
    [[2, 0, 1], [1, 3, 0], [0, 1, 4]],
    [[4, 1, 1, 0], [0, 3, 1, 2]],
    [[2, 2, 2], [2, 2, 2]],  # most probable table, ties everywhere
    [[3, 1], [0, 4], [2, 2]],  # 3x2: transposed internally
]


@pytest.mark.parametrize("table", RXC_TABLES)
def test_rxc_fisher_against_brute_force(table: list[list[int]]) -> None:
    res = fisher_exact(table)
    assert res.loc[0, "p"] == pytest.approx(_brute_fisher(table), rel=1e-10)
    assert res.loc[0, "statistic"] == pytest.approx(float(_table_prob(table)), rel=1e-12)
    assert math.isnan(res.loc[0, "odds_ratio"])
    assert "exact" in res.loc[0, "method"]


def test_rxc_fisher_transpose_invariant_and_larger_table() -> None:
    # 4x4 with n = 38 and structural zeros, like the papers' community x year table
    table = np.array([[5, 5, 4, 4], [2, 2, 2, 2], [0, 0, 4, 4], [0, 0, 2, 2]])
    p, _ = fisher_exact_rxc(table)
    p_t, _ = fisher_exact_rxc(table.T)
    assert p == pytest.approx(p_t, rel=1e-10)
    assert 0.0 < p < 1.0


def test_rxc_fisher_monte_carlo_close_to_exact() -> None:
    table = [[8, 2, 3], [1, 5, 4]]
    exact = fisher_exact(table).loc[0, "p"]
    mc = fisher_exact(table, method="monte-carlo", n_resamples=20_000, seed=1)
    assert mc.loc[0, "p"] == pytest.approx(exact, abs=0.01)
    assert "Monte Carlo" in mc.loc[0, "method"]


# ---------------------------------------------------------------------------
# chi-square: larger tables, DataFrame input
# ---------------------------------------------------------------------------
def test_chi2_rxc_against_direct_sum_and_dataframe_input() -> None:
    table = pd.DataFrame(
        [[5, 5, 4, 4], [2, 2, 2, 2], [1, 1, 4, 4]],
        index=["A", "B", "C"],
        columns=[2013, 2014, 2015, 2016],
    )
    obs = table.to_numpy(dtype=float)
    exp = np.outer(obs.sum(1), obs.sum(0)) / obs.sum()
    chi2 = float(((obs - exp) ** 2 / exp).sum())
    res = chi2_independence(table, correction=True)  # no effect beyond 2x2
    assert res.loc[0, "statistic"] == pytest.approx(chi2, rel=1e-12)
    assert res.loc[0, "df"] == 6.0
    assert not res.loc[0, "correction_applied"]
    # n = 36; row A (18) x columns 2015/2016 (10) expect exactly 5.0, others < 5
    assert int((exp < 5).sum()) == 10
    assert res.loc[0, "cells_expected_lt5"] == 10
    assert res.loc[0, "pct_expected_lt5"] == pytest.approx(100 * 10 / 12)
    assert res.loc[0, "min_expected"] == pytest.approx(8 * 8 / 36)


# ---------------------------------------------------------------------------
# goodness of fit
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("observed", "expected", "chi2", "df"),
    [
        ([19, 5], None, (19 - 12) ** 2 / 12 * 2, 1.0),  # = 8.1667
        ([17, 7], None, (17 - 12) ** 2 / 12 * 2, 1.0),
        ([10, 20, 30], None, (100 + 0 + 100) / 20, 2.0),
        ([10, 20, 30], [15, 15, 30], 25 / 15 + 25 / 15, 2.0),
    ],
)
def test_goodness_of_fit(observed, expected, chi2: float, df: float) -> None:
    res = chi2_goodness_of_fit(observed, expected)
    assert res.loc[0, "statistic"] == pytest.approx(chi2, rel=1e-12)
    assert res.loc[0, "df"] == df
    assert res.loc[0, "p"] == pytest.approx(sps.chi2.sf(chi2, df), rel=1e-12)
    assert res.loc[0, "n"] == sum(observed)


def test_goodness_of_fit_19_of_24_value() -> None:
    res = chi2_goodness_of_fit([19, 5])
    assert round(res.loc[0, "statistic"], 4) == 8.1667


# ---------------------------------------------------------------------------
# t-tests
# ---------------------------------------------------------------------------
X = [12.1, 14.3, 11.8, 15.2, 13.9, 12.7, 16.0]
Y = [10.2, 11.9, 13.1, 9.8, 10.5, 12.2, 11.0, 9.1, 14.8]


@pytest.mark.parametrize("equal_var", [True, False])
def test_ttest_from_stats_equals_raw(equal_var: bool) -> None:
    raw = ttest_ind(X, Y, equal_var=equal_var)
    xs, ys = np.array(X), np.array(Y)
    summ = ttest_ind_from_stats(
        xs.mean(), xs.std(ddof=1), xs.size, ys.mean(), ys.std(ddof=1), ys.size, equal_var=equal_var
    )
    assert list(raw.columns) == list(summ.columns)
    for col in ["statistic", "df", "p", "mean_x", "mean_y", "sd_x", "sd_y", "mean_diff"]:
        assert summ.loc[0, col] == pytest.approx(raw.loc[0, col], rel=1e-10), col
    assert raw.loc[0, "n_x"] == 7
    assert raw.loc[0, "n_y"] == 9


def test_ttest_pooled_formula_and_welch_df() -> None:
    xs, ys = np.array(X), np.array(Y)
    n1, n2 = xs.size, ys.size
    v1, v2 = xs.var(ddof=1), ys.var(ddof=1)
    sp2 = ((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2)
    t_pooled = (xs.mean() - ys.mean()) / math.sqrt(sp2 * (1 / n1 + 1 / n2))
    welch_df = (v1 / n1 + v2 / n2) ** 2 / ((v1 / n1) ** 2 / (n1 - 1) + (v2 / n2) ** 2 / (n2 - 1))

    pooled = ttest_ind(X, Y)
    welch = ttest_ind(X, Y, equal_var=False)
    assert pooled.loc[0, "statistic"] == pytest.approx(t_pooled, rel=1e-12)
    assert pooled.loc[0, "df"] == n1 + n2 - 2
    assert welch.loc[0, "df"] == pytest.approx(welch_df, rel=1e-12)
    assert welch.loc[0, "df"] != pytest.approx(pooled.loc[0, "df"])
    assert "Welch" in welch.loc[0, "method"]
    assert "pooled" in pooled.loc[0, "method"]


def test_ttest_drops_nan() -> None:
    a = ttest_ind([*X, np.nan], Y)
    b = ttest_ind(X, Y)
    assert a.loc[0, "statistic"] == pytest.approx(b.loc[0, "statistic"], rel=1e-12)
    assert a.loc[0, "n_x"] == len(X)


# ---------------------------------------------------------------------------
# Mann-Whitney U
# ---------------------------------------------------------------------------
def test_mann_whitney_exact_small_sample() -> None:
    # complete separation, n = 3 + 3: U = 0, exact two-sided p = 2 / C(6, 3)
    res = mann_whitney_u([1, 2, 3], [4, 5, 6])
    assert res.loc[0, "statistic"] == 0.0
    assert res.loc[0, "u"] == 0.0
    assert res.loc[0, "p"] == pytest.approx(2 / 20, rel=1e-12)
    # z without tie or continuity correction: (0 - 4.5) / sqrt(9 * 7 / 12)
    assert res.loc[0, "z"] == pytest.approx(-4.5 / math.sqrt(9 * 7 / 12), rel=1e-12)


def test_mann_whitney_z_with_ties_matches_spss_asymptotic() -> None:
    x = [3, 4, 2, 5, 5, 4, 3, 1, 4]
    y = [5, 4, 5, 3, 5, 4, 5, 5]
    res = mann_whitney_u(x, y, method="asymptotic", use_continuity=False)
    z = res.loc[0, "z"]
    assert z < 0
    # SPSS "Asymp. Sig." = 2 * Phi(-|z|) equals scipy's tie-corrected asymptotic p
    assert 2 * sps.norm.sf(abs(z)) == pytest.approx(res.loc[0, "p"], rel=1e-10)
    assert res.loc[0, "u"] == min(res.loc[0, "statistic"], 9 * 8 - res.loc[0, "statistic"])
    # tie correction makes |z| larger than the uncorrected value
    u = res.loc[0, "u"]
    z_untied = (u - 36) / math.sqrt(9 * 8 * 18 / 12)
    assert abs(z) > abs(z_untied)


# ---------------------------------------------------------------------------
# Shapiro-Wilk
# ---------------------------------------------------------------------------
def test_shapiro_wilk_df_is_n() -> None:
    x = [2.1, 3.4, 1.9, 5.0, 4.2, 3.3, 2.8, np.nan]
    res = shapiro_wilk(x)
    ref = sps.shapiro([2.1, 3.4, 1.9, 5.0, 4.2, 3.3, 2.8])
    assert res.loc[0, "df"] == 7.0
    assert res.loc[0, "statistic"] == pytest.approx(ref.statistic, rel=1e-12)
    assert res.loc[0, "p"] == pytest.approx(ref.pvalue, rel=1e-12)


def test_shapiro_wilk_equally_spaced_three_points() -> None:
    # three equally spaced points give W = 1 exactly (p = 1)
    res = shapiro_wilk([1.0, 2.0, 3.0])
    assert res.loc[0, "statistic"] == pytest.approx(1.0, abs=1e-6)


# ---------------------------------------------------------------------------
# multiplicity
# ---------------------------------------------------------------------------
P_VEC = [0.04, 0.001, 0.3, 0.02, 0.012]


@pytest.mark.parametrize(
    ("method", "adjusted", "reject"),
    [
        ("bonferroni", [0.2, 0.005, 1.0, 0.1, 0.06], [False, True, False, False, False]),
        ("holm", [0.08, 0.005, 0.3, 0.06, 0.048], [False, True, False, False, True]),
    ],
)
def test_p_adjust_known_vector(method: str, adjusted: list[float], reject: list[bool]) -> None:
    res = p_adjust(P_VEC, method=method)
    assert list(res.columns) == ["p", "p_adjusted", "reject", "method"]
    np.testing.assert_allclose(res["p"], P_VEC)
    np.testing.assert_allclose(res["p_adjusted"], adjusted, rtol=1e-12)
    assert res["reject"].tolist() == reject
    assert (res["method"] == method).all()


def test_bonferroni_threshold() -> None:
    assert bonferroni_threshold(0.05, 6) == pytest.approx(8.333333333333333e-3, rel=1e-15)
    assert bonferroni_threshold(0.05, 1) == 0.05


# ---------------------------------------------------------------------------
# p from printed statistics
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("test", "statistic", "df", "p"),
    [
        ("chi2", 3.841458820694124, 1, 0.05),
        ("chi2", 5.991464547107979, 2, 0.05),  # = -2 ln 0.05
        ("t", 2.2281388519649385, 10, 0.05),
        ("t", -2.2281388519649385, 10, 0.05),
        ("z", 1.959963984540054, None, 0.05),
        ("z", -2.5758293035489004, None, 0.01),
        ("t", 0.0, 5, 1.0),
    ],
)
def test_p_from_statistic(test: str, statistic: float, df, p: float) -> None:
    assert p_from_statistic(test, statistic, df) == pytest.approx(p, rel=1e-9)


def test_p_from_statistic_chi2_df2_closed_form() -> None:
    # chi2 with 2 df: p = exp(-x / 2)
    assert p_from_statistic("chi2", 10.30, 2) == pytest.approx(math.exp(-5.15), rel=1e-12)


def test_p_interval_from_statistic() -> None:
    lo, hi = p_interval_from_statistic("chi2", 3.835, 3.845, 1)
    assert lo == pytest.approx(p_from_statistic("chi2", 3.845, 1))
    assert hi == pytest.approx(p_from_statistic("chi2", 3.835, 1))
    assert lo < 0.05 < hi
    # negative t interval: p monotone in |t|
    lo, hi = p_interval_from_statistic("t", -2.235, -2.225, 10)
    assert lo == pytest.approx(p_from_statistic("t", 2.235, 10))
    assert hi == pytest.approx(p_from_statistic("t", 2.225, 10))
    # straddling 0: p_max = 1, p_min from the larger |statistic|
    lo, hi = p_interval_from_statistic("z", -0.5, 0.3)
    assert hi == 1.0
    assert lo == pytest.approx(2 * sps.norm.sf(0.5))


# ---------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("func", "table", "match"),
    [
        (chi2_independence, [[3, -1], [2, 4]], "negative"),
        (chi2_independence, [[3, 1.5], [2, 4]], "non-integer"),
        (chi2_independence, [1, 2, 3], "two-dimensional"),
        (likelihood_ratio_independence, [[3, -1], [2, 4]], "negative"),
        (fisher_exact, [[3, np.nan], [2, 4]], "non-finite"),
        (fisher_exact_rxc, [[1, 0, 2], [2, 0, 1]], "zero margin"),
    ],
)
def test_table_errors(func, table, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        func(table)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: chi2_independence([[3, 0], [2, 0]]), "zero margin"),
        (lambda: chi2_independence([[0, 0], [2, 4]]), "zero margin"),
        (lambda: chi2_independence([[1, 2, 3]]), "at least 2 rows"),
        (lambda: likelihood_ratio_independence([[5, 0], [2, 0]]), "zero margin"),
        (lambda: fisher_exact([[0, 0, 0], [2, 4, 1]]), "zero margin"),
        (lambda: ttest_ind([1.0], [2.0, 3.0]), "at least 2"),
        (lambda: ttest_ind([1.0, 2.0], [np.nan, 3.0], equal_var=False), "at least 2"),
        (lambda: mann_whitney_u([], [3, 4]), "at least 1"),
    ],
)
def test_data_a_test_is_not_defined_on_give_nan_and_say_why(call, match: str) -> None:
    """As SPSS prints no statistic for a constant variable: every number NaN, the reason in
    ``method``, the row's other columns present (so a table of results keeps its shape)."""
    row = call().iloc[0]
    assert np.isnan(row["statistic"])
    assert np.isnan(row["p"])
    assert row["method"].startswith("not computable")
    assert match in row["method"]


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: p_adjust([0.01, 0.02], method="fdr_bh"), "method must be"),
        (lambda: p_adjust([0.01, 1.2]), r"\[0, 1\]"),
        (lambda: p_from_statistic("f", 3.0, 1), "test must be one of"),
        (lambda: p_from_statistic("chi2", 3.0, None), "needs df"),
        (lambda: p_from_statistic("chi2", -1.0, 1), ">= 0"),
        (lambda: p_interval_from_statistic("t", 2.0, 1.0, 5), "statistic_lo"),
        (lambda: fisher_exact([[1, 2, 3], [3, 2, 1]], alternative="less"), "only defined"),
        (lambda: fisher_exact([[1, 2], [3, 2]], alternative="bigger"), "alternative"),
        (lambda: fisher_exact([[1, 2], [3, 2]], method="network"), "method must be"),
        (lambda: chi2_goodness_of_fit([19, 5], [0.5, 0.5]), "not proportions"),
        (lambda: chi2_goodness_of_fit([19, -5]), "non-negative"),
        (lambda: ttest_ind_from_stats(1, 1, 1, 2, 1, 5), "n1"),
        (lambda: mann_whitney_u([1, 2], [3, 4], alternative="both"), "alternative"),
        (lambda: shapiro_wilk([1.0, 2.0]), "at least 3"),
        (lambda: bonferroni_threshold(0.05, 0), "positive integer"),
        (lambda: bonferroni_threshold(5, 3), "alpha"),
    ],
)
def test_argument_errors(call, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()
