"""Which test produced a printed result? Every variant SPSS prints, side by side.

SPSS's Crosstabs prints, for one 2 x 2 table, the Pearson chi-square, the continuity-corrected
(Yates) chi-square, the likelihood-ratio chi-square and Fisher's exact test, each with its p.
A paper that quotes "chi2(1) = 5.53, p = 0.039" may have taken the statistic from one line and
the p from another. :func:`variants_2x2` computes every line; :func:`match_variants` says which
line reproduces the printed statistic and which the printed p (SPSS rounding).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.methods.contingency import (
    chi2_independence,
    fisher_exact,
    likelihood_ratio_independence,
)
from analysis.printed.compare import compare

__all__ = ["match_variants", "variants_2x2"]


def variants_2x2(table: object) -> pd.DataFrame:
    """Every SPSS Crosstabs test of a 2 x 2 table of counts.

    Parameters
    ----------
    table : array-like, 2 x 2
        Rows are groups, columns are outcome yes / no.

    Returns
    -------
    DataFrame
        One row per method: ``method`` (pearson, yates, likelihood_ratio, fisher),
        ``statistic``, ``df``, ``p`` at full precision (Fisher has no statistic).
    """
    counts = np.asarray(table)
    if counts.shape != (2, 2):
        raise ValueError(f"variants_2x2 needs a 2 x 2 table, got shape {counts.shape}")
    parts = {
        "pearson": chi2_independence(counts, correction=False),
        "yates": chi2_independence(counts, correction=True),
        "likelihood_ratio": likelihood_ratio_independence(counts),
        "fisher": fisher_exact(counts),
    }
    rows = [
        {
            "method": name,
            # Fisher's test has no test statistic to quote beside a df
            "statistic": np.nan if name == "fisher" else float(part["statistic"].iloc[0]),
            "df": float(part["df"].iloc[0]),
            "p": float(part["p"].iloc[0]),
        }
        for name, part in parts.items()
    ]
    return pd.DataFrame(rows, columns=["method", "statistic", "df", "p"])


def match_variants(variants: pd.DataFrame, statistic: str | None, p: str | None) -> pd.DataFrame:
    """Add ``statistic_matches`` and ``p_matches`` (SPSS rounding at the printed decimals) to
    the output of :func:`variants_2x2`, for the printed ``statistic`` and ``p`` strings."""
    out = variants.copy()
    out["statistic_matches"] = [
        bool(statistic) and not np.isnan(s) and compare(abs(s), statistic.lstrip("-"))
        for s in out["statistic"]
    ]
    out["p_matches"] = [bool(p) and compare(v, p) for v in out["p"]]
    return out
