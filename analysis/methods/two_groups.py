"""Two-sample tests of location and normality, as SPSS prints them.

T-TEST GROUPS -> :func:`ttest_ind` (pooled and Welch rows) and :func:`ttest_ind_from_stats`;
NPAR TESTS /M-W -> :func:`mann_whitney_u`; EXAMINE "Tests of Normality" ->
:func:`shapiro_wilk`. Each returns the tidy one-row result of :mod:`analysis.methods.tidy`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps

from analysis.methods.tidy import check_alternative, one_row, sample_values, undefined_as_nan

__all__ = ["mann_whitney_u", "shapiro_wilk", "ttest_ind", "ttest_ind_from_stats"]


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


@undefined_as_nan("t", ("mean_x", "mean_y", "sd_x", "sd_y", "n_x", "n_y", "mean_diff"))
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
    xa = sample_values(x, "x", 2)
    ya = sample_values(y, "y", 2)
    res = sps.ttest_ind(xa, ya, equal_var=equal_var)
    mx, my = float(xa.mean()), float(ya.mean())
    return one_row(
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
    return one_row(
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


@undefined_as_nan("U", ("u", "z", "n_x", "n_y"))
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
        - ``u``: min(U1, n_x n_y - U1), SPSS's "Mann-Whitney U"
        - ``z``: SPSS's "Z" (<= 0; :func:`_spss_z`)
        - ``n_x``, ``n_y``: sample sizes

    Notes
    -----
    SPSS NPAR TESTS /M-W reports "Asymp. Sig. (2-tailed)" = 2 * Phi(-|z|)
    (tie-corrected, no continuity correction) and, for small samples,
    "Exact Sig. [2*(1-tailed Sig.)]", computed without tie correction;
    with no ties the latter equals scipy ``method="exact"``.  The tie
    correction factor comes from :func:`scipy.stats.tiecorrect`.
    """
    check_alternative(alternative)
    xa = sample_values(x, "x", 1)
    ya = sample_values(y, "y", 1)
    res = sps.mannwhitneyu(
        xa, ya, alternative=alternative, method=method, use_continuity=use_continuity
    )
    n_x, n_y = int(xa.size), int(ya.size)
    u1 = float(res.statistic)
    u_min = min(u1, n_x * n_y - u1)
    z = _spss_z(xa, ya, u_min)
    desc = f"Mann-Whitney U, {alternative}, scipy method={method!r}"
    if method != "exact":
        desc += f", continuity correction={'yes' if use_continuity else 'no'} if asymptotic"
    return one_row("U", u1, np.nan, res.pvalue, desc, u=u_min, z=z, n_x=n_x, n_y=n_y)


def _spss_z(xa: np.ndarray, ya: np.ndarray, u_min: float) -> float:
    """SPSS's Z of the Mann-Whitney test: (U - n_x n_y / 2) / sigma, sigma tie-corrected
    (:func:`scipy.stats.tiecorrect`), no continuity correction."""
    n_x, n_y = xa.size, ya.size
    tie = float(sps.tiecorrect(sps.rankdata(np.concatenate([xa, ya]))))
    sigma = math.sqrt(tie * n_x * n_y * (n_x + n_y + 1) / 12.0)
    return (u_min - n_x * n_y / 2.0) / sigma if sigma > 0 else np.nan


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
    xa = sample_values(x, "x", 3)
    res = sps.shapiro(xa)
    return one_row(
        "W",
        res.statistic,
        xa.size,
        res.pvalue,
        "Shapiro-Wilk normality test",
        n=int(xa.size),
    )
