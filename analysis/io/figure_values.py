"""Values read off the published figures (digitised), as an alternative to the reconstruction.

The texts never print the bar heights of fan2018 Fig. 1 or the slices of Fig. 2. A reader who
digitises them (e.g. with WebPlotDigitizer) can pass a small CSV to notebook 02
(``fig1_values``: columns ``community``, ``period``, ``sessions``) or notebook 03
(``fig2_values``: columns ``category``, ``percent``). The readers below validate the file and
name the file, line and column of any problem.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.io.design import CATEGORIES, COMMUNITIES, PERIODS
from analysis.io.files import InputError, read_csv_strict

__all__ = ["read_fig1_values", "read_fig2_values"]


def _number(frame: pd.DataFrame, path: Path, column: str, kind: type) -> pd.Series:
    out = []
    for line, text in frame[column].items():
        try:
            number = kind(text)
        except ValueError:
            raise InputError(f"{path.name}, line {line}, column {column!r}: {text!r} is not "
                                f"{'a whole number' if kind is int else 'a number'}") from None
        if not math.isfinite(number):
            raise InputError(f"{path.name}, line {line}, column {column!r}: {text!r} is not "
                             "a finite number")
        if number < 0:
            raise InputError(f"{path.name}, line {line}, column {column!r}: {text!r} is "
                                f"negative")
        out.append(number)
    return pd.Series(out, index=frame.index)


def read_fig1_values(path: Path | str) -> np.ndarray:
    """Read digitised Fig. 1 counts (``community``, ``period``, ``sessions``) into a 4 x 6
    array; cells not listed are 0. Raises :class:`InputError` naming file, line and
    column for an unknown community or period, a repeated cell, or a count that is not a
    non-negative whole number."""
    path = Path(path)
    frame = read_csv_strict(path, ["community", "period", "sessions"])
    counts = _number(frame, path, "sessions", int)
    table = np.zeros((len(COMMUNITIES), len(PERIODS)), dtype=int)
    seen = set()
    for line, row in frame.iterrows():
        for column, allowed in (("community", COMMUNITIES),
                                ("period", PERIODS)):
            if row[column] not in allowed:
                raise InputError(f"{path.name}, line {line}, column {column!r}: "
                                    f"{row[column]!r} is not one of {list(allowed)}")
        key = (row["community"], row["period"])
        if key in seen:
            raise InputError(f"{path.name}, line {line}: {key} listed twice")
        seen.add(key)
        table[COMMUNITIES.index(key[0]), PERIODS.index(key[1])] = counts[line]
    if table.sum() == 0:
        raise InputError(f"{path.name}, column 'sessions': every count is 0; Fig. 1 shows "
                         "sessions in every period")
    return table


def read_fig2_values(path: Path | str) -> pd.Series:
    """Read digitised Fig. 2 shares (``category``, ``percent``) as a Series by category.
    Raises :class:`InputError` for an unknown or repeated category or a bad percent."""
    path = Path(path)
    frame = read_csv_strict(path, ["category", "percent"])
    percent = _number(frame, path, "percent", float)
    for line, row in frame.iterrows():
        if row["category"] not in CATEGORIES:
            raise InputError(f"{path.name}, line {line}, column 'category': "
                                f"{row['category']!r} is not one of {list(CATEGORIES)}")
        if percent[line] > 100:
            raise InputError(f"{path.name}, line {line}, column 'percent': "
                                f"{row['percent']!r} is above 100")
    repeated = frame[frame["category"].duplicated()]
    if not repeated.empty:
        raise InputError(f"{path.name}, line {repeated.index[0]}: category "
                            f"{repeated.iloc[0]['category']!r} listed twice")
    slack = 0.5 * len(frame)  # each share rounded to a whole percent
    whole = set(frame["category"]) == set(CATEGORIES)
    if percent.sum() > 100 + slack or (whole and percent.sum() < 100 - slack):
        raise InputError(f"{path.name}, column 'percent': the shares sum to "
                         f"{percent.sum():g}, not 100 (within {slack:g}, the rounding of "
                         f"{len(frame)} whole percents)")
    return pd.Series(percent.to_numpy(), index=frame["category"].to_numpy(), name="percent")
