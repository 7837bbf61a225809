"""The computed facts behind every problem and note (:mod:`analysis.report.templates`).

Each problem of ``data/published/problems.csv`` has a function here that computes, from the
printed numbers (and, where a proof needs them, the functions or tables that prove it), the
facts its templates state: :data:`PROBLEM_FACTS` at the level of the problem, :data:`ROW_FACTS`
for one of its rows. Every value is computed; a template only names it and asserts what it
says about it. A fact carries its kind of evidence (the papers' words, recomputed from
printed numbers, proved over every consistent dataset, assumed, by construction).
:func:`facts_table` lists every fact a problem uses, for ``reports/tables/problem_facts.csv``
and for the second derivation of the letter in the tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.checks.granularity import RATING_N_WINDOW, confidence_facts, consumer_rating_n
from analysis.evidence.tests import twins, variants
from analysis.io import paths
from analysis.io.annotations import load_readings, load_test_inputs
from analysis.io.files import read_csv_strict
from analysis.io.participants import outside_inclusion
from analysis.methods.granularity import grim, grimmer
from analysis.printed.compare import compare
from analysis.printed.judge import double_rounded
from analysis.printed.rounding import format_half_away, parse_printed, round_half_away
from analysis.report.templates import Fact

__all__ = ["PROBLEM_FACTS", "ROW_FACTS", "Context", "facts_table", "row_base"]

#: The significance level the papers test at.
ALPHA = 0.05


@dataclass
class Context:
    """What the facts are computed from: the registry, the report's rows and the tables the
    notebooks wrote."""

    registry: pd.DataFrame
    report: pd.DataFrame
    tables: Path = field(default_factory=lambda: paths.TABLES)

    @cached_property
    def printed(self) -> dict[str, str]:
        return dict(zip(self.registry["id"], self.registry["printed"], strict=True))

    @cached_property
    def variants(self) -> pd.DataFrame:
        return variants(self.registry)

    @cached_property
    def test_of(self) -> dict[str, str]:
        """Registry stem -> the test (``test_inputs.csv``) it prints."""
        tests = sorted(set(load_test_inputs()["test"]))
        return {stem: test for test, stems in twins(self.registry, tests).items()
                for stem in stems}

    def number(self, row_id: str) -> float:
        return float(parse_printed(self.printed[row_id]).value)

    def variant(self, test: str, variant: str, n_choice: str = "as printed") -> pd.Series:
        chosen = self.variants[(self.variants["test"] == test)
                               & (self.variants["variant"] == variant)
                               & (self.variants["n_choice"] == n_choice)]
        if chosen.empty:
            raise KeyError(f"{test}: no variant {variant!r} ({n_choice})")
        return chosen.iloc[0]


def printed(ctx: Context, row_id: str) -> Fact:
    """A printed number as a fact: shown as printed, a number printed as a word in digits."""
    parsed = parse_printed(ctx.printed[row_id])
    shown = str(int(parsed.value)) if parsed.word else ctx.printed[row_id]
    return Fact(ctx.number(row_id), "published", f"printed ({row_id})", shown)


def how_many(count: int, how: str, kind: str = "published") -> Fact:
    """A count for a sentence: "none" for zero."""
    return Fact(int(count), kind, how, "none" if count == 0 else str(int(count)))


def value(number: float, decimals: int, how: str, kind: str = "published") -> Fact:
    """A computed number shown at ``decimals`` (SPSS's rounding, half away from zero)."""
    return Fact(float(number), kind, how, format_half_away(number, decimals))


def p_value(number: float, how: str, kind: str = "published") -> Fact:
    """A computed p, shown at three decimals (or two significant digits below 0.001)."""
    shown = format_half_away(number, 3) if number >= 0.001 else f"{number:.1e}"
    return Fact(float(number), kind, how, shown)


def flag(truth: bool, how: str, kind: str = "published") -> Fact:
    """A computed predicate, for an assertion."""
    return Fact(bool(truth), kind, how)


def row_base(row: pd.Series) -> dict[str, Fact]:
    """The facts of any row: its printed value, status and evidence, and what it counts."""
    return {"status": Fact(row["status"], "published", "the status computed for the row"),
            "evidence": Fact(row["evidence"], "published", "the row's evidence level"),
            "printed": Fact(row["printed"], "words", f"printed ({row['id']})"),
            "quantity": Fact(row["id"].rsplit(".", 1)[-1], "words", "what the row prints")}


def sides(ps: list[float]) -> str:
    """Where two or more p lie against 0.05, in words."""
    below = [p < ALPHA for p in ps]
    if all(below):
        return f"both are below {ALPHA:g}"
    if not any(below):
        return f"neither is below {ALPHA:g}, so no decision changes"
    return f"they lie on opposite sides of {ALPHA:g}"


# --- Fisher's p beside a Pearson statistic ---------------------------------------------------


def fisher_row(ctx: Context, row: pd.Series) -> dict[str, Fact]:
    """One test whose printed p may be Fisher's: both p of the printed counts."""
    stem = row["id"].rsplit(".", 1)[0]
    test = ctx.test_of[stem]
    pearson, fisher = ctx.variant(test, "pearson"), ctx.variant(test, "fisher")
    text_p, text_stat = ctx.printed[f"{stem}.p"], ctx.printed[f"{stem}.statistic"]
    return {"pearson_stat": value(pearson["statistic"], parse_printed(text_stat).decimals,
                                  "Pearson chi-square of the printed counts"),
            "printed_stat": printed(ctx, f"{stem}.statistic"),
            "pearson_p": p_value(pearson["p"], "Pearson p of the printed counts"),
            "fisher_p": p_value(fisher["p"], "two-sided Fisher exact p of the printed counts"),
            "printed_p": printed(ctx, f"{stem}.p"),
            "fisher_rounds": flag(compare(fisher["p"], text_p), "Fisher's p rounds to it"),
            "pearson_rounds": flag(compare(pearson["p"], text_p), "Pearson's p rounds to it"),
            "stat_rounds": flag(compare(pearson["statistic"], text_stat),
                                "Pearson's statistic rounds to the printed one"),
            "side": Fact(sides([pearson["p"], fisher["p"]]), "published", "both p against "
                         "0.05")}


def fisher_problem(ctx: Context, rows: pd.DataFrame) -> dict[str, Fact]:
    per_row = [fisher_row(ctx, r) for _, r in rows.iterrows()]
    return {"tests": Fact(len(per_row), "published", "rows of the problem"),
            "all_fisher": flag(all(f["fisher_rounds"].value for f in per_row),
                               "every printed p rounds from Fisher's"),
            "no_pearson": flag(not any(f["pearson_rounds"].value for f in per_row),
                               "no printed p rounds from Pearson's"),
            "all_stat_pearson": flag(all(f["stat_rounds"].value for f in per_row),
                                     "every printed statistic is Pearson's"),
            "decisions": how_many(sum(f["side"].value.startswith("they") for f in per_row),
                                  "tests where the two p straddle 0.05")}


# --- SPSS's display rounded again -------------------------------------------------------------


def double_rounding(ctx: Context, rows: pd.DataFrame) -> dict[str, Fact]:
    stem = rows["id"].iloc[0].rsplit(".", 1)[0]
    pearson = ctx.variant(ctx.test_of[stem], "pearson")
    text = ctx.printed[f"{stem}.statistic"]
    places = parse_printed(text).decimals
    display = double_rounded(pearson["statistic"])
    again = round_half_away(display, places)
    return {"stat": value(pearson["statistic"], places + 2, "Pearson chi-square of the "
                          "printed counts"),
            "single": value(pearson["statistic"], places, "rounded once"),
            "display": Fact(float(display), "assumed", "a three-decimal display (SPSS's "
                            "output tables; the paper names SPSS 19, not its display)",
                            str(display)),
            "again": Fact(float(again), "published", "the display rounded again", str(again)),
            "printed_stat": printed(ctx, f"{stem}.statistic"),
            "printed_p": printed(ctx, f"{stem}.p"),
            "pearson_p": p_value(pearson["p"], "Pearson p of the printed counts"),
            "single_rounds": flag(compare(pearson["statistic"], text), "rounded once"),
            "again_rounds": flag(compare(display, text), "rounded twice"),
            "p_rounds": flag(compare(pearson["p"], ctx.printed[f"{stem}.p"]), "its p")}


# --- yes/no items tested on those assessed ----------------------------------------------------


def assessed_counts(ctx: Context) -> dict[str, Fact]:
    base = "fan2018.results"
    everyone = ctx.number(f"{base}.satisfaction_pool.consumers.n")
    missing = ctx.number(f"{base}.not_assessed.consumers.count")
    return {"n_all": printed(ctx, f"{base}.satisfaction_pool.consumers.n"),
            "not_assessed": printed(ctx, f"{base}.not_assessed.consumers.count"),
            "n_assessed": Fact(int(everyone - missing), "published", "all minus not assessed")}


def _on(ctx: Context, row: pd.Series, n_choice: str) -> tuple[float, bool]:
    stem, quantity = row["id"].rsplit(".", 1)
    chosen = ctx.variant(ctx.test_of[stem], "pearson", n_choice)[quantity]
    return float(chosen), compare(chosen, row["printed"])


def assessed_row(ctx: Context, row: pd.Series) -> dict[str, Fact]:
    """One statistic or p of a consumers' yes/no item, on those assessed and on everyone."""
    assessed, assessed_ok = _on(ctx, row, "assessed only")
    everyone, everyone_ok = _on(ctx, row, "all respondents")
    shown = value if row["id"].endswith(".statistic") else (
        lambda v, _d, how: p_value(v, how))
    return {**assessed_counts(ctx),
            "on_assessed": shown(assessed, 2, "goodness of fit on those assessed"),
            "on_all": shown(everyone, 2, "goodness of fit on every consumer"),
            "assessed_rounds": flag(assessed_ok, "on those assessed it rounds to the printed"),
            "all_rounds": flag(everyone_ok, "on everyone it rounds to the printed")}


def assessed_problem(ctx: Context, rows: pd.DataFrame) -> dict[str, Fact]:
    per_row = [assessed_row(ctx, r) for _, r in rows.iterrows()]
    return {**assessed_counts(ctx),
            "every_assessed": flag(all(f["assessed_rounds"].value for f in per_row),
                                   "each row rounds from the test on those assessed"),
            "no_all": flag(not any(f["all_rounds"].value for f in per_row),
                           "no row rounds from the test on everyone")}


# --- the consumers' satisfaction statistic ---------------------------------------------------


def _digits_apart(a: str, b: str) -> int:
    return sum(x != y for x, y in zip(a, b, strict=False)) + abs(len(a) - len(b))


def _only_yates(ctx: Context, test: str) -> bool:
    """Whether the printed statistic of ``test`` rounds from Yates' correction only."""
    text = ctx.printed.get(f"{test}.statistic")
    mine = ctx.variants[ctx.variants["test"] == test]
    if text is None or mine.empty:
        return False
    fits = [compare(v, text) for v in mine["statistic"] if not np.isnan(v)]
    yates = [compare(v, text) for v in mine.loc[mine["variant"] == "yates", "statistic"]]
    return any(yates) and sum(fits) == sum(yates)


def typo(ctx: Context, rows: pd.DataFrame) -> dict[str, Fact]:
    stem = rows["id"].iloc[0].rsplit(".", 1)[0]
    test = ctx.test_of[stem]
    assessed = ctx.variant(test, "pearson", "assessed only")
    text = ctx.printed[f"{stem}.statistic"]
    shown = format_half_away(assessed["statistic"], parse_printed(text).decimals)
    neighbours = [t for t in dict.fromkeys(ctx.test_of.values()) if t != test
                  and t.startswith("fan2018.results.") and t.endswith(".consumers")]
    reproduced = [t for t in neighbours if compare(ctx.variant(
        t, "pearson", "assessed only")["statistic"], ctx.printed[f"{t}.statistic"])]
    return {**assessed_counts(ctx), "yes": printed(ctx, f"{stem}.count"),
            "on_assessed": Fact(float(assessed["statistic"]), "published",
                                "goodness of fit on those assessed", shown),
            "its_p": p_value(assessed["p"], "its p"),
            "printed_stat": printed(ctx, f"{stem}.statistic"),
            "printed_p": printed(ctx, f"{stem}.p"),
            "digits": Fact(_digits_apart(shown, text), "published", "digits that differ"),
            "p_rounds": flag(compare(assessed["p"], ctx.printed[f"{stem}.p"]), "its p rounds"),
            "neighbours": Fact(len(neighbours), "published", "the other consumer items"),
            "reproduced": Fact(len(reproduced), "published", "of them reproduced so"),
            "yates": value(ctx.variant(test, "yates", "assessed only")["statistic"], 2,
                           "with Yates' correction"),
            "yates_elsewhere": Fact(sum(_only_yates(ctx, t) for t in set(ctx.test_of.values())
                                        if t != test), "published",
                                    "other printed statistics only Yates' correction gives")}


# --- the caregivers' copied pair ----------------------------------------------------------


def copied(ctx: Context, rows: pd.DataFrame) -> dict[str, Fact]:
    stem = rows["id"].iloc[0].rsplit(".", 1)[0]
    test = ctx.test_of[stem]
    pair = (ctx.printed[f"{stem}.statistic"], ctx.printed[f"{stem}.p"])
    section = stem.split(".")[1]
    same = [s for s in dict.fromkeys(ctx.test_of) if s != stem and s.split(".")[1] == section
            and (ctx.printed.get(f"{s}.statistic"), ctx.printed.get(f"{s}.p")) == pair]
    source = same[0] if same else stem
    own, theirs = ctx.variant(test, "pearson"), ctx.variant(ctx.test_of[source], "pearson")
    tried = ctx.variants.loc[ctx.variants["test"] == test, "statistic"].dropna()
    return {"yes": printed(ctx, f"{stem}.count"),
            "n": printed(ctx, "fan2018.results.satisfaction_pool.caregivers.n"),
            "own_stat": value(own["statistic"], 2, "goodness of fit of its own counts"),
            "own_p": value(own["p"], 3, "its p"),
            "printed_stat": printed(ctx, f"{stem}.statistic"),
            "printed_p": printed(ctx, f"{stem}.p"),
            "same_pair": Fact(len(same), "published", "other rows of the section printing "
                              "the same statistic and p"),
            "other_item": Fact(source.split(".")[2].replace("_", " "), "words", "its item"),
            "other_yes": printed(ctx, f"{source}.count"),
            "other_stat": value(theirs["statistic"], 3, "that item's own test"),
            "other_p": value(theirs["p"], 3, "its p"),
            "other_fits": flag(compare(theirs["statistic"], pair[0])
                               and compare(theirs["p"], pair[1]), "the pair is that item's"),
            "variants_fitting": Fact(int(sum(compare(v, pair[0]) for v in tried)), "published",
                                     "variants of test and n giving the printed statistic"),
            "variants_tried": Fact(len(tried), "published", "variants of test and n tried")}


# --- the age t ---------------------------------------------------------------------------


def _t_box(ctx: Context) -> tuple[float, float]:
    """The exact range of the pooled t over every real mean and SD that round to the printed
    ones (ages not restricted to whole years): t is monotone in each, so the corners of the
    box bound it."""
    from scipy import stats

    sides_ = []
    for group in ("peers", "consumers"):
        mean, sd = (ctx.printed[f"fan2018.table2.age.{group}.{q}"] for q in ("mean", "sd"))
        n = ctx.number(f"fan2018.methods.recruited.{group}.n")
        ends = [[float(parse_printed(t).value) + k * 0.5 * 10.0 ** -parse_printed(t).decimals
                 for k in (-1, 1)] for t in (mean, sd)]
        sides_.append((*ends, n))
    (m1s, s1s, n1), (m2s, s2s, n2) = sides_
    corners = [stats.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2).statistic
               for m1 in m1s for s1 in s1s for m2 in m2s for s2 in s2s]
    return float(min(corners)), float(max(corners))


def age(ctx: Context, rows: pd.DataFrame) -> dict[str, Fact]:
    from analysis.stages.enrolment import age_t_proof

    row = rows.iloc[0]
    proof = age_t_proof(ctx.registry)
    ranges = {name: (low, high) for name, low, high in (proof.ranges if proof else ())}
    low, high = _t_box(ctx)
    facts = {f"{q}_{g}": printed(ctx, f"fan2018.table2.age.{g}.{q}")
             for q in ("mean", "sd") for g in ("peers", "consumers")}
    facts |= {f"n_{g}": printed(ctx, f"fan2018.methods.recruited.{g}.n")
              for g in ("peers", "consumers")}
    how = proof.method if proof else "no proof"
    return {**facts, "printed_t": printed(ctx, row["id"]),
            "proved": flag(proof is not None and proof.verdict == "mismatch", how, "invariant"),
            "pooled": Fact(ranges.get("pooled t"), "invariant", how,
                           _span(ranges.get("pooled t"), 3)),
            "welch": Fact(ranges.get("Welch t"), "invariant", how,
                          _span(ranges.get("Welch t"), 3)),
            "closest": value(float(row["reproduced"]), 4, "the value tried nearest the printed"),
            "box": Fact((low, high), "published", "t over real-valued means and SDs that "
                        "round to the printed ones", _span((low, high), 3)),
            "box_holds": flag(low <= float(row["printed"]) <= high,
                              "the printed t lies in that range")}


def _span(pair: tuple | None, places: int) -> str:
    if pair is None:
        return "not proved"
    return f"{format_half_away(pair[0], places)} to {format_half_away(pair[1], places)}"


# --- numbers judged under several readings ---------------------------------------------------


def _reading_facts(ctx: Context, row_id: str, key: str, readings: list) -> dict[str, Fact]:
    """Each reading's value (or exact range) and verdict for row ``row_id`` of ``key``."""
    from analysis.printed.judge import reading_verdict

    declared = load_readings().set_index(["key", "reading"])
    facts = {}
    for name, judged in readings:
        verdict, shown = reading_verdict(ctx.printed[row_id], judged)
        entry = declared.loc[(key, name)]
        facts[f"{name}_verdict"] = Fact(verdict, "published", entry["meaning"])
        facts[f"{name}_value"] = Fact(shown, "published", entry["meaning"], (
            "not published" if shown is None else _span(shown, 2) if isinstance(shown, tuple)
            else format_half_away(shown, 2)))
    return facts


def ratio(ctx: Context, rows: pd.DataFrame) -> dict[str, Fact]:
    from analysis.stages.service_process import ratio_readings

    readings = ratio_readings(ctx.registry)
    facts = {}
    for pick in ("min", "max"):
        key = f"consumers_per_provider_{pick}"
        row_id = rows.loc[rows["measure"] == key, "id"].iloc[0]
        facts |= {f"{pick}_{k}": f for k, f in _reading_facts(ctx, row_id, key,
                                                              readings[pick]).items()}
        facts[f"printed_{pick}"] = printed(ctx, row_id)
    return facts


def bonferroni(ctx: Context, rows: pd.DataFrame) -> dict[str, Fact]:
    from analysis.stages.enrolment import bonferroni_readings, bonferroni_sizes

    row_id = rows["id"].iloc[0]
    facts = _reading_facts(ctx, row_id, "fan2019_bonferroni_threshold", bonferroni_readings())
    for name, size in bonferroni_sizes().items():
        facts[f"{name}_size"] = Fact(size, "published", "tests in the family of this reading")
        facts[f"{name}_alpha"] = Fact(ALPHA / size, "published", f"0.05 / {size}",
                                      f"{ALPHA / size:.3g}")
    facts["printed_threshold"] = printed(ctx, row_id)
    return facts


# --- granularity: the confidence score and Table 4 ----------------------------------------


def confidence(ctx: Context, rows: pd.DataFrame) -> dict[str, Fact]:
    from analysis.stages.outcomes import bracketing_totals

    found = confidence_facts(ctx.registry)
    n, mean = found["n"], found["mean"]
    sums = bracketing_totals(mean, n)
    half_total = round(2 * float(mean) * n) / 2
    return {"n": Fact(n, "published", "providers interviewed"),
            "lo": Fact(found["lo"], "words", "the scale's lowest answer"),
            "hi": Fact(found["hi"], "words", "the scale's highest answer"),
            "mean": printed(ctx, "fan2019.table2.confidence.peers.mean"),
            "sd": printed(ctx, "fan2019.table2.confidence.peers.sd"),
            "grim": flag(grim(mean, n), "GRIM with whole-number answers"),
            "sums": Fact(sums, "published", "the whole totals either side of n x mean"),
            "sum_means": Fact([format_half_away(t / n, 2) for t in sums], "published",
                              "the means of those totals"),
            "half_total": Fact(half_total, "published", "the half-point total nearest n x "
                               "mean", format_half_away(half_total, 1)),
            "half_mean": value(half_total / n, 3, "that total over n"),
            "half_works": flag(bool(found["half"]), "GRIMMER on the half-point scale"),
            "n_from": Fact(found["n_from"], "published", "nearby n tried"),
            "n_to": Fact(found["n_to"], "published", "nearby n tried"),
            "ns": Fact(found["ns"], "published", "n for which whole numbers give the mean"),
            "ns_sd": Fact(found["ns_sd"], "published", "n for which they give mean and SD")}


def percent(ctx: Context, rows: pd.DataFrame) -> dict[str, Fact]:
    row_id = rows["id"].iloc[0]
    denominator = ctx.registry.set_index("id").loc[row_id, "denominator"]
    count_id = row_id.rsplit(".", 1)[0] + ".count"
    share = 100 * ctx.number(count_id) / ctx.number(denominator)
    return {"count": printed(ctx, count_id), "n": printed(ctx, denominator),
            "share": value(share, 1, "count / n x 100"),
            "rounded": value(share, parse_printed(ctx.printed[row_id]).decimals,
                             "rounded half away from zero at the printed decimals"),
            "printed_percent": printed(ctx, row_id),
            "rounds": flag(compare(share, ctx.printed[row_id]), "it rounds to the printed")}


def followup(ctx: Context, rows: pd.DataFrame) -> dict[str, Fact]:
    base = "fan2019.methods.evaluation_months"
    abstract = rows["id"].iloc[0]
    return {"abstract": printed(ctx, abstract),
            "initial": printed(ctx, f"{base}.initial.other"),
            "later": printed(ctx, f"{base}.later.other"),
            "fits_later": flag(ctx.number(abstract) == ctx.number(f"{base}.later.other"), ""),
            "fits_initial": flag(ctx.number(abstract) == ctx.number(f"{base}.initial.other"),
                                 "")}


def table4(ctx: Context, rows: pd.DataFrame) -> dict[str, Fact]:
    ratings = consumer_rating_n(ctx.registry)
    common = sorted(set.intersection(*(set(ns) for ns in ratings["grimmer_ns"])))
    low, high = RATING_N_WINDOW
    return {"header_n": printed(ctx, "fan2019.table4.header.consumers.n"),
            "items": Fact(len(ratings), "published", "consumer ratings in Table 4"),
            "n_low": Fact(low, "published", "the n tried"),
            "n_high": Fact(high, "published", "the n tried"),
            "common_ns": Fact(common, "published", "n that give every printed mean and SD "
                              "(GRIM and GRIMMER)"),
            "header_fits": flag(int(ctx.number("fan2019.table4.header.consumers.n")) in common,
                                "the header's n gives them all")}


def table4_row(ctx: Context, row: pd.Series) -> dict[str, Fact]:
    """One mean or SD of the consumers' ratings: possible with the header's n and with one
    fewer?"""
    from analysis.io.annotations import load_granularity_specs

    specs = load_granularity_specs().set_index("id")
    stem, quantity = row["id"].rsplit(".", 1)
    mean_id = f"{stem}.mean"
    if stem.split(".")[1] == "results":  # a sentence repeating a Table 4 mean: its row
        mean_id = next(i for i in specs.index if i.startswith("fan2019.table4.")
                       and ctx.printed[i] == ctx.printed[mean_id])
    spec = specs.loc[mean_id]
    header = int(ctx.number("fan2019.table4.header.consumers.n"))
    mean, lo, hi = ctx.printed[mean_id], int(spec["lo"]), int(spec["hi"])
    sd = ctx.printed.get(spec["sd_id"]) if spec["sd_id"] else None
    both = (lambda k: sd is not None and grimmer(mean, sd, k, lo, hi))
    return {"kind": Fact(quantity, "words", "mean or SD"),
            "repeats": flag(stem.split(".")[1] == "results", "a sentence repeating Table 4",
                            "words"),
            "item": Fact(mean_id.split(".")[2].replace("_", " "), "words", "the Table 4 item"),
            "mean_42": flag(grim(mean, header), "GRIM with the header's n"),
            "mean_41": flag(grim(mean, header - 1), "GRIM with one fewer"),
            "both_42": flag(both(header), "GRIMMER with the header's n"),
            "both_41": flag(both(header - 1), "GRIMMER with one fewer"),
            "has_sd": flag(sd is not None, "an SD is printed"),
            "header_n": Fact(header, "published", "the n Table 4's header prints"),
            "fewer": Fact(header - 1, "published", "one fewer than the header's n")}


# --- Welch's t for the ratings by wave ------------------------------------------------------


def welch_row(ctx: Context, row: pd.Series) -> dict[str, Fact]:
    """One of the two rating t tests: how many splits of the consistent samples give the
    printed t under each test (notebook 04's complete enumeration)."""
    table = read_csv_strict(ctx.tables / "fan2019_t_freedom.csv",
                            ["question", "n", "later", "splits", "pooled_matching",
                             "welch_matching"]).set_index("question")
    question = next(q for q in table.index if q.split("_")[0] in row["id"])
    found = table.loc[question]
    how = ("complete enumeration by notebook 04 of every sample of ratings with the printed "
           "mean and SD and every split of it into the two waves")
    n, later = int(found["n"]), int(found["later"])
    return {"item": Fact(question.replace("_", " "), "words", "the rating"),
            "n": Fact(n, "published", "consumers who rated"),
            "later": Fact(later, "published", "later consumers"),
            "initial": Fact(n - later, "published", "initial consumers"),
            "splits": Fact(int(found["splits"]), "invariant", how, f"{int(found['splits']):,}"),
            "pooled_fit": how_many(int(found["pooled_matching"]), how, "invariant"),
            "welch_fit": how_many(int(found["welch_matching"]), how, "invariant")}


def welch(ctx: Context, rows: pd.DataFrame) -> dict[str, Fact]:
    per_row = [welch_row(ctx, r) for _, r in rows.iterrows()]
    return {"items": Fact(sorted({f["item"].value for f in per_row}), "words", "the ratings"),
            "never_pooled": flag(all(f["pooled_fit"].value == 0 for f in per_row),
                                 "no split gives the printed t with the pooled t", "invariant"),
            "some_welch": flag(all(f["welch_fit"].value > 0 for f in per_row),
                               "some split gives it with Welch's t", "invariant")}


# --- rows whose inputs are not published ------------------------------------------------------


def inclusion(ctx: Context, row: pd.Series) -> dict[str, Fact]:
    """An inclusion age: every reconstructed peer's and consumer's age lies within it, and
    validation refuses an age outside it."""
    from analysis.reconstruct.ages import age_bounds

    paper = row["id"].split(".")[0]
    low, high = age_bounds(ctx.registry, paper)
    people = read_csv_strict(paths.RECONSTRUCTED / f"{paper}_participants.csv", ["role", "age"])
    ages = people.loc[people["role"].isin(["peer", "consumer"]) & (people["age"] != ""),
                      "age"].astype(int)
    return {"low": Fact(low, "published", "the inclusion ages"),
            "high": Fact(high, "published", "the inclusion ages"),
            "within": flag(bool(ages.between(low, high).all()), "every reconstructed age lies "
                           "within them", "by_construction"),
            "refused": flag(outside_inclusion(high + 1, (low, high)) is not None
                            and outside_inclusion(low - 1, (low, high)) is not None,
                            "validation refuses an age outside them")}


#: Problem -> the function computing its facts (problem level).
PROBLEM_FACTS: dict[str, Callable[[Context, pd.DataFrame], dict[str, Fact]]] = {
    "fisher_p_beside_pearson": fisher_problem,
    "double_rounding": double_rounding,
    "goodness_of_fit_on_assessed": assessed_problem,
    "satisfaction_statistic_typo": typo,
    "caregiver_row_copied": copied,
    "age_t_not_whole_years": age,
    "ratio_reading": ratio,
    "bonferroni_family": bonferroni,
    "confidence_half_points": confidence,
    "percent_rounding": percent,
    "followup_months_abstract": followup,
    "table4_rated_by_41": table4,
    "welch_t_for_ratings": welch,
}

#: Problem or reason -> the function computing the facts of one of its rows.
ROW_FACTS: dict[str, Callable[[Context, pd.Series], dict[str, Fact]]] = {
    "fisher_p_beside_pearson": fisher_row,
    "goodness_of_fit_on_assessed": assessed_row,
    "table4_rated_by_41": table4_row,
    "welch_t_for_ratings": welch_row,
    "inclusion_age": inclusion,
}


def facts_table(found: dict[str, dict[str, Fact]]) -> pd.DataFrame:
    """``problem`` (or ``problem/row id``), ``fact``, ``value``, ``shown``, ``kind``, ``how``:
    every fact a rendered text used, for ``reports/tables/problem_facts.csv``."""
    rows = [{"scope": scope, "fact": name, "value": repr(fact.value), "shown": fact.text(),
             "kind": fact.kind, "how": fact.how}
            for scope, facts in found.items() for name, fact in sorted(facts.items())]
    return pd.DataFrame(rows, columns=["scope", "fact", "value", "shown", "kind", "how"])
