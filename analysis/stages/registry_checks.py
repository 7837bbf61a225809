"""Notebook 00: the printed numbers checked against each other before anything is reproduced
(:mod:`analysis.checks.consistency`), and the evidence behind each finding
(:mod:`analysis.checks.findings`). No reconstruction is involved, and no registry row is
judged here: the later stages reproduce the numbers, this one checks the transcription and
the papers' own arithmetic."""

from __future__ import annotations

import pandas as pd

__all__ = ["STAGE", "evidence_points_to_fisher", "with_findings"]

STAGE = "00_registry"


def with_findings(checks: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """Every internal check (``check``, ``id``, ``consistency``) with the reason of the
    paper-side finding it is, if any: the table ``reports/tables/internal_checks.csv``."""
    return checks.merge(findings, on=["id", "check"], how="left").fillna("")


def evidence_points_to_fisher(evidence: pd.DataFrame) -> list[str]:
    """The p-value findings whose evidence does *not* say "Pearson statistic printed with
    Fisher's p": the Pearson statistic matches, the Fisher p matches, the Pearson p does not
    (:func:`analysis.checks.findings.finding_evidence`). Empty when every finding is that."""
    odd = []
    for finding, rows in evidence.groupby("finding"):
        by_method = rows.set_index("method")
        if not (by_method.loc["pearson", "statistic_matches"]
                and by_method.loc["fisher", "p_matches"]
                and not by_method.loc["pearson", "p_matches"]):
            odd.append(finding)
    return odd
