"""An independent second derivation of the reviewer's letter (issue 21, part 6).

Every problem of kind "problem" that the package writes into
``reports/tables/problem_texts.csv`` (and, with the same ``evidence`` paragraph, into the
letter ``reports/review.md``) makes numerical claims about the papers. This module derives
those numbers again by a *second path*: it imports nothing from ``analysis``, reads the printed
numbers straight from ``data/published/registry.csv`` (and ``explanations.csv`` for which rows
each problem covers), and recomputes everything with plain scipy / numpy / fractions and the
small helpers below (SPSS-style rounding half away from zero, a word-to-number map, exact
rounding boxes, a (sum, sum of squares) reachability table and a witness builder for integer
samples). Each test then checks

(a) that the derived value agrees with what the paper prints in the way the letter says it does,
    and that the number, formatted as the letter shows it, is in the problem's evidence text;
(b) that the evidence paragraph is in the letter verbatim.

If the letter and the derivation disagree, a test here fails; do not loosen it to make it pass.
"""

from __future__ import annotations

import itertools
import math
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = ROOT / "data" / "published" / "registry.csv"
EXPLANATIONS = ROOT / "data" / "published" / "explanations.csv"
PROBLEM_TEXTS = ROOT / "reports" / "tables" / "problem_texts.csv"
REVIEW = ROOT / "reports" / "review.md"
T_FREEDOM = ROOT / "reports" / "tables" / "fan2019_t_freedom.csv"

WORDS = {word: number for number, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}


# --------------------------------------------------------------------------- reading

@cache
def registry() -> pd.DataFrame:
    return pd.read_csv(REGISTRY, dtype=str, keep_default_na=False).set_index("id")


def printed(row_id: str) -> str:
    """The number exactly as printed."""
    return registry().loc[row_id, "printed"]


def decimals(row_id: str) -> int:
    return int(registry().loc[row_id, "decimals"])


def value(row_id: str) -> Fraction:
    """The printed number as an exact fraction: words, bounds (``<0.001``: the bound) and
    ``8.33×10^-3`` included."""
    text = printed(row_id).lstrip("<>").strip()
    if text.lower() in WORDS:
        return Fraction(WORDS[text.lower()])
    if "×10^" in text:
        mantissa, exponent = text.split("×10^")
        return Fraction(mantissa) * Fraction(10) ** int(exponent)
    return Fraction(text)


def whole(row_id: str) -> int:
    number = value(row_id)
    assert number.denominator == 1, row_id
    return int(number)


def denominator_of(row_id: str) -> str:
    return registry().loc[row_id, "denominator"]


def explained(problem: str) -> list[str]:
    """The registry rows that data/published/explanations.csv attributes to a problem."""
    table = pd.read_csv(EXPLANATIONS, dtype=str)
    return table.loc[table["problem"] == problem, "id"].tolist()


@cache
def problem_texts() -> pd.DataFrame:
    return pd.read_csv(PROBLEM_TEXTS, dtype=str, keep_default_na=False).set_index("problem")


def evidence(problem: str) -> str:
    return problem_texts().loc[problem, "evidence"]


def assert_in_evidence(problem: str, *phrases: str) -> None:
    text = evidence(problem)
    missing = [phrase for phrase in phrases if phrase not in text]
    assert not missing, f"{problem}: the letter does not say {missing!r}; it says: {text}"


# --------------------------------------------------------------------------- rounding

def rnd(x, places: int) -> Decimal:
    """Round half away from zero (as SPSS does) to ``places`` decimals, exactly: a float is
    taken at its exact binary value, a Fraction or Decimal exactly."""
    exact = Fraction(x) if not isinstance(x, Decimal) else Fraction(str(x))
    scaled = abs(exact) * 10**places
    digits = math.floor(scaled + Fraction(1, 2))
    result = Decimal(digits).scaleb(-places)
    return -result if exact < 0 else result


def shows(x, row_id: str) -> bool:
    """Does ``x``, rounded to the printed decimals, give the printed number?"""
    return rnd(x, decimals(row_id)) == Decimal(printed(row_id))


def box(center: str, places: int) -> tuple[Fraction, Fraction]:
    """The half-open interval [lo, hi) of non-negative numbers that round to ``center``."""
    half = Fraction(1, 2 * 10**places)
    return Fraction(center) - half, Fraction(center) + half


def sig6(x: float) -> str:
    return f"{x:.6g}"


def listed(numbers) -> str:
    """``[8, 15, 16]`` -> ``8, 15 and 16``."""
    words = [str(number) for number in numbers]
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else "".join(words)


# --------------------------------------------------------------------------- statistics

def pearson(table) -> tuple[float, float, int]:
    """Pearson chi-square of independence, no continuity correction: (statistic, p, df)."""
    result = stats.chi2_contingency(np.array(table), correction=False)
    return float(result[0]), float(result[1]), int(result[2])


def fisher_p(table) -> float:
    return float(stats.fisher_exact(np.array(table), alternative="two-sided")[1])


def even_split(yes: int, n: int, yates: bool = False) -> tuple[float, float]:
    """Chi-square goodness of fit of yes/no counts against an even split (df 1)."""
    expected = Fraction(n, 2)
    correction = Fraction(1, 2) if yates else 0
    statistic = sum((abs(observed - expected) - correction) ** 2 / expected
                    for observed in (yes, n - yes))
    return float(statistic), float(stats.chi2.sf(float(statistic), 1))


def pooled_t(n1, m1, v1, n2, m2, v2) -> float:
    pooled = ((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2)
    return (m1 - m2) / math.sqrt(pooled * (1 / n1 + 1 / n2))


def welch_t(n1, m1, v1, n2, m2, v2) -> float:
    return (m1 - m2) / math.sqrt(v1 / n1 + v2 / n2)


def mean_var(n: int, total: int, squares: int) -> tuple[float, float]:
    return total / n, (squares - total * total / n) / (n - 1)


def sd_fits(n: int, total: int, squares: int, sd: str, places: int, scale: int = 1) -> bool:
    """Exactly: does the SD (n - 1) of values/scale with these moments round to ``sd``?"""
    lo, hi = box(sd, places)
    variance = Fraction(n * squares - total * total, n * (n - 1) * scale * scale)
    return lo * lo <= variance < hi * hi


def moment_candidates(n, mean, sd, places, lo, hi) -> list[tuple[int, int]]:
    """Every (sum, sum of squares) of n whole numbers in lo..hi that passes the necessary
    conditions: the mean and SD round to the printed ones and sum of squares = sum (mod 2)."""
    mean_lo, mean_hi = box(mean, places)
    sd_lo, sd_hi = box(sd, places)
    found = []
    for total in range(lo * n, hi * n + 1):
        if not mean_lo <= Fraction(total, n) < mean_hi:
            continue
        first = math.ceil((sd_lo**2 * n * (n - 1) + total * total) / n)
        last = math.floor((sd_hi**2 * n * (n - 1) + total * total) / n)
        found += [(total, squares) for squares in range(first, last + 1)
                  if squares % 2 == total % 2 and sd_fits(n, total, squares, sd, places)]
    return found


def _best_move(counts: dict[int, int], lo: int, hi: int, budget: int):
    """The pair (i, j), i <= j, whose move i -> i - 1, j -> j + 1 raises the sum of squares by
    the most, 2 (j - i + 1), without passing the budget (in units of 2)."""
    present = sorted(v for v, c in counts.items() if c)
    moves = [(j - i + 1, i, j) for i in present if i > lo for j in present
             if i <= j < hi and (j > i or counts[i] > 1) and j - i + 1 <= budget]
    return max(moves, default=None)


def witness(n: int, total: int, squares: int, lo: int, hi: int) -> list[int] | None:
    """A sample of n whole numbers in lo..hi with this sum and sum of squares, built from the
    most even sample by spreading moves; None if the greedy construction fails."""
    base, extra = divmod(total, n)
    counts = {base: n - extra, base + 1: extra}
    budget, odd = divmod(squares - (n - extra) * base**2 - extra * (base + 1) ** 2, 2)
    if base < lo or base + (extra > 0) > hi or budget < 0 or odd:
        return None
    while budget:
        move = _best_move(counts, lo, hi, budget)
        if move is None:
            return None
        gain, i, j = move
        for old, new in ((i, i - 1), (j, j + 1)):
            counts[old] -= 1
            counts[new] = counts.get(new, 0) + 1
        budget -= gain
    sample = [v for v, c in counts.items() for _ in range(c)]
    assert (len(sample), sum(sample), sum(v * v for v in sample)) == (n, total, squares)
    return sample


@cache
def reachable(n_max: int, lo: int, hi: int) -> tuple[np.ndarray, ...]:
    """``reachable(...)[n][S, Q]``: some n whole numbers from lo..hi (lo >= 0) have sum S and
    sum of squares Q (exact dynamic programme over the items)."""
    shape = (n_max * hi + 1, n_max * hi * hi + 1)
    current = np.zeros(shape, dtype=bool)
    current[0, 0] = True
    tables = [current]
    for _ in range(n_max):
        following = np.zeros(shape, dtype=bool)
        for v in range(lo, hi + 1):
            following[v:, v * v:] |= current[: shape[0] - v, : shape[1] - v * v]
        current = following
        tables.append(current)
    return tuple(tables)


def grim_totals(n: int, mean: str, places: int, table: np.ndarray, scale: int = 1) -> list[int]:
    """Sums S (of values times ``scale``) that n values can have, whose mean rounds to ``mean``."""
    lo, hi = box(mean, places)
    return [total for total in range(table.shape[0])
            if lo <= Fraction(total, n * scale) < hi and table[total].any()]


def grimmer(n, mean, sd, places_mean, places_sd, table, scale=1) -> bool:
    """Some n values (on the scale the table was built for) give both the mean and the SD."""
    return any(sd_fits(n, total, int(squares), sd, places_sd, scale)
               for total in grim_totals(n, mean, places_mean, table, scale)
               for squares in np.flatnonzero(table[total]))


# --------------------------------------------------------------------------- the letter

DERIVED = {
    "fisher_p_beside_pearson", "double_rounding", "goodness_of_fit_on_assessed",
    "satisfaction_statistic_typo", "caregiver_row_copied", "age_t_not_whole_years",
    "confidence_half_points", "percent_rounding", "table4_rated_by_41", "bonferroni_family",
    "ratio_reading", "welch_t_for_ratings", "followup_months_abstract",
}


def problems() -> list[str]:
    texts = problem_texts()
    return sorted(texts.index[texts["kind"] == "problem"])


def test_every_problem_has_a_second_derivation():
    assert set(problems()) == DERIVED


@pytest.mark.parametrize("problem", sorted(DERIVED))
def test_evidence_is_in_the_letter_verbatim(problem):
    letter = REVIEW.read_text(encoding="utf-8")
    assert f"**Evidence.** {evidence(problem)}" in letter


# --------------------------------------------------------------------------- fan2018

def two_by_two(stem: str) -> list[list[int]]:
    """The printed counts behind a test: fan2018 Table 2 blocks (peers, consumers), or the
    fan2019 completion counts (initial, later) with their denominators."""
    table = registry()
    if stem.startswith("fan2018.table2."):
        variable = stem.split(".")[2]
        blocks = [f"fan2018.table2.{variable}.{group}" for group in ("peers", "consumers")]
        return [[whole(i) for i in table.index[table["block"] == block]] for block in blocks]
    group = stem.split(".")[3].split("_")[0]
    rows = []
    for wave in ("initial", "later"):
        done_id = f"fan2019.results.completed_followup.{wave}_{group}.count"
        done, of = whole(done_id), whole(denominator_of(done_id))
        rows.append([done, of - done])
    return rows


def test_fisher_p_beside_pearson():
    p_ids = explained("fisher_p_beside_pearson")
    expected = {"working_status": [[4, 8], [4, 46]], "diagnosis": [[6, 6], [45, 5]],
                "response_rate.peers": [[7, 0], [5, 1]],
                "response_rate.consumers": [[26, 6], [16, 6]]}
    opposite = 0
    for p_id in p_ids:
        stem = p_id.removesuffix(".p")
        table = two_by_two(stem)
        assert any(key in stem and counts == table for key, counts in expected.items()), table
        statistic, pearson_p, df = pearson(table)
        fisher = fisher_p(table)
        assert shows(statistic, stem + ".statistic"), (stem, statistic)
        assert df == 1
        assert shows(fisher, p_id), (stem, fisher)
        assert not shows(pearson_p, p_id), (stem, pearson_p)
        opposite += (pearson_p < 0.05) != (fisher < 0.05)
    assert len(p_ids) == 4
    assert opposite == 0
    assert_in_evidence("fisher_p_beside_pearson", f"In each of these {len(p_ids)} tests",
                       "the printed p is the two-sided Fisher exact p",
                       "The two p lie on opposite sides of 0.05 in none of them")


def test_double_rounding():
    stem = "fan2018.table2.marital_status.peers_vs_consumers"
    assert explained("double_rounding") == [stem + ".statistic"]
    statistic, p, df = pearson(two_by_two(stem))
    assert df == whole(stem + ".df")
    once, three = rnd(statistic, 2), rnd(statistic, 3)
    twice = rnd(three, 2)
    shown = Decimal(printed(stem + ".statistic"))
    assert once != shown
    assert twice == shown
    assert shows(p, stem + ".p")
    assert_in_evidence(
        "double_rounding",
        f"The Pearson chi-square of the printed counts is {rnd(statistic, 4)}",
        f"which rounds to {once}, not the printed {shown}",
        f"at three decimals, {three}", f"it gives {twice}, the printed value",
        f"The printed p {printed(stem + '.p')} is the Pearson p of the unrounded statistic, "
        f"{rnd(p, 3)}")


CONSUMER_ITEMS = ("satisfied_with_peers", "desire_to_continue", "better_social_skills")


def consumer_pool() -> tuple[int, int, int]:
    """(all consumers, not assessed, assessed) of the fan2018 satisfaction interviews."""
    everyone = whole("fan2018.results.satisfaction_pool.consumers.n")
    missing = whole("fan2018.results.not_assessed.consumers.count")
    return everyone, missing, everyone - missing


def p_agrees(p: float, p_id: str) -> bool:
    text = printed(p_id)
    return p < value(p_id) if text.startswith("<") else shows(p, p_id)


def test_goodness_of_fit_on_assessed():
    everyone, missing, assessed = consumer_pool()
    items = {i.split(".")[2] for i in explained("goodness_of_fit_on_assessed")}
    assert items == set(CONSUMER_ITEMS)
    for item in CONSUMER_ITEMS:
        stem = f"fan2018.results.{item}.consumers"
        yes = whole(stem + ".count")
        statistic, p = even_split(yes, assessed)
        assert p_agrees(p, stem + ".p"), (item, p)
        if item != "satisfied_with_peers":  # its statistic is the typo problem below
            assert shows(statistic, stem + ".statistic"), (item, statistic)
        on_all, _ = even_split(yes, everyone)
        assert not shows(on_all, stem + ".statistic"), (item, on_all)
        assert shows(Fraction(100 * yes, everyone), stem + ".percent")  # percent of all 24
    assert_in_evidence("goodness_of_fit_on_assessed",
                       f"computed on the {assessed} consumers assessed "
                       f"({everyone} minus the {missing} not assessed)",
                       f"the percentages are of all {everyone}",
                       f"on all {everyone}, none of them is reproduced")


def digits_differing(a: str, b: str) -> int:
    assert len(a) == len(b)
    return sum(x != y for x, y in zip(a, b, strict=True))


YES_NO_ROWS = {  # fan2018 Results: the yes/no items with a printed statistic, and their pool
    "satisfied_with_peers": "consumers", "desire_to_continue": "consumers",
    "better_social_skills": "consumers", "want_patients_continue": "caregivers",
    "observed_patient_social_skills": "caregivers", "improved_own_mood": "caregivers",
}


def test_satisfaction_statistic_typo():
    everyone, _, assessed = consumer_pool()
    stem = "fan2018.results.satisfied_with_peers.consumers"
    yes = whole(stem + ".count")
    statistic, p = even_split(yes, assessed)
    shown, ours = printed(stem + ".statistic"), str(rnd(statistic, 2))
    assert ours != shown
    assert digits_differing(ours, shown) == 1
    assert p_agrees(p, stem + ".p")
    neighbours = [item for item in CONSUMER_ITEMS[1:] if shows(
        even_split(whole(f"fan2018.results.{item}.consumers.count"), assessed)[0],
        f"fan2018.results.{item}.consumers.statistic")]
    # the variants tried here: on the 21 or on all 24, with or without Yates' correction
    variants = {(n, yates): even_split(yes, n, yates)[0]
                for n in (assessed, everyone) for yates in (False, True)}
    del variants[assessed, False]
    closest = min(variants, key=lambda key: abs(variants[key] - float(value(stem + ".statistic"))))
    assert closest == (assessed, True)
    # Yates' correction (on the consumers assessed, or the 15 caregivers) reproduces no other
    # yes/no statistic printed in fan2018
    pools = {"consumers": assessed,
             "caregivers": whole("fan2018.results.satisfaction_pool.caregivers.n")}
    for item, group in YES_NO_ROWS.items():
        row = f"fan2018.results.{item}.{group}"
        corrected = even_split(whole(row + ".count"), pools[group], yates=True)[0]
        assert not shows(corrected, row + ".statistic"), item
    assert_in_evidence(
        "satisfaction_statistic_typo",
        f"reproduces the other {len(neighbours)} consumer statistics exactly",
        f"on the {assessed} consumers assessed", f"gives {ours} for {yes} yes of {assessed}",
        f"differs from the printed {shown} in 1 digit",
        f"its p, {p:.1e}, agrees with the printed p {printed(stem + '.p')}",
        f"{rnd(variants[closest], 2)} with Yates' correction")


def test_caregiver_row_copied():
    n = whole("fan2018.results.satisfaction_pool.caregivers.n")
    own, following = ("fan2018.results.observed_patient_social_skills.caregivers",
                      "fan2018.results.improved_own_mood.caregivers")
    own_yes, next_yes = whole(own + ".count"), whole(following + ".count")
    statistic, p = even_split(own_yes, n)
    next_statistic, next_p = even_split(next_yes, n)
    pair = (printed(own + ".statistic"), printed(own + ".p"))
    assert pair == (printed(following + ".statistic"), printed(following + ".p"))
    assert shows(next_statistic, own + ".statistic")
    assert shows(next_p, own + ".p")
    assert not shows(p, own + ".p")
    # the variants of test and n tried here: goodness of fit on the 15, without and with Yates
    variants = [even_split(own_yes, n, yates)[0] for yates in (False, True)]
    assert not any(shows(v, own + ".statistic") for v in variants)
    assert_in_evidence(
        "caregiver_row_copied",
        f"{own_yes} yes of {n} give a chi-square of {rnd(statistic, 2)}, p = {rnd(p, 3)}",
        f"The printed pair, {pair[0]} and {pair[1]}",
        f"(improved own mood, {next_yes} of {n})",
        f"({rnd(next_statistic, 3)}, p = {rnd(next_p, 3)})",
        f"None of the {len(variants)} variants of test and n tried gives the printed statistic")


def age_groups() -> list[tuple[int, str, str]]:
    """(n, mean, sd) of the ages in fan2018 Table 2, peers then consumers."""
    return [(whole(f"fan2018.methods.recruited.{group}.n"),
             printed(f"fan2018.table2.age.{group}.mean"), printed(f"fan2018.table2.age.{group}.sd"))
            for group in ("peers", "consumers")]


def test_age_t_not_whole_years():
    stem = "fan2018.table2.age.peers_vs_consumers"
    target = Decimal(printed(stem + ".statistic"))
    (n1, mean1, sd1), (n2, mean2, sd2) = age_groups()
    lo = whole("fan2018.methods.peer_age_min.peers.other")
    hi = whole("fan2018.methods.peer_age_max.peers.other")
    assert (lo, hi) == (whole("fan2018.methods.consumer_age_min.consumers.other"),
                        whole("fan2018.methods.consumer_age_max.consumers.other"))
    # Necessary conditions (rounding boxes, parity) give the candidates; a witness sample for
    # every one of them proves each feasible, so the enumeration is exact, not an upper bound.
    peers = moment_candidates(n1, mean1, sd1, 1, lo, hi)
    consumers = moment_candidates(n2, mean2, sd2, 1, lo, hi)
    assert all(witness(n1, s, q, lo, hi) for s, q in peers)
    assert all(witness(n2, s, q, lo, hi) for s, q in consumers)
    pooled, welch = [], []
    for a, b in itertools.product(peers, consumers):
        moments = (n1, *mean_var(n1, *a), n2, *mean_var(n2, *b))
        pooled.append(pooled_t(*moments))
        welch.append(welch_t(*moments))
    assert all(rnd(t, 2) != target for t in pooled + welch)
    assert all(rnd(rnd(t, 3), 2) != target for t in pooled)
    nearest = min(pooled + welch, key=lambda t: abs(t - float(target)))
    # real-valued means and SDs: t is monotone in each, so the corners of the box bound it
    corners = [pooled_t(n1, m1, s1**2, n2, m2, s2**2) for m1, s1, m2, s2 in itertools.product(
        *(map(float, box(x, 1)) for x in (mean1, sd1, mean2, sd2)))]
    assert min(corners) <= target <= max(corners)
    assert_in_evidence(
        "age_t_not_whole_years",
        f"({mean1} ± {sd1}, n = {n1}; {mean2} ± {sd2}, n = {n2})",
        f"pooled t from {rnd(min(pooled), 3)} to {rnd(max(pooled), 3)}",
        f"Welch t from {rnd(min(welch), 3)} to {rnd(max(welch), 3)}",
        f"neither gives the printed {target}",
        f"{len(peers) * len(consumers):,} feasible (sum, sum of squares) combinations",
        f"pooled t {sig6(min(pooled))} to {sig6(max(pooled))}",
        f"3 decimals rounded again {rnd(rnd(min(pooled), 3), 2)} to {rnd(rnd(max(pooled), 3), 2)}",
        f"Welch t {sig6(min(welch))} to {sig6(max(welch))}",
        f"The value tried nearest it is {sig6(nearest)}",
        f"the pooled t runs from {rnd(min(corners), 3)} to {rnd(max(corners), 3)}")


# --------------------------------------------------------------------------- fan2019

def test_confidence_half_points():
    n = whole("fan2019.table2.header.peers.n")
    lo = whole("fan2019.methods.confidence_scale_min.peers.other")
    hi = whole("fan2019.methods.confidence_scale_max.peers.other")
    mean_id, sd_id = (f"fan2019.table2.confidence.peers.{q}" for q in ("mean", "sd"))
    mean, sd = printed(mean_id), printed(sd_id)
    places_mean, places_sd = decimals(mean_id), decimals(sd_id)
    assert printed("fan2019.results.confidence_continue.peers.mean") == mean
    whole_numbers = reachable(16, lo, hi)
    assert grim_totals(n, mean, places_mean, whole_numbers[n]) == []
    below = math.floor(Fraction(mean) * n)
    around = [(total, rnd(Fraction(total, n), places_mean)) for total in (below, below + 1)]
    halves = reachable(n, 2 * lo, 2 * hi)[n]  # answers in half points, counted in halves
    half_totals = grim_totals(n, mean, places_mean, halves, scale=2)
    assert len(half_totals) == 1
    half_total = Fraction(half_totals[0], 2)
    half_mean = Decimal(half_total.numerator) / Decimal(half_total.denominator * n)
    half_even = half_mean.quantize(Decimal(1).scaleb(-places_mean), rounding=ROUND_HALF_EVEN)
    assert rnd(half_mean, places_mean) == Decimal(mean) != half_even
    assert grimmer(n, mean, sd, places_mean, places_sd, halves, scale=2)
    other_ns = [m for m in range(8, 17) if grim_totals(m, mean, places_mean, whole_numbers[m])]
    assert not any(grimmer(m, mean, sd, places_mean, places_sd, whole_numbers[m]) for m in other_ns)
    assert_in_evidence(
        "confidence_half_points",
        f"no {n} whole-number answers from {lo} to {hi} have a mean that rounds to {mean}",
        f"the nearest totals, {around[0][0]} and {around[1][0]}, give {around[0][1]} and "
        f"{around[1][1]}",
        f"a total of {float(half_total)} gives {half_mean}, which rounds to the printed mean half "
        "away from zero", f"half to even gives {half_even}",
        f"the printed SD {sd} (GRIMMER on the half-point scale)",
        f"of every n from 8 to 16 only {listed(other_ns)} give the mean, "
        "and none of them the SD too")


def test_percent_rounding():
    row = "fan2019.results.improve_mood.initial_consumers.percent"
    count = whole(row.replace(".percent", ".count"))
    n = whole(denominator_of(row))
    percent = Fraction(100 * count, n)
    assert not shows(percent, row)
    assert_in_evidence(
        "percent_rounding",
        f"{count} of {n} is {rnd(percent, 1)} %, which rounds to {rnd(percent, 0)}, "
        f"not the printed {printed(row)}")


def table4_items() -> list[tuple[str, str]]:
    means = [i for i in explained("table4_rated_by_41")
             if i.startswith("fan2019.table4.") and i.endswith(".mean")]
    return [(printed(i), printed(i.removesuffix(".mean") + ".sd")) for i in means]


@cache
def table4_fitting_ns() -> tuple[int, ...]:
    """Every n from 30 to 60 for which some n ratings 1..5 give all Table 4 means and SDs."""
    lo = whole("fan2019.methods.scale_min.consumers.other")
    hi = whole("fan2019.methods.scale_max.consumers.other")
    tables = reachable(60, lo, hi)
    return tuple(n for n in range(30, 61)
                 if all(grimmer(n, mean, sd, 2, 3, tables[n]) for mean, sd in table4_items()))


def test_table4_rated_by_41():
    items = table4_items()
    header = whole("fan2019.table4.header.consumers.n")
    assert len(items) == 5
    assert table4_fitting_ns() == (41,)
    assert header not in table4_fitting_ns()
    assert_in_evidence(
        "table4_rated_by_41",
        f"Of every n from 30 to 60, only {listed(table4_fitting_ns())} gives all {len(items)} "
        "printed means and SDs", f"not the header's {header}")


def test_bonferroni_family():
    row = "fan2019.results.bonferroni_threshold.initial_vs_later.p"
    table1 = registry().loc[lambda t: t.index.str.startswith("fan2019.table1.")
                            & t["quantity"].isin(["count", "mean"])]
    variables = table1.assign(variable=table1["item"].str.split(":").str[0])
    categorical = variables.loc[variables["quantity"] == "count", "variable"].nunique()
    per_group = variables["variable"].nunique()
    both = per_group * 2  # providers and consumers

    def scientific(x: Decimal) -> str:
        mantissa = x.scaleb(-x.adjusted()).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return f"{mantissa}×10^{x.adjusted()}"

    def three_significant(x: Decimal) -> Decimal:
        return x.quantize(Decimal(1).scaleb(x.adjusted() - 2), rounding=ROUND_HALF_UP)

    alpha = Decimal("0.05")
    assert scientific(alpha / categorical) == printed(row)
    assert scientific(alpha / per_group) != printed(row)
    assert scientific(alpha / both) != printed(row)
    assert_in_evidence(
        "bonferroni_family",
        f"The printed threshold {printed(row)} is {alpha} divided by {categorical}, the number of "
        "categorical variables of Table 1",
        f"{per_group} tests per group, a threshold of {three_significant(alpha / per_group)}",
        f"{both} over both groups, {three_significant(alpha / both)}")


def verdict(low_ok: bool, high_ok: bool) -> str:
    assert low_ok != high_ok
    return ("the lower end is reproduced and the upper is not" if low_ok
            else "the upper end is reproduced and the lower is not")


def divisions():
    """(fewest, most) consumers per provider over every split of each fan2019 wave's consumers
    between its two communities (each community at least one consumer)."""
    waves = []
    for wave, sites in (("initial", ("tuanjiehu", "maizidian")),
                        ("later", ("xiangheyuan", "jingsong"))):
        providers = [whole(f"fan2019.methods.recruited_site_{site}.{wave}_peers.count")
                     for site in sites]
        assert sum(providers) == whole(f"fan2019.methods.recruited.{wave}_peers.n")
        consumers = whole(f"fan2019.methods.recruited.{wave}_consumers.n")
        waves.append([(Fraction(k, providers[0]), Fraction(consumers - k, providers[1]))
                      for k in range(1, consumers)])
    for first, second in itertools.product(*waves):
        ratios = first + second
        yield min(ratios), max(ratios)


def test_ratio_reading():
    low, high = (whole(f"fan2019.methods.ratio_consumers_per_provider_{end}.all.other")
                 for end in ("min", "max"))

    def reproduced(x, end):
        return rnd(x, 0) == end

    sites, year = ("tuanjiehu", "maizidian", "xiangheyuan", "jingsong"), 2016
    per_peer = [Fraction(whole(f"fan2018.table1.{site}.consumers_{year}.count"),
                         whole(f"fan2018.table1.{site}.peers_{year}.count")) for site in sites]
    waves = [Fraction(whole(f"fan2019.methods.recruited.{wave}_consumers.n"),
                      whole(f"fan2019.methods.recruited.{wave}_peers.n"))
             for wave in ("initial", "later")]
    splits = list(divisions())
    fewest, most = [f for f, _ in splits], [m for _, m in splits]
    gives_ends = [reproduced(f, low) and reproduced(m, high) for f, m in splits]
    assert any(gives_ends)
    assert not all(gives_ends)
    assert_in_evidence(
        "ratio_reading",
        f"between one provider to {low} consumers and one to {high}",
        f"in each community in {year} (fan2018 Table 1",
        f"run from {rnd(min(per_peer), 2)} to {rnd(max(per_peer), 2)}: "
        + verdict(reproduced(min(per_peer), low), reproduced(max(per_peer), high)),
        f"gives {rnd(min(waves), 2)} to {rnd(max(waves), 2)}: "
        + verdict(reproduced(min(waves), low), reproduced(max(waves), high)),
        f"the fewest consumers per provider runs from {rnd(min(fewest), 2)} to "
        f"{rnd(max(fewest), 2)} and the most from {rnd(min(most), 2)} to {rnd(max(most), 2)}",
        "some divisions give the printed ends and some do not")


def rating_samples(n: int, mean: str, sd: str, lo: int = 1, hi: int = 5):
    """Every count vector of n ratings lo..hi whose mean (2 decimals) and SD (3) round to the
    printed ones."""
    values = range(lo, hi + 1)
    for head in itertools.product(range(n + 1), repeat=len(values) - 1):
        if sum(head) > n:
            continue
        counts = (*head, n - sum(head))
        total = sum(v * c for v, c in zip(values, counts, strict=True))
        squares = sum(v * v * c for v, c in zip(values, counts, strict=True))
        mean_lo, mean_hi = box(mean, 2)
        if mean_lo <= Fraction(total, n) < mean_hi and sd_fits(n, total, squares, sd, 3):
            yield counts


def moments_of(counts, lo=1):
    n = sum(counts)
    total = sum((lo + k) * c for k, c in enumerate(counts))
    squares = sum((lo + k) ** 2 * c for k, c in enumerate(counts))
    return (n, *mean_var(n, total, squares))


@pytest.mark.parametrize(("question", "table_item", "result_item"), [
    ("service_punctuality", "service_punctuality", "service_punctuality"),
    ("richness_of_activity_topic", "richness_of_activity_topic", "richness_activity_topic"),
])
@pytest.mark.integration
def test_welch_t_for_ratings(question, table_item, result_item):
    # Complete enumeration (about 2 s for both items): every sample of n = 41 ratings with the
    # printed mean and SD, and every split of it into 25 initial and 16 later consumers.
    (n,) = table4_fitting_ns()
    later = whole("fan2019.results.completed_followup.later_consumers.count")
    row = f"fan2019.results.{result_item}.consumers_initial_vs_later.statistic"
    target = Decimal(printed(row))
    mean = printed(f"fan2019.table4.{table_item}.consumers.mean")
    sd = printed(f"fan2019.table4.{table_item}.consumers.sd")
    splits = pooled_hits = welch_hits = 0
    for sample in rating_samples(n, mean, sd):
        for part in itertools.product(*(range(c + 1) for c in sample)):
            if sum(part) != later:
                continue
            rest = tuple(c - d for c, d in zip(sample, part, strict=True))
            moments = (*moments_of(rest), *moments_of(part))  # initial minus later
            splits += 1
            pooled = pooled_t(*moments)
            pooled_hits += rnd(abs(pooled), 3) == abs(target)  # either order of the groups
            welch_hits += rnd(welch_t(*moments), 3) == target
    assert pooled_hits == 0
    assert welch_hits > 0
    notebook = pd.read_csv(T_FREEDOM).set_index("question").loc[question]
    assert (notebook["n"], notebook["later"], notebook["splits"]) == (n, later, splits)
    assert (notebook["pooled_matching"], notebook["welch_matching"]) == (0, welch_hits)
    assert_in_evidence(
        "welch_t_for_ratings",
        "For richness of activity topic and service punctuality",
        "no pooled (Student's) t rounds to the printed value, while Welch's t does for some "
        "splits")


def test_followup_months_abstract():
    abstract = whole("fan2019.abstract.followup_months.all.other")
    initial = whole("fan2019.methods.evaluation_months.initial.other")
    later = whole("fan2019.methods.evaluation_months.later.other")
    assert abstract == later
    assert abstract != initial
    assert explained("followup_months_abstract") == ["fan2019.abstract.followup_months.all.other"]
    assert_in_evidence(
        "followup_months_abstract",
        f"conducted {abstract} months after initiation",
        f"give {initial} months for the initial communities and {later} for the later ones",
        "the Abstract's number holds for the later communities only")
