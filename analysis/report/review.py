"""``reports/review.md``: the reviewer's letter, generated.

In the form a reviewer sends to an editor: a summary per paper, then each distinct problem
with its evidence, the rows it affects and what the authors should check, then what was
verified and how strongly. Every number in it is counted from ``reports/reproduction.csv``,
``reports/conclusions.csv`` and the audit tables; the problems' titles and requests are our
annotations (``data/published/problems.csv``), the evidence the explanations of
``data/published/explanations.csv``.
"""

from __future__ import annotations

import pandas as pd

from analysis.io import paths
from analysis.io.files import atomic_write_text
from analysis.report.page import (
    PAPERS,
    conclusions_table,
    distinct_problems,
    rows_with_context,
)

__all__ = ["review_markdown", "write_review"]


def _summary(rows: pd.DataFrame, problems: pd.DataFrame) -> list[str]:
    lines = []
    for paper, mine in rows.groupby("paper", sort=False):
        text, doi = PAPERS[paper]
        agree = mine["status"].isin(["match", "match_other_method"])
        published = int((agree & (mine["evidence"] == "published")).sum())
        failing = problems[(problems["paper"] == paper) & problems["mismatch"]]
        other = problems[(problems["paper"] == paper) & ~problems["mismatch"]]
        lines += [f"**{text}** (doi:{doi}). Of its {len(mine)} printed numbers, {published} "
                  "were reproduced from other printed numbers alone, "
                  f"{int((mine['evidence'] == 'by_construction').sum())} could only be shown "
                  "possible (synthetic data built to give them), "
                  f"{int((mine['status'] == 'mismatch').sum())} do not reproduce "
                  f"({len(failing)} distinct problem{'' if len(failing) == 1 else 's'}), and "
                  f"{int((mine['status'] == 'match_other_method').sum())} reproduce only under "
                  f"another method than the paper names ({len(other)} more "
                  f"problem{'' if len(other) == 1 else 's'} of reporting).", ""]
    return lines


def _problem(number: int, problem: pd.Series, rows: pd.DataFrame,
             conclusions: pd.DataFrame) -> list[str]:
    mine = rows[rows["problem"] == problem["problem"]]
    resting = conclusions[conclusions["rests_on"].map(
        lambda text: bool(set(text.split()) & set(mine["id"])))]
    affected = [f"- `{r.id}`: printed {r.printed}, reproduced {r.shown} "
                f"({r.status.replace('_', ' ')}; {r.discrepancy.replace('_', ' ')})"
                for r in mine.itertuples()]
    effect = ("No conclusion rests on these numbers." if resting.empty else
              "Conclusions resting on them: " + "; ".join(
                  f"\"{c.statement}\" ({c.as_printed} as printed, {c.all_choices} under every "
                  "defensible choice)" for c in resting.itertuples()) + ".")
    return [f"### {number}. {problem['title']} ({problem['paper']})", "",
            f"**Evidence.** {mine['note'].iloc[0]}", "", *affected, "", effect, "",
            f"**Please check.** {problem['check']}", ""]


def _verified(rows: pd.DataFrame) -> list[str]:
    counts = rows["evidence"].value_counts()
    agree = rows["status"].isin(["match", "match_other_method"])
    published = int((agree & (rows["evidence"] == "published")).sum())
    return ["## What was verified", "",
            f"- {published} of {int(counts.get('published', 0))} numbers that can be "
            "recomputed from other printed numbers alone agree with them.",
            f"- {int(counts.get('invariant', 0))} numbers computed from records were proved to "
            "take the printed value for every dataset consistent with the printed numbers; "
            f"{int(counts.get('dependent', 0))} depend on the unpublished data (their exact "
            "ranges are in `reproduction.csv`).",
            f"- {int(counts.get('by_construction', 0))} numbers agree only because the "
            "synthetic data were built to give them: this shows that such data can exist, not "
            "that the analysis was reproduced.",
            f"- {int(counts.get('unavailable', 0))} numbers cannot be recomputed: their inputs "
            "are not published.", ""]


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
    lines += [*_verified(rows),
              "Every row, with its method and evidence, is in `reports/reproduction.csv`; the "
              "page `reports/reproduction.html` shows each one. This letter is generated by "
              "`make reproduce` (`analysis/report/review.py`); do not edit it.", ""]
    return "\n".join(lines)


def write_review(report: pd.DataFrame, provenance: dict | None = None) -> None:
    """Write ``reports/review.md`` (not for a run on real data: it reviews the papers)."""
    if provenance and provenance.get("mode") == "real":
        return
    atomic_write_text(paths.REPORTS / "review.md", review_markdown(report))
