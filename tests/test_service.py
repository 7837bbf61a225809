"""Report rows of notebooks 02 and 03: every selected row judged once, statuses computed
from the records (a broken record set gives mismatches, not silent matches)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.io import paths
from analysis.io.annotations import load_explanations
from analysis.io.participants import read_participants
from analysis.io.registry import rows_for
from analysis.io.sessions import read_sessions
from analysis.printed.judge import unexpected_statuses
from analysis.stages.enrolment import rows_for_enrolment
from analysis.stages.service_content import CONTENT_ROWS, content_results
from analysis.stages.service_process import PROCESS_ROWS, process_results


@pytest.fixture(scope="module")
def inputs(registry):

    records = read_sessions(paths.RECONSTRUCTED / "fan2018_sessions.csv")
    people18 = read_participants(paths.RECONSTRUCTED / "fan2018_participants.csv", registry)
    return records, people18, load_explanations()


def test_selections_do_not_overlap(registry):
    process = set(rows_for(registry, PROCESS_ROWS)["id"])
    content = set(rows_for(registry, CONTENT_ROWS)["id"])
    earlier = set(rows_for_enrolment(registry)["id"])
    assert process
    assert content
    assert not process & content
    assert not process & earlier
    assert not content & earlier


def test_committed_records_give_the_expected_statuses(registry, inputs):
    records, people18, explanations = inputs
    for results in (process_results(registry, records, people18, explanations),
                    content_results(registry, records, explanations)):
        assert unexpected_statuses(results, explanations).empty


def test_a_lost_session_is_a_mismatch(registry, inputs):
    records, people18, explanations = inputs
    fewer = records.drop(index=records.index[-1]).reset_index(drop=True)
    results = process_results(registry, fewer, people18, explanations).set_index("id")
    total = "fan2018.results.peer_sessions.all_communities.count"
    assert results.loc[total, "status"] == "mismatch"
    assert results.loc["fan2018.results.sessions_by_community_period.communities_by_period."
                       "statistic", "status"] == "mismatch"


def test_digitised_shares_replace_the_records(registry, inputs):
    records, _, explanations = inputs
    percent = pd.Series({"fine_motor_exercise": 21.0, "daily_life_skills": 16.0,
                         "emotional_support": 15.0})
    results = content_results(registry, records, explanations, percent).set_index("id")
    row = "fan2018.results.category_fine_motor_exercise.activities.percent"
    assert results.loc[row, "status"] == "mismatch"
    assert results.loc[row, "method"] == "share read off Fig. 2"
