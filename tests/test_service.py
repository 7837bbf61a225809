"""Report rows of notebooks 02 and 03: every selected row judged once, statuses computed
from the records (a broken record set gives mismatches, not silent matches)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import enrolment, service, sessions
from analysis.judge import load_explanations, unexpected_statuses
from analysis.participants import read_participants


@pytest.fixture(scope="module")
def inputs(registry):
    from analysis import paths

    records = sessions.read_sessions(paths.RECONSTRUCTED / "fan2018_sessions.csv")
    people18 = read_participants(paths.RECONSTRUCTED / "fan2018_participants.csv", registry)
    return records, people18, load_explanations()


def test_selections_do_not_overlap(registry):
    process = set(service.rows_for(registry, service.PROCESS_ROWS)["id"])
    content = set(service.rows_for(registry, service.CONTENT_ROWS)["id"])
    earlier = set(enrolment.rows_for_enrolment(registry)["id"])
    assert process
    assert content
    assert not process & content
    assert not process & earlier
    assert not content & earlier


def test_committed_records_give_the_expected_statuses(registry, inputs):
    records, people18, explanations = inputs
    for results in (service.process_results(registry, records, people18, explanations),
                    service.content_results(registry, records, explanations)):
        assert unexpected_statuses(results, explanations).empty


def test_a_lost_session_is_a_mismatch(registry, inputs):
    records, people18, explanations = inputs
    fewer = records.drop(index=records.index[-1]).reset_index(drop=True)
    results = service.process_results(registry, fewer, people18, explanations).set_index("id")
    total = "fan2018.results.peer_sessions.all_communities.count"
    assert results.loc[total, "status"] == "mismatch"
    assert results.loc["fan2018.results.sessions_by_community_period.communities_by_period."
                       "statistic", "status"] == "mismatch"


def test_digitised_shares_replace_the_records(registry, inputs):
    records, _, explanations = inputs
    percent = pd.Series({"fine_motor_exercise": 21.0, "daily_life_skills": 16.0,
                         "emotional_support": 15.0})
    results = service.content_results(registry, records, explanations, percent).set_index("id")
    row = "fan2018.results.category_fine_motor_exercise.activities.percent"
    assert results.loc[row, "status"] == "mismatch"
    assert results.loc[row, "method"] == "share read off Fig. 2"
