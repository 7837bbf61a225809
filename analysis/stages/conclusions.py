"""Notebook 05, conclusions: each conclusion the papers draw from a test, tried under every
defensible analysis choice and over every dataset consistent with the printed numbers.

The engine is :mod:`analysis.evidence.multiverse` (it reads printed numbers only). This
stage adds what needs the reconstruction layer, the Fig. 1 test: its Pearson p over every
feasible table (exact, from the printed statistic's rounding window) and the test of
quasi-independence that leaves the structural zeros out (written by notebook 02 into
``reports/tables/fan2018_fig1_tests.csv``), and writes ``reports/conclusions.csv``.
"""

from __future__ import annotations

import pandas as pd

from analysis.evidence.choices import CHOICE_COLUMNS, choices_of_tests, rules_fired
from analysis.evidence.multiverse import specifications, summarise
from analysis.io import context
from analysis.io.annotations import load_conclusions, load_test_families
from analysis.io.cache import memoised
from analysis.printed.significance import ALPHA
from analysis.reconstruct.session_records import FIG1_TEST

__all__ = ["STAGE", "evaluate", "fig1_choices", "rules_of_conclusions", "tallies"]

STAGE = "05_conclusions"

#: :func:`analysis.evidence.choices.choices_of_tests` memoised (:mod:`analysis.io.cache`):
#: its inputs are printed numbers and the Fig. 1 test's p ranges; never used on real data,
#: whose Fig. 1 ranges come from the user's sessions.
cached_choices = memoised(choices_of_tests)


def fig1_choices(fig1_tests: pd.DataFrame) -> pd.DataFrame:
    """The Fig. 1 test's rows of :data:`CHOICE_COLUMNS`, from notebook 02's table (one row
    per variant: ``variant``, ``p_low``, ``p_high``, ``basis``)."""
    rows = [{"test": FIG1_TEST, "variant": row.variant, "n_choice": "as printed",
             "p_low": float(row.p_low), "p_high": float(row.p_high), "basis": row.basis}
            for row in fig1_tests.itertuples(index=False)]
    return pd.DataFrame(rows, columns=CHOICE_COLUMNS[:-1])


def evaluate(registry: pd.DataFrame, fig1_tests: pd.DataFrame | None = None,
             alpha: float = ALPHA) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Every test's choices, every (conclusion, specification), and one row per conclusion
    (``reports/conclusions.csv``)."""
    supplied = None if fig1_tests is None else fig1_choices(fig1_tests)
    choose = choices_of_tests if context.real_data() else cached_choices
    choices = choose(registry, supplied=supplied)
    conclusions = load_conclusions()
    specs = specifications(conclusions, choices, load_test_families(), registry, alpha)
    return choices, specs, summarise(conclusions, specs, registry, alpha)


def rules_of_conclusions(registry: pd.DataFrame, choices: pd.DataFrame) -> pd.DataFrame:
    """Every rule that fired for a test some conclusion rests on
    (:func:`analysis.evidence.choices.rules_fired`), with the conclusions that rest on it
    (``reports/tables/rules_fired.csv``)."""
    conclusions = load_conclusions()
    fired = rules_fired(registry, choices)
    resting = {test: " ".join(conclusions.loc[conclusions["tests"].str.split().map(
        lambda tests, t=test: t in tests), "id"]) for test in fired["test"].unique()}
    fired["conclusions"] = fired["test"].map(resting)
    return fired[fired["conclusions"] != ""].reset_index(drop=True)


def tallies(summary: pd.DataFrame) -> pd.DataFrame:
    """How many conclusions hold, fail or are mixed as printed, under all choices and over
    the data, by paper."""
    long = summary.melt(id_vars=["paper"], value_vars=["as_printed", "all_choices",
                                                       "over_data"],
                        var_name="judged", value_name="verdict")
    return pd.crosstab([long["paper"], long["judged"]], long["verdict"])
