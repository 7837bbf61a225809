"""Rebuild record-level participant data that agree with every published aggregate.

The raw data are not public. These functions generate *synthetic* people, one table per
paper, from the registry of printed numbers and the papers' stated rules, deterministically
from a seed. Every number is read from the registry by its id; nothing is retyped.

Why one table per paper
-----------------------
fan2018 describes 12 peers and 50 consumers (Table 2), and fan2019 describes 13 providers and
54 consumers (Table 1), with different category groupings and ages measured at different
times. The fan2019 providers' diagnoses (8 schizophrenia, 5 bipolar) cannot be the fan2018
peers' (6 and 6) plus one more person (:func:`analysis.checks.overlap.overlap_check`). The
papers never say how their samples relate, so each paper gets its own table.

What is free
------------
- The joint distribution of the demographics within a group: only the margins are published.
- Which individuals dropped out, were not assessed, or have a caregiver.
- The exact ages. The moments are confined to the pairs that
  :mod:`analysis.methods.integer_samples` enumerates, and one sample is drawn per pair.
- In fan2019, the community of each consumer within its wave. We take fan2018's 2016 counts
  as lower bounds and apportion the remainder.

What is constrained, and how
----------------------------
fan2018:
- Table 1: people by community and year, with enrolment and leaving years.
- Table 2: margins, plus the age moments whose pooled t is closest to the printed t.
- Methods: caregiver counts.
- Results: the 3 consumers not assessed in December 2014.

fan2019:
- Methods: recruitment by community and wave.
- Table 1: margins, and the age and onset-age moments closest to the printed mean and SD.
- Results: follow-up completion. The cross-tables with wave and follow-up status are as close
  to proportional as integers allow (:func:`analysis.methods.allocation.allocate`). The paper
  reports no significant difference between initial and later communities, nor between
  completers and dropouts, and the reconstruction is built to agree.
- Results: the caregivers' counts, sex and mean age.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.io.annotations import measure_text, measure_value
from analysis.io.design import COMMUNITY_WAVE, GROUP, VARIABLES
from analysis.io.participants import PARTICIPANT_COLUMNS
from analysis.io.registry import margins, table1_series_fan2018, value
from analysis.methods.allocation import allocate, apportion, deal
from analysis.methods.integer_samples import solve_sample
from analysis.reconstruct.ages import (
    ONSET_MIN,
    age_bounds,
    age_pairs_fan2018,
    mean_sample,
    moment_sample,
)

__all__ = ["reconstruct_fan2018", "reconstruct_fan2019"]


def _int(registry: pd.DataFrame, row_id: str) -> int:
    return int(value(registry, row_id))


def _count(registry: pd.DataFrame, key: str) -> int:
    return int(measure_value(registry, key))


def _people(paper: str, role: str, prefix: str, rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame.insert(0, "person_id", [f"{prefix}{i + 1:03d}" for i in range(len(frame))])
    frame.insert(0, "paper", paper)
    frame["role"] = role
    for column in PARTICIPANT_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    return frame[PARTICIPANT_COLUMNS]


def _assign_categories(index: pd.Index, counts: pd.Series, rng: np.random.Generator
                       ) -> list[str]:
    labels = np.repeat(counts.index.to_numpy(), counts.to_numpy())
    if len(labels) != len(index):
        raise ValueError(f"{counts.name}: {len(labels)} printed counts for {len(index)} people")
    return list(rng.permutation(labels))


def _caregivers(frame: pd.DataFrame, n: int, rng: np.random.Generator,
                columns: tuple[str, ...] = ()) -> list[dict]:
    """``n`` caregivers of people of ``frame`` evaluated, chosen with ``rng``."""
    pool = frame.index[frame["evaluated"] == "yes"]
    return [{"community": frame.loc[index, "community"], "wave": frame.loc[index, "wave"],
             "evaluated": "yes", "cares_for": frame.loc[index, "person_id"],
             **{column: frame.loc[index, column] for column in columns}}
            for index in sorted(rng.choice(pool, n, replace=False))]


# --- fan2018 ------------------------------------------------------------------------------


def _fan2018_enrolment(registry: pd.DataFrame, rng: np.random.Generator
                       ) -> dict[str, pd.DataFrame]:
    """Everyone of fan2018 Table 1, with the year they enrolled and, where a community's
    count fell from one year to the next, the year someone left (chosen with ``rng``)."""
    series = table1_series_fan2018(registry)
    people = {"peer": [], "consumer": []}
    for (role, community), counts in series.iterrows():
        active: list[dict] = []
        previous = 0
        for year in series.columns:
            count = int(counts[year])
            for _ in range(count - previous):
                person = {"community": community, "wave": COMMUNITY_WAVE[community],
                          "year_enrolled": year, "year_left": ""}
                active.append(person)
                people[role].append(person)
            for _ in range(previous - count):  # fewer than last year: someone left
                active.pop(int(rng.integers(len(active))))["year_left"] = year
            previous = count
    frames = {role: _people("fan2018", role, "P18-" if role == "peer" else "C18-", rows)
              for role, rows in people.items()}
    for role, frame in frames.items():
        current = int((frame["year_left"] == "").sum())
        n = _int(registry, f"fan2018.methods.recruited.{GROUP[role]}.n")
        if current != n:
            raise ValueError(f"fan2018 Table 1 has {current} {role}s in {series.columns[-1]}, "
                             f"the text says {n}")
    return frames


def _fan2018_demographics(frames: dict, registry: pd.DataFrame, rng: np.random.Generator,
                          seed: int) -> None:
    """Table 2's categories for the people enrolled in 2016, then their ages: the feasible
    moment pair whose pooled t is closest to the printed t."""
    for role, frame in frames.items():
        current = frame.index[frame["year_left"] == ""]
        for column in VARIABLES["fan2018"]:
            frame.loc[current, column] = _assign_categories(
                current, margins(registry, "fan2018", column, role), rng)
    pairs = age_pairs_fan2018(registry)
    target = float(value(registry, "fan2018.table2.age.peers_vs_consumers.statistic"))
    chosen = pairs.assign(gap=(pairs["t"] - target).abs()).sort_values(
        ["gap", "peer_sum", "peer_sumsq", "consumer_sum", "consumer_sumsq"], kind="stable"
    ).iloc[0]
    low, high = age_bounds(registry, "fan2018")
    for offset, role in enumerate(("peer", "consumer")):
        frame = frames[role]
        current = frame.index[frame["year_left"] == ""]
        ages = solve_sample(len(current), int(chosen[f"{role}_sum"]),
                            int(chosen[f"{role}_sumsq"]), low, high, seed + offset)
        frame.loc[current, "age"] = [str(a) for a in rng.permutation(ages)]


def _fan2018_evaluation(frames: dict, registry: pd.DataFrame, rng: np.random.Generator) -> None:
    """The December 2014 evaluation: the initial communities' people active in 2014, of whom
    the printed number of consumers were not assessed (chosen with ``rng``)."""
    evaluation_year = 2014
    for frame in frames.values():
        active = (frame["wave"] == "initial") & (
            frame["year_enrolled"].astype(int) <= evaluation_year)
        frame.loc[active, "evaluated"] = "yes"
    consumers = frames["consumer"]
    in_frame = consumers.index[consumers["evaluated"] == "yes"]
    expected = _count(registry, "fan2018_evaluation_consumers")
    if len(in_frame) != expected:
        raise ValueError(f"{len(in_frame)} initial consumers in 2014, the text says {expected}")
    missing = rng.choice(in_frame, _count(registry, "fan2018_not_assessed"), replace=False)
    consumers.loc[missing, "evaluated"] = "no"
    consumers.loc[missing, "dropout_reason"] = "personal issues"


def reconstruct_fan2018(registry: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Synthetic participants of fan2018: everyone in Table 1, the Table 2 demographics of the
    people enrolled in 2016, and the December 2014 evaluation frame.

    Reproduces by construction (role ``constraint``): Table 1 (people by community and
    year), Table 2's counts and age means/SDs, the Tuanjiehu peer who quit in 2015, the 24
    consumers of the initial communities of whom 3 were not assessed, and the 15 caregivers
    (7 of peers, 8 of consumers). The age sample is the one whose pooled t is closest to the
    printed t = -2.99 (no integer sample gives it exactly: see
    :func:`analysis.reconstruct.ages.age_pairs_fan2018`).
    """
    rng = np.random.default_rng(seed)
    frames = _fan2018_enrolment(registry, rng)
    _fan2018_demographics(frames, registry, rng, seed)
    _fan2018_evaluation(frames, registry, rng)
    caregivers = []  # recruited for the evaluation (Methods: seven of peers, eight of consumers)
    for role in ("peer", "consumer"):
        caregivers += _caregivers(frames[role],
                                  _count(registry, f"fan2018_caregivers_of_{GROUP[role]}"), rng)
    frames["caregiver"] = _people("fan2018", "caregiver", "G18-", caregivers)
    return pd.concat(frames.values(), ignore_index=True)


# --- fan2019 ------------------------------------------------------------------------------


def _fan2019_recruitment(registry: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Providers by community (Methods: five from Tuanjiehu and two from Maizidian, ...);
    consumers by wave, spread over its communities with fan2018's 2016 counts as lower
    bounds (only the wave totals are printed)."""
    providers = []
    for community, wave in COMMUNITY_WAVE.items():
        count = _int(registry, f"fan2019.methods.recruited_site_{community}.{wave}_peers.count")
        providers += [{"community": community, "wave": wave}] * count
    consumers = []
    for wave in ("initial", "later"):
        total = _int(registry, f"fan2019.methods.recruited.{wave}_consumers.n")
        base = pd.Series({c: _int(registry, f"fan2018.table1.{c}.consumers_2016.count")
                          for c, w in COMMUNITY_WAVE.items() if w == wave})
        for community, count in apportion(total, base).items():
            consumers += [{"community": community, "wave": wave}] * int(count)
    return {"peer": _people("fan2019", "peer", "P19-", [dict(p) for p in providers]),
            "consumer": _people("fan2019", "consumer", "C19-", [dict(c) for c in consumers])}


def _fan2019_followup(frames: dict, registry: pd.DataFrame, rng: np.random.Generator) -> None:
    """Follow-up completion by role and wave (Results: Participant characteristics and
    response rates), spread over the communities as evenly as integers allow; the later
    provider lost to follow-up is the one on temporary leave."""
    for role in ("peer", "consumer"):
        frame = frames[role]
        for wave in ("initial", "later"):
            in_wave = frame["wave"] == wave
            completed = _int(registry, f"fan2019.results.completed_followup.{wave}_"
                                       f"{GROUP[role]}.count")
            split = allocate(frame.loc[in_wave, "community"].value_counts(sort=False),
                             pd.Series({"yes": completed, "no": int(in_wave.sum()) - completed}))
            for community, row in split.iterrows():
                index = frame.index[in_wave & (frame["community"] == community)]
                flags = ["yes"] * int(row["yes"]) + ["no"] * int(row["no"])
                frame.loc[index, "evaluated"] = list(rng.permutation(flags))
            months = _int(registry, f"fan2019.results.followup_months.{wave}_peers.other")
            frame.loc[in_wave, "followup_month"] = str(months)
    peers = frames["peer"]
    leave = peers.index[(peers["wave"] == "later") & (peers["evaluated"] == "no")]
    if len(leave) != _count(registry, "fan2019_temporary_leave"):
        raise ValueError("the later providers lost to follow-up are not the one on leave")
    peers.loc[leave, "dropout_reason"] = "temporary leave"  # to care for a sick spouse


def _fan2019_demographics(frame: pd.DataFrame, role: str, registry: pd.DataFrame,
                          rng: np.random.Generator, seed: int) -> None:
    """Table 1's categories, ages and ages at onset for one role, each spread evenly over
    the cells wave x evaluated (onsets paired with ages by rank)."""
    cell = frame["wave"] + "/" + frame["evaluated"]
    sizes = cell.value_counts().sort_index()
    for column in VARIABLES["fan2019"]:
        table = allocate(margins(registry, "fan2019", column, role), sizes)
        for name, counts in table.items():
            index = frame.index[cell == name]
            frame.loc[index, column] = _assign_categories(index, counts, rng)
    low, high = age_bounds(registry, "fan2019")
    group = GROUP[role]
    ages = moment_sample(registry, f"fan2019.table1.age.{group}", len(frame), low, high,
                         seed + 11)
    onsets = moment_sample(registry, f"fan2019.table1.first_onset_age.{group}", len(frame),
                           ONSET_MIN, high, seed + 13)
    if (np.sort(onsets) > np.sort(ages)).any():
        raise ValueError(f"{role}: onset ages cannot all precede the ages")
    order = deal(list(np.sort(ages)), sizes)
    slots = {name: list(frame.index[cell == name]) for name in sizes.index}
    assigned = {}
    for age, onset, name in zip(np.sort(ages), np.sort(onsets), order, strict=True):
        assigned[slots[name].pop(int(rng.integers(len(slots[name]))))] = (age, onset)
    frame["age"] = [str(assigned[i][0]) for i in frame.index]
    frame["onset_age"] = [str(assigned[i][1]) for i in frame.index]


def _fan2019_caregivers(frames: dict, registry: pd.DataFrame, rng: np.random.Generator,
                        seed: int) -> pd.DataFrame:
    """The caregivers interviewed at follow-up (Results: Caregivers): of whom, sex, ages."""
    caregivers = []
    for role in ("peer", "consumer"):
        caregivers += _caregivers(frames[role],
                                  _count(registry, f"fan2019_caregivers_of_{GROUP[role]}"), rng,
                                  ("followup_month",))
    carers = _people("fan2019", "caregiver", "G19-", caregivers)
    female = _count(registry, "fan2019_caregivers_female")
    carers["sex"] = list(rng.permutation(["female"] * female + ["male"] * (len(carers) - female)))
    ages = mean_sample(len(carers), measure_text(registry, "fan2019_caregivers_age_mean"),
                       seed + 17)
    carers["age"] = [str(a) for a in rng.permutation(ages)]
    return carers


def reconstruct_fan2019(registry: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Synthetic participants of fan2019: 13 providers and 54 consumers in two waves, their
    Table 1 demographics, follow-up completion, and the 32 caregivers interviewed.

    Constraints: recruitment by community and wave (Methods: Participants); completion
    (Results: 7 of 7 and 5 of 6 providers, 26 of 32 and 16 of 22 consumers; one later provider
    on temporary leave); Table 1's counts and the age / onset-age moments closest to the
    printed means and SDs; caregivers (10 of providers, 22 of consumers, 21 women, mean age
    68.4). Demographics are spread over wave x follow-up status as evenly as integers allow,
    so that, as the paper reports, no difference between waves or between completers and
    dropouts is significant.
    """
    rng = np.random.default_rng(seed)
    frames = _fan2019_recruitment(registry)
    _fan2019_followup(frames, registry, rng)
    for role, frame in frames.items():
        _fan2019_demographics(frame, role, registry, rng, seed)
    frames["caregiver"] = _fan2019_caregivers(frames, registry, rng, seed)
    return pd.concat(frames.values(), ignore_index=True)
