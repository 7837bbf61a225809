"""A comparison of two runs (:mod:`analysis.report.changes`) in words and tables: the
summary the command line prints, ``reports/changes.csv``, the section at the top of
``reproduction.md`` and of the page, and, for a run on your data, the papers' numbers and
conclusions on your data beside the published reproduction. Every count and verdict comes
from the comparison; nothing is typed."""

from __future__ import annotations

import pandas as pd

from analysis.report.changes import Comparison, paper_test
from analysis.report.page_assets import e
from analysis.report.results import STATUS_LABELS as LABELS

__all__ = [
    "CHANGES_COLUMNS",
    "TITLE",
    "changes_frame",
    "html_section",
    "markdown_section",
    "real_data_counts",
    "summary_lines",
]

#: The comparison's section, first in the report and the page of every run but the published
#: reproduction.
TITLE = "What this run changed"
CHANGES_COLUMNS = ["kind", "id", "paper", "field", "before", "after", "evidence_before"]
#: What each changed field is called in words.
FIELD_WORDS = {"reproduced": "reproduced value", "status": "status", "evidence": "evidence",
               "discrepancy": "discrepancy class", "row": "row", "as_printed": "as printed",
               "all_choices": "under every choice", "over_data": "over the data",
               "p range": "p range", "paper_test": "with the paper's test"}
#: How many changed numbers the summary and the markdown list (the CSV lists every one).
FIRST = 5
LISTED = 40


def changes_frame(comparison: Comparison) -> pd.DataFrame:
    """``reports/changes.csv``: one row per changed parameter, printed number field and
    conclusion field (``kind`` parameter, number or conclusion), before and after."""
    parameters = comparison.parameters.rename(columns={"notebook": "paper", "parameter": "id"})
    parts = [parameters.assign(kind="parameter", field="value", evidence_before=""),
             comparison.rows.assign(kind="number"),
             comparison.conclusions.assign(kind="conclusion", evidence_before="")]
    frame = pd.concat([p for p in parts if not p.empty] or [pd.DataFrame(
        columns=CHANGES_COLUMNS)], ignore_index=True)
    return frame.reindex(columns=CHANGES_COLUMNS).fillna("")


def _short(value: str) -> str:
    try:
        number = float(value)
    except ValueError:
        return value or "(empty)"
    return f"{number:.6g}"


def _one_change(row) -> str:
    return f"{FIELD_WORDS.get(row.field, row.field)} {_short(row.before)} → {_short(row.after)}"


def _by_id(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """Each changed id with all its changes in one phrase."""
    return [(i, "; ".join(_one_change(r) for r in group.itertuples()))
            for i, group in frame.groupby("id", sort=False)]


def _counted(frame: pd.DataFrame, column: str) -> str:
    counts = frame[column].replace("", "none").value_counts()
    return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in counts.items())


def _beyond(comparison: Comparison) -> str:
    """How many reproduced values differ only beyond the printed decimals, in words."""
    count = comparison.beyond_printed
    return (f"{count} reproduced value{'s' if count != 1 else ''} differ"
            f"{'s' if count == 1 else ''} only beyond the printed decimals" if count else "")


def _numbers(comparison: Comparison) -> str:
    """The printed numbers that changed at the printed decimals, in words, with their
    fields and their evidence before the change."""
    total, count = comparison.totals()[0], len(comparison.changed_ids())
    rows = comparison.rows
    untouched = sorted({"published", "invariant"} - set(rows["evidence_before"]))
    parts = [_counted(rows[rows["field"] != "row"], "field"),
             _counted(rows[rows["field"] == "row"].assign(field=lambda f: "only in " + f[
                 "before"].map({"present": "the first run", "absent": "the second run"})),
                 "field"),
             "by their evidence before: " + _counted(rows.drop_duplicates("id").assign(
                 evidence_before=lambda f: f["evidence_before"].replace("", "new")),
                 "evidence_before"),
             f"no {' or '.join(untouched)} row changed" if untouched else "",
             _beyond(comparison)]
    said = "; ".join(part for part in parts if part)
    if not count:
        beyond = _beyond(comparison)
        return (f"none of the {total} printed numbers at the printed decimals"
                + (f" ({beyond})" if beyond else ""))
    return f"{count} of {total} printed numbers at the printed decimals ({said})"


def headline(comparison: Comparison) -> str:
    """One sentence: what was compared and how much changed."""
    before, after = comparison.before, comparison.after
    lead = f"Compared with {before.label}, {after.label}"
    total, concluded = comparison.totals()
    if comparison.unchanged:
        beyond = f"; {_beyond(comparison)}" if comparison.beyond_printed else ""
        return (f"{lead}: nothing changed (all {total} printed numbers are the same at the "
                f"printed decimals, and all {concluded} conclusions{beyond}).")
    return (f"{lead} changes {_numbers(comparison)} and "
            f"{comparison.conclusions['id'].nunique()} of {concluded} conclusions.")


def summary_lines(comparison: Comparison, first: int = FIRST) -> list[str]:
    """What the command line prints: the headline, the parameters that differ, the first
    ``first`` changed numbers and every changed conclusion."""
    lines = [headline(comparison)]
    changed = comparison.parameters
    lines.append("parameters that differ: " + (", ".join(
        f"{r.notebook} {r.parameter} {r.before} → {r.after}" for r in changed.itertuples())
        or "none"))
    numbers = _by_id(comparison.rows)
    for row_id, said in numbers[:first]:
        lines.append(f"  {row_id}: {said}")
    if len(numbers) > first:
        lines.append(f"  ... and {len(numbers) - first} more in reports/changes.csv")
    for row_id, said in _by_id(comparison.conclusions):
        lines.append(f"  conclusion {row_id}: {said}")
    return lines


def real_data_counts(comparison: Comparison) -> pd.DataFrame:
    """Per paper and status, the printed numbers of the published reproduction and of your
    data (a run on your data is judged against the papers, as the reproduction is)."""
    def counts(rows: pd.DataFrame) -> pd.Series:
        return rows.groupby(["paper", "status"]).size()

    frame = pd.concat({comparison.before.label: counts(comparison.before.reproduction),
                       comparison.after.label: counts(comparison.after.reproduction)},
                      axis=1).fillna(0).astype(int).reset_index()
    frame["status"] = frame["status"].map(lambda s: LABELS.get(s, s))
    return frame


#: How a status reads in the sentence of a run on your data ("236 as printed").
ON_DATA = {"match": "as printed", "match_other_method": "only by another method than the "
           "paper names", "mismatch": "not at all (mismatch)",
           "not_computable": "cannot be computed on these data",
           "depends_on_reading": "depending on how the text is read",
           "not_reproducible": "not reproducible",
           "pending": "pending (a notebook did not finish)"}


#: How the rows not computed from your data are counted in that sentence.
EVIDENCE_WORDS = {"published": "are recomputed from other printed numbers alone",
                  "unavailable": "cannot be computed from any record (not reproducible)"}


def real_data_sentences(comparison: Comparison) -> list[str]:
    """For a run on your data, one sentence per paper: how many of its printed numbers the
    data reproduce as printed, by another method, or not at all; then the conclusions the
    paper's own tests decide on the data (:func:`analysis.report.changes.paper_test`)."""
    said = []
    for paper, rows in comparison.after.reproduction.groupby("paper", sort=True):
        data = rows[rows["evidence"] == "real_data"]
        counts = data["status"].value_counts()
        parts = [f"{int(counts[s])} {ON_DATA.get(s, s)}" for s in ON_DATA if s in counts]
        rest = rows[rows["evidence"] != "real_data"]["evidence"].value_counts()
        others = "; ".join(f"{int(n)} {EVIDENCE_WORDS.get(k, k)}" for k, n in rest.items())
        said.append(f"{paper}: of its {len(rows)} printed numbers, {len(data)} are computed "
                    f"from your data, which reproduce {', '.join(parts) or 'none'}"
                    + (f"; {others}" if others else "") + ".")
    tests = paper_test(comparison.after)
    tests = tests[tests["verdict"] != "not_applicable"]
    counts = tests["verdict"].value_counts()
    verdicts = ", ".join(f"{int(counts[v])} {v}" for v in ("holds", "fails", "mixed",
                                                          "not computed") if v in counts)
    said.append(f"Of the {len(tests)} conclusions a p decides, with the paper's own test on "
                f"your data: {verdicts}.")
    return said


def _markdown_table(frame: pd.DataFrame) -> list[str]:
    header = "| " + " | ".join(str(c).replace("|", "\\|") for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    return [header, rule, *("| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |"
                            for row in frame.itertuples(index=False))]


def _conclusion_rows(comparison: Comparison) -> pd.DataFrame:
    """Every conclusion decided by a p: the paper's own test as each run reproduced it
    (:func:`analysis.report.changes.paper_test`; on real data, the conclusion on your data),
    and its verdict under every defensible choice, which notebook 05 judges from the printed
    numbers (and, for Fig. 1, the sessions given), not from the records."""
    first, second = comparison.before.label, comparison.after.label
    old = paper_test(comparison.before).set_index("id")
    new = paper_test(comparison.after).set_index("id")
    choices = comparison.after.conclusions.set_index("id")["all_choices"]
    rows = [(i, old.loc[i, "verdict"] if i in old.index else "", new.loc[i, "verdict"],
             old.loc[i, "p"] if i in old.index else "", new.loc[i, "p"], choices[i])
            for i in new.index if new.loc[i, "verdict"] != "not_applicable"]
    return pd.DataFrame(rows, columns=[
        "conclusion", f"paper's test: {first}", f"paper's test: {second}", f"p: {first}",
        f"p: {second}", "under every choice (from the printed numbers)"])


def _tables(comparison: Comparison) -> list[tuple[str, pd.DataFrame, str]]:
    """The section's tables, each with its title and a note on what is left out."""
    rows = comparison.rows.rename(columns={"evidence_before": "evidence before"})
    rows["field"] = rows["field"].map(lambda f: FIELD_WORDS.get(f, f))
    listed = rows.head(LISTED)
    rest = len(rows) - len(listed)
    found = [("Parameters that differ", comparison.parameters, ""),
             ("Printed numbers that changed", listed,
              f"The other {rest} changes are in `changes.csv`." if rest else ""),
             ("Conclusions that changed", comparison.conclusions.assign(
                 field=comparison.conclusions["field"].map(lambda f: FIELD_WORDS.get(f, f))),
              "")]
    if comparison.after.mode != "real":
        return found
    return [("The papers' printed numbers: the published reproduction and your data",
             real_data_counts(comparison), ""),
            ("The papers' conclusions on your data", _conclusion_rows(comparison), ""),
            *found]


def markdown_section(comparison: Comparison) -> str:
    """``## What this run changed`` for the top of ``reproduction.md``."""
    lines = [f"## {TITLE}", ""]
    if comparison.after.mode == "real":
        lines += [*(f"- {line}" for line in real_data_sentences(comparison)), ""]
    lines += [headline(comparison), ""]
    for title, frame, note in _tables(comparison):
        if frame.empty:
            continue
        lines += [f"### {title}", "", *_markdown_table(frame), ""]
        lines += [note, ""] if note else []
    lines += ["Every change is in `changes.csv` beside this report "
              "(`python -m analysis.compare` compares any two runs).", ""]
    return "\n".join(lines)


def _html_table(frame: pd.DataFrame, title: str) -> str:
    head = "".join(f"<th scope='col'>{e(c)}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{e(v)}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    return (f"<div class='scroll' tabindex='0' role='region' aria-label='{e(title)}'><table>"
            f"<tr>{head}</tr>{body}</table></div>")


def html_section(comparison: Comparison) -> list[str]:
    """The page's first section: the headline, then each table that is not empty."""
    parts = ([f"<p class='verdict'>{e(line)}</p>" for line in real_data_sentences(comparison)]
             if comparison.after.mode == "real" else [])
    size = "small" if parts else "verdict"  # below the real-data sentences, in small type
    parts.append(f"<p class='{size}'>{e(headline(comparison))}</p>")
    for title, frame, note in _tables(comparison):
        if frame.empty:
            continue
        parts += [f"<h3>{e(title)}</h3>", _html_table(frame, title)]
        parts += [f"<p class='small'>{e(note.replace('`', ''))}</p>"] if note else []
    return parts
