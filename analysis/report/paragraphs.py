"""The paragraphs of notebooks 00-03 and 06 that state a finding: each decision they make (does
a statistic round to the printed one? can the words be literal? which policy explains the
printed p?) is computed here, returned beside the paragraph, and unit-tested.

A notebook shows the call and the decisions (``said.facts``, a visible cell), then says the
paragraph (``say(said.text)``, a hidden cell): the reader of the rendered notebook or the
book sees what decided each sentence, and a hidden cell only phrases. Notebook 04's
paragraphs are in :mod:`analysis.report.paragraphs_outcomes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.printed.compare import compare
from analysis.printed.rounding import parse_printed
from analysis.printed.significance import ALPHA
from analysis.report.prose import fmt, typeset

__all__ = [
    "Said",
    "age_t",
    "df_of_fig1",
    "fisher_evidence",
    "follow_up",
    "impossible_groups",
    "listed",
    "literal_reading",
    "p_not_following",
    "percent_slips",
    "pick",
    "policies_explained",
    "response_rates",
    "sample_sizes",
    "stand_in",
    "statcheck_misses",
    "table1_statistics",
    "unprinted_categories",
]

#: The significance level the papers test at.


@dataclass(frozen=True)
class Said:
    """A paragraph and the computed decisions behind it (shown beside it in the notebook)."""

    text: str
    facts: dict = field(default_factory=dict)

    def table(self) -> pd.Series:
        """The decisions as a one-column table, for the notebook's visible cell."""
        return pd.Series(self.facts, name="value", dtype=object)


def pick(flag: bool, yes: str, no: str) -> str:
    """The words for a computed predicate."""
    return yes if flag else no


def listed(items: list[str], empty: str = "none") -> str:
    """``a``, ``a and b``, ``a, b and c``; ``empty`` for none."""
    items = [str(i) for i in items]
    if not items:
        return empty
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _rounds(number: float, text: str) -> bool:
    """Whether ``number`` rounds to the printed ``text`` (shown with a printed minus sign);
    a number not computable on the data (NaN) does not."""
    return bool(np.isfinite(number)) and compare(number, text)


# --- notebook 00 ---------------------------------------------------------------------------


def fisher_evidence(evidence: pd.DataFrame, odd: list) -> Said:
    """Notebook 00: in how many of the findings the printed p is Fisher's exact p beside a
    Pearson statistic (``odd``: the findings that do not point to Fisher's)."""
    cases = int(evidence["finding"].nunique())
    share = pick(not odd, f"all {cases}", f"{cases - len(odd)} of the {cases}")
    text = (f"**Reading the evidence.** In {share} cases the printed statistic is the Pearson χ² "
            "and the printed p is the two-sided Fisher exact p of the same table. SPSS prints "
            "both in one *Chi-Square Tests* box (fan2018 names SPSS as its software; fan2019 "
            "names none, so for it this is an assumption); the papers quote the statistic "
            "from one line and the p from another. Because Fisher's test is the appropriate one "
            "for tables with small expected counts (" + "; ".join(evidence["table"].unique())
            + "), whether a conclusion at the usual significance level changes is read off the "
            "table above (both p of each pair are shown).")
    return Said(text, {"findings": cases, "not pointing to Fisher": len(odd)})


def percent_slips(percents: pd.DataFrame) -> Said:
    """Notebook 00: each printed percentage that does not round from its count and n."""
    slips = percents.loc[~percents["consistency"]]
    sentences = [f"The percentage that fails ({s.count} of {s.n}, printed as {s.printed}%) is a "
                 f"rounding slip: {s.count} / {s.n} is "
                 f"{fmt(100 * float(s.count) / float(s.n), 2)}%, which rounds to {s.computed}%, "
                 "not to the printed value." for s in slips.itertuples()]
    return Said("\n\n".join(sentences), {"percentages that fail": len(slips)})


# --- notebook 01 ---------------------------------------------------------------------------


def sample_sizes(n_of: dict[str, int]) -> Said:
    """Notebook 01: the two papers' samples, before the overlap check."""
    text = (f"The 2018 paper describes {n_of['peers18']} peers and {n_of['consumers18']} "
            f"consumers; the 2019 paper describes {n_of['peers19']} providers and "
            f"{n_of['consumers19']} consumers. Is the 2019 sample the 2018 sample plus "
            "newcomers? Merge the 2018 categories into the 2019 ones and subtract. For the 2018 "
            "people to be a subset, every difference would have to be zero or positive.")
    return Said(text, dict(n_of))


def table1_statistics(printed1: dict[str, str], tests1: pd.DataFrame) -> Said:
    """Notebook 01: whether fan2018 Table 1's printed statistics are the Pearson values of
    the printed table (``printed1``: role -> printed statistic)."""
    exact = {role: _rounds(tests1.loc[role, "pearson"], text) for role, text in printed1.items()}
    text = ("Most cells of each table have an expected count below five (`cells_expected_lt5`, "
            "`min_expected`), so the χ² approximation is poor. The printed statistics ("
            + " and ".join(printed1.values()) + ") are "
            + pick(all(exact.values()), "nonetheless exactly the Pearson values of the printed "
                   "table.", "not all the Pearson values of this table."))
    return Said(text, {f"{role}: Pearson's statistic rounds to the printed": ok
                       for role, ok in exact.items()})


def age_t(registry: pd.DataFrame) -> Said:
    """Notebook 01: whether fan2018 Table 2's age t can be reproduced with whole-year ages,
    from the proof over every feasible dataset (:func:`analysis.stages.enrolment.age_t_proof`)
    and the range over real-valued means and SDs (:func:`analysis.report.facts_proved.t_box`)."""
    from analysis.report.facts_context import Context
    from analysis.report.facts_proved import t_box
    from analysis.stages.enrolment import AGE_TEST, age_t_proof

    proof, ctx = age_t_proof(registry), Context(registry, pd.DataFrame())
    ranges = {name: (low, high) for name, low, high in (proof.ranges if proof else ())}
    shown = typeset(registry, f"{AGE_TEST}.statistic")
    summary = {g: f"{typeset(registry, ctx.input_id(AGE_TEST, g, 'mean'))} ± "
                  f"{typeset(registry, ctx.input_id(AGE_TEST, g, 'sd'))}"
               for g in ("peers", "consumers")}
    low, high = t_box(ctx, AGE_TEST)
    impossible = proof is not None and proof.verdict == "mismatch"
    pooled = ranges.get("pooled t", (float("nan"), float("nan")))
    text = (f"**The age t test {pick(impossible, 'cannot', 'can')} be reproduced exactly with "
            f"whole-year ages.** Across all integer samples consistent with {summary['peers']} "
            f"(peers) and {summary['consumers']} (consumers), the pooled t lies between "
            f"{fmt(pooled[0], 4)} and {fmt(pooled[1], 4)}, and Welch's t elsewhere still; "
            + pick(impossible, f"none of them rounds to the printed {shown} (a proof by complete "
                   "enumeration). ", "some round to the printed value. ")
            + "The reconstruction uses the sample closest to it. Ages recorded with decimals "
            f"(from birth dates, say) give a pooled t from {fmt(low, 3)} to {fmt(high, 3)}, "
            + pick(low <= float(parse_printed(shown).value) <= high, "which holds the printed "
                   "value, so the gap is most likely a matter of how age was recorded or "
                   "rounded.", "which does not hold the printed value either.")
            + " Whether the conclusion that peers were younger survives the other defensible "
            "analyses is notebook 05's question.")
    return Said(text, {"proved impossible with whole years": impossible,
                       "pooled t over integer ages": f"{pooled[0]:.4f} to {pooled[1]:.4f}",
                       "pooled t over real-valued summaries": f"{low:.3f} to {high:.3f}"})


def follow_up(follow: dict[str, tuple[int, int]], on_leave: int) -> Said:
    """Notebook 01: the printed follow-up counts (group -> completed, recruited)."""
    parts = [f"{done} of {of} {group.replace('_', ' ').replace('peers', 'providers')}"
             for group, (done, of) in follow.items()]
    text = ("Printed: " + "; ".join(parts) + f" completed follow-up ({on_leave} later "
            f"provider{pick(on_leave == 1, '', 's')} on temporary leave). The paper compares "
            "initial with later communities by χ² test.")
    return Said(text, {"on temporary leave": on_leave})


def response_rates(rates: pd.DataFrame, said: dict[str, tuple[str, str]]) -> Said:
    """Notebook 01: whether the printed completion tests are Pearson statistics beside
    Fisher's p (``said``: role -> printed statistic and p), and whether both tests agree that
    completion did not differ."""
    by_role = rates.drop_duplicates("role").set_index("role")
    pearson = all(_rounds(by_role.loc[r, "statistic"], s) for r, (s, _p) in said.items())
    fisher = all(_rounds(by_role.loc[r, "p_fisher"], p) for r, (_s, p) in said.items())
    agree = bool((by_role["p"] >= ALPHA).all() and (by_role["p_fisher"] >= ALPHA).all())
    text = (f"The printed statistics ({', '.join(s for s, _ in said.values())}) "
            + pick(pearson, "are", "are not all") + " the Pearson χ² values, "
            + pick(fisher, "but", "and") + f" the printed p-values "
            f"({', '.join(p for _, p in said.values())}) " + pick(fisher, "are", "are not all")
            + " Fisher's exact p-values (the finding of notebook 00). "
            + pick(agree, "Both agree that completion did not differ between the waves.",
                   "Pearson and Fisher do not agree on whether completion differed between the "
                   "waves."))
    return Said(text, {"statistics are Pearson's": pearson, "p are Fisher's": fisher,
                       f"both p at or above {ALPHA:g}": agree})


def policies_explained(policies: pd.DataFrame) -> Said:
    """Notebook 01: which rule for reporting Fisher's exact p makes every printed p match."""
    explains = policies.loc[policies["only another test"] == 0, "exact_p"].tolist()
    spss = "small_expected_2x2" in explains
    text = (f"Of the policies tried, {listed([f'`{e}`' for e in explains])} makes every printed "
            "p match. " + pick(spss, "Under `small_expected_2x2` (Fisher's exact p for 2 × 2 "
                               "tables with an expected count below five, Pearson otherwise), "
                               "that is exactly when SPSS's Crosstabs computes Fisher's test "
                               "(its documentation).", ""))
    return Said(text, {"policies that explain every printed p": listed(explains)})


# --- notebooks 02 and 03 -------------------------------------------------------------------


def literal_reading(needed: int, total: int, literal: pd.DataFrame, used: float) -> Said:
    """Notebook 02: whether "once or twice each week" can be literal with the printed total,
    which rules admit no whole number of sessions at face value, and the reading used."""
    literal_fails = needed > total
    contradictory = literal.index[literal["maximum"] < literal["minimum"]].tolist()
    text = (f"So “once or twice each week” {pick(literal_fails, 'cannot', 'could')} be literal: "
            f"with {total} sessions, "
            + pick(literal_fails, "the first two communities met on average less than once a "
                   "week in some of 2015–2016. ", "")
            + pick(bool(contradictory), "Read at face value, these rules admit no number of "
                   f"sessions at all: {', '.join(contradictory)} (a whole number of sessions "
                   "cannot fill the weeks at exactly the stated interval, hence `maximum` < "
                   "`minimum`). ", "")
            + f"The reconstruction uses the reading with tolerance {used:g}.")
    return Said(text, {"sessions the literal reading needs": needed, "printed total": total,
                       "literal reading impossible": literal_fails,
                       "rules admitting no whole number": listed(contradictory)})


def stand_in(used: bool, draws: int) -> Said:
    """Notebook 02: a paragraph only when the sampler found no table and the solver's table
    stands in."""
    text = pick(used, f"**The sampler found no table with the printed chi-square in {draws:,} "
                "draws** (too few for this reading). A table the solver verified stands in as "
                "the only witness, so the sampled ranges below are that one table; the exact "
                "ranges do not depend on the sampler.", "")
    return Said(text, {"the solver's table stands in": used})


def df_of_fig1(printed_df: str, printed_statistic: str, shape: tuple[int, int]) -> Said:
    """Notebook 02: whether the printed χ²'s df is that of Pearson's test on the full
    community x period table (the structural zeros counted as observed zeros)."""
    rows, columns = shape
    full = (rows - 1) * (columns - 1)
    same = int(printed_df) == full
    text = (f"The printed χ²({printed_df}) = {printed_statistic} "
            + pick(same, "has", "does not have") + " the degrees of freedom of Pearson's test "
            f"on the full {rows} × {columns} table"
            + pick(same, f", the structural zeros counted as observed zeros: ({rows} − 1)"
                   f"({columns} − 1) = {full}.", f" (({rows} − 1)({columns} − 1) = {full})."))
    return Said(text, {"df of the full table": full, "printed df is that df": same})


def unprinted_categories(possible: pd.DataFrame) -> Said:
    """Notebook 03: the range every content category the text does not print could hold."""
    unprinted = possible[possible["printed"].fillna("").astype(str) == ""]
    text = (f"Each unprinted category could hold anything from {unprinted['min_count'].min()} "
            f"to {unprinted['max_count'].max()} sessions, "
            f"{fmt(unprinted['min_percent'].min(), 1)}% to "
            f"{fmt(unprinted['max_percent'].max(), 1)}% of them: the text says almost nothing "
            "about them.")
    return Said(text, {"unprinted categories": len(unprinted)})


# --- notebook 06 ---------------------------------------------------------------------------


def statcheck_misses(tests: pd.DataFrame) -> Said:
    """Notebook 06: the printed tests statcheck's rules miss (t without df; a p broken across
    a line)."""
    without_df = tests[tests["df"] == ""]
    by_paper = "; ".join(f"{paper}: " + ", ".join(group["text"])
                         for paper, group in without_df.groupby("paper"))
    text = ("statcheck's rules (as implemented in `analysis/checks/statcheck.py`) find most of "
            "these once the 2019 text's thin spaces are normalised; the count is printed "
            "above. They miss two kinds:\n- the t tests printed without degrees of freedom ("
            + by_paper + "), whose df the audit infers from the group sizes in the text;\n"
            f"- the first test of the 2018 Abstract, {tests.iloc[0]['text']}, whose p is broken "
            "across a line.")
    return Said(text, {"tests printed without df": len(without_df)})


def p_not_following(flagged: pd.DataFrame) -> Said:
    """Notebook 06: the printed p that do not follow from their statistics: how many are
    Fisher's p beside a Pearson statistic, and how many change a decision."""
    fisher = flagged["explanation"].str.startswith("the printed p is the fisher p")
    changed = int(flagged["decision_inconsistent"].sum())
    each = pick(bool(fisher.all()), "Each", f"{int(fisher.sum())} of them")
    text = (f"{len(flagged)} printed p-values do not follow from their statistics. "
            + pick(bool(fisher.any()), f"{each} is the two-sided **Fisher exact** p of the "
                   "printed counts, printed beside a Pearson χ² (SPSS prints both for a 2 × 2 "
                   "table; fan2019 names no software). ", "")
            + pick(changed == 0, "None changes", f"{changed} change")
            + " a conclusion at the usual significance level.")
    return Said(text, {"p not following": len(flagged), "Fisher's p": int(fisher.sum()),
                       "decisions changed": changed})


def impossible_groups(checks: pd.DataFrame) -> Said:
    """Notebook 06: the printed values GRIM, GRIMMER or a count cannot give, in groups."""
    impossible = checks[~checks["consistent"]]
    confidence = impossible["id"].str.contains("confidence")
    percent = impossible["check"] == "percent"
    ratings = ~confidence & ~percent
    lines = ["The impossible values fall into these groups:"]
    if ratings.any():
        lines.append(f"- {int(ratings.sum())} values of the consumer ratings of 2019 Table 4 and "
                     "the text quoting them, possible with fewer respondents than the "
                     f"{impossible.loc[ratings, 'n'].iloc[0]} printed (notebook 04 finds the "
                     "only n that fits every item);")
    if confidence.any():
        lines.append(f"- {int(confidence.sum())} values of the providers' confidence score, "
                     "possible with half-point answers (notebook 04);")
    lines += [f"- the percentage {row.printed}% of {row.n}, which no count gives;"
              for row in impossible[percent].itertuples()]
    return Said("\n".join(lines), {"ratings": int(ratings.sum()),
                                   "confidence": int(confidence.sum()),
                                   "percentages": int(percent.sum())})
