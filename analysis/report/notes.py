"""Every problem and note of the report, rendered from templates and computed facts.

``data/published/explanations.csv`` assigns each row that is not a plain match to a problem
of ``problems.csv`` (or to the reason its inputs are not published). For every problem with
rows, :func:`render_notes`:

1. checks that each of its rows has a status the problem explains (a problem that says the
   numbers "do not reproduce" cannot cover a row that matches), and that every mismatch,
   every number that depends on its reading and every unpublished row has a problem;
2. computes the problem's facts (:data:`PROBLEM_FACTS`) and renders its
   title, evidence and request, with a sentence saying how strong the evidence is;
3. renders each row's note: the first template of ``notes.csv`` whose condition holds for the
   row's facts, or the problem's evidence.

A false assertion, an unknown fact or a row that no template fits raises
:class:`analysis.report.templates.TemplateError`: the published report is not written. A run
with other parameters (``strict=False``) may legitimately change a status: there a problem
that no longer holds, and a row no problem explains, get a note that says so (computed from
the error), and the problem is left out of the letter and the page. Rows no notebook has
judged yet (``pending``) belong to no problem. The letter, the page and ``reproduction.csv``
all say what this module renders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from analysis.io.annotations import load_explanations, load_notes, load_problems, load_stages
from analysis.printed.significance import ALPHA
from analysis.report import facts_printed as printed_facts
from analysis.report import facts_proved as proved
from analysis.report.facts_context import Context, facts_table, row_base
from analysis.report.templates import Fact, TemplateError, evaluate, kind_sentence, render

__all__ = ["GLOBAL_FACTS", "PROBLEM_FACTS", "PROBLEM_TEXT_COLUMNS", "ROW_FACTS", "Rendered",
           "render_notes"]

#: Problem -> the function computing its facts (problem level).
PROBLEM_FACTS: dict[str, Callable[[Context, pd.DataFrame], dict[str, Fact]]] = {
    "fisher_p_beside_pearson": printed_facts.fisher_problem,
    "double_rounding": printed_facts.double_rounding,
    "goodness_of_fit_on_assessed": printed_facts.assessed_problem,
    "satisfaction_statistic_typo": printed_facts.typo,
    "caregiver_row_copied": printed_facts.copied,
    "age_t_not_whole_years": proved.age,
    "ratio_reading": proved.ratio,
    "bonferroni_family": proved.bonferroni,
    "confidence_half_points": proved.confidence,
    "percent_rounding": printed_facts.percent,
    "followup_months_abstract": printed_facts.followup,
    "table4_rated_by_41": proved.table4,
    "welch_t_for_ratings": proved.welch,
}

#: Problem or reason -> the function computing the facts of one of its rows.
ROW_FACTS: dict[str, Callable[[Context, pd.Series], dict[str, Fact]]] = {
    "fisher_p_beside_pearson": printed_facts.fisher_row,
    "goodness_of_fit_on_assessed": printed_facts.assessed_row,
    "table4_rated_by_41": proved.table4_row,
    "welch_t_for_ratings": proved.welch_row,
    "inclusion_age": proved.inclusion,
}



#: Facts every template may use.
GLOBAL_FACTS = {"alpha": Fact(ALPHA, "words", "the significance level the papers test at")}

#: One row per problem with rows: what the letter and the page say of it.
PROBLEM_TEXT_COLUMNS = ["problem", "kind", "paper", "mismatch", "order", "title", "evidence",
                        "strength", "check", "rows"]

#: Statuses that must belong to a problem.
NEEDS_PROBLEM = ("mismatch", "depends_on_reading", "not_reproducible")

#: The note of a row no problem explains, in a run with other parameters.
UNEXPLAINED = ("No explanation of the published reproduction covers this status, which this "
               "run's parameters changed.")


@dataclass(frozen=True)
class Rendered:
    """The report with ``problem`` and ``note`` filled, the problems' texts, every fact."""

    report: pd.DataFrame
    problems: pd.DataFrame
    facts: pd.DataFrame


def _rows(report: pd.DataFrame, registry: pd.DataFrame, explanations: pd.DataFrame,
          strict: bool) -> pd.DataFrame:
    """The report's rows with their problem and measure (none for a row not yet judged); an
    error for an unexplained one (in a run with other parameters, a note saying so)."""
    rows = report.copy()
    rows["problem"] = rows["id"].map(explanations["problem"]).fillna("")
    rows.loc[rows["status"] == "pending", "problem"] = ""
    rows["measure"] = rows["id"].map(load_stages(registry).set_index("id")["measure"])
    missing = rows[rows["status"].isin(NEEDS_PROBLEM) & (rows["problem"] == "")]
    if not missing.empty and strict:
        raise TemplateError(f"{missing.iloc[0]['id']}: status {missing.iloc[0]['status']!r} "
                            "but no problem in data/published/explanations.csv explains it")
    rows.loc[missing.index, "note"] = UNEXPLAINED
    unknown = set(explanations.index) - set(rows["id"])
    if unknown:
        raise TemplateError(f"explanations.csv names rows the report lacks: {sorted(unknown)[:3]}")
    return rows


def _check_statuses(problem: str, statuses: str, mine: pd.DataFrame) -> None:
    wrong = mine[~mine["status"].isin(statuses.split())]
    if not wrong.empty:
        raise TemplateError(f"problem {problem!r} explains {statuses!r}, but "
                            f"{wrong.iloc[0]['id']} is {wrong.iloc[0]['status']!r}")


def _row_note(problem: str, row: pd.Series, facts: dict, templates: pd.DataFrame,
              ctx: Context, printed: dict) -> tuple[str, dict]:
    """The note of one row and the facts it used."""
    mine = {**facts, **row_base(row)}
    if problem in ROW_FACTS:
        mine.update(ROW_FACTS[problem](ctx, row))
    where = f"note of {row['id']} ({problem})"
    for template in templates.itertuples(index=False):
        if not template.when or evaluate(template.when, mine):
            return render(template.text, mine, printed, where)[0], mine
    raise TemplateError(f"{where}: no template of notes.csv applies to this row")


def _problem_text(problem: str, entry: pd.Series, mine: pd.DataFrame, facts: dict,
                  printed: dict) -> dict:
    where = f"problem {problem!r}"
    title = render(entry["title"], facts, printed, f"{where}, title")[0]
    evidence, kinds = render(entry["evidence"], facts, printed, f"{where}, evidence")
    check = render(entry["check"], facts, printed, f"{where}, check")[0]
    return {"problem": problem, "kind": entry["kind"], "paper": mine["paper"].iloc[0],
            "mismatch": bool((mine["status"] == "mismatch").any()),
            "order": int(mine.index[0]), "title": title, "evidence": evidence,
            "strength": kind_sentence(kinds), "check": check, "rows": " ".join(mine["id"])}


def _render_problem(entry: pd.Series, templates: pd.DataFrame, mine: pd.DataFrame,
                    rows: pd.DataFrame, ctx: Context, found: dict) -> dict:
    """Render one problem (``entry`` of problems.csv, its note ``templates``) and its rows'
    notes into ``rows``; return its texts."""
    problem = entry.name
    _check_statuses(problem, entry["statuses"], mine)
    facts = {**GLOBAL_FACTS, **(PROBLEM_FACTS[problem](ctx, mine)
                                if problem in PROBLEM_FACTS else {})}
    found[problem] = facts
    text = _problem_text(problem, entry, mine, facts, ctx.printed)
    for index, row in mine.iterrows():
        if templates.empty:
            rows.loc[index, "note"] = text["evidence"]
            continue
        rows.loc[index, "note"], found[f"{problem}/{row['id']}"] = _row_note(
            problem, row, facts, templates, ctx, ctx.printed)
    return text


def render_notes(report: pd.DataFrame, registry: pd.DataFrame, ctx: Context | None = None,
                 strict: bool = True) -> Rendered:
    """The report with every note and problem rendered (see the module docstring)."""
    problems, notes = load_problems(), load_notes()
    rows = _rows(report, registry, load_explanations(problems=problems), strict)
    ctx = ctx or Context(registry, rows)
    texts, found = [], {}
    for problem, mine in rows[rows["problem"] != ""].groupby("problem", sort=False):
        try:
            texts.append(_render_problem(problems.loc[problem],
                                         notes[notes["problem"] == problem], mine, rows, ctx,
                                         found))
        except TemplateError as error:
            if strict:
                raise
            rows.loc[mine.index, "note"] = ("The published reproduction's explanation does "
                                            f"not hold in this run: {error}")
            rows.loc[mine.index, "problem"] = ""
    table = pd.DataFrame(texts, columns=PROBLEM_TEXT_COLUMNS).sort_values(
        ["mismatch", "order"], ascending=[False, True], kind="stable")
    return Rendered(rows.drop(columns=["measure"]), table.reset_index(drop=True),
                    facts_table(found))
