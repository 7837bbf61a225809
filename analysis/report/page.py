"""``reports/reproduction.html``: the one page a reviewer reads.

A single self-contained file (styles inline, figures embedded as data URIs, no network):

1. a summary: for each paper, how many printed numbers match, match under another method,
   mismatch, or cannot be reproduced;
2. the findings: every mismatch and other-method match, with its explanation;
3. the papers' conclusions under every defensible analysis (notebook 05), with the
   specification curves;
4. the audit (notebook 06): every test printed in the texts, with its recomputed p, and the
   granularity checks that fail;
5. for each table, figure and section of both papers, the printed numbers side by side with
   the reproduced ones, each coloured by status, with the method and the explanation, and a
   link to the notebook that produced it; the regenerated figures next to their section.

Built from ``reports/reproduction.csv`` and the tables in ``reports/tables`` by
:func:`build_html`; :func:`write_html` writes it atomically. Nothing in it depends on the
time of the build, so rebuilding gives the same bytes.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import pandas as pd

from analysis.io import paths
from analysis.io.files import atomic_write_text
from analysis.printed.rounding import format_half_away, parse_printed
from analysis.report.results import STATUSES
from analysis.report.summary import evidence_counts, headline

__all__ = ["CURVES", "FIGURES", "build_html", "write_html"]

#: Regenerated figures: file stem -> (title, paper, the registry location it belongs to).
FIGURES = {
    "fan2018_fig1": ("fan2018 Fig. 1: sessions per community per 6-month period (redrawn; "
                     "values reconstructed, whiskers: every value consistent with the text)",
                     "fan2018", "Results: Service process"),
    "fan2018_fig2": ("fan2018 Fig. 2: share of each content category (redrawn; three shares "
                     "printed, the rest reconstructed with their feasible ranges)",
                     "fan2018", "Results: Service contents"),
    "fan2019_fig1": ("fan2019 Fig. 1: enrolment and flow of participants (redrawn from the "
                     "participant table)", "fan2019", "Methods: Participants"),
    "fan2019_fig_benefit": ("fan2019 Table 3 as a figure: perceived benefit, providers vs "
                            "consumers (counts as published)", "fan2019", "Table 3"),
}

#: The same figures' titles in a run on your data.
REAL_FIGURES = {
    "fan2018_fig1": "fan2018 Fig. 1: sessions per community per 6-month period, counted from "
                    "your data (whiskers: every value consistent with the text)",
    "fan2018_fig2": "fan2018 Fig. 2: share of each content category, from your data",
    "fan2019_fig1": "fan2019 Fig. 1: enrolment and flow of participants, from your data",
    "fan2019_fig_benefit": "fan2019 Table 3 as a figure: perceived benefit, providers vs "
                           "consumers, from your data",
}

#: The specification curves of notebook 05, shown with the conclusions.
CURVES = {f"{paper}_specification_curve": f"{paper}: every conclusion's p under every "
          "specification (test, n, correction; bars: exact ranges over consistent datasets)"
          for paper in ("fan2018", "fan2019")}

LABELS = {
    "match": "match",
    "match_other_method": "match, other method",
    "mismatch": "mismatch",
    "not_reproducible": "not reproducible",
    "pending": "pending",
}

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1150px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:2px solid #ddd}h3{margin-top:1.5em}
table{border-collapse:collapse;font-size:.86em;margin:.6em 0;width:100%}
th,td{border:1px solid #ddd;padding:3px 6px;vertical-align:top;text-align:left}
th{background:#f3f3f3}td.num{font-variant-numeric:tabular-nums;white-space:nowrap}
.s-match{background:#e3f4e1}.s-match_other_method{background:#fff3cd}
.s-mismatch{background:#f8d7da}.s-not_reproducible{background:#eceff1}
.s-pending{background:#ffffff}.badge{padding:1px 5px;border-radius:3px;font-size:.85em}
figure{margin:1em 0;border:1px solid #ddd;padding:.5em}figure img{max-width:100%}
figcaption{font-size:.85em;color:#444}.small{font-size:.85em;color:#555}
"""

SCRIPT = """
window.addEventListener('load', function () {
  var images = document.querySelectorAll('img');
  var loaded = 0;
  images.forEach(function (img) { if (img.complete && img.naturalWidth > 0) { loaded++; } });
  document.body.setAttribute('data-images-total', images.length);
  document.body.setAttribute('data-images-loaded', loaded);
  document.body.setAttribute('data-rendered', 'yes');
});
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _shown(reproduced: str, printed: str) -> str:
    """The reproduced value at the printed number of decimals (full value in the title)."""
    if reproduced == "":
        return ""
    try:
        parsed = parse_printed(printed)
        if parsed.bound or (parsed.word and parsed.value != parsed.value.to_integral_value()):
            return f"{float(reproduced):.2g}"  # "<0.001": show the value, not 0.000
        return format_half_away(reproduced, max(parsed.decimals, 0))
    except (TypeError, ValueError, ArithmeticError):
        return reproduced


def _label(status: str, evidence: str) -> str:
    """A status as shown: a match that holds only because the reconstruction was built to
    give it is not shown as a plain match."""
    if evidence == "by_construction" and status.startswith("match"):
        return f"{LABELS[status]} (by construction)"
    return LABELS[status]


def _discrepancy(kind: str) -> str:
    return "" if kind in ("", "none") else f"; {kind.replace('_', ' ')}"


def _figure(stem: str, title: str) -> str:
    path = paths.FIGURES / f"{stem}.png"
    if not path.is_file():
        return ""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (f'<figure id="figure-{_e(stem)}"><img alt="{_e(title)}" '
            f'src="data:image/png;base64,{data}"><figcaption>{_e(title)} '
            f'(<code>figures/{_e(stem)}.png</code>)</figcaption></figure>')


def _summary(report: pd.DataFrame) -> str:
    counts = pd.crosstab(report["status"], report["paper"])
    papers = list(counts.columns)
    head = "".join(f"<th>{_e(p)}</th>" for p in papers) + "<th>all</th>"
    body = []
    for status in STATUSES:
        if status not in counts.index and status != "pending":
            continue
        row = counts.loc[status] if status in counts.index else pd.Series(0, index=papers)
        cells = "".join(f'<td class="num" id="count-{_e(p)}-{status}">{int(row[p])}</td>'
                        for p in papers)
        body.append(f'<tr class="s-{status}"><th>{_e(LABELS[status])}</th>{cells}'
                    f'<td class="num" id="count-all-{status}">{int(row.sum())}</td></tr>')
    total = "".join(f'<td class="num">{int(counts[p].sum())}</td>' for p in papers)
    body.append(f'<tr><th>printed numbers</th>{total}<td class="num" id="count-all-all">'
                f'{len(report)}</td></tr>')
    return f"<table id='summary'><tr><th>status</th>{head}</tr>{''.join(body)}</table>"


REAL_LEGEND = ("<p class='small'>published: recomputed from printed numbers alone; real data: "
               "computed from your data; unavailable: the inputs are not published.</p>")


def _evidence(report: pd.DataFrame, real: bool = False) -> str:
    """The headline and the table of printed numbers by evidence level and status."""
    counts = evidence_counts(report)
    head = "".join(f"<th>{_e(LABELS.get(c, c))}</th>" for c in counts.columns)
    body = "".join(
        f"<tr id='evidence-{_e(level)}'><th>{_e(level.replace('_', ' '))}</th>"
        + "".join(f'<td class="num">{int(v)}</td>' for v in row) + "</tr>"
        for level, row in counts.iterrows())
    table = f"<table id='evidence'><tr><th>evidence</th>{head}</tr>{body}</table>"
    if real:
        return table + REAL_LEGEND
    return (f"<p id='headline'>{_e(headline(report))}</p>{table}"
            "<p class='small'>published: recomputed from printed numbers alone; invariant: "
            "proved the same for every dataset consistent with the printed numbers; "
            "dependent: varies with the reconstruction (the row gives the range); "
            "by construction: the reconstruction was built to give it, which shows only that "
            "such data exist; unavailable: the inputs are not published.</p>")


def _rows(frame: pd.DataFrame, with_location: bool = False) -> str:
    head = ("<tr>" + ("<th>where</th>" if with_location else "") + "<th>item</th><th>group</th>"
            "<th>quantity</th><th>printed</th><th>reproduced</th><th>status</th>"
            "<th>evidence</th><th>method</th><th>explanation</th><th>notebook</th></tr>")
    body = []
    for row in frame.itertuples(index=False):
        link = (f'<a href="../{_e(row.source)}">{_e(Path(row.source).stem)}</a>'
                if row.source else "")
        where = f"<td>{_e(row.paper)} · {_e(row.location)}</td>" if with_location else ""
        body.append(
            f'<tr class="s-{row.status}" id="{_e(row.id)}">{where}<td>{_e(row.item)}</td>'
            f'<td>{_e(row.group)}</td><td>{_e(row.quantity)}</td>'
            f'<td class="num">{_e(row.printed)}</td>'
            f'<td class="num" title="{_e(row.reproduced)}">'
            f'{_e(_shown(row.reproduced, row.printed))}</td>'
            f'<td><span class="badge">{_e(_label(row.status, row.evidence))}</span></td>'
            f'<td class="small" title="{_e(row.basis)}">{_e(row.evidence.replace("_", " "))}'
            f'{_e(_discrepancy(row.discrepancy))}</td>'
            f'<td class="small">{_e(row.method)}</td><td class="small">{_e(row.note)}</td>'
            f"<td>{link}</td></tr>")
    return f"<table>{head}{''.join(body)}</table>"


def _table_file(name: str) -> pd.DataFrame | None:
    path = paths.TABLES / name
    if not path.is_file():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _plain_table(frame: pd.DataFrame, columns: list[str]) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>"
                   for row in frame[columns].itertuples(index=False))
    return f"<table><tr>{head}</tr>{body}</table>"


HEAD = [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    "<title>Reproduction report: peer support in Beijing (Fan et al. 2018, 2019)</title>",
    f"<style>{STYLE}</style></head><body>",
    "<h1>Reproduction report</h1>",
    "<p>Fan Y, Ma N, Ma L, Xu W, Lamberti JS, Caine ED. A community-based peer support "
    "service for persons with severe mental illness in China. <i>BMC Psychiatry</i> "
    "2018;18:170. doi:10.1186/s12888-018-1763-2<br>Fan Y, Ma N, Ma L, Zhang W, Xu W, Shi R, "
    "Chen H, Lamberti JS, Caine ED. Feasibility of peer support services among people with "
    "severe mental illness in China. <i>BMC Psychiatry</i> 2019;19:360. "
    "doi:10.1186/s12888-019-2334-x</p>",
    "<p class='small'>Every number printed in the two papers is a row of "
    "<code>reports/reproduction.csv</code>. Each was recomputed by a notebook from "
    "published counts or from record-level data reconstructed to agree with them "
    "(<code>data/reconstructed/README.md</code> says what is published and what is "
    "reconstructed), then compared with the printed value under SPSS's rounding (half "
    "away from zero, at the printed decimals). Generated by <code>make reproduce</code>; "
    "do not edit.</p>",
]


def _audit_section() -> list[str]:
    """The audit of notebook 06: every printed test, and the impossible values."""
    parts = []
    audit = _table_file("audit_tests.csv")
    if audit is not None:
        parts += ["<h2>Audit: every test printed in the texts</h2>",
                  "<p class='small'>Extracted from the papers' text (notebook 06), p recomputed "
                  "from the printed statistic and df (df inferred from group sizes where not "
                  "printed), as statcheck does; from the printed numbers alone.</p>",
                  _plain_table(audit, ["paper", "text", "df_used", "p_recomputed",
                                       "consistent", "explanation", "p_id"])]
    checks = _table_file("audit_granularity.csv")
    if checks is not None:
        failing = checks[checks["consistent"] == "False"]
        parts += [f"<h3>Granularity: {len(checks)} means, SDs and percentages checked, "
                  f"{len(failing)} impossible as printed</h3>",
                  _plain_table(failing, ["id", "check", "printed", "n", "explanation"])]
    return parts


def _conclusions_section() -> list[str]:
    """Notebook 05: every conclusion of the papers, under every defensible analysis."""
    path = paths.REPORTS / "conclusions.csv"
    if not path.is_file():
        return []
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table["p range"] = [f"{float(a):.3g} to {float(b):.3g}" if a else ""
                        for a, b in zip(table["p_min"], table["p_max"], strict=True)]
    parts = ["<h2 id='conclusions'>The papers' conclusions under every defensible analysis</h2>",
             "<p class='small'>From <code>reports/conclusions.csv</code> (notebook 05). "
             "as printed: the printed p; all choices: every test, n and multiple-testing "
             "correction a reader could defend; over data: the paper's own choice over every "
             "dataset consistent with the printed numbers (where the test's inputs are not "
             "printed). breaks: the choices under which the conclusion fails, or can fail.</p>",
             _plain_table(table, ["paper", "statement", "rule", "family_size", "as_printed",
                                  "all_choices", "over_data", "p range", "breaks"])]
    return parts + [_figure(stem, title) for stem, title in CURVES.items()]


def _sections(report: pd.DataFrame, figures: dict | None = None) -> list[str]:
    """Every section of both papers: its numbers printed beside reproduced, and its
    figure."""
    parts = ["<h2>Every table, figure and section, printed beside reproduced</h2>"]
    for paper, by_paper in report.groupby("paper", sort=False):
        parts.append(f"<h2>{_e(paper)}</h2>")
        for location, rows in by_paper.groupby("location", sort=False):
            anchor = f"{paper}-{location}".replace(" ", "-").replace(":", "").replace(".", "")
            counts = rows["status"].value_counts()
            tally = ", ".join(f"{LABELS[s]} {int(counts[s])}" for s in STATUSES if s in counts)
            parts.append(f"<h3 id='{_e(anchor)}'>{_e(location)} <span class='small'>"
                         f"({tally})</span></h3>")
            for stem, (title, fig_paper, fig_location) in (figures or FIGURES).items():
                if fig_paper == paper and fig_location == location:
                    parts.append(_figure(stem, title))
            parts.append(_rows(rows))
    return parts


REAL_INTRO = ("<p class='small'>Every number printed in the two papers is a row of "
              "<code>reports/reproduction.csv</code>, computed by the notebooks from your data "
              "or from printed numbers, and compared with the printed value under SPSS's "
              "rounding (half away from zero, at the printed decimals). Written by "
              "<code>python -m analysis.run</code> on your data, into a private folder.</p>")


def _head(real: bool) -> list[str]:
    if not real:
        return HEAD
    return [*HEAD[:-1], REAL_INTRO]


def _figure_titles(real: bool) -> dict:
    if not real:
        return FIGURES
    return {stem: (REAL_FIGURES[stem], paper, where)
            for stem, (_, paper, where) in FIGURES.items()}


def build_html(report: pd.DataFrame | None = None, provenance: dict | None = None) -> str:
    """The report page as a string (see the module docstring); with ``provenance`` of a run
    on real data, worded for your data."""
    if report is None:
        report = pd.read_csv(paths.REPRODUCTION_CSV, dtype=str, keep_default_na=False)
    real = bool(provenance) and provenance["mode"] == "real"
    flagged = report[report["status"].isin(["mismatch", "match_other_method"])]
    parts = [*_head(real), "<h2 id='summary-heading'>Summary</h2>", _evidence(report, real),
             _summary(report),
             "<h2>Findings: every mismatch and other-method match</h2>",
             _rows(flagged, with_location=True), *_conclusions_section(), *_audit_section(),
             *_sections(report, _figure_titles(real)),
             f"<script>{SCRIPT}</script>", "</body></html>"]
    return "\n".join(parts) + "\n"


def write_html(path: Path | str | None = None, report: pd.DataFrame | None = None,
               provenance: dict | None = None) -> Path:
    """Write :func:`build_html` to ``reports/reproduction.html`` atomically."""
    path = paths.REPORTS / "reproduction.html" if path is None else Path(path)
    atomic_write_text(path, build_html(report, provenance))
    return path
