"""Facts proved over the datasets consistent with the printed numbers, or judged under
each reading of the text: the age t, the provider:consumer ratio, the Bonferroni family, the
confidence score and Table 4 (GRIM, GRIMMER), Welch's t for the ratings, and the inclusion
ages (:mod:`analysis.report.facts_context`)."""

from __future__ import annotations

import pandas as pd

from analysis.checks.granularity_audit import RATING_N_WINDOW, confidence_facts, consumer_rating_n
from analysis.io import paths
from analysis.io.annotations import load_readings
from analysis.io.files import read_csv_strict
from analysis.io.participants import outside_inclusion
from analysis.methods.granularity import grim, grimmer
from analysis.printed.compare import compare
from analysis.printed.rounding import format_half_away, parse_printed, round_with
from analysis.printed.significance import ALPHA
from analysis.report.facts_context import (
    Context,
    flag,
    how_many,
    printed_fact,
    value,
)
from analysis.report.templates import Fact

# --- the age t ---------------------------------------------------------------------------


def t_box(ctx: Context, test: str) -> tuple[float, float]:
    """The exact range of the pooled t over every real mean and SD that round to the printed
    ones (ages not restricted to whole years): t is monotone in each, so the corners of the
    box bound it."""
    from scipy import stats

    sides_ = []
    for group in ctx.inputs.loc[ctx.inputs["test"] == test, "row"].unique():
        mean, sd = (ctx.printed[ctx.input_id(test, group, q)] for q in ("mean", "sd"))
        n = ctx.number(ctx.input_id(test, group, "n"))
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
    test = ctx.test_of[row["id"].rsplit(".", 1)[0]]
    proof = age_t_proof(ctx.registry)
    ranges = {name: (low, high) for name, low, high in (proof.ranges if proof else ())}
    low, high = t_box(ctx, test)
    facts = {f"{q}_{g}": printed_fact(ctx, ctx.input_id(test, g, q))
             for q in ("mean", "sd", "n") for g in ("peers", "consumers")}
    how = proof.method if proof else "no proof"
    return {**facts, "printed_t": printed_fact(ctx, row["id"]),
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
        facts[f"printed_{pick}"] = printed_fact(ctx, row_id)
    return facts


def bonferroni(ctx: Context, rows: pd.DataFrame) -> dict[str, Fact]:
    from analysis.stages.enrolment import bonferroni_readings, bonferroni_sizes

    row_id = rows["id"].iloc[0]
    facts = _reading_facts(ctx, row_id, "fan2019_bonferroni_threshold", bonferroni_readings())
    for name, size in bonferroni_sizes().items():
        facts[f"{name}_size"] = Fact(size, "published", "tests in the family of this reading")
        facts[f"{name}_alpha"] = Fact(ALPHA / size, "published", f"{ALPHA:g} / {size}",
                                      f"{ALPHA / size:.3g}")
    facts["printed_threshold"] = printed_fact(ctx, row_id)
    return facts


# --- granularity: the confidence score and Table 4 ----------------------------------------


def confidence(ctx: Context, rows: pd.DataFrame) -> dict[str, Fact]:
    from analysis.stages.outcomes import bracketing_totals

    found = confidence_facts(ctx.registry)
    n, mean = found["n"], found["mean"]
    mean_id = next(i for i in rows["id"] if ctx.printed[i] == mean and i.endswith(".mean"))
    sd_id = next(i for i in rows["id"] if ctx.printed[i] == found["sd"])
    sums = bracketing_totals(mean, n)
    half_total = round(2 * float(mean) * n) / 2
    return {"n": Fact(n, "published", "providers interviewed"),
            "lo": Fact(found["lo"], "words", "the scale's lowest answer"),
            "hi": Fact(found["hi"], "words", "the scale's highest answer"),
            "mean": printed_fact(ctx, mean_id), "sd": printed_fact(ctx, sd_id),
            "grim": flag(grim(mean, n), "GRIM with whole-number answers"),
            "sums": Fact(sums, "published", "the whole totals either side of n x mean"),
            "sum_means": Fact([format_half_away(t / n, 2) for t in sums], "published",
                              "the means of those totals"),
            "half_total": Fact(half_total, "published", "the half-point total nearest n x "
                               "mean", format_half_away(half_total, 1)),
            "half_mean": value(half_total / n, 3, "that total over n"),
            "half_works": flag(bool(found["half"]), "GRIMMER on the half-point scale"),
            "half_even": Fact(compare(half_total / n, mean, rule="half_even"), "assumed",
                              "the half-point mean rounded half to even instead"),
            "half_even_shown": Fact(half_total / n, "assumed", "rounded half to even",
                                    str(round_with(half_total / n, 2, "half_even"))),
            "n_from": Fact(found["n_from"], "published", "nearby n tried"),
            "n_to": Fact(found["n_to"], "published", "nearby n tried"),
            "ns": Fact(found["ns"], "published", "n for which whole numbers give the mean"),
            "ns_sd": Fact(found["ns_sd"], "published", "n for which they give mean and SD")}


def _header_id(rows: pd.DataFrame) -> str:
    """The registry row of the n the problem's means are printed with (``granularity.csv``)."""
    from analysis.io.annotations import load_granularity_specs

    specs = load_granularity_specs().set_index("id")
    found = {specs.loc[i, "n_id"] for i in rows["id"] if i in specs.index}
    if len(found) != 1:
        raise KeyError(f"the rows' means are printed with {sorted(found)}: expected one n")
    return found.pop()


def table4(ctx: Context, rows: pd.DataFrame) -> dict[str, Fact]:
    ratings = consumer_rating_n(ctx.registry)
    common = sorted(set.intersection(*(set(ns) for ns in ratings["grimmer_ns"])))
    low, high = RATING_N_WINDOW
    header_id = _header_id(rows)
    return {"header_n": printed_fact(ctx, header_id),
            "items": Fact(len(ratings), "published", "consumer ratings in Table 4"),
            "n_low": Fact(low, "published", "the n tried"),
            "n_high": Fact(high, "published", "the n tried"),
            "common_ns": Fact(common, "published", "n that give every printed mean and SD "
                              "(GRIM and GRIMMER)"),
            "header_fits": flag(int(ctx.number(header_id)) in common,
                                "the header's n gives them all")}


def table4_row(ctx: Context, row: pd.Series) -> dict[str, Fact]:
    """One mean or SD of the consumers' ratings: possible with the header's n and with one
    fewer?"""
    from analysis.io.annotations import load_granularity_specs

    specs = load_granularity_specs().set_index("id")
    stem, quantity = row["id"].rsplit(".", 1)
    mean_id = f"{stem}.mean"
    spec = specs.loc[mean_id]
    if not spec["sd_id"]:  # a sentence repeating a table's mean: the table's row, with its SD
        mean_id = next(i for i in specs.index if specs.loc[i, "sd_id"]
                       and specs.loc[i, "n_id"] == spec["n_id"]
                       and ctx.printed[i] == ctx.printed[mean_id])
        spec = specs.loc[mean_id]
    header = int(ctx.number(spec["n_id"]))
    mean, lo, hi = ctx.printed[mean_id], int(spec["lo"]), int(spec["hi"])
    sd = ctx.printed.get(spec["sd_id"]) if spec["sd_id"] else None

    def both(k: int) -> bool:
        return sd is not None and grimmer(mean, sd, k, lo, hi)

    return {"kind": Fact(quantity, "words", "mean or SD"),
            "repeats": flag(mean_id != f"{stem}.mean", "a sentence repeating a table's mean",
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


