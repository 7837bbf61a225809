"""The papers' conclusions, tested against every defensible analysis choice and every dataset
consistent with the printed numbers (a multiverse analysis: Steegen et al. 2016; shown as a
specification curve: Simonsohn, Simmons & Nelson 2020).

``data/published/conclusions.csv`` lists each conclusion with the tests it rests on and its
rule (``p < alpha``: a difference is claimed; ``p >= alpha``: none is). A *specification*
is a test variant, a choice of n, and a multiple-testing correction over a family of tests.
The variants and choices of n of each test are those the rules of
:mod:`analysis.evidence.rules` admit (the paper's own test, and the analyses of every rule
whose condition holds); the corrections are none (at the paper's alpha) and Bonferroni,
Holm or Benjamini-Hochberg at 0.05 over each family the conclusion's ``family`` column lists
(one id per reading of the paper's words, ``test_families.csv``; sizes are counted, not
typed). Each test's p under
each specification is a number (printed inputs) or an exact range over the consistent
datasets (:mod:`analysis.evidence.choices`); a correction maps ranges to ranges, because
adjusted p-values never decrease when any raw p increases (Holm and Benjamini-Hochberg as
closed or step-up procedures), so the ends of the other tests' ranges bracket it.

:func:`specifications` gives every (conclusion, specification) with its verdict;
:func:`summarise` one row per conclusion: ``as_printed`` (the printed p), ``all_choices``
(every specification), ``over_data`` (the paper's own specification over every consistent
dataset, where the inputs are not printed), each ``holds``, ``fails``, ``mixed``,
``not_applicable``, or ``unresolved`` (a range we could not compute); ``estimated`` names the
tests whose p under some specification is a Monte Carlo estimate, judged over its exact
confidence interval rather than proven.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.evidence.rules import FAMILY_RULE
from analysis.evidence.words import choice_words
from analysis.methods.pvalues import adjusted
from analysis.printed.compare import compare
from analysis.printed.rounding import parse_printed
from analysis.printed.significance import ALPHA

__all__ = ["CORRECTIONS", "SPEC_COLUMNS", "SUMMARY_COLUMNS", "primary_choices",
           "specifications", "summarise"]

CORRECTIONS = ("none", "bonferroni", "holm", "bh")
SPEC_COLUMNS = ["conclusion", "paper", "test", "variant", "n_choice", "correction", "family",
                "family_size", "p_low", "p_high", "basis", "verdict", "paper_choice", "rules"]


def _printed_p(registry: pd.DataFrame, test: str) -> float | None:
    printed = dict(zip(registry["id"], registry["printed"], strict=True))
    text = printed.get(f"{test}.p")
    return None if text is None else float(parse_printed(text).value)


def primary_choices(choices: pd.DataFrame, registry: pd.DataFrame) -> pd.DataFrame:
    """The paper's own specification of each test: among the variants and n whose p rounds
    to the printed p (a bound such as ``<0.001`` included), the nearest to it on a log
    scale, else the nearest of all; without a printed p, the first of Pearson and pooled t
    that the test has, else its first row."""
    printed_texts = dict(zip(registry["id"], registry["printed"], strict=True))
    rows = []
    for test, group in choices.groupby("test", sort=False):
        printed = _printed_p(registry, test)
        middle = np.sqrt(group["p_low"].clip(1e-300) * group["p_high"].clip(1e-300))
        if printed is not None:
            distance = (np.log(middle) - math.log(printed)).abs()
            agrees = [compare(p, printed_texts[f"{test}.p"]) for p in middle]
            pick = distance.where(agrees, distance + 1e6).idxmin()
        else:
            usual = group[group["variant"].isin(["pearson", "pooled_t"])]
            pick = (usual if not usual.empty else group).index[0]
        rows.append(group.loc[pick])
    return pd.DataFrame(rows).reset_index(drop=True)


def _adjust(ends: np.ndarray, method: str) -> np.ndarray:
    return adjusted(np.clip(ends, 0.0, 1.0), method)


def _corrected(row: pd.Series, members: list[str], paper: dict, method: str
               ) -> tuple[float, float]:
    """The adjusted range of ``row``'s p in a family whose other members stand at the
    paper's specification (their range; [0, 1] if not in ``paper``)."""
    if method == "none" or len(members) <= 1:
        return row["p_low"], row["p_high"]
    others = [m for m in members if m != row["test"]]
    lows = [paper.get(m, (0.0, 1.0))[0] for m in others]
    highs = [paper.get(m, (0.0, 1.0))[1] for m in others]
    low = _adjust(np.array([row["p_low"], *lows]), method)[0]
    high = _adjust(np.array([row["p_high"], *highs]), method)[0]
    return float(low), float(high)


def _verdict(rule: str, alpha: float, low: float, high: float) -> str:
    if rule == "p < alpha":
        return "holds" if high < alpha else "fails" if low >= alpha else "mixed"
    return "holds" if low >= alpha else "fails" if high < alpha else "mixed"


def _test_specs(conclusion: pd.Series, test: str, choices: pd.DataFrame,
                readings: dict[str, list[str]], paper: dict, primary: pd.DataFrame,
                alpha: float) -> list[dict]:
    """``test`` under each of its choices, uncorrected and corrected over each family
    reading (a test outside a reading's family is its own family of one under it)."""
    rows = []
    mine = choices[choices["test"] == test]
    own = primary[primary["test"] == test].iloc[0]
    plans = [("none", "", [test])] + [(method, family, members if test in members else [test])
                                      for family, members in readings.items()
                                      for method in CORRECTIONS[1:]]
    for _, row in mine.iterrows():
        for method, family, members in plans:
            low, high = _corrected(row, members, paper, method)
            threshold = float(conclusion["alpha"]) if method == "none" else alpha
            rows.append({
                "conclusion": conclusion["id"], "paper": conclusion["paper"], "test": test,
                "variant": row["variant"], "n_choice": row["n_choice"], "correction": method,
                "family": family, "family_size": len(members), "p_low": low, "p_high": high,
                "basis": row["basis"],
                "verdict": _verdict(conclusion["rule"], threshold, low, high),
                "paper_choice": method == "none" and row["variant"] == own["variant"]
                and row["n_choice"] == own["n_choice"], "rules": row["rules"]})
    return rows


def specifications(conclusions: pd.DataFrame, choices: pd.DataFrame, families: pd.DataFrame,
                   registry: pd.DataFrame, alpha: float = ALPHA) -> pd.DataFrame:
    """Every tested conclusion under every specification of every test it rests on: the
    columns of :data:`SPEC_COLUMNS` (``descriptive`` conclusions have no test). Uncorrected
    p are compared with the conclusion's own alpha, corrected ones with ``alpha``."""
    primary = primary_choices(choices, registry)
    paper = {r.test: (r.p_low, r.p_high) for r in primary.itertuples(index=False)}
    members = families.groupby("family", sort=False)["test"].apply(list).to_dict()
    rows = []
    for _, conclusion in conclusions[conclusions["rule"] != "descriptive"].iterrows():
        readings = {f: members.get(f, []) for f in conclusion["family"].split()}
        for test in conclusion["tests"].split():
            if test not in paper:
                raise KeyError(f"conclusion {conclusion['id']}: test {test!r} has no inputs "
                               "in test_inputs.csv")
            rows += _test_specs(conclusion, test, choices, readings, paper, primary, alpha)
    return pd.DataFrame(rows, columns=SPEC_COLUMNS)


SUMMARY_COLUMNS = ["id", "paper", "statement", "rests_on", "rule", "alpha", "family",
                   "family_size", "as_printed", "all_choices", "over_data", "p_min", "p_max",
                   "worst", "breaks", "rules", "note", "estimated"]
UNKNOWN = "not computed"


def _pick(records: list[dict], variant: str, n_choice: str) -> dict:
    """A test's row for a joint specification: the same variant and n if it has them, else
    the same variant, else its own (the paper's) variant."""
    for wanted in (lambda r: r["variant"] == variant and r["n_choice"] == n_choice,
                   lambda r: r["variant"] == variant, lambda r: r["own"]):
        for record in records:
            if wanted(record):
                return record
    return records[0]


def _joint_row(parts: list[dict], rule: str) -> dict:
    """The combined p range, verdict and flags of one joint specification's test rows."""
    unknown = [r["basis"].startswith(UNKNOWN) for r in parts]
    sampled = [r["basis"].startswith("sampled") for r in parts]
    known = [r for r, u in zip(parts, unknown, strict=True) if not u]
    pick = np.max if rule == "p < alpha" else np.min
    return {"family_size": int(max(r["family_size"] for r in parts)),
            "p_low": float(pick(np.array([r["p_low"] for r in known]))) if known else np.nan,
            "p_high": float(pick(np.array([r["p_high"] for r in known]))) if known else np.nan,
            "verdict": _combined({r["verdict"] for r in known}),
            "paper_choice": all(bool(r["paper_choice"]) for r in parts),
            "sampled": any(sampled), "unknown": any(unknown) or any(sampled)}


def _joint(specs: pd.DataFrame, rule: str, alpha: float) -> pd.DataFrame:
    """One row per joint specification (family reading x correction x variant x n) of a
    conclusion resting on several tests: each test at that specification, combined by the
    rule (a difference must hold in every test; so must its absence). ``threshold`` is the
    alpha its p is compared with (the conclusion's own without a correction)."""
    own = specs[specs["paper_choice"]].set_index("test")[["variant", "n_choice"]]
    specs = specs.assign(own=[own.loc[t, "variant"] == v and own.loc[t, "n_choice"] == n
                              for t, v, n in zip(specs["test"], specs["variant"],
                                                 specs["n_choice"], strict=True)])
    grouped: dict[tuple, list[dict]] = {}
    for record in specs.to_dict("records"):  # each test's rows by correction and family, once
        grouped.setdefault((record["test"], record["correction"], record["family"]),
                           []).append(record)
    tests = list(dict.fromkeys(specs["test"]))
    computed = specs[~specs["basis"].str.startswith(UNKNOWN)]
    keys = (computed if not computed.empty else specs)[
        ["family", "correction", "variant", "n_choice"]].drop_duplicates()
    rows = []
    for key in keys.itertuples(index=False):
        parts = [_pick(grouped[(test, key.correction, key.family)], key.variant, key.n_choice)
                 for test in tests]
        rows.append({**key._asdict(), "threshold": alpha if key.correction != "none" else np.nan,
                     **_joint_row(parts, rule)})
    return pd.DataFrame(rows)[[*keys.columns, "family_size", "threshold", "p_low", "p_high",
                               "verdict", "paper_choice", "sampled", "unknown"]]


def _combined(verdicts: set[str]) -> str:
    """Every test must meet the rule: one failing test fails the conclusion."""
    if not verdicts:
        return "holds"
    return "fails" if "fails" in verdicts else "mixed" if "mixed" in verdicts else "holds"


def _over(verdicts: pd.Series, unknown: pd.Series) -> str:
    """Holds, fails or mixed over a set of specifications, each judged on the tests whose
    p we know (a failing test fails the conclusion whatever the others do);
    ``unresolved`` when the known tests hold everywhere but some test could not be
    computed, or is known only from a sample (a sample can show that a verdict occurs,
    never that it holds everywhere)."""
    found = set(verdicts)
    if found == {"fails"}:
        return "fails"
    if found & {"fails", "mixed"}:
        return "mixed"
    return "unresolved" if unknown.any() else "holds"


def _as_printed(conclusion: pd.Series, printed: dict) -> str:
    ps = [i for i in conclusion["rests_on"].split() if i.endswith(".p") and i in printed]
    if not ps:
        return "not_applicable"
    alpha = float(conclusion["alpha"])
    verdicts = set()
    for row_id in ps:
        parsed = parse_printed(printed[row_id])
        value = float(parsed.value)
        low, high = (0.0, value) if parsed.bound == "<" else (value, 1.0) \
            if parsed.bound == ">" else (value, value)
        verdicts.add(_verdict(conclusion["rule"], alpha, low, high - 1e-15 * (
            parsed.bound == "<")))
    return verdicts.pop() if len(verdicts) == 1 else "mixed"


def _p_words(low: float, high: float, verdict: str, sampled: bool = False) -> str:
    """A p or its range in words; a range from a sample of the datasets says so (it is not
    a bound)."""
    if high <= low:
        return f"p {low:.3g}"
    where = ("across a sample of the consistent datasets (not a bound)" if sampled
             else "across the consistent datasets")
    return f"p from {low:.3g} to {high:.3g}" + ("" if verdict == "fails" and not sampled
                                                else f" {where}")


def _broken(joint: pd.DataFrame, rule: str, alpha: float) -> pd.DataFrame:
    """The joint specifications that break the conclusion, worst first: by how far the p
    lies from the threshold (a ratio, on the side that breaks the rule)."""
    broken = joint[joint["verdict"] != "holds"].copy()
    broken["threshold"] = broken["threshold"].fillna(alpha)
    broken["margin"] = (broken["p_high"] / broken["threshold"] if rule == "p < alpha"
                        else broken["threshold"] / broken["p_low"].clip(lower=1e-300))
    return broken.sort_values("margin", ascending=False, kind="stable")


def _spec_words(r) -> str:
    return (f"{choice_words(r.variant, r.n_choice, r.correction, r.family_size)}: "
            f"{_p_words(r.p_low, r.p_high, r.verdict, r.sampled)} against {r.threshold:.3g}")


def _summary_row(conclusion: pd.Series, specs: pd.DataFrame, printed: dict,
                 alpha: float) -> dict:
    row = {c: conclusion[c] for c in ("id", "paper", "statement", "rests_on", "rule", "alpha",
                                      "family", "note")}
    row["as_printed"] = _as_printed(conclusion, printed)
    if conclusion["rule"] == "descriptive" or specs.empty:
        return {**row, "family_size": "", "all_choices": "not_applicable",
                "over_data": "not_applicable", "p_min": "", "p_max": "", "worst": "",
                "breaks": "", "rules": "", "estimated": ""}
    joint = _joint(specs, conclusion["rule"], alpha)
    printed_inputs = specs["basis"].str.startswith("printed inputs").all()
    own = joint[joint["paper_choice"]]
    known = joint.dropna(subset=["p_low"])
    broken = _broken(joint, conclusion["rule"], float(conclusion["alpha"]))
    fired = {r for text in specs["rules"] for r in text.split() if r != "paper"}
    if (specs["family_size"] > 1).any():
        fired.add(FAMILY_RULE.id)
    return {**row, "family_size": int(specs["family_size"].max()),
            "all_choices": _over(joint["verdict"], joint["unknown"]),
            "over_data": "not_applicable" if printed_inputs else
            _over(own["verdict"], own["unknown"]),
            "p_min": float(known["p_low"].min()) if not known.empty else "",
            "p_max": float(known["p_high"].max()) if not known.empty else "",
            "worst": _spec_words(broken.iloc[0]) if not broken.empty else "",
            "breaks": "; ".join(_spec_words(r) for r in broken.itertuples(index=False)),
            "rules": " ".join(sorted(fired)),
            "estimated": " ".join(sorted(set(specs.loc[specs["basis"].str.contains(
                "Monte Carlo"), "test"])))}


def summarise(conclusions: pd.DataFrame, specs: pd.DataFrame,
              registry: pd.DataFrame, alpha: float = ALPHA) -> pd.DataFrame:
    """One row per conclusion: the columns of :data:`SUMMARY_COLUMNS`; ``worst`` names in
    words the specification that breaks it by the most, ``breaks`` every one, ``rules`` the
    rules that fired for its tests."""
    printed = dict(zip(registry["id"], registry["printed"], strict=True))
    rows = [_summary_row(c, specs[specs["conclusion"] == c["id"]], printed, alpha)
            for _, c in conclusions.iterrows()]
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
