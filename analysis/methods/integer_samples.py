"""Integer samples with a printed n, mean and SD: every one that could exist, and one to use.

A printed ``40.2 ± 8.9`` for 12 integer ages in [18, 60] does not fix the ages, but it fixes a
lot. The mean and SD of a sample depend only on its first two moments, the sum ``S = Σx`` and
the sum of squares ``Q = Σx²``. So the complete set of samples that agree with the printed
mean and SD (SPSS rounding, half away from zero) falls into finitely many moment pairs
``(S, Q)``:

- ``S`` must give a mean that rounds to the printed one (the GRIM condition);
- for that ``S``, ``Q`` must give an SD that rounds to the printed one (GRIMMER), must have
  the parity of ``S`` (``x² ≡ x (mod 2)``), and must be reachable by n integers within the
  bounds.

:func:`moment_pairs` enumerates every such pair and confirms exactly that each one is realised
by some sample (a reachability table on small scales such as ratings, OR-Tools CP-SAT
otherwise, such as ages). Every statistic computed only from the moments (a t test, a
mean difference) therefore has an exact range over *all* samples that fit. For one pair,
:func:`count_samples` counts the samples (as multisets: the order of people does not matter),
and :func:`solve_sample` builds one with CP-SAT, deterministically, as close as possible to
a seeded target shape.

This is the spirit of SPRITE (Heathers et al. 2018) and CLOSURE (Heathers 2024), applied to
moments rather than to raw samples, which keeps the enumeration complete and fast.
"""

from __future__ import annotations

import math
from decimal import Decimal
from functools import cache

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from analysis.printed.compare import compare
from analysis.printed.rounding import parse_printed

__all__ = [
    "count_samples",
    "count_vectors",
    "group_splits",
    "moment_pairs",
    "moments",
    "rating_splits",
    "sample_sd",
    "sds_of_sum",
    "solve_sample",
    "t_statistics",
]


def sample_sd(n: int, s: int, q: int) -> float:
    """SD (n - 1 denominator, as SPSS) of a sample of size n with sum s and sum of squares q."""
    return math.sqrt(max(q - s * s / n, 0.0) / (n - 1))


def _q_bounds(n: int, s: int, lo: int, hi: int) -> tuple[int, int]:
    """Smallest and largest sum of squares of n integers in [lo, hi] summing to s."""
    if lo == hi:
        return n * lo * lo, n * lo * lo
    base, extra = divmod(s, n)
    q_min = (n - extra) * base * base + extra * (base + 1) ** 2
    # Largest: push values to the bounds; at most one value in between.
    k, rest = divmod(s - n * lo, hi - lo)  # k values at hi, one at lo + rest, the others at lo
    k = min(k, n)
    middle = lo + rest if k < n else None
    q_max = k * hi * hi + (middle * middle if middle is not None else 0)
    q_max += (n - k - (1 if middle is not None else 0)) * lo * lo
    return q_min, q_max


#: Largest reachability table (cells) :func:`_reachable` builds; beyond it CP-SAT decides.
MAX_TABLE = 20_000_000


@cache
def _reachable(n: int, lo: int, hi: int) -> np.ndarray | None:
    """``table[s', q']``: whether n integers in [0, hi - lo] can have sum s' and sum of
    squares q' (every value shifted by ``lo``), by dynamic programming over the values
    (an unbounded knapsack in count, sum and sum of squares); None when the table would
    exceed :data:`MAX_TABLE` cells (ages: then CP-SAT decides each pair)."""
    m = hi - lo
    s_max, q_max = n * m, n * m * m
    if (n + 1) * (s_max + 1) * (q_max + 1) > MAX_TABLE:
        return None
    reach = np.zeros((n + 1, s_max + 1, q_max + 1), dtype=bool)
    reach[0, 0, 0] = True
    for v in range(m + 1):
        for k in range(1, n + 1):
            reach[k, v:, v * v:] |= reach[k - 1, : s_max + 1 - v, : q_max + 1 - v * v]
    return reach[n]


def _solver_feasible(n: int, s: int, q: int, lo: int, hi: int) -> bool:
    model = cp_model.CpModel()
    values = range(lo, hi + 1)
    counts = [model.NewIntVar(0, n, f"c{v}") for v in values]
    model.Add(sum(counts) == n)
    model.Add(sum(v * c for v, c in zip(values, counts, strict=True)) == s)
    model.Add(sum(v * v * c for v, c in zip(values, counts, strict=True)) == q)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10.0
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE):
        raise RuntimeError(f"CP-SAT could not decide n={n}, S={s}, Q={q} within 10 s")
    return status in (cp_model.OPTIMAL, cp_model.FEASIBLE)


@cache
def _feasible(n: int, s: int, q: int, lo: int, hi: int) -> bool:
    """Whether some n integers in [lo, hi] have sum s and sum of squares q: exactly, from
    :func:`_reachable` on small scales (ratings), by CP-SAT otherwise (ages). A pure
    function of its arguments, so each answer is computed once per process."""
    table = _reachable(n, lo, hi)
    if table is None:
        return _solver_feasible(n, s, q, lo, hi)
    shifted_s = s - n * lo
    shifted_q = q - 2 * lo * shifted_s - n * lo * lo
    return (0 <= shifted_s < table.shape[0] and 0 <= shifted_q < table.shape[1]
            and bool(table[shifted_s, shifted_q]))


def sds_of_sum(n: int, s: int, lo: int, hi: int) -> np.ndarray:
    """Every SD (n - 1 denominator) that n integers in ``[lo, hi]`` summing to ``s`` can
    have, ascending: one per feasible sum of squares (exact, :func:`_feasible`)."""
    q_min, q_max = _q_bounds(n, s, lo, hi)
    return np.array([sample_sd(n, s, q) for q in range(q_min, q_max + 1)
                     if (q - s) % 2 == 0 and _feasible(n, s, q, lo, hi)])


def moment_pairs(
    n: int, mean: str, sd: str, lo: int, hi: int, check_feasible: bool = True
) -> pd.DataFrame:
    """Every (sum, sum of squares) of n integers in [lo, hi] whose mean and SD round (half
    away from zero) to the printed ``mean`` and ``sd``.

    Parameters
    ----------
    n : int
        Sample size.
    mean, sd : str
        As printed (``"40.2"``, ``"8.9"``): strings, because the printed decimals matter.
    lo, hi : int
        Bounds of each value (e.g. the inclusion ages 18 and 60).
    check_feasible : bool, default True
        Confirm that each pair is realised by at least one sample (pairs near the extremes
        of the reachable range can have gaps): exactly, by :func:`_feasible`.

    Returns
    -------
    DataFrame
        ``n``, ``sum``, ``sumsq``, ``mean``, ``sd`` (full precision), one row per pair,
        sorted by sum then sum of squares. Empty if no integer sample fits.
    """
    if n < 2 or lo > hi:
        raise ValueError(f"moment_pairs needs n >= 2 and lo <= hi, got n={n}, [{lo}, {hi}]")
    m, d = parse_printed(mean), parse_printed(sd)
    half_m = Decimal(5).scaleb(-m.decimals - 1)
    half_d = Decimal(5).scaleb(-d.decimals - 1)
    s_lo = max(math.floor((m.value - half_m) * n), n * lo)
    s_hi = min(math.ceil((m.value + half_m) * n), n * hi)
    rows = []
    for s in range(s_lo, s_hi + 1):
        if not compare(Decimal(s) / n, mean):
            continue
        q_min, q_max = _q_bounds(n, s, lo, hi)
        centre = Decimal(s * s) / n
        q_from = max(q_min, math.floor(centre + (n - 1) * (d.value - half_d) ** 2) - 1)
        q_to = min(q_max, math.ceil(centre + (n - 1) * (d.value + half_d) ** 2) + 1)
        for q in range(q_from, q_to + 1):
            if (q - s) % 2:
                continue
            variance = (Decimal(q) - centre) / (n - 1)
            if variance < 0 or not compare(variance.sqrt(), sd):
                continue
            if check_feasible and not _feasible(n, s, q, lo, hi):
                continue
            rows.append({"n": n, "sum": s, "sumsq": q, "mean": s / n, "sd": sample_sd(n, s, q)})
    return pd.DataFrame(rows, columns=["n", "sum", "sumsq", "mean", "sd"])


@cache
def _ways(v: int, hi: int, k: int, s_left: int, q_left: int) -> int:
    """Multisets of k integers in [v, hi] with sum s_left and sum of squares q_left. Cached at
    module level, so the counts of neighbouring moment pairs share their subproblems."""
    if k == 0:
        return int(s_left == 0 and q_left == 0)
    if v > hi or s_left < k * v or s_left > k * hi:
        return 0
    if v == hi:
        return int(s_left == k * hi and q_left == k * hi * hi)
    q_min, q_max = _q_bounds(k, s_left, v, hi)
    if not q_min <= q_left <= q_max:
        return 0
    total = 0
    for take in range(k + 1):
        if take * v > s_left or take * v * v > q_left:
            break
        total += _ways(v + 1, hi, k - take, s_left - take * v, q_left - take * v * v)
    return total


def count_samples(n: int, s: int, q: int, lo: int, hi: int) -> int:
    """Number of multisets of n integers in [lo, hi] with sum s and sum of squares q.

    Exact, by recursion over the values from ``lo`` upwards with memoisation, pruned by the
    smallest and largest sum of squares that k remaining values in [v, hi] with a given sum
    can reach. Practical for n up to about 15 (seconds); for larger n the count is
    astronomically large and is not needed.
    """
    return _ways(lo, hi, n, s, q)


def solve_sample(n: int, s: int, q: int, lo: int, hi: int, seed: int) -> np.ndarray:
    """One sample of n integers in [lo, hi] with sum s and sum of squares q, found by CP-SAT.

    The model has one count variable per possible value (how many people have it). The
    solver is single-threaded with a fixed seed and a deterministic work limit (not a wall
    clock), and is given as a hint the histogram of n seeded normal draws with the sample's
    mean and SD; among the samples with the required moments it looks for the histogram closest
    (L1) to that target, so the result looks like a plausible sample. With one worker and a
    deterministic work limit the result is the same on every machine. Returns the values
    sorted.

    Raises
    ------
    ValueError
        If no such sample exists.
    """
    rng = np.random.default_rng(seed)
    draws = np.clip(np.rint(rng.normal(s / n, sample_sd(n, s, q), n)), lo, hi).astype(int)
    hint = np.bincount(draws - lo, minlength=hi - lo + 1)
    model = cp_model.CpModel()
    values = list(range(lo, hi + 1))
    counts = [model.NewIntVar(0, n, f"c{v}") for v in values]
    model.Add(sum(counts) == n)
    model.Add(sum(v * c for v, c in zip(values, counts, strict=True)) == s)
    model.Add(sum(v * v * c for v, c in zip(values, counts, strict=True)) == q)
    gaps = []
    for value, count, h in zip(values, counts, hint, strict=True):
        model.AddHint(count, int(h))
        gap = model.NewIntVar(0, n, f"g{value}")
        model.AddAbsEquality(gap, count - int(h))
        gaps.append(gap)
    model.Minimize(sum(gaps))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = int(seed % (2**31))
    solver.parameters.max_deterministic_time = 60.0
    status = solver.Solve(model)
    if status == cp_model.INFEASIBLE:
        raise ValueError(
            f"no sample of {n} integers in [{lo}, {hi}] has sum {s} and sum of squares {q}"
        )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError(
            f"CP-SAT found no sample for n={n}, S={s}, Q={q} within its deterministic work limit"
        )
    sample = np.repeat(values, [solver.Value(c) for c in counts])
    return np.asarray(sample, dtype=int)


def count_vectors(n: int, s: int, q: int, lo: int, hi: int) -> np.ndarray:
    """Every multiset of n integers in [lo, hi] with sum s and sum of squares q, as count
    vectors (column k = how many people answered ``lo + k``), in lexicographic order.

    Complete enumeration by recursion over the values, pruned by the reachable sums of
    squares; its length equals :func:`count_samples`. Meant for rating scales (a handful of
    values), where a sample *is* its count vector.
    """
    values = list(range(lo, hi + 1))
    found: list[list[int]] = []

    def walk(index: int, left: int, s_left: int, q_left: int, counts: list[int]) -> None:
        value = values[index]
        if index == len(values) - 1:
            if s_left == left * value and q_left == left * value * value:
                found.append([*counts, left])
            return
        for count in range(left + 1):
            rest = left - count
            s_rest, q_rest = s_left - count * value, q_left - count * value * value
            if rest == 0:
                if s_rest == 0 and q_rest == 0:
                    found.append([*counts, count] + [0] * (len(values) - index - 1))
                continue
            if not values[index + 1] * rest <= s_rest <= hi * rest:
                continue
            q_min, q_max = _q_bounds(rest, s_rest, values[index + 1], hi)
            if q_min <= q_rest <= q_max:
                walk(index + 1, rest, s_rest, q_rest, [*counts, count])

    if n > 0:
        walk(0, n, s, q, [])
    return np.array(found, dtype=int).reshape(-1, len(values))


def group_splits(counts: np.ndarray, size: int) -> np.ndarray:
    """Every way to take a group of ``size`` people out of a sample given as a count vector:
    the group's count vectors (the rest form the other group)."""
    counts = np.asarray(counts, dtype=int)
    options = [np.arange(c + 1) for c in counts]
    grid = np.array(np.meshgrid(*options, indexing="ij")).reshape(len(counts), -1).T
    return grid[grid.sum(axis=1) == size]


def moments(counts: np.ndarray, lo: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """n, mean and SD (n - 1) of samples given as count vectors (rows) over lo, lo + 1, ..."""
    counts = np.atleast_2d(counts).astype(float)
    values = lo + np.arange(counts.shape[1])
    n = counts.sum(axis=1)
    mean = counts @ values / n
    var = (counts @ values**2 - n * mean**2) / (n - 1)
    return n, mean, np.sqrt(np.clip(var, 0, None))


def t_statistics(first: np.ndarray, second: np.ndarray, lo: int) -> pd.DataFrame:
    """Pooled (Student) and Welch t of ``first`` minus ``second`` for paired rows of count
    vectors, with their df and two-sided p (vectorised; equal to scipy, tested)."""
    from scipy import stats

    n1, m1, s1 = moments(first, lo)
    n2, m2, s2 = moments(second, lo)
    pooled_var = ((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / (n1 + n2 - 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        t_pooled = (m1 - m2) / np.sqrt(pooled_var * (1 / n1 + 1 / n2))
        v1, v2 = s1**2 / n1, s2**2 / n2
        t_welch = (m1 - m2) / np.sqrt(v1 + v2)
        df_welch = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
    df_pooled = n1 + n2 - 2
    return pd.DataFrame({
        "t_pooled": t_pooled, "df_pooled": df_pooled,
        "p_pooled": 2 * stats.t.sf(np.abs(t_pooled), df_pooled),
        "t_welch": t_welch, "df_welch": df_welch,
        "p_welch": 2 * stats.t.sf(np.abs(t_welch), df_welch),
    })


def rating_splits(n: int, mean: str, sd: str, lo: int, hi: int, second: int) -> pd.DataFrame:
    """Every sample of n integers in [lo, hi] with the printed mean and SD, and every split
    into a first group and a ``second`` group: the count vectors (``first``, ``second``) and
    the pooled and Welch t of first minus second (:func:`t_statistics`)."""
    frames = []
    for _, pair in moment_pairs(n, mean, sd, lo, hi).iterrows():
        for total in count_vectors(n, int(pair["sum"]), int(pair["sumsq"]), lo, hi):
            seconds = group_splits(total, second)
            firsts = total[None, :] - seconds
            stats_ = t_statistics(firsts, seconds, lo)
            stats_["first"] = [tuple(map(int, f)) for f in firsts]
            stats_["second"] = [tuple(map(int, s)) for s in seconds]
            frames.append(stats_)
    if not frames:
        return pd.DataFrame(columns=["t_pooled", "df_pooled", "p_pooled", "t_welch", "df_welch",
                                     "p_welch", "first", "second"])
    return pd.concat(frames, ignore_index=True)
