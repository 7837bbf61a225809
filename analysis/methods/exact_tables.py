"""Exact bounds over integer tables with cell bands, a total and a window on their Pearson
chi-square (Pearson 1900): proofs, not samples.

A table is *feasible* when ``low <= T <= high``, ``T.sum() == total`` and its chi-square of
independence (structural zeros, ``high == 0``, as zero cells), computed in fractions, lies in
``[window[0], window[1])``; ``X^2 = N (W - 1)``, ``W = sum n_ij^2 / (r_i c_j)``.
:func:`linear_bounds` finds the exact extremes of ``sum(weights * T)`` by bisection between
verified witnesses (local search, CP-SAT) and bounds proved by

- a *convex margin bound*: at fixed row sums ``W`` is convex in the cells, and ``n^2 / a >= 2
  n g - a g^2`` makes it linear in them. Each row-sum vector the bands allow (rows split by
  weight) is enumerated, Frank-Wolfe steps (Frank & Wolfe 1956) choose ``g`` and a greedy fill
  minimises the bound, in integers, exactly: a vector where it reaches ``W_high`` is excluded;
- or OR-Tools CP-SAT (Perron & Furnon) on the vectors left, with ``t_ij = floor(K n_ij^2 /
  (r_i c_j))`` (product and division constraints), ``sum t <= K W < sum t + m`` (``m`` free
  cells): the *outer* model holds every feasible table, so INFEASIBLE is a proof (solutions
  failing the exact check are cut off and it is solved again); the *inner* model finds
  witnesses. A solve stopped by its time limit leaves the bound unproven, and says so.

:func:`witness_extremes_quasi` searches feasible tables for extremes of the statistic of
quasi-independence (Bishop, Fienberg & Holland 1975, ch. 5): a search, not a bound.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import cached_property

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model
from scipy import stats

from analysis.methods.tables import chi2_tables

__all__ = ["NoFeasibleTable", "cell_bounds", "chi2_exact", "exact_window", "is_feasible",
           "linear_bounds", "quasi_fit", "quasi_statistic", "witness_extremes_quasi"]

SCALE = 10**9  #: K, the scale of the CP-SAT terms t_ij
CAP = 200_000  #: most group-sum vectors the convex bound enumerates (and CP-SAT is given)
ITERATIONS = 300  #: Frank-Wolfe iterations at most
CUTS = 200  #: no-good cuts at most per decision


class NoFeasibleTable(ValueError):
    """No table within the bands sums to the total with its chi-square in the window."""


def exact_window(window) -> tuple[Fraction, Fraction]:
    """The window as fractions: a float is read as the decimal it prints as (``48.745`` is
    48745/1000); an int, str, Decimal or Fraction exactly."""
    return tuple(Fraction(repr(x)) if isinstance(x, float) else Fraction(x) for x in window)


def chi2_exact(table) -> Fraction | None:
    """Pearson's chi-square, ``N (sum n^2 / (r c) - 1)``, as a fraction (``None``: a margin
    is zero)."""
    table = np.asarray(table, dtype=np.int64)
    rows, columns = ([int(v) for v in table.sum(axis=a)] for a in (1, 0))
    if min(rows) <= 0 or min(columns) <= 0:
        return None
    return sum(rows) * (sum(Fraction(sum(Fraction(int(v) ** 2, c) for v, c in zip(
        row, columns, strict=True)), r) for row, r in zip(table, rows, strict=True)) - 1)


def is_feasible(table, low, high, total: int, window) -> bool:
    """Whether ``table`` is in the bands, sums to ``total``, has its chi-square in ``window``."""
    table, (lo, hi) = np.asarray(table), exact_window(window)
    if table.shape != np.shape(low) or (table < low).any() or (table > high).any():
        return False
    statistic = chi2_exact(table) if int(table.sum()) == int(total) else None
    return statistic is not None and lo <= statistic < hi


@dataclass(frozen=True)
class _Instance:
    low: np.ndarray
    high: np.ndarray
    total: int
    lo: Fraction
    hi: Fraction
    time_limit: float = 60.0
    workers: int = 2

    @classmethod
    def make(cls, low, high, total, window, time_limit, workers) -> _Instance:
        low, high = np.asarray(low, dtype=np.int64), np.asarray(high, dtype=np.int64)
        if not ((high > 0).any(axis=1).all() and (high > 0).any(axis=0).all()):
            raise NoFeasibleTable("a row or column has no free cell: chi-square undefined")
        return cls(np.where(high > 0, low, 0), high, int(total), *exact_window(window),
                   time_limit, workers)

    @property
    def cells(self) -> list[tuple[int, int]]:
        return [tuple(map(int, c)) for c in np.argwhere(self.high > 0)]

    @property
    def w_window(self) -> tuple[Fraction, Fraction]:
        return 1 + self.lo / self.total, 1 + self.hi / self.total

    def feasible(self, table) -> bool:
        return table is not None and is_feasible(table, self.low, self.high, self.total,
                                                 (self.lo, self.hi))

    @cached_property
    def moves(self) -> np.ndarray:
        """Every change by one or two unit transfers between free cells, ``(k, r, c)``."""
        unit = [np.eye(self.high.size, dtype=np.int64)[np.ravel_multi_index(c, self.high.shape)]
                .reshape(self.high.shape) for c in self.cells]
        one = np.array([a - b for a in unit for b in unit if (a != b).any()])
        both = np.unique(np.concatenate([one, (one[:, None] + one[None]).reshape(
            -1, *self.high.shape)]), axis=0)
        return both[(both != 0).any(axis=(1, 2))]


def _model(inst: _Instance, inner: bool, constraint, allowed=None, nogoods=()):
    """CP-SAT model: inner (feasible tables only) or outer (all of them, and more)."""
    model, cells = cp_model.CpModel(), inst.cells
    cell = {c: model.new_int_var(int(inst.low[c]), int(inst.high[c]), "") for c in cells}
    model.add(sum(cell.values()) == inst.total)
    spans = [np.stack([np.maximum(inst.low.sum(1 - a), 1), inst.high.sum(1 - a)], 1).tolist()
             for a in (0, 1)]
    margins = [[model.new_int_var(*span, "") for span in spans[a]] for a in (0, 1)]
    for a, k in [(x, k) for x in (0, 1) for k in range(len(spans[x]))]:
        model.add(margins[a][k] == sum(v for c, v in cell.items() if c[a] == k))
    terms = [model.new_int_var(0, SCALE, "") for _ in cells]
    for (i, j), term in zip(cells, terms, strict=True):
        square = model.new_int_var(0, int(inst.high[i, j]) ** 2, "")
        product = model.new_int_var(spans[0][i][0] * spans[1][j][0],
                                    spans[0][i][1] * spans[1][j][1], "")
        model.add_multiplication_equality(square, [cell[i, j], cell[i, j]])
        model.add_multiplication_equality(product, [margins[0][i], margins[1][j]])
        model.add_division_equality(term, SCALE * square, product)
    (w_lo, w_hi), m = inst.w_window, len(cells)
    model.add_linear_constraint(
        sum(terms), math.ceil(SCALE * w_lo) if inner else math.floor(SCALE * w_lo) - m + 1,
        math.floor(SCALE * w_hi) - m if inner else math.ceil(SCALE * w_hi) - 1)
    model.add(sum(int(constraint[0][c]) * cell[c] for c in cells) >= constraint[1])
    if allowed is not None:
        model.add_allowed_assignments(margins[0], [tuple(map(int, v)) for v in allowed])
    if nogoods:
        model.add_forbidden_assignments([cell[c] for c in cells],
                                        [tuple(int(t[c]) for c in cells) for t in nogoods])
    return model, cell


def _solve(inst: _Instance, inner: bool, constraint, allowed=None, nogoods=(), first=False):
    """Inner: search maximising ``weights . T``, one worker, deterministic time limit."""
    model, cell = _model(inst, inner, constraint, allowed, nogoods)
    solver = cp_model.CpSolver()
    solver.parameters.random_seed, solver.parameters.max_time_in_seconds = 0, inst.time_limit
    solver.parameters.num_workers = 1 if inner else inst.workers
    if inner:
        model.maximize(sum(int(constraint[0][c]) * v for c, v in cell.items()))
        solver.parameters.max_deterministic_time = inst.time_limit / 4
        solver.parameters.stop_after_first_solution = first
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, None
    table = np.zeros(inst.low.shape, dtype=np.int64)
    table[tuple(np.array(list(cell)).T)] = [solver.value(v) for v in cell.values()]
    return status, table


def _onehot(labels: np.ndarray, size: int) -> np.ndarray:
    return (labels[:, None] == np.arange(size)[None, :]).astype(np.int64)


@dataclass(frozen=True)
class _Groups:
    """Free cells grouped within rows (by weight), and the group-sum vectors to examine."""
    row: np.ndarray
    column: np.ndarray
    low: np.ndarray
    high: np.ndarray
    members: list[np.ndarray]
    group_row: np.ndarray
    sums: np.ndarray


def _groups(low, high, total: int, constraint) -> _Groups | None:
    """Cells grouped by row and weight, and every vector of group sums within the bands
    that sums to ``total`` and meets the constraint (``None``: more than :data:`CAP`)."""
    weights = np.zeros_like(low) if constraint is None else constraint[0]
    free = [tuple(map(int, c)) for c in np.argwhere(high > 0)]
    keys = sorted({(i, int(weights[i, j])) for i, j in free})
    cells = sorted(free, key=lambda c: (keys.index((c[0], int(weights[c]))), c))
    key_of = np.array([keys.index((c[0], int(weights[c]))) for c in cells])
    rows, columns = (np.array([c[a] for c in cells]) for a in (0, 1))
    lo, hi = low[rows, columns].astype(np.int64), high[rows, columns].astype(np.int64)
    members = [np.flatnonzero(key_of == g) for g in range(len(keys))]
    lows, highs = (np.array([v[m].sum() for m in members]) for v in (lo, hi))
    rest_lo, rest_hi = (np.append(np.cumsum(v[::-1])[::-1], 0) for v in (lows, highs))
    sums, partial = np.zeros((1, 0), dtype=np.int64), np.zeros(1, dtype=np.int64)
    for k, (a, b) in enumerate(zip(lows, highs, strict=True)):  # every kept part completes
        values = np.arange(a, b + 1)
        partial = (partial[:, None] + values[None, :]).ravel()
        sums = np.hstack([np.repeat(sums, len(values), axis=0),
                          np.tile(values, len(sums))[:, None]])
        keep = (partial + rest_lo[k + 1] <= total) & (partial + rest_hi[k + 1] >= total)
        sums, partial = sums[keep], partial[keep]
        if len(sums) > CAP:
            return None
    group_row = np.array([k[0] for k in keys])
    keep = (sums @ _onehot(group_row, low.shape[0]) >= 1).all(axis=1)
    if constraint is not None:
        keep &= sums @ np.array([k[1] for k in keys]) >= constraint[1]
    return _Groups(rows, columns, lo, hi, members, group_row, sums[keep])


def _fill(cost: np.ndarray, groups: _Groups) -> np.ndarray:
    """The cells minimising ``sum cost * T`` at the group sums (cheapest cells first)."""
    out = np.empty(cost.shape, dtype=np.int64)
    for g, m in enumerate(groups.members):
        order = np.argsort(cost[:, m], axis=1, kind="stable")
        room = (groups.high - groups.low)[m][order]
        extra = (groups.sums[:, g] - groups.low[m].sum())[:, None]
        fill = np.clip(extra - np.cumsum(room, axis=1) + room, 0, room)
        np.put_along_axis(fill, order, fill.copy(), axis=1)
        out[:, m] = groups.low[m] + fill
    return out


def _convex_prune(inst: _Instance, groups: _Groups) -> np.ndarray:
    """Frank-Wolfe on all vectors at once, each until its bound clears ``W_high`` or not;
    ``g`` is then rounded to ``h / S``, ``S = 2^bits`` and the bound certified in int64."""
    r = (groups.sums @ _onehot(groups.group_row, inst.low.shape[0]))[:, groups.row]
    onehot = _onehot(groups.column, inst.low.shape[1])
    columns, bits = onehot.astype(float), min(26, int((60 - math.log2(
        inst.total * (inst.total + 2 * len(inst.low) + 2))) // 2))
    table = _fill(np.zeros(r.shape), groups).astype(float)  # a vertex to start from
    w_high, pruned, alive = float(inst.w_window[1]), np.zeros(len(r), bool), np.arange(len(r))
    for k in range(ITERATIONS):
        sub, rc = replace(groups, sums=groups.sums[alive]), r[alive] * (table @ columns)[
            :, groups.column]
        g = np.clip(np.divide(table, rc, out=np.zeros_like(table), where=rc > 0), 0, 1)
        grad = 2 * g - ((r[alive] * g * g) @ columns)[:, groups.column]
        target = _fill(grad, sub)
        win = (grad * target).sum(axis=1) > w_high
        if win.any():  # certify: min_T sum A n >= S^2 W_high, A = 2 S h - sum_col r h^2
            h = np.rint(g[win] * (1 << bits)).astype(np.int64)
            a = (2 << bits) * h - ((r[alive[win]].astype(np.int64) * h * h) @ onehot)[
                :, groups.column]
            pruned[alive[win]] = (a * _fill(a, replace(sub, sums=sub.sums[win]))).sum(
                axis=1) >= math.ceil((1 << 2 * bits) * inst.w_window[1])
        stay = ~win & ((grad * table).sum(axis=1) >= w_high)  # W(T) = grad . T (Euler)
        alive, table, target = alive[stay], table[stay], target[stay]
        if not len(alive):
            break
        table = table + 2 / (k + 3) * (target - table)
    return pruned


def _prune(inst: _Instance, constraint) -> np.ndarray | None:
    """Row-sum vectors the convex margin bound leaves (``None``: too many to enumerate)."""
    low, high, (weights, bound) = inst.low.copy(), inst.high.copy(), constraint
    if np.count_nonzero(weights * (high > 0)) == 1:
        (i, j), = np.argwhere(weights * (high > 0))
        limit = Fraction(bound, int(weights[i, j]))
        low[i, j] = max(low[i, j], math.ceil(limit)) if weights[i, j] > 0 else low[i, j]
        high[i, j] = min(high[i, j], math.floor(limit)) if weights[i, j] < 0 else high[i, j]
        if low[i, j] > high[i, j]:
            return np.zeros((0, low.shape[0]), dtype=np.int64)
        constraint = None
    groups = _groups(low, high, inst.total, constraint)
    if groups is None:
        return None
    left = groups.sums[~_convex_prune(replace(inst, low=low, high=high), groups)]
    return np.unique(left @ _onehot(groups.group_row, low.shape[0]), axis=0)


def _neighbours(inst: _Instance, table: np.ndarray, constraint=None):
    """Tables one or two unit transfers away, in bounds, and their (float) chi-square."""
    near = table[None] + inst.moves
    keep = ((near >= inst.low) & (near <= inst.high)).all(axis=(1, 2))
    if constraint is not None:
        keep &= (constraint[0] * near).sum(axis=(1, 2)) >= constraint[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        return near[keep], np.nan_to_num(chi2_tables(near[keep]), nan=np.inf)


def _towards_window(inst: _Instance, table: np.ndarray, constraint, rounds: int = 40):
    """A feasible table meeting the constraint, by descent towards the window's centre."""
    centre, distance = float(inst.lo + inst.hi) / 2, np.inf
    for _ in range(rounds):
        near, x2 = _neighbours(inst, table, constraint)
        order = np.argsort(np.abs(x2 - centre), kind="stable")
        hit = next((near[k] for k in order[:10] if inst.feasible(near[k])), None)
        if hit is not None or not len(near) or abs(x2[order[0]] - centre) >= distance:
            return hit
        table, distance = near[order[0]], abs(x2[order[0]] - centre)
    return None


def _decide(inst: _Instance, constraint) -> tuple[str, np.ndarray | None, str]:
    """Is there a feasible table with ``weights . T >= bound``? yes, no or unknown."""
    table = _towards_window(inst, _box_table(inst, constraint[0]), constraint)
    left = _prune(inst, constraint) if table is None else None
    if left is not None and len(left) == 0:
        return "no", None, "the convex margin bound"
    table = table if table is not None else _solve(inst, True, constraint, left, first=True)[1]
    nogoods = []
    while not inst.feasible(table) and len(nogoods) <= CUTS:
        nogoods += [] if table is None else [table]
        status, table = _solve(inst, False, constraint, left, nogoods)
        if status == cp_model.INFEASIBLE:
            rest = "" if left is None else f" on the {len(left)} row-sum vectors left"
            return "no", None, f"CP-SAT, relaxation infeasible{rest} ({len(nogoods)} cuts)"
        if table is None:
            return "unknown", None, "CP-SAT stopped on its time limit"
    return ("yes", table, "") if inst.feasible(table) else ("unknown", None, "too many cuts")


def _box_table(inst: _Instance, weights: np.ndarray) -> np.ndarray:
    """The table in the bands with the largest ``weights . T`` (greedy)."""
    table, spare = inst.low.copy(), inst.total - int(inst.low.sum())
    if spare < 0 or spare > int((inst.high - inst.low).sum()):
        raise NoFeasibleTable(f"no table within the bands sums to {inst.total}")
    for c in sorted(inst.cells, key=lambda c: -weights[c]):
        step = min(spare, int(inst.high[c] - inst.low[c]))
        table[c], spare = table[c] + step, spare - step
    return table


def _maximise(inst: _Instance, weights: np.ndarray) -> dict:
    """The largest ``weights . T``: bisection between witnesses and proven bounds."""
    upper, bottom = (s * int((s * weights * _box_table(inst, s * weights)).sum()) for s in (1, -1))
    proof, witness, value = "bands", None, bottom - 1
    while upper >= bottom and value < upper:
        u = upper if proof == "bands" and witness is None else (value + upper + 1) // 2
        answer, table, how = _decide(inst, (weights, u))
        if answer == "unknown":
            proof = f"unproven (at {u}: {how})"
            break
        witness, value, upper, proof = (table, int((weights * table).sum()), upper, proof) if (
            answer == "yes") else (witness, value, u - 1, how)
    if witness is None and not proof.startswith("unproven"):
        raise NoFeasibleTable(f"no feasible table: proved by {proof}")
    how = "witness at the band limit" if proof == "bands" else proof if witness is None or \
        proof.startswith("unproven") else f"witness; beyond it excluded by {proof}"
    return {"value": None if witness is None else value, "bound": upper, "witness": witness,
            "proof": how}


def linear_bounds(low, high, total: int, window, weights, *, time_limit: float = 60.0,
                  workers: int = 2) -> dict:
    """Exact minimum and maximum of ``sum(weights * T)`` over the feasible tables (module).

    Parameters
    ----------
    low, high, total, window
        Cell bands (``high == 0``: a structural zero), the table total, and the window
        ``[window[0], window[1])`` of Pearson's chi-square (:func:`exact_window`).
    weights : array_like of int
        Integer weights of the linear function, one per cell.
    time_limit, workers : float, int
        CP-SAT wall time per solve, workers per proof (searches: one, deterministic time).

    Returns
    -------
    dict
        ``min``, ``max``: values of verified witnesses ``min_witness``, ``max_witness``
        (flattened tables); ``min_bound``, ``max_bound``: proven bounds; ``exact``: both
        equal; ``min_method``, ``max_method``: how each was proved.

    Raises
    ------
    NoFeasibleTable
        When it is proved that no table is feasible.
    """
    inst, weights = _Instance.make(low, high, total, window, time_limit, workers), weights
    if not np.array_equal(weights, np.round(weights)):
        raise ValueError("weights must be integers")
    weights = np.where(inst.high > 0, np.asarray(weights), 0).astype(np.int64)
    top, bottom = _maximise(inst, weights), _maximise(inst, -weights)
    out = {"min": None if bottom["value"] is None else -bottom["value"], "max": top["value"],
           "min_bound": -bottom["bound"], "max_bound": top["bound"],
           "min_method": bottom["proof"], "max_method": top["proof"]}
    for name, found in (("min", bottom), ("max", top)):  # every witness passed inst.feasible
        out[f"{name}_witness"] = None if found["witness"] is None else tuple(
            int(v) for v in found["witness"].ravel())
    out["exact"] = out["min"] == out["min_bound"] and out["max"] == out["max_bound"]
    return out


def cell_bounds(low, high, total: int, window, *, time_limit: float = 60.0,
                workers: int = 2) -> pd.DataFrame:
    """Exact minimum and maximum of every free cell over the feasible tables, by
    :func:`linear_bounds`: one row per cell, ``row``, ``column``, ``low``, ``high`` (band), and
    its keys (``method`` joins the two methods). Raises :class:`NoFeasibleTable`."""
    inst, rows = _Instance.make(low, high, total, window, time_limit, workers), []
    for i, j in inst.cells:
        weights = np.zeros_like(inst.high)
        weights[i, j] = 1
        found = linear_bounds(inst.low, inst.high, total, (inst.lo, inst.hi), weights,
                              time_limit=time_limit, workers=workers)
        method = f"min: {found.pop('min_method')}; max: {found.pop('max_method')}"
        rows.append({"row": i, "column": j, "low": int(inst.low[i, j]),
                     "high": int(inst.high[i, j])} | found | {"method": method})
    return pd.DataFrame(rows)


def quasi_fit(tables, structural, exact: bool = False) -> np.ndarray:
    """Closed-form fit of quasi-independence when the sets of rows allowed in the columns are
    nested, ``S_1 < ... < S_k`` (triangular tables; Bishop, Fienberg & Holland 1975, 5.2):
    ``m_ij = r_i c_j / (beta_l(i) A_l(j))``, ``beta_k = 1``, ``A_k = C_k``, ``A_l-1 = A_l -
    rho_l / beta_l``, ``beta_l-1 = beta_l + C_l-1 / A_l-1`` (``C_l``, ``rho_l``: totals of the
    columns of level ``l`` and of the rows first allowed there). Fractions with ``exact``;
    ValueError for a pattern that is not nested."""
    allowed = ~np.asarray(structural, dtype=bool)
    sets = [frozenset(np.flatnonzero(allowed[:, j]).tolist()) for j in range(allowed.shape[1])]
    levels = sorted(set(sets), key=len)
    if not all(a < b for a, b in itertools.pairwise(levels)) or len(levels[-1]) < len(allowed):
        raise ValueError("the pattern of structural zeros is not nested")
    t = np.asarray(tables)
    t = (np.vectorize(Fraction, otypes=[object])(t.astype(np.int64)) if exact else
         t.astype(float)).reshape(-1, *allowed.shape)
    rows, columns = t.sum(axis=2), t.sum(axis=1)
    col_level = np.array([levels.index(s) for s in sets])
    row_level = np.array([min(k for k, s in enumerate(levels) if i in s)
                          for i in range(len(allowed))])
    big_c = [columns[:, col_level == k].sum(axis=1) for k in range(len(levels))]
    rho = [rows[:, row_level == k].sum(axis=1) for k in range(len(levels))]
    beta, mass = [big_c[-1] * 0 + 1] * len(levels), [big_c[-1]] * len(levels)
    for k in range(len(levels) - 1, 0, -1):
        mass[k - 1] = mass[k] - rho[k] / beta[k]
        beta[k - 1] = beta[k] + big_c[k - 1] / mass[k - 1]
    a = rows / np.stack([beta[k] for k in row_level], axis=1)
    b = columns / np.stack([mass[k] for k in col_level], axis=1)
    fitted = np.where(allowed, a[:, :, None] * b[:, None, :], 0)
    return fitted[0] if np.ndim(tables) == 2 else fitted


def quasi_statistic(table, structural) -> Fraction:
    """Pearson's statistic of quasi-independence of one table, as a fraction, from the exact
    fit of :func:`quasi_fit` (nested patterns; :func:`analysis.methods.tables.
    quasi_independence` fits any pattern by iterative proportional fitting, in floats)."""
    fitted = quasi_fit(table, structural, exact=True)
    return sum(((int(n) - m) ** 2 / m for n, m in zip(np.ravel(table), fitted.ravel(),
                                                       strict=True) if m != 0), Fraction(0))


def _ascend(table: np.ndarray, sign: int, inst: _Instance, rounds: int) -> np.ndarray:
    """Steepest ascent of ``sign *`` the quasi statistic over verified feasible tables."""
    structural, (lo, hi) = inst.high == 0, (float(inst.lo), float(inst.hi))

    def scores(tables: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            fitted = quasi_fit(tables, structural)
            return sign * np.where(fitted > 0, (tables - fitted) ** 2 / fitted, 0).sum((1, 2))

    current = scores(table[None])[0]
    for _ in range(rounds):
        near, x2 = _neighbours(inst, table)
        near = near[(x2 > lo - 1e-9) & (x2 < hi + 1e-9)]
        score = scores(near)
        better = [k for k in np.argsort(-score, kind="stable")[:20] if score[k] > current + 1e-9
                  and inst.feasible(near[k])]
        if not better:
            break
        table, current = near[better[0]], score[better[0]]
    return table


def witness_extremes_quasi(low, high, total: int, window, *, starts: int = 6, rounds: int = 60,
                           seed: int = 0, time_limit: float = 20.0) -> pd.DataFrame:
    """The largest and smallest statistic of quasi-independence (structural zeros left out,
    df ``(r - 1)(c - 1) - zeros``; Bishop, Fienberg & Holland 1975, ch. 5) found among
    verified feasible tables: a search, not a bound.

    ``starts`` feasible tables from CP-SAT's inner model maximising random weights (``seed``;
    deterministic) are climbed up and down by :func:`_ascend` (``rounds`` steps at most).
    Returns rows ``extreme`` (max, min), ``statistic``, ``exact_statistic``, ``df``, ``p``,
    ``witness`` (flattened), ``method``. Needs a nested pattern (:func:`quasi_fit`).
    """
    inst = _Instance.make(low, high, total, window, time_limit, 1)
    structural, shape, rng = inst.high == 0, inst.high.shape, np.random.default_rng(seed)
    found = {1: [], -1: []}
    for _ in range(starts):
        weights = rng.integers(-9, 10, shape) * (inst.high > 0)
        start = _solve(inst, True, (weights, int((weights * _box_table(inst, -weights)).sum())))
        for sign in (1, -1) if inst.feasible(start[1]) else ():
            found[sign].append(_ascend(start[1], sign, inst, rounds))
    if not found[1]:
        raise RuntimeError("the search found no feasible table")
    df, rows = (shape[0] - 1) * (shape[1] - 1) - int(structural.sum()), []
    for sign in (1, -1):
        values = [quasi_statistic(t, structural) for t in found[sign]]
        k = max(range(len(values)), key=lambda k: sign * values[k])
        rows.append({"extreme": "max" if sign > 0 else "min", "statistic": float(values[k]),
                     "exact_statistic": str(values[k]), "df": df,
                     "p": float(stats.chi2.sf(float(values[k]), df)),
                     "witness": tuple(int(v) for v in found[sign][k].ravel()),
                     "method": f"search over verified feasible tables ({starts} starts, "
                               f"seed {seed}): a witness, not a bound"})
    return pd.DataFrame(rows)
