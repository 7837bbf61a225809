"""Notebook 02, service process: summaries of the session records, and every printed number
of fan2018 (Results: Service process; Fig. 1) and fan2019 (Methods: Peer support service
intervention) judged against them.

Summaries: :func:`intervals`, :func:`frequency_by_year`, :func:`cell_ranges` (each Fig. 1
cell: band, feasible range, reconstruction) and :func:`structural_zero_effect`. Handlers, one
per paragraph of the papers: :func:`judge_fan2018_sessions` (totals, periods and the chi-square
test), :func:`judge_fan2018_frequency` (the stated intervals), :func:`judge_fan2018_peers`,
:func:`judge_session_format` (durations, peers per session, group sessions: both papers) and
:func:`judge_fan2019_schedule`; :func:`results` runs them all.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import stats

from analysis.evidence.levels import Bound, judged
from analysis.io.annotations import load_readings, measure_value, stage_rows
from analysis.io.cache import memoised
from analysis.io.design import (
    COMMUNITIES,
    COMMUNITY_LABEL,
    COMMUNITY_WAVE,
    DAYS_PER_MONTH,
    DAYS_PER_WEEK,
    PERIOD_LABEL,
    PERIODS,
    active_weeks,
    frequency_rules,
    period_table,
)
from analysis.io.registry import value
from analysis.methods.contingency import chi2_independence
from analysis.methods.exact_tables import (
    cell_bounds,
    linear_bounds,
    witness_extremes_quasi,
)
from analysis.methods.tables import Feasible, quasi_independence
from analysis.printed.claims import Claims
from analysis.reconstruct.session_records import (
    FIG1_TEST,
    band_matrices,
    fig1_targets,
    sessions_table,
)
from analysis.stages.design_counts import (
    judge_community_counts,
    judge_listed_counts,
    judge_service_years,
)

__all__ = [
    "STAGE",
    "cell_ranges",
    "exact_cells",
    "frequency_by_year",
    "interval_bounds",
    "intervals",
    "judge_fan2018_frequency",
    "judge_fan2018_peers",
    "judge_fan2018_sessions",
    "judge_fan2019_schedule",
    "judge_session_format",
    "quasi_witnesses",
    "ratio_readings",
    "results",
    "structural_zero_effect",
    "structural_zero_sentence",
    "with_witness",
]

STAGE = "02_service_process"


def _months(weeks: float) -> float:
    return weeks * DAYS_PER_WEEK / DAYS_PER_MONTH


def intervals(table: pd.DataFrame) -> pd.DataFrame:
    """Average interval between sessions in each community x period cell: ``community``,
    ``period``, ``sessions``, ``weeks`` (active), ``interval_weeks``, ``interval_months``
    (empty cells omitted)."""
    rows = []
    for community in table.index:
        for period in table.columns:
            n = int(table.loc[community, period])
            if n == 0:
                continue
            weeks = active_weeks(community, period)
            rows.append({"community": community, "period": period, "sessions": n,
                         "weeks": weeks, "interval_weeks": weeks / n,
                         "interval_months": _months(weeks) / n})
    return pd.DataFrame(rows)


def _pooled_interval(table: pd.DataFrame, communities, periods) -> float:
    weeks = sum(active_weeks(c, p) for c in communities for p in periods)
    return weeks / int(table.loc[list(communities), list(periods)].to_numpy().sum())


def frequency_by_year(table: pd.DataFrame) -> pd.DataFrame:
    """Sessions, active weeks and sessions per week for each community and calendar year
    (2013 and 2016 are half years)."""
    rows = []
    for community in table.index:
        for year in sorted({p[:4] for p in table.columns}):
            periods = [p for p in table.columns if p.startswith(year)]
            weeks = sum(active_weeks(community, p) for p in periods)
            if weeks == 0:
                continue
            n = int(table.loc[community, periods].sum())
            rows.append({"community": community, "year": int(year), "sessions": n,
                         "weeks": round(weeks, 2), "per_week": n / weeks,
                         "interval_weeks": weeks / n if n else np.nan})
    return pd.DataFrame(rows)


def cell_ranges(feasible: Feasible, bands: pd.DataFrame, chosen: np.ndarray,
                exact: pd.DataFrame | None = None) -> pd.DataFrame:
    """For every cell of Fig. 1: the band the text allows (an outer bound), the exact minimum
    and maximum over every consistent table (``exact``: ``community``, ``period``, ``min``,
    ``max``, proved by :func:`analysis.methods.exact_tables.cell_bounds`), the range among
    the sampler's witnesses (an inner bound, labelled ``sampled``), their importance-weighted
    mean, and the chosen reconstruction."""
    low, high = band_matrices(bands)
    witnesses = feasible.witnesses
    mean = np.tensordot(feasible.weights, witnesses.astype(float), axes=1)
    proved = None if exact is None else exact.set_index(["community", "period"])
    rows = []
    for i, community in enumerate(COMMUNITIES):
        for j, period in enumerate(PERIODS):
            row = {"community": community, "period": period,
                   "band_low": int(low[i, j]), "band_high": int(high[i, j])}
            if proved is not None:
                found = proved.loc[(community, period)] if (community, period) in proved.index \
                    else {"min": 0, "max": 0}
                row |= {"exact_min": int(found["min"]), "exact_max": int(found["max"])}
            rows.append(row | {"sampled_min": int(witnesses[:, i, j].min()),
                               "sampled_max": int(witnesses[:, i, j].max()),
                               "sampled_mean": float(mean[i, j]),
                               "table_used": int(chosen[i, j])})
    return pd.DataFrame(rows)


def structural_zero_effect(feasible: Feasible, bands: pd.DataFrame, chosen: np.ndarray,
                           registry: pd.DataFrame, witnesses: np.ndarray | None = None
                           ) -> pd.DataFrame:
    """Fig. 1's test two ways, one row each (``variant``): the paper's Pearson chi-square on
    the full table (structural zeros counted as observed zeros, df 15), and the test of
    quasi-independence that leaves them out (df 6; Bishop, Fienberg & Holland 1975 ch. 5).

    Columns: ``df``, ``statistic`` and ``p`` of the chosen table; ``p_low``, ``p_high``, the
    range of p over the consistent tables, and ``basis``, how that range is known. Pearson's
    range is exact: every consistent table has a statistic in the printed value's rounding
    window. Quasi-independence needs iterative fitting, so its range is over the feasible
    tables found (the sampler's witnesses and any extra ``witnesses``, e.g. from a search):
    an inner bound, labelled as sampled."""
    structural = band_matrices(bands)[1] == 0
    found = feasible.witnesses if witnesses is None else np.concatenate(
        [feasible.witnesses, np.asarray(witnesses).reshape(-1, *structural.shape)])
    quasi_all = quasi_independence(found, structural)
    quasi = quasi_independence(chosen, structural).iloc[0]
    pearson = chi2_independence(chosen).iloc[0]
    exact = fig1_p_bound(registry, int(pearson["df"]))
    sampled = (f"sampled: {len(found):,} distinct feasible tables (importance sampler"
               f"{' and search' if witnesses is not None else ''}); not a bound")
    return pd.DataFrame([
        {"variant": "pearson", "df": int(pearson["df"]), "statistic": float(pearson["statistic"]),
         "p": float(pearson["p"]), "p_low": exact.low, "p_high": exact.high,
         "basis": f"exact over every consistent dataset ({exact.method})"},
        {"variant": "quasi_independence", "df": int(quasi["df"]),
         "statistic": float(quasi["statistic"]), "p": float(quasi["p"]),
         "p_low": float(quasi_all["p"].min()), "p_high": float(quasi_all["p"].max()),
         "basis": sampled},
    ])


def structural_zero_sentence(bands: pd.DataFrame, full_df: int) -> str:
    """Notebook 02: which cells of fan2018 Fig. 1 are structural zeros (a community not yet
    started, or paused), how many, and the df of the test that leaves them out (the
    quasi-independence test of Bishop, Fienberg & Holland 1975, ch. 5)."""
    zeros = bands[bands["structural_zero"]]
    where = "; ".join(
        f"{COMMUNITY_LABEL[community]} in {', '.join(PERIOD_LABEL[p] for p in group['period'])}"
        for community, group in zeros.groupby("community", sort=False))
    n, df = len(zeros), full_df - len(zeros)
    return (f"No sessions could be held in {n} cells: {where} (not yet started, or paused). "
            "Counting them as observed zeros makes \"community\" and \"period\" associated by "
            f"design. The test of **quasi-independence** leaves them out (df = {full_df} − {n} = "
            f"{df}) and asks only whether communities that were running differed in how their "
            "sessions spread over time.")


def _rules() -> dict[str, dict]:
    return {rule["rule"]: rule for rule in frequency_rules()}


def _first_period() -> tuple[list[str], str]:
    """The initial communities and the first period (the first stated rule)."""
    first = _rules()["first six months"]
    return list(first["communities"]), first["periods"][0]


def fig1_p_bound(registry: pd.DataFrame, df: int) -> Bound:
    """The exact range of Fig. 1's p over every table consistent with the printed test: the
    statistic lies in the rounding window of the printed chi-square, and p falls as it
    rises (an upper tail of a chi-square distribution with ``df`` degrees of freedom)."""
    _total, (low, high) = fig1_targets(registry)
    return Bound(float(stats.chi2.sf(high, df)), float(stats.chi2.sf(low, df)),
                 f"every consistent table has chi-square({df}) in [{low:g}, {high:g}), the "
                 "printed statistic's rounding window; p falls as the statistic rises",
                 exact=True)


def judge_fan2018_sessions(claims: Claims, records: pd.DataFrame, registry: pd.DataFrame) -> None:
    """fan2018 Abstract and Results: Service process: 214 sessions (printed in fan2019 too)
    over three years, the six-month periods of Fig. 1, and Fig. 1's chi-square test."""
    table = sessions_table(records)
    periods = period_table()
    test = chi2_independence(table).iloc[0]
    initial, first_period = _first_period()
    claims.measure("sessions_total", "constraint", ("sessions in the records", len(records)))
    judge_service_years(claims)
    claims.measure("period_length_months", "constraint", (
        "mean length of the periods (months)",
        float(np.mean([_months((e - s).days / 7) for s, e in
                       zip(periods["start"], periods["end"], strict=True)]))))
    stem = FIG1_TEST
    claims.add(f"{stem}.statistic", "constraint",
               ("Pearson chi-square, 4 communities x 6 periods", float(test["statistic"])))
    claims.add(f"{stem}.df", "printed", (
        "(communities - 1) x (periods - 1) (data/design)",
        (len(COMMUNITIES) - 1) * (len(PERIODS) - 1)))
    claims.add(f"{stem}.p", "derived", ("Pearson chi-square", float(test["p"])))
    claims.bound(f"{stem}.p", fig1_p_bound(registry, int(test["df"])))
    claims.measure("first_period_months", "constraint", (
        "length of the first period (months)", _months(active_weeks(initial[0], first_period))))
    claims.measure("communities_first_period", "constraint", (
        "communities with sessions in 2013 H2", int((table[first_period] > 0).sum())))


def judge_fan2018_frequency(claims: Claims, records: pd.DataFrame) -> None:
    """fan2018 Results: Service process: how often sessions were held in each phase, read
    back from the records as mean intervals (the sentences of ``frequency_rules.csv``)."""
    table = sessions_table(records)
    rules = _rules()
    initial, first_period = _first_period()
    later, late = (list(rules["2015-2016, newer two communities"][key])
                   for key in ("communities", "periods"))
    year2 = list(rules["second year"]["periods"])
    first = intervals(table)
    first = first[(first["period"] == first_period) & first["community"].isin(initial)]
    for pick, word in (("min", "shorter"), ("max", "longer")):
        claims.measure(f"first_period_interval_{pick}", "constraint", (
            f"{word} mean interval of the two communities, 2013 H2 (months)",
            float(first["interval_months"].agg(pick))))
    claims.measure("year2_interval", "constraint", (
        "mean interval, first two communities, 2014 (weeks)",
        _pooled_interval(table, initial, year2)))
    claims.measure("communities_year2", "constraint", (
        "communities with sessions in 2014", int((table[year2].sum(axis=1) > 0).sum())))
    pause = rules["no session in Tuanjiehu"]
    paused, pause_period = pause["communities"][0], pause["periods"][0]
    claims.measure("pause_months", "constraint", (
        "length of Tuanjiehu's period without sessions (months)",
        _months(active_weeks(paused, pause_period)) if table.loc[paused, pause_period] == 0
        else 0.0))
    starts = records.groupby("community")["date"].min()
    claims.measure("new_communities_aug2015", "constraint", (
        "communities whose first session is in August 2015",
        int(starts.str.startswith("2015-08").sum())))
    late_interval = pd.Series({c: _pooled_interval(table, [c], late) for c in table.index})
    claims.measure("communities_weekly", "constraint", (
        "communities meeting at least weekly in 2015 H2-2016 H1 (mean interval under 1.5 "
        "weeks)", int((late_interval < 1.5).sum())))
    claims.measure("communities_biweekly", "constraint", (
        "communities with a mean interval of 1.5-2.5 weeks in 2015 H2-2016 H1",
        int(late_interval.between(1.5, 2.5, inclusive="left").sum())))
    claims.measure("later_interval", "constraint", (
        "mean interval, newer two communities (weeks)", _pooled_interval(table, later, late)))


def judge_fan2018_peers(claims: Claims, people18: pd.DataFrame) -> None:
    """fan2018 Results: the Tuanjiehu peer who quit in 2015, from the participant table (the
    Maizidian peer's temporary leave is not in any record: not reproducible)."""
    peers = people18[(people18["role"] == "peer") & (people18["community"] == "tuanjiehu")]
    claims.measure("peers_quit_2015", "constraint", (
        "Tuanjiehu peers who left in 2015 (participant table)",
        int((peers["year_left"] == "2015").sum())))


def judge_session_format(claims: Claims, records: pd.DataFrame) -> None:
    """Both papers: how long sessions lasted, how many peers ran them, and the share held
    in groups (fan2019 Methods)."""
    durations = records["duration_min"].astype(int)
    for stat in ("min", "max"):
        claims.measure(f"duration_{stat}", "constraint",
                       (f"{stat} duration (min)", durations.agg(stat)))
    peers = records["peers_leading"].astype(int) + records["peers_assisting"].astype(int)
    claims.measure("peers_per_session", "constraint",
                   ("fewest peers in a session", int(peers.min())))
    for column, word in (("peers_leading", "leading"), ("peers_assisting", "assisting")):
        claims.measure(column, "constraint", (f"peers {word} a session (most common)",
                                              int(records[column].mode().iloc[0])))
    claims.measure("group_share", "constraint",
                   ("group sessions / sessions x 100", 100 * (records["mode"] == "group").mean()))


def judge_fan2019_schedule(claims: Claims, records: pd.DataFrame, registry: pd.DataFrame,
                     bounds: dict[str, Bound] | None = None) -> None:
    """fan2019 Methods: the provider:consumer ratio (from the printed fan2018 Table 1), the
    service intervals after the first months, and the communities with a schedule."""
    table = sessions_table(records)
    _initial, first_period = _first_period()
    readings = ratio_readings(registry)
    for pick in ("min", "max"):
        claims.readings(f"consumers_per_provider_{pick}", "printed", readings[pick],
                        load_readings())
    after = intervals(table)
    after = after[after["period"] != first_period]
    for pick, word in (("min", "shortest"), ("max", "longest")):
        claims.measure(f"service_interval_{pick}", "derived", (
            f"{word} mean interval of a community in a period after the first (weeks)",
            float(after["interval_weeks"].agg(pick))))
        if bounds is not None:
            claims.bound(f"service_interval_{pick}", bounds[pick])
    judge_community_counts(claims, {f"communities_schedule_{wave}": wave
                              for wave in ("initial", "later")})


@memoised
def exact_cells(bands: pd.DataFrame, registry: pd.DataFrame) -> pd.DataFrame:
    """The exact minimum and maximum of every cell of Fig. 1 that can hold sessions, over
    every table consistent with the text (the bands, the printed total and chi-square):
    ``community``, ``period``, ``min``, ``max``, ``exact`` and ``method``, proved by
    :func:`analysis.methods.exact_tables.cell_bounds` (a witness at each end, and a proof
    that nothing lies beyond)."""
    total, window = fig1_targets(registry)
    low, high = band_matrices(bands)
    found = cell_bounds(low, high, total, window)
    return pd.DataFrame({"community": [COMMUNITIES[i] for i in found["row"]],
                         "period": [PERIODS[j] for j in found["column"]],
                         "min": found["min"], "max": found["max"], "exact": found["exact"],
                         "method": found["method"]})


def with_witness(feasible: Feasible, bands: pd.DataFrame, registry: pd.DataFrame
                 ) -> tuple[Feasible, bool]:
    """``feasible`` unchanged if the sampler found a table that meets the text; otherwise (too
    few ``draws``) the same with one witness, a table the solver verified
    (:func:`analysis.methods.exact_tables.linear_bounds`), and True: a reconstruction then
    still has a table, and the sampled ranges are that one table."""
    if len(feasible.witnesses):
        return feasible, False
    total, window = fig1_targets(registry)
    low, high = band_matrices(bands)
    found = linear_bounds(low, high, total, window, (high > 0).astype(int))
    table = np.array(found["min_witness"], dtype=np.int64).reshape(1, *low.shape)
    return dataclasses.replace(feasible, witnesses=table, weights=np.ones(1)), True


@memoised
def quasi_witnesses(bands: pd.DataFrame, registry: pd.DataFrame) -> np.ndarray:
    """Verified feasible Fig. 1 tables with an extreme statistic of quasi-independence, found
    by :func:`analysis.methods.exact_tables.witness_extremes_quasi` (one start, a search,
    not a bound): evidence that such tables exist, to add to the sampler's; none if the
    search finds none."""
    total, window = fig1_targets(registry)
    low, high = band_matrices(bands)
    try:
        search = witness_extremes_quasi(low, high, total, window, starts=1, rounds=30)
    except RuntimeError:  # the search found none (a search: that proves nothing either way)
        return np.zeros((0, *low.shape), dtype=np.int64)
    return np.array([list(w) for w in search["witness"]]).reshape(-1, *low.shape)


def _after_first(bands: pd.DataFrame) -> pd.DataFrame:
    """The cells of Fig. 1 that can hold sessions, after the first period, with their active
    weeks."""
    _initial, first_period = _first_period()
    cells = bands[~bands["structural_zero"] & (bands["period"] != first_period)]
    return cells.reset_index(drop=True)


def interval_bounds(bands: pd.DataFrame, witnesses: np.ndarray,
                    cells: pd.DataFrame | None = None) -> dict[str, Bound]:
    """The range of fan2019's shortest and longest mean interval (weeks between sessions of
    a community in a period after the first) over the tables consistent with fan2018.

    With ``cells`` (exact per-cell minima and maxima: ``community``, ``period``, ``min``,
    ``max``), proved bounds: the shortest interval of any table lies in
    ``[min_c w_c / max_c, min_c w_c / min_c]`` and the longest in
    ``[max_c w_c / max_c, max_c w_c / min_c]`` (w: active weeks; the first end of the one and
    the second end of the other are attained by the table that extremises that cell).
    Without, the range over the ``witnesses`` (sampled, labelled so)."""
    after = _after_first(bands)
    rows = [COMMUNITIES.index(c) for c in after["community"]]
    cols = [PERIODS.index(p) for p in after["period"]]
    weeks = after["weeks"].to_numpy(float)
    if cells is None:
        values = weeks[None, :] / np.asarray(witnesses)[:, rows, cols]
        method = f"sampled: over the {len(witnesses):,} feasible tables found; not a bound"
        return {"min": Bound(float(values.min(axis=1).min()), float(values.min(axis=1).max()),
                             method, exact=False),
                "max": Bound(float(values.max(axis=1).min()), float(values.max(axis=1).max()),
                             method, exact=False)}
    exact = cells.set_index(["community", "period"]).loc[list(zip(
        after["community"], after["period"], strict=True))]
    short, long_ = weeks / exact["max"].to_numpy(float), weeks / exact["min"].to_numpy(float)
    method = "proved from the exact minimum and maximum of every Fig. 1 cell (CP-SAT)"
    return {"min": Bound(float(short.min()), float(long_.min()), method, exact=True),
            "max": Bound(float(short.max()), float(long_.max()), method, exact=True)}


def _consumers_per_peer(registry: pd.DataFrame) -> pd.Series:
    """Consumers per peer in each community, from fan2018 Table 1's 2016 counts (published)."""
    return pd.Series({
        c: float(value(registry, f"fan2018.table1.{c}.consumers_2016.count"))
        / float(value(registry, f"fan2018.table1.{c}.peers_2016.count"))
        for c in COMMUNITIES
    })


def _fan2019_waves(registry: pd.DataFrame) -> dict[str, tuple[int, dict[str, int]]]:
    """fan2019 Methods: each wave's consumers recruited, and its providers per community
    (measures of ``stages.csv``)."""
    return {wave: (int(measure_value(registry, f"fan2019_consumers_recruited_{wave}")),
                   {c: int(measure_value(registry, f"fan2019_peers_recruited_{c}"))
                    for c in COMMUNITIES if COMMUNITY_WAVE[c] == wave})
            for wave in ("initial", "later")}


def _split_ratio_ranges(waves: dict) -> dict[str, tuple[float, float]]:
    """The exact range of the fewest and the most consumers per provider in a community,
    over every split of each wave's consumers between its communities (at least one each)."""
    per_wave = []
    for consumers, providers in waves.values():
        (_first, p1), (_second, p2) = providers.items()
        ratios = np.array([(k / p1, (consumers - k) / p2) for k in range(1, consumers)])
        per_wave.append(ratios)
    low = np.minimum.outer(per_wave[0].min(axis=1), per_wave[1].min(axis=1)).ravel()
    high = np.maximum.outer(per_wave[0].max(axis=1), per_wave[1].max(axis=1)).ravel()
    return {"min": (float(low.min()), float(low.max())),
            "max": (float(high.min()), float(high.max()))}


def ratio_readings(registry: pd.DataFrame) -> dict[str, list]:
    """fan2019 Methods' provider:consumer ratio ("between 1:3 and 1:5 in each community")
    under each reading of ``data/published/readings.csv``: the fewest (``min``) and the
    most (``max``) consumers per provider, as attempts or an exact range."""
    table1 = _consumers_per_peer(registry)
    waves = _fan2019_waves(registry)
    pooled = pd.Series({w: c / sum(p.values()) for w, (c, p) in waves.items()})
    split = _split_ratio_ranges(waves)
    out = {}
    for pick in ("min", "max"):
        out[pick] = [
            ("fan2018_table1_2016", [("fan2018 Table 1, 2016, by community",
                                      float(table1.agg(pick)))]),
            ("fan2019_waves", [("fan2019 recruitment, by wave", float(pooled.agg(pick)))]),
            ("fan2019_communities", split[pick]),
            ("attendance", None)]
    return out


def results(registry: pd.DataFrame, records: pd.DataFrame, people18: pd.DataFrame,
            explanations: pd.DataFrame, real_data: bool = False,
            interval_bounds: dict[str, Bound] | None = None) -> pd.DataFrame:
    """Every registry row of this stage, judged from the session records and, for the peer
    who quit, the 2018 participant table."""
    claims = Claims(stage_rows(registry, STAGE), explanations)
    judge_fan2018_sessions(claims, records, registry)
    judge_fan2018_frequency(claims, records)
    judge_fan2018_peers(claims, people18)
    judge_session_format(claims, records)
    judge_fan2019_schedule(claims, records, registry, interval_bounds)
    judge_listed_counts(claims)
    return judged(claims, registry, real_data)
