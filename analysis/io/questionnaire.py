"""The questionnaires: which questions each group was asked, on which scale.

fan2018 (Methods: Service satisfaction, Service perceived benefit) asked consumers, caregivers
and peers yes/no questions; fan2019 (Tables 2-4, Results: Caregivers) asked providers and
consumers yes/no questions, 1-5 ratings and a 0-10 confidence score, and caregivers yes/no
questions. :func:`questions` is the catalogue the interview records are validated against.
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "CAREGIVER_QUESTIONS",
    "CONSUMER_RATINGS",
    "FAN2018_QUESTIONS",
    "PROVIDER_RATINGS",
    "STRESS_REASONS",
    "T_TESTS",
    "questions",
    "table3_items",
]


#: fan2018 yes/no questions: question -> respondent role (Methods: Service satisfaction,
#: Service perceived benefit).
FAN2018_QUESTIONS = {
    "satisfied_with_peers": "consumer",
    "desire_to_continue": "consumer",
    "better_social_skills": "consumer",
    "want_patients_continue": "caregiver",
    "observed_patient_social_skills": "caregiver",
    "improved_own_mood": "caregiver",
    "improved_working_skills": "peer",
    "improved_social_skills": "peer",
}


#: fan2019 Table 2 and 4 rating items (1-5) and the 0-10 confidence score.
PROVIDER_RATINGS = ["time", "content", "environment", "relationship_with_consumers",
                    "relationship_with_other_peer_service_providers",
                    "relationship_with_doctors_involved"]


CONSUMER_RATINGS = ["peer_service_providers_competence", "peer_service_providers_speak_manners",
                    "peer_service_providers_disease_stability", "service_punctuality",
                    "richness_of_activity_topic"]


#: The two t tests printed for initial vs later consumers (Results: Consumers).
T_TESTS = {
    "service_punctuality": "fan2019.results.service_punctuality.consumers_initial_vs_later",
    "richness_of_activity_topic":
        "fan2019.results.richness_activity_topic.consumers_initial_vs_later",
}


#: fan2019 caregiver questions: question -> (registry count id, who was asked).
CAREGIVER_QUESTIONS = {
    "willing_family_continue": ("fan2019.results.willing_family_continue.caregivers.count", "all"),
    "family_qualified": ("fan2019.results.family_qualified.peer_caregivers.count", "peer"),
    "expect_family_become_peer": (
        "fan2019.results.expect_family_become_peer.consumer_caregivers.count", "consumer"),
    "family_social_communication": (
        "fan2019.results.family_social_communication.caregivers.count", "all"),
    "family_confident_recovery": ("fan2019.results.family_confident_recovery.caregivers.count",
                                  "all"),
    "family_illness_stable": ("fan2019.results.family_illness_stable.caregivers.count", "all"),
    "own_mood": ("fan2019.results.own_mood.caregivers.count", "all"),
    "own_confidence_recovery": ("fan2019.results.own_confidence_recovery.caregivers.count",
                                "all"),
    "family_more_independent": ("fan2019.results.family_more_independent.caregivers.count",
                                "all"),
}


#: Reasons for stress (Results: Peer service providers), asked of the stressed providers.
STRESS_REASONS = {
    "stress_poor_organizing": "fan2019.results.stress_poor_organizing.peers.count",
    "stress_lack_confidence": "fan2019.results.stress_lack_confidence.peers.count",
    "stress_activity_topic": "fan2019.results.stress_activity_topic.peers.count",
}


def table3_items(registry: pd.DataFrame) -> list[str]:
    """The 14 perceived-benefit items of fan2019 Table 3, in table order."""
    ids = registry.loc[registry["id"].str.match(r"^fan2019\.table3\.[a-z_]+\.peers\.count$"),
                       "id"]
    return [i.split(".")[2] for i in ids]


def questions(registry: pd.DataFrame) -> pd.DataFrame:
    """The question catalogue: ``paper``, ``question``, ``role``, ``kind`` (yes_no, rating,
    score), ``lo``, ``hi``, ``source`` (where the question is described)."""
    rows = [{"paper": "fan2018", "question": q, "role": r, "kind": "yes_no", "lo": 0, "hi": 1,
             "source": "fan2018 Methods: Service satisfaction / perceived benefit"}
            for q, r in FAN2018_QUESTIONS.items()]
    yes_no_providers = ["overall_satisfied_with_the_peer_service",
                        "qualified_to_be_peer_service_providers",
                        "feel_stressful_to_be_peer_service_providers", "willing_to_continue",
                        *STRESS_REASONS, "wish_to_quit"]
    rows += [{"paper": "fan2019", "question": q, "role": "peer", "kind": "yes_no", "lo": 0,
              "hi": 1, "source": "fan2019 Table 2"} for q in yes_no_providers]
    rows += [{"paper": "fan2019", "question": q, "role": "peer", "kind": "rating", "lo": 1,
              "hi": 5, "source": "fan2019 Table 2"} for q in PROVIDER_RATINGS]
    rows.append({"paper": "fan2019", "question": "confidence", "role": "peer", "kind": "score",
                 "lo": 0, "hi": 10, "source": "fan2019 Table 2"})
    for role in ("peer", "consumer"):
        rows += [{"paper": "fan2019", "question": q, "role": role, "kind": "yes_no", "lo": 0,
                  "hi": 1, "source": "fan2019 Table 3"} for q in table3_items(registry)]
    rows += [{"paper": "fan2019", "question": q, "role": "consumer", "kind": "yes_no", "lo": 0,
              "hi": 1, "source": "fan2019 Table 4"}
             for q in ("overall_satisfied_with_the_peer_service_providers_and_service",
                       "continuous_participation_willingness")]
    rows += [{"paper": "fan2019", "question": q, "role": "consumer", "kind": "rating", "lo": 1,
              "hi": 5, "source": "fan2019 Table 4"} for q in CONSUMER_RATINGS]
    rows += [{"paper": "fan2019", "question": q, "role": "caregiver", "kind": "yes_no", "lo": 0,
              "hi": 1, "source": "fan2019 Results: Caregivers"} for q in CAREGIVER_QUESTIONS]
    return pd.DataFrame(rows)
