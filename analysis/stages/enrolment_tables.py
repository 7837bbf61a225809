"""Enrolment and participants: the tables and tests of fan2018 Tables 1-2, fan2019 Table 1,
response rates and caregivers, computed from record-level data (reconstructed or real).

Every function takes participant DataFrames (see :mod:`analysis.io.participants`) and returns
a DataFrame laid out like the paper. :func:`compute` computes them all once, into an
:class:`Enrolment` that notebook 01 shows and :mod:`analysis.stages.enrolment` judges.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.io.cache import memoised
from analysis.io.design import COMMUNITIES, VARIABLES
from analysis.io.registry import categories, value
from analysis.methods.contingency import (
    chi2_independence,
    fisher_exact,
    likelihood_ratio_independence,
)
from analysis.methods.integer_samples import count_samples
from analysis.methods.two_groups import mann_whitney_u, ttest_ind
from analysis.printed.rounding import format_half_away
from analysis.reconstruct.ages import age_bounds, age_pairs_fan2018

__all__ = [
    "CONTINUOUS",
    "Enrolment",
    "age_freedom_fan2018",
    "bonferroni_m",
    "caregiver_summary",
    "compute",
    "demographic_comparisons",
    "described_patients",
    "fan2018_table1",
    "fan2018_table1_tests",
    "fan2018_table2",
    "fan2018_table2_tests",
    "fan2019_table1",
    "group_comparisons",
    "layout_counts",
    "layout_fan2018_table1",
    "peers_and_consumers",
    "response_rates",
]


#: Continuous demographics of fan2019 Table 1 (the others are categorical).
CONTINUOUS = {"fan2018": ["age"], "fan2019": ["age", "onset_age"]}


def peers_and_consumers(people: pd.DataFrame) -> pd.DataFrame:
    return people[people["role"].isin(["peer", "consumer"])]


def described_patients(people: pd.DataFrame) -> pd.DataFrame:
    """Peers and consumers with demographics (fan2018: those enrolled in 2016)."""
    patients = peers_and_consumers(people)
    return patients[patients["age"] != ""]


def study_years() -> range:
    """The years of fan2018 Table 1: from the first community's start to the last year a
    person may enrol (``data/design/communities.csv``, ``record_columns.csv``), whatever
    years the records hold (a year nobody enrolled in still counts those enrolled before)."""
    from analysis.io.facts import read_facts

    starts = read_facts("communities")["start"].str[:4].astype(int)
    columns = read_facts("record_columns").set_index("column")
    return range(int(starts.min()), int(columns.loc["year_enrolled", "maximum"]) + 1)


def fan2018_table1(people: pd.DataFrame) -> pd.DataFrame:
    """fan2018 Table 1: peers and consumers enrolled in each community by year.

    A person counts in a year from ``year_enrolled`` until the year before ``year_left``.
    Rows (role, community) plus a Total per role; columns the years.
    """
    patients = peers_and_consumers(people)
    enrolled = patients["year_enrolled"].astype(int)
    left = pd.to_numeric(patients["year_left"].replace("", np.nan))
    years = study_years()
    blocks = []
    for role in ("peer", "consumer"):
        mine = patients["role"] == role
        table = (
            pd.DataFrame(
                {
                    year: patients[mine & (enrolled <= year) & ~(left <= year)]
                    .groupby("community", sort=False)
                    .size()
                    for year in years
                }
            )
            .fillna(0)
            .astype(int)
        )
        table = table.reindex(index=list(COMMUNITIES), columns=list(years), fill_value=0)
        table.loc["total"] = table.sum()
        table.index = pd.MultiIndex.from_product([[role], table.index], names=["role", "community"])
        blocks.append(table)
    return pd.concat(blocks)


#: The columns of :func:`fan2018_table1_tests` that are undefined when a role's table has
#: one row or one column after its empty ones are dropped.
UNDEFINED_TABLE1 = ("pearson", "p_pearson", "lr", "p_lr", "min_expected", "cells_expected_lt5")


def fan2018_table1_tests(table1: pd.DataFrame) -> pd.DataFrame:
    """The chi-square tests of fan2018 Table 1 (community x year, per role; a dash is 0):
    Pearson, likelihood ratio, and Fisher's exact test where feasible."""
    rows = []
    for role in ("peer", "consumer"):
        counts = table1.loc[role].drop(index="total").to_numpy()
        counts = counts[counts.sum(axis=1) > 0][:, counts.sum(axis=0) > 0]
        if min(counts.shape) < 2:  # one community or one year: no test is defined
            rows.append({"role": role, "df": 0, **dict.fromkeys(UNDEFINED_TABLE1, np.nan)})
            continue
        pearson = chi2_independence(counts).iloc[0]
        ratio = likelihood_ratio_independence(counts).iloc[0]
        rows.append(
            {
                "role": role,
                "pearson": pearson["statistic"],
                "df": pearson["df"],
                "p_pearson": pearson["p"],
                "lr": ratio["statistic"],
                "p_lr": ratio["p"],
                "min_expected": pearson["min_expected"],
                "cells_expected_lt5": pearson["cells_expected_lt5"],
            }
        )
    return pd.DataFrame(rows).set_index("role")


def _counts(
    people: pd.DataFrame, paper: str, column: str, role: str, registry: pd.DataFrame
) -> pd.Series:
    codes = categories(registry, paper, column)
    values = people.loc[people["role"] == role, column]
    return values.value_counts().reindex(codes, fill_value=0)


def _category_rows(people: pd.DataFrame, registry: pd.DataFrame, paper: str) -> list[dict]:
    """Count and percentage of peers and consumers in each category of each demographic
    variable of ``paper`` (the categorical rows of fan2018 Table 2 / fan2019 Table 1)."""
    n = people["role"].value_counts()
    rows = []
    for column in VARIABLES[paper]:
        for code in categories(registry, paper, column):
            row = {"variable": column, "category": code}
            for role in ("peer", "consumer"):
                count = int((people.loc[people["role"] == role, column] == code).sum())
                row[f"{role}_n"] = count
                row[f"{role}_percent"] = 100 * count / n[role]
            rows.append(row)
    return rows


def fan2018_table2(people: pd.DataFrame, registry: pd.DataFrame) -> pd.DataFrame:
    """fan2018 Table 2 laid out as printed: per variable and category, N and % of peers and
    consumers (percent at full precision), plus age mean and SD."""
    described = described_patients(people)
    rows = _category_rows(described, registry, "fan2018")
    table = pd.DataFrame(rows)
    ages = described.assign(age=described["age"].astype(int)).groupby("role")["age"]
    age = {"variable": "age", "category": "mean (SD)"}
    for role in ("peer", "consumer"):
        age[f"{role}_mean"] = ages.mean()[role]
        age[f"{role}_sd"] = ages.std(ddof=1)[role]
    return pd.concat([table, pd.DataFrame([age])], ignore_index=True)


def _spss_crosstab_tests(table: np.ndarray) -> dict:
    """Every test SPSS's Crosstabs prints for one table: Pearson, continuity-corrected
    (2 x 2 only), likelihood ratio and Fisher's exact test."""
    pearson = chi2_independence(table).iloc[0]
    yates = chi2_independence(table, correction=True).iloc[0]
    ratio = likelihood_ratio_independence(table).iloc[0]
    return {"statistic": pearson["statistic"], "df": pearson["df"], "p": pearson["p"],
            "yates_statistic": yates["statistic"], "p_yates": yates["p"],
            "lr_statistic": ratio["statistic"], "p_lr": ratio["p"],
            "p_fisher": fisher_exact(table).iloc[0]["p"],
            "min_expected": pearson["min_expected"], "two_by_two": table.shape == (2, 2)}


def fan2018_table2_tests(people: pd.DataFrame, registry: pd.DataFrame) -> pd.DataFrame:
    """The tests of fan2018 Table 2, peers vs consumers, with every variant SPSS prints:
    Pearson, continuity-corrected (2 x 2), likelihood-ratio and Fisher for each categorical
    variable; pooled and Welch t and Mann-Whitney for age."""
    described = described_patients(people)
    rows = []
    for column in VARIABLES["fan2018"]:
        table = np.array([_counts(described, "fan2018", column, role, registry).to_numpy()
                          for role in ("peer", "consumer")])
        rows.append({"variable": column,
                     **_spss_crosstab_tests(table[:, table.sum(axis=0) > 0])})
    ages = {role: described.loc[described["role"] == role, "age"].astype(int).to_numpy()
            for role in ("peer", "consumer")}
    pooled = ttest_ind(ages["peer"], ages["consumer"]).iloc[0]
    welch = ttest_ind(ages["peer"], ages["consumer"], equal_var=False).iloc[0]
    mann = mann_whitney_u(ages["peer"], ages["consumer"]).iloc[0]
    rows.append({"variable": "age", "statistic": pooled["statistic"], "df": pooled["df"],
                 "p": pooled["p"], "welch_statistic": welch["statistic"],
                 "welch_df": welch["df"], "p_welch": welch["p"],
                 "mann_whitney_z": mann["z"], "p_mann_whitney": mann["p"]})
    return pd.DataFrame(rows).set_index("variable")


def fan2019_table1(people: pd.DataFrame, registry: pd.DataFrame) -> pd.DataFrame:
    """fan2019 Table 1 laid out as printed: N (%) per category and Mean (SD) of age and age
    at first onset, for providers (peers) and consumers."""
    patients = peers_and_consumers(people)
    rows = _category_rows(patients, registry, "fan2019")
    for column in CONTINUOUS["fan2019"]:
        row = {"variable": column, "category": "mean (SD)"}
        for role in ("peer", "consumer"):
            values = patients.loc[patients["role"] == role, column].astype(int)
            row[f"{role}_mean"] = values.mean()
            row[f"{role}_sd"] = values.std(ddof=1)
        rows.append(row)
    table = pd.DataFrame(rows)
    table.attrs["n"] = patients["role"].value_counts().to_dict()
    return table


def response_rates(people: pd.DataFrame) -> pd.DataFrame:
    """Follow-up completion by role and wave, with the tests of initial vs later (Pearson,
    continuity-corrected, likelihood ratio, Fisher) per role."""
    patients = peers_and_consumers(people)
    rows = []
    for role in ("peer", "consumer"):
        mine = patients[patients["role"] == role]
        table = pd.crosstab(mine["wave"], mine["evaluated"]).reindex(
            index=["initial", "later"], columns=["yes", "no"], fill_value=0
        )
        pearson = chi2_independence(table.to_numpy()).iloc[0]
        yates = chi2_independence(table.to_numpy(), correction=True).iloc[0]
        ratio = likelihood_ratio_independence(table.to_numpy()).iloc[0]
        fisher = fisher_exact(table.to_numpy()).iloc[0]
        for wave in ("initial", "later"):
            completed, lost = int(table.loc[wave, "yes"]), int(table.loc[wave, "no"])
            rows.append(
                {
                    "role": role,
                    "wave": wave,
                    "recruited": completed + lost,
                    "completed": completed,
                    "lost": lost,
                    "percent": 100 * completed / (completed + lost) if completed + lost
                    else float("nan"),  # nobody recruited: undefined, shown as n/a
                    "statistic": pearson["statistic"],
                    "df": pearson["df"],
                    "p": pearson["p"],
                    "p_yates": yates["p"],
                    "p_lr": ratio["p"],
                    "p_fisher": fisher["p"],
                    "min_expected": pearson["min_expected"],
                }
            )
    return pd.DataFrame(rows)


def _compared(table: np.ndarray, first: str) -> dict:
    """The chi-square and Fisher p of a two-group table, ``first`` ("pearson" or "fisher")
    in ``p`` and the other in ``p_alternative`` (a variable with one category: p = 1)."""
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2:
        return {"test": "constant", "statistic": np.nan, "p": 1.0, "p_alternative": 1.0}
    pearson = chi2_independence(table).iloc[0]
    fisher = fisher_exact(table).iloc[0]
    chosen, other = (pearson, fisher) if first == "pearson" else (fisher, pearson)
    return {"test": first, "statistic": chosen["statistic"], "p": chosen["p"],
            "p_alternative": other["p"]}


def group_comparisons(people: pd.DataFrame, by: str, role: str, categorical: str = "pearson",
                      continuous: str = "t") -> pd.DataFrame:
    """Compare two groups of ``role`` on every Table 1 variable of fan2019.

    Parameters
    ----------
    by : {"wave", "evaluated"}
        Initial vs later communities, or completers vs dropouts.
    categorical : {"pearson", "fisher"}
        Test for categorical variables (the paper names the chi-square test).
    continuous : {"t", "mann_whitney"}
        Test for age and onset age (the paper names t or Mann-Whitney U).

    Returns one row per variable: ``test``, ``statistic``, ``p``, ``p_alternative`` (the
    other test of the same kind).
    """
    mine = peers_and_consumers(people)
    mine = mine[mine["role"] == role]
    labels = sorted(mine[by].unique())
    if len(labels) != 2:
        raise ValueError(f"group_comparisons: {by} has groups {labels}, need two")
    rows = [{"variable": column,
             **_compared(pd.crosstab(mine[by], mine[column]).to_numpy(), categorical)}
            for column in VARIABLES["fan2019"]]
    for column in CONTINUOUS["fan2019"]:
        x, y = (mine.loc[mine[by] == label, column].astype(int).to_numpy() for label in labels)
        t = ttest_ind(x, y).iloc[0]
        u = mann_whitney_u(x, y).iloc[0]
        first, other = (t, u) if continuous == "t" else (u, t)
        rows.append({"variable": column, "test": continuous, "statistic": first["statistic"],
                     "p": first["p"], "p_alternative": other["p"]})
    return pd.DataFrame(rows).set_index("variable")


def bonferroni_m(kind: str = "categorical") -> int:
    """How many Table 1 variables a Bonferroni correction of the initial-vs-later comparison
    covers: the categorical ones (6) or all (8)."""
    categorical = len(VARIABLES["fan2019"])
    sizes = {"categorical": categorical, "all": categorical + len(CONTINUOUS["fan2019"])}
    if kind not in sizes:
        raise ValueError(f"bonferroni_m: kind must be one of {sorted(sizes)}, not {kind!r}")
    return sizes[kind]


def caregiver_summary(people: pd.DataFrame) -> dict:
    """fan2019 Results: Caregivers: how many, of whom, sex and mean age."""
    carers = people[people["role"] == "caregiver"]
    roles = people.set_index("person_id")["role"]
    cared = carers["cares_for"].map(roles)
    return {
        "n": len(carers),
        "families": carers["cares_for"].nunique(),
        "of_peers": int((cared == "peer").sum()),
        "of_consumers": int((cared == "consumer").sum()),
        "female": int((carers["sex"] == "female").sum()),
        "female_percent": float(100 * (carers["sex"] == "female").mean()),
        "age_mean": float(carers["age"].astype(int).mean()),
    }


def layout_fan2018_table1(table1: pd.DataFrame) -> pd.DataFrame:
    """fan2018 Table 1 as printed: a dash where a community had not started."""
    shown = table1.astype(str)
    started = table1.cumsum(axis=1) > 0
    return shown.where(started, "–")


def layout_counts(table: pd.DataFrame, decimals: int) -> pd.DataFrame:
    """fan2018 Table 2 / fan2019 Table 1 as printed: ``N (%)`` and ``Mean (SD)`` strings,
    rounded half away from zero (SPSS)."""
    rows = []
    for _, row in table.iterrows():
        shown = {"variable": row["variable"], "category": row["category"]}
        for role in ("peer", "consumer"):
            if row["category"] == "mean (SD)":
                shown[role] = (
                    f"{format_half_away(row[f'{role}_mean'], 2)} "
                    f"({format_half_away(row[f'{role}_sd'], 2)})"
                )
            else:
                shown[role] = (
                    f"{int(row[f'{role}_n'])} "
                    f"({format_half_away(row[f'{role}_percent'], decimals)}%)"
                )
        rows.append(shown)
    return pd.DataFrame(rows).rename(
        columns={"peer": "Peer service providers", "consumer": "Consumers"}
    )


@memoised
def age_freedom_fan2018(registry: pd.DataFrame) -> pd.DataFrame:
    """How constrained are fan2018's ages? The number of feasible (sum, sum of squares) pairs
    per group, the exact number of samples of the peers' ages (multisets), and the range of
    the pooled and Welch t and pooled p over every feasible combination (Table 2's test
    depends only on the moments, so these ranges hold for *every* integer dataset)."""

    low, high = age_bounds(registry, "fan2018")
    n_peers = int(value(registry, "fan2018.methods.recruited.peers.n"))
    pairs = age_pairs_fan2018(registry)
    peer_pairs = pairs[["peer_sum", "peer_sumsq"]].drop_duplicates()
    samples = sum(
        count_samples(n_peers, int(s), int(q), low, high)
        for s, q in peer_pairs.itertuples(index=False)
    )
    rows = [
        ("peer age moment pairs", len(peer_pairs)),
        ("peer age samples (multisets)", samples),
        (
            "consumer age moment pairs",
            len(pairs[["consumer_sum", "consumer_sumsq"]].drop_duplicates()),
        ),
        ("moment combinations", len(pairs)),
        ("pooled t, min", pairs["t"].min()),
        ("pooled t, max", pairs["t"].max()),
        ("Welch t, min", pairs["t_welch"].min()),
        ("Welch t, max", pairs["t_welch"].max()),
        ("pooled p, min", pairs["p"].min()),
        ("pooled p, max", pairs["p"].max()),
    ]
    shown = [f"{v:,}" if isinstance(v, int) else f"{v:.4f}" for _, v in rows]
    return pd.DataFrame({"quantity": [q for q, _ in rows], "value": shown})


def demographic_comparisons(people19: pd.DataFrame, categorical: str = "pearson",
                            continuous: str = "t") -> pd.DataFrame:
    """fan2019 Results: initial vs later communities (providers and consumers) and completers
    vs dropouts (consumers, per wave), on every Table 1 variable. Long format: ``comparison``,
    ``role``, ``variable``, ``test``, ``statistic``, ``p``, ``p_alternative``."""
    parts = []
    for role in ("peer", "consumer"):
        result = group_comparisons(people19, "wave", role, categorical, continuous)
        parts.append(result.assign(comparison="initial vs later", role=role))
    for wave in ("initial", "later"):
        subset = people19[people19["wave"] == wave]
        result = group_comparisons(subset, "evaluated", "consumer", categorical, continuous)
        parts.append(result.assign(comparison=f"completers vs dropouts, {wave}", role="consumer"))
    return pd.concat(parts).reset_index()


@dataclass(frozen=True)
class Enrolment:
    """Notebook 01's records and the tables computed from them, once: fan2018 Tables 1-2
    and their tests, fan2019 Table 1, the response rates and the demographic comparisons.
    The notebook shows them; :func:`analysis.stages.enrolment.results` judges them."""

    people18: pd.DataFrame
    people19: pd.DataFrame
    table1: pd.DataFrame
    tests1: pd.DataFrame
    table2: pd.DataFrame
    tests2: pd.DataFrame
    table19: pd.DataFrame
    rates: pd.DataFrame
    comparisons: pd.DataFrame


def compute(people18: pd.DataFrame, people19: pd.DataFrame, registry: pd.DataFrame,
            categorical: str = "pearson", continuous: str = "t") -> Enrolment:
    """Every table of the enrolment stage, from the records (``categorical`` and
    ``continuous``: the tests of the demographic comparisons)."""
    table1 = fan2018_table1(people18)
    return Enrolment(people18, people19, table1, fan2018_table1_tests(table1),
                     fan2018_table2(people18, registry), fan2018_table2_tests(people18, registry),
                     fan2019_table1(people19, registry), response_rates(people19),
                     demographic_comparisons(people19, categorical, continuous))
