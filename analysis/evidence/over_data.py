"""Exact ranges of a test's p over every dataset consistent with the printed numbers, when
the test's own inputs are not printed but the pooled data are.

fan2019 compares the initial with the later communities on every demographic variable and
every answer, and prints only the pooled data (Table 1: counts per category; Tables 2-4:
yes counts, or a rating's mean and SD) and the size of each wave. Every split of the pooled
data into the two waves is then a dataset consistent with what is printed, and the splits
can be enumerated completely:

- :func:`split_counts`: counts per category -> every 2 x k table with those column totals
  and those row totals (one free cell per category, subject to the wave's size);
- :func:`split_ratings`: a mean and SD of whole-number answers -> every sample with them
  (:func:`analysis.methods.integer_samples.rating_splits`: moments, then count vectors), and
  every split of each sample; optionally only the splits whose Welch t rounds to a printed t.

Each returns, for every test a reader could use (Pearson, Yates, likelihood ratio, Fisher;
pooled t, Welch t, Mann-Whitney U), the smallest and largest p over all splits. These ranges
are exact (complete enumeration), so "the conclusion holds for every consistent dataset"
is a proof, not a sample.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy import stats

from analysis.methods.integer_samples import rating_splits
from analysis.printed.compare import compare

__all__ = ["RANGE_COLUMNS", "fisher_over_margins", "mann_whitney_counts", "split_counts",
           "split_ratings", "split_tables"]

#: One row per test variant: the exact p range over the splits, and how many splits.
RANGE_COLUMNS = ["variant", "p_min", "p_max", "splits"]


def split_tables(pooled: list[int], first: int) -> np.ndarray:
    """Every 2 x k table whose columns add up to ``pooled`` and whose first row adds up to
    ``first``: shape (m, 2, k), in lexicographic order of the first row."""
    pooled = [int(c) for c in pooled]
    options = [range(c + 1) for c in pooled]
    rows = [row for row in itertools.product(*options) if sum(row) == first]
    if not rows:
        return np.zeros((0, 2, len(pooled)), dtype=int)
    top = np.array(rows, dtype=int)
    return np.stack([top, np.array(pooled)[None, :] - top], axis=1)


def _pearson_lr(tables: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    kept = tables[:, :, tables.sum(axis=(0, 1)) > 0]
    n = kept.sum(axis=(1, 2))[:, None, None]
    expected = kept.sum(axis=2, keepdims=True) * kept.sum(axis=1, keepdims=True) / n
    pearson = ((kept - expected) ** 2 / expected).sum(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(kept > 0, kept * np.log(kept / expected), 0.0)
    return pearson, 2 * terms.sum(axis=(1, 2)), kept.shape[2] - 1


#: Relative tolerance when Fisher's test compares table probabilities (as R and scipy do).
FISHER_TOLERANCE = 1e-7


def fisher_over_margins(tables: np.ndarray) -> np.ndarray:
    """Two-sided Fisher (Freeman-Halton) p of every 2 x k table in ``tables``, which must be
    *every* table with their common margins (:func:`split_tables`): each table's
    hypergeometric probability is prod C(c_j, a_j) / C(N, m), and its p is the total
    probability of the tables no more probable than it (Freeman & Halton 1951)."""
    from scipy.special import gammaln

    top, columns = tables[:, 0, :], tables.sum(axis=1)[0]
    log_p = (gammaln(columns + 1) - gammaln(top + 1) - gammaln(columns - top + 1)).sum(axis=1)
    log_p -= gammaln(columns.sum() + 1) - gammaln(top[0].sum() + 1) - gammaln(
        columns.sum() - top[0].sum() + 1)
    probability = np.exp(log_p)
    order = np.argsort(probability, kind="stable")
    ranked = probability[order]
    cumulative = np.cumsum(ranked)
    reach = np.searchsorted(ranked, ranked * (1 + FISHER_TOLERANCE), side="right") - 1
    out = np.empty_like(probability)
    out[order] = np.minimum(cumulative[reach], 1.0)
    return out


def _count_ps(tables: np.ndarray) -> dict[str, np.ndarray]:
    pearson, ratio, df = _pearson_lr(tables)
    ps = {"pearson": stats.chi2.sf(pearson, df), "likelihood_ratio": stats.chi2.sf(ratio, df),
          "fisher": fisher_over_margins(tables)}
    if tables.shape[2] == 2:
        a, b = tables[:, 0, 0], tables[:, 0, 1]
        c, d = tables[:, 1, 0], tables[:, 1, 1]
        n = a + b + c + d
        yates = n * np.clip(np.abs(a * d - b * c) - n / 2, 0, None) ** 2 / (
            (a + b) * (c + d) * (a + c) * (b + d))
        ps["yates"] = stats.chi2.sf(yates, 1)
    return ps


def split_counts(pooled: list[int], first: int) -> pd.DataFrame:
    """The exact range of each test's p over every split of the pooled category counts into
    a first group of ``first`` people and the rest (categories nobody is in left out)."""
    pooled = [int(c) for c in pooled if int(c) > 0]
    tables = split_tables(pooled, first)
    if len(tables) == 0 or len(pooled) < 2 or first in (0, sum(pooled)):
        return pd.DataFrame(columns=RANGE_COLUMNS)
    rows = [{"variant": variant, "p_min": float(np.nanmin(p)), "p_max": float(np.nanmax(p)),
             "splits": len(tables)} for variant, p in _count_ps(tables).items()]
    return pd.DataFrame(rows, columns=RANGE_COLUMNS)


def mann_whitney_counts(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Two-sided Mann-Whitney p of samples given as count vectors over the same ordered
    values (rows paired), as SPSS's asymptotic p: normal approximation with the tie
    correction and no continuity correction (Mann & Whitney 1947; Lehmann 1975)."""
    first, second = np.atleast_2d(first), np.atleast_2d(second)
    pooled = first + second
    n1, n2 = first.sum(axis=1), second.sum(axis=1)
    n = n1 + n2
    before = np.cumsum(pooled, axis=1) - pooled
    midrank = before + (pooled + 1) / 2
    u = (first * midrank).sum(axis=1) - n1 * (n1 + 1) / 2
    ties = (pooled**3 - pooled).sum(axis=1)
    variance = n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1)))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (u - n1 * n2 / 2) / np.sqrt(variance)
    return np.where(variance > 0, 2 * stats.norm.sf(np.abs(z)), 1.0)


def split_ratings(n: int, mean: str, sd: str, lo: int, hi: int, second: int,
                  printed_t: str | None = None) -> pd.DataFrame:
    """The exact range of each test's p over every sample of ``n`` whole-number answers in
    ``[lo, hi]`` with the printed ``mean`` and ``sd``, split into a first group and a
    ``second`` group of that size; with ``printed_t``, only the splits whose Welch t rounds to
    it (the printed test is then part of what a dataset must agree with)."""
    splits = rating_splits(n, mean, sd, lo, hi, second)
    if printed_t is not None:
        splits = splits[[compare(t, printed_t) for t in splits["t_welch"]]]
    if splits.empty:
        return pd.DataFrame(columns=RANGE_COLUMNS)
    first = np.array(splits["first"].tolist())
    later = np.array(splits["second"].tolist())
    ps = {"pooled_t": splits["p_pooled"].to_numpy(), "welch_t": splits["p_welch"].to_numpy(),
          "mann_whitney": mann_whitney_counts(first, later)}
    rows = [{"variant": variant, "p_min": float(np.nanmin(p)), "p_max": float(np.nanmax(p)),
             "splits": len(splits)} for variant, p in ps.items()]
    return pd.DataFrame(rows, columns=RANGE_COLUMNS)
