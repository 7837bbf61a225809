"""Outcomes: satisfaction and perceived benefit, from interview-level data (notebook 04).

fan2018 (Results: Service satisfaction, Service perceived benefit; Abstract) reports yes/no
answers of consumers, caregivers and peers of the first two communities in December 2014,
each with a chi-square(1). fan2019 (Tables 2-4; Results: Peer service providers, Consumers,
Caregivers) reports yes/no answers, 1-5 ratings (mean, SD), a 0-10 confidence score, and
comparisons of initial with later communities and of providers with consumers.

The interview records (:data:`INTERVIEW_COLUMNS`: one row per respondent and question, linked
to the participant tables by ``person_id``) are rebuilt by :func:`reconstruct_interviews`:

- yes/no: the printed number of yes answers among the people the text says were asked; which
  people answered yes is chosen with the seed, spread over the waves in proportion (or as
  printed, e.g. mood 10 of 26 initial and 13 of 16 later);
- ratings: every sample with the printed n, bounds, mean and SD is enumerated as count vectors
  (:func:`analysis.integer_samples.count_vectors`), together with every split between the
  initial and later communities (:func:`analysis.integer_samples.group_splits`); the split
  that reproduces a printed t is taken where one is printed, the most even split otherwise.

Where the printed mean cannot come from the printed n (GRIM/GRIMMER,
:mod:`analysis.granularity`), the n that can produce every mean of the table is used and the
rows are judged ``match_other_method`` with that n named; the evidence is in notebook 04.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

from analysis.allocation import apportion
from analysis.granularity import consistent_ns
from analysis.integer_samples import (
    count_vectors,
    group_splits,
    moment_pairs,
    sample_sd,
    solve_sample,
    t_statistics,
)
from analysis.registry import value
from analysis.rounding import parse_printed, round_half_away
from analysis.stats import chi2_goodness_of_fit, chi2_independence, fisher_exact, p_adjust

__all__ = [
    "INTERVIEW_COLUMNS",
    "adjust",
    "benefit_comparisons",
    "closest_pair",
    "confidence_alternatives",
    "consumer_rating_n",
    "fan2018_tests",
    "layout",
    "outcome_results",
    "percent_checks",
    "questions",
    "rating_freedom",
    "rating_items",
    "rating_splits",
    "read_interviews",
    "reconstruct_interviews",
    "respondents",
    "rows_for_outcomes",
    "summarise",
    "t_freedom",
    "text_of",
    "validate_interviews",
    "wave_comparisons",
    "wave_ratings",
    "write_interviews",
]

INTERVIEW_COLUMNS = ["paper", "person_id", "role", "wave", "question", "kind", "answer"]

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


def text_of(registry: pd.DataFrame, row_id: str) -> str:
    """The printed string of registry row ``row_id``."""
    match = registry.loc[registry["id"] == row_id, "printed"]
    if match.empty:
        raise KeyError(f"no registry row {row_id!r}")
    return str(match.iloc[0])


def _count(registry: pd.DataFrame, row_id: str) -> int:
    return int(value(registry, row_id))


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


# --------------------------------------------------------------------------------------
# Ratings: every sample, every split


def closest_pair(n: int, mean: str, sd: str, lo: int, hi: int) -> tuple[int, int]:
    """The (sum, sum of squares) of n integers in [lo, hi] whose mean, then SD, is nearest
    the printed ones: an exact pair when one exists (:func:`moment_pairs`), otherwise the
    nearest reachable one (used when the printed values cannot come from n integers)."""
    exact = moment_pairs(n, mean, sd, lo, hi)
    if not exact.empty:
        return int(exact.iloc[0]["sum"]), int(exact.iloc[0]["sumsq"])
    target_m, target_s = float(parse_printed(mean).value), float(parse_printed(sd).value)
    best = None
    centre = round(target_m * n)
    for s in range(max(lo * n, centre - 2), min(hi * n, centre + 2) + 1):
        for q in range(s * s // n, hi * s + 1):
            if (q - s) % 2 or q * n < s * s:
                continue
            key = (abs(s / n - target_m), abs(sample_sd(n, s, q) - target_s), s, q)
            if best is None or key < best:
                best = key
    if best is None:
        raise ValueError(f"no sample of {n} integers in [{lo}, {hi}]")
    return best[2], best[3]


def consumer_rating_n(registry: pd.DataFrame, low: int = 30, high: int = 60) -> pd.DataFrame:
    """For each consumer rating of fan2019 Table 4, the n (``low`` to ``high``) whose integer
    answers can give the printed mean (GRIM) and, with the mean, the printed SD (GRIMMER):
    ``question``, ``mean``, ``sd``, ``grim_ns``, ``grimmer_ns``."""
    rows = []
    for question in CONSUMER_RATINGS:
        mean = text_of(registry, f"fan2019.table4.{question}.consumers.mean")
        sd = text_of(registry, f"fan2019.table4.{question}.consumers.sd")
        grim_ns = consistent_ns(mean, low, high)
        rows.append({"question": question, "mean": mean, "sd": sd, "grim_ns": grim_ns,
                     "grimmer_ns": [n for n in grim_ns
                                    if not moment_pairs(n, mean, sd, 1, 5).empty]})
    return pd.DataFrame(rows)


def rating_freedom(items: pd.DataFrame) -> pd.DataFrame:
    """How many samples fit each rating item: ``question``, ``n``, ``mean``, ``sd``, ``lo``,
    ``hi``, ``pairs`` ((sum, sum of squares) pairs), ``samples`` (distinct multisets)."""
    rows = []
    for item in items.itertuples(index=False):
        pairs = moment_pairs(int(item.n), item.mean, item.sd, int(item.lo), int(item.hi))
        samples = sum(len(count_vectors(int(item.n), int(p["sum"]), int(p["sumsq"]),
                                        int(item.lo), int(item.hi)))
                      for _, p in pairs.iterrows())
        rows.append({**item._asdict(), "pairs": len(pairs), "samples": samples})
    return pd.DataFrame(rows)


def rating_splits(n: int, mean: str, sd: str, lo: int, hi: int, second: int) -> pd.DataFrame:
    """Every sample of n integers in [lo, hi] with the printed mean and SD, and every split
    into a first group and a ``second`` group: the count vectors (``first``, ``second``) and
    the pooled and Welch t of first minus second (:func:`t_statistics`)."""
    frames = []
    for _, pair in moment_pairs(n, mean, sd, lo, hi).iterrows():
        for total in count_vectors(n, int(pair["sum"]), int(pair["sumsq"]), lo, hi):
            seconds = group_splits(total, second)
            firsts = total[None, :] - seconds
            stats_ = t_statistics(firsts, seconds, lo)
            stats_["first"] = [tuple(map(int, f)) for f in firsts]
            stats_["second"] = [tuple(map(int, s)) for s in seconds]
            frames.append(stats_)
    if not frames:
        return pd.DataFrame(columns=["t_pooled", "df_pooled", "p_pooled", "t_welch", "df_welch",
                                     "p_welch", "first", "second"])
    return pd.concat(frames, ignore_index=True)


def _rounds(values: pd.Series, printed: str) -> pd.Series:
    parsed = parse_printed(printed)
    return values.map(lambda v: round_half_away(v, parsed.decimals) == parsed.value
                      if np.isfinite(v) else False)


def t_freedom(registry: pd.DataFrame, n: int, second: int) -> pd.DataFrame:
    """For each printed initial-vs-later t of fan2019 (Results: Consumers), over every sample
    and split: how many splits there are, the range of the pooled and Welch t, and how many
    reproduce the printed t under each."""
    rows = []
    for question, stem in T_TESTS.items():
        mean = text_of(registry, f"fan2019.table4.{question}.consumers.mean")
        sd = text_of(registry, f"fan2019.table4.{question}.consumers.sd")
        printed = text_of(registry, f"{stem}.statistic")
        splits = rating_splits(n, mean, sd, 1, 5, second)
        rows.append({
            "question": question, "n": n, "later": second, "printed_t": printed,
            "splits": len(splits),
            "pooled_min": splits["t_pooled"].min(), "pooled_max": splits["t_pooled"].max(),
            "pooled_matching": int(_rounds(splits["t_pooled"], printed).sum()),
            "welch_min": splits["t_welch"].min(), "welch_max": splits["t_welch"].max(),
            "welch_matching": int(_rounds(splits["t_welch"], printed).sum()),
        })
    return pd.DataFrame(rows)


def _vector_values(counts: tuple[int, ...], lo: int) -> list[int]:
    return [lo + k for k, c in enumerate(counts) for _ in range(c)]


# --------------------------------------------------------------------------------------
# The reconstruction


def _choose(people: pd.DataFrame, k: int, rng: np.random.Generator,
            by_wave: dict[str, int] | None = None) -> set[str]:
    """``k`` person ids of ``people`` (sorted), spread over waves in proportion (largest
    remainder) unless ``by_wave`` fixes the split; seeded."""
    people = people.sort_values("person_id")
    if k > len(people):
        raise ValueError(f"{k} yes answers but only {len(people)} respondents")
    if by_wave is None:
        sizes = people["wave"].value_counts().sort_index()
        by_wave = apportion(k, sizes).to_dict() if k else dict.fromkeys(sizes.index, 0)
    chosen: set[str] = set()
    for wave, number in sorted(by_wave.items()):
        ids = people.loc[people["wave"] == wave, "person_id"].to_numpy()
        chosen |= set(rng.permutation(ids)[: int(number)])
    return chosen


def _yes_no(rows: list, paper: str, people: pd.DataFrame, question: str, yes: set[str],
            missing: set[str] = frozenset()) -> None:
    for person in people.sort_values("person_id").itertuples(index=False):
        answer = "" if person.person_id in missing else (
            "yes" if person.person_id in yes else "no")
        rows.append({"paper": paper, "person_id": person.person_id, "role": person.role,
                     "wave": person.wave, "question": question, "kind": "yes_no",
                     "answer": answer})


def _ratings(rows: list, people: pd.DataFrame, question: str, kind: str,
             first: tuple[int, ...], second: tuple[int, ...], lo: int,
             rng: np.random.Generator, missing: set[str] = frozenset()) -> None:
    """Give the values of ``first`` to the initial and of ``second`` to the later wave."""
    for wave, counts in (("initial", first), ("later", second)):
        group = people[(people["wave"] == wave) & ~people["person_id"].isin(missing)]
        values = rng.permutation(_vector_values(counts, lo))
        if len(values) != len(group):
            raise ValueError(f"{question}: {len(values)} values for {len(group)} {wave} people")
        for person, answer in zip(group.sort_values("person_id").itertuples(index=False), values,
                                  strict=True):
            rows.append({"paper": "fan2019", "person_id": person.person_id, "role": person.role,
                         "wave": wave, "question": question, "kind": kind,
                         "answer": str(int(answer))})
    for person in people[people["person_id"].isin(missing)].itertuples(index=False):
        rows.append({"paper": "fan2019", "person_id": person.person_id, "role": person.role,
                     "wave": person.wave, "question": question, "kind": kind, "answer": ""})


def _even_split(splits: pd.DataFrame) -> pd.Series:
    """The split with the smallest |pooled t| (the groups as alike as the data allow);
    ties by the order of enumeration."""
    return splits.loc[splits["t_pooled"].abs().fillna(0).idxmin()]


def _matching_split(splits: pd.DataFrame, t: str, p: str) -> pd.Series:
    """A split whose Welch t and p round to the printed ones (the first, in enumeration
    order); failing that, whose pooled t does; failing that, the nearest Welch t."""
    welch = splits[_rounds(splits["t_welch"], t) & _rounds(splits["p_welch"], p)]
    if not welch.empty:
        return welch.iloc[0]
    pooled = splits[_rounds(splits["t_pooled"], t)]
    if not pooled.empty:
        return pooled.iloc[0]
    target = float(parse_printed(t).value)
    return splits.loc[(splits["t_welch"] - target).abs().idxmin()]


def _as_counts(values) -> tuple[int, ...]:
    return tuple(int(c) for c in np.bincount(np.asarray(values, dtype=int), minlength=11))


def _score_sample(registry: pd.DataFrame, providers: pd.DataFrame, seed: int
                  ) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Confidence (0-10) of the 12 providers: the nearest integer sample to 7.13 (2.366),
    split so that the 5 later providers average the printed 7.80."""
    n = len(providers)
    later = int((providers["wave"] == "later").sum())
    mean = text_of(registry, "fan2019.table2.confidence.peers.mean")
    sd = text_of(registry, "fan2019.table2.confidence.peers.sd")
    later_mean = float(value(registry, "fan2019.results.confidence_continue.later_peers.mean"))
    s, q = closest_pair(n, mean, sd, 0, 10)
    later_sum = round(later_mean * later)
    for attempt in range(20):
        sample = solve_sample(n, s, q, 0, 10, seed + attempt)
        for group in itertools.combinations(range(n), later):
            if sum(sample[list(group)]) == later_sum:
                rest = [sample[i] for i in range(n) if i not in group]
                return _as_counts(rest), _as_counts(sample[list(group)])
    raise ValueError("no confidence sample with the printed later-group mean")


def reconstruct_interviews(people18: pd.DataFrame, people19: pd.DataFrame,
                           registry: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Interview records of both papers (:data:`INTERVIEW_COLUMNS`), from the participant
    tables and the printed outcome numbers; deterministic for a given ``seed``."""
    rng = np.random.default_rng(seed)
    rows: list[dict] = []
    # fan2018, December 2014: consumers (3 not assessed), caregivers and peers of the first
    # two communities
    framed = people18[people18["evaluated"] != ""]
    not_assessed = set(framed.loc[framed["evaluated"] == "no", "person_id"])
    for question, role in FAN2018_QUESTIONS.items():
        group = framed[framed["role"] == role]
        asked = group[~group["person_id"].isin(not_assessed)]
        k = _count(registry, f"fan2018.results.{question}.{role}s.count")
        _yes_no(rows, "fan2018", group, question, _choose(asked, k, rng), not_assessed)
    # fan2019 follow-up
    evaluated = people19[people19["evaluated"] == "yes"]
    providers = evaluated[evaluated["role"] == "peer"]
    consumers = evaluated[evaluated["role"] == "consumer"]
    carers = evaluated[evaluated["role"] == "caregiver"]
    table2 = "fan2019.table2.{}.peers.count"
    for question in ("overall_satisfied_with_the_peer_service",
                     "qualified_to_be_peer_service_providers",
                     "feel_stressful_to_be_peer_service_providers", "willing_to_continue"):
        k = _count(registry, table2.format(question))
        chosen = _choose(providers, k, rng)
        if question == "feel_stressful_to_be_peer_service_providers":
            stressed = chosen
        if question == "willing_to_continue":
            unwilling = set(providers["person_id"]) - chosen
        _yes_no(rows, "fan2019", providers, question, chosen)
    for question, row_id in STRESS_REASONS.items():
        among = providers[providers["person_id"].isin(stressed)]
        chosen = _choose(among, _count(registry, row_id), rng)
        _yes_no(rows, "fan2019", providers, question, chosen)
    _yes_no(rows, "fan2019", providers, "wish_to_quit", unwilling)
    for question in PROVIDER_RATINGS:
        mean = text_of(registry, f"fan2019.table2.{question}.peers.mean")
        sd = text_of(registry, f"fan2019.table2.{question}.peers.sd")
        later = int((providers["wave"] == "later").sum())
        split = _even_split(rating_splits(len(providers), mean, sd, 1, 5, later))
        _ratings(rows, providers, question, "rating", split["first"], split["second"], 1, rng)
    first, second = _score_sample(registry, providers, seed)
    _ratings(rows, providers, "confidence", "score", first, second, 0, rng)
    for role, group in (("peers", providers), ("consumers", consumers)):
        for question in table3_items(registry):
            k = _count(registry, f"fan2019.table3.{question}.{role}.count")
            by_wave = None
            if role == "consumers" and question.endswith("improve_mood_and_feeling_cared_about"):
                by_wave = {w: _count(registry, f"fan2019.results.improve_mood.{w}_consumers.count")
                           for w in ("initial", "later")}
            if role == "consumers" and question == "disease_related_disease_become_more_stable":
                # "13 (31%) consumers reported benefit in disease-related aspects, such as the
                # improvement in knowledge about mental illness and illness stability": both
                # items are 13, read as the same 13 people
                knowing = {r["person_id"] for r in rows if r["answer"] == "yes" and r[
                    "question"] == "disease_related_know_more_disease_knowledge" and r[
                    "role"] == "consumer"}
                if len(knowing) == k:
                    _yes_no(rows, "fan2019", group, question, knowing)
                    continue
            _yes_no(rows, "fan2019", group, question, _choose(group, k, rng, by_wave))
    for question in ("overall_satisfied_with_the_peer_service_providers_and_service",
                     "continuous_participation_willingness"):
        k = _count(registry, f"fan2019.table4.{question}.consumers.count")
        _yes_no(rows, "fan2019", consumers, question, _choose(consumers, k, rng))
    n_rated = max(consumer_rating_n(registry)["grimmer_ns"].map(set).pipe(
        lambda sets: set.intersection(*sets)) or {len(consumers)})
    missing = set(rng.permutation(consumers.loc[consumers["wave"] == "initial", "person_id"]
                                  .sort_values().to_numpy())[: len(consumers) - n_rated])
    later = int(((consumers["wave"] == "later") & ~consumers["person_id"].isin(missing)).sum())
    for question in CONSUMER_RATINGS:
        mean = text_of(registry, f"fan2019.table4.{question}.consumers.mean")
        sd = text_of(registry, f"fan2019.table4.{question}.consumers.sd")
        splits = rating_splits(n_rated, mean, sd, 1, 5, later)
        if question in T_TESTS:
            split = _matching_split(splits, text_of(registry, f"{T_TESTS[question]}.statistic"),
                                    text_of(registry, f"{T_TESTS[question]}.p"))
        else:
            split = _even_split(splits)
        _ratings(rows, consumers, question, "rating", split["first"], split["second"], 1, rng,
                 missing)
    for question, (row_id, among) in CAREGIVER_QUESTIONS.items():
        roles = people19.set_index("person_id")["role"]
        asked = carers if among == "all" else carers[carers["cares_for"].map(roles) == among]
        k = _count(registry, row_id)
        if question == "willing_family_continue":
            # "Only one caregiver from the initial communities showed a negative attitude"
            refusing = _count(registry,
                              "fan2019.results.negative_attitude.initial_caregivers.count")
            by_wave = {"initial": int((asked["wave"] == "initial").sum()) - refusing,
                       "later": int((asked["wave"] == "later").sum())}
            chosen = _choose(asked, k, rng, by_wave)
        else:
            chosen = _choose(asked, k, rng)
        _yes_no(rows, "fan2019", asked, question, chosen)
    return pd.DataFrame(rows, columns=INTERVIEW_COLUMNS)


# --------------------------------------------------------------------------------------
# Summaries and tests


def summarise(interviews: pd.DataFrame) -> pd.DataFrame:
    """Per paper, question, role and wave (and "all"): ``n`` (answers given), ``yes``,
    ``percent``, ``mean``, ``sd`` (ratings), from the interview records."""
    answered = interviews[interviews["answer"] != ""]
    frames = []
    for wave_key, data in (("all", answered), *answered.groupby("wave")):
        for (paper, question, role, kind), group in data.groupby(
                ["paper", "question", "role", "kind"], sort=False):
            row = {"paper": paper, "question": question, "role": role, "kind": kind,
                   "wave": wave_key, "n": len(group)}
            if kind == "yes_no":
                row["yes"] = int((group["answer"] == "yes").sum())
                row["percent"] = 100 * row["yes"] / row["n"]
            else:
                values = group["answer"].astype(int)
                row["mean"], row["sd"] = float(values.mean()), float(values.std(ddof=1))
            frames.append(row)
    return pd.DataFrame(frames)


def fan2018_tests(interviews: pd.DataFrame, registry: pd.DataFrame) -> pd.DataFrame:
    """fan2018's chi-square(1) tests, recomputed every way the text allows: goodness of fit
    against an equal split of yes and no, on all respondents (as the percentages are) or on
    those assessed only, with and without Yates' correction. One row per question."""
    rows = []
    data = interviews[interviews["paper"] == "fan2018"]
    for question, role in FAN2018_QUESTIONS.items():
        group = data[data["question"] == question]
        yes = int((group["answer"] == "yes").sum())
        everyone, assessed = len(group), int((group["answer"] != "").sum())
        row = {"question": question, "role": role, "yes": yes, "n_all": everyone,
               "n_assessed": assessed, "percent_all": 100 * yes / everyone}
        for label, n in (("all", everyone), ("assessed", assessed)):
            test = chi2_goodness_of_fit([yes, n - yes]).iloc[0]
            row[f"chi2_{label}"], row[f"p_{label}"] = float(test["statistic"]), float(test["p"])
            corrected = (abs(2 * yes - n) - 1) ** 2 / n
            row[f"chi2_{label}_yates"] = corrected
            row[f"p_{label}_yates"] = float(math.erfc(math.sqrt(corrected / 2)))
        rows.append(row)
    return pd.DataFrame(rows)


def adjust(frame: pd.DataFrame, column: str, method: str) -> pd.DataFrame:
    """Add ``p_adjusted`` (``column`` corrected for the tests of ``frame``: "bonferroni",
    "holm" or "none") and ``significant`` (adjusted p < 0.05)."""
    if method not in ("bonferroni", "holm", "none"):
        raise ValueError(f"method must be 'bonferroni', 'holm' or 'none', not {method!r}")
    out = frame.copy()
    if method == "none":
        out["p_adjusted"] = out[column]
    else:
        out["p_adjusted"] = p_adjust(out[column].to_numpy(), method)["p_adjusted"].to_numpy()
    out["significant"] = out["p_adjusted"] < 0.05
    return out


def benefit_comparisons(interviews: pd.DataFrame, registry: pd.DataFrame,
                        method: str = "bonferroni", exact: bool = False) -> pd.DataFrame:
    """fan2019 Table 3: providers vs consumers on each perceived-benefit item (Pearson
    chi-square, and Fisher's exact p), with ``p`` the Pearson p (Fisher's if ``exact``)
    adjusted for the 14 tests (``method``: "bonferroni", "holm" or "none")."""
    data = interviews[(interviews["paper"] == "fan2019") & (interviews["answer"] != "")]
    rows = []
    for question in table3_items(registry):
        group = data[data["question"] == question]
        table = pd.crosstab(group["role"], group["answer"]).reindex(
            index=["peer", "consumer"], columns=["yes", "no"], fill_value=0)
        test = chi2_independence(table.to_numpy()).iloc[0]
        rows.append({"question": question,
                     "providers_yes": int(table.loc["peer", "yes"]),
                     "consumers_yes": int(table.loc["consumer", "yes"]),
                     "chi2": float(test["statistic"]), "p_pearson": float(test["p"]),
                     "p_fisher": float(fisher_exact(table.to_numpy()).iloc[0]["p"])})
    out = pd.DataFrame(rows)
    out["p"] = out["p_fisher"] if exact else out["p_pearson"]
    return adjust(out, "p", method)


def wave_ratings(interviews: pd.DataFrame, method: str = "bonferroni") -> pd.DataFrame:
    """fan2019 consumers, initial vs later communities, on each rating: Welch t and p (the
    test the paper's printed t values turn out to be), adjusted for the ratings compared."""
    waves = wave_comparisons(interviews, "consumer")
    waves = waves[waves["kind"] != "yes_no"].reset_index(drop=True)
    return adjust(waves, "p_welch", method)


def confidence_alternatives(registry: pd.DataFrame, spread: int = 4) -> pd.DataFrame:
    """What would make the providers' printed confidence score (fan2019 Table 2, 0-10)
    possible: whole-number answers with another n (``spread`` either side of the printed
    n), for the mean alone and with the SD, and the printed n answering in half points."""
    from analysis.granularity import consistent_ns, grimmer, grimmer_grain

    mean = text_of(registry, "fan2019.table2.confidence.peers.mean")
    sd = text_of(registry, "fan2019.table2.confidence.peers.sd")
    n = int(value(registry, "fan2019.table2.header.peers.n"))
    catalogue = questions(registry).set_index(["role", "question"])
    lo, hi = (int(catalogue.loc[("peer", "confidence"), end]) for end in ("lo", "hi"))
    ns = consistent_ns(mean, max(2, n - spread), n + spread)
    return pd.DataFrame({
        "alternative": [f"whole numbers, n from {max(2, n - spread)} to {n + spread}: mean",
                        "the same n: mean and SD",
                        f"{n} answers in half points: (sum, sum of squares) in half points"],
        "works": [ns, [k for k in ns if grimmer(mean, sd, k, lo, hi)],
                  grimmer_grain(mean, sd, n, lo, hi, 2)],
    })


# --------------------------------------------------------------------------------------
# Report rows

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


def wave_comparisons(interviews: pd.DataFrame, role: str) -> pd.DataFrame:
    """Initial vs later communities for every fan2019 question asked of ``role``: t tests
    (pooled and Welch) for ratings and scores, Pearson chi-square and Fisher's exact test
    for yes/no answers (where both answers occur)."""
    import warnings

    from analysis.stats import ttest_ind

    data = interviews[(interviews["paper"] == "fan2019") & (interviews["role"] == role)
                      & (interviews["answer"] != "")]
    rows = []
    for (question, kind), group in data.groupby(["question", "kind"], sort=False):
        if kind == "yes_no":
            table = pd.crosstab(group["wave"], group["answer"])
            if table.shape != (2, 2):
                continue
            rows.append({"question": question, "kind": kind, "test": "chi2",
                         "statistic": float(chi2_independence(table.to_numpy()).iloc[0][
                             "statistic"]),
                         "p": float(chi2_independence(table.to_numpy()).iloc[0]["p"]),
                         "p_exact": float(fisher_exact(table.to_numpy()).iloc[0]["p"])})
        else:
            first = group.loc[group["wave"] == "initial", "answer"].astype(int).to_numpy()
            second = group.loc[group["wave"] == "later", "answer"].astype(int).to_numpy()
            with warnings.catch_warnings():
                # a group with one answer only (all 4s): t is undefined, reported as NaN
                warnings.simplefilter("ignore", RuntimeWarning)
                pooled = ttest_ind(first, second).iloc[0]
                welch = ttest_ind(first, second, equal_var=False).iloc[0]
            rows.append({"question": question, "kind": kind, "test": "t",
                         "statistic": float(pooled["statistic"]), "p": float(pooled["p"]),
                         "welch": float(welch["statistic"]), "p_welch": float(welch["p"]),
                         "mean_initial": float(first.mean()), "mean_later": float(second.mean())})
    return pd.DataFrame(rows)


def outcome_results(registry: pd.DataFrame, interviews: pd.DataFrame, people19: pd.DataFrame,
                    explanations: pd.DataFrame, already: set[str] = frozenset()
                    ) -> pd.DataFrame:
    """Every registry row of :func:`rows_for_outcomes`, judged from the interview records."""
    from analysis.service import _Rows

    out = _Rows(explanations)
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
            printed_mean = text_of(registry, f"fan2019.table4.{question}.consumers.mean")
            printed_sd = text_of(registry, f"fan2019.table4.{question}.consumers.sd")
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
        s, _ = closest_pair(interviewed, text_of(registry, f"fan2019.table4.{q}.consumers.mean"),
                            text_of(registry, f"fan2019.table4.{q}.consumers.sd"), 1, 5)
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


# --------------------------------------------------------------------------------------
# Layout, I/O


def layout(summary: pd.DataFrame, paper: str, role: str, items: list[str],
           wave: str = "all") -> pd.DataFrame:
    """Rows ``items`` of a :func:`summarise` table as the papers print them: ``item``,
    ``n``, ``N (%)`` for yes/no answers (whole percent), ``Mean (SD)`` for ratings (2 and 3
    decimals, as fan2019 Tables 2 and 4)."""
    from analysis.rounding import format_half_away

    data = summary[(summary["paper"] == paper) & (summary["role"] == role)
                   & (summary["wave"] == wave)].set_index("question")
    rows = []
    for item in items:
        row = data.loc[item]
        shown = {"item": item, "n": int(row["n"]), "N (%)": "", "Mean (SD)": ""}
        if row["kind"] == "yes_no":
            shown["N (%)"] = f"{int(row['yes'])} ({format_half_away(row['percent'], 0)}%)"
        else:
            shown["Mean (SD)"] = (f"{format_half_away(row['mean'], 2)} "
                                  f"({format_half_away(row['sd'], 3)})")
        rows.append(shown)
    return pd.DataFrame(rows)


def validate_interviews(frame: pd.DataFrame, registry: pd.DataFrame,
                        people: dict[str, pd.DataFrame], name: str = "interviews") -> None:
    """Check interview records: the columns of :data:`INTERVIEW_COLUMNS`; each question in
    the catalogue (:func:`questions`) for its paper and role; answers ``yes``/``no``/"" for
    yes/no questions and whole numbers within the scale for ratings; every ``person_id`` in
    that paper's participant table with that role (a foreign key); no person answering a
    question twice. Raises :class:`analysis.registry.RegistryError` naming the line and
    column."""
    from analysis.registry import RegistryError

    missing = [c for c in INTERVIEW_COLUMNS if c not in frame.columns]
    if missing:
        raise RegistryError(f"{name}, line 1: missing column(s) {missing}")
    catalogue = questions(registry).set_index(["paper", "question", "role"])
    roles = {paper: table.set_index("person_id")["role"] for paper, table in people.items()}
    problems = []
    for line, row in frame.iterrows():
        where = f"{name}, line {line}"
        key = (row["paper"], row["question"], row["role"])
        if key not in catalogue.index:
            problems.append(f"{where}, column 'question': {row['question']!r} is not asked of "
                            f"{row['role']}s in {row['paper']}")
            continue
        spec = catalogue.loc[key]
        answer = row["answer"]
        if spec["kind"] == "yes_no" and answer not in ("yes", "no", ""):
            problems.append(f"{where}, column 'answer': {answer!r} is not yes, no or empty")
        if spec["kind"] != "yes_no" and answer != "" and not (
                answer.isdigit() and spec["lo"] <= int(answer) <= spec["hi"]):
            problems.append(f"{where}, column 'answer': {answer!r} is not a whole number in "
                            f"{spec['lo']}-{spec['hi']}")
        known = roles.get(row["paper"], pd.Series(dtype=str))
        if row["person_id"] not in known.index:
            problems.append(f"{where}, column 'person_id': {row['person_id']!r} is not in the "
                            f"{row['paper']} participants")
        elif known[row["person_id"]] != row["role"]:
            problems.append(f"{where}, column 'role': {row['person_id']} is a "
                            f"{known[row['person_id']]}, not a {row['role']}")
        if len(problems) >= 20:
            break
    repeated = frame.duplicated(["paper", "person_id", "question"])
    if repeated.any():
        line = frame.index[repeated][0]
        problems.append(f"{name}, line {line}: {frame.loc[line, 'person_id']} answers "
                        f"{frame.loc[line, 'question']!r} twice")
    if problems:
        raise RegistryError("invalid interview records:\n  " + "\n  ".join(problems))


def read_interviews(path, registry: pd.DataFrame, people: dict[str, pd.DataFrame]
                    ) -> pd.DataFrame:
    """Read and validate an interview file (:func:`validate_interviews`)."""
    from pathlib import Path

    from analysis.registry import read_csv_strict

    path = Path(path)
    frame = read_csv_strict(path, INTERVIEW_COLUMNS, exact=True)
    validate_interviews(frame, registry, people, path.name)
    return frame[INTERVIEW_COLUMNS].reset_index(drop=True)


def write_interviews(frame: pd.DataFrame, path, registry: pd.DataFrame,
                     people: dict[str, pd.DataFrame]) -> None:
    """Validate, then write interview records atomically."""
    from pathlib import Path

    from analysis.report import atomic_write_text

    checked = frame[INTERVIEW_COLUMNS].astype(str)
    checked.index = pd.RangeIndex(2, 2 + len(checked))
    validate_interviews(checked, registry, people, Path(path).name)
    atomic_write_text(Path(path), frame[INTERVIEW_COLUMNS].to_csv(index=False,
                                                                  lineterminator="\n"))


def percent_checks(registry: pd.DataFrame, selection: pd.DataFrame) -> pd.DataFrame:
    """Every printed percentage of ``selection`` against its printed count and denominator
    (the registry's ``denominator`` column): :func:`analysis.granularity.percent_count_map`
    with ``id`` and the whole-number counts that would round to the printed percentage."""
    from analysis.contents import count_options
    from analysis.granularity import percent_count_map

    rows = []
    ids = set(registry["id"])
    for row in selection[selection["quantity"] == "percent"].itertuples(index=False):
        count_id = row.id.rsplit(".", 1)[0] + ".count"
        if count_id not in ids or not row.denominator:
            continue
        n = int(value(registry, row.denominator))
        rows.append({"percent": row.printed, "count": int(value(registry, count_id)), "n": n,
                     "id": row.id, "counts_that_fit": count_options(row.printed, n)})
    return percent_count_map(pd.DataFrame(rows))


def respondents(summary: pd.DataFrame, role: str, question: str, paper: str = "fan2019") -> int:
    """How many ``role`` respondents answered ``question`` (a :func:`summarise` table)."""
    chosen = summary[(summary["paper"] == paper) & (summary["role"] == role)
                     & (summary["wave"] == "all") & (summary["question"] == question)]
    if chosen.empty:
        raise KeyError(f"no answers to {question!r} from {role}s in {paper}")
    return int(chosen["n"].iloc[0])


def rating_items(registry: pd.DataFrame, consumers: int) -> pd.DataFrame:
    """The rating items of fan2019 Tables 2 and 4 with their printed mean and SD, the n
    (providers: Table 2's header; consumers: ``consumers``, the n their means allow) and the
    scale's bounds from the question list: input for :func:`rating_freedom`."""
    catalogue = questions(registry).set_index(["role", "question"])
    providers = int(value(registry, "fan2019.table2.header.peers.n"))
    rows = []
    for table, role, group, n, items in (
            ("table2", "peer", "peers", providers, PROVIDER_RATINGS),
            ("table4", "consumer", "consumers", consumers, CONSUMER_RATINGS)):
        for question in items:
            stem = f"fan2019.{table}.{question}.{group}"
            rows.append({"question": question, "n": n, "mean": text_of(registry, f"{stem}.mean"),
                         "sd": text_of(registry, f"{stem}.sd"),
                         "lo": int(catalogue.loc[(role, question), "lo"]),
                         "hi": int(catalogue.loc[(role, question), "hi"])})
    return pd.DataFrame(rows)
