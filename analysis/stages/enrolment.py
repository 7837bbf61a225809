"""Notebook 01, judged: every printed number of the enrolment stage against the participant
records (reconstructed or real).

One handler (``judge_*``) per table or section of a paper; each claims its rows in a
:class:`analysis.printed.claims.Claims` (table cells by id, other numbers by their measure in
``data/published/stages.csv``, whose ``judged_by`` column names the handler of every row).
:func:`results` runs them all:

- fan2018 Table 1 (:func:`judge_fan2018_table1`) and its two chi-square tests;
- fan2018 Table 2 (:func:`judge_fan2018_table2`) and its tests
  (:func:`judge_fan2018_table2_tests`);
- fan2018 Methods: Participants and the December 2014 evaluation frame
  (:func:`judge_fan2018_participants`, :func:`judge_fan2018_evaluation`);
- fan2019 Table 1 (:func:`judge_fan2019_table1`), recruitment
  (:func:`judge_fan2019_recruitment`), evaluation timing (:func:`judge_fan2019_timing`),
  response rates and their tests (:func:`judge_fan2019_response_rates`,
  :func:`judge_fan2019_response_tests`), the demographic comparisons
  (:func:`judge_fan2019_comparisons`) and the caregivers (:func:`judge_fan2019_caregivers`).

The inclusion ages of both papers' Methods are rules the records obey, not results: their
rows are ``not_reproducible`` with role ``constraint``.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.evidence.levels import Bound, Proof, judged, prove
from analysis.io.annotations import load_readings, stage_rows
from analysis.io.design import GROUP, VARIABLES
from analysis.io.registry import printed_text
from analysis.methods.contingency import EXACT_P, reports_exact_p
from analysis.methods.pvalues import bonferroni_threshold
from analysis.printed.claims import Claims
from analysis.printed.judge import double_rounded, whole
from analysis.printed.rounding import parse_printed, round_half_away
from analysis.printed.significance import ALPHA
from analysis.reconstruct.ages import age_pairs_fan2018
from analysis.stages import enrolment_tables as tables
from analysis.stages.design_counts import judge_community_counts, judge_wave_count

__all__ = [
    "AGE_TEST",
    "STAGE",
    "bonferroni_readings",
    "bonferroni_sizes",
    "exact_p_policies",
    "judge_fan2018_evaluation",
    "judge_fan2018_participants",
    "judge_fan2018_table1",
    "judge_fan2018_table2",
    "judge_fan2018_table2_tests",
    "judge_fan2019_caregivers",
    "judge_fan2019_comparisons",
    "judge_fan2019_recruitment",
    "judge_fan2019_response_rates",
    "judge_fan2019_response_tests",
    "judge_fan2019_table1",
    "judge_fan2019_timing",
    "p_attempts",
    "results",
    "statistic_attempts",
]

STAGE = "01_enrolment"

#: fan2018 Table 2's t test of age, peers vs consumers (its statistic, df and p rows).
AGE_TEST = "fan2018.table2.age.peers_vs_consumers"


PEARSON = "Pearson chi-square"
DF = "(rows - 1) x (columns - 1)"


def statistic_attempts(pearson: float, *others: tuple[str, object]) -> list:
    """Attempts for a printed chi-square statistic: the Pearson value, then the same value as
    SPSS displays it (3 decimals) rounded again, then any other tests."""
    return [
        (PEARSON, pearson),
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
        (PEARSON, test["p"]),
        ("continuity-corrected chi-square", test["p_yates"]),
        ("likelihood-ratio chi-square", test["p_lr"]),
        ("Fisher's exact test", test["p_fisher"]),
    ]
    first = 0
    if parameters.get("continuity_correction") and two_by_two:
        first = 1
    if reports_exact_p(parameters.get("exact_p", "never"), test["min_expected"] < 5,
                       two_by_two):
        first = 3
    return [tries[first]] + [t for i, t in enumerate(tries) if i != first]


# --- fan2018 ------------------------------------------------------------------------------


def judge_fan2018_table1(claims: Claims, table1: pd.DataFrame, tests1: pd.DataFrame) -> None:
    """fan2018 Table 1: people per community and year (a dash, not printed, where a
    community had not started), and its chi-square test per role."""
    for (role, community), counts in table1.iterrows():
        for year, count in counts.items():
            quantity = "n" if community == "total" else "count"
            row_id = f"fan2018.table1.{community}.{GROUP[role]}_{year}.{quantity}"
            if count == 0 and row_id not in claims:
                continue  # printed as a dash: the community had not started
            claims.add(row_id, "constraint",
                       ("count of people enrolled in that year and not yet left", int(count)))
    for role, test in tests1.iterrows():
        stem = f"fan2018.table1.enrolment_by_community_year.{GROUP[role]}"
        claims.add(f"{stem}.statistic", "derived", *statistic_attempts(
            test["pearson"], ("likelihood-ratio chi-square", test["lr"])))
        claims.add(f"{stem}.df", "derived", (DF, whole(test["df"])))
        claims.add(f"{stem}.p", "derived", (PEARSON, test["p_pearson"]),
                   ("likelihood-ratio chi-square", test["p_lr"]))


def judge_fan2018_table2(claims: Claims, table2: pd.DataFrame) -> None:
    """fan2018 Table 2: count and percentage of peers and consumers in every category, and
    their mean age (printed again in the Results)."""
    for _, row in table2[table2["variable"] != "age"].iterrows():
        prefix = VARIABLES["fan2018"][row["variable"]][1]
        for role in ("peer", "consumer"):
            stem = f"fan2018.table2.{prefix}_{row['category']}.{GROUP[role]}."
            claims.add(stem + "count", "constraint", ("count", row[f"{role}_n"]))
            claims.add(stem + "percent", "constraint",
                       ("count / n x 100", row[f"{role}_percent"]))
    age = table2[table2["variable"] == "age"].iloc[0]
    for role in ("peer", "consumer"):
        claims.measure(f"fan2018_age_mean_{GROUP[role]}", "constraint",
                       ("mean", age[f"{role}_mean"]))
        claims.add(f"fan2018.table2.age.{GROUP[role]}.sd", "constraint",
                   ("sd", age[f"{role}_sd"]))


def judge_fan2018_table2_tests(claims: Claims, tests2: pd.DataFrame, parameters: dict) -> None:
    """fan2018 Table 2's tests, peers vs consumers: a chi-square per categorical variable
    (with every variant SPSS prints), and the t test of age."""
    for variable, test in tests2.iterrows():
        prefix = "age" if variable == "age" else VARIABLES["fan2018"][variable][1]
        stem = f"fan2018.table2.{prefix}.peers_vs_consumers"
        if variable == "age":
            claims.add(f"{stem}.statistic", "constraint",
                       ("independent-samples t, pooled (df 60)", test["statistic"]),
                       ("pooled t, SPSS's 3 decimals rounded again",
                        double_rounded(test["statistic"])),
                       ("Welch t", test["welch_statistic"]))
            claims.add(f"{stem}.p", "derived", ("independent-samples t, pooled", test["p"]),
                       ("Welch t", test["p_welch"]),
                       ("Mann-Whitney U (asymptotic)", test["p_mann_whitney"]))
            continue
        claims.add(f"{stem}.statistic", "derived", *statistic_attempts(
            test["statistic"], ("continuity-corrected chi-square", test["yates_statistic"]),
            ("likelihood-ratio chi-square", test["lr_statistic"])))
        claims.add(f"{stem}.df", "derived", (DF, whole(test["df"])))
        claims.add(f"{stem}.p", "derived",
                   *p_attempts(test, parameters, bool(test["two_by_two"])))


def judge_fan2018_participants(claims: Claims, people18: pd.DataFrame) -> None:
    """fan2018 Abstract and Methods: Participants: communities, people recruited, the peer
    who quit, and the caregivers recruited for the evaluation."""
    patients = tables.peers_and_consumers(people18)
    current = patients[patients["year_left"] == ""]
    judge_community_counts(claims, {"fan2018_communities": None,
                                    "fan2018_later_communities": "later"})
    for role in ("peer", "consumer"):
        claims.add(f"fan2018.methods.recruited.{GROUP[role]}.n", "constraint",
                   ("enrolled and not left by 2016", int((current["role"] == role).sum())))
    left = (patients["role"] == "peer") & (patients["community"] == "tuanjiehu") & (
        patients["year_left"] != "")
    claims.measure("fan2018_peers_left_tuanjiehu", "constraint",
                   ("Tuanjiehu peers with a leaving year", int(left.sum())))
    carers = people18[people18["role"] == "caregiver"]
    cared = carers["cares_for"].map(people18.set_index("person_id")["role"])
    claims.measure("fan2018_caregivers", "constraint", ("caregivers", len(carers)))
    claims.measure("fan2018_caregiver_families", "constraint",
                   ("distinct families (cared-for people)", carers["cares_for"].nunique()))
    for role in ("peer", "consumer"):
        claims.measure(f"fan2018_caregivers_of_{GROUP[role]}", "constraint",
                       (f"caregivers of {role}s", int((cared == role).sum())))


def judge_fan2018_evaluation(claims: Claims, people18: pd.DataFrame) -> None:
    """fan2018 Methods and Results: who was in the December 2014 evaluation (the initial
    communities), and the consumers not assessed."""
    framed = people18[people18["evaluated"] != ""]
    consumers = framed[framed["role"] == "consumer"]
    judge_community_counts(claims, {"fan2018_evaluation_communities": "initial"})
    claims.measure("fan2018_evaluation_consumers", "constraint",
                   ("consumers of the initial communities enrolled by 2014", len(consumers)))
    claims.measure("fan2018_evaluation_caregivers", "constraint",
                   ("caregivers", int((people18["role"] == "caregiver").sum())))
    missed = int((consumers["evaluated"] == "no").sum())
    claims.measure("fan2018_not_assessed", "constraint", ("consumers not assessed", missed))
    claims.measure("fan2018_not_assessed_percent", "constraint",
                   ("not assessed / consumers x 100", 100 * missed / len(consumers)))


# --- fan2019 ------------------------------------------------------------------------------


def judge_fan2019_table1(claims: Claims, table19: pd.DataFrame) -> None:
    """fan2019 Table 1: n, and N (%) per category and Mean (SD) of age and age at onset,
    for providers (peers) and consumers."""
    for role in ("peer", "consumer"):
        claims.add(f"fan2019.table1.header.{GROUP[role]}.n", "constraint",
                   ("n", table19.attrs["n"][role]))
    for _, row in table19.iterrows():
        for role in ("peer", "consumer"):
            group = GROUP[role]
            if row["variable"] in tables.CONTINUOUS["fan2019"]:
                prefix = "age" if row["variable"] == "age" else "first_onset_age"
                for quantity in ("mean", "sd"):
                    claims.add(f"fan2019.table1.{prefix}.{group}.{quantity}", "constraint",
                               (quantity, row[f"{role}_{quantity}"]))
                continue
            prefix = VARIABLES["fan2019"][row["variable"]][1]
            if row["variable"] == "lives_alone":
                if row["category"] != "yes":
                    continue
                stem = f"fan2019.table1.lives_alone.{group}."
            else:
                stem = f"fan2019.table1.{prefix}_{row['category']}.{group}."
            claims.add(stem + "count", "constraint", ("count", row[f"{role}_n"]))
            claims.add(stem + "percent", "constraint", ("count / n x 100", row[f"{role}_percent"]))


def judge_fan2019_recruitment(claims: Claims, people19: pd.DataFrame) -> None:
    """fan2019 Abstract and Methods: Participants: people recruited in all, by wave and by
    community, and the communities of each wave."""
    patients = tables.peers_and_consumers(people19)
    by_wave = patients.groupby(["role", "wave"]).size()
    sites = patients.groupby(["role", "community"]).size()
    for role in ("peer", "consumer"):
        claims.measure(f"fan2019_recruited_{GROUP[role]}", "constraint",
                       ("people enrolled", int((patients["role"] == role).sum())))
        for wave in ("initial", "later"):
            claims.add(f"fan2019.methods.recruited.{wave}_{GROUP[role]}.n", "constraint",
                       ("people enrolled in the wave", int(by_wave[role, wave])))
    site_id = re.compile(r"^fan2019\.methods\.recruited_site_(\w+)\.(initial|later)_peers\.count$")
    for row_id in claims.ids("fan2019.methods.recruited_site_"):
        community = site_id.match(row_id)[1]
        claims.add(row_id, "constraint", ("providers from the community",
                                          int(sites.get(("peer", community), 0))))
    judge_community_counts(claims, {"fan2019_communities": None, "fan2019_communities_initial":
                              "initial", "fan2019_communities_later": "later"})


def judge_fan2019_timing(claims: Claims, people19: pd.DataFrame) -> None:
    """fan2019 Abstract and Methods: where and when each wave was evaluated (months from
    the wave's start to its follow-up)."""
    patients = tables.peers_and_consumers(people19)
    months = patients.groupby("wave")["followup_month"].agg(lambda m: int(m.astype(int).max()))
    judge_community_counts(claims, {f"fan2019_evaluated_communities_{wave}": wave
                              for wave in ("initial", "later")})
    for wave in ("initial", "later"):
        claims.measure(f"fan2019_followup_months_{wave}", "constraint",
                       ("months from the wave's start to follow-up", int(months[wave])))
    claims.measure("fan2019_followup_months_postponed", "constraint",
                   ("months from the start to follow-up, initial wave", int(months["initial"])))
    claims.measure("fan2019_followup_months_longest", "constraint",
                   ("months from the start to follow-up, at every site (largest)",
                    int(months.max())),
                   ("months from the start to follow-up, later communities only",
                    int(months["later"])))


def judge_fan2019_response_rates(claims: Claims, rates: pd.DataFrame,
                                 people19: pd.DataFrame) -> None:
    """fan2019 Results: follow-up completion by role and wave, the months to follow-up of
    each group, the groups compared and the provider on temporary leave."""
    patients = tables.peers_and_consumers(people19)
    for (role, wave), rate in rates.set_index(["role", "wave"]).iterrows():
        group = f"{wave}_{GROUP[role]}"
        stem = f"fan2019.results.completed_followup.{group}"
        claims.add(f"{stem}.count", "constraint",
                   ("completed the follow-up evaluation", int(rate["completed"])))
        claims.add(f"{stem}.percent", "constraint",
                   ("completed / recruited x 100", rate["percent"]))
        if f"{stem}.n" in claims:
            claims.add(f"{stem}.n", "constraint", ("recruited", int(rate["recruited"])))
        mine = patients[(patients["role"] == role) & (patients["wave"] == wave)]
        months_id = f"fan2019.results.followup_months.{group}.other"
        if months_id in claims:
            claims.add(months_id, "constraint", ("months from the wave's start to follow-up",
                                                 int(mine["followup_month"].astype(int).iloc[0])))
    judge_wave_count(claims, "fan2019_response_rate_groups")
    leave = patients[patients["dropout_reason"].str.startswith("temporary leave")]
    claims.measure("fan2019_temporary_leave", "constraint", (
        "later providers on temporary leave",
        int(((leave["role"] == "peer") & (leave["wave"] == "later")).sum())))


def judge_fan2019_response_tests(claims: Claims, rates: pd.DataFrame, parameters: dict) -> None:
    """fan2019 Results: the chi-square tests of completion, initial vs later, per role."""
    initial = rates[rates["wave"] == "initial"].set_index("role")
    for role in ("peer", "consumer"):
        rate = initial.loc[role]
        stem = f"fan2019.results.response_rate.{GROUP[role]}_initial_vs_later"
        claims.add(f"{stem}.statistic", "derived", (PEARSON, rate["statistic"]))
        claims.add(f"{stem}.df", "derived", (DF, whole(rate["df"])))
        claims.add(f"{stem}.p", "derived", *p_attempts(rate, parameters))


def bonferroni_sizes() -> dict[str, int]:
    """How many tests fan2019's Bonferroni family holds under each reading
    (``data/published/readings.csv``): the categorical variables of Table 1, all its
    demographic variables, and those of both groups compared."""
    return {"categorical_variables": tables.bonferroni_m("categorical"),
            "all_demographic_variables": tables.bonferroni_m("all"),
            "both_groups": 2 * tables.bonferroni_m("all")}


def bonferroni_readings() -> list:
    """fan2019's Bonferroni threshold under each reading of its family: 0.05 over the size
    :func:`bonferroni_sizes` gives."""
    return [(reading, [(f"{ALPHA:g} / {m}", bonferroni_threshold(ALPHA, m))])
            for reading, m in bonferroni_sizes().items()]


def judge_fan2019_comparisons(claims: Claims, comparisons: pd.DataFrame,
                              parameters: dict) -> None:
    """fan2019 Results: the Bonferroni threshold of the initial-vs-later comparison, and the
    smallest p of the completers-vs-dropouts comparisons in each wave (``comparisons``:
    :func:`analysis.stages.enrolment_tables.demographic_comparisons`)."""
    categorical, continuous = parameters["categorical_test"], parameters["continuous_test"]
    claims.readings("fan2019_bonferroni_threshold", "printed",
                    bonferroni_readings(), load_readings())
    for wave in ("initial", "later"):
        compared = comparisons[comparisons["comparison"] == f"completers vs dropouts, {wave}"]
        claims.add(f"fan2019.results.dropout_demographics.{wave}_consumers.p", "constraint",
                   (f"smallest p, completers vs dropouts ({categorical} / {continuous})",
                    float(compared["p"].min())),
                   ("smallest p with the other test of each kind",
                    float(compared["p_alternative"].min())))


def judge_fan2019_caregivers(claims: Claims, people19: pd.DataFrame) -> None:
    """fan2019 Results: Caregivers: how many, of whom, their sex and mean age."""
    carers = tables.caregiver_summary(people19)
    claims.measure("fan2019_caregivers", "constraint", ("caregivers", carers["n"]))
    claims.measure("fan2019_caregiver_families", "constraint",
                   ("distinct families", carers["families"]))
    claims.measure("fan2019_caregivers_of_peers", "constraint",
                   ("caregivers of providers", carers["of_peers"]))
    claims.measure("fan2019_caregivers_of_consumers", "constraint",
                   ("caregivers of consumers", carers["of_consumers"]))
    claims.measure("fan2019_caregivers_female", "constraint", ("women", carers["female"]))
    claims.measure("fan2019_caregivers_female_percent", "constraint",
                   ("women / caregivers x 100", carers["female_percent"]))
    claims.measure("fan2019_caregivers_age_mean", "constraint", ("mean age", carers["age_mean"]))


# --- the stage ------------------------------------------------------------------------------


def age_p_bound(registry: pd.DataFrame) -> Bound:
    """The exact range of fan2018 Table 2's pooled-t p over every dataset of integer ages in
    the inclusion range with the printed means and SDs (every feasible pair of moments,
    :func:`analysis.reconstruct.ages.age_pairs_fan2018`: the test depends on nothing else)."""
    pairs = age_pairs_fan2018(registry)
    return Bound(float(pairs["p"].min()), float(pairs["p"].max()),
                 f"complete enumeration of the {len(pairs):,} feasible (sum, sum of squares) "
                 "combinations of integer ages", exact=True)


def age_t_proof(registry: pd.DataFrame) -> Proof | None:
    """fan2018 Table 2's age t over every dataset of integer ages in the inclusion range with
    the printed means and SDs: the exact range of each t the row tries (pooled, its
    3-decimal display rounded again, Welch), and the verdict they all give, if one."""
    pairs = age_pairs_fan2018(registry)
    pooled, welch = pairs["t"], pairs["t_welch"]
    printed = printed_text(registry, f"{AGE_TEST}.statistic")
    places = parse_printed(printed).decimals
    twice = [float(round_half_away(double_rounded(t), places)) for t in (pooled.min(),
                                                                         pooled.max())]
    ranges = {"pooled t": (float(pooled.min()), float(pooled.max())),
              "pooled t, 3 decimals rounded again": (twice[0], twice[1]),
              "Welch t": (float(welch.min()), float(welch.max()))}
    return prove(ranges, printed,
                 f"complete enumeration of the {len(pairs):,} feasible (sum, sum of squares) "
                 "combinations of integer ages")


def results(registry: pd.DataFrame, computed: tables.Enrolment, explanations: pd.DataFrame,
            parameters: dict, real_data: bool = False) -> pd.DataFrame:
    """Every registry row of this stage, judged (see :mod:`analysis.printed.judge`) from the
    records and tables ``computed`` once (:func:`analysis.stages.enrolment_tables.compute`).

    ``parameters`` (the notebook's parameters cell): ``categorical_test`` ("pearson" or
    "fisher") and ``continuous_test`` ("t" or "mann_whitney") for the group comparisons;
    ``continuity_correction`` (bool) and ``exact_p`` (one of :data:`EXACT_P`) for the
    contingency tables (see :func:`p_attempts`).
    """
    claims = Claims(stage_rows(registry, STAGE), explanations)
    people18, people19 = computed.people18, computed.people19
    judge_fan2018_table1(claims, computed.table1, computed.tests1)
    judge_fan2018_table2(claims, computed.table2)
    judge_fan2018_table2_tests(claims, computed.tests2, parameters)
    claims.bound(f"{AGE_TEST}.p", age_p_bound(registry))
    proof = age_t_proof(registry)
    if proof is not None:
        claims.bound(f"{AGE_TEST}.statistic", proof)
    judge_fan2018_participants(claims, people18)
    judge_fan2018_evaluation(claims, people18)
    judge_fan2019_timing(claims, people19)
    judge_fan2019_table1(claims, computed.table19)
    judge_fan2019_recruitment(claims, people19)
    judge_fan2019_response_rates(claims, computed.rates, people19)
    judge_fan2019_response_tests(claims, computed.rates, parameters)
    judge_fan2019_comparisons(claims, computed.comparisons, parameters)
    judge_fan2019_caregivers(claims, people19)
    for paper in ("fan2018", "fan2019"):  # the inclusion ages: rules the records obey
        for end in ("min", "max"):
            claims.unavailable_measure(f"{paper}_age_{end}", "constraint")
    return judged(claims, registry, real_data)


def exact_p_policies(registry: pd.DataFrame, computed: tables.Enrolment,
                     explanations: pd.DataFrame, parameters: dict) -> pd.DataFrame:
    """Which rule for reporting Fisher's exact p explains the printed p-values? For each
    policy in :data:`EXACT_P`, how many contingency-table p-values of this stage match under
    the policy's method, and how many only under another test (the tests ``computed`` once,
    judged under each policy)."""
    rows = []
    for policy in EXACT_P:
        claims = Claims(stage_rows(registry, STAGE), explanations)
        chosen = {**parameters, "exact_p": policy}
        judge_fan2018_table1(claims, computed.table1, computed.tests1)
        judge_fan2018_table2_tests(claims, computed.tests2, chosen)
        judge_fan2019_response_tests(claims, computed.rates, chosen)
        trial = claims.frame(only=claims.judged)
        p_rows = trial[trial["id"].str.endswith(".p")
                       & trial["method"].str.contains("chi-square|Fisher")]
        rows.append({"exact_p": policy, "p-values": len(p_rows),
                     "match the paper's method": int((p_rows["status"] == "match").sum()),
                     "only another test": int((p_rows["status"] == "match_other_method").sum())})
    return pd.DataFrame(rows)
