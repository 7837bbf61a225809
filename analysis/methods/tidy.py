"""The tidy one-row result every test function returns, and shared argument checks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["ALTERNATIVES", "check_alternative", "one_row", "sample_values"]


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


def sample_values(x: Any, name: str, min_n: int) -> np.ndarray:
    """1-D float array with NaNs dropped (SPSS: exclude cases analysis by analysis)."""
    arr = np.asarray(x, dtype=float).ravel()
    arr = arr[~np.isnan(arr)]
    if np.any(np.isinf(arr)):
        raise ValueError(f"{name} contains infinite values")
    if arr.size < min_n:
        raise ValueError(f"{name} needs at least {min_n} non-missing values, got {arr.size}")
    return arr


def check_alternative(alternative: str) -> None:
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {ALTERNATIVES}, got {alternative!r}")
