"""Integer samples with a printed mean and SD: the moment enumeration is complete and exact
(checked against brute force), counts are exact, and CP-SAT samples are exact and repeatable."""

from __future__ import annotations

from itertools import combinations_with_replacement

import numpy as np
import pytest

from analysis.methods.integer_samples import count_samples, moment_pairs, sample_sd, solve_sample
from analysis.printed.compare import compare


def brute(n, lo, hi):
    return [np.array(c) for c in combinations_with_replacement(range(lo, hi + 1), n)]


@pytest.mark.parametrize(("n", "mean", "sd", "lo", "hi"), [
    (5, "3.4", "1.1", 1, 7),
    (6, "2.83", "1.17", 1, 5),  # a Likert-like item
    (4, "10.0", "2.2", 5, 15),
    (7, "4.1", "0.4", 1, 5),
])
def test_moment_pairs_equal_brute_force(n, mean, sd, lo, hi):
    expected = {(int(x.sum()), int((x * x).sum())) for x in brute(n, lo, hi)
                if compare(x.mean(), mean) and compare(x.std(ddof=1), sd)}
    found = moment_pairs(n, mean, sd, lo, hi)
    assert set(zip(found["sum"], found["sumsq"], strict=True)) == expected
    assert expected  # the cases are chosen to have solutions


def test_moment_pairs_grim_inconsistent_mean_is_empty():
    # 12 integers cannot average 40.21 (482/12 = 40.17, 483/12 = 40.25)
    assert moment_pairs(12, "40.21", "8.90", 18, 60).empty


def test_moment_pairs_respects_bounds():
    # a mean of 5.0 with SD 3.0 is impossible for 3 values in [4, 6]
    assert moment_pairs(3, "5.0", "3.0", 4, 6).empty


@pytest.mark.parametrize(("n", "lo", "hi"), [(5, 1, 7), (6, 18, 24), (4, 0, 10)])
def test_count_samples_equals_brute_force(n, lo, hi):
    samples = brute(n, lo, hi)
    moments = {}
    for x in samples:
        key = (int(x.sum()), int((x * x).sum()))
        moments[key] = moments.get(key, 0) + 1
    for (s, q), number in list(moments.items())[:40]:
        assert count_samples(n, s, q, lo, hi) == number
    assert count_samples(n, n * hi + 1, 0, lo, hi) == 0


def test_solve_sample_has_the_moments_and_repeats():
    pairs = moment_pairs(50, "48.3", "8.2", 18, 60)
    s, q = int(pairs["sum"].iloc[0]), int(pairs["sumsq"].iloc[0])
    first = solve_sample(50, s, q, 18, 60, seed=7)
    assert (first.sum(), (first * first).sum()) == (s, q)
    assert first.min() >= 18
    assert first.max() <= 60
    assert np.array_equal(first, solve_sample(50, s, q, 18, 60, seed=7))
    assert compare(first.std(ddof=1), "8.2")
    assert compare(sample_sd(50, s, q), "8.2")


def test_solve_sample_infeasible_raises():
    with pytest.raises(ValueError, match="no sample"):
        solve_sample(3, 15, 80, 4, 6, seed=1)


@pytest.mark.parametrize(("n", "lo", "hi"), [(3, 1, 5), (5, 0, 3), (7, 1, 4), (6, 2, 6)])
def test_feasibility_equals_brute_force(n, lo, hi):
    """The reachability table (small scales) decides exactly what exists."""
    from analysis.methods.integer_samples import _feasible

    truth = {(sum(x), sum(v * v for v in x))
             for x in combinations_with_replacement(range(lo, hi + 1), n)}
    for s in range(n * lo - 1, n * hi + 2):
        for q in range(n * lo * lo - 2, n * hi * hi + 3):
            assert _feasible(n, s, q, lo, hi) is ((s, q) in truth), (s, q)


def test_feasibility_table_equals_cp_sat():
    """On larger instances than brute force reaches, the table and CP-SAT agree."""
    import random

    from analysis.methods.integer_samples import _feasible, _reachable, _solver_feasible

    assert _reachable(12, 18, 60) is None  # ages: CP-SAT decides
    chooser = random.Random(5)
    for _ in range(200):
        n, lo = chooser.randint(2, 45), chooser.randint(0, 2)
        hi = lo + chooser.randint(1, 10)
        s, q = chooser.randint(n * lo, n * hi), chooser.randint(n * lo * lo, n * hi * hi)
        assert _feasible(n, s, q, lo, hi) is _solver_feasible(n, s, q, lo, hi), (n, s, q, lo, hi)
