"""Notebook 06: the audit of every printed test (:mod:`analysis.checks.reported_tests`) and of the
granularity of every mean, SD and percentage (:mod:`analysis.checks.granularity_audit`), set
against the statuses the other notebooks computed (``reports/reproduction.csv``)."""

from __future__ import annotations

import pandas as pd

__all__ = ["STAGE", "verdict_table", "verdicts"]

STAGE = "06_audit"


def verdicts(tests: pd.DataFrame, checks: pd.DataFrame, report: pd.DataFrame) -> pd.DataFrame:
    """One row per audited number: ``id``, ``consistent`` (the audit's verdict), ``audit``
    (which check) and ``status`` (the notebooks' status in the report)."""
    return pd.concat([
        tests[["p_id", "consistent"]].rename(columns={"p_id": "id"}).assign(
            audit="p vs statistic"),
        checks[["id", "consistent"]].assign(audit=checks["check"]),
    ]).merge(report[["id", "status"]], on="id", how="left")


def verdict_table(verdicts: pd.DataFrame) -> pd.DataFrame:
    """The audit's verdicts (consistent or flagged) against the notebooks' statuses."""
    return pd.crosstab(verdicts["consistent"].map({True: "consistent", False: "flagged"}),
                       verdicts["status"])
