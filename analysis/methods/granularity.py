"""Granularity checks: can a printed mean, SD or percentage come from whole-number answers?

In the manner of scrutiny (R): one scalar function per test and a ``*_map`` that takes a
DataFrame and returns it with the key columns first, a boolean ``consistency`` column, then
extras. Printed numbers are strings; rounding is SPSS's (half away from zero) at the printed
decimals.

- :func:`grim` (Brown & Heathers 2017): a mean of ``n`` answers on an integer scale, each the
  sum of ``items`` integer items, is a multiple of ``1 / (n * items)``; is there one that
  rounds to the printed mean?
- :func:`grimmer` (Anaya 2016; Allard 2018): in addition, is there a whole sum of squares,
  with values within the scale's bounds, whose SD rounds to the printed SD? Decided exactly
  by :func:`analysis.methods.integer_samples.moment_pairs` (every feasible (sum, sum of
  squares) pair, each confirmed exactly: by a reachability table on small scales, by CP-SAT
  otherwise).
- :func:`percent_count`: does ``100 * count / n`` round to the printed percentage?

:func:`consistent_ns` and :func:`consistent_scales` say which other n, or which finer scale
(half points), would make an inconsistent mean possible: the evidence for a finding.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd

from analysis.methods.integer_samples import _feasible, _q_bounds, moment_pairs
from analysis.printed.rounding import parse_printed, round_half_away

__all__ = [
    "consistent_ns",
    "consistent_scales",
    "grim",
    "grim_map",
    "grimmer",
    "grimmer_grain",
    "grimmer_map",
    "percent_count",
    "percent_count_map",
]


def _check_text(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be the printed string (trailing zeros carry precision), "
                        f"got {type(value).__name__}")
    return value


def grim(x: str, n: int, items: int = 1) -> bool:
    """Whether some whole total of ``n * items`` integer answers has a mean rounding to ``x``.

    >>> grim("3.80", 42), grim("3.80", 40), grim("4.08", 12)
    (False, True, True)
    """
    printed = parse_printed(_check_text("x", x))
    if n < 1 or items < 1:
        raise ValueError(f"n and items must be positive, got n={n}, items={items}")
    units = n * items
    centre = float(printed.value) * units
    for total in range(math.floor(centre) - 1, math.ceil(centre) + 2):
        if round_half_away(Decimal(total) / Decimal(units), printed.decimals) == printed.value:
            return True
    return False


def grim_map(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`grim` for each row of ``frame`` (columns ``x``, ``n``, optional ``items``):
    returns ``x``, ``n``, ``items``, ``consistency``, then the other columns."""
    items = frame["items"] if "items" in frame else pd.Series(1, index=frame.index)
    out = pd.DataFrame({"x": frame["x"], "n": frame["n"].astype(int), "items": items.astype(int)})
    out["consistency"] = [grim(x, n, i) for x, n, i in zip(out["x"], out["n"], out["items"],
                                                             strict=True)]
    rest = frame.drop(columns=[c for c in ("x", "n", "items") if c in frame])
    return pd.concat([out, rest], axis=1)


def grimmer(x: str, sd: str, n: int, lo: int, hi: int) -> bool:
    """Whether ``n`` integers in ``[lo, hi]`` can have a mean rounding to ``x`` and an SD
    (n - 1 denominator) rounding to ``sd``: exact, every (sum, sum of squares) considered.

    >>> grimmer("4.08", "0.289", 12, 1, 5), grimmer("4.08", "0.300", 12, 1, 5)
    (True, False)
    """
    _check_text("x", x)
    _check_text("sd", sd)
    return not moment_pairs(n, x, sd, lo, hi).empty


def grimmer_map(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`grimmer` for each row (columns ``x``, ``sd``, ``n``, ``lo``, ``hi``); adds
    ``consistency`` and ``pairs`` (how many (sum, sum of squares) pairs fit)."""
    out = frame[["x", "sd", "n", "lo", "hi"]].copy()
    pairs = [len(moment_pairs(int(n), x, sd, int(lo), int(hi)))
             for x, sd, n, lo, hi in out.itertuples(index=False)]
    out["consistency"] = [p > 0 for p in pairs]
    out["pairs"] = pairs
    rest = frame.drop(columns=[c for c in out.columns if c in frame])
    return pd.concat([out, rest], axis=1)


def percent_count(percent: str, count: int, n: int) -> bool:
    """Whether ``100 * count / n`` rounds to the printed ``percent``.

    >>> percent_count("39", 10, 26), percent_count("38", 10, 26)
    (False, True)
    """
    printed = parse_printed(_check_text("percent", percent))
    if n < 1 or not 0 <= count <= n:
        raise ValueError(f"need 0 <= count <= n and n >= 1, got count={count}, n={n}")
    return round_half_away(Decimal(100 * count) / Decimal(n), printed.decimals) == printed.value


def percent_count_map(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`percent_count` for each row (columns ``percent``, ``count``, ``n``)."""
    out = frame[["percent", "count", "n"]].copy()
    out["consistency"] = [percent_count(p, int(c), int(n))
                          for p, c, n in out.itertuples(index=False)]
    rest = frame.drop(columns=[c for c in out.columns if c in frame])
    return pd.concat([out, rest], axis=1)


def consistent_ns(x: str, low: int, high: int, items: int = 1) -> list[int]:
    """Every n in ``[low, high]`` for which the mean ``x`` passes :func:`grim`.

    >>> consistent_ns("3.80", 38, 44)
    [40, 41, 44]
    """
    return [n for n in range(low, high + 1) if grim(x, n, items)]


def consistent_scales(x: str, n: int, steps: tuple[int, ...] = (1, 2, 4, 10)) -> list[int]:
    """Which answer grains make the mean possible with ``n`` respondents: ``steps`` are
    answers per unit (1 = whole points, 2 = half points, 10 = tenths).

    >>> consistent_scales("7.13", 12)
    [2, 4, 10]
    """
    return [step for step in steps if grim(x, n, step)]


def grimmer_grain(x: str, sd: str, n: int, lo: int, hi: int, grain: int = 2) -> list[tuple]:
    """Like :func:`grimmer`, for answers given in steps of ``1 / grain`` (2: half points):
    every (sum, sum of squares), in units of ``1 / grain``, of ``n`` answers in ``[lo, hi]``
    whose mean and SD round to ``x`` and ``sd``. Reachability is checked exactly on the
    finer integer scale (a reachability table, or CP-SAT where the table would be large).

    >>> len(grimmer_grain("7.13", "2.366", 12, 0, 10)) > 0, grimmer("7.13", "2.366", 12, 0, 10)
    (True, False)
    """

    mean, spread = parse_printed(_check_text("x", x)), parse_printed(_check_text("sd", sd))
    low, high = lo * grain, hi * grain
    centre = float(mean.value) * n * grain
    found = []
    for s in range(max(low * n, math.floor(centre) - 2), min(high * n, math.ceil(centre) + 2) + 1):
        if round_half_away(Decimal(s) / Decimal(n * grain), mean.decimals) != mean.value:
            continue
        q_min, q_max = _q_bounds(n, s, low, high)
        target = float(spread.value) * grain
        centre_q = target**2 * (n - 1) + s * s / n
        for q in range(max(q_min, math.floor(centre_q) - 3 * n), min(q_max, math.ceil(centre_q)
                                                                       + 3 * n) + 1):
            if (q - s) % 2:
                continue
            value = math.sqrt(max(q - s * s / n, 0) / (n - 1)) / grain
            if round_half_away(value, spread.decimals) == spread.value and _feasible(
                    n, s, q, low, high):
                found.append((s, q))
    return found


def percent_counts(percent: str, n: int) -> list[int]:
    """Every count ``k`` of ``n`` whose percentage rounds (half away from zero, at the
    printed decimals) to ``percent`` (:func:`percent_count`, exact decimal arithmetic).

    >>> percent_counts("19", 214), percent_counts("39", 26)
    ([40, 41], [])
    """
    return [k for k in range(n + 1) if percent_count(percent, k, n)]
