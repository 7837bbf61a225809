"""The answers of the course's exercises (``book/exercises.csv`` names one function here per
exercise), each computed from the printed numbers in the registry, the package's methods, or
the tables the notebooks wrote, so an answer can never drift from the code. The judgement
answers (what should a reviewer conclude, and why) take their verdict words ("does", "does
not", "supports") from the computed values, and name analysis choices in words
(:mod:`analysis.evidence.words`)."""

from __future__ import annotations

from functools import cache

import pandas as pd
from scipy.stats.contingency import expected_freq
from statsmodels.stats.proportion import proportion_confint

from analysis.evidence.rules import cochran_small
from analysis.evidence.words import choice_words
from analysis.io import paths
from analysis.io.registry import load_registry
from analysis.methods.contingency import chi2_goodness_of_fit, chi2_independence, fisher_exact
from analysis.methods.granularity import consistent_ns, consistent_scales, grim
from analysis.printed.rounding import format_half_away, parse_printed
from analysis.printed.significance import ALPHA, significant

__all__ = ["caregivers_six_of_fifteen", "confidence_grim", "even_split_question",
           "expected_counts_choice", "fig2_printed", "fig2_unprinted",
           "fragile_conclusions", "holm_changes", "impossible_mean_explanations",
           "impossible_values", "inconsistent_p_values", "literal_reading",
           "percent_of_count", "range_verdict", "reviewer_on_fragile",
           "statcheck_verdict", "structural_zeros_choice", "tables_that_fit",
           "tests_without_df", "unprinted_shares", "working_status_tests",
           "yates_on_working_status"]


@cache
def _registry() -> pd.DataFrame:
    return load_registry().set_index("id")


def _printed(row_id: str) -> str:
    return _registry().loc[row_id, "printed"]


def _number(row_id: str) -> int:
    """A printed whole number, written in digits or in words."""
    return int(parse_printed(_printed(row_id)).value)


def _n_of(row_id: str) -> int:
    return _number(_registry().loc[row_id, "denominator"])


def _table(name: str) -> pd.DataFrame:
    return pd.read_csv(paths.TABLES / name, dtype=str, keep_default_na=False)


def percent_of_count(stem: str) -> str:
    count, n = _number(f"{stem}.count"), _number(f"{stem}.n")
    exact = 100 * count / n
    return (f"{count} of {n} is {exact:.2f}%, which SPSS rounds (half away from zero) to "
            f"{format_half_away(exact, 0)}%; the paper prints {_printed(f'{stem}.percent')}%.")


def _failing(name: str) -> tuple[pd.DataFrame, int]:
    """The rows of audit table ``name`` that fail their check, and how many were checked."""
    checks = _table(name)
    return checks[checks["consistent"] == "False"], len(checks)


def inconsistent_p_values() -> str:
    flagged, checked = _failing("audit_tests.csv")
    return (f"{len(flagged)} of {checked} printed p-values do not follow from their printed "
            f"statistic and df: " + "; ".join(flagged["text"]) + ".")


def _two_by_two(stem: str) -> list[list[int]]:
    """The printed yes/no counts of peers and consumers under ``stem`` (2018 Table 2)."""
    rows = []
    for group in ("peers", "consumers"):
        count = _number(f"{stem}_yes.{group}.count")
        rows.append([count, _n_of(f"{stem}_yes.{group}.percent") - count])
    return rows


def working_status_tests(stem: str) -> str:
    table = _two_by_two(stem)
    pearson = chi2_independence(table).iloc[0]
    fisher = fisher_exact(table).iloc[0]
    return (f"Pearson chi-square {pearson['statistic']:.2f}, p {pearson['p']:.3f}; Fisher's "
            f"exact p {fisher['p']:.3f}. Printed: chi-square "
            f"{_printed(f'{stem}.peers_vs_consumers.statistic')}, p "
            f"{_printed(f'{stem}.peers_vs_consumers.p')}: the Pearson statistic with "
            "Fisher's p.")


def yates_on_working_status(stem: str) -> str:
    table = _two_by_two(stem)
    corrected = chi2_independence(table, correction=True).iloc[0]
    return (f"With Yates' correction: chi-square {corrected['statistic']:.2f}, p "
            f"{corrected['p']:.3f}, which is not what was printed.")


def literal_reading() -> str:
    from analysis.reconstruct.session_records import WEEKLY_RULE, fig1_targets, literal_bound

    registry = _registry().reset_index()
    weekly, needed = literal_bound(registry)
    total, _ = fig1_targets(registry)
    return (f"Read literally, '{WEEKLY_RULE}' alone needs at least {weekly} sessions. Adding "
            f"the fewest the other rules allow, even read loosely, gives at least {needed}, "
            f"{'above' if needed > total else 'not above'} the {total} printed: the words "
            f"{'cannot' if needed > total else 'could'} be literal.")


def tables_that_fit() -> str:
    counted = _table("fan2018_fig1_feasible.csv").iloc[0]
    return (f"{int(float(counted['band_tables'])):,} tables lie within the stated frequencies "
            f"and sum to the total (an exact count); about {float(counted['estimate']):.3g} of "
            "them also give the printed chi-square (an importance-sampling estimate, 95% "
            f"interval {float(counted['low']):.3g} to {float(counted['high']):.3g}).")


def fig2_unprinted() -> str:
    ranges = _table("fan2018_fig2_ranges.csv")
    hidden = ranges[ranges["printed"] == ""]
    return "; ".join(f"{r.label}: {float(r.min_percent):.1f}% to {float(r.max_percent):.1f}%"
                     for r in hidden.itertuples()) + "."


def fig2_printed() -> str:
    ranges = _table("fan2018_fig2_ranges.csv")
    shown = ranges[ranges["printed"] != ""]
    return ", ".join(f"{r.label} ({r.printed}%)" for r in shown.itertuples()) + "."


def caregivers_six_of_fifteen(stem: str) -> str:
    count, n = _number(f"{stem}.count"), _n_of(f"{stem}.percent")
    test = chi2_goodness_of_fit([count, n - count]).iloc[0]
    return (f"{count} of {n} against an even split: chi-square {test['statistic']:.2f}, p "
            f"{test['p']:.3f}. Printed: chi-square {_printed(f'{stem}.statistic')}, p "
            f"{_printed(f'{stem}.p')}, the values of the next item.")


def confidence_grim(mean_id: str, n_id: str) -> str:
    mean, n = _printed(mean_id), _number(n_id)
    possible = grim(mean, n)
    ns = consistent_ns(mean, n - 5, n + 5)
    scales = consistent_scales(mean, n)
    return (f"A mean of {mean} from {n} whole numbers is {'possible' if possible else 'impossible'}"
            f"; whole-number answers fit n = {', '.join(map(str, ns)) or 'none'} nearby; with "
            f"{n} answers the mean fits steps of 1/{', 1/'.join(map(str, scales))}.")


def _verdicts(correction: str) -> pd.Series:
    specs = _table("conclusion_specifications.csv")
    chosen = specs[(specs["correction"] == correction) & (specs["n_choice"] == "as printed")]
    return chosen.groupby("conclusion")["verdict"].agg(lambda v: "/".join(sorted(set(v))))


def holm_changes() -> str:
    bonferroni, holm = _verdicts("bonferroni"), _verdicts("holm")
    changed = [c for c in bonferroni.index if c in holm.index and bonferroni[c] != holm[c]]
    reason = ("Holm (1979) compares the smallest p with alpha/m, exactly as Bonferroni does, "
              "and the later ones with larger thresholds, so it keeps every rejection "
              "Bonferroni makes and can only add some; it changes a conclusion only where a "
              "second or later p of a family falls between its Bonferroni and Holm thresholds.")
    statements = pd.read_csv(paths.REPORTS / "conclusions.csv", dtype=str,
                             keep_default_na=False).set_index("id")["statement"]
    found = ("Here it changes: " + "; ".join(statements[c].rstrip(".") for c in changed) + "."
             if changed else
             "Here no conclusion changes (as printed n).")
    return f"{reason} {found}"


def fragile_conclusions() -> str:
    summary = pd.read_csv(paths.REPORTS / "conclusions.csv", dtype=str, keep_default_na=False)
    fragile = summary[summary["all_choices"].isin(["fails", "mixed"])]
    return (f"{len(fragile)} of {len(summary)}: "
            + "; ".join(s.rstrip(".") for s in fragile["statement"]) + ".")


def tests_without_df() -> str:
    audit = _table("audit_tests.csv")
    missing = audit[audit["df"] == ""]
    return (f"{len(missing)}: " + "; ".join(missing["text"]) +
            ". The audit infers their df from the group sizes in the text.")


def _described(row_id: str) -> str:
    """A registry row in words: where it is printed, its item, group and quantity, and the
    number printed (``fan2019 Table 2, Confidence, peers: mean 7.13``)."""
    row = _registry().loc[row_id]
    quantity = {"sd": "SD"}.get(row["quantity"], row["quantity"])
    return (f"{row['paper']} {row['location']}, {row['item']}, {row['group'].lower()}: "
            f"{quantity} {row['printed']}")


def impossible_values() -> str:
    failing, checked = _failing("audit_granularity.csv")
    return (f"{len(failing)} of {checked}: "
            + "; ".join(_described(row_id) for row_id in failing["id"]) + ".")


#: How far from the printed n :func:`impossible_mean_explanations` looks for an n that fits.
NEAR = 5


def statcheck_verdict() -> str:
    """Notebook 06's statcheck table (Nuijten et al. 2016) read as a reviewer should: an
    inconsistency says the printed numbers cannot all be right; only a decision error can
    change a conclusion."""
    audit = _table("audit_tests.csv")
    wrong = audit[audit["consistent"] == "False"]
    decisions = audit[audit["decision_inconsistent"] == "True"]
    effect = ("none of them changes the decision at the papers' threshold, so no conclusion "
              "turns on them" if decisions.empty else f"{len(decisions)} change the decision "
              "at the papers' threshold, so those conclusions need the authors' correction")
    return (f"{len(wrong)} of {len(audit)} printed tests are inconsistent with their own "
            f"statistic and df, and {effect}. An inconsistency shows that one printed number "
            "is not what the named test gives (a typo, another test, a one-sided p, or "
            "rounding); the reviewer asks which test gave each p, and does not call the "
            "finding wrong unless the decision changes.")


def expected_counts_choice(stem: str) -> str:
    """fan2018 Table 2 (working status): Cochran's (1954) rule for the chi-square
    approximation (:func:`analysis.evidence.rules.cochran_small`), and whether Pearson's and
    Fisher's p fall on the same side of the papers' threshold."""
    table = _two_by_two(stem)
    expected = expected_freq(table)
    broken = cochran_small(expected)  # the rules' own statement of Cochran's rule
    pearson = chi2_independence(table).iloc[0]["p"]
    fisher = fisher_exact(table).iloc[0]["p"]
    same = significant(pearson) == significant(fisher)
    rule = (f"Cochran's rule for the chi-square approximation fails ({broken}), so Fisher's "
            "exact test is the safer choice" if broken else
            "Cochran's rule for the chi-square approximation holds")
    return (f"{rule}. Pearson's p "
            f"is {pearson:.3f} and Fisher's {fisher:.3f}: the choice "
            f"{'does not change' if same else 'changes'} the decision at {ALPHA}, and a "
            "reviewer asks the authors to name the test they used.")


def range_verdict(low: float, high: float, exact: bool) -> str:
    """What a range of p over the consistent tables says about a "differs significantly"
    conclusion at the papers' threshold: of every such table when the range is ``exact``
    (proved), else only of the tables sampled. Ends on either side prove, by their witness
    tables, that the verdict depends on the table, sampled or not."""
    tables = "every such table" if exact else "every table sampled (not a proof for all)"
    if high < ALPHA:
        return f"supports the printed conclusion for {tables}"
    if low >= ALPHA:
        return f"supports it for no {'such table' if exact else 'table sampled'}"
    return (f"falls on either side of {ALPHA}, so whether the conclusion survives depends on "
            "the unpublished table")


def structural_zeros_choice() -> str:
    """fan2018's sessions chi-square (Fig. 1): periods before a community started are zero by
    design; the test of quasi-independence leaves them out (Bishop, Fienberg & Holland 1975,
    ch. 5). The range is exact or sampled as notebook 02 found it (its ``basis``)."""
    specs = _table("conclusion_specifications.csv")
    quasi = specs[(specs["conclusion"] == "fan2018.sessions_differ_by_community_and_period")
                  & (specs["variant"] == "quasi_independence")
                  & (specs["correction"] == "none")].iloc[0]
    low, high = float(quasi["p_low"]), float(quasi["p_high"])
    exact = quasi["basis"].startswith("exact")
    verdict = range_verdict(low, high, exact)
    return (f"A Pearson test counts those empty periods as evidence that sessions differ, "
            f"though they could not have held sessions. Leaving them out, the p ranges from "
            f"{low:.3g} to {high:.3g} over the tables consistent with the text "
            f"({quasi['basis']}): it {verdict}. A reviewer asks for the test that leaves out "
            "cells zero by design, and for the table.")


def unprinted_shares() -> str:
    """fan2018 Fig. 2: how much of it a reader can check from the text."""
    ranges = _table("fan2018_fig2_ranges.csv")
    hidden = ranges[ranges["printed"] == ""]
    widths = hidden["max_percent"].astype(float) - hidden["min_percent"].astype(float)
    widest = hidden.loc[widths.idxmax()] if len(hidden) else None
    where = (f"; the widest, {widest['label']}, lies somewhere from "
             f"{float(widest['min_percent']):.1f}% to {float(widest['max_percent']):.1f}%"
             if widest is not None else "")
    return (f"{len(ranges) - len(hidden)} of {len(ranges)} shares are printed; the other "
            f"{len(hidden)} are known only within ranges{where}. A reader can check the "
            "printed shares against the total, not the figure; a reviewer asks for the count "
            "of sessions per category.")


def even_split_question(stem: str) -> str:
    """A "yes against an even split" chi-square (fan2018 Results) beside the proportion with
    its Wilson (1927) 95 % interval, which is what a feasibility question needs."""
    registry = load_registry().set_index("id")
    yes = _number(f"{stem}.count")
    n = _number(registry.loc[f"{stem}.percent", "denominator"])
    p = chi2_goodness_of_fit([yes, n - yes]).iloc[0]["p"]
    low, high = proportion_confint(yes, n, alpha=0.05, method="wilson")
    return (f"{yes} of {n} said yes: the test against an even split gives p {p:.3f}, which "
            "only says whether the split differs from half and half. The share is "
            f"{yes / n:.0%}, with a "
            f"95% Wilson interval from {low:.0%} to {high:.0%}: a feasibility study compares "
            "that interval with a progression criterion set in advance (for example, at "
            "least a stated share), which the test cannot do.")


def _p_words(low: float, high: float) -> str:
    """A p known exactly, or its range over the consistent datasets."""
    return f"{high:.3g}" if high <= low * 1.0001 else f"from {low:.3g} to {high:.3g}"


def reviewer_on_fragile() -> str:
    """Notebook 05: the conclusion that holds as printed and fails under the fewest other
    defensible specifications, with those choices in words."""
    specs = _table("conclusion_specifications.csv")
    summary = pd.read_csv(paths.REPORTS / "conclusions.csv", dtype=str,
                          keep_default_na=False).set_index("id")
    held = summary[(summary["as_printed"] == "holds") & (summary["all_choices"] != "holds")]
    failing = specs[specs["conclusion"].isin(held.index) & (specs["verdict"] != "holds")
                    & (specs["n_choice"] == "as printed")]
    counts = failing.groupby("conclusion").size()
    chosen = counts.idxmin()
    first = failing[failing["conclusion"] == chosen].iloc[0]
    words = choice_words(first["variant"], first["n_choice"], first["correction"],
                         first["family_size"])
    return (f"'{summary.loc[chosen, 'statement']}' holds as printed but not under "
            f"{counts[chosen]} other specification(s), for example "
            f"{words} "
            f"(p {_p_words(float(first['p_low']), float(first['p_high']))}). A reviewer writes "
            "that the conclusion depends on "
            "that analysis choice, asks the authors to justify the test and the correction, "
            "and to report the conclusion as sensitive to them rather than as established.")


def _causes(ns: list[int], scales: list[int]) -> str:
    """The explanations of an impossible mean that the GRIM searches leave standing."""
    causes = [f"a different n ({', '.join(map(str, ns))} would fit: missing answers, or "
              "another group's n)" if ns else "",
              f"answers in steps of 1/{', 1/'.join(map(str, scales))} (an average of items, "
              "or half points)" if scales else "", "a typo in the mean"]
    return "; ".join(c for c in causes if c)


def impossible_mean_explanations() -> str:
    """Notebook 06 (GRIM, Brown & Heathers 2017): the first impossible mean outside exercise
    10's, and which readings of the data would make it possible."""
    checks = _table("audit_granularity.csv")
    failing = checks[(checks["consistent"] == "False") & (checks["check"] == "GRIM")
                     & ~checks["id"].str.contains("confidence")]
    row = failing.iloc[0]
    n = int(row["n"])
    ns = consistent_ns(row["printed"], n - NEAR, n + NEAR)
    scales = consistent_scales(row["printed"], n)
    return (f"{_described(row['id'])} (n = {n}) is impossible for "
            f"whole-number answers. Within {NEAR} of n, GRIM leaves standing: "
            f"{_causes(ns, scales)}. "
            "A reviewer asks for the n behind the mean and the scale of the item before "
            "calling it an error.")
