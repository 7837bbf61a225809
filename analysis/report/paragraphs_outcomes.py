"""The paragraphs of notebook 04 that state a finding, each decision computed here and
returned beside its paragraph (:class:`analysis.report.paragraphs.Said`); the notebook shows
the call and the decisions, then says the paragraph."""

from __future__ import annotations

import pandas as pd

from analysis.report.paragraphs import Said, listed, pick
from analysis.report.prose import decimals, fmt
from analysis.stages import outcome_tables as tables

__all__ = ["benefit_choices", "confidence_alternatives", "confidence_question",
           "conservative_share", "percent_slips", "rating_t_tests", "readings_of_n",
           "wave_survivors"]


def _copied_or_typo(question: str, row: pd.Series, readings: pd.DataFrame) -> str:
    label = f"**\"{question.replace('_', ' ')}\"** ({row['yes']} of {row['n_assessed']})"
    if row["copied_from"]:
        other = readings.loc[row["copied_from"]]
        return (f"- {label}: the table above gives its statistic and p, unlike the printed "
                f"{row['printed_statistic']} and {row['printed_p']}. Those are, digit for "
                f"digit, the values of \"{row['copied_from'].replace('_', ' ')}\" "
                f"({other['yes']} of {other['n_assessed']}), most likely copied.")
    return (f"- {label}: the statistic is {row['assessed_statistic']}, which differs from the "
            f"printed {row['printed_statistic']} in {row['digits_off']} "
            f"digit{pick(row['digits_off'] == 1, '', 's')}. "
            + pick(bool(row["p_fits"]), f"Most likely a typo: its p fits the printed p "
                   f"{row['printed_p']}.", "Its p does not fit the printed p either."))


def readings_of_n(readings: pd.DataFrame, shown_percent: str) -> Said:
    """fan2018's yes/no tests: which n reproduces each printed statistic
    (:func:`analysis.stages.outcome_tables.fan2018_readings`, indexed by question); the
    consumers' first item shows the two n (``shown_percent``: its printed percentage)."""
    split = readings[readings["n_all"] != readings["n_assessed"]]
    same = readings[readings["n_all"] == readings["n_assessed"]]
    first = readings.loc["satisfied_with_peers"]
    lines = [f"The consumers' two n's are all {first['n_all']} (the percentages use them: "
             f"{first['yes']}/{first['n_all']} = "
             f"{fmt(100 * first['yes'] / first['n_all'], decimals(shown_percent))}%, printed "
             f"{shown_percent}%) and the {first['n_assessed']} assessed. Read across the rows:",
             "- **Caregivers and peers** (n the same either way): plain goodness of fit "
             "reproduces " + ", ".join(same.loc[same["variants"].map(lambda v: "all" in v),
                                                "printed_statistic"]) + " exactly.",
             f"- **Consumers**: the statistics come from the **{first['n_assessed']} "
             f"assessed**, although the percentages are on all {first['n_all']} ("
             + " and ".join(split.loc[split["variants"].map(lambda v: v == ["assessed"]),
                                      "printed_statistic"])
             + f" only on {first['n_assessed']})."]
    unmatched = readings[readings["variants"].map(len) == 0]
    lines += [_copied_or_typo(q, row, readings) for q, row in unmatched.iterrows()]
    text = "\n".join(lines) + "\n\nThese findings do not depend on the reconstruction: the " \
        "counts are printed."
    return Said(text, {"items with one n": len(same), "items with two n": len(split),
                       "items no n reproduces": listed(list(unmatched.index))})


def percent_slips(percents: pd.DataFrame) -> Said:
    """A printed percentage no count of its n gives (``counts_that_fit``: those that do)."""
    slips = percents[~percents["consistency"]]
    sentences = [f"“{s.count} of {s.n} ({s.percent}%)” fails: "
                 + pick(len(s.counts_that_fit) == 0, "no count", f"only {s.counts_that_fit}")
                 + f" of {s.n} gives {s.percent}%. It is a rounding slip, also found in "
                 "notebook 00." for s in slips.itertuples()]
    return Said("\n\n".join(sentences), {"percentages that fail": len(slips)})


def confidence_question(mean: str, sd: str, check: pd.Series) -> Said:
    """The providers' confidence score: whether its printed mean passes GRIM (``check``:
    its row of the granularity checks)."""
    n, possible = int(check["n"]), bool(check["consistent"])
    text = (f"**The providers' confidence, {mean} ± {sd} (n = {n}).** "
            + pick(possible, "The mean is possible (GRIM). ",
                   f"No {n} whole numbers average {mean} (GRIM). ")
            + "Which n, or which grain of answer, would work?")
    return Said(text, {"n": n, "mean possible (GRIM)": possible})


def confidence_alternatives(alternatives: pd.DataFrame, n: int, later: pd.Series,
                            table4_checks: pd.DataFrame) -> Said:
    """Which grain of answer or n reproduces the confidence score
    (:func:`analysis.checks.granularity_audit.confidence_alternatives`), whether the later
    providers' mean is possible, and how many Table 4 values the header's n rules out."""
    whole, same_n, halves = (alternatives.iloc[k]["works"] for k in range(3))
    lead = pick(bool(same_n), "Whole-number answers can reproduce",
                pick(bool(halves), "Only half-point answers reproduce",
                     "No grain of answer tried reproduces"))
    header = int(table4_checks["n"].iloc[0])
    ruled_out = int((~table4_checks["consistent"]).sum())
    items = table4_checks["id"].str.rsplit(".", n=2).str[0].nunique()
    text = (f"{lead} both the mean and the SD with the {n} providers interviewed (whole numbers "
            f"give the mean alone for n in {whole}). The later providers' {later['printed']} "
            f"(n = {later['n']}) is {pick(bool(later['consistent']), 'possible', 'impossible too')}"
            f". The reconstruction keeps whole numbers (the nearest {n}), so the two confidence "
            "rows are reported as mismatches, with this explanation.\n\n"
            f"**The consumers' ratings, n = {header}.** For {header}, GRIM and GRIMMER rule out "
            f"{ruled_out} of the {len(table4_checks)} means and SDs of the {items} items (the "
            "table above). Scan n:")
    return Said(text, {"whole numbers, same n": bool(same_n), "half points": bool(halves),
                       "Table 4 header n": header, "Table 4 values ruled out": ruled_out})


def _t_line(row) -> str:
    places = decimals(row.printed_t)
    shown = fmt(float(row.printed_t), places)
    extreme = pick(row.welch_matching == 1 and fmt(row.welch_min, places) == shown,
                   " and it is the most extreme one (every top rating in the later group)", "")
    return (f"{row.question.replace('_', ' ')}: {row.pooled_matching} of {row.splits} splits "
            f"give the printed {shown} as a pooled t, {row.welch_matching} as Welch's t{extreme}")


def rating_t_tests(t_range: pd.DataFrame, later_rated: int) -> Said:
    """The two rating t tests by wave: over every split of the consistent samples
    (:func:`analysis.stages.outcome_tables.t_freedom`), whether the pooled t can give the
    printed value and whether Welch's t can."""
    pooled_never = bool((t_range["pooled_matching"] == 0).all())
    welch_some = bool((t_range["welch_matching"] > 0).all())
    text = (pick(pooled_never and welch_some, "No split gives the printed value as a pooled "
                 "(Student) t, while some give it as **Welch's** t, the row SPSS labels "
                 "\"equal variances not assumed\" (fan2019 names no software, so that it was "
                 "SPSS is an assumption). The case for Welch rests on the first fact, which "
                 "holds for every split (whole-number ratings, the n below); the second only "
                 "shows that Welch's t is possible. The counts of splits say what the data "
                 "could be, not how likely each is: one fitting split of many is enough to "
                 "make a value possible, and no evidence that it happened. ",
                 "The pooled and Welch t are both possible for some items (below). ")
            + "; ".join(_t_line(r) for r in t_range.itertuples())
            + f" (the later group: {later_rated} consumers who rated). The reconstruction uses "
            "a split that reproduces the printed Welch t and p.")
    return Said(text, {"no split gives the pooled t": pooled_never,
                       "some split gives Welch's t": welch_some})


def wave_survivors(interviews: pd.DataFrame, tests: int) -> Said:
    """Which initial-vs-later rating differences stay significant under both Bonferroni and
    Holm (:func:`analysis.stages.outcome_tables.wave_ratings`)."""
    survivors = {m: set(tables.wave_ratings(interviews, m).query("significant")["question"])
                 for m in ("bonferroni", "holm")}
    kept = sorted(set.intersection(*survivors.values()))
    named = listed([q.replace("_", " ") for q in kept], "no item")
    text = (f"{named[0].upper() + named[1:]} stay significant after correction for {tests} "
            "tests (Bonferroni and Holm alike); the others depend on the reconstruction and "
            "were chosen to differ as little as the data allow.")
    return Said(text, {"significant under both": listed(kept)})


def benefit_choices(interviews: pd.DataFrame, comparisons: pd.DataFrame, labels: dict,
                    work: dict[str, str]) -> Said:
    """Which perceived-benefit items differ between providers and consumers under every
    corrected choice (Bonferroni or Holm, exact or asymptotic p), and the work-skill test
    against its printed statistic and p (``work``)."""
    corrected = {(m, e): tuple(tables.benefit_comparisons(interviews, m, e)
                               .query("significant")["question"])
                 for m in ("bonferroni", "holm") for e in ("never", "always")}
    differs = sorted(set.intersection(*map(set, corrected.values())))
    one = len(set(corrected.values())) == 1
    row = comparisons.set_index("question").loc["daily_life_and_work_improve_work_skill"]
    text = (f"{pick(one, 'Only', 'Under every choice,')} "
            f"{listed([labels.get(q, q) for q in differs], 'no item')} differs "
            f"{pick(one, 'under each', 'but the others vary across the')} of the "
            f"{len(corrected)} corrected choices for the {len(comparisons)} tests (Bonferroni "
            "or Holm, exact or asymptotic p; rerun the notebook with "
            "`multiple_testing=\"holm\"` or `exact_p=\"always\"`). Work skill: Pearson χ²(1) = "
            f"{fmt(row['chi2'], decimals(work['statistic']))} against the printed "
            f"{work['statistic']}, p = {fmt(row['p_pearson'], 4)} against the printed p "
            f"{work['p']}. These counts are all printed, so this conclusion does not depend on "
            "the reconstruction.")
    return Said(text, {"corrected choices": len(corrected), "same items under each": one,
                       "items that differ under every choice": listed(differs)})


def conservative_share(count: int, percent: str, recruited: int, answered: int) -> Said:
    """The "conservative" satisfaction share: the printed count over every consumer
    recruited, those lost to follow-up counted as not satisfied."""
    text = (f"The \"conservative\" figure, {count} of {recruited} ({percent}%; "
            f"{fmt(100 * count / recruited, 1)}% when computed), counts the "
            f"{recruited - answered} consumers lost to follow-up as not satisfied.")
    return Said(text, {"recruited": recruited, "answered": answered})
