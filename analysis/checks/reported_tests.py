"""The audit: every printed statistic checked from the papers' own text, independently of any
reconstruction (notebook 06).

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
  (:func:`analysis.checks.findings.finding_evidence`).
- :func:`cross_check` compares the audit's verdicts with the notebooks' statuses in
  ``reports/reproduction.csv``: a flagged number reported as a plain match, or a consistent
  one reported as an unexplained mismatch, is a disagreement.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from analysis.checks.findings import finding_evidence
from analysis.io import paths
from analysis.io.annotations import load_implied
from analysis.methods.pvalues import p_from_statistic, p_interval_from_statistic
from analysis.printed.compare import compare, rounding_window
from analysis.printed.rounding import parse_printed
from analysis.printed.significance import printed_significant, significant

__all__ = [
    "TEST_PATTERN",
    "audit_tests",
    "cross_check",
    "explain",
    "extract_tests",
    "link",
    "normalise",
    "recompute",
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
        statistic_window = rounding_window(row.statistic.lstrip("-"))
        if not df:
            rows.append({"df_used": "", "df_source": source, "p_recomputed": float("nan"),
                         "p_low": float("nan"), "p_high": float("nan"), "consistent": False,
                         "decision_inconsistent": False})
            continue
        magnitude = abs(float(parse_printed(row.statistic).value))
        low, high = p_interval_from_statistic(row.test, max(statistic_window[0], 0),
                                              statistic_window[1],
                                              float(df))
        point = p_from_statistic(row.test, magnitude, float(df))
        grid = [low, high, point]
        window = rounding_window(row.p)
        consistent = any(_p_satisfies(p, row.comparison, row.p) for p in grid) or (
            row.comparison == "=" and low <= window[1] and window[0] <= high)
        said = printed_significant(row.p if row.comparison == "=" else
                                   f"{row.comparison}{row.p}")
        decision = (not consistent) and (significant(high) != said) and (
            significant(low) != said)
        rows.append({"df_used": df, "df_source": source, "p_recomputed": point, "p_low": low,
                     "p_high": high, "consistent": consistent,
                     "decision_inconsistent": decision})
    return pd.concat([out.reset_index(drop=True), pd.DataFrame(rows)], axis=1)


def explain(audit: pd.DataFrame, registry: pd.DataFrame) -> pd.DataFrame:
    """For each inconsistent test, the variant that reproduces the printed p from the printed
    counts alone, if one does (``explanation``); "" for consistent tests."""

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
