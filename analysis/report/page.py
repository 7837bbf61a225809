"""``reports/reproduction.html``: the one page a reviewer reads, organised as a reviewer reads.

A single self-contained file (styles and script inline, figures embedded as data URIs, no
network), with a table of contents and an anchor for every section, table, problem and
registry id (``reproduction.html#fan2018.table2.age.peers.mean``):

1. the verdict for each paper, every count a link that filters the table of numbers to the
   rows it counts;
2. the papers' conclusions under every defensible analysis (notebook 05);
3. the distinct problems, each once (grouped in ``data/published/explanations.csv``'s
   ``problem`` column, described in ``data/published/problems.csv``), with every row it
   affects;
4. every table of both papers in the paper's layout, each cell printed over reproduced;
5. the figures beside the papers' captions;
6. the audit in words, and its tables;
7. every printed number: filters by paper, status, evidence and location, a search box, the
   source sentence under a toggle, and a link to the rendered cell of the notebook that
   computed it (``reports/notebooks/*.html``, written beside the page);
8. provenance: what the page was built from.

Built by :func:`build_html` from ``reports/reproduction.csv``, the registry and the tables
in ``reports/tables``; :func:`write_html` writes it atomically. Nothing depends on the time
of the build, so rebuilding gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import re
from importlib import metadata
from pathlib import Path

import pandas as pd

from analysis.io import context, paths
from analysis.io.cache import memoised
from analysis.io.files import atomic_write_text
from analysis.io.parameters import declared
from analysis.io.registry import load_registry
from analysis.printed.compare import rounded_as_printed
from analysis.printed.rounding import parse_printed
from analysis.report import page_sections as parts
from analysis.report.assumptions import effect_words
from analysis.report.change_words import TITLE as CHANGES_TITLE
from analysis.report.change_words import html_section
from analysis.report.changes import Comparison
from analysis.report.notes import PROBLEM_TEXT_COLUMNS
from analysis.report.page_assets import SCRIPT, STYLE
from analysis.report.summary import category_of, evidence_counts, headline

__all__ = ["CURVES", "FIGURES", "build_html", "conclusions_table", "distinct_problems",
           "notebook_html",
           "rows_with_context", "write_html", "write_notebook_pages"]

e = parts.e

#: Regenerated figures: file stem -> (title, paper, the figure of the paper it redraws).
FIGURES = {
    "fan2018_fig1": ("Sessions per community per 6-month period (redrawn): bars are one "
                     "synthetic table, whiskers the exact range of every value consistent "
                     "with the text; the bar heights were never printed",
                     "fan2018", "Fig. 1"),
    "fan2018_fig2": ("Share of each content category (redrawn): three shares printed (dark), "
                     "the rest synthetic (light), whiskers their feasible ranges",
                     "fan2018", "Fig. 2"),
    "fan2019_fig1": ("Enrolment and flow of participants, redrawn from the participant "
                     "table; the consumers' communities and the caregivers' split by wave are "
                     "not published", "fan2019", "Fig. 1"),
    "fan2019_fig_benefit": ("Table 3 as a figure: perceived benefit, providers vs consumers "
                            "(counts as published)", "fan2019", ""),
}
#: The same figures' titles in a run on your data.
REAL_FIGURES = {
    "fan2018_fig1": "Sessions per community per 6-month period, counted from your data "
                    "(whiskers: every value consistent with the text)",
    "fan2018_fig2": "Share of each content category, from your data",
    "fan2019_fig1": "Enrolment and flow of participants, from your data",
    "fan2019_fig_benefit": "Table 3 as a figure: perceived benefit, providers vs consumers, "
                           "from your data",
}
#: The specification curves of notebook 05, shown with the conclusions.
CURVES = {f"{paper}_specification_curve": f"{paper}: every conclusion's p under every "
          "specification, each marked by its test (marker), correction (colour) and reading of "
          "n (fill); bars: exact ranges over consistent datasets"
          for paper in ("fan2018", "fan2019")}
PAPERS = {
    "fan2018": ("Fan Y, Ma N, Ma L, Xu W, Lamberti JS, Caine ED. A community-based peer support "
                "service for persons with severe mental illness in China. BMC Psychiatry "
                "2018;18:170.", "10.1186/s12888-018-1763-2"),
    "fan2019": ("Fan Y, Ma N, Ma L, Zhang W, Xu W, Shi R, Chen H, Lamberti JS, Caine ED. "
                "Feasibility of peer support services among people with severe mental illness "
                "in China. BMC Psychiatry 2019;19:360.", "10.1186/s12888-019-2334-x"),
}
SECTIONS = [("verdict", "Verdict"), ("conclusions", "The papers' conclusions"),
            ("problems", "Distinct problems"), ("assumptions", "Assumptions"),
            ("tables", "The papers' tables"),
            ("figures", "Figures"), ("audit", "Audit"), ("numbers", "Every printed number"),
            ("provenance", "How this page was made")]


def _shown(reproduced: str, printed: str, status: str = "match") -> str:
    """The reproduced value at the printed number of decimals; where it does not agree and
    rounding would hide how far it is (7.5 shown as 8 beside a printed 5), its unrounded
    value too."""
    if reproduced == "":
        return ""
    try:
        parsed = parse_printed(printed)
        if parsed.bound or (parsed.word and parsed.value != parsed.value.to_integral_value()):
            return f"{float(reproduced):.2g}"  # "<0.001": show the value, not 0.000
        shown = rounded_as_printed(reproduced, printed)
        whole = float(reproduced) == round(float(reproduced))
        if status in ("mismatch", "depends_on_reading") and parsed.decimals == 0 and not whole:
            return f"{shown} ({float(reproduced):.4g} unrounded)"
        return shown
    except (TypeError, ValueError, ArithmeticError):
        return reproduced


def _figure(stem: str, title: str, caption: str = "") -> str:
    path = paths.FIGURES / f"{stem}.png"
    if not path.is_file():
        return ""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    printed = f"<b>{e(caption)}</b><br>" if caption else ""
    return (f'<figure id="figure-{e(stem)}"><img alt="{e(title)}" '
            f'src="data:image/png;base64,{data}"><figcaption>{printed}{e(title)} '
            f'(<code>figures/{e(stem)}.png</code>)</figcaption></figure>')


def _caption(paper: str, figure: str) -> str:
    """The paper's own caption of ``figure`` ("Fig. 1 ..."), from its text."""
    if not figure:
        return ""
    text = paths.PAPER_FILES[paper].read_text(encoding="utf-8")
    found = re.search(rf"^{re.escape(figure)} (.+)$", text, re.MULTILINE)
    return f"{paper} {figure}: {found.group(1).strip()}" if found else ""


def _table_file(name: str) -> pd.DataFrame | None:
    path = paths.TABLES / name
    return pd.read_csv(path, dtype=str, keep_default_na=False) if path.is_file() else None


def _plain_table(frame: pd.DataFrame, columns: dict[str, str], label: str = "table") -> str:
    """A table in a scrolling box that the keyboard can reach (a focusable, labelled region)."""
    head = "".join(f"<th scope='col'>{e(label)}</th>" for label in columns.values())
    body = "".join("<tr>" + "".join(f"<td>{e(v)}</td>" for v in row) + "</tr>"
                   for row in frame[list(columns)].itertuples(index=False))
    return (f"<div class='scroll' tabindex='0' role='region' aria-label='{e(label)}'><table>"
            f"<tr>{head}</tr>{body}</table></div>")


def rows_with_context(report: pd.DataFrame) -> pd.DataFrame:
    """The report with each row's source sentence and its value as shown (the problem of a
    row is the report's own ``problem`` column)."""
    registry = load_registry()[["id", "context"]]
    rows = report.merge(registry, on="id", how="left").fillna({"context": ""})
    if "problem" not in rows:
        rows["problem"] = ""
    rows["category"] = category_of(rows)
    rows["shown"] = [_shown(r, p, s) for r, p, s in zip(rows["reproduced"], rows["printed"],
                                                        rows["status"], strict=True)]
    rows["source_stem"] = rows["source"].map(lambda s: Path(s).stem if s else "")
    return rows


def distinct_problems(rows: pd.DataFrame) -> pd.DataFrame:
    """The problems of the papers as the report rendered them from computed facts
    (``reports/tables/problem_texts.csv``, :mod:`analysis.report.notes`): title, evidence,
    how strong it is, the request, mismatches first; only those with rows in ``rows``."""
    path = paths.TABLES / "problem_texts.csv"
    if not path.is_file():
        return pd.DataFrame(columns=PROBLEM_TEXT_COLUMNS)
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table = table[(table["kind"] == "problem") & table["problem"].isin(set(rows["problem"]))]
    return table.assign(mismatch=table["mismatch"] == "True").reset_index(drop=True)


def conclusions_table() -> pd.DataFrame:
    path = paths.REPORTS / "conclusions.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False) if path.is_file() else None
    if table is None:
        columns = ["statement", "rests_on", "as_printed", "all_choices"]
        return pd.DataFrame(columns=columns, dtype=str)
    return table


def _notebook_links() -> dict[str, str]:
    """For each notebook, a link to the rendered cell that writes its results."""
    links = {}
    for page in sorted((paths.REPORTS / "notebooks").glob("*.html")):
        chunks = page.read_text(encoding="utf-8").split('id="cell-id=')[1:]
        cell = next((c.split('"', 1)[0] for c in chunks if "write_results" in c), "")
        links[f"notebooks/{page.stem}.ipynb"] = (f"notebooks/{page.name}"
                                                + (f"#cell-id={cell}" if cell else ""))
    return links


def _source_digest() -> str:
    """SHA-256 of what the published outputs are computed from: the package, the data files
    and the notebooks' parameters (not the executed notebooks, which are outputs)."""
    digest = hashlib.sha256()
    inputs = [*sorted((paths.ROOT / "analysis").rglob("*.py")),
              *sorted(p for p in paths.DATA.rglob("*") if p.is_file()
                      and not p.is_relative_to(paths.RECONSTRUCTED)),
              paths.NOTEBOOKS / "parameters.csv"]
    for path in inputs:
        digest.update(path.relative_to(paths.ROOT).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def _provenance(record: dict | None) -> dict[str, str]:
    """What the page was built from: a run's record, or for the published reproduction the
    source digest, the parameters and the package versions (no date: reruns are identical)."""
    if record:
        return {k: str(v) for k, v in record.items() if k != "parameters_by_notebook"}
    table = declared()
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in
                         ("numpy", "pandas", "scipy", "statsmodels", "ortools", "matplotlib",
                          "papermill", "pandera"))
    return {"built by": "make reproduce (python -m analysis.run, every parameter at its default)",
            "source digest (SHA-256 of analysis/, data/, notebooks/parameters.csv)":
                _source_digest(),
            "parameters": "; ".join(f"{r.notebook}: {r.name} = {r.default!r}"
                                    for r in table.itertuples()),
            "seed": ", ".join(sorted({str(v) for v in table.loc[table["name"] == "seed",
                                                                "default"]})),
            "packages": versions,
            "date": "none, so that a rerun gives the same bytes: the commit holding this "
                    "page dates it"}


def _head(real: bool) -> list[str]:
    papers = "<br>".join(f"{e(text)} <a href='https://doi.org/{doi}'>doi:{doi}</a>"
                         for text, doi in PAPERS.values())
    intro = ("Every number printed in the two papers, computed by the notebooks from your data "
             "or from printed numbers" if real else
             "Every number printed in the two papers, recomputed from published numbers or "
             "from synthetic record-level data built to agree with them")
    return ["<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            "<title>Reproduction report: peer support in Beijing (Fan et al. 2018, 2019)"
            "</title>", f"<style>{STYLE}</style></head><body><main>",
            f"<h1>{'Analysis of your data' if real else 'Reproduction report'}</h1>",
            f"<p>{papers}</p>",
            f"<p class='small'>{intro}, and compared with the printed value rounded half away "
            "from zero at the printed decimals (SPSS's rule: fan2018 names SPSS 19, fan2019 "
            "names no software, so for it the rule is assumed; see Assumptions). The rows are in "
            "<a href='reproduction.csv'>reproduction.csv</a>"
            + ("" if real else "; the reviewer's letter is <a href='review.md'>review.md</a>")
            + ". Generated; do not edit.</p>"]


def _evidence_table(report: pd.DataFrame) -> str:
    counts = evidence_counts(report)
    head = "".join(f"<th scope='col'>{e(parts.LABELS.get(c, c))}</th>" for c in counts.columns)
    body = "".join(
        f"<tr id='evidence-{e(level)}'><th scope='row'>{e(level.replace('_', ' '))}</th>"
        + "".join(f'<td class="num">{parts.count_link(int(v), **_filter(level, status))}</td>'
                  for status, v in row.items()) + "</tr>"
        for level, row in counts.iterrows())
    return (f"<div class='scroll'><table id='evidence'><tr><th scope='col'>evidence</th>{head}"
            f"</tr>{body}</table></div>")


def _filter(level: str, status: str) -> dict[str, str]:
    chosen = {} if level == "all" else {"evidence": level}
    return chosen | ({} if status == "all" else {"status": status})


def _status_counts(report: pd.DataFrame) -> str:
    """Counts by status and paper (each a link), with stable ids for the tests."""
    counts = pd.crosstab(report["status"], report["paper"])
    papers = list(counts.columns)
    head = "".join(f"<th scope='col'>{e(p)}</th>" for p in papers) + "<th scope='col'>all</th>"
    body = []
    for status in counts.index:
        cells = "".join(f'<td class="num" id="count-{e(p)}-{status}">'
                        f'{parts.count_link(int(counts.loc[status, p]), paper=p, status=status)}'
                        "</td>" for p in papers)
        body.append(f'<tr class="s-{status}"><th scope="row">{e(parts.LABELS[status])}</th>'
                    f'{cells}<td class="num" id="count-all-{status}">'
                    f'{parts.count_link(int(counts.loc[status].sum()), status=status)}</td></tr>')
    return (f"<div class='scroll'><table id='summary'><tr><th scope='col'>status</th>{head}"
            f"</tr>{''.join(body)}<tr><th scope='row'>printed numbers</th>"
            + "".join(f'<td class="num">{int(counts[p].sum())}</td>' for p in papers)
            + f'<td class="num" id="count-all-all">{len(report)}</td></tr></table></div>')


def _figures(real: bool) -> list[str]:
    shown = []
    for stem, (title, paper, figure) in FIGURES.items():
        shown.append(_figure(stem, REAL_FIGURES[stem] if real else title,
                             _caption(paper, figure)))
    return shown


def _conclusion_part() -> list[str]:
    table = conclusions_table()
    if table.empty:
        return []
    return ["<p class='small'>From <a href='conclusions.csv'>conclusions.csv</a> (notebook 05): "
            "each conclusion as printed, under every analysis a rule makes defensible for its "
            "tests (the rules that fired are named), and over every dataset consistent with "
            "the printed numbers; the choice that breaks it by the most, with its p against "
            "the threshold, and every other under a toggle.</p>",
            parts.conclusions_table(table), parts.rules_table(),
            *[_figure(s, t) for s, t in CURVES.items()]]


def _assumption_part() -> list[str]:
    path = paths.REPORTS / "assumptions.csv"
    if not path.is_file():
        return []
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    shown = table.assign(
        basis=[f"{b}: “{q}”" if q else b for b, q in zip(table["basis"], table["quote"],
                                                         strict=True)],
        effect=[effect_words(a, c, i) for c, i, a in zip(
            table["changed"], table["changed_ids"], table["alternative"], strict=True)])
    columns = {"paper": "paper", "topic": "topic", "assumption": "assumption",
               "basis": "basis", "source": "source", "effect": "under the alternative"}
    return ["<p class='small'>Every assumption the judgements rest on, with its basis: the "
            "papers' words, a document, an inference from the printed numbers, or nothing "
            "(<i>assumed</i>); where an alternative can be computed, the verdicts it changes "
            "(<a href='assumptions.csv'>assumptions.csv</a>).</p>",
            _plain_table(shown, columns, "assumptions")]


def _audit_part() -> list[str]:
    tests, checks = _table_file("audit_tests.csv"), _table_file("audit_granularity.csv")
    if tests is None:
        return []
    columns = {"paper": "paper", "text": "as printed", "df_used": "df", "p_recomputed":
               "p recomputed", "consistent": "consistent", "explanation": "explanation"}
    shown = tests.assign(consistent=tests["consistent"].map({"True": "yes", "False": "NO"}))
    return [parts.audit_in_words(tests, checks),
            "<details><summary>Every test printed in the texts</summary>"
            + _plain_table(shown, columns) + "</details>"]


def build_html(report: pd.DataFrame | None = None, provenance: dict | None = None,
               comparison: Comparison | None = None) -> str:
    """The report page as a string (see the module docstring); with ``provenance`` of a run
    on real data, worded for your data; with ``comparison`` (a run that is not the published
    reproduction), what the run changed as its first section, above the contents."""
    if report is None:
        report = pd.read_csv(paths.REPRODUCTION_CSV, dtype=str, keep_default_na=False)
    real = bool(provenance) and provenance["mode"] == "real"
    rows = rows_with_context(report)
    if real:  # the problems are the papers' against the synthetic data, not your data's
        rows["problem"] = ""
    problems = distinct_problems(rows)
    sections = {
        "verdict": [parts.headline_by_paper(rows, problems, real),
                    "" if real else f"<p class='small'>{e(headline(report))}</p>",
                    _status_counts(report), _evidence_table(report)],
        "conclusions": _conclusion_part(),
        "problems": ["<p class='small'>Every mismatch, every number reproduced only by "
                     "another method than the paper names and every number whose verdict "
                     "depends on how the text is read, grouped into distinct problems; each "
                     "said from computed facts, with how strong its evidence is.</p>",
                     parts.problems_section(problems, rows, conclusions_table())],
        "assumptions": [] if real else _assumption_part(),
        "tables": [parts.paper_tables(rows)],
        "figures": _figures(real),
        "audit": _audit_part(),
        "numbers": [parts.numbers_table(rows, _notebook_links())],
        "provenance": [parts.provenance_block(_provenance(provenance))],
    }
    shown = SECTIONS
    if comparison is not None:
        sections["changes"] = html_section(comparison)
        shown = [("changes", CHANGES_TITLE), *SECTIONS]
    body = [*_head(real)]
    for anchor, title in shown:
        if anchor == "verdict":
            body.append(parts.toc(shown))
        body += [f"<section id='{anchor}'><h2>{e(title)}</h2>", *sections[anchor], "</section>"]
    return "\n".join([*body, f"</main><script>{SCRIPT}</script>", "</body></html>"]) + "\n"


def write_html(path: Path | str | None = None, report: pd.DataFrame | None = None,
               provenance: dict | None = None, comparison: Comparison | None = None) -> Path:
    """Write :func:`build_html` to ``reports/reproduction.html`` atomically."""
    path = paths.REPORTS / "reproduction.html" if path is None else Path(path)
    atomic_write_text(path, build_html(report, provenance, comparison))
    return path


def notebook_html(text: str) -> str:
    """One executed notebook (its ``.ipynb`` text) rendered by nbconvert's lab template,
    cells tagged ``remove-input`` showing their output only, without the scripts it would
    fetch from the network."""
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(template_name="lab")
    # a paragraph said from computed values (analysis.report.prose) shows as text, not code
    exporter.register_preprocessor(TagRemovePreprocessor(remove_input_tags={"remove-input"}),
                                   enabled=True)
    body, _ = exporter.from_notebook_node(nbformat.reads(text, as_version=4))
    return re.sub(r'<script[^>]*src="https?://[^"]*"[^>]*>\s*</script>', "", body)


#: :func:`notebook_html` memoised on the notebook's text and the package's code
#: (:mod:`analysis.io.cache`): an unchanged notebook is not rendered again. Never used on
#: real data, whose notebooks must not reach the cache.
cached_notebook_html = memoised(notebook_html)


def write_notebook_pages(notebooks: list[Path]) -> list[Path]:
    """Each executed notebook rendered to ``reports/notebooks/<name>.html``
    (:func:`notebook_html`, cell anchors ``#cell-id=...``; memoised except on real data);
    the template's style sheet, the same for every page, is written once
    (``reports/notebooks/notebook.css``)."""
    render = notebook_html if context.real_data() else cached_notebook_html
    written, shared = [], None
    for notebook in notebooks:
        body = render(notebook.read_text(encoding="utf-8"))
        head, rest = body.split("</head>", 1)
        styles = "\n".join(re.findall(r"<style[^>]*>.*?</style>", head, re.DOTALL))
        if shared not in (None, styles):
            raise ValueError(f"{notebook.name}: the template's styles differ between notebooks")
        shared = styles
        head = re.sub(r"<style[^>]*>.*?</style>\s*", "", head, flags=re.DOTALL)
        target = paths.REPORTS / "notebooks" / f"{notebook.stem}.html"
        atomic_write_text(target, head + '<link rel="stylesheet" href="notebook.css">\n</head>'
                          + rest)
        written.append(target)
    if shared is not None:  # the template's styles, once for every notebook page
        css = re.sub(r"</?style[^>]*>", "", shared)
        atomic_write_text(paths.REPORTS / "notebooks" / "notebook.css", css)
    return written
