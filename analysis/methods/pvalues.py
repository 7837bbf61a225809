"""p-values from printed statistics, and multiplicity corrections."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps
from statsmodels.stats.multitest import multipletests

from analysis.printed.significance import ALPHA

__all__ = [
    "adjusted",
    "bonferroni_threshold",
    "monte_carlo_interval",
    "p_adjust",
    "p_from_statistic",
    "p_interval_from_statistic",
]


# ---------------------------------------------------------------------------
# multiplicity and printed statistics
# ---------------------------------------------------------------------------
def p_adjust(
    pvalues: Sequence[float] | np.ndarray,
    method: str = "bonferroni",
    alpha: float = ALPHA,
) -> pd.DataFrame:
    """Adjust p-values for multiple comparisons.

    Parameters
    ----------
    pvalues : sequence of float
        Raw p-values in [0, 1] (order is preserved in the output).
    method : {"bonferroni", "holm", "bh"}, default "bonferroni"
        Bonferroni (p * m, capped at 1), Holm step-down (Holm 1979), or the
        Benjamini-Hochberg false discovery rate step-up (Benjamini & Hochberg 1995).
    alpha : float, default :data:`analysis.printed.significance.ALPHA`
        Family-wise error rate for the ``reject`` column.

    Returns
    -------
    pandas.DataFrame
        One row per input p-value with columns ``p`` (raw), ``p_adjusted``,
        ``reject`` (bool, adjusted decision at ``alpha``) and ``method``.

    Notes
    -----
    Uses :func:`statsmodels.stats.multitest.multipletests`; equals R's
    ``p.adjust``, including its handling of a p that could not be computed (NaN, R's NA):
    it stays NaN, is not rejected, and does not count in the family's size. SPSS 19 has no
    general p-adjust procedure (papers apply Bonferroni by hand; see
    :func:`bonferroni_threshold`).
    """
    if method not in ("bonferroni", "holm", "bh"):
        raise ValueError(f"method must be 'bonferroni', 'holm' or 'bh', got {method!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    p = np.asarray(pvalues, dtype=float).ravel()
    if p.size == 0:
        raise ValueError("pvalues is empty")
    known = ~np.isnan(p)
    if np.any((p[known] < 0) | (p[known] > 1)):
        raise ValueError("pvalues must be in [0, 1] (NaN: not computable)")
    p_adj, reject = np.full(p.size, np.nan), np.zeros(p.size, dtype=bool)
    if known.any():
        name = "fdr_bh" if method == "bh" else method
        reject[known], p_adj[known], _, _ = multipletests(p[known], alpha=alpha, method=name)
    return pd.DataFrame({"p": p, "p_adjusted": p_adj, "reject": reject, "method": method})


def adjusted(pvalues: np.ndarray, method: str) -> np.ndarray:
    """Adjusted p-values, vectorised and without statsmodels' overhead (its Holm branch runs
    the garbage collector on every call), for the thousands of small families of a
    multiverse: ``bonferroni`` (m p), ``holm`` (Holm 1979: step-down, the running maximum of
    (m - j + 1) p_(j)) or ``bh`` (Benjamini & Hochberg 1995: step-up, the running minimum
    from the top of m p_(j) / j), each capped at 1. Equal to :func:`p_adjust` (tested)."""
    p = np.asarray(pvalues, dtype=float)
    m = p.size
    order = np.argsort(p, kind="stable")
    ranked = p[order]
    if method == "bonferroni":
        out = ranked * m
    elif method == "holm":
        out = np.maximum.accumulate(ranked * (m - np.arange(m)))
    elif method == "bh":
        out = np.minimum.accumulate((ranked * m / np.arange(1, m + 1))[::-1])[::-1]
    else:
        raise ValueError(f"method must be 'bonferroni', 'holm' or 'bh', got {method!r}")
    result = np.empty(m)
    result[order] = np.minimum(out, 1.0)
    return result


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


def monte_carlo_interval(p: float, n_resamples: int, error: float = 1e-6) -> tuple[float, float]:
    """The exact (Clopper-Pearson 1934) interval of a Monte Carlo p-value at confidence
    ``1 - error``.

    scipy's Monte Carlo tests report ``p = (k + 1) / (B + 1)`` for ``k`` resampled statistics
    at least as extreme as the observed one among ``B`` resamples (Davison & Hinkley 1997,
    eq. 4.11); ``k`` is recovered from ``p`` and the interval is that of a binomial proportion
    ``k / B`` (:meth:`scipy.stats.binomtest.proportion_ci`, ``method="exact"``). The true
    p-value lies in it unless the resampling was unlucky, with probability at most ``error``.
    """
    hits = round(p * (n_resamples + 1)) - 1
    if not 0 <= hits <= n_resamples:
        raise ValueError(f"p = {p} is not (k + 1) / ({n_resamples} + 1) for any k")
    ci = sps.binomtest(hits, n_resamples).proportion_ci(confidence_level=1 - error,
                                                          method="exact")
    return float(ci.low), float(ci.high)
