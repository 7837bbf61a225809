"""The parts of the reviewer's page (:mod:`analysis.report.page`), each built from the
report and the tables the notebooks wrote: the verdict per paper with counts that filter the
table of numbers, the distinct problems, the papers' tables in their own layout, the table of
every printed number with its filters, the audit in words, and the provenance."""

from __future__ import annotations

import pandas as pd

from analysis.printed.significance import ALPHA
from analysis.report.page_assets import e
from analysis.report.results import STATUS_LABELS

__all__ = [
    "LABELS",
    "audit_in_words",
    "conclusions_resting",
    "conclusions_table",
    "e",
    "headline_by_paper",
    "numbers_table",
    "paper_tables",
    "problems_section",
    "provenance_block",
    "rules_table",
    "shown_label",
    "toc",
]

LABELS = STATUS_LABELS
FILTERS = ("paper", "status", "evidence", "category", "location")


def shown_label(status: str, evidence: str) -> str:
    """A status in words; a match that holds only because the synthetic data were built to
    give it is not shown as a plain match."""
    if evidence == "by_construction" and status.startswith("match"):
        return f"{LABELS[status]} (by construction)"
    return LABELS.get(status, status)


def count_link(count: int, **filters: str) -> str:
    """A count that, clicked, shows the rows it counts in the table of every number."""
    attributes = " ".join(f'data-filter-{k}="{e(v)}"' for k, v in filters.items())
    return f'<a href="#numbers" data-filter="1" {attributes}>{count}</a>'


def headline_by_paper(report: pd.DataFrame, problems: pd.DataFrame, real: bool) -> str:
    """Per paper: its printed numbers in the headline's disjoint categories
    (:func:`analysis.report.summary.categories`), every count a link to its rows, and its
    problems."""
    from analysis.report.summary import categories, counted

    parts = []
    for paper, rows in report.groupby("paper", sort=False):
        found = categories(rows)
        said = "; ".join(
            counted(r.count, r.words.split(",")[0].split(" (")[0]).replace(
                str(r.count), count_link(r.count, paper=paper, category=r.key), 1)
            for r in found[found["count"] > 0].itertuples(index=False))
        failing = problems[(problems["paper"] == paper) & problems["mismatch"]]
        forming = ("" if real else f" The numbers that do not reproduce form <a href='#problems'>"
                   f"{len(failing)} distinct problem{'' if len(failing) == 1 else 's'}</a>.")
        parts.append(f"<p class='verdict'><b>{e(paper)}</b>: "
                     f"{count_link(len(rows), paper=paper)} printed numbers: {said}.{forming}</p>")
    return "\n".join(parts)


def _affected(rows: pd.DataFrame, evidence: str) -> str:
    """Every row a problem affects, with its own note where it adds to the evidence."""
    items = "".join(
        f"<li><a href='#{e(r.id)}'>{e(r.id)}</a>: printed {e(r.printed)}, reproduced "
        f"{e(r.shown)} ({e(shown_label(r.status, r.evidence))}; evidence "
        f"{e(r.evidence.replace('_', ' '))})"
        + (f"<br><span class='small'>{e(r.note)}</span>" if r.note != evidence else "")
        + "</li>" for r in rows.itertuples())
    return f"<ul>{items}</ul>"


def conclusions_resting(ids: set[str], conclusions: pd.DataFrame) -> list[str]:
    """How each conclusion that rests on ``ids`` fares (notebook 05), in words
    (:func:`analysis.report.prose.verdict`)."""
    from analysis.report.prose import verdict

    hit = conclusions[conclusions["rests_on"].map(lambda text: bool(set(text.split()) & ids))]
    return [verdict(c) for _, c in hit.iterrows()]


def _conclusions_of(ids: set[str], conclusions: pd.DataFrame) -> str:
    said = conclusions_resting(ids, conclusions)
    if not said:
        return "No conclusion of the paper rests on these numbers."
    return "Conclusions resting on them: " + " ".join(e(s) for s in said)


def problems_section(problems: pd.DataFrame, rows: pd.DataFrame,
                     conclusions: pd.DataFrame) -> str:
    """Each distinct problem once, as :mod:`analysis.report.notes` rendered it from computed
    facts: the evidence and how strong it is, its class, whether a conclusion rests on it,
    what the authors should check, and every row with its own note."""
    parts = []
    for problem in problems.itertuples():
        mine = rows[rows["problem"] == problem.problem]
        classes = ", ".join(sorted({c.replace("_", " ") for c in mine["discrepancy"]
                                    if c not in ("", "none")})) or "none"
        kind = "" if problem.mismatch else " other"
        status = ("Mismatch" if problem.mismatch else "Depends on the reading"
                  if (mine["status"] == "depends_on_reading").any()
                  else "Reproduced by another method")
        parts.append(
            f"<section class='problem{kind}' id='problem-{e(problem.problem)}'>"
            f"<h3>{e(problem.title)}</h3>"
            f"<p><b>{status}</b> · {e(problem.paper)} · class: {e(classes)} · {len(mine)} row"
            f"{'' if len(mine) == 1 else 's'}</p>"
            f"<p>{e(problem.evidence)} <span class='small'>{e(problem.strength)}</span></p>"
            f"<p><b>What the authors should check:</b> {e(problem.check)}</p>"
            f"<p class='small'>{_conclusions_of(set(mine['id']), conclusions)}</p>"
            f"<details><summary>Every row it affects</summary>"
            f"{_affected(mine, problem.evidence)}</details></section>")
    return "\n".join(parts)


def _cell(row: pd.Series) -> str:
    label = shown_label(row["status"], row["evidence"])
    return (f"<td class='s-{e(row['status'])} e-{e(row['evidence'])}'>"
            f"<a href='#{e(row['id'])}'><span class='cell-printed'>{e(row['printed'])}</span>"
            f"</a><br><span class='cell-reproduced'>{e(row['shown'])}</span>"
            f"<br><span class='small'>{e(label)}</span></td>")


def _paper_table(rows: pd.DataFrame) -> str:
    """One table of a paper laid out as printed: its items as rows, its groups and
    quantities (tests included) as columns, each cell the printed value over the
    reproduced one."""
    columns = list(dict.fromkeys(zip(rows["group"], rows["quantity"], strict=True)))
    groups = list(dict.fromkeys(g for g, _ in columns))
    columns.sort(key=lambda column: groups.index(column[0]))  # each group's columns together
    head1 = "".join(f"<th scope='col' colspan='{sum(g == c for c, _ in columns)}'>{e(g)}</th>"
                    for g in groups)
    head2 = "".join(f"<th scope='col'>{e(q)}</th>" for _, q in columns)
    by_cell = {(r["item"], r["group"], r["quantity"]): r for _, r in rows.iterrows()}
    body = []
    for item in dict.fromkeys(rows["item"]):
        cells = "".join(_cell(by_cell[(item, g, q)]) if (item, g, q) in by_cell else "<td></td>"
                        for g, q in columns)
        body.append(f"<tr><th scope='row'>{e(item)}</th>{cells}</tr>")
    return (f"<div class='scroll'><table><thead><tr><th scope='col' rowspan='2'>item</th>"
            f"{head1}</tr><tr>{head2}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def paper_tables(report: pd.DataFrame) -> str:
    """Every table of both papers (locations ``Table N``) in the paper's layout."""
    parts = []
    tables = report[report["location"].str.fullmatch(r"Table \d+")]
    for (paper, location), rows in tables.groupby(["paper", "location"], sort=False):
        anchor = f"{paper}-{location.replace(' ', '')}".lower()
        parts.append(f"<h3 id='{e(anchor)}'>{e(paper)} {e(location)}</h3>"
                     "<p class='small'>Each cell: the printed value (bold, a link to its row), "
                     "the reproduced value under it, and its status; a dashed left edge marks "
                     "a value the synthetic data were built to give.</p>"
                     + _paper_table(rows))
    return "\n".join(parts)


def _select(name: str, values: list[str]) -> str:
    options = "".join(f"<option value='{e(v)}'>{e(v.replace('_', ' '))}</option>"
                      for v in values)
    return (f"<label for='filter-{name}'>{name}<select id='filter-{name}'>"
            f"<option value=''>all</option>{options}</select></label>")


def _note(row) -> str:
    return f"<br>Why: {e(row.note)}" if row.note else ""


def _why(problem: str) -> str:
    return f" <a href='#problem-{e(problem)}'>problem</a>" if problem else ""


def numbers_table(report: pd.DataFrame, link_of: dict[str, str]) -> str:
    """Every printed number, one row each (anchor: its registry id), with filters, a search
    box, the source sentence under a toggle, and a link to the notebook cell that computed
    it."""
    controls = "".join(_select(name, list(dict.fromkeys(report[name]))) for name in FILTERS)
    head = ("<thead><tr><th scope='col'>id and source</th><th scope='col'>printed</th>"
            "<th scope='col'>reproduced</th><th scope='col'>status</th>"
            "<th scope='col'>evidence</th><th scope='col' class='wide'>method</th>"
            "<th scope='col'>notebook</th></tr></thead>")
    body = []
    for r in report.itertuples():
        text = " ".join([r.id, r.item, r.group, r.quantity, r.printed, r.context]).lower()
        # the row: its id and source sentence (and why, if not a plain match) under a toggle
        data = " ".join(f'data-{k}="{e(getattr(r, k))}"' for k in FILTERS)
        link = link_of.get(r.source, "")
        body.append(
            f'<tr id="{e(r.id)}" class="s-{e(r.status)}" {data} data-text="{e(text)}">'
            f"<td><details><summary>{e(r.id)}</summary><span class='small'>{e(r.location)}: "
            f"“{e(r.context)}”{_note(r)}</span></details></td>"
            f"<td class='num'>{e(r.printed)}</td>"
            f"<td class='num' title='{e(r.reproduced)}'>{e(r.shown)}</td>"
            f"<td><span class='badge'>{e(shown_label(r.status, r.evidence))}</span>"
            f"{_why(r.problem)}</td>"
            f"<td class='small' title='{e(r.basis)}'>{e(r.evidence.replace('_', ' '))}</td>"
            f"<td class='small wide'>{e(r.method)}</td>"
            f"<td>{f'<a href={chr(39)}{e(link)}{chr(39)}>{e(r.source_stem)}</a>' if link else ''}"
            "</td></tr>")
    return (f"<div class='filters' role='search'>{controls}<label for='filter-search'>search"
            "<input id='filter-search' type='search' placeholder='id or words'></label>"
            f"<span>showing <b id='shown-count'>{len(report)}</b> of {len(report)}</span>"
            f"</div><div class='scroll'><table id='numbers'>{head}<tbody>{''.join(body)}"
            "</tbody></table></div>")


def audit_in_words(tests: pd.DataFrame | None, checks: pd.DataFrame | None) -> str:
    """The audit of notebook 06 in a few sentences, counted from its tables."""
    if tests is None or checks is None:
        return ""
    consistent = int((tests["consistent"] == "True").sum())
    decision = int((tests["decision_inconsistent"] == "True").sum())
    impossible = checks[checks["consistent"] == "False"]
    listed = ", ".join(f"<a href='#{e(i)}'>{e(i)}</a>" for i in impossible["id"])
    return (f"<p>The texts print {len(tests)} test results. Recomputing each p from its "
            f"printed statistic and degrees of freedom, as statcheck does, {consistent} "
            f"agree and {len(tests) - consistent} do not; {decision} would change a "
            f"decision at {ALPHA:g}. Of {len(checks)} means, SDs and percentages checked for "
            f"granularity (GRIM, GRIMMER), {len(impossible)} are impossible as printed"
            f"{': ' + listed if listed else ''}.</p>")


def _rule_words(ids: str) -> str:
    from analysis.evidence.rules import rule_by_id

    return "; ".join(rule_by_id(i).name for i in ids.split())


def _broken(row) -> str:
    if not row.worst:
        return ""
    others = [b for b in row.breaks.split("; ") if b != row.worst]
    more = (f"<details><summary>{len(others)} more</summary><ul>"
            + "".join(f"<li>{e(b)}</li>" for b in others) + "</ul></details>") if others else ""
    return f"{e(row.worst)}{more}"


def conclusions_table(table: pd.DataFrame) -> str:
    """The papers' conclusions (``reports/conclusions.csv``) in a table that fits a desktop
    screen: each verdict, the p range, the choice that breaks it by the most (the others
    under a toggle) and the rules that fired for its tests, in words."""
    head = "".join(f"<th scope='col'>{e(h)}</th>" for h in (
        "paper", "conclusion", "as printed", "every choice", "every dataset", "p range",
        "breaks it most (p against the threshold)", "rules that fired"))
    body = []
    for row in table.itertuples(index=False):
        p_range = f"{float(row.p_min):.3g} to {float(row.p_max):.3g}" if row.p_min else ""
        estimated = " (Monte Carlo p, judged over its confidence interval)" \
            if row.estimated else ""
        cells = [e(row.paper), e(row.statement), e(row.as_printed.replace("_", " ")),
                 e(row.all_choices.replace("_", " ")) + e(estimated),
                 e(row.over_data.replace("_", " ")), e(p_range), _broken(row),
                 e(_rule_words(row.rules))]
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return (f"<div class='scroll' tabindex='0' role='region' aria-label='conclusions'>"
            f"<table id='conclusions-table' class='fit'><tr>{head}</tr>{''.join(body)}"
            "</table></div>")


def rules_table() -> str:
    """Every rule that chooses the defensible analyses, under a toggle: its condition, what
    it adds (in words), what that does, and its source."""
    from analysis.evidence.rules import FAMILY_RULE, N_CHOICES, RULES
    from analysis.evidence.words import correction_words, variant_words

    def adds(rule) -> str:
        words = [N_CHOICES.get(v) or (correction_words(v) if rule is FAMILY_RULE
                                      else variant_words(v)) for v in rule.adds]
        return "; ".join(words)

    rows = "".join(f"<tr><td>{e(r.name)}</td><td>{e(r.condition)}</td><td>{e(adds(r))}</td>"
                   f"<td>{e(r.effect)}</td><td>{e(r.source)}</td></tr>"
                   for r in (*RULES, FAMILY_RULE))
    head = "".join(f"<th scope='col'>{h}</th>" for h in ("rule", "when", "adds", "what it does",
                                                          "source"))
    return ("<details><summary>The rules that choose the defensible analyses "
            "(<code>analysis/evidence/rules.py</code>)</summary><div class='scroll'>"
            f"<table id='rules' class='fit'><tr>{head}</tr>{rows}</table></div></details>")


def provenance_block(provenance: dict) -> str:
    """How this page was made: a table of the run's provenance."""
    rows = "".join(f"<tr><th scope='row'>{e(k)}</th><td>{e(v)}</td></tr>"
                   for k, v in provenance.items())
    return f"<div class='scroll'><table id='provenance'>{rows}</table></div>"


def toc(entries: list[tuple[str, str]]) -> str:
    """A table of contents: (anchor, title) pairs."""
    items = "".join(f"<li><a href='#{e(anchor)}'>{e(title)}</a></li>"
                    for anchor, title in entries)
    return f"<nav class='toc' aria-label='contents'><b>Contents</b><ul>{items}</ul></nav>"

