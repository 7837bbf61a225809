"""Interview records of both papers, rebuilt from the printed outcome numbers (notebook 04).

- yes/no: the printed number of yes answers among the people the text says were asked; which
  people answered yes is chosen with the seed, spread over the waves in proportion (or as
  printed, e.g. mood 10 of 26 initial and 13 of 16 later);
- ratings: every sample with the printed n, bounds, mean and SD is enumerated as count vectors
  (:func:`analysis.methods.integer_samples.count_vectors`), together with every split between
  the initial and later communities (:func:`analysis.methods.integer_samples.group_splits`);
  the split that reproduces a printed t is taken where one is printed, the most even split
  otherwise.

Where the printed mean cannot come from the printed n (GRIM/GRIMMER,
:mod:`analysis.checks.granularity_audit`), the n that can produce every mean of the table is used.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from analysis.checks.granularity_audit import consumer_rating_n
from analysis.io.annotations import measure_value
from analysis.io.interviews import INTERVIEW_COLUMNS
from analysis.io.questionnaire import (
    CAREGIVER_QUESTIONS,
    CONSUMER_RATINGS,
    FAN2018_QUESTIONS,
    PROVIDER_RATINGS,
    STRESS_REASONS,
    T_TESTS,
    TABLE3_ITEMS,
    stem_of,
)
from analysis.io.registry import printed_text, value
from analysis.methods.allocation import apportion
from analysis.methods.integer_samples import (
    moment_pairs,
    rating_splits,
    sample_sd,
    solve_sample,
)
from analysis.printed.compare import compare
from analysis.printed.rounding import parse_printed

__all__ = ["closest_pair", "reconstruct_interviews", "rounds_to"]


def _count(registry: pd.DataFrame, row_id: str) -> int:
    return int(value(registry, row_id))


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


def rounds_to(values: pd.Series, printed: str) -> pd.Series:
    """For each value, whether it rounds to ``printed`` (:func:`analysis.printed.compare.
    compare`, the one owner of that question); a NaN does not."""
    return values.map(lambda v: bool(np.isfinite(v)) and compare(v, printed))


def _vector_values(counts: tuple[int, ...], lo: int) -> list[int]:
    return [lo + k for k, c in enumerate(counts) for _ in range(c)]


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
    welch = splits[rounds_to(splits["t_welch"], t) & rounds_to(splits["p_welch"], p)]
    if not welch.empty:
        return welch.iloc[0]
    pooled = splits[rounds_to(splits["t_pooled"], t)]
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
    stem = stem_of("fan2019", "confidence", "peer")
    mean, sd = printed_text(registry, f"{stem}.mean"), printed_text(registry, f"{stem}.sd")
    later_mean = float(measure_value(registry, "confidence_later_mean"))
    s, q = closest_pair(n, mean, sd, 0, 10)
    later_sum = round(later_mean * later)
    for attempt in range(20):
        sample = solve_sample(n, s, q, 0, 10, seed + attempt)
        for group in itertools.combinations(range(n), later):
            if sum(sample[list(group)]) == later_sum:
                rest = [sample[i] for i in range(n) if i not in group]
                return _as_counts(rest), _as_counts(sample[list(group)])
    raise ValueError("no confidence sample with the printed later-group mean")


def _fan2018_answers(rows: list, people18: pd.DataFrame, registry: pd.DataFrame,
                     rng: np.random.Generator) -> None:
    """fan2018, December 2014: consumers (3 not assessed), caregivers and peers of the first
    two communities, the printed number of yes answers to each question."""
    framed = people18[people18["evaluated"] != ""]
    not_assessed = set(framed.loc[framed["evaluated"] == "no", "person_id"])
    for question, role in FAN2018_QUESTIONS.items():
        group = framed[framed["role"] == role]
        asked = group[~group["person_id"].isin(not_assessed)]
        k = _count(registry, f"{stem_of('fan2018', question, role)}.count")
        _yes_no(rows, "fan2018", group, question, _choose(asked, k, rng), not_assessed)


def _provider_answers(rows: list, providers: pd.DataFrame, registry: pd.DataFrame,
                      rng: np.random.Generator, seed: int) -> None:
    """fan2019 Table 2 and Results: the providers' yes/no answers (the reasons for stress
    asked of the stressed, "wish to quit" of the unwilling), ratings and confidence."""
    for question in ("overall_satisfied_with_the_peer_service",
                     "qualified_to_be_peer_service_providers",
                     "feel_stressful_to_be_peer_service_providers", "willing_to_continue"):
        k = _count(registry, f"{stem_of('fan2019', question, 'peer')}.count")
        chosen = _choose(providers, k, rng)
        if question == "feel_stressful_to_be_peer_service_providers":
            stressed = chosen
        if question == "willing_to_continue":
            unwilling = set(providers["person_id"]) - chosen
        _yes_no(rows, "fan2019", providers, question, chosen)
    for question, row_id in STRESS_REASONS.items():
        among = providers[providers["person_id"].isin(stressed)]
        _yes_no(rows, "fan2019", providers, question, _choose(among, _count(registry, row_id), rng))
    _yes_no(rows, "fan2019", providers, "wish_to_quit", unwilling)
    later = int((providers["wave"] == "later").sum())
    for question in PROVIDER_RATINGS:
        stem = stem_of("fan2019", question, "peer")
        split = _even_split(rating_splits(len(providers), printed_text(registry, f"{stem}.mean"),
                                          printed_text(registry, f"{stem}.sd"), 1, 5, later))
        _ratings(rows, providers, question, "rating", split["first"], split["second"], 1, rng)
    first, second = _score_sample(registry, providers, seed)
    _ratings(rows, providers, "confidence", "score", first, second, 0, rng)


def _benefit_answers(rows: list, groups: dict[str, pd.DataFrame], registry: pd.DataFrame,
                     rng: np.random.Generator) -> None:
    """fan2019 Table 3: the perceived benefits of providers and consumers (the consumers'
    mood split by wave as printed; the same 13 consumers for both disease-related items)."""
    mood = "emotion_and_self_perception_improve_mood_and_feeling_cared_about"
    for role, group in groups.items():
        for question in TABLE3_ITEMS:
            k = _count(registry, f"{stem_of('fan2019', question, role)}.count")
            by_wave = None
            if role == "consumer" and question == mood:
                by_wave = {w: int(measure_value(registry, f"answers.consumer.{mood}.{w}",
                                                "count")) for w in ("initial", "later")}
            if role == "consumer" and question == "disease_related_disease_become_more_stable":
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


def _consumer_answers(rows: list, consumers: pd.DataFrame, registry: pd.DataFrame,
                      rng: np.random.Generator) -> None:
    """fan2019 Table 4: the consumers' yes/no answers, and their ratings from the n that
    fits every printed mean and SD (41: one initial consumer gave none), split between the
    waves as the printed t tests require."""
    for question in ("overall_satisfied_with_the_peer_service_providers_and_service",
                     "continuous_participation_willingness"):
        k = _count(registry, f"{stem_of('fan2019', question, 'consumer')}.count")
        _yes_no(rows, "fan2019", consumers, question, _choose(consumers, k, rng))
    n_rated = max(consumer_rating_n(registry)["grimmer_ns"].map(set).pipe(
        lambda sets: set.intersection(*sets)) or {len(consumers)})
    missing = set(rng.permutation(consumers.loc[consumers["wave"] == "initial", "person_id"]
                                  .sort_values().to_numpy())[: len(consumers) - n_rated])
    later = int(((consumers["wave"] == "later") & ~consumers["person_id"].isin(missing)).sum())
    for question in CONSUMER_RATINGS:
        stem = stem_of("fan2019", question, "consumer")
        splits = rating_splits(n_rated, printed_text(registry, f"{stem}.mean"),
                               printed_text(registry, f"{stem}.sd"), 1, 5, later)
        if question in T_TESTS:
            split = _matching_split(splits,
                                    printed_text(registry, f"{T_TESTS[question]}.statistic"),
                                    printed_text(registry, f"{T_TESTS[question]}.p"))
        else:
            split = _even_split(splits)
        _ratings(rows, consumers, question, "rating", split["first"], split["second"], 1, rng,
                 missing)


def _caregiver_answers(rows: list, carers: pd.DataFrame, people19: pd.DataFrame,
                       registry: pd.DataFrame, rng: np.random.Generator) -> None:
    """fan2019 Results: Caregivers: each question asked of all caregivers, or of those of
    providers or of consumers; the one unwilling caregiver is of the initial communities."""
    roles = people19.set_index("person_id")["role"]
    for question, (row_id, among) in CAREGIVER_QUESTIONS.items():
        asked = carers if among == "all" else carers[carers["cares_for"].map(roles) == among]
        k = _count(registry, row_id)
        if question == "willing_family_continue":
            # "Only one caregiver from the initial communities showed a negative attitude"
            refusing = int(measure_value(registry, "negative_attitude_initial"))
            by_wave = {"initial": int((asked["wave"] == "initial").sum()) - refusing,
                       "later": int((asked["wave"] == "later").sum())}
            chosen = _choose(asked, k, rng, by_wave)
        else:
            chosen = _choose(asked, k, rng)
        _yes_no(rows, "fan2019", asked, question, chosen)


def reconstruct_interviews(people18: pd.DataFrame, people19: pd.DataFrame,
                           registry: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Interview records of both papers (:data:`analysis.io.interviews.INTERVIEW_COLUMNS`),
    from the participant tables and the printed outcome numbers; deterministic for a given
    ``seed``."""
    rng = np.random.default_rng(seed)
    rows: list[dict] = []
    _fan2018_answers(rows, people18, registry, rng)
    evaluated = people19[people19["evaluated"] == "yes"]
    providers = evaluated[evaluated["role"] == "peer"]
    consumers = evaluated[evaluated["role"] == "consumer"]
    _provider_answers(rows, providers, registry, rng, seed)
    _benefit_answers(rows, {"peer": providers, "consumer": consumers}, registry, rng)
    _consumer_answers(rows, consumers, registry, rng)
    _caregiver_answers(rows, evaluated[evaluated["role"] == "caregiver"], people19, registry,
                       rng)
    return pd.DataFrame(rows, columns=INTERVIEW_COLUMNS)
