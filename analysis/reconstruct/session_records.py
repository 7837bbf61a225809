"""Sessions of the peer support service: the community x period table of fan2018 Fig. 1, and
one record per session.

fan2018 (Results: Service process) prints the total (214 sessions, July 2013 to June 2016),
a chi-square test of community by six-month period (chi2(15) = 48.75, p < 0.001) and, in
words, how often sessions were held. The counts drawn in Fig. 1 are not printed. This module

- turns the printed frequencies into lower and upper bounds ("bands") for every cell of the
  4 communities x 6 periods table (:func:`frequency_bands`), reading every stated interval
  with a tolerance of ``tolerance`` units (default 0.5: "once every two weeks" covers average
  intervals of 1.5 to 2.5 weeks, the way a printed number covers what rounds to it);
- chooses one table among the feasible ones found by
  :func:`analysis.methods.tables.feasible_tables`, the one closest to their weighted mean
  (:func:`choose_table`), as the reconstruction;
- builds one record per session from it (:func:`reconstruct_sessions`);
- checks a table read off the figure against the text (:func:`check_fig1`).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from analysis.io.annotations import measure_text, measure_value
from analysis.io.design import (
    COMMUNITIES,
    COMMUNITY_START,
    DAYS_PER_MONTH,
    DAYS_PER_WEEK,
    PERIODS,
    active_weeks,
    frequency_rules,
    period_table,
)
from analysis.io.registry import printed_text, value
from analysis.io.sessions import SESSION_COLUMNS
from analysis.methods.allocation import allocate
from analysis.methods.contingency import chi2_independence
from analysis.methods.granularity import percent_counts
from analysis.methods.tables import Feasible
from analysis.printed.compare import rounding_window
from analysis.printed.rounding import round_half_away

__all__ = [
    "DURATION_RANGE",
    "FIG1_TEST",
    "FORMAT_OF_CATEGORY",
    "band_matrices",
    "check_fig1",
    "choose_table",
    "fig1_targets",
    "first_period_ends",
    "frequency_bands",
    "group_sessions",
    "literal_minimum",
    "reconstruct_sessions",
    "sessions_table",
    "table_frame",
]




_TIMES = {"once": 1, "twice": 2}

#: The registry stem of fan2018 Fig. 1's printed chi-square test (Results: Service process).
FIG1_TEST = "fan2018.results.sessions_by_community_period.communities_by_period"


def _stated(registry: pd.DataFrame, token: str) -> float:
    if token in _TIMES:
        return float(_TIMES[token])
    return float(value(registry, token))


def _rule_of_each_cell(rules: tuple[dict, ...] | None = None) -> dict[tuple[str, str], dict]:
    """The stated rule covering each community x period; a stated absence ("no session in
    Tuanjiehu") is an exception to the general rule, any other overlap an error."""
    covered: dict[tuple[str, str], dict] = {}
    for rule in frequency_rules() if rules is None else rules:
        for key in ((c, p) for c in rule["communities"] for p in rule["periods"]):
            previous = covered.get(key)
            if previous is None or previous["kind"] == rule["kind"] == "none":
                covered[key] = rule
            elif "none" in (previous["kind"], rule["kind"]):
                covered[key] = previous if previous["kind"] == "none" else rule
            else:
                raise ValueError(f"{key} is covered by two rules")
    return covered


def _band(rule: dict, weeks: float, registry: pd.DataFrame, tolerance: float) -> tuple[int, int]:
    """The fewest and most sessions ``rule`` allows over ``weeks`` active weeks."""
    span = weeks if rule["unit"] == "week" else weeks * DAYS_PER_WEEK / DAYS_PER_MONTH
    a, b = _stated(registry, rule["low"]), _stated(registry, rule["high"])
    if rule["kind"] == "interval":
        low = math.ceil(span / (b + tolerance) - 1e-12)
        high = math.floor(span / (a - tolerance) + 1e-12) if a > tolerance else 10**6
    else:
        low = math.ceil(span * (a - tolerance) - 1e-12)
        high = math.floor(span * (b + tolerance) + 1e-12)
    return max(low, 1), high


def frequency_bands(registry: pd.DataFrame, tolerance: float = 0.5,
                    rules: tuple[dict, ...] | None = None) -> pd.DataFrame:
    """Bounds on the number of sessions in every community x period cell of fan2018 Fig. 1.

    A stated interval of ``a`` to ``b`` units over an active span of ``L`` units allows
    ``ceil(L / (b + tolerance))`` to ``floor(L / (a - tolerance))`` sessions; a stated rate of
    ``a`` to ``b`` per unit allows ``ceil(L (a - tolerance))`` to ``floor(L (b + tolerance))``.
    Cells before a community started, and Tuanjiehu in the first half of 2015, are
    structural zeros. Every cell is covered by exactly one rule.

    Returns one row per cell: ``community``, ``period``, ``rule``, ``weeks`` (active),
    ``low``, ``high``, ``structural_zero``. ``rules`` replaces ``frequency_rules.csv`` (another
    reading of the text).
    """
    if not 0 <= tolerance < 1:
        raise ValueError(f"tolerance must be in [0, 1), not {tolerance!r}")
    covered = _rule_of_each_cell(rules)
    rows = []
    for community, period in ((c, p) for c in COMMUNITIES for p in PERIODS):
        weeks = active_weeks(community, period)
        rule = covered.get((community, period))
        if weeks > 0 and rule is None:
            raise ValueError(f"no stated frequency covers {community} {period}")
        cell = {"community": community, "period": period, "weeks": weeks}
        if weeks == 0 or rule["kind"] == "none":
            reason = "not started" if weeks == 0 else rule["rule"]
            rows.append({**cell, "rule": reason, "low": 0, "high": 0, "structural_zero": True})
            continue
        low, high = _band(rule, weeks, registry, tolerance)
        rows.append({**cell, "rule": rule["rule"], "low": low, "high": high,
                     "structural_zero": False})
    return pd.DataFrame(rows)[["community", "period", "rule", "weeks", "low", "high",
                               "structural_zero"]]


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


#: The rule whose literal reading ("once or twice each week") needs the most sessions.
WEEKLY_RULE = "2015-2016, first two communities"


def literal_bound(registry: pd.DataFrame, tolerance: float = 0.5) -> tuple[int, int]:
    """fan2018 Results, "once or twice each week": the fewest sessions that rule needs read
    literally, and a lower bound on the total: that minimum plus the fewest the other rules
    allow when read with ``tolerance``. A bound above the printed total proves the words
    cannot be literal."""
    literal = literal_minimum(registry).set_index("rule")
    bands = frequency_bands(registry, tolerance=tolerance)
    loose = bands[~bands["structural_zero"]].groupby("rule")["low"].sum()
    weekly = int(literal.loc[WEEKLY_RULE, "minimum"])
    return weekly, int(weekly + loose.drop(WEEKLY_RULE).sum())


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


def first_period_ends(tables: np.ndarray, registry: pd.DataFrame) -> np.ndarray:
    """Whether the first period's average intervals, in months, span the printed "one or two
    months": one initial community's rounds to the lower, the other's to the upper end."""
    tables = np.asarray(tables)
    months = active_weeks("tuanjiehu", "2013H2") * DAYS_PER_WEEK / DAYS_PER_MONTH
    rule = frequency_rules()[0]
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

    options = percent_counts(printed, total)
    if len(options) != 1:
        raise ValueError(f"{printed}% of {total} is {options}: not a single count")
    return options[0]


def reconstruct_sessions(table: np.ndarray, category_counts: pd.Series, registry: pd.DataFrame,
                         seed: int) -> pd.DataFrame:
    """One row per session (columns :data:`SESSION_COLUMNS`), from a community x period
    ``table`` and the category counts.

    - dates: evenly spread within each community's active part of the period;
    - categories: spread over the community x period cells as close to proportional as
      integers allow (:func:`analysis.methods.allocation.allocate`), then shuffled within each cell
      (``seed``);
    - format: :data:`FORMAT_OF_CATEGORY`; duration: drawn in 10-minute steps from
      :data:`DURATION_RANGE` (``seed``), with the printed minimum and maximum each given to
      one session;
    - mode: the count of group sessions from fan2019's 98.6%; the individual sessions are
      drawn (``seed``) among the emotional support sessions;
    - one peer leading and one assisting in every session ("at least two peers, with one
      leading and the other one assisting").
    """

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
    low, high = (int(measure_value(registry, f"duration_{end}")) for end in ("min", "max"))
    out.loc[out["format"].eq("personal sharing").idxmax(), "duration_min"] = low
    out.loc[out["format"].eq("outdoor exercise").idxmax(), "duration_min"] = high
    group = group_sessions(len(out), measure_text(registry, "group_share"))
    individual = rng.choice(out.index[out["category"] == "emotional_support"],
                            size=len(out) - group, replace=False)
    out["mode"] = "group"
    out.loc[np.sort(individual), "mode"] = "individual"
    out["peers_leading"] = 1
    out["peers_assisting"] = 1
    out["date"] = out["date"].map(dt.date.isoformat)
    return out[SESSION_COLUMNS]


def sessions_table(sessions: pd.DataFrame) -> pd.DataFrame:
    """fan2018 Fig. 1's counts from session records: communities x periods."""
    counts = pd.crosstab(sessions["community"], sessions["period"])
    return counts.reindex(index=list(COMMUNITIES), columns=list(PERIODS), fill_value=0).rename_axis(
        index="community", columns="period")


def check_fig1(table: np.ndarray, bands: pd.DataFrame, registry: pd.DataFrame) -> pd.DataFrame:
    """Test a community x period table against the text: the printed total, the printed
    chi-square and df, the structural zeros, and the stated frequencies (bands). Returns
    ``check``, ``expected``, ``observed``, ``ok``."""
    table = np.asarray(table, dtype=int)
    low, high = band_matrices(bands)
    stem = FIG1_TEST
    printed = registry.set_index("id")["printed"]
    total = measure_text(registry, "sessions_total")
    rows = [{"check": "total sessions", "expected": total, "observed": str(int(table.sum())),
             "ok": int(table.sum()) == int(total)}]
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


def fig1_targets(registry: pd.DataFrame) -> tuple[int, tuple[float, float]]:
    """What every Fig. 1 table must give: the printed number of sessions, and the window of
    chi-square values that round to the printed one (``[48.745, 48.755)``)."""
    total = int(measure_value(registry, "sessions_total"))
    return total, rounding_window(printed_text(registry, f"{FIG1_TEST}.statistic"))
