"""Values read off the published figures (digitised), as an alternative to the reconstruction.

The texts never print the bar heights of fan2018 Fig. 1 or the slices of Fig. 2. A reader who
digitises them (e.g. with WebPlotDigitizer) can pass a small CSV to notebook 02
(``fig1_values``: columns ``community``, ``period``, ``sessions``) or notebook 03
(``fig2_values``: columns ``category``, ``percent``). The readers below validate the file and
name the file, line and column of any problem; the checks then test the values against every
constraint the text states, and the notebooks use them in place of the reconstruction.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis import contents, sessions
from analysis.registry import RegistryError, read_csv_strict, value
from analysis.rounding import round_half_away
from analysis.stats import chi2_independence

__all__ = ["check_fig1", "read_fig1_values", "read_fig2_values"]


def _number(frame: pd.DataFrame, path: Path, column: str, kind: type) -> pd.Series:
    out = []
    for line, text in frame[column].items():
        try:
            number = kind(text)
        except ValueError:
            raise RegistryError(f"{path.name}, line {line}, column {column!r}: {text!r} is not "
                                f"{'a whole number' if kind is int else 'a number'}") from None
        if number < 0:
            raise RegistryError(f"{path.name}, line {line}, column {column!r}: {text!r} is "
                                f"negative")
        out.append(number)
    return pd.Series(out, index=frame.index)


def read_fig1_values(path: Path | str) -> np.ndarray:
    """Read digitised Fig. 1 counts (``community``, ``period``, ``sessions``) into a 4 x 6
    array; cells not listed are 0. Raises :class:`RegistryError` naming file, line and
    column for an unknown community or period, a repeated cell, or a count that is not a
    non-negative whole number."""
    path = Path(path)
    frame = read_csv_strict(path, ["community", "period", "sessions"])
    counts = _number(frame, path, "sessions", int)
    table = np.zeros((len(sessions.COMMUNITIES), len(sessions.PERIODS)), dtype=int)
    seen = set()
    for line, row in frame.iterrows():
        for column, allowed in (("community", sessions.COMMUNITIES),
                                ("period", sessions.PERIODS)):
            if row[column] not in allowed:
                raise RegistryError(f"{path.name}, line {line}, column {column!r}: "
                                    f"{row[column]!r} is not one of {list(allowed)}")
        key = (row["community"], row["period"])
        if key in seen:
            raise RegistryError(f"{path.name}, line {line}: {key} listed twice")
        seen.add(key)
        table[sessions.COMMUNITIES.index(key[0]), sessions.PERIODS.index(key[1])] = counts[line]
    return table


def read_fig2_values(path: Path | str) -> pd.Series:
    """Read digitised Fig. 2 shares (``category``, ``percent``) as a Series by category.
    Raises :class:`RegistryError` for an unknown or repeated category or a bad percent."""
    path = Path(path)
    frame = read_csv_strict(path, ["category", "percent"])
    percent = _number(frame, path, "percent", float)
    for line, row in frame.iterrows():
        if row["category"] not in contents.CATEGORIES:
            raise RegistryError(f"{path.name}, line {line}, column 'category': "
                                f"{row['category']!r} is not one of {list(contents.CATEGORIES)}")
        if percent[line] > 100:
            raise RegistryError(f"{path.name}, line {line}, column 'percent': "
                                f"{row['percent']!r} is above 100")
    repeated = frame[frame["category"].duplicated()]
    if not repeated.empty:
        raise RegistryError(f"{path.name}, line {repeated.index[0]}: category "
                            f"{repeated.iloc[0]['category']!r} listed twice")
    return pd.Series(percent.to_numpy(), index=frame["category"].to_numpy(), name="percent")


def check_fig1(table: np.ndarray, bands: pd.DataFrame, registry: pd.DataFrame) -> pd.DataFrame:
    """Test a community x period table against the text: the printed total, the printed
    chi-square and df, the structural zeros, and the stated frequencies (bands). Returns
    ``check``, ``expected``, ``observed``, ``ok``."""
    table = np.asarray(table, dtype=int)
    low, high = sessions.band_matrices(bands)
    stem = "fan2018.results.sessions_by_community_period.communities_by_period"
    printed = registry.set_index("id")["printed"]
    rows = [{"check": "total sessions", "expected": printed["fan2018.results.peer_sessions."
                                                             "all_communities.count"],
             "observed": str(int(table.sum())),
             "ok": int(table.sum()) == int(value(registry, "fan2018.results.peer_sessions."
                                                           "all_communities.count"))}]
    if (table.sum(axis=0) > 0).all() and (table.sum(axis=1) > 0).all():
        test = chi2_independence(table).iloc[0]
        shown = round_half_away(float(test["statistic"]), 2)
        rows.append({"check": "Pearson chi-square", "expected": printed[f"{stem}.statistic"],
                     "observed": str(shown),
                     "ok": shown == value(registry, f"{stem}.statistic")})
        rows.append({"check": "degrees of freedom", "expected": printed[f"{stem}.df"],
                     "observed": str(int(test["df"])),
                     "ok": int(test["df"]) == int(value(registry, f"{stem}.df"))})
    else:
        rows.append({"check": "Pearson chi-square", "expected": printed[f"{stem}.statistic"],
                     "observed": "a community or period with no session", "ok": False})
    zeros = (high == 0) & (table != 0)
    rows.append({"check": "no sessions before a community started, none in Tuanjiehu 2015 H1",
                 "expected": "0 in those cells", "observed": f"{int(zeros.sum())} cells not 0",
                 "ok": not zeros.any()})
    outside = (high > 0) & ((table < low) | (table > high))
    rows.append({"check": "every cell within its stated frequency",
                 "expected": "all cells", "observed": f"{int(outside.sum())} cells outside",
                 "ok": not outside.any()})
    return pd.DataFrame(rows)
