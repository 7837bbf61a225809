"""The parts of the README and the data READMEs that state results, rendered from computed
outputs so that no result is typed by hand.

A document marks each computed block with ``<!-- computed: NAME -->`` and
``<!-- /computed: NAME -->``. :func:`blocks` renders every block from the reports
(``reports/reproduction.csv``, ``reports/conclusions.csv`` and ``reports/tables``);
:func:`update_documents` writes them in place (a default ``make reproduce`` does, so the
text always says what the last run computed); :func:`stale_blocks` lists the blocks that
differ from a fresh rendering, which the tests require to be none.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from analysis.io import paths
from analysis.io.files import atomic_write_text
from analysis.io.parameters import parameter_list
from analysis.printed.compare import rounded_as_printed
from analysis.printed.significance import range_significance
from analysis.report.summary import evidence_counts, headline

__all__ = ["DOCUMENTS", "blocks", "render", "stale_blocks", "update_documents"]

#: Documents with computed blocks, relative to the repository root.
DOCUMENTS = ("README.md", "data/reconstructed/README.md")

BLOCK = re.compile(r"(<!-- computed: (?P<name>[a-z0-9_]+) -->\n)(?P<body>.*?)(<!-- /computed: "
                   r"(?P=name) -->)", re.DOTALL)
MARKER = re.compile(r"<!-- /?computed:")


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(name, dtype=str, keep_default_na=False)


def _markdown_table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    return "\n".join([header, rule, *("| " + " | ".join(map(str, r)) + " |"
                                      for r in frame.itertuples(index=False))])


def _estimated(holding: pd.DataFrame) -> str:
    """How many of the conclusions that hold rest in part on a Monte Carlo p."""
    n = int((holding["estimated"].fillna("") != "").sum())
    return (f" ({n} of them with a Monte Carlo p, judged over its exact confidence interval, "
            "not proven)") if n else ""


def _conclusions_text(conclusions: pd.DataFrame) -> str:
    tested = conclusions[conclusions["all_choices"] != "not_applicable"]
    fragile = tested[tested["all_choices"].isin(["fails", "mixed"])]
    lines = [f"Of the {len(conclusions)} conclusions the papers draw from a test or a comparison "
             f"(`reports/conclusions.csv`), {len(tested)} can be tested; "
             f"{int((tested['all_choices'] == 'holds').sum())} hold under every defensible "
             f"analysis choice{_estimated(tested[tested['all_choices'] == 'holds'])}, "
             f"{int((tested['all_choices'] == 'unresolved').sum())} are "
             f"unresolved (some inputs cannot be bounded), and {len(fragile)} fail or can fail "
             "under at least one (the choice that breaks it by the most is named):", ""]
    for row in fragile.itertuples(index=False):
        lines.append(f"- {row.statement} ({row.paper}; {row.all_choices}): {row.worst}.")
    return "\n".join(lines)


def _headline(tables: Path) -> str:
    report = _read(paths.REPRODUCTION_CSV)
    parts = [headline(report), "", _markdown_table(evidence_counts(report).reset_index()), ""]
    conclusions = paths.REPORTS / "conclusions.csv"
    if conclusions.is_file():
        parts.append(_conclusions_text(_read(conclusions)))
    return "\n".join(parts)


def _shown(reproduced: str, printed: str) -> str:
    """A reproduced value at the printed decimals; beside a printed bound (``<0.001``), two
    significant digits, which say on which side of the bound it lies."""
    if printed[:1] in "<>":
        return f"{float(reproduced):.2g}"
    return rounded_as_printed(reproduced, printed)


def _findings() -> str:
    report = _read(paths.REPRODUCTION_CSV)
    flagged = report[report["status"].isin(["mismatch", "match_other_method"])].copy()
    flagged["stem"] = flagged["id"].str.rsplit(".", n=1).str[0]
    rows = []
    for _stem, group in flagged.groupby("stem", sort=False):
        row = group.iloc[0]
        rows.append({"notebook": Path(row["source"]).stem, "where": f"{row['paper']} "
                     f"{row['location']}", "item": row["item"],
                     "printed → reproduced": "; ".join(
                         f"{r.quantity} {r.printed} → {_shown(r.reproduced, r.printed)}"
                         for r in group.itertuples()),
                     "how": "; ".join(dict.fromkeys(group["method"])),
                     "status": ", ".join(sorted(set(group["status"]))),
                     "evidence": ", ".join(sorted(set(group["evidence"]))),
                     "discrepancy": ", ".join(sorted(set(group["discrepancy"]) - {"none"}))})
    return _markdown_table(pd.DataFrame(rows).sort_values("notebook", kind="stable"))


def _fig1_text(tables: Path) -> str:
    tests = _read(tables / "fan2018_fig1_tests.csv").set_index("variant")
    feasible = _read(tables / "fan2018_fig1_feasible.csv").iloc[0]
    quasi = tests.loc["quasi_independence"]
    low, high = float(quasi["p_low"]), float(quasi["p_high"])
    side = range_significance(low, high)
    estimate = float(feasible["estimate"])
    return (f"Exactly {int(feasible['band_tables']):,} tables lie within the stated frequencies "
            f"and sum to the printed total; of those, an estimated {estimate:.3g}"
            f" (95% interval {float(feasible['low']):.3g} to {float(feasible['high']):.3g}; "
            "importance sampling) also give the printed χ². Every cell's exact minimum and "
            "maximum over all of them is in `reports/tables/fan2018_fig1_ranges.csv`. Leaving "
            "out the structural zeros (the test of quasi-independence), the feasible tables "
            f"found give p from {low:.3g} to {high:.3g}: {side} ({quasi['basis']}).")


def _independent() -> str:
    report = _read(paths.REPRODUCTION_CSV)
    counts = pd.crosstab([report["paper"], report["location"]], report["evidence"])
    order = [c for c in ("published", "invariant", "dependent", "by_construction",
                         "unavailable") if c in counts.columns]
    return ("Counted from `reports/reproduction.csv` (`evidence`): how many printed numbers of "
            "each section are recomputed from printed numbers alone (`published`), proved the "
            "same for every consistent dataset (`invariant`), depend on the reconstruction "
            "(`dependent`), or hold because the reconstruction was built to give them "
            "(`by_construction`).\n\n" + _markdown_table(counts[order].reset_index()))


#: The printed number the README follows through the code ("How it works").
WALKED = "fan2018.table2.age.peers_vs_consumers.statistic"


def _walk(row_id: str = WALKED) -> str:
    """One printed number from the registry to the report, each step read off the files it
    names: what a newcomer greps to find the function that judges a number."""
    from analysis.io.annotations import load_stages
    from analysis.io.registry import load_registry

    registry = load_registry()
    printed = registry.set_index("id").loc[row_id]
    stage = load_stages(registry).set_index("id").loc[row_id]
    row = _read(paths.REPRODUCTION_CSV).set_index("id").loc[row_id]
    module, function = stage["judged_by"].rsplit(".", 1)
    return "\n".join([
        f"`{row_id}`, one grep away in each file:", "",
        f"1. `data/published/registry.csv`: printed `{printed['printed']}` ({printed['paper']} "
        f"{printed['location']}, {printed['item']}, {printed['group']}), with its sentence.",
        f"2. `data/published/stages.csv`: reproduced by notebook `{stage['stage']}`, judged by "
        f"`{stage['judged_by']}` (`{module.replace('.', '/')}.py`, `def {function}`).",
        "3. That handler hands its attempts (the test the paper names first, then the "
        "alternatives) to `analysis/printed/judge.py`, which compares each at the printed "
        "decimals (`analysis/printed/compare.py`).",
        "4. `analysis/evidence/levels.py` says how strong the result is, from the range of the "
        "value over every consistent dataset where the handler proved one.",
        f"5. `reports/reproduction.csv`: reproduced `{_shown(row['reproduced'], row['printed'])}`"
        f" by {row['method']}; status `{row['status']}`, evidence `{row['evidence']}`.",
    ])


#: The experiment the README shows: a notebook, a parameter and its value.
EXPERIMENT = ("05_conclusions", "alpha", 0.01)


def experiment_command(experiment: tuple[str, str, object] = EXPERIMENT) -> str:
    notebook, name, value = experiment
    return f".venv/bin/python -m analysis.run --only {notebook} -p {name} {json.dumps(value)}"


def experiment_lines(experiment: tuple[str, str, object] = EXPERIMENT) -> list[str]:
    """What :func:`experiment_command` prints last, its comparison with the published
    reproduction (:func:`analysis.report.change_words.summary_lines`), computed here in one
    process from the committed outputs: notebook 05's conclusions under that parameter
    (:func:`analysis.stages.conclusions.evaluate`) beside the committed ones. The test of
    the experiment runs the command and requires the same lines."""
    from analysis.io.files import read_csv_strict
    from analysis.io.registry import load_registry
    from analysis.report.change_words import summary_lines
    from analysis.report.changes import compare, published_run, variant
    from analysis.stages.conclusions import evaluate

    notebook, name, value = experiment
    if notebook != "05_conclusions":
        raise ValueError("the README's experiment is computed for notebook 05 only")
    fig1 = read_csv_strict(paths.TABLES / "fan2018_fig1_tests.csv",
                           ["variant", "p_low", "p_high", "basis"])
    summary = evaluate(load_registry(), fig1, **{name: value})[2]
    published = published_run()
    return summary_lines(compare(published, variant(published, notebook, {name: value},
                                                    conclusions=summary)))


def _experiment() -> str:
    return "\n".join(["```text", f"$ {experiment_command()}", "...",
                      *experiment_lines(), "```"])


def blocks(tables: Path | None = None) -> dict[str, str]:
    """Every computed block, by name, rendered from the current reports."""
    tables = paths.TABLES if tables is None else Path(tables)
    return {"headline": _headline(tables), "findings": _findings(),
            "fig1_freedom": _fig1_text(tables), "by_evidence": _independent(),
            "parameters": parameter_list(), "walk": _walk(),
            "experiment": _experiment()}


def render(text: str, rendered: dict[str, str]) -> str:
    """``text`` with every computed block replaced by its rendering (an unknown block name
    is an error)."""
    def replace(match: re.Match) -> str:
        name = match["name"]
        if name not in rendered:
            raise KeyError(f"no computed block {name!r}; have {sorted(rendered)}")
        return f"{match.group(1)}{rendered[name].rstrip()}\n{match.group(4)}"
    return BLOCK.sub(replace, text)


def stale_blocks(root: Path | None = None) -> list[str]:
    """``document: block`` for every computed block that differs from a fresh rendering."""
    root = paths.ROOT if root is None else Path(root)
    rendered = blocks()
    stale = []
    for name in DOCUMENTS:
        text = (root / name).read_text(encoding="utf-8")
        found = list(BLOCK.finditer(text))
        if len(MARKER.findall(text)) != 2 * len(found):
            stale.append(f"{name}: a computed marker without its pair")
        for match in found:
            if match["name"] not in rendered:
                stale.append(f"{name}: {match['name']} (no such block)")
            elif match["body"].rstrip() != rendered[match["name"]].rstrip():
                stale.append(f"{name}: {match['name']}")
    return stale


def update_documents(root: Path | None = None) -> list[Path]:
    """Rewrite the computed blocks of every document in :data:`DOCUMENTS`."""
    root = paths.ROOT if root is None else Path(root)
    rendered = blocks()
    written = []
    for name in DOCUMENTS:
        path = root / name
        text = path.read_text(encoding="utf-8")
        new = render(text, rendered)
        if new != text:
            atomic_write_text(path, new)
            written.append(path)
    return written
