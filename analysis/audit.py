"""The audit: every printed statistic checked from the papers' own text, independently of any
reconstruction (notebook 05).

- :func:`extract_tests` finds every reported chi-square and t test in a paper's text, as
  statcheck does (Nuijten & Epskamp; statcheck 1.4.0), after normalising thin spaces,
  Unicode minus signs and numbers broken by a line end (``p < 0.\\n001``). Unlike statcheck it
  also reads a t printed without degrees of freedom.
- :func:`recompute` gives each the p implied by its statistic (over the statistic's rounding
  interval), with the df printed or, for a t without df, inferred from the group sizes the
  text gives (``data/published/implied.csv``), and flags *inconsistent* p-values and
  *decision-inconsistent* ones (the printed and the recomputed p on different sides of 0.05).
- :func:`link` ties each extracted test to its registry rows; :func:`explain` looks, for each
  flagged test, for the variant that reproduces it from the printed counts alone
  (:func:`analysis.variants.finding_evidence`).
- :func:`granularity` runs GRIM, GRIMMER and percent-vs-count on every mean, SD and
  percentage of the registry (n and bounds in ``data/published/granularity.csv``).
- :func:`cross_check` compares the audit's verdicts with the notebooks' statuses in
  ``reports/reproduction.csv``: a flagged number reported as a plain match, or a consistent
  one reported as an unexplained mismatch, is a disagreement.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from analysis import paths
from analysis.compare import compare
from analysis.consistency import load_implied
from analysis.granularity import grim, grimmer, percent_count
from analysis.registry import read_csv_strict, value
from analysis.rounding import parse_printed
from analysis.stats import p_from_statistic, p_interval_from_statistic

__all__ = [
    "TEST_PATTERN",
    "audit_tests",
    "compare_with_statcheck",
    "cross_check",
    "explain",
    "explain_granularity",
    "extract_tests",
    "granularity",
    "link",
    "load_granularity_specs",
    "normalise",
    "recompute",
    "run_statcheck",
    "statcheck_available",
]

#: A reported test: chi-square or t, df optional, statistic, then p with its comparison.
TEST_PATTERN = re.compile(
    r"(?P<test>χ2|χ²|\bt)\s*(?:\(\s*(?P<df>\d+)\s*\))?\s*=\s*(?P<statistic>-?\d*\.?\d+)\s*,"
    r"\s*p\s*(?P<comparison>[<>=])\s*(?P<p>\d*\.\d+)"
)


def normalise(text: str) -> str:
    """Text as a parser needs it: NFC; thin, narrow and no-break spaces as spaces; Unicode
    minus and en dash as ``-`` (and no space between a minus and its number: ``− 3.348``);
    numbers split by a line end rejoined (``0.\\n001`` -> ``0.001``); runs of whitespace as
    one space.

    >>> normalise("t = \\u2212 3.348, p = 0.\\n001")
    't = -3.348, p = 0.001'
    """
    text = unicodedata.normalize("NFC", text)
    for space in ("\u2009", "\u202f", "\u00a0", "\u2002", "\u2003"):
        text = text.replace(space, " ")
    text = text.replace("\u2212", "-").replace("\u2013", "-")
    text = re.sub(r"(\d\.)\s+(\d)", r"\1\2", text)
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"(=\s*)-\s+(\d)", r"\1-\2", text)


def extract_tests(paper: str) -> pd.DataFrame:
    """Every chi-square and t test printed in ``paper``'s text (``data/papers/``), in text
    order: ``paper``, ``occurrence`` (k-th time this statistic and p appear), ``test``,
    ``df`` ("" when not printed), ``statistic``, ``comparison``, ``p`` (strings, as
    printed), ``text`` (the matched words) and ``position``."""
    text = normalise(paths.PAPER_FILES[paper].read_text(encoding="utf-8"))
    rows, seen = [], {}
    for match in TEST_PATTERN.finditer(text):
        key = (match["test"], match["statistic"], match["p"])
        seen[key] = seen.get(key, 0) + 1
        rows.append({"paper": paper, "occurrence": seen[key],
                     "test": "chi2" if match["test"] in ("χ2", "χ²") else "t",
                     "df": match["df"] or "", "statistic": match["statistic"],
                     "comparison": match["comparison"], "p": match["p"],
                     "text": match.group(0), "position": match.start()})
    return pd.DataFrame(rows)


def link(tests: pd.DataFrame, registry: pd.DataFrame) -> pd.DataFrame:
    """Add ``statistic_id`` and ``p_id``: the registry rows of each extracted test (the k-th
    printing of a statistic and p in the text is the k-th registry row, in registry order,
    with that printed statistic and a p row printing that p). "" if none."""
    printed = dict(zip(registry["id"], registry["printed"], strict=True))
    out = tests.copy()
    statistic_ids, p_ids = [], []
    for row in out.itertuples(index=False):
        sign_free = row.statistic.lstrip("-")
        candidates = [
            i for i in registry.loc[(registry["paper"] == row.paper)
                                    & (registry["quantity"] == "statistic"), "id"]
            if printed[i].replace("\u2212", "-").lstrip("-") == sign_free
            and printed.get(i.rsplit(".", 1)[0] + ".p", "").replace(" ", "")
            == f"{'' if row.comparison == '=' else row.comparison}{row.p}"
        ]
        chosen = candidates[row.occurrence - 1] if len(candidates) >= row.occurrence else ""
        statistic_ids.append(chosen)
        p_ids.append(chosen.rsplit(".", 1)[0] + ".p" if chosen else "")
    out["statistic_id"], out["p_id"] = statistic_ids, p_ids
    return out


def _inferred_df(row, implied: pd.DataFrame) -> tuple[str, str]:
    if row.df:
        return row.df, "printed"
    df_id = row.statistic_id.rsplit(".", 1)[0] + ".df" if row.statistic_id else ""
    if df_id in implied.index:
        return str(implied.loc[df_id, "value"]), "inferred from the group sizes (implied.csv)"
    return "", "unknown"


def _p_satisfies(p: float, comparison: str, printed: str) -> bool:
    text = printed if comparison == "=" else f"{comparison}{printed}"
    return compare(p, text)


def recompute(tests: pd.DataFrame, implied: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add ``df_used``, ``df_source``, ``p_recomputed`` (at the printed statistic), ``p_low``
    and ``p_high`` (over the statistic's rounding interval), ``consistent`` (some statistic
    that rounds to the printed one gives a p that rounds to, or satisfies, the printed p)
    and ``decision_inconsistent`` (the printed p and every compatible p fall on different
    sides of 0.05)."""
    implied = load_implied() if implied is None else implied
    if "id" in implied.columns:
        implied = implied.set_index("id")
    out = tests.copy()
    rows = []
    for row in out.itertuples(index=False):
        df, source = _inferred_df(row, implied)
        parsed = parse_printed(row.statistic)
        half = 0.5 * 10.0 ** (-parsed.decimals)
        statistic = float(parsed.value)
        if not df:
            rows.append({"df_used": "", "df_source": source, "p_recomputed": float("nan"),
                         "p_low": float("nan"), "p_high": float("nan"), "consistent": False,
                         "decision_inconsistent": False})
            continue
        magnitude = abs(statistic)
        low, high = p_interval_from_statistic(row.test, max(magnitude - half, 0),
                                              magnitude + half, float(df))
        point = p_from_statistic(row.test, magnitude, float(df))
        grid = [low, high, point]
        consistent = any(_p_satisfies(p, row.comparison, row.p) for p in grid) or (
            row.comparison == "=" and low <= float(row.p) + 0.5 * 10.0 ** -len(
                row.p.split(".")[1]) and float(row.p) - 0.5 * 10.0 ** -len(
                row.p.split(".")[1]) <= high)
        printed_significant = (row.comparison == "<" and float(row.p) <= 0.05) or (
            row.comparison == "=" and float(row.p) < 0.05)
        decision = (not consistent) and ((high < 0.05) != printed_significant) and (
            (low < 0.05) != printed_significant)
        rows.append({"df_used": df, "df_source": source, "p_recomputed": point, "p_low": low,
                     "p_high": high, "consistent": consistent,
                     "decision_inconsistent": decision})
    return pd.concat([out.reset_index(drop=True), pd.DataFrame(rows)], axis=1)


def explain(audit: pd.DataFrame, registry: pd.DataFrame) -> pd.DataFrame:
    """For each inconsistent test, the variant that reproduces the printed p from the printed
    counts alone, if one does (``explanation``); "" for consistent tests."""
    from analysis.variants import finding_evidence

    evidence = finding_evidence(registry)
    matched = evidence[evidence["p_matches"]]
    notes = []
    for row in audit.itertuples(index=False):
        if row.consistent:
            notes.append("")
            continue
        found = matched[matched["finding"] == row.p_id]
        if found.empty:
            notes.append("no variant of the printed counts reproduces it")
            continue
        best = found.iloc[0]
        notes.append(f"the printed p is the {best['method']} p of the printed counts "
                     f"({best['table']}): {best['p']:.4f}")
    return audit.assign(explanation=notes)


def audit_tests(registry: pd.DataFrame) -> pd.DataFrame:
    """:func:`extract_tests`, :func:`link`, :func:`recompute` and :func:`explain` for both
    papers."""
    tests = pd.concat([extract_tests(p) for p in paths.PAPER_FILES], ignore_index=True)
    return explain(recompute(link(tests, registry)), registry)


# --------------------------------------------------------------------------------------
# Granularity


def load_granularity_specs(path=None) -> pd.DataFrame:
    """``data/published/granularity.csv``: for each printed mean, the registry id of its n,
    the scale's bounds, the registry id of the SD (or "") and the reason."""
    return read_csv_strict(paths.PUBLISHED / "granularity.csv" if path is None else path,
                           ["id", "n_id", "lo", "hi", "sd_id", "reason"])


def granularity(registry: pd.DataFrame, specs: pd.DataFrame | None = None) -> pd.DataFrame:
    """GRIM (and GRIMMER where an SD is printed) for every mean of ``specs``, and
    percent-vs-count for every percentage of the registry with a count and a denominator.
    Returns ``id``, ``check``, ``printed``, ``n``, ``consistent``."""
    specs = load_granularity_specs() if specs is None else specs
    printed = dict(zip(registry["id"], registry["printed"], strict=True))
    rows = []
    for spec in specs.itertuples(index=False):
        n = int(value(registry, spec.n_id))
        mean = printed[spec.id]
        rows.append({"id": spec.id, "check": "GRIM", "printed": mean, "n": n,
                     "consistent": grim(mean, n)})
        if spec.sd_id:
            rows.append({"id": spec.sd_id, "check": "GRIMMER", "printed": printed[spec.sd_id],
                         "n": n, "consistent": grimmer(mean, printed[spec.sd_id], n,
                                                       int(spec.lo), int(spec.hi))})
    ids = set(registry["id"])
    for row in registry[registry["quantity"] == "percent"].itertuples(index=False):
        count_id = row.id.rsplit(".", 1)[0] + ".count"
        if count_id not in ids or not row.denominator:
            continue
        n, count = int(value(registry, row.denominator)), int(value(registry, count_id))
        if not 0 <= count <= n:
            continue
        rows.append({"id": row.id, "check": "percent", "printed": row.printed, "n": n,
                     "consistent": percent_count(row.printed, count, n)})
    return pd.DataFrame(rows).drop_duplicates("id", keep="first").reset_index(drop=True)


# --------------------------------------------------------------------------------------
# Cross-check with the notebooks


def cross_check(audit: pd.DataFrame, checks: pd.DataFrame, report: pd.DataFrame
                ) -> pd.DataFrame:
    """Disagreements between the audit and ``reports/reproduction.csv``:

    - a test whose printed p is inconsistent with its statistic, but whose p row the
      notebooks report as a plain ``match``;
    - a consistent test whose p row is a ``mismatch`` while its statistic row is not (a
      consistent pair can only be wrong together);
    - a mean, SD or percentage failing its granularity check but reported as ``match``.

    Returns ``id``, ``audit``, ``status``, ``problem``; empty when they agree.
    """
    status = report.set_index("id")["status"]
    problems = []
    for row in audit.itertuples(index=False):
        if not row.p_id:
            problems.append({"id": row.text, "audit": "not linked", "status": "",
                             "problem": "a test in the text with no registry row"})
            continue
        p_status = status.get(row.p_id, "")
        if not row.consistent and p_status == "match":
            problems.append({"id": row.p_id, "audit": "inconsistent", "status": p_status,
                             "problem": "flagged p reported as a plain match"})
        if row.consistent and p_status == "mismatch" and status.get(
                row.statistic_id, "") != "mismatch":
            problems.append({"id": row.p_id, "audit": "consistent", "status": p_status,
                             "problem": "consistent p reported as a mismatch on its own"})
    for row in checks[~checks["consistent"]].itertuples(index=False):
        if status.get(row.id, "") == "match":
            problems.append({"id": row.id, "audit": f"{row.check} fails", "status": "match",
                             "problem": "impossible value reported as a plain match"})
    return pd.DataFrame(problems, columns=["id", "audit", "status", "problem"])


# --------------------------------------------------------------------------------------
# statcheck itself, when installed (Debian: r-cran-statcheck)

_STATCHECK_R = r"""
suppressMessages(library(statcheck))
args <- commandArgs(trailingOnly = TRUE)
out <- NULL
for (i in seq(1, length(args) - 1, by = 2)) {
  text <- paste(readLines(args[i], encoding = "UTF-8", warn = FALSE), collapse = "\n")
  found <- statcheck(text, messages = FALSE)
  if (!is.null(found) && nrow(found) > 0) {
    found$paper <- args[i + 1]
    out <- rbind(out, found[, c("paper", "test_type", "df2", "test_value", "test_comp",
                                "p_comp", "reported_p", "computed_p", "error",
                                "decision_error")])
  }
}
write.csv(out, args[length(args)], row.names = FALSE)
"""


def statcheck_available() -> bool:
    """Whether R's statcheck can be run here (``Rscript`` and the package)."""
    import shutil
    import subprocess

    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(["Rscript", "-e", "library(statcheck)"], capture_output=True,
                           check=False)
    return probe.returncode == 0


def run_statcheck() -> pd.DataFrame:
    """Run statcheck on both papers' texts, thin spaces replaced by spaces (statcheck reads
    no U+2009), and return its findings: ``paper``, ``test_value``, ``p_comp``,
    ``reported_p``, ``error``, ``decision_error`` and the other statcheck columns."""
    import subprocess
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        arguments = []
        for paper, path in paths.PAPER_FILES.items():
            target = Path(folder) / f"{paper}.txt"
            target.write_text(path.read_text(encoding="utf-8").replace("\u2009", " "),
                              encoding="utf-8")
            arguments += [str(target), paper]
        script = Path(folder) / "statcheck.R"
        script.write_text(_STATCHECK_R, encoding="utf-8")
        out = Path(folder) / "statcheck.csv"
        subprocess.run(["Rscript", str(script), *arguments, str(out)], check=True,
                       capture_output=True)
        return pd.read_csv(out)


def compare_with_statcheck(audit: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    """Each statcheck finding beside the audit's: ``paper``, ``test_value``, ``reported_p``,
    ``statcheck_error``, ``in_audit`` (the audit found the same statistic and p, as often),
    ``audit_inconsistent``, ``agree``."""
    rows = []
    used: dict[int, bool] = {}
    for finding in found.itertuples(index=False):
        candidates = audit[(audit["paper"] == finding.paper)
                           & (audit["statistic"].str.lstrip("-").astype(float)
                              == abs(float(finding.test_value)))
                           & (audit["p"].astype(float) == float(finding.reported_p))]
        match = next((i for i in candidates.index if i not in used), None)
        if match is not None:
            used[match] = True
        inconsistent = (not audit.loc[match, "consistent"]) if match is not None else None
        rows.append({"paper": finding.paper, "test_value": finding.test_value,
                     "reported_p": finding.reported_p, "statcheck_error": bool(finding.error),
                     "in_audit": match is not None, "audit_inconsistent": inconsistent,
                     "agree": match is not None and inconsistent == bool(finding.error)})
    return pd.DataFrame(rows)


def explain_granularity(checks: pd.DataFrame, registry: pd.DataFrame,
                        specs: pd.DataFrame | None = None, spread: int = 12) -> pd.DataFrame:
    """For each failing granularity check, what would make the printed value possible, from
    the printed numbers alone: other n within ``spread`` of the printed one (GRIM, with the
    SD where printed), half-point answers, or, for a percentage, the counts that would round
    to it. Adds ``explanation``."""
    from analysis.contents import count_options
    from analysis.granularity import consistent_ns, grimmer_grain

    specs = load_granularity_specs() if specs is None else specs
    printed = dict(zip(registry["id"], registry["printed"], strict=True))
    notes = []
    for row in checks.itertuples(index=False):
        if row.consistent:
            notes.append("")
            continue
        if row.check == "percent":
            fits = count_options(row.printed, row.n)
            notes.append(f"no count of {row.n} rounds to {row.printed}%" if not fits
                         else f"counts that fit: {fits}")
            continue
        key = "id" if row.check == "GRIM" else "sd_id"
        spec = specs[specs[key] == row.id].iloc[0]
        mean = printed[row.id] if row.check == "GRIM" else printed[spec["id"]]
        sd = printed.get(spec["sd_id"], "") if spec["sd_id"] else ""
        lo, hi = int(spec["lo"]), int(spec["hi"])
        ns = consistent_ns(mean, max(2, row.n - spread), row.n + spread)
        if sd:
            ns = [n for n in ns if grimmer(mean, sd, n, lo, hi)]
        half = bool(sd) and bool(grimmer_grain(mean, sd, row.n, lo, hi, 2))
        if not sd:
            half = grim(mean, row.n, 2)
        parts = [f"possible with n = {ns}" if ns else f"no n within {spread} of {row.n}"]
        if half:
            parts.append(f"or with {row.n} half-point answers")
        notes.append("; ".join(parts))
    return checks.assign(explanation=notes)
