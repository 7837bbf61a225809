"""The rules that choose the defensible alternatives of each printed test.

A reader who doubts a test does not try every method at random: each alternative answers a
property of the data. Each :class:`Rule` here is written once, with the condition under which
it applies (a predicate over the test's declared inputs, :class:`Case`), the analyses it
adds (variant names, computed by :mod:`analysis.evidence.recomputed_tests`), what those
analyses do, and its source. :func:`fired` applies every rule to a test and returns, for
each rule whose condition holds, a sentence saying why, with the numbers computed from the inputs
("4 of 16 expected counts below 5, the smallest 3.2").

The multiverse of :mod:`analysis.evidence.multiverse` keeps, for each test, the paper's own
test (:data:`BASE`) and the analyses of the rules that fired, nothing else; a conclusion
lists the rules that fired for its tests, and a test fails if a fired rule's analysis is
missing. The multiple-testing rule (:data:`FAMILY_RULE`) acts on families of tests, not on
one test: it is applied by the multiverse over every family reading of
``data/published/test_families.csv``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = ["BASE", "FAMILY_RULE", "N_CHOICES", "RULES", "Case", "Rule", "allowed", "analyses",
           "cochran_small", "fired", "rule_by_id"]

#: The analysis the paper names, by design (its first variant is the paper's own test).
BASE = {"contingency": ("pearson",), "split_counts": ("pearson",),
        "goodness_of_fit": ("pearson",), "two_sample": ("pooled_t",),
        "split_ratings": ("pooled_t",), "not_printed": ("any", "pearson", "pooled_t")}

#: Cochran's rule for the chi-square approximation (Cochran 1954, Biometrics 10:417, p. 420):
#: no expected count below 1, and at most 20 % of them below 5.
COCHRAN_SMALL, COCHRAN_SHARE, COCHRAN_FLOOR = 5.0, 0.20, 1.0

TABLES = ("contingency", "split_counts")


@dataclass(frozen=True)
class Case:
    """One printed test, as the rules see it.

    ``expected`` holds the expected counts under the null hypothesis (independence for a
    table, an even split for goodness of fit); for a table whose cells are not printed but
    whose margins are (``split_counts``) they follow from the margins alone. ``structural``
    marks cells that cannot be non-zero by design; ``repeated`` says the cells count the same
    people more than once; ``not_assessed`` counts respondents left out of a yes/no item;
    ``scale`` is the bounded whole-number scale of a rating.
    """

    test: str
    design: str
    shape: tuple[int, ...] = ()
    expected: np.ndarray | None = None
    structural: np.ndarray | None = None
    repeated: bool = False
    not_assessed: int = 0
    scale: tuple[int, int] | None = None
    table: np.ndarray | None = None
    notes: dict = field(default_factory=dict)

    @property
    def paper(self) -> str:
        return self.test.split(".", 1)[0]


@dataclass(frozen=True)
class Rule:
    """A condition on a test and the analyses it makes defensible."""

    id: str
    name: str
    condition: str
    adds: tuple[str, ...]
    effect: str
    source: str
    fires: Callable[[Case], str | None]


def cochran_small(expected: np.ndarray) -> str | None:
    """Why ``expected`` breaks Cochran's rule (any below 1, or more than 20 % below 5), in
    words with the counts; None if it does not."""
    cells = np.asarray(expected, dtype=float).ravel()
    small = int((cells < COCHRAN_SMALL).sum())
    if cells.min() >= COCHRAN_FLOOR and small <= COCHRAN_SHARE * cells.size:
        return None
    return (f"{small} of {cells.size} expected counts below {COCHRAN_SMALL:g} "
            f"({100 * small / cells.size:.0f} %; the rule allows {100 * COCHRAN_SHARE:.0f} %), "
            f"the smallest {cells.min():.2f}")


def _small(case: Case) -> str | None:
    return None if case.expected is None else cochran_small(case.expected)


def _two_by_two(case: Case) -> str | None:
    if case.design in TABLES and case.shape == (2, 2):
        return "a 2 x 2 table"
    return None


def _table(case: Case) -> str | None:
    if case.design in TABLES:
        return f"a {case.shape[0]} x {case.shape[1]} table of counts"
    return None


def _structural(case: Case) -> str | None:
    if case.structural is None or not case.structural.any():
        return None
    return (f"{int(case.structural.sum())} of {case.structural.size} cells are zero by design "
            "(a community that had not started)")


def _repeated(case: Case) -> str | None:
    if not case.repeated:
        return None
    total, people = case.notes["total"], case.notes["people"]
    return (f"the {total} counts are person-years of at least {people} people (each "
            f"community's largest yearly count), so a person is counted up to "
            f"{total / people:.2f} times on average")


def _subset(case: Case) -> str | None:
    if case.design != "goodness_of_fit" or not case.not_assessed:
        return None
    return f"{case.not_assessed} respondents were not assessed on this yes/no item"


def _two_groups(case: Case) -> str | None:
    if case.design in ("two_sample", "split_ratings"):
        return "two independent groups compared on a mean"
    return None


def _ratings(case: Case) -> str | None:
    if case.design == "split_ratings" and case.scale is not None:
        low, high = case.scale
        return f"whole-number ratings on a bounded scale ({low} to {high})"
    return None


RULES = (
    Rule("likelihood_ratio", "likelihood-ratio test",
         "a contingency table", ("likelihood_ratio",),
         "tests the same independence with the G statistic; it and Pearson's agree in large "
         "samples and can differ in small ones",
         "Wilks 1938, Ann Math Stat 9:60; Agresti 2013, Categorical Data Analysis, sec. 3.2; "
         "SPSS's Crosstabs prints it beside Pearson's", _table),
    Rule("small_expected", "small expected counts (Cochran's rule)",
         "an expected count below 1, or more than 20 % of them below 5",
         ("fisher", "exact_binomial", "yates"),
         "the chi-square approximation is unreliable: an exact test (Fisher's, or the "
         "binomial test for one yes/no item) and, with one degree of freedom, Yates' "
         "continuity correction",
         "Cochran 1954, Biometrics 10:417 (p. 420); Fisher 1935; Yates 1934, Suppl J R Stat "
         "Soc 1:217", _small),
    Rule("two_by_two", "2 x 2 table", "a table with two rows and two columns", ("yates",),
         "Yates' continuity-corrected chi-square is the standard alternative for a 2 x 2 "
         "table (SPSS's Crosstabs computes it for every 2 x 2 table without a small expected "
         "count, and Fisher's exact test for one with)",
         "Yates 1934; IBM SPSS Statistics 24 documentation, Crosstabs statistics (fan2018 "
         "names SPSS 19; fan2019 names no software)", _two_by_two),
    Rule("structural_zeros", "structural zeros (quasi-independence)",
         "cells that are zero by design", ("quasi_independence",),
         "independence counts a designed zero as evidence of association; the test of "
         "quasi-independence leaves those cells out (fewer degrees of freedom)",
         "Goodman 1968, J Am Stat Assoc 63:1091; Bishop, Fienberg & Holland 1975, Discrete "
         "Multivariate Analysis, ch. 5", _structural),
    Rule("repeated_people", "the same people counted more than once",
         "cells that count the same person in several years", ("rao_scott",),
         "the test assumes independent observations; counting people once per year "
         "inflates the statistic by up to the mean number of times a person is counted "
         "(the design effect), so the first-order Rao-Scott correction divides it by that "
         "factor: the p lies between the uncorrected one and the one at the largest design "
         "effect the table allows (an approximation, not an exact test)",
         "Rao & Scott 1981, J Am Stat Assoc 76:221", _repeated),
    Rule("subset_n", "a yes/no item asked of a subset", "respondents not assessed",
         ("n_all", "n_assessed"),
         "the test can be computed on everyone (the percentage's n) or on those assessed "
         "only (those not assessed counted with the non-yes answers in the first reading)",
         "Little & Rubin 2019, Statistical Analysis with Missing Data, 3rd ed., ch. 1 "
         "(complete cases or every case); the papers' own two denominators",
         _subset),
    Rule("two_groups", "two groups compared on a mean", "two independent groups",
         ("welch_t",),
         "Welch's t does not assume equal variances (it matters most with unequal group "
         "sizes)", "Welch 1947, Biometrika 34:28; Delacre, Lakens & Leys 2017, Int Rev Soc "
         "Psychol 30:92", _two_groups),
    Rule("bounded_ratings", "ratings on a bounded scale", "whole-number ratings",
         ("mann_whitney",),
         "a rank test treats the ratings as ordered categories rather than interval "
         "measurements", "Mann & Whitney 1947, Ann Math Stat 18:50; Jamieson 2004, Med "
         "Educ 38:1217", _ratings),
)

#: The rule for multiple testing, applied to families of tests by the multiverse.
FAMILY_RULE = Rule(
    "family_readings", "multiple testing over every family the words allow",
    "a test in a family whose correction or family the paper does not state exactly",
    ("bonferroni", "holm", "bh"),
    "a correction over a family changes each p; where the paper names no correction, or "
    "names one without listing its family, each family its words allow is tried with "
    "Bonferroni's, Holm's and Benjamini-Hochberg's adjustment",
    "Dunn 1961, J Am Stat Assoc 56:52; Holm 1979, Scand J Stat 6:65; Benjamini & Hochberg "
    "1995, J R Stat Soc B 57:289", lambda case: None)


def rule_by_id(rule_id: str) -> Rule:
    """The rule named ``rule_id`` (including :data:`FAMILY_RULE`)."""
    for rule in (*RULES, FAMILY_RULE):
        if rule.id == rule_id:
            return rule
    raise KeyError(f"no rule {rule_id!r}")


def fired(case: Case) -> list[tuple[Rule, str]]:
    """Every rule whose condition holds for ``case``, with the computed reason."""
    return [(rule, why) for rule in RULES if (why := rule.fires(case)) is not None]


#: What the subset rule's analyses are called in a test's ``n_choice``.
N_CHOICES = {"n_all": "all respondents", "n_assessed": "assessed only"}


def _applies(variant: str, case: Case) -> bool:
    """Whether ``variant`` can be computed for a test of this design and shape."""
    one_df = case.shape in ((2, 2), (2,))
    return {"fisher": case.design in TABLES,
            "exact_binomial": case.design == "goodness_of_fit" and case.shape == (2,),
            "yates": one_df and case.design in (*TABLES, "goodness_of_fit")}.get(variant, True)


def analyses(rule: Rule, case: Case) -> tuple[str, ...]:
    """The analyses ``rule`` adds to ``case`` (those of its :attr:`Rule.adds` that apply)."""
    return tuple(v for v in rule.adds if _applies(v, case))


def allowed(case: Case) -> dict[str, list[str]]:
    """Variant -> the reasons it is in the multiverse: ``"paper"`` for the paper's own test
    (:data:`BASE`), else the ids of the rules that add it."""
    out = {variant: ["paper"] for variant in BASE[case.design]}
    for rule, _why in fired(case):
        for variant in analyses(rule, case):
            if variant not in N_CHOICES:
                out.setdefault(variant, []).append(rule.id)
    return out
