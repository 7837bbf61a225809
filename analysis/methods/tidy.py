"""The tidy one-row result every test function returns, and shared argument checks."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "ALTERNATIVES",
    "NotComputable",
    "check_alternative",
    "count_table",
    "one_row",
    "sample_values",
    "undefined_as_nan",
]


ALTERNATIVES = ("two-sided", "less", "greater")


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------
def one_row(
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


class NotComputable(ValueError):
    """Well-formed data on which a method is not defined: too few values, a table with one
    row or column, an empty category. A run on real data reports the numbers that need it
    as not computed, and says so."""


def undefined_as_nan(test: str, extras: tuple[str, ...]):
    """Decorate a test so that data on which it is not defined (:class:`NotComputable`: a
    group with too few values, a table with one non-empty row or column) give its one row
    with every number NaN and the reason in ``method``, as SPSS prints no statistic there
    ("No statistics are computed because ... is a constant"), instead of stopping. Malformed
    input (negative counts, infinities, a wrong argument) still raises."""
    def wrap(function):
        @functools.wraps(function)
        def tested(*args: Any, **kwargs: Any) -> pd.DataFrame:
            try:
                return function(*args, **kwargs)
            except NotComputable as error:
                return one_row(test, np.nan, np.nan, np.nan, f"not computable: {error}",
                               **dict.fromkeys(extras, np.nan))
        return tested
    return wrap


def sample_values(x: Any, name: str, min_n: int) -> np.ndarray:
    """1-D float array with NaNs dropped (SPSS: exclude cases analysis by analysis)."""
    arr = np.asarray(x, dtype=float).ravel()
    arr = arr[~np.isnan(arr)]
    if np.any(np.isinf(arr)):
        raise ValueError(f"{name} contains infinite values")
    if arr.size < min_n:
        raise NotComputable(f"{name} needs at least {min_n} non-missing values, got {arr.size}")
    return arr


def check_alternative(alternative: str) -> None:
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {ALTERNATIVES}, got {alternative!r}")


def count_table(table: Any) -> np.ndarray:
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
        raise NotComputable(f"table must have at least 2 rows and 2 columns, got shape "
                            f"{arr.shape}")
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
        raise NotComputable(
            "table has a zero margin (row sum or column sum is 0): "
            f"zero rows at index {zero_rows.tolist()}, zero columns at index "
            f"{zero_cols.tolist()}; drop empty categories first"
        )
    return counts


# ---------------------------------------------------------------------------
# contingency tables
# ---------------------------------------------------------------------------
