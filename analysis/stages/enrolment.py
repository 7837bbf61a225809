"""Notebook 01, judged: every printed number of fan2018 Tables 1-2, fan2019 Table 1,
recruitment, response rates and caregivers, against the participant records."""

from __future__ import annotations

import re

import pandas as pd

from analysis.io.design import GROUP, VARIABLES
from analysis.methods.pvalues import bonferroni_threshold
from analysis.printed.judge import double_rounded, judge, lazily, not_reproducible
from analysis.stages.enrolment_tables import (
    CONTINUOUS,
    bonferroni_m,
    caregiver_summary,
    fan2018_table1,
    fan2018_table1_tests,
    fan2018_table2,
    fan2018_table2_tests,
    fan2019_table1,
    group_comparisons,
    peers_and_consumers,
    response_rates,
)

__all__ = [
    "EXACT_P",
    "INCLUSION_AGE_IDS",
    "ROW_SELECTION",
    "enrolment_results",
    "exact_p_policies",
    "p_attempts",
    "rows_for_enrolment",
    "statistic_attempts",
]


#: Policies for reporting an exact p instead of the Pearson p (parameter ``exact_p``).
EXACT_P = ("never", "small_expected", "small_expected_2x2", "always")


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
    patients18 = peers_and_consumers(people18)
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
    patients19_ = peers_and_consumers(people19)
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
    patients19 = peers_and_consumers(people19)
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
            bonferroni_threshold(alpha, bonferroni_m("categorical")),
        ),
        (
            f"0.05 / {bonferroni_m('all')} Table 1 variables",
            bonferroni_threshold(alpha, bonferroni_m("all")),
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
