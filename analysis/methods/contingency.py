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
from scipy import stats as sps

from analysis.methods.fisher_network import fisher_exact_rxc
from analysis.methods.tidy import check_alternative, count_table, one_row, undefined_as_nan

__all__ = [
    "EXACT_P",
    "chi2_goodness_of_fit",
    "chi2_independence",
    "fisher_exact",
    "likelihood_ratio_independence",
    "reports_exact_p",
]




@undefined_as_nan("chi2", ("n", "min_expected", "cells_expected_lt5", "pct_expected_lt5",
                           "correction_applied"))
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
    counts = count_table(table)
    apply_yates = bool(correction) and counts.shape == (2, 2)
    res = sps.chi2_contingency(counts, correction=apply_yates)
    expected = np.asarray(res.expected_freq, dtype=float)
    n_lt5 = int(np.sum(expected < 5))
    return one_row("chi2", res.statistic, res.dof, res.pvalue,
                   _chi2_method(bool(correction), apply_yates), n=int(counts.sum()),
                   min_expected=float(expected.min()), cells_expected_lt5=n_lt5,
                   pct_expected_lt5=100.0 * n_lt5 / expected.size,
                   correction_applied=apply_yates)


def _chi2_method(asked: bool, applied: bool) -> str:
    """How :func:`chi2_independence` describes its continuity correction."""
    if applied:
        return "Pearson chi-square with Yates continuity correction (2x2)"
    if asked:
        return "Pearson chi-square, no continuity correction (Yates applies to 2x2 only)"
    return "Pearson chi-square, no continuity correction"


@undefined_as_nan("G", ("n", "min_expected"))
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
    counts = count_table(table)
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


#: The largest total an r x c table's exact Fisher p is enumerated for; above it the p is a
#: seeded Monte Carlo estimate, labelled as such in ``method`` (the network algorithm's work
#: grows steeply with n: about a second per table at 250; SPSS Exact Tests offers Monte
#: Carlo for the same reason). Every table of the papers' own data is far below.
EXACT_MAX_N = 250


@undefined_as_nan("fisher", ("odds_ratio", "n"))
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
        One-sided alternatives (odds ratio < 1 or > 1) only for 2 x 2 tables.
    method : {"exact", "monte-carlo"}, default "exact"
        For r x c tables only: "exact" enumerates all tables (:func:`fisher_exact_rxc`);
        "monte-carlo" uses :func:`scipy.stats.fisher_exact` with
        :class:`scipy.stats.MonteCarloMethod` (used too above :data:`EXACT_MAX_N`).
        2 x 2 tables are always exact.
    n_resamples, seed : int, default 100_000 and 20130701
        Monte Carlo resamples and the seed of their generator (``method="monte-carlo"``).

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
        - ``odds_ratio``: ad/bc for 2 x 2 (inf if bc = 0), NaN otherwise
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
    counts = count_table(table)
    if counts.shape == (2, 2):
        return _fisher_2x2(counts, alternative)
    if alternative != "two-sided":
        raise ValueError(
            f"alternative={alternative!r} is only defined for 2x2 tables; got shape {counts.shape}"
        )
    return _fisher_rxc(counts, method, n_resamples, seed)


def _fisher_2x2(counts: np.ndarray, alternative: str) -> pd.DataFrame:
    """:func:`fisher_exact` of a 2 x 2 table (scipy), with the observed table's probability."""
    n = int(counts.sum())
    res = sps.fisher_exact(counts, alternative=alternative)
    p_obs = float(sps.hypergeom.pmf(counts[0, 0], n, int(counts[0].sum()),
                                    int(counts[:, 0].sum())))
    return one_row("fisher", p_obs, np.nan, res.pvalue,
                   f"Fisher's exact test, 2x2, {alternative} (scipy.stats.fisher_exact)",
                   odds_ratio=float(res.statistic), n=n)


def _fisher_rxc(counts: np.ndarray, method: str, n_resamples: int, seed: int) -> pd.DataFrame:
    """:func:`fisher_exact` of an r x c table: exact enumeration or a seeded Monte Carlo."""
    n, shape = int(counts.sum()), f"{counts.shape[0]}x{counts.shape[1]}"
    reason = ""
    if method == "exact" and n > EXACT_MAX_N:
        method = "monte-carlo"
        reason = f"n = {n} is above {EXACT_MAX_N}, too many tables to enumerate; "
    if method == "exact":
        p, p_obs = fisher_exact_rxc(counts)
        desc = f"Fisher-Freeman-Halton exact test, {shape}, two-sided, exact enumeration"
        return one_row("fisher", p_obs, np.nan, p, desc, odds_ratio=np.nan, n=n)
    mc = sps.MonteCarloMethod(n_resamples=n_resamples, rng=np.random.default_rng(seed))
    res = sps.fisher_exact(counts, method=mc)
    desc = (f"Fisher-Freeman-Halton test, {shape}, two-sided, "
            f"Monte Carlo ({reason}{n_resamples} resamples, seed {seed})")
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
