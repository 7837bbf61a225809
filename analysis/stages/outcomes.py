"""Notebook 04, outcomes: every printed number on satisfaction and perceived benefit, judged
from the interview records."""

from __future__ import annotations

import math

import pandas as pd

from analysis.io.questionnaire import (
    CAREGIVER_QUESTIONS,
    CONSUMER_RATINGS,
    FAN2018_QUESTIONS,
    PROVIDER_RATINGS,
    STRESS_REASONS,
    T_TESTS,
    questions,
    table3_items,
)
from analysis.io.registry import printed_text
from analysis.methods.integer_samples import sample_sd
from analysis.printed.claims import Claims
from analysis.reconstruct.interviews import closest_pair
from analysis.stages.outcome_tables import (
    benefit_comparisons,
    fan2018_tests,
    summarise,
    wave_comparisons,
)

__all__ = ["OUTCOME_ROWS", "outcome_results", "rows_for_outcomes"]


#: Registry rows of notebook 04: locations, plus the outcome ids of the 2018 Abstract.
OUTCOME_ROWS = {
    "locations": {
        "fan2018": ["Results: Service satisfaction", "Results: Service perceived benefit"],
        "fan2019": ["Abstract", "Methods: Service satisfaction", "Methods: Perceived benefits",
                    "Results: Peer service providers", "Results: Consumers",
                    "Results: Caregivers", "Table 2", "Table 3", "Table 4"],
    },
    "ids": [r"^fan2018\.abstract\.(?:" + "|".join(FAN2018_QUESTIONS) + r")\."],
}


def rows_for_outcomes(registry: pd.DataFrame, already: set[str] = frozenset()) -> pd.DataFrame:
    """The registry rows notebook 04 reproduces (:data:`OUTCOME_ROWS`), less ``already``
    (rows another notebook handles, e.g. the 2019 Abstract's enrolment numbers)."""
    by_location = pd.Series(False, index=registry.index)
    for paper, locations in OUTCOME_ROWS["locations"].items():
        by_location |= (registry["paper"] == paper) & registry["location"].isin(locations)
    by_id = registry["id"].str.contains("|".join(OUTCOME_ROWS["ids"]), regex=True)
    selected = registry[by_location | by_id]
    return selected[~selected["id"].isin(already)]


def outcome_results(registry: pd.DataFrame, interviews: pd.DataFrame, people19: pd.DataFrame,
                    explanations: pd.DataFrame, already: set[str] = frozenset()
                    ) -> pd.DataFrame:
    """Every registry row of :func:`rows_for_outcomes`, judged from the interview records."""

    out = Claims(explanations)
    summary = summarise(interviews).set_index(["paper", "question", "role", "wave"])

    def get(paper, question, role, column, wave="all"):
        return summary.loc[(paper, question, role, wave), column]

    # fan2018 ------------------------------------------------------------------------
    tests18 = fan2018_tests(interviews, registry).set_index("question")
    for place in ("abstract", "results"):
        for question, role in FAN2018_QUESTIONS.items():
            stem = f"fan2018.{place}.{question}.{role}s"
            if f"{stem}.count" not in set(registry["id"]):
                continue
            test = tests18.loc[question]
            out.add(registry, f"{stem}.count", "constraint", ("yes answers", int(test["yes"])))
            out.add(registry, f"{stem}.percent", "constraint",
                    ("yes / all respondents x 100", float(test["percent_all"])))
            out.add(registry, f"{stem}.df", "derived", ("categories - 1", 1))
            for quantity, column in (("statistic", "chi2"), ("p", "p")):
                out.add(registry, f"{stem}.{quantity}", "derived",
                        ("goodness of fit vs an equal split, all respondents",
                         float(test[f"{column}_all"])),
                        ("goodness of fit vs an equal split, assessed respondents only",
                         float(test[f"{column}_assessed"])),
                        ("the same with Yates' correction, all respondents",
                         float(test[f"{column}_all_yates"])),
                        ("the same with Yates' correction, assessed only",
                         float(test[f"{column}_assessed_yates"])))
    # fan2019: helpers ----------------------------------------------------------------
    role_of = {"peers": "peer", "consumers": "consumer", "caregivers": "caregiver"}

    def yes_rows(stem, question, role, wave="all", n_denominator=None):
        yes = int(get("fan2019", question, role, "yes", wave))
        n = int(get("fan2019", question, role, "n", wave)) if n_denominator is None \
            else n_denominator
        ids = set(registry["id"])
        if f"{stem}.count" in ids:
            out.add(registry, f"{stem}.count", "constraint", ("yes answers", yes))
        if f"{stem}.n" in ids:
            out.add(registry, f"{stem}.n", "constraint", ("respondents", n))
        if f"{stem}.percent" in ids:
            out.add(registry, f"{stem}.percent", "constraint", ("yes / respondents x 100",
                                                                100 * yes / n))

    recruited = people19.groupby("role").size()
    # Table 2 and providers' text
    out.add(registry, "fan2019.table2.header.peers.n", "constraint",
            ("providers interviewed", int(get("fan2019", "willing_to_continue", "peer", "n"))))
    for question in ("overall_satisfied_with_the_peer_service",
                     "qualified_to_be_peer_service_providers",
                     "feel_stressful_to_be_peer_service_providers", "willing_to_continue"):
        yes_rows(f"fan2019.table2.{question}.peers", question, "peer")
    for question in PROVIDER_RATINGS:
        for quantity in ("mean", "sd"):
            out.add(registry, f"fan2019.table2.{question}.peers.{quantity}", "constraint",
                    (quantity, float(get("fan2019", question, "peer", quantity))))
    for stem in ("fan2019.table2.confidence.peers", "fan2019.results.confidence_continue.peers"):
        for quantity in ("mean", "sd"):
            if f"{stem}.{quantity}" in set(registry["id"]):
                out.add(registry, f"{stem}.{quantity}", "constraint",
                        (f"{quantity} of 12 whole-number answers (nearest achievable)",
                         float(get("fan2019", "confidence", "peer", quantity))))
    out.add(registry, "fan2019.results.confidence_continue.later_peers.mean", "constraint",
            ("mean, later providers", float(get("fan2019", "confidence", "peer", "mean",
                                                "later"))))
    out.add(registry, "fan2019.results.satisfaction_content.peers.mean", "constraint",
            ("mean", float(get("fan2019", "content", "peer", "mean"))))
    others = [get("fan2019", q, "peer", "mean") for q in PROVIDER_RATINGS if q != "content"]
    out.add(registry, "fan2019.results.satisfaction_score_threshold.peers.other", "derived",
            ("lowest mean of the other five ratings, rounded down", math.floor(min(others))))
    for row_id, role in (("fan2019.results.satisfaction_scale_max.peers.other", "peer"),
                         ("fan2019.results.satisfaction_scale_max.consumers.other", "consumer")):
        catalogue = questions(registry)
        out.add(registry, row_id, "constraint", ("top of the rating scale", int(
            catalogue.loc[(catalogue["role"] == role) & (catalogue["kind"] == "rating"),
                          "hi"].max())))
    yes_rows("fan2019.results.qualified.peers", "qualified_to_be_peer_service_providers", "peer")
    stressed = get("fan2019", "feel_stressful_to_be_peer_service_providers", "peer", "yes")
    out.add(registry, "fan2019.results.stress.peers.other", "constraint",
            ("stressed / respondents (as Table 2: 6 of 12)",
             stressed / get("fan2019", "feel_stressful_to_be_peer_service_providers", "peer",
                            "n")),
            ("stressed / qualified",
             stressed / get("fan2019", "qualified_to_be_peer_service_providers", "peer", "yes")))
    for question in STRESS_REASONS:
        yes_rows(f"fan2019.results.{question}.peers", question, "peer")
    yes_rows("fan2019.results.willing_to_continue.peers", "willing_to_continue", "peer")
    out.add(registry, "fan2019.results.wish_to_quit.peers.count", "constraint",
            ("yes answers", int(get("fan2019", "wish_to_quit", "peer", "yes"))))
    providers = wave_comparisons(interviews, "peer")
    satisfaction = providers[~providers["question"].isin(table3_items(registry))]
    out.add(registry, "fan2019.results.satisfaction.peers_initial_vs_later.p", "constraint",
            ("smallest p, initial vs later providers (t tests, chi-square)",
             float(satisfaction["p"].min())))
    # Table 3 and benefit text
    out.add(registry, "fan2019.table3.header.peers.n", "constraint",
            ("providers interviewed", int(get("fan2019", table3_items(registry)[0], "peer",
                                              "n"))))
    out.add(registry, "fan2019.table3.header.consumers.n", "constraint",
            ("consumers interviewed", int(get("fan2019", table3_items(registry)[0], "consumer",
                                              "n"))))
    for question in table3_items(registry):
        for role in ("peers", "consumers"):
            yes_rows(f"fan2019.table3.{question}.{role}", question, role_of[role])
    comparisons = benefit_comparisons(interviews, registry, "none").set_index("question")
    work = comparisons.loc["daily_life_and_work_improve_work_skill"]
    stem = "fan2019.results.improve_work_skill.peers_vs_consumers"
    out.add(registry, f"{stem}.statistic", "derived", ("Pearson chi-square", float(work["chi2"])))
    out.add(registry, f"{stem}.df", "derived", ("(rows - 1) x (columns - 1)", 1))
    for row_id in (f"{stem}.p", "fan2019.table3.improve_work_skill.peers_vs_consumers.p"):
        out.add(registry, row_id, "derived", ("Pearson chi-square", float(work["p_pearson"])),
                ("Fisher's exact test", float(work["p_fisher"])))
    text_items = {
        "improve_work_skill": "daily_life_and_work_improve_work_skill",
        "improve_social_communication": "social_communication_improve_social_communication_skill",
        "improve_mood": "emotion_and_self_perception_improve_mood_and_feeling_cared_about",
        "improve_belonging": "emotion_and_self_perception_improve_sense_of_belonging",
        "benefit_family_perspective": "others_perspective_family_members",
        "benefit_doctors_perspective": "others_perspective_community_doctors",
        "disease_stability": "disease_related_disease_become_more_stable",
    }
    for short, question in text_items.items():
        for role in ("peers", "consumers"):
            stem = f"fan2019.results.{short}.{role}"
            if any(i.startswith(stem + ".") for i in registry["id"]):
                yes_rows(stem, question, role_of[role])
    for wave in ("initial", "later"):
        yes_rows(f"fan2019.results.improve_mood.{wave}_consumers",
                 text_items["improve_mood"], "consumer", wave)
    knowledge = "disease_related_know_more_disease_knowledge"
    data = interviews[(interviews["paper"] == "fan2019") & (interviews["role"] == "consumer")]
    either = data[data["question"].str.startswith("disease_related") & (data["answer"] == "yes")]
    for quantity in ("count", "percent"):
        n = get("fan2019", knowledge, "consumer", "n")
        union, alone = either["person_id"].nunique(), get("fan2019", knowledge, "consumer", "yes")
        scale = 100 / n if quantity == "percent" else 1
        out.add(registry, f"fan2019.results.disease_related_benefit.consumers.{quantity}",
                "derived", ("either disease-related item", union * scale),
                ("each disease-related item (knowledge; stability)", alone * scale))
    out.add(registry, "fan2019.results.benefit_groups.peers_initial_vs_later.other", "derived",
            ("waves compared", int(interviews.loc[interviews["role"] == "peer", "wave"]
                                   .nunique())))
    # Table 4 and consumers' text
    out.add(registry, "fan2019.table4.header.consumers.n", "constraint",
            ("consumers interviewed", int(get(
                "fan2019", "continuous_participation_willingness", "consumer", "n"))))
    for question in ("overall_satisfied_with_the_peer_service_providers_and_service",
                     "continuous_participation_willingness"):
        yes_rows(f"fan2019.table4.{question}.consumers", question, "consumer")
    interviewed = int(get("fan2019", "continuous_participation_willingness", "consumer", "n"))
    for question in CONSUMER_RATINGS:
        for quantity in ("mean", "sd"):
            printed_mean = printed_text(registry, f"fan2019.table4.{question}.consumers.mean")
            printed_sd = printed_text(registry, f"fan2019.table4.{question}.consumers.sd")
            s, q = closest_pair(interviewed, printed_mean, printed_sd, 1, 5)
            nearest = s / interviewed if quantity == "mean" else sample_sd(interviewed, s, q)
            rated = int(get("fan2019", question, "consumer", "n"))
            out.add(registry, f"fan2019.table4.{question}.consumers.{quantity}", "constraint",
                    (f"{quantity} of {interviewed} answers (nearest achievable)", nearest),
                    (f"{quantity} of the {rated} consumers who rated",
                     float(get("fan2019", question, "consumer", quantity))))
    means = {q: float(get("fan2019", q, "consumer", "mean")) for q in CONSUMER_RATINGS}
    nearest = {}
    for q in CONSUMER_RATINGS:
        s, _ = closest_pair(interviewed,
                            printed_text(registry, f"fan2019.table4.{q}.consumers.mean"),
                            printed_text(registry, f"fan2019.table4.{q}.consumers.sd"), 1, 5)
        nearest[q] = s / interviewed
    other = [q for q in CONSUMER_RATINGS if q != "richness_of_activity_topic"]
    rated = int(get("fan2019", other[0], "consumer", "n"))
    for row_id, pick in (("fan2019.results.specific_aspects_min.consumers.mean", min),
                         ("fan2019.results.specific_aspects_max.consumers.mean", max)):
        out.add(registry, row_id, "constraint",
                (f"{pick.__name__} mean except richness of topic, {interviewed} answers "
                 "(nearest achievable)", pick(nearest[q] for q in other)),
                (f"{pick.__name__} mean except richness of topic, the {rated} who rated",
                 pick(means[q] for q in other)))
    out.add(registry, "fan2019.results.richness_activity_topic.consumers.mean", "constraint",
            (f"mean of {interviewed} answers (nearest achievable)",
             nearest["richness_of_activity_topic"]),
            (f"mean of the {rated} consumers who rated", means["richness_of_activity_topic"]))
    yes_rows("fan2019.results.satisfied.consumers",
             "overall_satisfied_with_the_peer_service_providers_and_service", "consumer")
    yes_rows("fan2019.results.satisfied_all_recruited.consumers",
             "overall_satisfied_with_the_peer_service_providers_and_service", "consumer",
             n_denominator=int(recruited["consumer"]))
    yes_rows("fan2019.results.intend_to_continue.consumers",
             "continuous_participation_willingness", "consumer")
    consumers = wave_comparisons(interviews, "consumer").set_index("question")
    for question, stem in T_TESTS.items():
        test = consumers.loc[question]
        out.add(registry, f"{stem}.statistic", "constraint",
                ("independent-samples t, pooled (Student)", float(test["statistic"])),
                ("Welch t (equal variances not assumed)", float(test["welch"])))
        out.add(registry, f"{stem}.p", "constraint",
                ("independent-samples t, pooled (Student)", float(test["p"])),
                ("Welch t (equal variances not assumed)", float(test["p_welch"])))
    # Caregivers
    for question, (row_id, _among) in CAREGIVER_QUESTIONS.items():
        yes_rows(row_id.rsplit(".", 1)[0], question, "caregiver")
    refusing = interviews[(interviews["question"] == "willing_family_continue")
                          & (interviews["answer"] == "no")]
    out.add(registry, "fan2019.results.negative_attitude.initial_caregivers.count", "constraint",
            ("initial-community caregivers not willing", int((refusing["wave"] == "initial")
                                                             .sum())))
    # Abstract (2019)
    abstract = {
        "fan2019.abstract.willing_to_continue.peers.count": ("willing_to_continue", "peer"),
        "fan2019.abstract.improved_working_skills.peers.count": (
            "daily_life_and_work_improve_work_skill", "peer"),
        "fan2019.abstract.improved_social_communication.peers.count": (
            "social_communication_improve_social_communication_skill", "peer"),
        "fan2019.abstract.improved_mood.peers.count": (
            "emotion_and_self_perception_improve_mood_and_feeling_cared_about", "peer"),
        "fan2019.abstract.satisfied_with_peer_services.consumers.count": (
            "overall_satisfied_with_the_peer_service_providers_and_service", "consumer"),
        "fan2019.abstract.improved_mood.consumers.count": (
            "emotion_and_self_perception_improve_mood_and_feeling_cared_about", "consumer"),
        "fan2019.abstract.improved_social_communication.consumers.count": (
            "social_communication_improve_social_communication_skill", "consumer"),
        "fan2019.abstract.improved_illness_knowledge.consumers.count": (
            "disease_related_know_more_disease_knowledge", "consumer"),
        "fan2019.abstract.improved_illness_stability.consumers.count": (
            "disease_related_disease_become_more_stable", "consumer"),
        "fan2019.abstract.positive_view.caregivers.count": ("willing_family_continue",
                                                            "caregiver"),
    }
    for row_id, (question, role) in abstract.items():
        out.add(registry, row_id, "constraint",
                ("yes answers", int(get("fan2019", question, role, "yes"))))
    out.add(registry, "fan2019.abstract.willing_to_continue.peers.n", "derived",
            ("providers recruited", int(recruited["peer"])),
            ("providers interviewed", int(get("fan2019", "willing_to_continue", "peer", "n"))))
    out.add(registry, "fan2019.abstract.satisfied_with_peer_services.consumers.n", "derived",
            ("consumers recruited", int(recruited["consumer"])))
    out.add(registry, "fan2019.abstract.positive_view.caregivers.n", "constraint",
            ("caregivers interviewed", int(get("fan2019", "willing_family_continue",
                                               "caregiver", "n"))))
    # Methods: the questionnaire's structure, from the catalogue
    catalogue = questions(registry)
    items = table3_items(registry)
    areas = pd.Series([i.split("_", 2)[0] + "_" + i.split("_", 2)[1] for i in items])
    def bound(role: str, kind: str, end: str) -> int:
        chosen = catalogue[(catalogue["role"] == role) & (catalogue["kind"] == kind)]
        return int(chosen[end].min() if end == "lo" else chosen[end].max())

    structure = {
        "fan2019.methods.specific_satisfaction_questions.peers.other": len(PROVIDER_RATINGS),
        "fan2019.methods.specific_satisfaction_questions.consumers.other": len(CONSUMER_RATINGS),
        "fan2019.methods.scale_min.peers.other": bound("peer", "rating", "lo"),
        "fan2019.methods.scale_max.peers.other": bound("peer", "rating", "hi"),
        "fan2019.methods.scale_min.consumers.other": bound("consumer", "rating", "lo"),
        "fan2019.methods.scale_max.consumers.other": bound("consumer", "rating", "hi"),
        "fan2019.methods.confidence_scale_min.peers.other": bound("peer", "score", "lo"),
        "fan2019.methods.confidence_scale_max.peers.other": bound("peer", "score", "hi"),
        "fan2019.methods.disease_questions.peers.other": int((areas == "disease_related").sum()),
        "fan2019.methods.social_questions.peers.other": int((areas == "social_communication")
                                                            .sum()),
        "fan2019.methods.daily_life_work_questions.peers.other": int(
            (areas == "daily_life").sum()),
        "fan2019.methods.emotion_questions.peers.other": int((areas == "emotion_and").sum()),
        "fan2019.methods.benefit_areas.peers.other": int(
            areas[areas != "others_perspective"].nunique()),
        "fan2019.methods.interview_parts.peers.other": int(
            pd.Series(areas == "others_perspective").nunique()),
    }
    for row_id, number in structure.items():
        out.add(registry, row_id, "constraint", ("the question list (analysis/outcomes.py)",
                                                 int(number)))
    for row_id in rows_for_outcomes(registry, already)["id"]:
        if row_id not in out.seen:
            out.unavailable(row_id)
    selected = rows_for_outcomes(registry, already)["id"].tolist()
    order = {row_id: k for k, row_id in enumerate(selected)}
    extra = sorted(out.seen - set(selected))
    if extra:
        raise ValueError(f"rows judged but not selected: {extra}")
    return pd.DataFrame(sorted(out.rows, key=lambda r: order[r["id"]]))
