"""Notebook 02, service process: summaries of the session records and the judged rows of
fan2018 (Results: Service process, Peer training and supervision; Fig. 1) and fan2019
(Methods: Peer support service intervention)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.io.design import (
    COMMUNITIES,
    DAYS_PER_MONTH,
    DAYS_PER_WEEK,
    PERIODS,
    active_weeks,
    period_table,
)
from analysis.io.registry import rows_for, value
from analysis.methods.contingency import chi2_independence
from analysis.methods.tables import Feasible, quasi_independence
from analysis.printed.claims import Claims
from analysis.reconstruct.sessions import FREQUENCY_RULES, band_matrices, sessions_table

__all__ = [
    "PROCESS_ROWS",
    "cell_ranges",
    "frequency_by_year",
    "intervals",
    "process_results",
    "structural_zero_effect",
]


#: Registry rows of notebook 02 (regular expressions on ids).
PROCESS_ROWS = [
    r"^fan2018\.abstract\.(?:assessment_domains|peer_activities|no_adverse_events_years|"
    r"activity_duration_min|activity_duration_max)\.",
    r"^fan2018\.methods\.(?:group_supervision_interval_weeks|social_workers|measure_aspects|"
    r"form_submission_interval_weeks|form_submission_interval_weeks_2|recoders)\.",
    r"^fan2018\.results\.(?:peer_sessions|period_length_months|sessions_by_community_period|"
    r"first_period_months|communities_first_period|session_interval_min_months|"
    r"session_interval_max_months|session_interval_year2_weeks|communities_year2|"
    r"period_2015_months|peer_quit|peer_temporary_leave|new_communities_aug2015|"
    r"communities_weekly_sessions|session_interval_later_weeks|communities_biweekly_sessions|"
    r"session_duration_min|session_duration_max|peers_per_session|leading_peers|"
    r"assisting_peers|training_half_days|training_workshops|training_former_communities|"
    r"training_new_communities|wechat_communities)\.",
    r"^fan2018\.fig1\.",
    r"^fan2019\.methods\.(?:services_delivered|group_services|providers_per_session|"
    r"leading_providers_per_session|ratio_consumers_per_provider_min|"
    r"ratio_consumers_per_provider_max|service_interval_weeks_min|service_interval_weeks_max|"
    r"attendance_required|communities_schedule|slow_rampup_months|service_interval_weeks_min_2|"
    r"service_interval_weeks_max_2|service_duration_min|service_duration_max|"
    r"training_half_days|slow_rampup_months_2)\.",
]


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


def cell_ranges(feasible: Feasible, bands: pd.DataFrame,
                chosen: np.ndarray) -> pd.DataFrame:
    """For every cell of Fig. 1: the band the text allows, the range among the feasible
    tables found, their importance-weighted mean, and the chosen reconstruction."""
    low, high = band_matrices(bands)
    witnesses = feasible.witnesses
    mean = np.tensordot(feasible.weights, witnesses.astype(float), axes=1)
    rows = []
    for i, community in enumerate(COMMUNITIES):
        for j, period in enumerate(PERIODS):
            rows.append({"community": community, "period": period,
                         "band_low": int(low[i, j]), "band_high": int(high[i, j]),
                         "feasible_min": int(witnesses[:, i, j].min()),
                         "feasible_max": int(witnesses[:, i, j].max()),
                         "feasible_mean": float(mean[i, j]),
                         "reconstructed": int(chosen[i, j])})
    return pd.DataFrame(rows)


def structural_zero_effect(feasible: Feasible, bands: pd.DataFrame,
                           chosen: np.ndarray) -> pd.DataFrame:
    """The printed test (Pearson, structural zeros counted as observed zeros, df 15) beside
    the test of quasi-independence that leaves them out (df 6), for the chosen table and
    across the feasible tables (weighted share with p < 0.05)."""
    structural = band_matrices(bands)[1] == 0
    quasi_all = quasi_independence(feasible.witnesses, structural)
    quasi = quasi_independence(chosen, structural).iloc[0]
    pearson = chi2_independence(chosen).iloc[0]
    significant = float(feasible.weights @ (quasi_all["p"].to_numpy() < 0.05))
    return pd.DataFrame([
        {"test": "Pearson chi-square, structural zeros as zeros (the paper's)",
         "df": int(pearson["df"]), "statistic": float(pearson["statistic"]),
         "p": float(pearson["p"]), "range_over_feasible": "48.745 to 48.755 (by construction)",
         "share_p_below_0.05": 1.0},
        {"test": "quasi-independence, structural zeros left out",
         "df": int(quasi["df"]), "statistic": float(quasi["statistic"]), "p": float(quasi["p"]),
         "range_over_feasible": f"{quasi_all['statistic'].min():.2f} to "
                                f"{quasi_all['statistic'].max():.2f}",
         "share_p_below_0.05": significant},
    ])


def process_results(registry: pd.DataFrame, records: pd.DataFrame, people18: pd.DataFrame,
                    explanations: pd.DataFrame) -> pd.DataFrame:
    """Every registry row of :data:`PROCESS_ROWS`, judged from the session records and,
    for the peer who quit, the 2018 participant table."""
    out = Claims(explanations)
    table = sessions_table(records)
    periods = period_table()
    rules = {r["rule"]: r for r in FREQUENCY_RULES}
    first_rule, second_year = rules["first six months"], rules["second year"]
    newer = rules["2015-2016, newer two communities"]
    initial, later = list(first_rule["communities"]), list(newer["communities"])
    first_period = first_rule["periods"][0]
    year2 = list(second_year["periods"])
    test = chi2_independence(table).iloc[0]
    span_years = (periods["end"].iloc[-1] - periods["start"].iloc[0]).days / 365.2425
    period_months = float(np.mean([_months((e - s).days / 7) for s, e in
                                   zip(periods["start"], periods["end"], strict=True)]))
    first = intervals(table)
    first = first[(first["period"] == first_period) & first["community"].isin(initial)]
    for row_id in ("fan2018.abstract.peer_activities.all_communities.count",
                   "fan2018.results.peer_sessions.all_communities.count",
                   "fan2019.methods.services_delivered.all.n"):
        out.add(registry, row_id, "constraint", ("sessions in the records", len(records)))
    out.add(registry, "fan2018.abstract.no_adverse_events_years.service.other", "derived",
            ("years from the first period's start to the last period's end", span_years))
    for row_id in ("fan2018.results.period_length_months.sessions.other",
                   "fan2018.fig1.period_length_months.sessions.other"):
        out.add(registry, row_id, "constraint", ("mean length of the periods (months)",
                                                 period_months))
    stem = "fan2018.results.sessions_by_community_period.communities_by_period"
    out.add(registry, f"{stem}.statistic", "constraint",
            ("Pearson chi-square, 4 communities x 6 periods", float(test["statistic"])))
    out.add(registry, f"{stem}.df", "derived", ("(rows - 1) x (columns - 1)", int(test["df"])))
    out.add(registry, f"{stem}.p", "derived", ("Pearson chi-square", float(test["p"])))
    out.add(registry, "fan2018.results.first_period_months.initial_communities.other",
            "constraint", ("length of the first period (months)",
                           _months(active_weeks(initial[0], first_period))))
    out.add(registry, "fan2018.results.communities_first_period.initial_communities.other",
            "derived", ("communities with sessions in 2013 H2",
                        int((table[first_period] > 0).sum())))
    out.add(registry, "fan2018.results.session_interval_min_months.initial_communities.other",
            "constraint", ("shorter mean interval of the two communities, 2013 H2 (months)",
                           float(first["interval_months"].min())))
    out.add(registry, "fan2018.results.session_interval_max_months.initial_communities.other",
            "constraint", ("longer mean interval of the two communities, 2013 H2 (months)",
                           float(first["interval_months"].max())))
    out.add(registry, "fan2018.results.session_interval_year2_weeks.initial_communities.other",
            "constraint", ("mean interval, first two communities, 2014 (weeks)",
                           _pooled_interval(table, initial, year2)))
    out.add(registry, "fan2018.results.communities_year2.initial_communities.other", "derived",
            ("communities with sessions in 2014",
             int((table[year2].sum(axis=1) > 0).sum())))
    pause = rules["no session in Tuanjiehu"]
    paused, pause_period = pause["communities"][0], pause["periods"][0]
    gap = table.loc[paused, pause_period]
    out.add(registry, "fan2018.results.period_2015_months.initial_communities.other",
            "constraint", ("length of Tuanjiehu's period without sessions (months)",
                           _months(active_weeks(paused, pause_period)) if gap == 0
                           else 0.0))
    peers18 = people18[(people18["role"] == "peer") & (people18["community"] == "tuanjiehu")]
    out.add(registry, "fan2018.results.peer_quit.tuanjiehu.count", "constraint",
            ("Tuanjiehu peers who left in 2015 (participant table)",
             int((peers18["year_left"] == "2015").sum())))
    out.unavailable("fan2018.results.peer_temporary_leave.maizidian.count")
    starts = records.groupby("community")["date"].min()
    out.add(registry, "fan2018.results.new_communities_aug2015.later_communities.other",
            "constraint", ("communities whose first session is in August 2015",
                           int(starts.str.startswith("2015-08").sum())))
    late = list(newer["periods"])
    late_interval = pd.Series({c: _pooled_interval(table, [c], late) for c in table.index})
    out.add(registry, "fan2018.results.communities_weekly_sessions.initial_communities.other",
            "derived", ("communities meeting at least weekly in 2015 H2-2016 H1 "
                        "(mean interval under 1.5 weeks)", int((late_interval < 1.5).sum())))
    out.add(registry, "fan2018.results.communities_biweekly_sessions.later_communities.other",
            "derived", ("communities with a mean interval of 1.5-2.5 weeks in 2015 H2-2016 H1",
                        int(late_interval.between(1.5, 2.5, inclusive="left").sum())))
    out.add(registry, "fan2018.results.session_interval_later_weeks.later_communities.other",
            "constraint", ("mean interval, newer two communities (weeks)",
                           _pooled_interval(table, later, late)))
    durations = records["duration_min"].astype(int)
    for row_id, stat in (
        ("fan2018.abstract.activity_duration_min.activities.other", "min"),
        ("fan2018.abstract.activity_duration_max.activities.other", "max"),
        ("fan2018.results.session_duration_min.sessions.other", "min"),
        ("fan2018.results.session_duration_max.sessions.other", "max"),
        ("fan2019.methods.service_duration_min.all.other", "min"),
        ("fan2019.methods.service_duration_max.all.other", "max"),
    ):
        out.add(registry, row_id, "constraint", (f"{stat} duration (min)", durations.agg(stat)))
    peers = records["peers_leading"].astype(int) + records["peers_assisting"].astype(int)
    for row_id in ("fan2018.results.peers_per_session.sessions.other",
                   "fan2019.methods.providers_per_session.all.other"):
        out.add(registry, row_id, "constraint", ("fewest peers in a session", int(peers.min())))
    for row_id in ("fan2018.results.leading_peers.sessions.other",
                   "fan2019.methods.leading_providers_per_session.all.other"):
        out.add(registry, row_id, "constraint", ("peers leading a session (most common)",
                                                 int(records["peers_leading"].mode().iloc[0])))
    out.add(registry, "fan2018.results.assisting_peers.sessions.other", "constraint",
            ("peers assisting a session (most common)",
             int(records["peers_assisting"].mode().iloc[0])))
    out.add(registry, "fan2019.methods.group_services.all.percent", "constraint",
            ("group sessions / sessions x 100", 100 * (records["mode"] == "group").mean()))
    ratios = _consumers_per_peer(registry)
    out.add(registry, "fan2019.methods.ratio_consumers_per_provider_min.all.other", "derived",
            ("fewest consumers per peer in a community (fan2018 Table 1, 2016)",
             float(ratios.min())))
    out.add(registry, "fan2019.methods.ratio_consumers_per_provider_max.all.other", "derived",
            ("most consumers per peer in a community (fan2018 Table 1, 2016)",
             float(ratios.max())))
    after_rampup = intervals(table)
    after_rampup = after_rampup[after_rampup["period"] != first_period]
    out.add(registry, "fan2019.methods.service_interval_weeks_min.all.other", "derived",
            ("shortest mean interval of a community in a period after the first (weeks)",
             float(after_rampup["interval_weeks"].min())))
    out.add(registry, "fan2019.methods.service_interval_weeks_max.all.other", "derived",
            ("longest mean interval of a community in a period after the first (weeks)",
             float(after_rampup["interval_weeks"].max())))
    for wave, members in (("initial", initial), ("later", later)):
        out.add(registry, f"fan2019.methods.communities_schedule.{wave}.other", "derived",
                (f"communities of the {wave} wave with sessions",
                 int((table.loc[members].sum(axis=1) > 0).sum())))
    for row_id in ("fan2019.methods.slow_rampup_months.initial.other",
                   "fan2019.methods.slow_rampup_months_2.initial.other"):
        out.add(registry, row_id, "constraint",
                ("length of the first period (months)",
                 _months(active_weeks(initial[0], first_period))))
    for row_id in rows_for(registry, PROCESS_ROWS)["id"]:
        if row_id not in out.seen:
            out.unavailable(row_id)
    return out.frame(registry, PROCESS_ROWS)


def _consumers_per_peer(registry: pd.DataFrame) -> pd.Series:
    """Consumers per peer in each community, from fan2018 Table 1's 2016 counts (published)."""
    return pd.Series({
        c: float(value(registry, f"fan2018.table1.{c}.consumers_2016.count"))
        / float(value(registry, f"fan2018.table1.{c}.peers_2016.count"))
        for c in COMMUNITIES
    })
