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

from decimal import Decimal

import numpy as np
import pandas as pd
from scipy import stats as sps

from analysis.io.design import COMMUNITY_WAVE, GROUP, VARIABLES
from analysis.io.participants import PARTICIPANT_COLUMNS
from analysis.io.registry import margins, printed_text, table1_series_fan2018, value
from analysis.methods.allocation import allocate, apportion, deal
from analysis.methods.integer_samples import moment_pairs, solve_sample
from analysis.printed.compare import compare

__all__ = [
    "AGE_RANGE_IDS",
    "CAREGIVER_AGE_RANGE",
    "CAREGIVER_AGE_SD",
    "ONSET_MIN",
    "age_pairs_fan2018",
    "choose_central_pair",
    "reconstruct_fan2018",
    "reconstruct_fan2019",
]


AGE_RANGE_IDS = {
    "fan2018": (
        "fan2018.methods.consumer_age_min.consumers.other",
        "fan2018.methods.consumer_age_max.consumers.other",
    ),
    "fan2019": (
        "fan2019.methods.inclusion_age_min.consumers.other",
        "fan2019.methods.inclusion_age_max.consumers.other",
    ),
}


#: Lowest age at first onset allowed in the reconstruction. Not stated in the papers: an
#: assumption (onset of schizophrenia or bipolar disorder before 10 is very rare).
ONSET_MIN = 10


def _int(registry: pd.DataFrame, row_id: str) -> int:
    return int(value(registry, row_id))


def _age_bounds(registry: pd.DataFrame, paper: str) -> tuple[int, int]:
    low, high = AGE_RANGE_IDS[paper]
    return _int(registry, low), _int(registry, high)


def age_pairs_fan2018(registry: pd.DataFrame) -> pd.DataFrame:
    """Every combination of peer and consumer age moments that fits fan2018 Table 2's printed
    means and SDs (integer ages in 18-60), with the pooled t test of each.

    Returns a DataFrame: ``peer_sum``, ``peer_sumsq``, ``consumer_sum``,
    ``consumer_sumsq``, ``peer_mean``, ``peer_sd``, ``consumer_mean``, ``consumer_sd``,
    ``t``, ``df``, ``p`` (pooled), ``t_welch``, ``p_welch``.
    """
    low, high = _age_bounds(registry, "fan2018")
    sides = {}
    for role in ("peer", "consumer"):
        group = GROUP[role]
        n = _int(registry, f"fan2018.methods.recruited.{group}.n")
        sides[role] = moment_pairs(
            n,
            printed_text(registry, f"fan2018.table2.age.{group}.mean"),
            printed_text(registry, f"fan2018.table2.age.{group}.sd"),
            low,
            high,
        )
    peers, consumers = sides["peer"], sides["consumer"]
    grid = peers.merge(consumers, how="cross", suffixes=("_p", "_c"))
    args = [
        grid[c].to_numpy(dtype=float) for c in ("mean_p", "sd_p", "n_p", "mean_c", "sd_c", "n_c")
    ]
    pooled = sps.ttest_ind_from_stats(*args)
    welch = sps.ttest_ind_from_stats(*args, equal_var=False)
    return pd.DataFrame(
        {
            "peer_sum": grid["sum_p"],
            "peer_sumsq": grid["sumsq_p"],
            "consumer_sum": grid["sum_c"],
            "consumer_sumsq": grid["sumsq_c"],
            "peer_mean": grid["mean_p"],
            "peer_sd": grid["sd_p"],
            "consumer_mean": grid["mean_c"],
            "consumer_sd": grid["sd_c"],
            "t": pooled.statistic,
            "df": grid["n_p"] + grid["n_c"] - 2,
            "p": pooled.pvalue,
            "t_welch": welch.statistic,
            "p_welch": welch.pvalue,
        }
    )


def choose_central_pair(pairs: pd.DataFrame, mean: str, sd: str) -> pd.Series:
    """The moment pair whose mean and SD are closest to the printed values (distance in
    units of the last printed digit); ties broken by the smaller sum, then sum of squares."""
    unit_m = float(Decimal(1).scaleb(-len(mean.partition(".")[2])))
    unit_s = float(Decimal(1).scaleb(-len(sd.partition(".")[2])))
    distance = ((pairs["mean"] - float(mean)) / unit_m) ** 2 + (
        (pairs["sd"] - float(sd)) / unit_s
    ) ** 2
    order = pd.DataFrame({"d": distance, "s": pairs["sum"], "q": pairs["sumsq"]})
    return pairs.loc[order.sort_values(["d", "s", "q"], kind="stable").index[0]]


def _blank(n: int) -> dict:
    return {column: [""] * n for column in PARTICIPANT_COLUMNS}


def _people(paper: str, role: str, prefix: str, rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame.insert(0, "person_id", [f"{prefix}{i + 1:03d}" for i in range(len(frame))])
    frame.insert(0, "paper", paper)
    frame["role"] = role
    for column in PARTICIPANT_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    return frame[PARTICIPANT_COLUMNS]


def _assign_categories(
    frame: pd.DataFrame, index: pd.Index, counts: pd.Series, rng: np.random.Generator
) -> list[str]:
    labels = np.repeat(counts.index.to_numpy(), counts.to_numpy())
    if len(labels) != len(index):
        raise ValueError(f"{counts.name}: {len(labels)} printed counts for {len(index)} people")
    return list(rng.permutation(labels))


def reconstruct_fan2018(registry: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Synthetic participants of fan2018: everyone in Table 1, the Table 2 demographics of the
    people enrolled in 2016, and the December 2014 evaluation frame.

    Reproduces by construction (role ``constraint``): Table 1 (people by community and
    year), Table 2's counts and age means/SDs, the Tuanjiehu peer who quit in 2015, the 24
    consumers of the initial communities of whom 3 were not assessed, and the 15 caregivers
    (7 of peers, 8 of consumers). The age sample is the one whose pooled t is closest to the
    printed t = -2.99 (no integer sample gives it exactly: see :func:`age_pairs_fan2018`).
    """
    rng = np.random.default_rng(seed)
    series = table1_series_fan2018(registry)
    years = list(series.columns)
    people = {"peer": [], "consumer": []}
    for (role, community), counts in series.iterrows():
        active: list[dict] = []
        previous = 0
        for year in years:
            count = int(counts[year])
            for _ in range(count - previous):
                person = {
                    "community": community,
                    "wave": COMMUNITY_WAVE[community],
                    "year_enrolled": year,
                    "year_left": "",
                }
                active.append(person)
                people[role].append(person)
            for _ in range(previous - count):  # fewer than last year: someone left
                leaver = active.pop(int(rng.integers(len(active))))
                leaver["year_left"] = year
            previous = count
    frames = {
        role: _people("fan2018", role, "P18-" if role == "peer" else "C18-", rows)
        for role, rows in people.items()
    }
    last = years[-1]
    for role, frame in frames.items():
        current = frame.index[frame["year_left"] == ""]
        n = _int(registry, f"fan2018.methods.recruited.{GROUP[role]}.n")
        if len(current) != n:
            raise ValueError(
                f"fan2018 Table 1 has {len(current)} {role}s in {last}, the text says {n}"
            )
        for column in VARIABLES["fan2018"]:
            frame.loc[current, column] = _assign_categories(
                frame, current, margins(registry, "fan2018", column, role), rng
            )
    # Ages: the feasible moment pair whose pooled t is closest to the printed t.
    pairs = age_pairs_fan2018(registry)
    target = float(value(registry, "fan2018.table2.age.peers_vs_consumers.statistic"))
    order = pairs.assign(gap=(pairs["t"] - target).abs()).sort_values(
        ["gap", "peer_sum", "peer_sumsq", "consumer_sum", "consumer_sumsq"], kind="stable"
    )
    chosen = order.iloc[0]
    low, high = _age_bounds(registry, "fan2018")
    for offset, role in enumerate(("peer", "consumer")):
        frame = frames[role]
        current = frame.index[frame["year_left"] == ""]
        ages = solve_sample(
            len(current),
            int(chosen[f"{role}_sum"]),
            int(chosen[f"{role}_sumsq"]),
            low,
            high,
            seed + offset,
        )
        frame.loc[current, "age"] = [str(a) for a in rng.permutation(ages)]
    # December 2014 evaluation: the initial communities' people active in 2014.
    evaluation_year = 2014
    for frame in frames.values():
        active = (frame["wave"] == "initial") & (
            frame["year_enrolled"].astype(int) <= evaluation_year
        )
        frame.loc[active, "evaluated"] = "yes"
    consumers = frames["consumer"]
    in_frame = consumers.index[consumers["evaluated"] == "yes"]
    expected = _int(registry, "fan2018.results.satisfaction_pool.consumers.n")
    if len(in_frame) != expected:
        raise ValueError(f"{len(in_frame)} initial consumers in 2014, the text says {expected}")
    missing = rng.choice(
        in_frame, _int(registry, "fan2018.results.not_assessed.consumers.count"), replace=False
    )
    consumers.loc[missing, "evaluated"] = "no"
    consumers.loc[missing, "dropout_reason"] = "personal issues"
    # Caregivers recruited for the evaluation (Methods: seven of peers, eight of consumers).
    caregivers = []
    for role, count_id in (
        ("peer", "caregivers_of_peers"),
        ("consumer", "caregivers_of_consumers"),
    ):
        frame = frames[role]
        pool = frame.index[frame["evaluated"] == "yes"]
        n = _int(registry, f"fan2018.methods.caregivers_recruited.{count_id}.count")
        for index in sorted(rng.choice(pool, n, replace=False)):
            caregivers.append(
                {
                    "community": frame.loc[index, "community"],
                    "wave": frame.loc[index, "wave"],
                    "evaluated": "yes",
                    "cares_for": frame.loc[index, "person_id"],
                }
            )
    frames["caregiver"] = _people("fan2018", "caregiver", "G18-", caregivers)
    return pd.concat(frames.values(), ignore_index=True)


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
    low, high = _age_bounds(registry, "fan2019")
    frames = {}
    # Providers: by community (Methods: five from Tuanjiehu and two from Maizidian, ...).
    providers = []
    for community, wave in COMMUNITY_WAVE.items():
        count = _int(registry, f"fan2019.methods.recruited_site_{community}.{wave}_peers.count")
        providers += [{"community": community, "wave": wave}] * count
    # Consumers: only the wave totals are printed; fan2018's 2016 counts are lower bounds.
    consumers = []
    for wave in ("initial", "later"):
        total = _int(registry, f"fan2019.methods.recruited.{wave}_consumers.n")
        base = pd.Series(
            {
                c: _int(registry, f"fan2018.table1.{c}.consumers_2016.count")
                for c, w in COMMUNITY_WAVE.items()
                if w == wave
            }
        )
        for community, count in apportion(total, base).items():
            consumers += [{"community": community, "wave": wave}] * int(count)
    frames["peer"] = _people("fan2019", "peer", "P19-", [dict(p) for p in providers])
    frames["consumer"] = _people("fan2019", "consumer", "C19-", [dict(c) for c in consumers])
    # Follow-up completion by wave (Results: Participant characteristics and response rates).
    completion = {
        ("peer", "initial"): "fan2019.results.completed_followup.initial_peers.count",
        ("peer", "later"): "fan2019.results.completed_followup.later_peers.count",
        ("consumer", "initial"): "fan2019.results.completed_followup.initial_consumers.count",
        ("consumer", "later"): "fan2019.results.completed_followup.later_consumers.count",
    }
    months = {
        "initial": _int(registry, "fan2019.results.followup_months.initial_peers.other"),
        "later": _int(registry, "fan2019.results.followup_months.later_peers.other"),
    }
    for (role, wave), row_id in completion.items():
        frame = frames[role]
        in_wave = frame["wave"] == wave
        completed = _int(registry, row_id)
        by_community = frame.loc[in_wave, "community"].value_counts(sort=False)
        split = allocate(
            by_community, pd.Series({"yes": completed, "no": int(in_wave.sum()) - completed})
        )
        for community, row in split.iterrows():
            index = frame.index[in_wave & (frame["community"] == community)]
            flags = ["yes"] * int(row["yes"]) + ["no"] * int(row["no"])
            frame.loc[index, "evaluated"] = list(rng.permutation(flags))
        frame.loc[in_wave, "followup_month"] = str(months[wave])
    peers = frames["peer"]
    leave = peers.index[(peers["wave"] == "later") & (peers["evaluated"] == "no")]
    if len(leave) != _int(registry, "fan2019.results.temporary_leave.later_peers.count"):
        raise ValueError("the later providers lost to follow-up are not the one on leave")
    peers.loc[leave, "dropout_reason"] = "temporary leave"  # to care for a sick spouse
    # Demographics, spread evenly over the cells wave x evaluated.
    for role, frame in frames.items():
        cell = frame["wave"] + "/" + frame["evaluated"]
        sizes = cell.value_counts().sort_index()
        for column in VARIABLES["fan2019"]:
            table = allocate(margins(registry, "fan2019", column, role), sizes)
            for name, counts in table.items():
                index = frame.index[cell == name]
                frame.loc[index, column] = _assign_categories(frame, index, counts, rng)
        group = GROUP[role]
        ages = _moment_sample(
            registry, f"fan2019.table1.age.{group}", len(frame), low, high, seed + 11
        )
        onsets = _moment_sample(
            registry,
            f"fan2019.table1.first_onset_age.{group}",
            len(frame),
            ONSET_MIN,
            high,
            seed + 13,
        )
        if (np.sort(onsets) > np.sort(ages)).any():
            raise ValueError(f"{role}: onset ages cannot all precede the ages")
        # Deal sorted ages evenly over the cells; pair onsets with ages by rank.
        order = deal(list(np.sort(ages)), sizes)
        slots = {name: list(frame.index[cell == name]) for name in sizes.index}
        assigned = {}
        for age, onset, name in zip(np.sort(ages), np.sort(onsets), order, strict=True):
            assigned[slots[name].pop(int(rng.integers(len(slots[name]))))] = (age, onset)
        frame["age"] = [str(assigned[i][0]) for i in frame.index]
        frame["onset_age"] = [str(assigned[i][1]) for i in frame.index]
    # Caregivers interviewed at follow-up (Results: Caregivers).
    caregivers = []
    for role, count_id in (
        ("peer", "fan2019.results.caregiver_of_peers.caregivers.count"),
        ("consumer", "fan2019.results.caregiver_of_consumers.caregivers.count"),
    ):
        frame = frames[role]
        pool = frame.index[frame["evaluated"] == "yes"]
        for index in sorted(rng.choice(pool, _int(registry, count_id), replace=False)):
            caregivers.append(
                {
                    "community": frame.loc[index, "community"],
                    "wave": frame.loc[index, "wave"],
                    "evaluated": "yes",
                    "cares_for": frame.loc[index, "person_id"],
                    "followup_month": frame.loc[index, "followup_month"],
                }
            )
    carers = _people("fan2019", "caregiver", "G19-", caregivers)
    female = _int(registry, "fan2019.results.female.caregivers.count")
    carers["sex"] = list(rng.permutation(["female"] * female + ["male"] * (len(carers) - female)))
    carers["age"] = [
        str(a)
        for a in rng.permutation(
            _mean_sample(
                len(carers), printed_text(registry, "fan2019.results.age.caregivers.mean"),
                seed + 17
            )
        )
    ]
    frames["caregiver"] = carers
    return pd.concat(frames.values(), ignore_index=True)


def _moment_sample(
    registry: pd.DataFrame, stem_id: str, n: int, low: int, high: int, seed: int
) -> np.ndarray:
    mean, sd = printed_text(registry, stem_id + ".mean"), printed_text(registry, stem_id + ".sd")
    pairs = moment_pairs(n, mean, sd, low, high)
    if pairs.empty:
        raise ValueError(
            f"{stem_id}: no {n} integers in [{low}, {high}] have mean {mean} and SD {sd}"
        )
    chosen = choose_central_pair(pairs, mean, sd)
    return solve_sample(n, int(chosen["sum"]), int(chosen["sumsq"]), low, high, seed)


#: Caregivers' ages: not stated beyond the mean. Parents or spouses, taken to lie in 30-90
#: with an SD of about 8 years around the mean (assumptions; only the mean is published).
CAREGIVER_AGE_RANGE = (30, 90)


CAREGIVER_AGE_SD = 8.0


def _mean_sample(n: int, mean: str, seed: int) -> np.ndarray:
    """n integer ages whose mean rounds to ``mean``: the GRIM-consistent sum closest to
    n x mean, realised by the seeded normal draws nudged to that sum (CP-SAT, least L1)."""
    from ortools.sat.python import cp_model

    low, high = CAREGIVER_AGE_RANGE
    target_sum = min(
        (s for s in range(n * low, n * high + 1) if compare(Decimal(s) / n, mean)),
        key=lambda s: abs(s - n * float(mean)),
    )
    rng = np.random.default_rng(seed)
    draws = np.clip(np.rint(rng.normal(float(mean), CAREGIVER_AGE_SD, n)), low, high).astype(int)
    model = cp_model.CpModel()
    x = [model.NewIntVar(low, high, f"x{i}") for i in range(n)]
    gaps = [model.NewIntVar(0, high - low, f"g{i}") for i in range(n)]
    for xi, gi, di in zip(x, gaps, draws, strict=True):
        model.AddAbsEquality(gi, xi - int(di))
    model.Add(sum(x) == target_sum)
    model.Minimize(sum(gaps))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 10.0
    if solver.Solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise ValueError(f"no {n} ages in {CAREGIVER_AGE_RANGE} with mean {mean}")
    return np.array([solver.Value(v) for v in x], dtype=int)
