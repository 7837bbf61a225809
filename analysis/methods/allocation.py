"""Integer tables with given margins, as close to proportional as integers allow (CP-SAT).

The papers print how many consumers were female (31 of 54) and how many consumers came from the
initial communities (32 of 54), but not how many female consumers came from the initial
communities. A reconstruction must choose that cross-table. :func:`allocate` chooses the
integer table with the printed margins that is closest to independence: it minimises
``Σ |N·x_ij − r_i·c_j|``, the distance to the expected table, optionally within lower and
upper bounds. It is solved exactly with OR-Tools CP-SAT, single-threaded, so the same
margins always give the same table.

Such a table makes the groups as alike as integers allow. So it is the reconstruction that
agrees with a paper stating "no significant difference between the groups". Tests run on it
are therefore *constrained*, not evidence.
"""

from __future__ import annotations

import pandas as pd
from ortools.sat.python import cp_model

__all__ = ["allocate", "apportion", "deal"]


def _bound(bounds: pd.DataFrame | None, row: object, column: object, default: int) -> int:
    if bounds is None or row not in bounds.index or column not in bounds.columns:
        return default
    return int(bounds.loc[row, column])


def allocate(
    rows: pd.Series,
    columns: pd.Series,
    lower: pd.DataFrame | None = None,
    upper: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The integer table with row sums ``rows`` and column sums ``columns`` closest to
    proportional (least ``Σ |N·x_ij − r_i·c_j|``).

    Parameters
    ----------
    rows, columns : Series of non-negative ints
        Margins, indexed by their labels; both must sum to the same N.
    lower, upper : DataFrame, optional
        Cell bounds (same labels); missing cells are unbounded (0 and N).

    Returns
    -------
    DataFrame of ints, index ``rows.index``, columns ``columns.index``.

    Raises
    ------
    ValueError
        If the margins disagree, or no table satisfies the bounds.
    """
    rows = rows.astype(int)
    columns = columns.astype(int)
    total = int(rows.sum())
    if total != int(columns.sum()):
        raise ValueError(f"margins disagree: rows sum to {total}, columns to {columns.sum()}")
    if (rows < 0).any() or (columns < 0).any():
        raise ValueError("margins must be non-negative")
    model = cp_model.CpModel()
    cells, gaps = {}, []
    for r, r_total in rows.items():
        for c, c_total in columns.items():
            x = model.NewIntVar(_bound(lower, r, c, 0), _bound(upper, r, c, total), f"x[{r},{c}]")
            cells[r, c] = x
            gap = model.NewIntVar(0, total * total, f"g[{r},{c}]")
            model.AddAbsEquality(gap, total * x - int(r_total) * int(c_total))
            gaps.append(gap)
    for r, r_total in rows.items():
        model.Add(sum(cells[r, c] for c in columns.index) == int(r_total))
    for c, c_total in columns.items():
        model.Add(sum(cells[r, c] for r in rows.index) == int(c_total))
    model.Minimize(sum(gaps))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 30.0
    if solver.Solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise ValueError(
            f"no integer table has these margins within the bounds: rows "
            f"{rows.to_dict()}, columns {columns.to_dict()}"
        )
    return pd.DataFrame(
        [[solver.Value(cells[r, c]) for c in columns.index] for r in rows.index],
        index=rows.index,
        columns=columns.index,
    )


def apportion(total: int, weights: pd.Series) -> pd.Series:
    """Split ``total`` into integers proportional to ``weights`` by the largest-remainder
    (Hamilton) method; ties go to the earlier label. Each part is at least
    ``floor(total * w / sum(w))``, so when ``total >= sum(weights)`` every part is at least
    its weight (used to keep fan2018's 2016 counts as lower bounds)."""
    weights = weights.astype(int)
    quotas = weights * total / weights.sum()
    parts = quotas.astype(int)
    remainders = (quotas - parts).sort_values(ascending=False, kind="stable")
    for label in remainders.index[: total - int(parts.sum())]:
        parts[label] += 1
    return parts


def deal(values: list, sizes: pd.Series) -> pd.Series:
    """Deal sorted ``values`` into groups of the given ``sizes`` so that each group gets an
    even share of the range: value i goes to the group furthest behind its proportional share
    ``size * (i + 1) / N`` (ties to the earlier label). Returns a Series of group labels, one
    per value, in the order of ``values``. Deterministic; used to spread ages evenly across
    waves and follow-up status."""
    sizes = sizes.astype(int)
    total = int(sizes.sum())
    if len(values) != total:
        raise ValueError(f"deal: {len(values)} values for groups of total size {total}")
    given = {label: 0 for label in sizes.index}
    labels = []
    for i in range(total):
        behind = {
            label: sizes[label] * (i + 1) / total - given[label]
            for label in sizes.index
            if given[label] < sizes[label]
        }
        label = max(behind, key=lambda k: behind[k])
        given[label] += 1
        labels.append(label)
    return pd.Series(labels, index=range(total))
