"""Integer tables with cell bounds and a fixed total: count them exactly, sample them, test them.

Used for fan2018 Fig. 1 (sessions per community per period, never printed):

- :func:`count_band_tables` counts the tables within the bands that sum to the total exactly
  (dynamic programming over the cells);
- :func:`feasible_tables` characterises the tables that, in addition, give a Pearson
  chi-square in a window, by importance sampling: tables are drawn exactly from a product
  distribution over the cells conditioned on the total (dynamic programming again), its
  per-cell weights tuned by the cross-entropy method towards the target, and each accepted
  table is weighted by ``uniform / proposal`` probability. This gives an unbiased estimate of
  how many tables fit (with a 95% interval), the range of every cell among the accepted
  tables (inner bounds: a value just outside might be realised by a table the sampler did
  not draw), and a set of witnesses, each an exact solution;
- :func:`chi2_tables` and :func:`quasi_independence` test a stack of tables at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "Feasible",
    "chi2_tables",
    "count_band_tables",
    "expected_counts",
    "feasible_tables",
    "quasi_independence",
    "sample_tables",
]


CHUNK = 1 << 16  # tables per block: small temporaries stay in cache, no page faults


def chi2_tables(tables: np.ndarray) -> np.ndarray:
    """Pearson's chi-square of independence for each table in a stack ``(m, r, c)``,
    vectorised as ``N (sum O^2 / (R C) - 1)``, algebraically the same as
    ``sum (O - E)^2 / E`` and several times faster, in blocks of :data:`CHUNK` tables
    (equal to :func:`analysis.methods.contingency.chi2_independence`, tested)."""
    tables = np.asarray(tables)
    out = np.empty(len(tables))
    for start in range(0, len(tables), CHUNK):
        block = tables[start:start + CHUNK].astype(float)
        rows, columns = block.sum(axis=2), block.sum(axis=1)
        total = rows.sum(axis=1)
        np.square(block, out=block)
        block /= rows[:, :, None] * columns[:, None, :]
        out[start:start + CHUNK] = total * block.sum(axis=(1, 2)) - total
    return out


def expected_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Expected counts under independence (row total x column total / N), as SPSS prints
    them under CROSSTABS /CELLS=EXPECTED."""
    rows, columns = table.sum(axis=1), table.sum(axis=0)
    return pd.DataFrame(np.outer(rows, columns) / table.to_numpy().sum(), index=table.index,
                        columns=table.columns)


def quasi_independence(tables: np.ndarray, structural: np.ndarray,
                       iterations: int = 500) -> pd.DataFrame:
    """Pearson chi-square of quasi-independence: independence among the cells that could
    hold sessions, the structural zeros left out (Bishop, Fienberg & Holland 1975, ch. 5).

    Fitted by iterative proportional fitting, vectorised over a stack of tables; degrees of
    freedom ``(r - 1)(c - 1) - structural zeros``. Returns ``statistic``, ``df``, ``p``.
    """
    from scipy import stats

    tables = np.asarray(tables, dtype=float)
    single = tables.ndim == 2
    tables = tables[None] if single else tables
    mask = ~np.asarray(structural, dtype=bool)
    fitted = np.where(mask, 1.0, 0.0)[None].repeat(len(tables), axis=0)
    rows, columns = tables.sum(axis=2), tables.sum(axis=1)
    for _ in range(iterations):
        fitted *= (rows / fitted.sum(axis=2))[:, :, None]
        fitted *= (columns / fitted.sum(axis=1))[:, None, :]
    cells = mask[None].repeat(len(tables), axis=0)
    statistic = np.where(cells, (tables - fitted) ** 2 / np.where(cells, fitted, 1), 0).sum((1, 2))
    r, c = mask.shape
    df = (r - 1) * (c - 1) - int((~mask).sum())
    return pd.DataFrame({"statistic": statistic, "df": df, "p": stats.chi2.sf(statistic, df)})


def _free_cells(low: np.ndarray, high: np.ndarray) -> list[tuple[int, int]]:
    return [(i, j) for i in range(low.shape[0]) for j in range(low.shape[1]) if high[i, j] > 0]


def count_band_tables(low: np.ndarray, high: np.ndarray, total: int) -> int:
    """Exactly how many integer tables have every cell in ``[low, high]`` and sum ``total``
    (dynamic programming over the cells, Python integers)."""
    ways = [1] + [0] * total
    for i, j in _free_cells(low, high):
        new = [0] * (total + 1)
        for s in range(total + 1):
            new[s] = sum(ways[s - v] for v in range(int(low[i, j]), int(high[i, j]) + 1)
                         if v <= s)
        ways = new
    return ways[total]


@dataclass(frozen=True)
class _Proposal:
    """Per-cell weights over each cell's band, and the DP tables to sample exactly from the
    product distribution conditioned on the total."""

    cells: tuple[tuple[int, int], ...]
    values: tuple[np.ndarray, ...]
    weights: tuple[np.ndarray, ...]
    suffix: tuple[np.ndarray, ...]  # suffix[k][s]: weighted ways cells k.. sum to s
    total: int


def _proposal(low, high, total, weights=None) -> _Proposal:
    cells = tuple(_free_cells(low, high))
    values = tuple(np.arange(low[i, j], high[i, j] + 1) for i, j in cells)
    if weights is None:
        weights = tuple(np.ones(len(v)) for v in values)
    suffix = [None] * (len(cells) + 1)
    suffix[-1] = np.zeros(total + 1)
    suffix[-1][0] = 1.0
    for k in range(len(cells) - 1, -1, -1):
        out = np.zeros(total + 1)
        for v, w in zip(values[k], weights[k], strict=True):
            out[v:] += w * suffix[k + 1][: total + 1 - v]
        suffix[k] = out
    if suffix[0][total] == 0:
        raise ValueError(f"no table within the bands sums to {total}")
    return _Proposal(cells, values, tuple(weights), tuple(suffix), total)


def sample_tables(proposal: _Proposal, shape: tuple[int, int], size: int,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``size`` tables exactly from the proposal; return them ``(size, r, c)`` and the
    log of each table's proposal weight product."""
    tables = np.zeros((size, *shape), dtype=np.int64)
    remaining = np.full(size, proposal.total)
    log_weight = np.zeros(size)
    sums = np.arange(proposal.total + 1)
    for k, (i, j) in enumerate(proposal.cells):
        values, weights = proposal.values[k], proposal.weights[k]  # noqa: PD011
        after = sums[:, None] - values[None, :]
        mass = np.where(after >= 0, weights[None, :] * proposal.suffix[k + 1][after.clip(0)], 0)
        cumulative = mass.cumsum(axis=1)
        norm = cumulative[:, -1:]
        cdf = np.divide(cumulative, norm, out=np.ones_like(cumulative), where=norm > 0)
        flat = (2 * sums[:, None] + cdf).ravel()
        u = rng.random(size)
        index = np.searchsorted(flat, 2 * remaining + u, side="left")
        chosen = index - remaining * len(values)
        tables[:, i, j] = values[chosen]
        log_weight += np.log(weights[chosen])
        remaining = remaining - values[chosen]
    if (remaining != 0).any():
        raise RuntimeError("sampler did not reach the total")
    return tables, log_weight


@dataclass(frozen=True)
class Feasible:
    """What :func:`feasible_tables` found.

    ``witnesses``: distinct accepted tables ``(m, r, c)``; ``weights``: their importance
    weights (normalised to sum 1, a witness drawn twice counted twice); ``band_tables``:
    exact number of tables within the bands summing to the total; ``estimate``, ``low``,
    ``high``: estimated number of feasible tables and its 95% interval; ``draws``,
    ``accepted``: final-stage draws and accepted draws.
    """

    witnesses: np.ndarray
    weights: np.ndarray
    band_tables: int
    estimate: float
    low: float
    high: float
    draws: int
    accepted: int


def _completions(tables: np.ndarray, pair: tuple[tuple[int, int], tuple[int, int]],
                 low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every way to refill the two cells of ``pair`` (same sum) within their bands: the
    draw index of each completion, the completed tables, and each draw's number of
    completions."""
    (i1, j1), (i2, j2) = pair
    pair_sum = tables[:, i1, j1] + tables[:, i2, j2]
    values = np.arange(low[i1, j1], high[i1, j1] + 1)
    other = pair_sum[:, None] - values[None, :]
    valid = (other >= low[i2, j2]) & (other <= high[i2, j2])
    draw, column = np.nonzero(valid)
    completed = tables[draw]  # a copy: fancy indexing
    completed[:, i1, j1] = values[column]
    completed[:, i2, j2] = other[draw, column]
    return draw, completed, valid.sum(axis=1)


def _draw_round(proposal: _Proposal, shape: tuple[int, int], bands: tuple, size: int,
                rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """One round of the sampler: ``size`` draws, each completed in every way its last two
    cells allow. Returns the draw of each completion, the completed tables, their
    chi-square, and the log of their weight for a uniform target."""
    low, high, pair = bands
    tables, log_w = sample_tables(proposal, shape, size, rng)
    draw, completed, counts = _completions(tables, pair, low, high)
    statistic = chi2_tables(completed)
    log_unit = math.log(proposal.suffix[0][proposal.total]) - log_w[draw] - np.log(counts[draw])
    return draw, completed, statistic, log_unit


def _retuned(proposal: _Proposal, bands: tuple, completed: np.ndarray, statistic: np.ndarray,
             log_unit: np.ndarray, window: tuple[float, float], elite: float,
             floor: float) -> _Proposal:
    """The cross-entropy update: each cell's weights set to the importance-weighted
    frequencies of its values among the elite draws, mixed with ``floor`` of the uniform."""
    low, high, _pair = bands
    lo, hi = window
    distance = np.abs(statistic - (lo + hi) / 2)
    inside = distance < (hi - lo) / 2
    keep = inside if inside.sum() >= elite * len(completed) else (
        distance <= np.quantile(distance, elite))
    ratio = np.exp(log_unit[keep] - log_unit[keep].max())
    tuned = len(proposal.cells) - 2
    weights = []
    for k, (i, j) in enumerate(proposal.cells):
        values = proposal.values[k]  # noqa: PD011
        if k >= tuned:
            weights.append(np.ones(len(values)))
            continue
        frequency = np.bincount(completed[keep, i, j] - values[0], weights=ratio,
                                minlength=len(values))
        frequency = frequency / frequency.sum()
        weights.append((1 - floor) * frequency + floor / len(values))
    return _proposal(low, high, proposal.total, tuple(weights))


def _feasible_set(draw: np.ndarray, completed: np.ndarray, statistic: np.ndarray,
                  log_unit: np.ndarray, window: tuple[float, float], draws: int,
                  band_count: int) -> Feasible:
    """The estimate and the witnesses of the final round."""
    shape = completed.shape[1:]
    accepted = (statistic >= window[0]) & (statistic < window[1])
    per_draw = np.bincount(draw, weights=np.where(accepted, np.exp(log_unit), 0.0),
                           minlength=draws)
    estimate = per_draw.mean()
    error = per_draw.std(ddof=1) / math.sqrt(draws)
    found = completed[accepted]
    if len(found) == 0:
        return Feasible(np.zeros((0, *shape), dtype=np.int64), np.zeros(0), band_count, 0.0,
                        0.0, 3.0 * band_count / draws, draws, 0)
    unique, inverse = np.unique(found.reshape(len(found), -1), axis=0, return_inverse=True)
    weight = np.bincount(inverse.ravel(), weights=np.exp(log_unit[accepted]))
    return Feasible(witnesses=unique.reshape(len(unique), *shape), weights=weight / weight.sum(),
                    band_tables=band_count, estimate=float(estimate),
                    low=float(max(estimate - 1.96 * error, 0.0)),
                    high=float(estimate + 1.96 * error), draws=draws,
                    accepted=int(accepted.sum()))


def feasible_tables(low: np.ndarray, high: np.ndarray, total: int, window: tuple[float, float],
                    seed: int, draws: int = 100_000, rounds: int = 6,
                    elite: float = 0.02, floor: float = 0.05) -> Feasible:
    """Tables within the bands, summing to ``total``, whose Pearson chi-square lies in
    ``window`` (``[low, high)``): importance sampling with a cross-entropy-tuned proposal,
    Rao-Blackwellised over the last two cells.

    Method. The free cells are drawn in reading order from a product of per-cell weights
    conditioned on the total (exactly, by dynamic programming). The last two free cells
    (Tuanjiehu and Maizidian, 2016 H1) are not drawn but enumerated: every split of their
    sum within their bands is evaluated, so each draw contributes all of its feasible
    completions. Each of ``rounds`` tuning rounds draws ``draws / 2`` tables, keeps the
    ``elite`` fraction closest to the window (or all inside it, if more), and sets each cell's
    weights to the importance-weighted frequencies of its values among them, mixed with
    ``floor`` of the uniform weights, so that every table keeps a positive probability and
    the estimate stays unbiased. The final round draws ``draws`` tables. For a uniform
    target over the band tables a draw weighs ``Z / prod(w) / completions``. Deterministic
    for a given ``seed``.
    """
    rng = np.random.default_rng(seed)
    cells = _free_cells(low, high)
    bands = (low, high, (cells[-2], cells[-1]))
    proposal = _proposal(low, high, total)
    for _ in range(rounds):
        _draw, completed, statistic, log_unit = _draw_round(proposal, low.shape, bands,
                                                            draws // 2, rng)
        proposal = _retuned(proposal, bands, completed, statistic, log_unit, window, elite,
                            floor)
    return _feasible_set(*_draw_round(proposal, low.shape, bands, draws, rng), window, draws,
                         count_band_tables(low, high, total))
