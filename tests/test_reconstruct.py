"""The reconstructed participants: every published constraint holds (for the default seed and
for another), the same seed gives the same data, and bad participant files fail loudly."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.checks.overlap import overlap_check, overlap_sentence
from analysis.io import paths
from analysis.io.annotations import load_explanations, stage_rows
from analysis.io.files import InputError
from analysis.io.participants import (
    PARTICIPANT_COLUMNS,
    as_records,
    read_participants,
    write_participants,
)
from analysis.printed.judge import unexpected_statuses
from analysis.stages import enrolment, enrolment_tables

DEFAULTS = {"categorical_test": "pearson", "continuous_test": "t",
            "continuity_correction": False, "exact_p": "never"}


@pytest.fixture(params=[20130701, 7])
def seeded(request, reconstructed):
    seed = request.param
    return seed, reconstructed("fan2018", seed), reconstructed("fan2019", seed)


@pytest.mark.integration
def test_every_constraint_and_status_holds(registry, seeded):
    """Compared with the printed numbers (not with earlier output): every row of the stage has
    the status expected from explanations.csv, so every constraint is met."""
    _, people18, people19 = seeded
    explanations = load_explanations()
    computed = enrolment_tables.compute(people18, people19, registry)
    results = enrolment.results(registry, computed, explanations, DEFAULTS)
    assert results["id"].tolist() == stage_rows(registry, enrolment.STAGE)["id"].tolist()
    drift = unexpected_statuses(results, explanations)
    assert drift.empty, drift.to_string()
    constraints = results[results["origin"] == "constraint"]
    assert (constraints["status"] == "match").sum() > 180


@pytest.mark.integration  # rebuilds a whole dataset
def test_same_seed_same_data(registry, reconstructed):
    """The committed files, written by another process, are what the default seed gives."""
    for paper in ("fan2018", "fan2019"):
        committed = read_participants(paths.RECONSTRUCTED / f"{paper}_participants.csv",
                                      registry)
        assert as_records(reconstructed(paper, 20130701), registry).equals(committed)


@pytest.mark.integration  # rebuilds a whole dataset
def test_another_seed_other_people_same_margins(reconstructed):
    """Another seed gives other people with the same printed margins. (Which caregivers
    were interviewed, and so their waves, is free: only their total is printed.)"""
    a = reconstructed("fan2019", 7)
    b = reconstructed("fan2019", 20130701)
    assert not a.equals(b)
    assert a["role"].value_counts().equals(b["role"].value_counts())
    patients_a, patients_b = (frame[frame["role"] != "caregiver"] for frame in (a, b))
    for column in ("sex", "education", "diagnosis", "wave", "evaluated"):
        counts = [frame.groupby("role")[column].value_counts().sort_index()
                  for frame in (patients_a, patients_b)]
        assert counts[0].equals(counts[1]), column


def _ages_respect_inclusion_and_onset(people18, people19):
    for frame in (people18, people19):
        ages = frame.loc[frame["role"] != "caregiver", "age"]
        ages = ages[ages != ""].astype(int)
        assert ages.between(18, 60).all()
    patients = people19[people19["role"] != "caregiver"]
    assert (patients["onset_age"].astype(int) <= patients["age"].astype(int)).all()


def test_committed_ages_respect_inclusion_and_onset(people):
    """The committed records (the default seed's): every age within the inclusion ages
    (18 to 60) and no onset after the age."""
    _ages_respect_inclusion_and_onset(people["fan2018"], people["fan2019"])


@pytest.mark.integration  # rebuilds a whole dataset per seed
def test_ages_respect_inclusion_and_onset(seeded):
    """The same for records rebuilt under the default seed and another."""
    _, people18, people19 = seeded
    _ages_respect_inclusion_and_onset(people18, people19)


def test_samples_of_the_two_papers_cannot_be_nested(registry):
    overlap = overlap_check(registry).set_index(["role", "variable", "category"])
    # fan2018 Table 2: 6 bipolar peers; fan2019 Table 1: 5 bipolar providers
    assert not overlap.loc[("peer", "diagnosis", "bipolar_disorder"), "possible"]
    assert overlap.loc[("peer", "sex", "female"), "possible"]


def test_the_overlap_verdict_is_said_from_the_check(registry):
    overlap = overlap_check(registry)
    said = overlap_sentence(overlap)
    assert said.startswith("They are not a subset")
    assert "'bipolar disorder'" in said
    nested = overlap.assign(possible=True)  # a registry whose samples could nest
    assert overlap_sentence(nested).startswith("Every difference is zero or positive")
    assert "not a subset" not in overlap_sentence(nested)


# --- bad participant files --------------------------------------------------------------

@pytest.fixture(scope="module")
def good_file(registry, tmp_path_factory, reconstructed):
    path = tmp_path_factory.mktemp("people") / "fan2019_participants.csv"
    write_participants(reconstructed("fan2019", 7), path, registry)
    return path


def test_written_file_reads_back(registry, good_file):
    frame = read_participants(good_file, registry)
    assert list(frame.columns) == PARTICIPANT_COLUMNS


@pytest.mark.parametrize(("column", "bad", "message"), [
    ("age", "61", "column 'age'"),
    ("age", "40.5", "column 'age'"),
    ("onset_age", "59", "column 'onset_age'"),
    ("sex", "f", "column 'sex'"),
    ("wave", "later", "column 'wave'"),
    ("role", "nurse", "column 'role'"),
    ("evaluated", "maybe", "column 'evaluated'"),
    ("education", "", "column 'education'"),
])
def test_bad_values_name_file_line_and_column(registry, good_file, tmp_path, column, bad,
                                              message):
    frame = pd.read_csv(good_file, dtype=str, keep_default_na=False)
    first = frame.index[(frame["role"] == "peer") & (frame["wave"] == "initial")][0]
    if column == "onset_age":
        frame.loc[first, "age"] = "30"
    frame.loc[first, column] = bad
    path = tmp_path / "broken.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(InputError, match=message) as error:
        read_participants(path, registry)
    assert f"broken.csv, line {first + 2}" in str(error.value)


def test_unknown_family_member(registry, good_file, tmp_path):
    frame = pd.read_csv(good_file, dtype=str, keep_default_na=False)
    carer = frame.index[frame["role"] == "caregiver"][0]
    frame.loc[carer, "cares_for"] = "C19-999"
    path = tmp_path / "broken.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(InputError, match="column 'cares_for'"):
        read_participants(path, registry)


def test_missing_column(registry, good_file, tmp_path):
    frame = pd.read_csv(good_file, dtype=str, keep_default_na=False).drop(columns="diagnosis")
    path = tmp_path / "broken.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"missing column\(s\) \['diagnosis'\]"):
        read_participants(path, registry)


def test_a_failed_write_keeps_the_old_file(registry, reconstructed, tmp_path):
    target = tmp_path / "kept.csv"
    target.write_text("old\n", encoding="utf-8")
    frame = reconstructed("fan2019", 7)
    frame.loc[0, "age"] = "99"
    with pytest.raises(InputError):
        write_participants(frame, target, registry)
    assert target.read_text(encoding="utf-8") == "old\n"
