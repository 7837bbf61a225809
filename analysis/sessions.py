"""Sessions of the peer support service: the community x period table of fan2018 Fig. 1.

fan2018 (Results: Service process) prints the total (214 sessions, July 2013 to June 2016),
a chi-square test of community by six-month period (chi2(15) = 48.75, p < 0.001) and, in
words, how often sessions were held. The counts drawn in Fig. 1 are not printed. This module

- turns the printed frequencies into lower and upper bounds ("bands") for every cell of the
  4 communities x 6 periods table (:func:`frequency_bands`), reading every stated interval
  with a tolerance of ``tolerance`` units (default 0.5: "once every two weeks" covers average
  intervals of 1.5 to 2.5 weeks, the way a printed number covers what rounds to it);
- counts the tables within the bands that sum to 214 exactly (:func:`count_band_tables`,
  dynamic programming over the cells);
- characterises the tables that, in addition, give Pearson's chi-square rounding to 48.75
  (:func:`feasible_tables`) by importance sampling: tables are drawn exactly from a product
  distribution over the cells conditioned on the total (dynamic programming again), its
  per-cell weights tuned by the cross-entropy method towards the target, and each accepted
  table is weighted by ``uniform / proposal`` probability. This gives an unbiased estimate of
  how many tables fit (with a 95% interval), the range of every cell among the accepted
  tables, and a set of witnesses, each an exact solution;
- chooses one witness, the one closest to the weighted mean of the feasible set
  (:func:`choose_table`), as the reconstruction.

The bands are exact consequences of the stated rules; the count is an estimate and the
ranges are inner bounds (every value in them is realised by a witness; a value just outside
might be realised by a table the sampler did not draw).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.registry import value
from analysis.rounding import parse_printed

__all__ = [
    "COMMUNITIES",
    "COMMUNITY_START",
    "DURATION_RANGE",
    "FORMAT_OF_CATEGORY",
    "FREQUENCY_RULES",
    "PERIODS",
    "SESSION_COLUMNS",
    "Feasible",
    "active_weeks",
    "band_matrices",
    "chi2_tables",
    "choose_table",
    "count_band_tables",
    "expected_counts",
    "feasible_tables",
    "first_period_ends",
    "frequency_bands",
    "group_sessions",
    "literal_minimum",
    "period_table",
    "quasi_independence",
    "read_sessions",
    "reconstruct_sessions",
    "sample_tables",
    "sessions_table",
    "statistic_window",
    "table_frame",
    "validate_sessions",
    "value_text",
    "write_sessions",
]

#: The four communities, in the order of the papers' tables (ids as in the participant data).
COMMUNITIES = ("tuanjiehu", "maizidian", "xiangheyuan", "jingsong")

#: "Peer support was initiated in July 2013 in Tuanjiehu and Maizidian, and in the other two
#: communities in August 2015" (fan2018, Methods: Participants).
COMMUNITY_START = {
    "tuanjiehu": dt.date(2013, 7, 1),
    "maizidian": dt.date(2013, 7, 1),
    "xiangheyuan": dt.date(2015, 8, 1),
    "jingsong": dt.date(2015, 8, 1),
}

#: "214 peer support sessions were delivered from July 2013 to June 2016"; Fig. 1 counts
#: them "by every 6-month period": six half-years, end dates exclusive.
PERIODS = ("2013H2", "2014H1", "2014H2", "2015H1", "2015H2", "2016H1")

DAYS_PER_WEEK = 7
DAYS_PER_MONTH = 365.2425 / 12

#: The frequencies fan2018 states (Results: Service process), one rule per sentence.
#: ``kind`` is "interval" (once every low-high units) or "rate" (low-high times per unit),
#: "none" for a stated absence. ``low`` and ``high`` are registry ids where the number is
#: printed as a number, or the quoted words ("once or twice") otherwise.
FREQUENCY_RULES = (
    {
        "rule": "first six months",
        "communities": ("tuanjiehu", "maizidian"),
        "periods": ("2013H2",),
        "kind": "interval",
        "unit": "month",
        "low": "fan2018.results.session_interval_min_months.initial_communities.other",
        "high": "fan2018.results.session_interval_max_months.initial_communities.other",
        "quote": "which were organized about once every one or two months",
    },
    {
        "rule": "second year",
        "communities": ("tuanjiehu", "maizidian"),
        "periods": ("2014H1", "2014H2"),
        "kind": "interval",
        "unit": "week",
        "low": "fan2018.results.session_interval_year2_weeks.initial_communities.other",
        "high": "fan2018.results.session_interval_year2_weeks.initial_communities.other",
        "quote": "During the second year, sessions were delivered about once every two weeks",
    },
    {
        "rule": "no session in Tuanjiehu",
        "communities": ("tuanjiehu",),
        "periods": ("2015H1",),
        "kind": "none",
        "unit": "",
        "low": "",
        "high": "",
        "quote": "no session had been provided during this time period in Tuanjiehu",
    },
    {
        "rule": "2015-2016, first two communities",
        "communities": ("tuanjiehu", "maizidian"),
        "periods": ("2015H1", "2015H2", "2016H1"),
        "kind": "rate",
        "unit": "week",
        "low": "once",
        "high": "twice",
        "quote": "It occurred once or twice each week in the first two communities",
    },
    {
        "rule": "2015-2016, newer two communities",
        "communities": ("xiangheyuan", "jingsong"),
        "periods": ("2015H2", "2016H1"),
        "kind": "interval",
        "unit": "week",
        "low": "fan2018.results.session_interval_later_weeks.later_communities.other",
        "high": "fan2018.results.session_interval_later_weeks.later_communities.other",
        "quote": "and once every two weeks in the newer two communities",
    },
)

_TIMES = {"once": 1, "twice": 2}


def period_table() -> pd.DataFrame:
    """The six periods of fan2018 Fig. 1: ``period``, ``start``, ``end`` (exclusive)."""
    rows = []
    for label in PERIODS:
        year, half = int(label[:4]), label[4:]
        start = dt.date(year, 1 if half == "H1" else 7, 1)
        end = dt.date(year, 7, 1) if half == "H1" else dt.date(year + 1, 1, 1)
        rows.append({"period": label, "start": start, "end": end})
    return pd.DataFrame(rows)


def active_weeks(community: str, period: str) -> float:
    """Weeks of ``period`` after ``community`` started its service (0 before it started)."""
    row = period_table().set_index("period").loc[period]
    start = max(row["start"], COMMUNITY_START[community])
    return max(0, (row["end"] - start).days) / DAYS_PER_WEEK


def _stated(registry: pd.DataFrame, token: str) -> float:
    if token in _TIMES:
        return float(_TIMES[token])
    return float(value(registry, token))


def frequency_bands(registry: pd.DataFrame, tolerance: float = 0.5) -> pd.DataFrame:
    """Bounds on the number of sessions in every community x period cell of fan2018 Fig. 1.

    A stated interval of ``a`` to ``b`` units over an active span of ``L`` units allows
    ``ceil(L / (b + tolerance))`` to ``floor(L / (a - tolerance))`` sessions; a stated rate of
    ``a`` to ``b`` per unit allows ``ceil(L (a - tolerance))`` to ``floor(L (b + tolerance))``.
    Cells before a community started, and Tuanjiehu in the first half of 2015, are
    structural zeros. Every cell is covered by exactly one rule.

    Returns one row per cell: ``community``, ``period``, ``rule``, ``weeks`` (active),
    ``low``, ``high``, ``structural_zero``.
    """
    if not 0 <= tolerance < 1:
        raise ValueError(f"tolerance must be in [0, 1), not {tolerance!r}")
    covered: dict[tuple[str, str], dict] = {}
    for rule in FREQUENCY_RULES:
        for community in rule["communities"]:
            for period in rule["periods"]:
                key = (community, period)
                previous = covered.get(key)
                if previous is None or previous["kind"] == rule["kind"] == "none":
                    covered[key] = rule
                elif "none" in (previous["kind"], rule["kind"]):
                    # a stated absence is an exception to the general rule
                    covered[key] = previous if previous["kind"] == "none" else rule
                else:
                    raise ValueError(f"{key} is covered by two rules")
    rows = []
    for community in COMMUNITIES:
        for period in PERIODS:
            weeks = active_weeks(community, period)
            rule = covered.get((community, period))
            if weeks == 0 or rule is None or rule["kind"] == "none":
                reason = "not started" if weeks == 0 else (rule or {}).get("rule", "")
                if weeks > 0 and rule is None:
                    raise ValueError(f"no stated frequency covers {community} {period}")
                rows.append({"community": community, "period": period, "rule": reason,
                             "weeks": weeks, "low": 0, "high": 0, "structural_zero": True})
                continue
            span = weeks if rule["unit"] == "week" else weeks * DAYS_PER_WEEK / DAYS_PER_MONTH
            a, b = _stated(registry, rule["low"]), _stated(registry, rule["high"])
            if rule["kind"] == "interval":
                low = math.ceil(span / (b + tolerance) - 1e-12)
                high = math.floor(span / (a - tolerance) + 1e-12) if a > tolerance else 10**6
            else:
                low = math.ceil(span * (a - tolerance) - 1e-12)
                high = math.floor(span * (b + tolerance) + 1e-12)
            rows.append({"community": community, "period": period, "rule": rule["rule"],
                         "weeks": weeks, "low": max(low, 1), "high": high,
                         "structural_zero": False})
    return pd.DataFrame(rows)


def literal_minimum(registry: pd.DataFrame) -> pd.DataFrame:
    """The fewest sessions the stated frequencies allow when read literally (tolerance 0),
    by rule: ``rule``, ``cells``, ``minimum``. Their sum against the printed 214 shows
    whether the words can be taken at face value."""
    bands = frequency_bands(registry, tolerance=0.0)
    bands = bands[~bands["structural_zero"]]
    return (
        bands.groupby("rule", sort=False)
        .agg(cells=("low", "size"), minimum=("low", "sum"), maximum=("high", "sum"))
        .reset_index()
    )


def band_matrices(bands: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``low`` and ``high`` as 4 x 6 integer arrays (communities x periods)."""
    low = bands.pivot_table(index="community", columns="period", values="low", aggfunc="sum")
    high = bands.pivot_table(index="community", columns="period", values="high", aggfunc="sum")
    order = (list(COMMUNITIES), list(PERIODS))
    return (low.loc[order[0], order[1]].to_numpy(int), high.loc[order[0], order[1]].to_numpy(int))


def table_frame(table: np.ndarray) -> pd.DataFrame:
    """A 4 x 6 array as a DataFrame with community rows and period columns."""
    return pd.DataFrame(np.asarray(table, dtype=int), index=pd.Index(COMMUNITIES, name="community"),
                        columns=pd.Index(PERIODS, name="period"))


def statistic_window(printed: str) -> tuple[float, float]:
    """The values ``[low, high)`` that round (half away from zero) to a printed positive
    statistic: ``"48.75"`` -> ``(48.745, 48.755)``."""
    parsed = parse_printed(printed)
    half = 0.5 * 10.0 ** (-parsed.decimals)
    return float(parsed.value) - half, float(parsed.value) + half


def chi2_tables(tables: np.ndarray) -> np.ndarray:
    """Pearson's chi-square of independence for each table in a stack ``(m, r, c)``,
    vectorised (equal to :func:`analysis.stats.chi2_independence`, tested)."""
    tables = np.asarray(tables, dtype=float)
    total = tables.sum(axis=(1, 2))[:, None, None]
    expected = tables.sum(axis=2)[:, :, None] * tables.sum(axis=1)[:, None, :] / total
    return ((tables - expected) ** 2 / expected).sum(axis=(1, 2))


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


# --------------------------------------------------------------------------------------
# Counting and sampling tables with cell bounds and a fixed total


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
    completed = tables[draw].copy()
    completed[:, i1, j1] = values[column]
    completed[:, i2, j2] = other[draw, column]
    return draw, completed, valid.sum(axis=1)


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
    shape = low.shape
    band_count = count_band_tables(low, high, total)
    cells = _free_cells(low, high)
    pair = (cells[-2], cells[-1])
    proposal = _proposal(low, high, total)
    lo, hi = window
    centre = (lo + hi) / 2

    def run(size: int):
        tables, log_w = sample_tables(proposal, shape, size, rng)
        draw, completed, counts = _completions(tables, pair, low, high)
        statistic = chi2_tables(completed)
        log_unit = math.log(proposal.suffix[0][total]) - log_w[draw] - np.log(counts[draw])
        return draw, completed, statistic, log_unit

    tuned = len(cells) - 2
    for _ in range(rounds):
        _draw, completed, statistic, log_unit = run(draws // 2)
        distance = np.abs(statistic - centre)
        inside = distance < (hi - lo) / 2
        keep = inside if inside.sum() >= elite * len(completed) else (
            distance <= np.quantile(distance, elite))
        ratio = np.exp(log_unit[keep] - log_unit[keep].max())
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
        proposal = _proposal(low, high, total, tuple(weights))
    _draw, completed, statistic, log_unit = run(draws)
    accepted = (statistic >= lo) & (statistic < hi)
    per_draw = np.bincount(_draw, weights=np.where(accepted, np.exp(log_unit), 0.0),
                           minlength=draws)
    estimate = per_draw.mean()
    error = per_draw.std(ddof=1) / math.sqrt(draws)
    found = completed[accepted]
    if len(found) == 0:
        return Feasible(np.zeros((0, *shape), dtype=np.int64), np.zeros(0), band_count, 0.0,
                        0.0, 3.0 * band_count / draws, draws, 0)
    flat = found.reshape(len(found), -1)
    unique, inverse = np.unique(flat, axis=0, return_inverse=True)
    weight = np.bincount(inverse.ravel(), weights=np.exp(log_unit[accepted]))
    return Feasible(
        witnesses=unique.reshape(len(unique), *shape),
        weights=weight / weight.sum(),
        band_tables=band_count,
        estimate=float(estimate),
        low=float(max(estimate - 1.96 * error, 0.0)),
        high=float(estimate + 1.96 * error),
        draws=draws,
        accepted=int(accepted.sum()),
    )


def first_period_ends(tables: np.ndarray, registry: pd.DataFrame) -> np.ndarray:
    """Whether the first period's average intervals, in months, span the printed "one or two
    months": one initial community's rounds to the lower, the other's to the upper end."""
    tables = np.asarray(tables)
    months = active_weeks("tuanjiehu", "2013H2") * DAYS_PER_WEEK / DAYS_PER_MONTH
    rule = FREQUENCY_RULES[0]
    a, b = _stated(registry, rule["low"]), _stated(registry, rule["high"])
    interval = months / tables[:, :2, 0]
    rounded = np.floor(interval + 0.5)
    return (rounded.min(axis=1) == a) & (rounded.max(axis=1) == b)


def choose_table(feasible: Feasible, registry: pd.DataFrame) -> np.ndarray:
    """The reconstruction: among the witnesses whose first-period intervals span the printed
    "one or two months" (:func:`first_period_ends`), the one nearest (least squares) to the
    importance-weighted mean of all witnesses; ties broken by the smallest cells in reading
    order."""
    if len(feasible.witnesses) == 0:
        raise ValueError("no feasible table to choose from")
    mean = np.tensordot(feasible.weights, feasible.witnesses.astype(float), axes=1)
    candidates = feasible.witnesses[first_period_ends(feasible.witnesses, registry)]
    if len(candidates) == 0:
        candidates = feasible.witnesses
    distance = ((candidates - mean) ** 2).sum(axis=(1, 2))
    best = candidates[distance == distance.min()]
    order = np.lexsort(best.reshape(len(best), -1).T[::-1])
    return best[order[0]]


# --------------------------------------------------------------------------------------
# Session-level records

#: Formats named in fan2018 (Results: Service process); their frequencies are not printed.
#: The reconstruction gives each category the format its examples suggest (an assumption).
FORMAT_OF_CATEGORY = {
    "daily_life_skills": "group discussion",
    "social_skills": "role play",
    "mental_disorder_knowledge": "lecture",
    "entertainment": "group discussion",
    "fine_motor_exercise": "outdoor exercise",
    "personal_perceptions": "personal sharing",
    "healthy_lifestyle": "lecture",
    "emotional_support": "personal sharing",
}

#: Durations (minutes) the reconstruction draws from, by format, in 10-minute steps; the
#: paper prints only the range, 40 to 120 min, "depending on the activity theme and format".
DURATION_RANGE = {
    "group discussion": (60, 90),
    "role play": (60, 90),
    "lecture": (60, 90),
    "personal sharing": (40, 90),
    "outdoor exercise": (60, 120),
}

SESSION_COLUMNS = [
    "session_id", "community", "period", "date", "category", "format", "mode",
    "duration_min", "peers_leading", "peers_assisting",
]


def _dates(community: str, period: str, sessions: int) -> list[dt.date]:
    """``sessions`` dates spread evenly over the part of ``period`` after the community
    started (the midpoints of equal slices)."""
    row = period_table().set_index("period").loc[period]
    start = max(row["start"], COMMUNITY_START[community])
    days = (row["end"] - start).days
    return [start + dt.timedelta(days=int((k + 0.5) * days / sessions)) for k in range(sessions)]


def group_sessions(total: int, printed: str) -> int:
    """How many of ``total`` sessions were held in groups, from the printed percentage
    (fan2019 Methods: "Most (98.6%) of the services were conducted in group"): the count
    whose share rounds to ``printed``; an error unless exactly one does."""
    from analysis.contents import count_options

    options = count_options(printed, total)
    if len(options) != 1:
        raise ValueError(f"{printed}% of {total} is {options}: not a single count")
    return options[0]


def reconstruct_sessions(table: np.ndarray, category_counts: pd.Series, registry: pd.DataFrame,
                         seed: int) -> pd.DataFrame:
    """One row per session (columns :data:`SESSION_COLUMNS`), from a community x period
    ``table`` and the category counts.

    - dates: evenly spread within each community's active part of the period;
    - categories: spread over the community x period cells as close to proportional as
      integers allow (:func:`analysis.allocation.allocate`), then shuffled within each cell
      (``seed``);
    - format: :data:`FORMAT_OF_CATEGORY`; duration: drawn in 10-minute steps from
      :data:`DURATION_RANGE` (``seed``), with the printed minimum and maximum each given to
      one session;
    - mode: the count of group sessions from fan2019's 98.6%; the individual sessions are
      drawn (``seed``) among the emotional support sessions;
    - one peer leading and one assisting in every session ("at least two peers, with one
      leading and the other one assisting").
    """
    from analysis.allocation import allocate

    rng = np.random.default_rng(seed)
    frame = table_frame(table)
    cells = frame.stack()  # noqa: PD013
    cells = cells[cells > 0]
    columns = pd.Series(cells.to_numpy(), index=[f"{c}|{p}" for c, p in cells.index])
    spread = allocate(category_counts, columns)
    rows = []
    for (community, period), sessions in cells.items():
        labels = np.repeat(spread.index.to_numpy(), spread[f"{community}|{period}"].to_numpy())
        labels = rng.permutation(labels)
        for date, category in zip(_dates(community, period, int(sessions)), labels, strict=True):
            rows.append({"community": community, "period": period, "date": date,
                         "category": str(category)})
    out = pd.DataFrame(rows).sort_values(["date", "community"], kind="stable")
    out = out.reset_index(drop=True)
    out.insert(0, "session_id", [f"S{k + 1:03d}" for k in range(len(out))])
    out["format"] = out["category"].map(FORMAT_OF_CATEGORY)
    durations = []
    for form in out["format"]:
        low, high = DURATION_RANGE[form]
        durations.append(int(rng.integers(low // 10, high // 10 + 1)) * 10)
    out["duration_min"] = durations
    low = int(value(registry, "fan2018.results.session_duration_min.sessions.other"))
    high = int(value(registry, "fan2018.results.session_duration_max.sessions.other"))
    out.loc[out["format"].eq("personal sharing").idxmax(), "duration_min"] = low
    out.loc[out["format"].eq("outdoor exercise").idxmax(), "duration_min"] = high
    group = group_sessions(len(out), value_text(registry,
                                                "fan2019.methods.group_services.all.percent"))
    individual = rng.choice(out.index[out["category"] == "emotional_support"],
                            size=len(out) - group, replace=False)
    out["mode"] = "group"
    out.loc[np.sort(individual), "mode"] = "individual"
    out["peers_leading"] = 1
    out["peers_assisting"] = 1
    out["date"] = out["date"].map(dt.date.isoformat)
    return out[SESSION_COLUMNS]


def value_text(registry: pd.DataFrame, row_id: str) -> str:
    """The printed text of registry row ``row_id``."""
    match = registry.loc[registry["id"] == row_id, "printed"]
    if match.empty:
        raise KeyError(f"no registry row {row_id!r}")
    return str(match.iloc[0])


def sessions_table(sessions: pd.DataFrame) -> pd.DataFrame:
    """fan2018 Fig. 1's counts from session records: communities x periods."""
    counts = pd.crosstab(sessions["community"], sessions["period"])
    return counts.reindex(index=list(COMMUNITIES), columns=list(PERIODS), fill_value=0).rename_axis(
        index="community", columns="period")


def validate_sessions(frame: pd.DataFrame, name: str = "sessions") -> pd.DataFrame:
    """Check session records (:data:`SESSION_COLUMNS`, all strings as read from CSV): known
    communities, periods and categories; an ISO date inside its period and after the
    community started; ``mode`` group or individual; whole, positive durations and peer
    counts. Raises :class:`analysis.registry.RegistryError` naming ``name``, the line and
    the column of the first problems; returns the frame with numeric columns as integers."""
    from analysis.contents import CATEGORIES
    from analysis.registry import RegistryError

    missing = [c for c in SESSION_COLUMNS if c not in frame.columns]
    if missing:
        raise RegistryError(f"{name}, line 1: missing column(s) {missing}")
    periods = period_table().set_index("period")
    problems = []

    def fail(line, column, text):
        problems.append(f"{name}, line {line}, column {column!r}: {text}")

    for line, row in frame.iterrows():
        for column, allowed in (("community", COMMUNITIES), ("period", PERIODS),
                                ("category", tuple(CATEGORIES)),
                                ("mode", ("group", "individual"))):
            if row[column] not in allowed:
                fail(line, column, f"{row[column]!r} is not one of {list(allowed)}")
        try:
            date = dt.date.fromisoformat(row["date"])
        except ValueError:
            fail(line, "date", f"{row['date']!r} is not a date (YYYY-MM-DD)")
        else:
            if row["period"] in periods.index and not (
                periods.loc[row["period"], "start"] <= date < periods.loc[row["period"], "end"]
            ):
                fail(line, "date", f"{row['date']} is outside period {row['period']}")
            if row["community"] in COMMUNITY_START and date < COMMUNITY_START[row["community"]]:
                fail(line, "date", f"{row['date']} is before {row['community']} started")
        for column, least in (("duration_min", 1), ("peers_leading", 0), ("peers_assisting", 0)):
            if not str(row[column]).isdigit() or int(row[column]) < least:
                fail(line, column, f"{row[column]!r} is not a whole number >= {least}")
    if frame["session_id"].duplicated().any():
        line = frame.index[frame["session_id"].duplicated()][0]
        fail(line, "session_id", f"{frame.loc[line, 'session_id']!r} repeated")
    if problems:
        raise RegistryError("invalid session records:\n  " + "\n  ".join(problems[:20]))
    out = frame[SESSION_COLUMNS].copy()
    for column in ("duration_min", "peers_leading", "peers_assisting"):
        out[column] = out[column].astype(int)
    return out.reset_index(drop=True)


def read_sessions(path) -> pd.DataFrame:
    """Read and validate a session file (:func:`validate_sessions`)."""
    from pathlib import Path

    from analysis.registry import read_csv_strict

    path = Path(path)
    return validate_sessions(read_csv_strict(path, SESSION_COLUMNS, exact=True), path.name)


def write_sessions(frame: pd.DataFrame, path) -> None:
    """Validate, then write session records atomically."""
    from pathlib import Path

    from analysis.report import atomic_write_text

    text = frame[SESSION_COLUMNS].astype(str)
    text.index = pd.RangeIndex(2, 2 + len(text))
    validate_sessions(text, Path(path).name)
    atomic_write_text(Path(path), frame[SESSION_COLUMNS].to_csv(index=False, lineterminator="\n"))
