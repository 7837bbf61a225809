"""``reports/reproduction.csv`` and the short ``reports/reproduction.md``, each written
atomically (a failed run leaves the old files intact)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.io import paths
from analysis.io.files import atomic_write_text, read_csv_strict
from analysis.io.registry import load_registry
from analysis.report.assumptions import assumption_effects
from analysis.report.change_words import changes_frame, markdown_section
from analysis.report.changes import Comparison, RunOutputs, compare, this_run
from analysis.report.notes import render_notes
from analysis.report.results import REPORT_COLUMNS, STATUSES, build_report, load_results

__all__ = ["CATEGORIES", "EVIDENCE_ORDER", "FIGURE_VALUES", "categories", "category_of", "counted",
           "evidence_counts",
           "figure_values_markdown", "headline", "provenance_markdown", "summary_markdown",
           "write_report", "write_run_report"]

#: Evidence levels from strongest to weakest (see :mod:`analysis.evidence`).
EVIDENCE_ORDER = ("published", "invariant", "dependent", "by_construction", "real_data",
                  "unavailable")


def evidence_counts(report: pd.DataFrame) -> pd.DataFrame:
    """Printed numbers by evidence level (rows, strongest first) and status (columns)."""
    counts = pd.crosstab(report["evidence"], report["status"], margins=True, margins_name="all")
    rows = [e for e in (*EVIDENCE_ORDER, "all") if e in counts.index]
    columns = [s for s in (*STATUSES, "all") if s in counts.columns]
    return counts.loc[rows, columns]


AGREE = ("match", "match_other_method")

#: The headline's categories: disjoint, in this order, and together every printed number.
#: ``(key, test on a row, words)``; the words follow the count ("277 ...").
CATEGORIES = (
    ("published", lambda r: r["evidence"].eq("published") & r["status"].isin(AGREE),
     "agree when recomputed from other printed numbers alone"),
    ("invariant", lambda r: r["evidence"].eq("invariant") & r["status"].isin(AGREE),
     "agree for every dataset consistent with the printed numbers (computed from "
     "reconstructed records, with a proof that every consistent dataset gives the same "
     "verdict at the printed decimals)"),
    ("dependent", lambda r: r["evidence"].eq("dependent") & r["status"].isin(AGREE),
     "agree in the reconstruction but are not proved to agree for every consistent dataset "
     "(each row gives its range, exact or labelled as sampled)"),
    ("by_construction", lambda r: r["evidence"].eq("by_construction") & r["status"].isin(AGREE),
     "agree only because the reconstructed data were built to give them, which shows that "
     "such data can exist, not that an analysis was reproduced"),
    ("real_data", lambda r: r["evidence"].eq("real_data") & r["status"].isin(AGREE),
     "agree when computed from the real records"),
    ("reading", lambda r: r["status"].eq("depends_on_reading"),
     "depend on how the text is read: some readings reproduce them and others do not"),
    ("mismatch_proved", lambda r: r["status"].eq("mismatch")
     & r["evidence"].isin(["published", "invariant"]),
     "do not reproduce, which is proved from the printed numbers or over every consistent "
     "dataset"),
    ("mismatch_real", lambda r: r["status"].eq("mismatch") & r["evidence"].eq("real_data"),
     "do not reproduce when computed from the real records"),
    ("mismatch", lambda r: r["status"].eq("mismatch")
     & ~r["evidence"].isin(["published", "invariant", "real_data"]),
     "do not reproduce in the reconstruction (not proved for every consistent dataset)"),
    ("unavailable", lambda r: r["status"].eq("not_reproducible"),
     "cannot be recomputed because their inputs are not published"),
    ("not_computable", lambda r: r["status"].eq("not_computable"),
     "cannot be computed on the data given (the method is not defined on them)"),
    ("pending", lambda r: r["status"].eq("pending"), "are not yet judged by any notebook"),
)


_SINGULAR = {"agree": "agrees", "depend": "depends", "do": "does", "cannot": "cannot",
             "are": "is"}


def counted(count: int, words: str) -> str:
    """``count`` followed by a category's words, its verb agreeing with the count."""
    verb, _, rest = words.partition(" ")
    return f"{count} {_SINGULAR.get(verb, verb) if count == 1 else verb} {rest}"


def category_of(report: pd.DataFrame) -> pd.Series:
    """Each row's headline category (:data:`CATEGORIES`)."""
    masks = pd.DataFrame({key: test(report) for key, test, _ in CATEGORIES})
    return masks.idxmax(axis=1).where(masks.any(axis=1), "")


def categories(report: pd.DataFrame) -> pd.DataFrame:
    """Every printed number in exactly one headline category (:data:`CATEGORIES`): ``key``,
    ``count``, ``words``, ``other_method`` (how many agree only under another method than
    the paper names). An error if a row falls in none or in two."""
    masks = pd.DataFrame({key: test(report) for key, test, _ in CATEGORIES})
    per_row = masks.sum(axis=1)
    if not (per_row == 1).all():
        bad = report.loc[per_row != 1, ["id", "status", "evidence"]].iloc[0].to_dict()
        raise ValueError(f"a row in {int(per_row[per_row != 1].iloc[0])} headline categories: "
                         f"{bad}")
    other = report["status"].eq("match_other_method")
    return pd.DataFrame([{"key": key, "count": int(masks[key].sum()), "words": words,
                          "other_method": int((masks[key] & other).sum())}
                         for key, _test, words in CATEGORIES])


def headline(report: pd.DataFrame) -> str:
    """One paragraph, every number counted from ``report``, in categories that are disjoint
    and add up to every printed number (:func:`categories`)."""
    found = categories(report)
    found = found[found["count"] > 0]
    parts = []
    for row in found.itertuples(index=False):
        other = (f" ({row.other_method} of them only under another method than the paper "
                 "names)" if row.other_method else "")
        parts.append(f"{counted(row.count, row.words)}{other}")
    failed = report[report["status"] == "mismatch"]
    kinds = ", ".join(f"{int(n)} {c.replace('_', ' ')}"
                      for c, n in failed["discrepancy"].value_counts().items())
    body = "; ".join(parts[:-1]) + f"; and {parts[-1]}" if len(parts) > 1 else parts[0]
    text = f"Of the {len(report)} numbers printed in the two papers, {body}."
    if len(failed):
        text += (f" Of the {len(failed)} that do not reproduce, {kinds}, in the terms of "
                 "Hardwicke et al. 2018.")
    return text


def _markdown_table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(False)]
    return "\n".join([header, rule, *body])


def _intro(provenance: dict | None) -> list[str]:
    """The lines under the title: what the report is and what made it."""
    if provenance and provenance["mode"] == "real":
        return ["# Analysis of your data",
                "",
                "Fan et al. 2018 (BMC Psychiatry 18:170) and Fan et al. 2019 (BMC Psychiatry "
                "19:360): every printed number beside the value computed from your data (one row "
                "each in `reproduction.csv`; statuses are defined in "
                "`analysis/report/results.py`). Written by `python -m analysis.run` on your data; "
                "nothing in it comes from the package's synthetic records."]
    return ["# Reproduction report",
            "",
            "Fan et al. 2018 (BMC Psychiatry 18:170) and Fan et al. 2019 (BMC Psychiatry 19:360).",
            "One row per printed number in `reproduction.csv`; statuses are defined in "
            "`analysis/report/results.py`. The page for reviewers is `reproduction.html`. "
            + ("Written by a scratch run (see *This run*), not the published reproduction."
               if provenance else "Generated by `make reproduce`; do not edit.")]


def provenance_markdown(provenance: dict) -> list[str]:
    """*This run*: parameters, notebooks run, commit, date and package versions."""
    rows = pd.DataFrame([
        ("kind of run", {"real": "your data", "scratch": "scratch (other parameters)"}.get(
            provenance["mode"], provenance["mode"])),
        ("parameters", ", ".join(f"{k} = {v!r}" for k, v in provenance["parameters"].items())
         or "the defaults"),
        ("notebooks run", ", ".join(provenance["notebooks_run"])),
        ("seeds", ", ".join(f"{k}: {v}" for k, v in provenance["seeds"].items()) or "none used"),
        ("commit", provenance["commit"]),
        ("date", provenance["date"]),
        ("Python", provenance["python"]),
        ("packages", ", ".join(f"{k} {v}" for k, v in provenance["packages"].items())),
    ], columns=["", "value"])
    note = ("Notebooks not run here keep the committed reproduction's results."
            if provenance["mode"] == "scratch" else "Every notebook ran on your data.")
    return ["## This run", "", _markdown_table(rows), "", note, "",
            "Every notebook's parameters are in `run.json` beside the reports.", ""]


def _real_headline(report: pd.DataFrame) -> str:
    counts = report["status"].value_counts()
    shown = ", ".join(f"{int(counts[s])} {s.replace('_', ' ')}" for s in STATUSES if s in counts)
    return (f"Of the {len(report)} numbers printed in the two papers: {shown}. Rows computed "
            "from your data have evidence `real_data`; rows recomputed from printed numbers "
            "alone have evidence `published`.")


def summary_markdown(report: pd.DataFrame, provenance: dict | None = None,
                     changes: str = "") -> str:
    """A short human-readable summary: what the run changed (``changes``, a run that is not
    the published reproduction), counts by status and paper, then every mismatch and
    other-method match with its note; with ``provenance``, how the run was made."""
    counts = pd.crosstab(report["status"], report["paper"], margins=True, margins_name="all")
    order = [s for s in (*STATUSES, "all") if s in counts.index]
    counts = counts.loc[order].reset_index()
    real = bool(provenance) and provenance["mode"] == "real"
    lines = [*_intro(provenance), "", *([changes] if changes else []), "## In one paragraph", "",
             _real_headline(report) if real else headline(report), "",
             *(provenance_markdown(provenance) if provenance else []),
             "## Numbers by evidence and status", ""]
    if not real:
        lines += ["How strong each result is (`evidence` in `reproduction.csv`; defined in "
                  "`analysis/evidence/__init__.py`). Only `published` and `invariant` rows show "
                  "that a printed number was reproduced; `by_construction` rows show only that "
                  "data giving them can exist.", ""]
    lines += [_markdown_table(evidence_counts(report).reset_index()), "",
              "## Numbers by status and paper", "", _markdown_table(counts), ""]
    flagged = report[report["status"].isin(["mismatch", "match_other_method"])]
    if not flagged.empty:
        lines += ["## Mismatches and other-method matches", ""]
        lines.append(_markdown_table(
            flagged[["id", "printed", "reproduced", "status", "evidence", "discrepancy",
                     "method", "note"]]
        ))
        lines.append("")
    return "\n".join(lines)


#: Values only drawn in a figure: ``(title, table file, value column, range columns)``.
FIGURE_VALUES = (
    ("fan2018 Fig. 1: sessions per community per period (never printed)",
     "fan2018_fig1_ranges.csv", ["community", "period"], "table_used",
     ("exact_min", "exact_max")),
    ("fan2018 Fig. 2: share of sessions per category, % (three printed)",
     "fan2018_fig2_ranges.csv", ["label", "printed"], "percent", ("min_percent", "max_percent")),
)


def figure_values_markdown(tables_dir: Path | str | None = None) -> str:
    """A section listing the values that the papers only draw in figures, with the range of
    every value consistent with the text (written by notebooks 02 and 03 into
    ``reports/tables``). Empty if those tables are absent."""
    tables_dir = paths.TABLES if tables_dir is None else Path(tables_dir)
    lines = []
    for title, name, keys, used, (low, high) in FIGURE_VALUES:
        path = tables_dir / name
        if not path.is_file():
            continue
        frame = read_csv_strict(path, [*keys, low, high])
        shown = frame[keys].copy()
        decimals = 0 if used == "table_used" else 1
        shown["synthetic data"] = [f"{float(v):.{decimals}f}" for v in frame[used]]
        shown["consistent with the text"] = [
            f"{float(a):.{decimals}f} to {float(b):.{decimals}f}"
            for a, b in zip(frame[low], frame[high], strict=True)
        ]
        lines += [f"### {title}", "", _markdown_table(shown), ""]
    if not lines:
        return ""
    return "\n".join([
        "## Values shown only in figures",
        "",
        "The papers draw these but do not print them. The ranges are exact: the minimum and "
        "maximum over every dataset consistent with the printed numbers (Fig. 1: proved with "
        "OR-Tools CP-SAT, `analysis/methods/exact_tables.py`; Fig. 2: complete enumeration).",
        "",
        *lines,
    ])


def _side_tables(rendered, report: pd.DataFrame, beside: Path | None) -> dict[Path, str]:
    """The rendered problems, their facts and the assumptions' effects: into
    ``reports/tables`` and ``reports/``, or ``beside`` a report written elsewhere."""
    tables = paths.TABLES if beside is None else beside
    reports = paths.REPORTS if beside is None else beside
    return {tables / "problem_texts.csv": rendered.problems.to_csv(index=False,
                                                                   lineterminator="\n"),
            tables / "problem_facts.csv": rendered.facts.to_csv(index=False, lineterminator="\n"),
            reports / "assumptions.csv": assumption_effects(report).to_csv(
                index=False, lineterminator="\n")}


def _final_report(registry: pd.DataFrame | None, results_dir: Path | str | None,
                  out_csv: Path | None, provenance: dict | None
                  ) -> tuple[pd.DataFrame, dict[Path, str]]:
    """The report's rows with their notes rendered, and the side tables to write with it
    (none with real data: the notes are about the synthetic records)."""
    registry = load_registry() if registry is None else registry
    report = build_report(registry, load_results(results_dir, registry))
    if bool(provenance) and provenance["mode"] == "real":
        report["note"] = ""
        return report, {}
    rendered = render_notes(report, registry, strict=not provenance)
    report = rendered.report[REPORT_COLUMNS]
    return report, _side_tables(rendered, report, None if out_csv is None else out_csv.parent)


def _write(report: pd.DataFrame, outputs: dict[Path, str], out_csv: Path | str | None,
           out_md: Path | str | None, provenance: dict | None, changes: str = "") -> None:
    real = bool(provenance) and provenance["mode"] == "real"
    out_csv = paths.REPRODUCTION_CSV if out_csv is None else Path(out_csv)
    out_md = paths.REPRODUCTION_MD if out_md is None else Path(out_md)
    text = summary_markdown(report, provenance, changes)
    figures = "" if real else figure_values_markdown()
    outputs |= {out_csv: report.to_csv(index=False, lineterminator="\n"),
                out_md: text + ("\n" + figures if figures else "")}
    for path, content in outputs.items():
        atomic_write_text(path, content)


def write_report(
    registry: pd.DataFrame | None = None,
    results_dir: Path | str | None = None,
    out_csv: Path | str | None = None,
    out_md: Path | str | None = None,
    provenance: dict | None = None,
) -> pd.DataFrame:
    """Build the report and write ``reports/reproduction.csv`` and ``reproduction.md``, with
    every note and problem rendered from computed facts (:mod:`analysis.report.notes`: in
    the published run a false claim raises before anything is written) and the tables of the
    problems and assumptions (beside ``out_csv`` when it is given). With real data
    (``provenance["mode"] == "real"``) the notes, written about the synthetic records, are
    left out, and so are the figure-value tables."""
    out_csv = None if out_csv is None else Path(out_csv)
    report, outputs = _final_report(registry, results_dir, out_csv, provenance)
    _write(report, outputs, out_csv, out_md, provenance)
    return report


def write_run_report(provenance: dict, before: RunOutputs) -> tuple[pd.DataFrame, Comparison]:
    """:func:`write_report` for a run that is not the published reproduction, compared
    with ``before`` (the committed reproduction): ``reports/changes.csv``, and the
    comparison as the first section of ``reproduction.md``
    (:mod:`analysis.report.change_words`). Returns the report and the comparison."""
    report, outputs = _final_report(None, None, None, provenance)
    conclusions = paths.REPORTS / "conclusions.csv"
    comparison = compare(before, this_run(report, conclusions, provenance))
    outputs[paths.REPORTS / "changes.csv"] = changes_frame(comparison).to_csv(
        index=False, lineterminator="\n")
    _write(report, outputs, None, None, provenance, markdown_section(comparison))
    return report, comparison
