"""Unit tests of analysis/reconstruct/ages.py: the inclusion ages read from the registry, every
(sum, sum of squares) pair of fan2018 Table 2's ages (cross-checked by brute force on a tiny
registry), the choice of the central pair, and the samples with a printed mean (and SD).

Expected values are computed here by enumerating samples and rounding half away from zero
with :mod:`decimal`, or with :mod:`scipy.stats` directly, never copied from earlier output."""

from __future__ import annotations

import itertools
from decimal import ROUND_HALF_UP, Decimal, localcontext

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from analysis.reconstruct import ages

#: fan2018's printed ages (registry rows 46-51 and 190-193).
PEER_MEAN, PEER_SD, CONSUMER_MEAN, CONSUMER_SD = "40.2", "8.9", "48.3", "8.2"


def _rounds_to(x: Decimal, printed: str) -> bool:
    """Whether ``x`` rounded half away from zero at the printed decimals is ``printed``."""
    places = len(printed.partition(".")[2])
    return x.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP) == Decimal(printed)


def _sd(n: int, s: int, q: int) -> Decimal:
    with localcontext() as context:
        context.prec = 40
        return (Decimal(n * q - s * s) / (n * (n - 1))).sqrt()


def _fits(n: int, s: int, q: int, mean: str, sd: str) -> bool:
    return _rounds_to(Decimal(s) / n, mean) and _rounds_to(_sd(n, s, q), sd)


def _brute_pairs(n: int, lo: int, hi: int, mean: str, sd: str) -> dict[tuple[int, int], tuple]:
    """Every (sum, sum of squares) of n integers in [lo, hi] with the printed mean and SD, each
    with one sample that has it: by enumerating every multiset."""
    found = {}
    for sample in itertools.combinations_with_replacement(range(lo, hi + 1), n):
        s, q = sum(sample), sum(v * v for v in sample)
        if _fits(n, s, q, mean, sd):
            found.setdefault((s, q), sample)
    return found


def _set(registry: pd.DataFrame, changes: dict[str, str]) -> pd.DataFrame:
    changed = registry.copy()
    for row_id, printed in changes.items():
        assert (changed["id"] == row_id).sum() == 1, row_id
        changed.loc[changed["id"] == row_id, "printed"] = printed
    return changed


#: A tiny fan2018: 3 peers and 4 consumers aged 18 to 22 (every measure row changed alike).
TINY = {
    "fan2018.methods.peer_age_max.peers.other": "22",
    "fan2018.methods.consumer_age_max.consumers.other": "22",
    "fan2018.methods.recruited.peers.n": "3",
    "fan2018.methods.recruited.consumers.n": "4",
    "fan2018.table2.age.peers.mean": "20", "fan2018.table2.age.peers.sd": "2",
    "fan2018.table2.age.consumers.mean": "21", "fan2018.table2.age.consumers.sd": "2",
}


@pytest.mark.parametrize("paper", ["fan2018", "fan2019"])
def test_age_bounds_are_the_printed_inclusion_ages(registry, paper):
    assert ages.age_bounds(registry, paper) == (18, 60)


def test_age_bounds_follow_the_registry(registry):
    changed = _set(registry, {"fan2018.methods.peer_age_max.peers.other": "65",
                              "fan2018.methods.consumer_age_max.consumers.other": "65"})
    assert ages.age_bounds(changed, "fan2018") == (18, 65)
    assert ages.age_bounds(changed, "fan2019") == (18, 60)


def test_age_bounds_refuse_a_measure_printed_two_ways(registry):
    changed = _set(registry, {"fan2018.methods.peer_age_max.peers.other": "65"})
    with pytest.raises(KeyError, match="fan2018_age_max"):
        ages.age_bounds(changed, "fan2018")


def test_age_pairs_fan2018_equal_every_pair_found_by_brute_force(registry):
    pairs = ages.age_pairs_fan2018(_set(registry, TINY))
    peers = _brute_pairs(3, 18, 22, "20", "2")
    consumers = _brute_pairs(4, 18, 22, "21", "2")
    assert len(peers) == 6  # the instance is not trivial
    assert len(consumers) == 6
    assert set(zip(pairs["peer_sum"], pairs["peer_sumsq"], strict=True)) == set(peers)
    assert set(zip(pairs["consumer_sum"], pairs["consumer_sumsq"], strict=True)) == set(consumers)
    assert len(pairs) == len(peers) * len(consumers)
    # each combination's t is the t of real samples with those moments
    for row in pairs.itertuples(index=False):
        peer = peers[row.peer_sum, row.peer_sumsq]
        consumer = consumers[row.consumer_sum, row.consumer_sumsq]
        pooled = sps.ttest_ind(peer, consumer)
        welch = sps.ttest_ind(peer, consumer, equal_var=False)
        assert row.t == pytest.approx(pooled.statistic, rel=1e-9)
        assert row.p == pytest.approx(pooled.pvalue, rel=1e-9)
        assert row.t_welch == pytest.approx(welch.statistic, rel=1e-9)
        assert row.p_welch == pytest.approx(welch.pvalue, rel=1e-9)
        assert row.df == 3 + 4 - 2
        assert row.peer_mean == pytest.approx(np.mean(peer))
        assert row.consumer_sd == pytest.approx(np.std(consumer, ddof=1))


def test_age_pairs_fan2018_on_the_printed_table(registry):
    pairs = ages.age_pairs_fan2018(registry)
    assert list(pairs.columns) == ["peer_sum", "peer_sumsq", "consumer_sum", "consumer_sumsq",
                                   "peer_mean", "peer_sd", "consumer_mean", "consumer_sd",
                                   "t", "df", "p", "t_welch", "p_welch"]
    # 12 peers: only S = 482 gives 40.2 (481 / 12 = 40.08, 483 / 12 = 40.25 -> 40.3), and
    # the even Q with an SD in [8.85, 8.95) are 20222, 20224, ..., 20240
    peer = set(zip(pairs["peer_sum"], pairs["peer_sumsq"], strict=True))
    assert peer == {(482, q) for q in range(20222, 20241, 2)}
    for row in pairs.itertuples(index=False):
        assert _fits(12, row.peer_sum, row.peer_sumsq, PEER_MEAN, PEER_SD)
        assert _fits(50, row.consumer_sum, row.consumer_sumsq, CONSUMER_MEAN, CONSUMER_SD)
    expected = sps.ttest_ind_from_stats(pairs["peer_mean"], pairs["peer_sd"], 12,
                                        pairs["consumer_mean"], pairs["consumer_sd"], 50)
    np.testing.assert_allclose(pairs["t"], expected.statistic, rtol=1e-12)
    assert (pairs["df"] == 60).all()


def test_age_pairs_fan2018_are_empty_when_no_age_fits(registry):
    impossible = _set(registry, {"fan2018.table2.age.peers.mean": "70.0"})  # above 60
    pairs = ages.age_pairs_fan2018(impossible)
    assert pairs.empty
    assert "t_welch" in pairs.columns


def _pairs(*rows: tuple[int, int, float, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["sum", "sumsq", "mean", "sd"])


@pytest.mark.parametrize(("mean", "chosen"), [
    # the first pair's mean is 0.02 off, the second's SD 0.05: in units of 0.1, 0.2 and
    # 0.5 units (the first is nearer); with the mean in units of 0.01, 2 and 0.5 units
    ("40.2", 100),
    ("40.20", 200),
])
def test_choose_central_pair_measures_in_units_of_the_last_printed_digit(mean, chosen):
    pairs = _pairs((100, 1, 40.22, 8.9), (200, 2, 40.2, 8.95))
    assert ages.choose_central_pair(pairs, mean, "8.9")["sum"] == chosen


def test_choose_central_pair_breaks_ties_by_sum_then_sum_of_squares():
    # 40.75 and 40.25 are both 0.25 from 40.5, exactly (binary fractions)
    assert ages.choose_central_pair(_pairs((30, 9, 40.75, 8.5), (20, 9, 40.25, 8.5)),
                                    "40.5", "8.5")["sum"] == 20
    tied = _pairs((20, 50, 40.5, 8.75), (20, 40, 40.5, 8.25), (20, 60, 40.5, 8.25))
    assert ages.choose_central_pair(tied, "40.5", "8.5")["sumsq"] == 40


def test_moment_sample_is_the_central_pair_found_by_brute_force():
    # four pairs fit; two of them, S = 19 and S = 21, are equally near (mean 3.8 and 4.2,
    # the same SD): the smaller sum is chosen
    n, lo, hi, mean, sd = 5, 1, 6, "4", "1.3"
    registry = pd.DataFrame({"id": ["x.mean", "x.sd"], "printed": [mean, sd]})
    found = _brute_pairs(n, lo, hi, mean, sd)
    assert set(found) == {(18, 72), (19, 79), (21, 95), (22, 104)}

    def distance(pair):  # exactly, in units of the last printed digit (1 and 0.1)
        s, q = pair
        return (Decimal(s) / n - Decimal(mean)) ** 2 + ((_sd(n, s, q) - Decimal(sd)) * 10) ** 2

    central = min(found, key=lambda pair: (distance(pair), pair))
    assert central == (19, 79)
    sample = ages.moment_sample(registry, "x", n, lo, hi, seed=7)
    assert len(sample) == n
    assert sample.min() >= lo
    assert sample.max() <= hi
    assert (int(sample.sum()), int((sample**2).sum())) == central
    np.testing.assert_array_equal(sample, ages.moment_sample(registry, "x", n, lo, hi, seed=7))


def test_moment_sample_of_fan2019_peers_rounds_to_the_printed_mean_and_sd(registry):
    sample = ages.moment_sample(registry, "fan2019.table1.age.peers", 13, 18, 60, seed=1)
    assert len(sample) == 13
    assert sample.min() >= 18
    assert sample.max() <= 60
    assert _fits(13, int(sample.sum()), int((sample**2).sum()), "38.92", "9.61")


def test_moment_sample_refuses_an_impossible_mean_and_sd():
    registry = pd.DataFrame({"id": ["x.mean", "x.sd"], "printed": ["2.5", "9.0"]})
    with pytest.raises(ValueError, match=r"x: no 2 integers in \[1, 4\] have mean 2.5 and SD 9.0"):
        ages.moment_sample(registry, "x", 2, 1, 4, seed=0)


@pytest.mark.parametrize(("n", "mean", "target"), [
    (15, "68.4", 1026),  # fan2019's 15 caregivers: 15 x 68.4 = 1026 exactly
    (7, "45.3", 317),    # 317 / 7 = 45.29 rounds to 45.3; 316 / 7 = 45.14 does not
    (3, "60.3", 181),    # 181 / 3 = 60.33; 180 / 3 = 60.0, 182 / 3 = 60.67
])
def test_mean_sample_has_the_closest_consistent_sum(n, mean, target):
    sample = ages.mean_sample(n, mean, seed=3)
    assert len(sample) == n
    assert int(sample.sum()) == target
    low, high = ages.CAREGIVER_AGE_RANGE
    assert sample.min() >= low
    assert sample.max() <= high
    np.testing.assert_array_equal(sample, ages.mean_sample(n, mean, seed=3))


def test_mean_sample_moves_the_seeded_draws_least_brute_force():
    n, mean, target, seed = 3, "60.3", 181, 11
    low, high = ages.CAREGIVER_AGE_RANGE
    # the seeded draws the docstring describes: normal(mean, SD 8), rounded and clipped
    draws = np.clip(np.rint(np.random.default_rng(seed).normal(60.3, ages.CAREGIVER_AGE_SD, n)),
                    low, high).astype(int)
    grid = np.array(list(itertools.product(range(low, high + 1), repeat=n)))
    fits = grid[grid.sum(axis=1) == target]
    least = np.abs(fits - draws).sum(axis=1).min()
    sample = ages.mean_sample(n, mean, seed)
    assert np.abs(sample - draws).sum() == least


def test_mean_sample_refuses_a_mean_no_whole_sum_gives():
    with pytest.raises(ValueError, match=r"50\.5"):  # 151 / 3 = 50.33, 152 / 3 = 50.67
        ages.mean_sample(3, "50.5", seed=0)
