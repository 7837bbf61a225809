"""``reports/review.md``: the reviewer's letter, generated.

In the form a reviewer sends to an editor: a summary per paper, then each distinct problem
with its evidence, the rows it affects and what the authors should check, then what was
verified and how strongly. Every number in it is counted from ``reports/reproduction.csv``,
``reports/conclusions.csv`` and the audit tables; every problem's title, evidence and request
is rendered from templates and computed facts (:mod:`analysis.report.notes`), the same text
the page and the ``note`` column of ``reproduction.csv`` carry.
"""

from __future__ import annotations

import pandas as pd

from analysis.io import paths
from analysis.io.files import atomic_write_text
from analysis.report.assumptions import effect_words
from analysis.report.page import (
    PAPERS,
    conclusions_table,
    distinct_problems,
    rows_with_context,
)
from analysis.report.page_sections import conclusions_resting
from analysis.report.summary import categories, counted

__all__ = ["review_markdown", "write_review"]


def _summary(rows: pd.DataFrame, problems: pd.DataFrame) -> list[str]:
    """Per paper: its printed numbers in the headline's disjoint categories, and its
    problems."""
    lines = []
    for paper, mine in rows.groupby("paper", sort=False):
        text, doi = PAPERS[paper]
        found = categories(mine)
        said = "; ".join(counted(r.count, r.words.split(",")[0].split(" (")[0])
                         for r in found[found["count"] > 0].itertuples(index=False))
        failing = problems[(problems["paper"] == paper) & problems["mismatch"]]
        other = problems[(problems["paper"] == paper) & ~problems["mismatch"]]
        lines += [f"**{text}** (doi:{doi}). Of its {len(mine)} printed numbers, {said}. They "
                  f"form {len(failing)} distinct problem{'' if len(failing) == 1 else 's'} of "
                  f"numbers that do not reproduce and {len(other)} more of reporting (a "
                  "number reproduced only by another method, or by only some readings of the "
                  "text).", ""]
    return lines


def _problem(number: int, problem: pd.Series, rows: pd.DataFrame,
             conclusions: pd.DataFrame) -> list[str]:
    """One problem as :mod:`analysis.report.notes` rendered it: evidence, how strong, every
    row (with its own note where it adds to the evidence), the conclusions resting on it."""
    mine = rows[rows["problem"] == problem["problem"]]
    affected = []
    for r in mine.itertuples():
        affected.append(f"- `{r.id}`: printed {r.printed}, reproduced {r.shown} "
                        f"({r.status.replace('_', ' ')}; evidence {r.evidence.replace('_', ' ')}"
                        f"; {r.discrepancy.replace('_', ' ') or 'no class'})")
        if r.note != problem["evidence"]:
            affected.append(f"  {r.note}")
    said = conclusions_resting(set(mine["id"]), conclusions)
    effect = ("No conclusion rests on these numbers." if not said else
              "Conclusions resting on them: " + " ".join(said))
    return [f"### {number}. {problem['title']} ({problem['paper']})", "",
            f"**Evidence.** {problem['evidence']} {problem['strength']}".rstrip(), "",
            *affected, "", effect, "", f"**Please check.** {problem['check']}", ""]


def _verified(rows: pd.DataFrame) -> list[str]:
    """What was verified and how strongly: every printed number in exactly one category
    (:func:`analysis.report.summary.categories`)."""
    found = categories(rows)
    lines = ["## What was verified", "",
             f"Each of the {len(rows)} printed numbers is in exactly one of these categories:",
             ""]
    for row in found[found["count"] > 0].itertuples(index=False):
        other = (f" ({row.other_method} only under another method than the paper names)"
                 if row.other_method else "")
        lines.append(f"- {counted(row.count, row.words)}{other}.")
    return [*lines, ""]


def _conclusions(conclusions: pd.DataFrame) -> list[str]:
    """The papers' conclusions that do not hold under every defensible analysis: how each
    fares, the choice that breaks it by the most, and the rules that fired for its tests."""
    from analysis.evidence.rules import rule_by_id
    from analysis.report.prose import verdict

    if "worst" not in conclusions:
        return []
    fragile = conclusions[conclusions["all_choices"].isin(["mixed", "fails", "unresolved"])]
    lines = ["## The conclusions under every defensible analysis", "",
             f"Each conclusion was tried under the analyses that rules make defensible for its "
             f"tests, and over every dataset consistent with the printed numbers "
             f"(`reports/conclusions.csv`). {len(fragile)} of {len(conclusions)} do not hold "
             "under every one:", ""]
    for row in fragile.itertuples(index=False):
        rules = "; ".join(rule_by_id(r).name for r in row.rules.split())
        lines.append(f"- {verdict(pd.Series(row._asdict()))} Rules that fired: {rules}.")
    return [*lines, ""]


def _assumptions() -> list[str]:
    """Every assumption the papers do not state, its basis, and what changes without it
    (``reports/assumptions.csv``)."""
    path = paths.REPORTS / "assumptions.csv"
    if not path.is_file():
        return []
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    lines = ["## Assumptions", "",
             "What the judgements above assume, and on what basis (the papers' words, a "
             "document, an inference from the printed numbers, or nothing: assumed):", ""]
    for row in table.itertuples(index=False):
        basis = f"{row.basis}: '{row.quote}'" if row.quote else row.basis
        effect = effect_words(row.alternative, row.changed, row.changed_ids)
        lines.append(" ".join(part for part in (
            f"- {row.paper}, {row.topic} ({basis}). {row.assumption}", row.source, effect)
            if part))
    return [*lines, ""]


def review_markdown(report: pd.DataFrame) -> str:
    """The letter as Markdown (see the module docstring)."""
    rows = rows_with_context(report)
    problems = distinct_problems(rows)
    conclusions = conclusions_table()
    lines = ["# Reproducibility review: Fan et al., BMC Psychiatry 2018 and 2019", "",
             "Dear Editor,", "",
             "I tried to reproduce every number printed in the two papers, from the printed "
             "numbers themselves and from synthetic record-level data built to agree with "
             "them (the raw data are not public). My findings follow.", "", "## Summary", "",
             *_summary(rows, problems), "## Problems, in order of importance", ""]
    for number, (_, problem) in enumerate(problems.iterrows(), start=1):
        lines += _problem(number, problem, rows, conclusions)
    lines += [*_conclusions(conclusions), *_verified(rows), *_assumptions(),
              "Every row, with its method and evidence, is in `reports/reproduction.csv`; the "
              "page `reports/reproduction.html` shows each one. This letter is generated by "
              "`make reproduce` (`analysis/report/review.py`); do not edit it.", ""]
    return "\n".join(lines)


def write_review(report: pd.DataFrame, provenance: dict | None = None) -> None:
    """Write ``reports/review.md`` (not for a run on real data: it reviews the papers)."""
    if provenance and provenance.get("mode") == "real":
        return
    atomic_write_text(paths.REPORTS / "review.md", review_markdown(report))
