"""Enrolment and participants: the tables and tests of fan2018 Tables 1-2, fan2019 Table 1,
response rates and caregivers, computed from record-level data (reconstructed or real).

Every function takes participant DataFrames (see :mod:`analysis.participants`) and returns a
DataFrame laid out like the paper, or the report rows of notebook ``01_enrolment``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analysis import stats
from analysis.judge import double_rounded, judge, lazily, not_reproducible
from analysis.participants import GROUP, VARIABLES, categories
from analysis.registry import value
from analysis.rounding import format_half_away

__all__ = [
    "CONTINUOUS",
    "EXACT_P",
    "ROW_SELECTION",
    "age_freedom_fan2018",
    "bonferroni_m",
    "caregiver_summary",
    "demographic_comparisons",
    "enrolment_results",
    "exact_p_policies",
    "fan2018_table1",
    "fan2018_table1_tests",
    "fan2018_table2",
    "fan2018_table2_tests",
    "fan2019_table1",
    "group_comparisons",
    "layout_counts",
    "layout_fan2018_table1",
    "p_attempts",
    "response_rates",
    "rows_for_enrolment",
    "statistic_attempts",
]

#: Policies for reporting an exact p instead of the Pearson p (parameter ``exact_p``).
EXACT_P = ("never", "small_expected", "small_expected_2x2", "always")

#: Continuous demographics of fan2019 Table 1 (the others are categorical).
CONTINUOUS = {"fan2018": ["age"], "fan2019": ["age", "onset_age"]}

#: Inclusion ages (Methods): rules, not results; enforced in every reconstructed age.
INCLUSION_AGE_IDS = {
    f"{paper}.methods.{item}.{group}.other"
    for paper, items in (
        ("fan2018", ("peer_age_min", "peer_age_max", "consumer_age_min", "consumer_age_max")),
        ("fan2019", ("inclusion_age_min", "inclusion_age_max")),
    )
    for item in items
    for group in ("peers", "consumers")
}

#: Registry rows this stage handles: locations, plus ids (regex) from other sections.
ROW_SELECTION = {
    "locations": {
        "fan2018": [
            "Methods: Participants",
            "Table 1",
            "Table 2",
            "Results: Peer and consumer participants",
        ],
        "fan2019": [
            "Methods: Participants",
            "Table 1",
            "Results: Participant characteristics and response rates",
        ],
    },
    "ids": [
        # who was evaluated, where and when (the flow of participants)
        r"^fan2018\.abstract\.communities\.",
        r"^fan2018\.methods\.evaluation_communities\.",
        r"^fan2018\.results\.(?:satisfaction_communities|benefit_communities|"
        r"satisfaction_pool|not_assessed)\.",
        r"^fan2019\.abstract\.followup_months\.",
        r"^fan2019\.methods\.(?:communities_evaluated|planned_evaluation_months|"
        r"postponed_evaluation_months|evaluation_months)\.",
        r"^fan2019\.abstract\.(?:recruited|communities)\.",
        r"^fan2019\.results\.(?:followup|followup_families|caregiver_of_peers|"
        r"caregiver_of_consumers|female|age)\.caregivers\.",
    ],
}


def rows_for_enrolment(registry: pd.DataFrame) -> pd.DataFrame:
    """The registry rows that notebook 01 reproduces (see :data:`ROW_SELECTION`)."""
    by_location = pd.Series(False, index=registry.index)
    for paper, locations in ROW_SELECTION["locations"].items():
        by_location |= (registry["paper"] == paper) & registry["location"].isin(locations)
    by_id = registry["id"].str.contains("|".join(ROW_SELECTION["ids"]), regex=True)
    return registry[by_location | by_id]


def _patients(people: pd.DataFrame) -> pd.DataFrame:
    return people[people["role"].isin(["peer", "consumer"])]


def _described(people: pd.DataFrame) -> pd.DataFrame:
    """Peers and consumers with demographics (fan2018: those enrolled in 2016)."""
    patients = _patients(people)
    return patients[patients["age"] != ""]


# --- fan2018 ------------------------------------------------------------------------------


def fan2018_table1(people: pd.DataFrame) -> pd.DataFrame:
    """fan2018 Table 1: peers and consumers enrolled in each community by year.

    A person counts in a year from ``year_enrolled`` until the year before ``year_left``.
    Rows (role, community) plus a Total per role; columns the years.
    """
    patients = _patients(people)
    enrolled = patients["year_enrolled"].astype(int)
    left = pd.to_numeric(patients["year_left"].replace("", np.nan))
    years = range(int(enrolled.min()), int(enrolled.max()) + 1)
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
        order = [
            c for c in ("tuanjiehu", "maizidian", "xiangheyuan", "jingsong") if c in table.index
        ]
        table = table.loc[order]
        table.loc["total"] = table.sum()
        table.index = pd.MultiIndex.from_product([[role], table.index], names=["role", "community"])
        blocks.append(table)
    return pd.concat(blocks)


def fan2018_table1_tests(table1: pd.DataFrame) -> pd.DataFrame:
    """The chi-square tests of fan2018 Table 1 (community x year, per role; a dash is 0):
    Pearson, likelihood ratio, and Fisher's exact test where feasible."""
    rows = []
    for role in ("peer", "consumer"):
        counts = table1.loc[role].drop(index="total").to_numpy()
        pearson = stats.chi2_independence(counts).iloc[0]
        ratio = stats.likelihood_ratio_independence(counts).iloc[0]
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
    described = _described(people)
    rows = _category_rows(described, registry, "fan2018")
    table = pd.DataFrame(rows)
    ages = described.assign(age=described["age"].astype(int)).groupby("role")["age"]
    age = {"variable": "age", "category": "mean (SD)"}
    for role in ("peer", "consumer"):
        age[f"{role}_mean"] = ages.mean()[role]
        age[f"{role}_sd"] = ages.std(ddof=1)[role]
    return pd.concat([table, pd.DataFrame([age])], ignore_index=True)


def fan2018_table2_tests(people: pd.DataFrame, registry: pd.DataFrame) -> pd.DataFrame:
    """The tests of fan2018 Table 2, peers vs consumers, with every variant SPSS prints:
    Pearson, continuity-corrected (2 x 2), likelihood-ratio and Fisher for each categorical
    variable; pooled and Welch t and Mann-Whitney for age."""
    described = _described(people)
    rows = []
    for column in VARIABLES["fan2018"]:
        table = np.array(
            [
                _counts(described, "fan2018", column, role, registry).to_numpy()
                for role in ("peer", "consumer")
            ]
        )
        table = table[:, table.sum(axis=0) > 0]
        pearson = stats.chi2_independence(table).iloc[0]
        yates = stats.chi2_independence(table, correction=True).iloc[0]
        ratio = stats.likelihood_ratio_independence(table).iloc[0]
        fisher = stats.fisher_exact(table).iloc[0]
        rows.append(
            {
                "variable": column,
                "statistic": pearson["statistic"],
                "df": pearson["df"],
                "p": pearson["p"],
                "yates_statistic": yates["statistic"],
                "p_yates": yates["p"],
                "lr_statistic": ratio["statistic"],
                "p_lr": ratio["p"],
                "p_fisher": fisher["p"],
                "min_expected": pearson["min_expected"],
                "two_by_two": table.shape == (2, 2),
            }
        )
    ages = {
        role: described.loc[described["role"] == role, "age"].astype(int).to_numpy()
        for role in ("peer", "consumer")
    }
    pooled = stats.ttest_ind(ages["peer"], ages["consumer"]).iloc[0]
    welch = stats.ttest_ind(ages["peer"], ages["consumer"], equal_var=False).iloc[0]
    mann = stats.mann_whitney_u(ages["peer"], ages["consumer"]).iloc[0]
    rows.append(
        {
            "variable": "age",
            "statistic": pooled["statistic"],
            "df": pooled["df"],
            "p": pooled["p"],
            "welch_statistic": welch["statistic"],
            "welch_df": welch["df"],
            "p_welch": welch["p"],
            "mann_whitney_z": mann["z"],
            "p_mann_whitney": mann["p"],
        }
    )
    return pd.DataFrame(rows).set_index("variable")


# --- fan2019 ------------------------------------------------------------------------------


def fan2019_table1(people: pd.DataFrame, registry: pd.DataFrame) -> pd.DataFrame:
    """fan2019 Table 1 laid out as printed: N (%) per category and Mean (SD) of age and age
    at first onset, for providers (peers) and consumers."""
    patients = _patients(people)
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
    patients = _patients(people)
    rows = []
    for role in ("peer", "consumer"):
        mine = patients[patients["role"] == role]
        table = pd.crosstab(mine["wave"], mine["evaluated"]).reindex(
            index=["initial", "later"], columns=["yes", "no"], fill_value=0
        )
        pearson = stats.chi2_independence(table.to_numpy()).iloc[0]
        yates = stats.chi2_independence(table.to_numpy(), correction=True).iloc[0]
        ratio = stats.likelihood_ratio_independence(table.to_numpy()).iloc[0]
        fisher = stats.fisher_exact(table.to_numpy()).iloc[0]
        for wave in ("initial", "later"):
            completed, lost = int(table.loc[wave, "yes"]), int(table.loc[wave, "no"])
            rows.append(
                {
                    "role": role,
                    "wave": wave,
                    "recruited": completed + lost,
                    "completed": completed,
                    "lost": lost,
                    "percent": 100 * completed / (completed + lost),
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


def group_comparisons(
    people: pd.DataFrame,
    registry: pd.DataFrame,
    by: str,
    role: str,
    categorical: str = "pearson",
    continuous: str = "t",
) -> pd.DataFrame:
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
    mine = _patients(people)
    mine = mine[mine["role"] == role]
    labels = sorted(mine[by].unique())
    if len(labels) != 2:
        raise ValueError(f"group_comparisons: {by} has groups {labels}, need two")
    rows = []
    for column in VARIABLES["fan2019"]:
        table = pd.crosstab(mine[by], mine[column]).to_numpy()
        table = table[:, table.sum(axis=0) > 0]
        if table.shape[1] < 2:
            rows.append(
                {
                    "variable": column,
                    "test": "constant",
                    "statistic": np.nan,
                    "p": 1.0,
                    "p_alternative": 1.0,
                }
            )
            continue
        pearson = stats.chi2_independence(table).iloc[0]
        fisher = stats.fisher_exact(table).iloc[0]
        first, other = (pearson, fisher) if categorical == "pearson" else (fisher, pearson)
        rows.append(
            {
                "variable": column,
                "test": categorical,
                "statistic": first["statistic"],
                "p": first["p"],
                "p_alternative": other["p"],
            }
        )
    for column in CONTINUOUS["fan2019"]:
        x, y = (mine.loc[mine[by] == label, column].astype(int).to_numpy() for label in labels)
        t = stats.ttest_ind(x, y).iloc[0]
        u = stats.mann_whitney_u(x, y).iloc[0]
        first, other = (t, u) if continuous == "t" else (u, t)
        rows.append(
            {
                "variable": column,
                "test": continuous,
                "statistic": first["statistic"],
                "p": first["p"],
                "p_alternative": other["p"],
            }
        )
    return pd.DataFrame(rows).set_index("variable")


def bonferroni_m(kind: str = "categorical") -> int:
    """How many Table 1 variables a Bonferroni correction of the initial-vs-later comparison
    covers: the categorical ones (6) or all (8)."""
    categorical = len(VARIABLES["fan2019"])
    return categorical if kind == "categorical" else categorical + len(CONTINUOUS["fan2019"])


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


# --- tables laid out as printed -----------------------------------------------------------


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


# --- the report rows ---------------------------------------------------------------------


def statistic_attempts(pearson: float, *others: tuple[str, object]) -> list:
    """Attempts for a printed chi-square statistic: the Pearson value, then the same value as
    SPSS displays it (3 decimals) rounded again, then any other tests."""
    return [
        ("Pearson chi-square", pearson),
        ("Pearson chi-square, SPSS's 3 decimals rounded again", double_rounded(pearson)),
        *others,
    ]


def p_attempts(test: pd.Series, parameters: dict, two_by_two: bool = True) -> list:
    """The p-values of one contingency table in the order the parameters make them the
    paper's method: Pearson first by default; continuity-corrected first when
    ``continuity_correction`` (2 x 2 only); Fisher's exact first when ``exact_p`` is
    ``"always"``; or ``"small_expected"`` and some expected count is below 5; or
    ``"small_expected_2x2"``, the same for 2 x 2 tables only (SPSS Crosstabs prints Fisher's
    exact test for 2 x 2 tables, with a footnote when an expected count is below 5)."""
    tries = [
        ("Pearson chi-square", test["p"]),
        ("continuity-corrected chi-square", test["p_yates"]),
        ("likelihood-ratio chi-square", test["p_lr"]),
        ("Fisher's exact test", test["p_fisher"]),
    ]
    first = 0
    if parameters.get("continuity_correction") and two_by_two:
        first = 1
    exact = parameters.get("exact_p", "never")
    if exact not in EXACT_P:
        raise ValueError(f"exact_p must be one of {EXACT_P}, got {exact!r}")
    small = test["min_expected"] < 5
    if (
        exact == "always"
        or (exact == "small_expected" and small)
        or (exact == "small_expected_2x2" and small and two_by_two)
    ):
        first = 3
    return [tries[first]] + [t for i, t in enumerate(tries) if i != first]


# --- (report rows continue) ----------------------------------------------------------------------


def enrolment_results(
    registry: pd.DataFrame,
    people18: pd.DataFrame,
    people19: pd.DataFrame,
    explanations: pd.DataFrame,
    parameters: dict,
) -> pd.DataFrame:
    """Every registry row of :func:`rows_for_enrolment`, judged (see :mod:`analysis.judge`).

    ``parameters`` (the notebook's parameters cell): ``categorical_test`` ("pearson" or
    "fisher") and ``continuous_test`` ("t" or "mann_whitney") for the group comparisons;
    ``continuity_correction`` (bool) and ``exact_p`` ("never", "small_expected",
    "always") for the contingency tables (see :func:`p_attempts`).
    """
    attempts: dict[str, tuple[list, str]] = {}

    def add(row_id: str, role: str, *tries: tuple[str, object]) -> None:
        if row_id in attempts:
            raise ValueError(f"{row_id}: computed twice")
        attempts[row_id] = (list(tries), role)

    # fan2018 Table 1 and its tests
    table1 = fan2018_table1(people18)
    known = set(registry["id"])
    for (role, community), counts in table1.iterrows():
        for year, count in counts.items():
            quantity = "n" if community == "total" else "count"
            row_id = f"fan2018.table1.{community}.{GROUP[role]}_{year}.{quantity}"
            if count == 0 and row_id not in known:
                continue  # printed as a dash: the community had not started
            add(
                f"fan2018.table1.{community}.{GROUP[role]}_{year}.{quantity}",
                "constraint",
                ("count of people enrolled in that year and not yet left", int(count)),
            )
    tests1 = fan2018_table1_tests(table1)
    for role, test in tests1.iterrows():
        stem = f"fan2018.table1.enrolment_by_community_year.{GROUP[role]}"
        add(
            f"{stem}.statistic",
            "derived",
            *statistic_attempts(test["pearson"], ("likelihood-ratio chi-square", test["lr"])),
        )
        add(f"{stem}.df", "derived", ("(rows - 1) x (columns - 1)", int(test["df"])))
        add(
            f"{stem}.p",
            "derived",
            ("Pearson chi-square", test["p_pearson"]),
            ("likelihood-ratio chi-square", test["p_lr"]),
        )
    # fan2018 Table 2
    table2 = fan2018_table2(people18, registry)
    tests2 = fan2018_table2_tests(people18, registry)
    for _, row in table2[table2["variable"] != "age"].iterrows():
        prefix = VARIABLES["fan2018"][row["variable"]][1]
        for role in ("peer", "consumer"):
            stem = f"fan2018.table2.{prefix}_{row['category']}.{GROUP[role]}."
            add(stem + "count", "constraint", ("count", row[f"{role}_n"]))
            add(stem + "percent", "constraint", ("count / n x 100", row[f"{role}_percent"]))
    age = table2[table2["variable"] == "age"].iloc[0]
    for role in ("peer", "consumer"):
        for quantity in ("mean", "sd"):
            add(
                f"fan2018.table2.age.{GROUP[role]}.{quantity}",
                "constraint",
                (quantity, age[f"{role}_{quantity}"]),
            )
        add(f"fan2018.results.age.{GROUP[role]}.mean", "constraint", ("mean", age[f"{role}_mean"]))
    for variable, test in tests2.iterrows():
        prefix = "age" if variable == "age" else VARIABLES["fan2018"][variable][1]
        stem = f"fan2018.table2.{prefix}.peers_vs_consumers"
        if variable == "age":
            add(
                f"{stem}.statistic",
                "constraint",
                ("independent-samples t, pooled (df 60)", test["statistic"]),
                ("pooled t, SPSS's 3 decimals rounded again", double_rounded(test["statistic"])),
                ("Welch t", test["welch_statistic"]),
            )
            add(
                f"{stem}.p",
                "derived",
                ("independent-samples t, pooled", test["p"]),
                ("Welch t", test["p_welch"]),
                ("Mann-Whitney U (asymptotic)", test["p_mann_whitney"]),
            )
            continue
        add(
            f"{stem}.statistic",
            "derived",
            *statistic_attempts(
                test["statistic"],
                ("continuity-corrected chi-square", test["yates_statistic"]),
                ("likelihood-ratio chi-square", test["lr_statistic"]),
            ),
        )
        add(f"{stem}.df", "derived", ("(rows - 1) x (columns - 1)", int(test["df"])))
        add(f"{stem}.p", "derived", *p_attempts(test, parameters, bool(test["two_by_two"])))
    # fan2018 Methods: Participants
    patients18 = _patients(people18)
    current = patients18[patients18["year_left"] == ""]
    add(
        "fan2018.methods.communities.all_communities.other",
        "derived",
        ("number of communities in the data", patients18["community"].nunique()),
    )
    add(
        "fan2018.methods.later_communities.later_communities.other",
        "derived",
        (
            "communities of the later wave",
            patients18.loc[patients18["wave"] == "later", "community"].nunique(),
        ),
    )
    for role in ("peer", "consumer"):
        add(
            f"fan2018.methods.recruited.{GROUP[role]}.n",
            "constraint",
            ("enrolled and not left by 2016", int((current["role"] == role).sum())),
        )
    add(
        "fan2018.methods.peer_quit.tuanjiehu.count",
        "constraint",
        (
            "Tuanjiehu peers with a leaving year",
            int(
                (
                    (patients18["role"] == "peer")
                    & (patients18["community"] == "tuanjiehu")
                    & (patients18["year_left"] != "")
                ).sum()
            ),
        ),
    )
    carers18 = people18[people18["role"] == "caregiver"]
    roles18 = people18.set_index("person_id")["role"]
    add(
        "fan2018.methods.caregivers_recruited.caregivers.n",
        "constraint",
        ("caregivers", len(carers18)),
    )
    add(
        "fan2018.methods.caregiver_families.caregivers.n",
        "constraint",
        ("distinct families (cared-for people)", carers18["cares_for"].nunique()),
    )
    for role, slug in (("peer", "caregivers_of_peers"), ("consumer", "caregivers_of_consumers")):
        add(
            f"fan2018.methods.caregivers_recruited.{slug}.count",
            "constraint",
            (f"caregivers of {role}s", int((carers18["cares_for"].map(roles18) == role).sum())),
        )
    add(
        "fan2018.abstract.communities.all_communities.other",
        "derived",
        ("number of communities in the data", patients18["community"].nunique()),
    )
    # fan2018 evaluation frame (December 2014, initial communities)
    framed = people18[people18["evaluated"] != ""]
    framed_consumers = framed[framed["role"] == "consumer"]
    for row_id in (
        "fan2018.methods.evaluation_communities.first_two_communities.other",
        "fan2018.results.satisfaction_communities.initial_communities.other",
        "fan2018.results.benefit_communities.initial_communities.other",
    ):
        add(row_id, "derived", ("communities in the evaluation", framed["community"].nunique()))
    add(
        "fan2018.results.satisfaction_pool.consumers.n",
        "constraint",
        ("consumers of the initial communities enrolled by 2014", len(framed_consumers)),
    )
    add(
        "fan2018.results.satisfaction_pool.caregivers.n",
        "constraint",
        ("caregivers", int((people18["role"] == "caregiver").sum())),
    )
    not_assessed = int((framed_consumers["evaluated"] == "no").sum())
    add(
        "fan2018.results.not_assessed.consumers.count",
        "constraint",
        ("consumers not assessed", not_assessed),
    )
    add(
        "fan2018.results.not_assessed.consumers.percent",
        "constraint",
        ("not assessed / consumers x 100", 100 * not_assessed / len(framed_consumers)),
    )
    # fan2019 evaluation timing and places
    patients19_ = _patients(people19)
    months19 = patients19_.groupby("wave")["followup_month"].agg(lambda m: int(m.astype(int).max()))
    evaluated19 = patients19_[patients19_["evaluated"] == "yes"].groupby("wave")["community"]
    for wave in ("initial", "later"):
        add(
            f"fan2019.methods.communities_evaluated.{wave}.other",
            "derived",
            (f"communities with evaluated people, {wave} wave", int(evaluated19.nunique()[wave])),
        )
        add(
            f"fan2019.methods.evaluation_months.{wave}.other",
            "constraint",
            ("months from the wave's start to follow-up", int(months19[wave])),
        )
    add(
        "fan2019.methods.postponed_evaluation_months.initial.other",
        "constraint",
        ("months from the start to follow-up, initial wave", int(months19["initial"])),
    )
    add(
        "fan2019.abstract.followup_months.all.other",
        "constraint",
        ("months from the start to follow-up, at every site (largest)", int(months19.max())),
        ("months from the start to follow-up, later communities only", int(months19["later"])),
    )
    # fan2019 Table 1
    table19 = fan2019_table1(people19, registry)
    n19 = table19.attrs["n"]
    for role in ("peer", "consumer"):
        add(f"fan2019.table1.header.{GROUP[role]}.n", "constraint", ("n", n19[role]))
    for _, row in table19.iterrows():
        for role in ("peer", "consumer"):
            group = GROUP[role]
            if row["variable"] in CONTINUOUS["fan2019"]:
                prefix = "age" if row["variable"] == "age" else "first_onset_age"
                for quantity in ("mean", "sd"):
                    add(
                        f"fan2019.table1.{prefix}.{group}.{quantity}",
                        "constraint",
                        (quantity, row[f"{role}_{quantity}"]),
                    )
                continue
            prefix = VARIABLES["fan2019"][row["variable"]][1]
            if row["variable"] == "lives_alone":
                if row["category"] != "yes":
                    continue
                stem = f"fan2019.table1.lives_alone.{group}."
            else:
                stem = f"fan2019.table1.{prefix}_{row['category']}.{group}."
            add(stem + "count", "constraint", ("count", row[f"{role}_n"]))
            add(stem + "percent", "constraint", ("count / n x 100", row[f"{role}_percent"]))
    # fan2019 recruitment, waves and communities
    patients19 = _patients(people19)
    count19 = patients19.groupby(["role", "wave"]).size()
    sites = patients19.groupby(["role", "community"]).size()
    for source in ("abstract", "methods"):
        stem = "recruited" if source == "abstract" else "recruited_total"
        for role in ("peer", "consumer"):
            add(
                f"fan2019.{source}.{stem}.{GROUP[role]}.n",
                "constraint",
                ("people enrolled", int((patients19["role"] == role).sum())),
            )
    for wave in ("initial", "later"):
        for role in ("peer", "consumer"):
            add(
                f"fan2019.methods.recruited.{wave}_{GROUP[role]}.n",
                "constraint",
                ("people enrolled in the wave", int(count19[role, wave])),
            )
    for row_id in registry["id"]:
        match = re.match(
            r"^fan2019\.methods\.recruited_site_(\w+)\.(initial|later)_peers\.count$", row_id
        )
        if match:
            add(
                row_id,
                "constraint",
                ("providers from the community", int(sites.get(("peer", match[1]), 0))),
            )
    waves = patients19.groupby("wave")["community"].nunique()
    add(
        "fan2019.abstract.communities.all.other",
        "derived",
        ("communities in the data", patients19["community"].nunique()),
    )
    add(
        "fan2019.methods.communities_compared.all.other",
        "derived",
        ("communities in the data", patients19["community"].nunique()),
    )
    for row_id, wave in (
        ("fan2019.abstract.communities.initial.other", "initial"),
        ("fan2019.abstract.communities.later.other", "later"),
        ("fan2019.methods.communities_initiated.initial.other", "initial"),
        ("fan2019.methods.communities_recruited_from.initial.other", "initial"),
        ("fan2019.methods.communities_initiated.later.other", "later"),
    ):
        add(row_id, "derived", (f"communities of the {wave} wave", int(waves[wave])))
    # fan2019 response rates and tests
    rates = response_rates(people19).set_index(["role", "wave"])
    for (role, wave), rate in rates.iterrows():
        group = f"{wave}_{GROUP[role]}"
        add(
            f"fan2019.results.completed_followup.{group}.count",
            "constraint",
            ("completed the follow-up evaluation", int(rate["completed"])),
        )
        add(
            f"fan2019.results.completed_followup.{group}.percent",
            "constraint",
            ("completed / recruited x 100", rate["percent"]),
        )
        if f"fan2019.results.completed_followup.{group}.n" in set(registry["id"]):
            add(
                f"fan2019.results.completed_followup.{group}.n",
                "constraint",
                ("recruited", int(rate["recruited"])),
            )
        months = (
            patients19.loc[
                (patients19["role"] == role) & (patients19["wave"] == wave), "followup_month"
            ]
            .astype(int)
            .unique()
        )
        row_id = f"fan2019.results.followup_months.{group}.other"
        if row_id in set(registry["id"]):
            add(row_id, "constraint", ("months from the wave's start to follow-up", int(months[0])))
    for role in ("peer", "consumer"):
        rate = rates.loc[(role, "initial")]
        stem = f"fan2019.results.response_rate.{GROUP[role]}_initial_vs_later"
        add(f"{stem}.statistic", "derived", ("Pearson chi-square", rate["statistic"]))
        add(f"{stem}.df", "derived", ("(rows - 1) x (columns - 1)", int(rate["df"])))
        add(f"{stem}.p", "derived", *p_attempts(rate, parameters))
    add(
        "fan2019.results.response_rate_groups.all.other",
        "derived",
        ("groups compared (waves)", patients19["wave"].nunique()),
    )
    leave = patients19[patients19["dropout_reason"].str.startswith("temporary leave")]
    add(
        "fan2019.results.temporary_leave.later_peers.count",
        "constraint",
        (
            "later providers on temporary leave",
            int(((leave["role"] == "peer") & (leave["wave"] == "later")).sum()),
        ),
    )
    alpha = 0.05
    add(
        "fan2019.results.bonferroni_threshold.initial_vs_later.p",
        "derived",
        (
            f"0.05 / {bonferroni_m('categorical')} categorical Table 1 variables",
            stats.bonferroni_threshold(alpha, bonferroni_m("categorical")),
        ),
        (
            f"0.05 / {bonferroni_m('all')} Table 1 variables",
            stats.bonferroni_threshold(alpha, bonferroni_m("all")),
        ),
    )
    categorical, continuous = parameters["categorical_test"], parameters["continuous_test"]
    for wave, row_id in (
        ("initial", "fan2019.results.dropout_demographics.initial_consumers.p"),
        ("later", "fan2019.results.dropout_demographics.later_consumers.p"),
    ):
        subset = people19[people19["wave"] == wave]
        compared = lazily(
            group_comparisons, subset, registry, "evaluated", "consumer", categorical, continuous
        )
        add(
            row_id,
            "constraint",
            (
                f"smallest p, completers vs dropouts ({categorical} / {continuous})",
                lambda c=compared: float(c()["p"].min()),
            ),
            (
                "smallest p with the other test of each kind",
                lambda c=compared: float(c()["p_alternative"].min()),
            ),
        )
    # fan2019 caregivers
    carers = caregiver_summary(people19)
    add("fan2019.results.followup.caregivers.n", "constraint", ("caregivers", carers["n"]))
    add(
        "fan2019.results.followup_families.caregivers.n",
        "constraint",
        ("distinct families", carers["families"]),
    )
    add(
        "fan2019.results.caregiver_of_peers.caregivers.count",
        "constraint",
        ("caregivers of providers", carers["of_peers"]),
    )
    add(
        "fan2019.results.caregiver_of_consumers.caregivers.count",
        "constraint",
        ("caregivers of consumers", carers["of_consumers"]),
    )
    add("fan2019.results.female.caregivers.count", "constraint", ("women", carers["female"]))
    add(
        "fan2019.results.female.caregivers.percent",
        "constraint",
        ("women / caregivers x 100", carers["female_percent"]),
    )
    add("fan2019.results.age.caregivers.mean", "constraint", ("mean age", carers["age_mean"]))

    selected = rows_for_enrolment(registry)
    printed = dict(zip(registry["id"], registry["printed"], strict=True))
    unknown = set(attempts) - set(selected["id"])
    if unknown:
        raise ValueError(f"computed rows outside this stage: {sorted(unknown)[:5]}")
    rows = []
    for row_id in selected["id"]:
        if row_id in attempts:
            tries, role = attempts[row_id]
            rows.append(judge(row_id, printed[row_id], tries, role, explanations))
        else:
            role = "constraint" if row_id in INCLUSION_AGE_IDS else ""
            rows.append(not_reproducible(row_id, explanations, role))
    return pd.DataFrame(rows)


def age_freedom_fan2018(registry: pd.DataFrame) -> pd.DataFrame:
    """How constrained are fan2018's ages? The number of feasible (sum, sum of squares) pairs
    per group, the exact number of samples of the peers' ages (multisets), and the range of
    the pooled and Welch t and pooled p over every feasible combination (Table 2's test
    depends only on the moments, so these ranges hold for *every* integer dataset)."""
    from analysis.integer_samples import count_samples
    from analysis.reconstruct import AGE_RANGE_IDS, age_pairs_fan2018

    low, high = (int(value(registry, i)) for i in AGE_RANGE_IDS["fan2018"])
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


def exact_p_policies(
    registry: pd.DataFrame,
    people18: pd.DataFrame,
    people19: pd.DataFrame,
    explanations: pd.DataFrame,
    parameters: dict,
) -> pd.DataFrame:
    """Which rule for reporting Fisher's exact p explains the printed p-values? For each
    policy in :data:`EXACT_P`, how many contingency-table p-values of this stage match under
    the policy's method, and how many only under another test."""
    rows = []
    for policy in EXACT_P:
        trial = enrolment_results(
            registry, people18, people19, explanations, {**parameters, "exact_p": policy}
        )
        p_rows = trial[
            trial["id"].str.endswith(".p") & trial["method"].str.contains("chi-square|Fisher")
        ]
        rows.append(
            {
                "exact_p": policy,
                "p-values": len(p_rows),
                "match the paper's method": int((p_rows["status"] == "match").sum()),
                "only another test": int((p_rows["status"] == "match_other_method").sum()),
            }
        )
    return pd.DataFrame(rows)


def demographic_comparisons(
    people19: pd.DataFrame,
    registry: pd.DataFrame,
    categorical: str = "pearson",
    continuous: str = "t",
) -> pd.DataFrame:
    """fan2019 Results: initial vs later communities (providers and consumers) and completers
    vs dropouts (consumers, per wave), on every Table 1 variable. Long format: ``comparison``,
    ``role``, ``variable``, ``test``, ``statistic``, ``p``, ``p_alternative``."""
    parts = []
    for role in ("peer", "consumer"):
        result = group_comparisons(people19, registry, "wave", role, categorical, continuous)
        parts.append(result.assign(comparison="initial vs later", role=role))
    for wave in ("initial", "later"):
        subset = people19[people19["wave"] == wave]
        result = group_comparisons(
            subset, registry, "evaluated", "consumer", categorical, continuous
        )
        parts.append(result.assign(comparison=f"completers vs dropouts, {wave}", role="consumer"))
    return pd.concat(parts).reset_index()
