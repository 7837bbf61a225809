"""Facts recomputed from printed numbers alone: Fisher's p beside a Pearson statistic, a
display rounded twice, the n of a goodness-of-fit test, a one-digit typo, a copied pair, a
percentage and the Abstract's follow-up time (:mod:`analysis.report.facts_context`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.evidence.recomputed_tests import NOT_ASSESSED
from analysis.printed.compare import compare
from analysis.printed.judge import double_rounded
from analysis.printed.rounding import format_half_away, parse_printed, round_half_away
from analysis.printed.significance import ALPHA
from analysis.report.facts_context import (
    Context,
    flag,
    how_many,
    p_value,
    printed_fact,
    sides,
    value,
)
from analysis.report.templates import Fact

# --- Fisher's p beside a Pearson statistic ---------------------------------------------------


def fisher_row(ctx: Context, row: pd.Series) -> dict[str, Fact]:
    """One test whose printed p may be Fisher's: both p of the printed counts."""
    stem = row["id"].rsplit(".", 1)[0]
    test = ctx.test_of[stem]
    pearson, fisher = ctx.variant(test, "pearson"), ctx.variant(test, "fisher")
    text_p, text_stat = ctx.printed[f"{stem}.p"], ctx.printed[f"{stem}.statistic"]
    return {"pearson_stat": value(pearson["statistic"], parse_printed(text_stat).decimals,
                                  "Pearson chi-square of the printed counts"),
            "printed_stat": printed_fact(ctx, f"{stem}.statistic"),
            "pearson_p": p_value(pearson["p"], "Pearson p of the printed counts"),
            "fisher_p": p_value(fisher["p"], "two-sided Fisher exact p of the printed counts"),
            "printed_p": printed_fact(ctx, f"{stem}.p"),
            "fisher_rounds": flag(compare(fisher["p"], text_p), "Fisher's p rounds to it"),
            "pearson_rounds": flag(compare(pearson["p"], text_p), "Pearson's p rounds to it"),
            "stat_rounds": flag(compare(pearson["statistic"], text_stat),
                                "Pearson's statistic rounds to the printed one"),
            "side": Fact(sides([pearson["p"], fisher["p"]]), "published", "both p against "
                         f"{ALPHA:g}")}


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
                                  f"tests where the two p straddle {ALPHA:g}")}


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
            "printed_stat": printed_fact(ctx, f"{stem}.statistic"),
            "printed_p": printed_fact(ctx, f"{stem}.p"),
            "pearson_p": p_value(pearson["p"], "Pearson p of the printed counts"),
            "single_rounds": flag(compare(pearson["statistic"], text), "rounded once"),
            "again_rounds": flag(compare(display, text), "rounded twice"),
            "p_rounds": flag(compare(pearson["p"], ctx.printed[f"{stem}.p"]), "its p")}


# --- yes/no items tested on those assessed ----------------------------------------------------


def _with_missing(ctx: Context) -> list[str]:
    """The yes/no tests some respondents were not assessed on (``test_inputs.csv``)."""
    lines = ctx.inputs
    return list(dict.fromkeys(lines.loc[lines["column"] == NOT_ASSESSED, "test"]))


def assessed_counts(ctx: Context, test: str) -> dict[str, Fact]:
    """How many respondents ``test``'s item had, and how many were not assessed."""
    missing_id = ctx.input_id(test, column=NOT_ASSESSED)
    everyone_id = ctx.denominator(missing_id)
    everyone, missing = ctx.number(everyone_id), ctx.number(missing_id)
    return {"n_all": printed_fact(ctx, everyone_id), "not_assessed": printed_fact(ctx, missing_id),
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
    return {**assessed_counts(ctx, ctx.test_of[row["id"].rsplit(".", 1)[0]]),
            "on_assessed": shown(assessed, 2, "goodness of fit on those assessed"),
            "on_all": shown(everyone, 2, "goodness of fit on every consumer"),
            "assessed_rounds": flag(assessed_ok, "on those assessed it rounds to the printed"),
            "all_rounds": flag(everyone_ok, "on everyone it rounds to the printed")}


def assessed_problem(ctx: Context, rows: pd.DataFrame) -> dict[str, Fact]:
    per_row = [assessed_row(ctx, r) for _, r in rows.iterrows()]
    return {**assessed_counts(ctx, ctx.test_of[rows["id"].iloc[0].rsplit(".", 1)[0]]),
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
    neighbours = [t for t in _with_missing(ctx) if t != test]
    reproduced = [t for t in neighbours if compare(ctx.variant(
        t, "pearson", "assessed only")["statistic"], ctx.printed[f"{t}.statistic"])]
    return {**assessed_counts(ctx, test), "yes": printed_fact(ctx, f"{stem}.count"),
            "on_assessed": Fact(float(assessed["statistic"]), "published",
                                "goodness of fit on those assessed", shown),
            "its_p": p_value(assessed["p"], "its p"),
            "printed_stat": printed_fact(ctx, f"{stem}.statistic"),
            "printed_p": printed_fact(ctx, f"{stem}.p"),
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
    return {"yes": printed_fact(ctx, f"{stem}.count"),
            "n": printed_fact(ctx, ctx.denominator(f"{stem}.count")),
            "own_stat": value(own["statistic"], 2, "goodness of fit of its own counts"),
            "own_p": value(own["p"], 3, "its p"),
            "printed_stat": printed_fact(ctx, f"{stem}.statistic"),
            "printed_p": printed_fact(ctx, f"{stem}.p"),
            "same_pair": Fact(len(same), "published", "other rows of the section printing "
                              "the same statistic and p"),
            "other_item": Fact(source.split(".")[2].replace("_", " "), "words", "its item"),
            "other_yes": printed_fact(ctx, f"{source}.count"),
            "other_stat": value(theirs["statistic"], 3, "that item's own test"),
            "other_p": value(theirs["p"], 3, "its p"),
            "other_fits": flag(compare(theirs["statistic"], pair[0])
                               and compare(theirs["p"], pair[1]), "the pair is that item's"),
            "variants_fitting": Fact(int(sum(compare(v, pair[0]) for v in tried)), "published",
                                     "variants of test and n giving the printed statistic"),
            "variants_tried": Fact(len(tried), "published", "variants of test and n tried")}



def percent(ctx: Context, rows: pd.DataFrame) -> dict[str, Fact]:
    row_id = rows["id"].iloc[0]
    denominator = ctx.registry.set_index("id").loc[row_id, "denominator"]
    count_id = row_id.rsplit(".", 1)[0] + ".count"
    share = 100 * ctx.number(count_id) / ctx.number(denominator)
    return {"count": printed_fact(ctx, count_id), "n": printed_fact(ctx, denominator),
            "share": value(share, 1, "count / n x 100"),
            "rounded": value(share, parse_printed(ctx.printed[row_id]).decimals,
                             "rounded half away from zero at the printed decimals"),
            "printed_percent": printed_fact(ctx, row_id),
            "rounds": flag(compare(share, ctx.printed[row_id]), "it rounds to the printed")}


def followup(ctx: Context, rows: pd.DataFrame) -> dict[str, Fact]:
    abstract = rows["id"].iloc[0]
    initial, later = (ctx.measure_id(f"fan2019_followup_months_{wave}")
                      for wave in ("initial", "later"))
    return {"abstract": printed_fact(ctx, abstract), "initial": printed_fact(ctx, initial),
            "later": printed_fact(ctx, later),
            "fits_later": flag(ctx.number(abstract) == ctx.number(later), ""),
            "fits_initial": flag(ctx.number(abstract) == ctx.number(initial), "")}


