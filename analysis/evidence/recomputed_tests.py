"""The papers' tests recomputed from their printed inputs, under every variant a reader could
defend (``data/published/test_inputs.csv``).

A test's inputs are printed numbers: the cells of a contingency table, the categories of a
goodness-of-fit test, or the means, SDs and sizes of two groups.
:func:`printed_inputs` builds them from the registry; :func:`cases` describes each test as
the rules of :mod:`analysis.evidence.rules` see it (expected counts, cells zero by design,
people counted more than once, respondents not assessed, a bounded scale), from the inputs,
``data/published/test_conditions.csv`` and the design; :func:`variants` recomputes each test
every way the design allows:

- contingency (Pearson 1900; Yates 1934 for 2 x 2; likelihood ratio, Wilks 1938; Fisher's
  exact test, two-sided, Freeman & Halton 1951 for r x c); with cells zero by design, the
  test of quasi-independence (Goodman 1968); with people counted in several cells, the
  first-order Rao-Scott correction (Rao & Scott 1981) at the largest design effect the table
  allows;
- goodness of fit against an equal split (Pearson; with Yates' correction; the exact binomial
  test), on all respondents or on those assessed only when some were not assessed;
- two groups from summary statistics (Student's pooled t; Welch 1947).

:func:`values_from_tests` gives the registry's statistic, df and p rows every value the variants
compute, for :mod:`analysis.evidence.recomputed`.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
from scipy import stats

from analysis.evidence.rules import Case
from analysis.io.annotations import load_test_conditions, load_test_inputs
from analysis.io.design import not_started
from analysis.methods.contingency import (
    chi2_goodness_of_fit,
    chi2_independence,
    fisher_exact,
    likelihood_ratio_independence,
)
from analysis.methods.pvalues import monte_carlo_interval
from analysis.methods.tables import quasi_independence
from analysis.methods.two_groups import ttest_ind_from_stats
from analysis.printed.rounding import parse_printed

__all__ = ["VARIANT_COLUMNS", "cases", "printed_inputs", "twins", "values_from_tests",
           "variants"]

#: One row per way of computing a test.
VARIANT_COLUMNS = ["test", "design", "variant", "n_choice", "statistic", "df", "p", "note",
                   "p_low", "p_high"]

#: A category of a goodness-of-fit test that holds people who gave no answer.
NOT_ASSESSED = "not_assessed"


def _input_value(line: pd.Series, values: dict) -> float:
    if line["value"] != "":
        return float(line["value"])
    number = float(values[line["id"]])
    return number - float(values[line["minus"]]) if line["minus"] else number


def printed_inputs(registry: pd.DataFrame, inputs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every line of ``test_inputs.csv`` with its ``number``, built from the printed values
    (``id``, minus ``minus``) or the literal ``value``."""
    inputs = load_test_inputs() if inputs is None else inputs
    values = {row_id: parse_printed(text).value
              for row_id, text in zip(registry["id"], registry["printed"], strict=True)}
    printed = inputs[inputs["design"] != "not_printed"].copy()
    printed["number"] = [_input_value(line, values) for _, line in printed.iterrows()]
    return printed


def _row(test: str, design: str, variant: str, n_choice: str, statistic: float, df: float,
         p: float, note: str = "", interval: tuple[float, float] | None = None) -> dict:
    """One variant; ``p_low``/``p_high`` are ``p`` itself unless ``p`` is an estimate."""
    low, high = interval or (p, p)
    return {"test": test, "design": design, "variant": variant, "n_choice": n_choice,
            "statistic": float(statistic), "df": float(df), "p": float(p), "note": note,
            "p_low": float(low), "p_high": float(high)}


#: Largest table total for which the r x c Fisher test is enumerated exactly (beyond it the
#: network algorithm takes minutes: fan2018 Table 1's consumers, 145 person-years).
EXACT_FISHER_MAX_N = 100


#: Resamples of a Monte Carlo Fisher p, and the chance that its interval misses the exact p.
FISHER_RESAMPLES, MONTE_CARLO_ERROR = 100_000, 1e-6


def _fisher(table: np.ndarray) -> tuple[float, str, tuple[float, float] | None]:
    """Fisher's p for ``table``: exact for 2 x c tables and small totals, otherwise a Monte
    Carlo estimate (fixed seed), said so in the note, with the exact binomial interval that
    holds the exact p unless the resampling erred (:func:`monte_carlo_interval`): verdicts
    are judged over that interval, not the point estimate."""
    if min(table.shape) == 2 or table.sum() <= EXACT_FISHER_MAX_N:
        return float(fisher_exact(table).iloc[0]["p"]), "", None
    result = fisher_exact(table, method="monte-carlo", n_resamples=FISHER_RESAMPLES).iloc[0]
    interval = monte_carlo_interval(float(result["p"]), FISHER_RESAMPLES, MONTE_CARLO_ERROR)
    return float(result["p"]), (
        f"Monte Carlo estimate: {result['method']}; range: its Clopper-Pearson interval at "
        f"confidence 1 - {MONTE_CARLO_ERROR:g}"), interval


def _pivot(lines: pd.DataFrame) -> pd.DataFrame:
    return lines.pivot_table(index="row", columns="column", values="number", aggfunc="sum",
                             sort=False).fillna(0)


def _structural(table: pd.DataFrame) -> np.ndarray:
    """Cells of a community x time table that are zero by design (:func:`not_started`)."""
    return np.array([[not_started(str(row), str(column)) for column in table.columns]
                     for row in table.index])


def _contingency_case(test: str, lines: pd.DataFrame, conditions: set[str]) -> Case:
    table = _pivot(lines)
    counts = table.to_numpy(dtype=float)
    expected = np.outer(counts.sum(axis=1), counts.sum(axis=0)) / counts.sum()
    notes = {"total": int(counts.sum()), "people": int(counts.max(axis=1).sum())}
    return Case(test, "contingency", counts.shape, expected,
                _structural(table) if "structural_zeros" in conditions else None,
                "repeated_people" in conditions, table=counts.astype(int), notes=notes)


def _goodness_case(test: str, lines: pd.DataFrame) -> Case:
    counts = dict(zip(lines["column"], lines["number"].astype(int), strict=True))
    missing = counts.pop(NOT_ASSESSED, 0)
    assessed = np.array(list(counts.values()), dtype=float)
    return Case(test, "goodness_of_fit", assessed.shape,
                np.full(assessed.shape, assessed.sum() / assessed.size), not_assessed=missing)


def _split_case(test: str, design: str, lines: pd.DataFrame) -> Case:
    pooled = lines[lines["row"] == "pooled"].set_index("column")["number"]
    sizes = lines[lines["column"] == "n"].set_index("row")["number"].astype(float)
    if design == "split_ratings":
        return Case(test, design, (2,), scale=(int(pooled["lo"]), int(pooled["hi"])))
    columns = pooled.astype(float).to_numpy()
    groups = sizes[["initial", "later"]].to_numpy()
    return Case(test, design, (2, columns.size), np.outer(groups, columns) / columns.sum())


def cases(registry: pd.DataFrame, inputs: pd.DataFrame | None = None,
          conditions: pd.DataFrame | None = None) -> dict[str, Case]:
    """Every test of ``test_inputs.csv`` as a :class:`Case` for the rules."""
    inputs = load_test_inputs() if inputs is None else inputs
    conditions = load_test_conditions() if conditions is None else conditions
    declared = conditions.groupby("test")["condition"].apply(set).to_dict()
    lines = printed_inputs(registry, inputs)
    out = {}
    for test, design in inputs[["test", "design"]].drop_duplicates().itertuples(index=False):
        mine = lines[lines["test"] == test]
        if design == "contingency":
            out[test] = _contingency_case(test, mine, declared.get(test, set()))
        elif design == "goodness_of_fit":
            out[test] = _goodness_case(test, mine)
        elif design.startswith("split_"):
            out[test] = _split_case(test, design, mine)
        else:
            structural = np.ones(1, bool) if "structural_zeros" in declared.get(test, ()) else None
            out[test] = Case(test, design, structural=structural)
    return out


def _designed(test: str, case: Case, pearson: pd.Series) -> list[dict]:
    """The variants a table's declared conditions call for: quasi-independence (cells zero
    by design left out) and the Rao-Scott correction (people counted more than once)."""
    rows = []
    if case.structural is not None and case.structural.any():
        quasi = quasi_independence(case.table, case.structural).iloc[0]
        rows.append(_row(test, "contingency", "quasi_independence", "as printed",
                         quasi["statistic"], quasi["df"], quasi["p"]))
    if case.repeated:
        effect = case.notes["total"] / case.notes["people"]
        corrected = pearson["statistic"] / effect
        p_high = stats.chi2.sf(corrected, pearson["df"])
        rows.append(_row(test, "contingency", "rao_scott", "as printed", corrected,
                         pearson["df"], p_high,
                         f"design effect 1 to {effect:.3g}: p from the uncorrected "
                         f"{pearson['p']:.3g} to {p_high:.3g}", (pearson["p"], p_high)))
    return rows


def _contingency(test: str, case: Case) -> list[dict]:
    table = case.table
    pearson = chi2_independence(table).iloc[0]
    ratio = likelihood_ratio_independence(table).iloc[0]
    fisher, note, interval = _fisher(table)
    df = pearson["df"]
    rows = [_row(test, "contingency", "pearson", "as printed", pearson["statistic"], df,
                 pearson["p"]),
            _row(test, "contingency", "likelihood_ratio", "as printed", ratio["statistic"], df,
                 ratio["p"]),
            _row(test, "contingency", "fisher", "as printed", np.nan, df, fisher, note,
                 interval)]
    if table.shape == (2, 2):
        yates = chi2_independence(table, correction=True).iloc[0]
        rows.append(_row(test, "contingency", "yates", "as printed", yates["statistic"], df,
                         yates["p"]))
    return rows + _designed(test, case, pearson)


def _goodness_of_fit(test: str, lines: pd.DataFrame) -> list[dict]:
    counts = dict(zip(lines["column"], lines["number"].astype(int), strict=True))
    missing = counts.pop(NOT_ASSESSED, 0)
    choices = {"as printed": counts}
    if missing:
        first = next((c for c in counts if c != "yes"), "no")
        choices = {"all respondents": {**counts, first: counts.get(first, 0) + missing},
                   "assessed only": counts}
    rows = []
    for choice, observed in choices.items():
        observed = np.array(list(observed.values()))
        n, k = int(observed.sum()), len(observed)
        pearson = chi2_goodness_of_fit(observed).iloc[0]
        rows.append(_row(test, "goodness_of_fit", "pearson", choice, pearson["statistic"],
                         k - 1, pearson["p"]))
        if k == 2:
            corrected = (abs(observed[0] - observed[1]) - 1) ** 2 / n
            rows.append(_row(test, "goodness_of_fit", "yates", choice, corrected, 1,
                             stats.chi2.sf(corrected, 1)))
            exact = stats.binomtest(int(observed[0]), n, 0.5).pvalue
            rows.append(_row(test, "goodness_of_fit", "exact_binomial", choice, np.nan, np.nan,
                             exact))
    return rows


def _two_sample(test: str, lines: pd.DataFrame) -> list[dict]:
    groups = lines.pivot_table(index="row", columns="column", values="number", sort=False)
    (m1, s1, n1), (m2, s2, n2) = (groups.loc[g, ["mean", "sd", "n"]] for g in groups.index)
    rows = []
    for variant, equal in (("pooled_t", True), ("welch_t", False)):
        result = ttest_ind_from_stats(m1, s1, int(n1), m2, s2, int(n2), equal_var=equal).iloc[0]
        rows.append(_row(test, "two_sample", variant, "as printed", result["statistic"],
                         result["df"], result["p"]))
    return rows


def variants(registry: pd.DataFrame, inputs: pd.DataFrame | None = None,
             conditions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every printed test recomputed every way its design allows: the columns of
    :data:`VARIANT_COLUMNS`, one row per test, variant and choice of n."""
    inputs = load_test_inputs() if inputs is None else inputs
    chosen = inputs[inputs["design"].isin(["contingency", "goodness_of_fit", "two_sample"])]
    lines = printed_inputs(registry, chosen)
    described = cases(registry, chosen, conditions)
    rows = []
    for (test, design), mine in lines.groupby(["test", "design"], sort=False):
        if design == "contingency":
            rows += _contingency(test, described[test])
        elif design == "goodness_of_fit":
            rows += _goodness_of_fit(test, mine)
        else:
            rows += _two_sample(test, mine)
    return pd.DataFrame(rows, columns=VARIANT_COLUMNS)


_LABELS = {"pearson": "Pearson chi-square", "yates": "Yates-corrected chi-square",
           "likelihood_ratio": "likelihood-ratio chi-square", "fisher": "Fisher's exact test",
           "exact_binomial": "exact binomial test", "pooled_t": "pooled (Student) t",
           "welch_t": "Welch t", "quasi_independence": "chi-square of quasi-independence",
           "rao_scott": "Rao-Scott-corrected chi-square"}


def _tail(stem: str) -> tuple[str, str]:
    """A test stem without its section: ``fan2018.abstract.x.peers`` -> (fan2018, x.peers)."""
    paper, _section, rest = stem.split(".", 2)
    return paper, rest


def twins(registry: pd.DataFrame, tests: list[str]) -> dict[str, list[str]]:
    """Each test stem -> the registry stems that print the same test elsewhere (the
    Abstract repeating Results, Table 3 repeating Results): same paper, item and group in
    another section, and the same printed statistic and p where both print one."""
    printed = dict(zip(registry["id"], registry["printed"], strict=True))
    stems = {row_id.rsplit(".", 1)[0] for row_id in registry["id"]
             if row_id.rsplit(".", 1)[1] in ("statistic", "p")}
    out = {}
    for test in tests:
        same = [s for s in stems if s != test and _tail(s) == _tail(test) and all(
            printed.get(f"{s}.{q}", printed.get(f"{test}.{q}")) ==
            printed.get(f"{test}.{q}", printed.get(f"{s}.{q}")) for q in ("statistic", "p"))]
        out[test] = [test, *sorted(same)]
    return out


def values_from_tests(registry: pd.DataFrame, inputs: pd.DataFrame | None = None) -> dict:
    """Registry id of each test's statistic, df and p (and those of its :func:`twins`) ->
    the values every variant gives, with a description naming the variant and the inputs."""
    ids = set(registry["id"])
    table = variants(registry, inputs)
    stems = twins(registry, sorted(set(table["test"])))
    out: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for row in table.itertuples(index=False):
        label = f"{_LABELS[row.variant]} of the printed inputs ({row.n_choice})"
        for stem in stems[row.test]:
            for quantity in ("statistic", "df", "p"):
                number = getattr(row, quantity)
                if f"{stem}.{quantity}" in ids and not np.isnan(number):
                    out[f"{stem}.{quantity}"].append((label, number))
    return dict(out)
