"""Report rows of notebooks 02 and 03: every selected row judged once, statuses computed
from the records (a broken record set gives mismatches, not silent matches)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.io import paths
from analysis.io.annotations import load_explanations, stage_rows
from analysis.io.participants import read_participants
from analysis.io.sessions import read_sessions
from analysis.printed.judge import unexpected_statuses
from analysis.reconstruct.session_records import frequency_bands, sessions_table
from analysis.stages import service_content, service_process


@pytest.fixture(scope="module")
def inputs(registry):

    records = read_sessions(paths.RECONSTRUCTED / "fan2018_sessions.csv")
    people18 = read_participants(paths.RECONSTRUCTED / "fan2018_participants.csv", registry)
    return records, people18, load_explanations()


def _process(registry, records, people18, explanations):
    """Notebook 02's judged rows, the interval rows bounded by the records' own table (a
    one-table sample: enough to judge them, not a claim about the feasible set)."""
    table = sessions_table(records).to_numpy()
    bounds = service_process.interval_bounds(frequency_bands(registry), table[None])
    return service_process.results(registry, records, people18, explanations,
                                   interval_bounds=bounds)


def test_each_stage_judges_exactly_its_rows(registry, inputs):
    records, people18, explanations = inputs
    for stage, results in (
            (service_process, _process(registry, records, people18, explanations)),
            (service_content, service_content.results(registry, records, explanations))):
        assert results["id"].tolist() == stage_rows(registry, stage.STAGE)["id"].tolist()


def test_committed_records_give_the_expected_statuses(registry, inputs):
    records, people18, explanations = inputs
    for results in (_process(registry, records, people18, explanations),
                    service_content.results(registry, records, explanations)):
        assert unexpected_statuses(results, explanations).empty


def test_a_lost_session_is_a_mismatch(registry, inputs):
    records, people18, explanations = inputs
    fewer = records.drop(index=records.index[-1]).reset_index(drop=True)
    results = _process(registry, fewer, people18, explanations).set_index("id")
    total = "fan2018.results.peer_sessions.all_communities.count"
    assert results.loc[total, "status"] == "mismatch"
    assert results.loc["fan2018.results.sessions_by_community_period.communities_by_period."
                       "statistic", "status"] == "mismatch"


def test_digitised_shares_replace_the_records(registry, inputs):
    records, _, explanations = inputs
    percent = pd.Series({"fine_motor_exercise": 21.0, "daily_life_skills": 16.0,
                         "emotional_support": 15.0})
    results = service_content.results(registry, records, explanations, percent).set_index("id")
    row = "fan2018.results.category_fine_motor_exercise.activities.percent"
    assert results.loc[row, "status"] == "mismatch"
    assert results.loc[row, "method"] == "share read off Fig. 2"
