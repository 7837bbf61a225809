"""Tidy wrappers around scipy/statsmodels for re-running SPSS 19 analyses.

Every test function returns a one-row :class:`pandas.DataFrame` whose first
columns are ``test``, ``statistic``, ``df``, ``p`` and ``method``, followed by
test-specific extras.  Values are returned at full precision (no rounding);
rounding for display is the caller's job.

The functions are thin: distributions and test statistics come from
:mod:`scipy.stats` and :mod:`statsmodels`.  The only algorithm implemented
here is the exact r x c Fisher test (:func:`fisher_exact_rxc`), because the
installed scipy only offers Monte Carlo / permutation p-values for tables
larger than 2 x 2.

SPSS correspondence (Crosstabs "Chi-Square Tests" table):

* "Pearson Chi-Square"       -> :func:`chi2_independence` (``correction=False``)
* "Continuity Correction"    -> :func:`chi2_independence` (``correction=True``),
  printed by SPSS for 2 x 2 tables only
* "Likelihood Ratio"         -> :func:`likelihood_ratio_independence`
* "Fisher's Exact Test"      -> :func:`fisher_exact` (SPSS prints it for 2 x 2
  tables; the Exact Tests module computes it for r x c)

Other SPSS procedures: NPAR TESTS /CHISQUARE -> :func:`chi2_goodness_of_fit`;
T-TEST GROUPS -> :func:`ttest_ind`; NPAR TESTS /M-W -> :func:`mann_whitney_u`;
EXAMINE /PLOT NPPLOT "Tests of Normality" -> :func:`shapiro_wilk`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import special
from scipy import stats as sps
from statsmodels.stats.multitest import multipletests

__all__ = [
    "bonferroni_threshold",
    "chi2_goodness_of_fit",
    "chi2_independence",
    "fisher_exact",
    "fisher_exact_rxc",
    "likelihood_ratio_independence",
    "mann_whitney_u",
    "p_adjust",
    "p_from_statistic",
    "p_interval_from_statistic",
    "shapiro_wilk",
    "ttest_ind",
    "ttest_ind_from_stats",
]

#: Relative tolerance used when deciding whether a table is "no more probable"
#: than the observed one in the r x c Fisher test (the value R's
#: ``fisher.test`` uses for 2 x 2 tables: ``relErr <- 1 + 10^(-7)``).
FISHER_REL_TOL = 1e-7

_ALTERNATIVES = ("two-sided", "less", "greater")


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------
def _one_row(
    test: str,
    statistic: float,
    df: float,
    p: float,
    method: str,
    **extras: Any,
) -> pd.DataFrame:
    """Build the tidy one-row result with the fixed leading column order."""
    row: dict[str, Any] = {
        "test": test,
        "statistic": float(statistic),
        "df": float(df),
        "p": float(p),
        "method": method,
    }
    row.update(extras)
    return pd.DataFrame([row])


def _count_table(table: Any) -> np.ndarray:
    """Validate a contingency table of counts and return it as int64.

    Raises ValueError for: non-2-D input, fewer than 2 rows or columns,
    non-finite, negative or non-integer entries, and any zero row or column
    sum (SPSS silently drops empty categories; here they must be removed
    explicitly so that df is unambiguous).
    """
    arr = table.to_numpy() if isinstance(table, pd.DataFrame) else np.asarray(table)
    try:
        arr = arr.astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError("table must contain numeric counts") from exc
    if arr.ndim != 2:
        raise ValueError(f"table must be two-dimensional, got {arr.ndim} dimension(s)")
    if arr.shape[0] < 2 or arr.shape[1] < 2:
        raise ValueError(f"table must have at least 2 rows and 2 columns, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("table contains non-finite values (NaN or inf)")
    if np.any(arr < 0):
        raise ValueError("table contains negative counts")
    if np.any(arr != np.round(arr)):
        raise ValueError("table contains non-integer counts")
    counts = arr.astype(np.int64)
    zero_rows = np.flatnonzero(counts.sum(axis=1) == 0)
    zero_cols = np.flatnonzero(counts.sum(axis=0) == 0)
    if zero_rows.size or zero_cols.size:
        raise ValueError(
            "table has a zero margin (row sum or column sum is 0): "
            f"zero rows at index {zero_rows.tolist()}, zero columns at index "
            f"{zero_cols.tolist()}; drop empty categories first"
        )
    return counts


def _sample(x: Any, name: str, min_n: int) -> np.ndarray:
    """1-D float array with NaNs dropped (SPSS: exclude cases analysis by analysis)."""
    arr = np.asarray(x, dtype=float).ravel()
    arr = arr[~np.isnan(arr)]
    if np.any(np.isinf(arr)):
        raise ValueError(f"{name} contains infinite values")
    if arr.size < min_n:
        raise ValueError(f"{name} needs at least {min_n} non-missing values, got {arr.size}")
    return arr


def _check_alternative(alternative: str) -> None:
    if alternative not in _ALTERNATIVES:
        raise ValueError(f"alternative must be one of {_ALTERNATIVES}, got {alternative!r}")


# ---------------------------------------------------------------------------
# contingency tables
# ---------------------------------------------------------------------------
def chi2_independence(table: Any, correction: bool = False) -> pd.DataFrame:
    """Pearson chi-square test of independence for an r x c table of counts.

    Parameters
    ----------
    table : array-like or pandas.DataFrame
        r x c table of non-negative integer counts (r, c >= 2), with no zero
        row or column sum.
    correction : bool, default False
        If True, apply Yates' continuity correction, but only when the table
        is 2 x 2 (SPSS prints the "Continuity Correction" row for 2 x 2
        tables only).  For larger tables the flag has no effect and
        ``correction_applied`` is False.

    Returns
    -------
    pandas.DataFrame
        One row with columns

        - ``test``: ``"chi2"``
        - ``statistic``: Pearson chi-square (Yates-corrected if applied)
        - ``df``: (r - 1)(c - 1)
        - ``p``: upper-tail chi-square p-value
        - ``method``: description, e.g. "Pearson chi-square, no continuity
          correction"
        - ``n``: total count
        - ``min_expected``: smallest expected count under independence
        - ``cells_expected_lt5``: number of cells with expected count < 5
        - ``pct_expected_lt5``: that number as a percentage of all cells
          (SPSS footnote "x cells (y%) have expected count less than 5")
        - ``correction_applied``: whether Yates' correction was used

    Notes
    -----
    Uses :func:`scipy.stats.chi2_contingency`.  Yates' correction as in
    scipy (each |O - E| reduced by 0.5, but not below 0) equals SPSS's
    N(|ad - bc| - N/2)^2 / (R1 R2 C1 C2), set to 0 when |ad - bc| < N/2.
    SPSS equivalent: CROSSTABS /STATISTICS=CHISQ, rows "Pearson Chi-Square"
    and "Continuity Correction".
    """
    counts = _count_table(table)
    apply_yates = bool(correction) and counts.shape == (2, 2)
    res = sps.chi2_contingency(counts, correction=apply_yates)
    expected = np.asarray(res.expected_freq, dtype=float)
    if apply_yates:
        method = "Pearson chi-square with Yates continuity correction (2x2)"
    elif correction:
        method = "Pearson chi-square, no continuity correction (Yates applies to 2x2 only)"
    else:
        method = "Pearson chi-square, no continuity correction"
    n_lt5 = int(np.sum(expected < 5))
    return _one_row(
        "chi2",
        res.statistic,
        res.dof,
        res.pvalue,
        method,
        n=int(counts.sum()),
        min_expected=float(expected.min()),
        cells_expected_lt5=n_lt5,
        pct_expected_lt5=100.0 * n_lt5 / expected.size,
        correction_applied=apply_yates,
    )


def likelihood_ratio_independence(table: Any) -> pd.DataFrame:
    """Likelihood-ratio (G) test of independence for an r x c table.

    Parameters
    ----------
    table : array-like or pandas.DataFrame
        r x c table of non-negative integer counts (r, c >= 2), with no zero
        row or column sum.

    Returns
    -------
    pandas.DataFrame
        One row with columns ``test`` (``"G"``), ``statistic``
        (G = 2 * sum O ln(O / E), zero cells contribute 0), ``df``
        ((r - 1)(c - 1)), ``p`` (upper-tail chi-square), ``method``,
        ``n`` (total count) and ``min_expected``.

    Notes
    -----
    Uses :func:`scipy.stats.chi2_contingency` with
    ``lambda_="log-likelihood"`` and no continuity correction.  SPSS
    equivalent: CROSSTABS /STATISTICS=CHISQ, row "Likelihood Ratio".
    """
    counts = _count_table(table)
    res = sps.chi2_contingency(counts, correction=False, lambda_="log-likelihood")
    return _one_row(
        "G",
        res.statistic,
        res.dof,
        res.pvalue,
        "Likelihood-ratio chi-square (G-test), no continuity correction",
        n=int(counts.sum()),
        min_expected=float(np.min(res.expected_freq)),
    )


def fisher_exact_rxc(table: Any, rel_tol: float = FISHER_REL_TOL) -> tuple[float, float]:
    """Exact two-sided Fisher(-Freeman-Halton) p-value for an r x c table.

    Sums the multivariate hypergeometric null probabilities

        P(T) = prod(R_i!) prod(C_j!) / (N! prod(t_ij!))

    of all tables T with the observed row and column margins for which
    ``P(T) <= P(observed) * (1 + rel_tol)``.  This is the p-value definition
    of R's ``fisher.test`` and of SPSS Exact Tests.

    Parameters
    ----------
    table : array-like or pandas.DataFrame
        r x c table of non-negative integer counts (r, c >= 2; 2 x 2 allowed),
        no zero margins.
    rel_tol : float, default 1e-7
        Relative tolerance for "no more probable than the observed table",
        so that tables tied in probability with the observed one are not
        lost to floating-point error (R uses 1e-7).

    Returns
    -------
    tuple of (float, float)
        ``(p, p_observed_table)``: the two-sided p-value (clipped to 1) and
        the null probability of the observed table.

    Notes
    -----
    Exact enumeration organised as a network algorithm (Mehta & Patel 1983):
    the table is filled column by column; a node is (column index, multiset
    of remaining row sums), since the completions of a partial table depend
    only on that.  For every node the exact minimum and maximum of the
    completions' log-probability terms are found by memoised dynamic
    programming, and the total probability of all completions has a closed
    form (sum over tables with margins a, b of prod 1/x! = N'!/(prod a! prod
    b!)).  A partial table whose every completion is at most as probable as
    the observed table contributes that closed-form total at once; one whose
    every completion is more probable is dropped; only the rest is expanded.
    Partial tables reaching the same node with the same accumulated
    log-probability (to 1e-10) are merged.  The result is the same as
    summing over a full enumeration (verified in the tests against
    brute force), but runs in milliseconds for the papers' tables
    (n <= 62).  Log-factorials come from :func:`scipy.special.gammaln`.
    """
    counts = _count_table(table)
    if counts.shape[0] > counts.shape[1]:
        counts = counts.T  # fewer rows -> shorter node keys, fewer column choices
    c = counts.shape[1]
    row_sums = counts.sum(axis=1)
    col_sums = [int(v) for v in counts.sum(axis=0)]
    n = int(counts.sum())
    lf_arr = special.gammaln(np.arange(n + 1, dtype=float) + 1.0)
    lf = lf_arr.tolist()
    const = float(lf_arr[row_sums].sum() + lf_arr[counts.sum(axis=0)].sum() - lf_arr[n])
    log_p_obs = const - float(lf_arr[counts].sum())
    # a table with log-term s = sum(log t_ij!) counts iff const - s <= threshold
    threshold = log_p_obs + math.log1p(rel_tol)
    lf_cols_tail = [sum(lf[v] for v in col_sums[j:]) for j in range(c + 1)]

    Node = tuple[int, tuple[int, ...]]
    transitions: dict[Node, list[tuple[float, Node]]] = {}
    bounds: dict[Node, tuple[float, float]] = {}

    def column_choices(total: int, rem: tuple[int, ...]) -> list[tuple[int, ...]]:
        # all x with sum(x) == total and 0 <= x_i <= rem_i
        out: list[tuple[int, ...]] = []
        suffix = [sum(rem[i:]) for i in range(len(rem) + 1)]

        def rec(i: int, left: int, prefix: tuple[int, ...]) -> None:
            if i == len(rem) - 1:
                out.append((*prefix, left))
                return
            for v in range(max(0, left - suffix[i + 1]), min(rem[i], left) + 1):
                rec(i + 1, left - v, (*prefix, v))

        rec(0, total, ())
        return out

    def node_bounds(node: Node) -> tuple[float, float]:
        # (min, max) over completions of sum(log x!) for the remaining cells
        if node in bounds:
            return bounds[node]
        j, rem = node
        if j == c - 1:
            s = sum(lf[v] for v in rem)
            bounds[node] = (s, s)
            return bounds[node]
        trans: list[tuple[float, Node]] = []
        lo, hi = math.inf, -math.inf
        for x in column_choices(col_sums[j], rem):
            cost = sum(lf[v] for v in x)
            child: Node = (j + 1, tuple(sorted(r - v for r, v in zip(rem, x, strict=True))))
            child_lo, child_hi = node_bounds(child)
            lo = min(lo, cost + child_lo)
            hi = max(hi, cost + child_hi)
            trans.append((cost, child))
        transitions[node] = trans
        bounds[node] = (lo, hi)
        return bounds[node]

    def log_total(node: Node) -> float:
        # log of sum over completions of prod 1/x! (closed form)
        j, rem = node
        return lf[sum(rem)] - sum(lf[v] for v in rem) - lf_cols_tail[j]

    root: Node = (0, tuple(sorted(int(v) for v in row_sums)))
    node_bounds(root)
    terms: list[float] = []
    stage: dict[Node, dict[float, tuple[float, int]]] = {root: {0.0: (0.0, 1)}}
    while stage:
        nxt: dict[Node, dict[float, tuple[float, int]]] = {}
        for node, pasts in stage.items():
            s_lo, s_hi = bounds[node]
            for acc, weight in pasts.values():
                need = const - threshold - acc  # completion counts iff s >= need
                if s_lo >= need:
                    terms.append(weight * math.exp(const - acc + log_total(node)))
                elif s_hi >= need:
                    for cost, child in transitions[node]:
                        new_acc = acc + cost
                        bucket = nxt.setdefault(child, {})
                        key = round(new_acc, 10)
                        first_acc, old_weight = bucket.get(key, (new_acc, 0))
                        bucket[key] = (first_acc, old_weight + weight)
        stage = nxt
    return min(1.0, math.fsum(terms)), math.exp(log_p_obs)


def fisher_exact(
    table: Any,
    alternative: str = "two-sided",
    method: str = "exact",
    n_resamples: int = 100_000,
    seed: int = 20130701,
) -> pd.DataFrame:
    """Fisher's exact test for a 2 x 2 or r x c table.

    Parameters
    ----------
    table : array-like or pandas.DataFrame
        Table of non-negative integer counts (r, c >= 2), no zero margins.
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        Alternative hypothesis; one-sided alternatives only for 2 x 2 tables
        (odds ratio < 1 or > 1).
    method : {"exact", "monte-carlo"}, default "exact"
        For r x c tables only: "exact" enumerates all tables
        (:func:`fisher_exact_rxc`); "monte-carlo" uses
        :func:`scipy.stats.fisher_exact` with
        :class:`scipy.stats.MonteCarloMethod` (only for tables too large
        for exact enumeration; not needed for the papers' tables).  2 x 2 tables are always exact.
    n_resamples : int, default 100_000
        Monte Carlo resamples (``method="monte-carlo"`` only).
    seed : int, default 20130701
        Seed for the Monte Carlo generator (``method="monte-carlo"`` only),
        fixed so results are reproducible.

    Returns
    -------
    pandas.DataFrame
        One row with columns

        - ``test``: ``"fisher"``
        - ``statistic``: null probability of the observed table (the
          quantity tables are ordered by)
        - ``df``: NaN
        - ``p``: p-value for ``alternative``
        - ``method``: description including how p was obtained
        - ``odds_ratio``: sample odds ratio ad/bc for 2 x 2 (as
          :func:`scipy.stats.fisher_exact`; inf if bc = 0), NaN otherwise
        - ``n``: total count

    Notes
    -----
    2 x 2: :func:`scipy.stats.fisher_exact` (two-sided p sums tables with
    probability <= observed, relative tolerance 1e-14).  SPSS equivalent:
    CROSSTABS /STATISTICS=CHISQ, "Fisher's Exact Test", "Exact Sig.
    (2-sided)" / "(1-sided)"; note SPSS's 1-sided column is in the direction
    of the observed deviation, i.e. ``min(p_less, p_greater)``.
    r x c: scipy 1.17 only provides Monte Carlo / permutation p-values for
    r x c, so the exact value is computed by enumeration
    (:func:`fisher_exact_rxc`), matching R ``fisher.test`` and SPSS Exact
    Tests "Fisher's Exact Test" for r x c (Freeman-Halton).
    """
    _check_alternative(alternative)
    if method not in ("exact", "monte-carlo"):
        raise ValueError(f"method must be 'exact' or 'monte-carlo', got {method!r}")
    counts = _count_table(table)
    n = int(counts.sum())
    if counts.shape == (2, 2):
        res = sps.fisher_exact(counts, alternative=alternative)
        row_sum = int(counts[0].sum())
        col_sum = int(counts[:, 0].sum())
        p_obs = float(sps.hypergeom.pmf(counts[0, 0], n, row_sum, col_sum))
        return _one_row(
            "fisher",
            p_obs,
            np.nan,
            res.pvalue,
            f"Fisher's exact test, 2x2, {alternative} (scipy.stats.fisher_exact)",
            odds_ratio=float(res.statistic),
            n=n,
        )
    if alternative != "two-sided":
        raise ValueError(
            f"alternative={alternative!r} is only defined for 2x2 tables; got shape {counts.shape}"
        )
    if method == "exact":
        p, p_obs = fisher_exact_rxc(counts)
        desc = (
            f"Fisher-Freeman-Halton exact test, {counts.shape[0]}x{counts.shape[1]}, "
            "two-sided, exact enumeration"
        )
        return _one_row("fisher", p_obs, np.nan, p, desc, odds_ratio=np.nan, n=n)
    mc = sps.MonteCarloMethod(n_resamples=n_resamples, rng=np.random.default_rng(seed))
    res = sps.fisher_exact(counts, method=mc)
    desc = (
        f"Fisher-Freeman-Halton test, {counts.shape[0]}x{counts.shape[1]}, two-sided, "
        f"Monte Carlo ({n_resamples} resamples, seed {seed})"
    )
    return _one_row("fisher", res.statistic, np.nan, res.pvalue, desc, odds_ratio=np.nan, n=n)


def chi2_goodness_of_fit(observed: Any, expected: Any = None) -> pd.DataFrame:
    """Pearson chi-square goodness-of-fit test.

    Parameters
    ----------
    observed : array-like
        1-D observed category counts (non-negative integers, k >= 2).
    expected : array-like or None, default None
        Expected counts (same length, positive, same total as ``observed``).
        None means equal expected frequencies (SPSS default "All categories
        equal").

    Returns
    -------
    pandas.DataFrame
        One row with columns ``test`` (``"chi2"``), ``statistic``
        (sum (O - E)^2 / E), ``df`` (k - 1), ``p``, ``method``, ``n``
        (total count), ``k`` (number of categories) and ``min_expected``.

    Notes
    -----
    Uses :func:`scipy.stats.chisquare`.  SPSS equivalent: NPAR TESTS
    /CHISQUARE (Nonparametric Tests > Legacy Dialogs > Chi-square).
    Example: 19 of 24 satisfied vs equal split gives chi2(1) = 8.1667.
    """
    obs = np.asarray(observed, dtype=float).ravel()
    if obs.size < 2:
        raise ValueError(f"observed needs at least 2 categories, got {obs.size}")
    if not np.all(np.isfinite(obs)) or np.any(obs < 0) or np.any(obs != np.round(obs)):
        raise ValueError("observed must contain finite non-negative integer counts")
    n = float(obs.sum())
    if n <= 0:
        raise ValueError("observed counts sum to 0")
    if expected is None:
        exp = np.full(obs.size, n / obs.size)
        method = "Pearson chi-square goodness of fit, equal expected frequencies"
    else:
        exp = np.asarray(expected, dtype=float).ravel()
        if exp.shape != obs.shape:
            raise ValueError(f"expected has shape {exp.shape}, observed has shape {obs.shape}")
        if not np.all(np.isfinite(exp)) or np.any(exp <= 0):
            raise ValueError("expected counts must be finite and positive")
        if not math.isclose(float(exp.sum()), n, rel_tol=1e-8):
            raise ValueError(
                f"expected counts sum to {exp.sum()} but observed sum to {n}; "
                "pass expected counts, not proportions"
            )
        method = "Pearson chi-square goodness of fit, user-specified expected frequencies"
    res = sps.chisquare(obs, f_exp=exp)
    return _one_row(
        "chi2",
        res.statistic,
        obs.size - 1,
        res.pvalue,
        method,
        n=int(n),
        k=int(obs.size),
        min_expected=float(exp.min()),
    )


# ---------------------------------------------------------------------------
# two-sample location tests
# ---------------------------------------------------------------------------
def _welch_df(sd1: float, n1: float, sd2: float, n2: float) -> float:
    """Welch-Satterthwaite degrees of freedom (the formula SPSS uses)."""
    v1 = sd1**2 / n1
    v2 = sd2**2 / n2
    return (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))


def _ttest_method(equal_var: bool) -> str:
    if equal_var:
        return "Student two-sample t-test, pooled variance (equal variances assumed)"
    return "Welch two-sample t-test, Welch-Satterthwaite df (equal variances not assumed)"


def ttest_ind(x: Any, y: Any, equal_var: bool = True) -> pd.DataFrame:
    """Independent two-sample t-test from raw data (two-sided).

    Parameters
    ----------
    x, y : array-like
        Observations of the two groups; NaNs are dropped (SPSS excludes
        missing cases analysis by analysis).  Each needs >= 2 values.
    equal_var : bool, default True
        True: pooled-variance Student t (SPSS row "Equal variances
        assumed"); False: Welch t (row "Equal variances not assumed").

    Returns
    -------
    pandas.DataFrame
        One row with columns ``test`` (``"t"``), ``statistic`` (t for
        mean(x) - mean(y)), ``df`` (n_x + n_y - 2, or Welch-Satterthwaite
        df), ``p`` (two-sided), ``method``, ``mean_x``, ``mean_y``,
        ``sd_x``, ``sd_y`` (sample SDs, ddof = 1), ``n_x``, ``n_y`` and
        ``mean_diff`` (mean_x - mean_y).

    Notes
    -----
    Uses :func:`scipy.stats.ttest_ind`.  SPSS equivalent: T-TEST GROUPS
    (Independent-Samples T Test).
    """
    xa = _sample(x, "x", 2)
    ya = _sample(y, "y", 2)
    res = sps.ttest_ind(xa, ya, equal_var=equal_var)
    mx, my = float(xa.mean()), float(ya.mean())
    return _one_row(
        "t",
        res.statistic,
        res.df,
        res.pvalue,
        _ttest_method(equal_var),
        mean_x=mx,
        mean_y=my,
        sd_x=float(xa.std(ddof=1)),
        sd_y=float(ya.std(ddof=1)),
        n_x=int(xa.size),
        n_y=int(ya.size),
        mean_diff=mx - my,
    )


def ttest_ind_from_stats(
    mean1: float,
    sd1: float,
    n1: int,
    mean2: float,
    sd2: float,
    n2: int,
    equal_var: bool = True,
) -> pd.DataFrame:
    """Independent two-sample t-test from summary statistics (two-sided).

    Parameters
    ----------
    mean1, sd1, n1 : float, float, int
        Mean, sample SD (ddof = 1) and size of group 1 (n1 >= 2, sd1 >= 0).
    mean2, sd2, n2 : float, float, int
        The same for group 2.
    equal_var : bool, default True
        True: pooled Student t; False: Welch t.

    Returns
    -------
    pandas.DataFrame
        Same columns as :func:`ttest_ind`: ``test``, ``statistic``, ``df``,
        ``p``, ``method``, ``mean_x``, ``mean_y``, ``sd_x``, ``sd_y``,
        ``n_x``, ``n_y``, ``mean_diff`` (group 1 is "x").

    Notes
    -----
    Uses :func:`scipy.stats.ttest_ind_from_stats`.  Useful for checking
    t values printed from rounded means/SDs in a paper.
    """
    for name, n in (("n1", n1), ("n2", n2)):
        if n < 2 or n != int(n):
            raise ValueError(f"{name} must be an integer >= 2, got {n}")
    for name, sd in (("sd1", sd1), ("sd2", sd2)):
        if not sd >= 0:
            raise ValueError(f"{name} must be non-negative, got {sd}")
    res = sps.ttest_ind_from_stats(mean1, sd1, n1, mean2, sd2, n2, equal_var=equal_var)
    df = float(n1 + n2 - 2) if equal_var else _welch_df(sd1, n1, sd2, n2)
    return _one_row(
        "t",
        res.statistic,
        df,
        res.pvalue,
        _ttest_method(equal_var),
        mean_x=float(mean1),
        mean_y=float(mean2),
        sd_x=float(sd1),
        sd_y=float(sd2),
        n_x=int(n1),
        n_y=int(n2),
        mean_diff=float(mean1) - float(mean2),
    )


def mann_whitney_u(
    x: Any,
    y: Any,
    alternative: str = "two-sided",
    method: str = "auto",
    use_continuity: bool = True,
) -> pd.DataFrame:
    """Mann-Whitney U (Wilcoxon rank-sum) test for two independent samples.

    Parameters
    ----------
    x, y : array-like
        Observations of the two groups; NaNs are dropped.  Each needs >= 1
        value.
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        Passed to :func:`scipy.stats.mannwhitneyu`.
    method : {"auto", "asymptotic", "exact"}, default "auto"
        Passed to scipy ("auto": exact if a sample has <= 8 values and there
        are no ties, else normal approximation with tie correction).
    use_continuity : bool, default True
        Continuity correction for the asymptotic p (scipy default).  SPSS
        does *not* use it; pass False (with ``method="asymptotic"``) to get
        SPSS's "Asymp. Sig. (2-tailed)".

    Returns
    -------
    pandas.DataFrame
        One row with columns

        - ``test``: ``"U"``
        - ``statistic``: scipy's U for ``x`` (U1 = R1 - n_x(n_x + 1)/2)
        - ``df``: NaN
        - ``p``: scipy p-value for the chosen options
        - ``method``: description
        - ``u``: min(U1, n_x n_y - U1), the value SPSS prints as
          "Mann-Whitney U"
        - ``z``: (u - n_x n_y / 2) / sigma with tie-corrected sigma and no
          continuity correction, as SPSS prints "Z" (<= 0)
        - ``n_x``, ``n_y``: sample sizes

    Notes
    -----
    SPSS NPAR TESTS /M-W reports "Asymp. Sig. (2-tailed)" = 2 * Phi(-|z|)
    (tie-corrected, no continuity correction) and, for small samples,
    "Exact Sig. [2*(1-tailed Sig.)]", computed without tie correction;
    with no ties the latter equals scipy ``method="exact"``.  The tie
    correction factor comes from :func:`scipy.stats.tiecorrect`.
    """
    _check_alternative(alternative)
    xa = _sample(x, "x", 1)
    ya = _sample(y, "y", 1)
    res = sps.mannwhitneyu(
        xa, ya, alternative=alternative, method=method, use_continuity=use_continuity
    )
    n_x, n_y = int(xa.size), int(ya.size)
    u1 = float(res.statistic)
    u_min = min(u1, n_x * n_y - u1)
    n = n_x + n_y
    tie = float(sps.tiecorrect(sps.rankdata(np.concatenate([xa, ya]))))
    sigma = math.sqrt(tie * n_x * n_y * (n + 1) / 12.0)
    z = (u_min - n_x * n_y / 2.0) / sigma if sigma > 0 else np.nan
    desc = f"Mann-Whitney U, {alternative}, scipy method={method!r}"
    if method != "exact":
        desc += f", continuity correction={'yes' if use_continuity else 'no'} if asymptotic"
    return _one_row("U", u1, np.nan, res.pvalue, desc, u=u_min, z=z, n_x=n_x, n_y=n_y)


def shapiro_wilk(x: Any) -> pd.DataFrame:
    """Shapiro-Wilk test of normality.

    Parameters
    ----------
    x : array-like
        Sample; NaNs are dropped.  Needs >= 3 values.

    Returns
    -------
    pandas.DataFrame
        One row with columns ``test`` (``"W"``), ``statistic`` (W), ``df``
        (n, as SPSS prints it in "Tests of Normality"), ``p``, ``method``
        and ``n``.

    Notes
    -----
    Uses :func:`scipy.stats.shapiro` (Royston's AS R94 algorithm, as SPSS).
    SPSS equivalent: EXAMINE /PLOT NPPLOT, "Tests of Normality",
    Shapiro-Wilk columns.
    """
    xa = _sample(x, "x", 3)
    res = sps.shapiro(xa)
    return _one_row(
        "W",
        res.statistic,
        xa.size,
        res.pvalue,
        "Shapiro-Wilk normality test",
        n=int(xa.size),
    )


# ---------------------------------------------------------------------------
# multiplicity and printed statistics
# ---------------------------------------------------------------------------
def p_adjust(
    pvalues: Sequence[float] | np.ndarray,
    method: str = "bonferroni",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Adjust p-values for multiple comparisons.

    Parameters
    ----------
    pvalues : sequence of float
        Raw p-values in [0, 1] (order is preserved in the output).
    method : {"bonferroni", "holm"}, default "bonferroni"
        Bonferroni (p * m, capped at 1) or Holm step-down.
    alpha : float, default 0.05
        Family-wise error rate for the ``reject`` column.

    Returns
    -------
    pandas.DataFrame
        One row per input p-value with columns ``p`` (raw), ``p_adjusted``,
        ``reject`` (bool, adjusted decision at ``alpha``) and ``method``.

    Notes
    -----
    Uses :func:`statsmodels.stats.multitest.multipletests`; equals R's
    ``p.adjust``.  SPSS 19 has no general p-adjust procedure (papers apply
    Bonferroni by hand; see :func:`bonferroni_threshold`).
    """
    if method not in ("bonferroni", "holm"):
        raise ValueError(f"method must be 'bonferroni' or 'holm', got {method!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    p = np.asarray(pvalues, dtype=float).ravel()
    if p.size == 0:
        raise ValueError("pvalues is empty")
    if np.any(np.isnan(p)) or np.any((p < 0) | (p > 1)):
        raise ValueError("pvalues must be in [0, 1] and not NaN")
    reject, p_adj, _, _ = multipletests(p, alpha=alpha, method=method)
    return pd.DataFrame(
        {"p": p, "p_adjusted": p_adj, "reject": reject.astype(bool), "method": method}
    )


def bonferroni_threshold(alpha: float, m: int) -> float:
    """Bonferroni per-test significance level ``alpha / m``.

    Parameters
    ----------
    alpha : float
        Family-wise level, in (0, 1).
    m : int
        Number of tests, >= 1.

    Returns
    -------
    float
        ``alpha / m`` (e.g. 0.05 / 6 = 0.008333...).
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    if m < 1 or m != int(m):
        raise ValueError(f"m must be a positive integer, got {m}")
    return alpha / m


_STAT_TESTS = ("chi2", "t", "z")


def _check_stat_args(test: str, df: float | None) -> None:
    if test not in _STAT_TESTS:
        raise ValueError(f"test must be one of {_STAT_TESTS}, got {test!r}")
    if test in ("chi2", "t") and (df is None or not df > 0):
        raise ValueError(f"test {test!r} needs df > 0, got {df}")


def p_from_statistic(test: str, statistic: float, df: float | None = None) -> float:
    """p-value implied by a printed test statistic.

    Parameters
    ----------
    test : {"chi2", "t", "z"}
        Reference distribution.
    statistic : float
        Printed statistic (chi2 must be >= 0).
    df : float or None, default None
        Degrees of freedom (required for "chi2" and "t"; ignored for "z").

    Returns
    -------
    float
        "chi2": upper tail ``scipy.stats.chi2.sf(statistic, df)``;
        "t": two-sided ``2 * scipy.stats.t.sf(|t|, df)``;
        "z": two-sided ``2 * scipy.stats.norm.sf(|z|)``.
    """
    _check_stat_args(test, df)
    if test == "chi2":
        if statistic < 0:
            raise ValueError(f"chi2 statistic must be >= 0, got {statistic}")
        return float(sps.chi2.sf(statistic, df))
    if test == "t":
        return float(min(1.0, 2.0 * sps.t.sf(abs(statistic), df)))
    return float(min(1.0, 2.0 * sps.norm.sf(abs(statistic))))


def p_interval_from_statistic(
    test: str,
    statistic_lo: float,
    statistic_hi: float,
    df: float | None = None,
) -> tuple[float, float]:
    """Range of p-values for a statistic known only to lie in [lo, hi].

    Parameters
    ----------
    test : {"chi2", "t", "z"}
        Reference distribution (as in :func:`p_from_statistic`).
    statistic_lo, statistic_hi : float
        Bounds of the statistic, e.g. 12.755 and 12.765 for a printed 12.76.
    df : float or None, default None
        Degrees of freedom (required for "chi2" and "t").

    Returns
    -------
    tuple of (float, float)
        ``(p_min, p_max)``.  p decreases monotonically in |statistic|, so
        p_min comes from the largest |statistic| in the interval and p_max
        from the smallest; if a t/z interval contains 0, p_max = 1.
    """
    _check_stat_args(test, df)
    if statistic_lo > statistic_hi:
        raise ValueError(f"statistic_lo ({statistic_lo}) > statistic_hi ({statistic_hi})")
    if test == "chi2":
        if statistic_lo < 0:
            raise ValueError(f"chi2 statistic must be >= 0, got {statistic_lo}")
        abs_min, abs_max = statistic_lo, statistic_hi
    else:
        abs_max = max(abs(statistic_lo), abs(statistic_hi))
        abs_min = (
            0.0 if statistic_lo <= 0 <= statistic_hi else min(abs(statistic_lo), abs(statistic_hi))
        )
    return p_from_statistic(test, abs_max, df), p_from_statistic(test, abs_min, df)
