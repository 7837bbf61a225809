"""Tests of contingency tables, as SPSS's Crosstabs and NPAR TESTS print them.

Every function returns a one-row :class:`pandas.DataFrame` whose first columns are ``test``,
``statistic``, ``df``, ``p`` and ``method``, followed by test-specific extras, at full
precision (rounding for display is the caller's job). Distributions and statistics come from
:mod:`scipy.stats`; the only algorithm implemented here is the exact r x c Fisher test
(:func:`fisher_exact_rxc`), because scipy only offers Monte Carlo p-values beyond 2 x 2.

SPSS correspondence (Crosstabs "Chi-Square Tests" table):

* "Pearson Chi-Square"       -> :func:`chi2_independence` (``correction=False``)
* "Continuity Correction"    -> :func:`chi2_independence` (``correction=True``), 2 x 2 only
* "Likelihood Ratio"         -> :func:`likelihood_ratio_independence`
* "Fisher's Exact Test"      -> :func:`fisher_exact`

NPAR TESTS /CHISQUARE -> :func:`chi2_goodness_of_fit`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import special
from scipy import stats as sps

from analysis.methods.tidy import check_alternative, one_row

__all__ = [
    "EXACT_P",
    "FISHER_REL_TOL",
    "chi2_goodness_of_fit",
    "chi2_independence",
    "fisher_exact",
    "fisher_exact_rxc",
    "likelihood_ratio_independence",
    "reports_exact_p",
]


#: Relative tolerance used when deciding whether a table is "no more probable"
#: than the observed one in the r x c Fisher test (the value R's
#: ``fisher.test`` uses for 2 x 2 tables: ``relErr <- 1 + 10^(-7)``).
FISHER_REL_TOL = 1e-7


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
    return one_row(
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
    return one_row(
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
    check_alternative(alternative)
    if method not in ("exact", "monte-carlo"):
        raise ValueError(f"method must be 'exact' or 'monte-carlo', got {method!r}")
    counts = _count_table(table)
    n = int(counts.sum())
    if counts.shape == (2, 2):
        res = sps.fisher_exact(counts, alternative=alternative)
        row_sum = int(counts[0].sum())
        col_sum = int(counts[:, 0].sum())
        p_obs = float(sps.hypergeom.pmf(counts[0, 0], n, row_sum, col_sum))
        return one_row(
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
        return one_row("fisher", p_obs, np.nan, p, desc, odds_ratio=np.nan, n=n)
    mc = sps.MonteCarloMethod(n_resamples=n_resamples, rng=np.random.default_rng(seed))
    res = sps.fisher_exact(counts, method=mc)
    desc = (
        f"Fisher-Freeman-Halton test, {counts.shape[0]}x{counts.shape[1]}, two-sided, "
        f"Monte Carlo ({n_resamples} resamples, seed {seed})"
    )
    return one_row("fisher", res.statistic, np.nan, res.pvalue, desc, odds_ratio=np.nan, n=n)


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
    return one_row(
        "chi2",
        res.statistic,
        obs.size - 1,
        res.pvalue,
        method,
        n=int(n),
        k=int(obs.size),
        min_expected=float(exp.min()),
    )


#: Policies for reporting Fisher's exact p instead of the Pearson p (notebook parameter
#: ``exact_p``): never; when an expected count is below 5; the same for 2 x 2 tables only
#: (what SPSS's Crosstabs offers: it prints Fisher's test for 2 x 2 tables, with a footnote
#: when an expected count is below 5); always.
EXACT_P = ("never", "small_expected", "small_expected_2x2", "always")


def reports_exact_p(policy: str, small_expected: bool, two_by_two: bool) -> bool:
    """Whether ``policy`` (one of :data:`EXACT_P`) reports Fisher's exact p for a table
    with (``small_expected``) or without an expected count below 5.

    >>> [reports_exact_p(p, True, False) for p in EXACT_P]
    [False, True, False, True]
    """
    if policy not in EXACT_P:
        raise ValueError(f"exact_p must be one of {EXACT_P}, got {policy!r}")
    return (policy == "always" or (policy == "small_expected" and small_expected)
            or (policy == "small_expected_2x2" and small_expected and two_by_two))
