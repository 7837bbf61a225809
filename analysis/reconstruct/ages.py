"""Ages for the reconstructed people: samples of whole years with a printed mean and SD.

- :func:`age_bounds`: the inclusion ages of each paper's Methods (18 to 60);
- :func:`age_pairs_fan2018`: every (sum, sum of squares) of the peers' and the consumers' ages
  that gives fan2018 Table 2's printed means and SDs, with the t test of each combination
  (the test depends on the moments only, so its range over these pairs is its range over
  every integer dataset);
- :func:`moment_sample`: one sample with a printed mean and SD (fan2019 Table 1), the pair
  nearest the printed values solved by CP-SAT
  (:func:`analysis.methods.integer_samples.solve_sample`);
- :func:`mean_sample`: one sample with a printed mean only (fan2019's caregivers).
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model
from scipy import stats as sps

from analysis.io.annotations import measure_value
from analysis.io.design import GROUP
from analysis.io.registry import printed_text, value
from analysis.methods.integer_samples import moment_pairs, solve_sample
from analysis.printed.compare import compare

__all__ = [
    "CAREGIVER_AGE_RANGE",
    "CAREGIVER_AGE_SD",
    "ONSET_MIN",
    "age_bounds",
    "age_pairs_fan2018",
    "choose_central_pair",
    "mean_sample",
    "moment_sample",
]

#: Lowest age at first onset allowed in the reconstruction. Not stated in the papers: an
#: assumption (onset of schizophrenia or bipolar disorder before 10 is very rare).
ONSET_MIN = 10

#: Caregivers' ages: not stated beyond the mean. Parents or spouses, taken to lie in 30-90
#: with an SD of about 8 years around the mean (assumptions; only the mean is published).
CAREGIVER_AGE_RANGE = (30, 90)
CAREGIVER_AGE_SD = 8.0


def age_bounds(registry: pd.DataFrame, paper: str) -> tuple[int, int]:
    """The inclusion ages of ``paper``'s Methods (printed for peers and consumers alike)."""
    return tuple(int(measure_value(registry, f"{paper}_age_{end}")) for end in ("min", "max"))


def age_pairs_fan2018(registry: pd.DataFrame) -> pd.DataFrame:
    """Every combination of peer and consumer age moments that fits fan2018 Table 2's printed
    means and SDs (integer ages in 18-60), with the pooled t test of each.

    Returns a DataFrame: ``peer_sum``, ``peer_sumsq``, ``consumer_sum``,
    ``consumer_sumsq``, ``peer_mean``, ``peer_sd``, ``consumer_mean``, ``consumer_sd``,
    ``t``, ``df``, ``p`` (pooled), ``t_welch``, ``p_welch``.
    """
    low, high = age_bounds(registry, "fan2018")
    sides = {}
    for role in ("peer", "consumer"):
        group = GROUP[role]
        n = int(value(registry, f"fan2018.methods.recruited.{group}.n"))
        sides[role] = moment_pairs(n, printed_text(registry, f"fan2018.table2.age.{group}.mean"),
                                   printed_text(registry, f"fan2018.table2.age.{group}.sd"),
                                   low, high)
    grid = sides["peer"].merge(sides["consumer"], how="cross", suffixes=("_p", "_c"))
    args = [grid[c].to_numpy(dtype=float)
            for c in ("mean_p", "sd_p", "n_p", "mean_c", "sd_c", "n_c")]
    pooled = sps.ttest_ind_from_stats(*args)
    welch = sps.ttest_ind_from_stats(*args, equal_var=False)
    return pd.DataFrame({
        "peer_sum": grid["sum_p"], "peer_sumsq": grid["sumsq_p"],
        "consumer_sum": grid["sum_c"], "consumer_sumsq": grid["sumsq_c"],
        "peer_mean": grid["mean_p"], "peer_sd": grid["sd_p"],
        "consumer_mean": grid["mean_c"], "consumer_sd": grid["sd_c"],
        "t": pooled.statistic, "df": grid["n_p"] + grid["n_c"] - 2, "p": pooled.pvalue,
        "t_welch": welch.statistic, "p_welch": welch.pvalue,
    })


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


def moment_sample(registry: pd.DataFrame, stem_id: str, n: int, low: int, high: int,
                  seed: int) -> np.ndarray:
    """``n`` whole numbers in ``[low, high]`` whose mean and SD round to the ones printed at
    ``stem_id.mean`` and ``stem_id.sd``: the central feasible pair, solved by CP-SAT."""
    mean, sd = printed_text(registry, stem_id + ".mean"), printed_text(registry, stem_id + ".sd")
    pairs = moment_pairs(n, mean, sd, low, high)
    if pairs.empty:
        raise ValueError(
            f"{stem_id}: no {n} integers in [{low}, {high}] have mean {mean} and SD {sd}"
        )
    chosen = choose_central_pair(pairs, mean, sd)
    return solve_sample(n, int(chosen["sum"]), int(chosen["sumsq"]), low, high, seed)


def mean_sample(n: int, mean: str, seed: int) -> np.ndarray:
    """n integer ages whose mean rounds to ``mean``: the GRIM-consistent sum closest to
    n x mean, realised by the seeded normal draws nudged to that sum (CP-SAT, least L1)."""
    low, high = CAREGIVER_AGE_RANGE
    sums = [s for s in range(n * low, n * high + 1) if compare(Decimal(s) / n, mean)]
    if not sums:
        raise ValueError(f"no {n} whole-number ages in [{low}, {high}] have a mean that "
                         f"rounds to {mean}")
    target_sum = min(sums, key=lambda s: abs(s - n * float(mean)))
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
