"""The claims collector: every judged row of a stage goes through one :class:`Claims`."""

from __future__ import annotations

import pandas as pd

from analysis.io.registry import rows_for
from analysis.printed.judge import judge, not_reproducible

__all__ = ["Claims"]


class Claims:
    """Collects attempts per registry row, refusing a row computed twice."""

    def __init__(self, explanations: pd.DataFrame) -> None:
        self.explanations = explanations
        self.rows: list[dict] = []
        self.seen: set[str] = set()

    def _claim(self, row_id: str) -> None:
        if row_id in self.seen:
            raise ValueError(f"{row_id}: computed twice")
        self.seen.add(row_id)

    def add(self, registry: pd.DataFrame, row_id: str, role: str, *attempts) -> None:
        self._claim(row_id)
        printed = registry.loc[registry["id"] == row_id, "printed"]
        if printed.empty:
            raise KeyError(f"no registry row {row_id!r}")
        self.rows.append(judge(row_id, printed.iloc[0], attempts, role, self.explanations))

    def unavailable(self, row_id: str) -> None:
        self._claim(row_id)
        self.rows.append(not_reproducible(row_id, self.explanations))

    def frame(self, registry: pd.DataFrame, patterns: list[str]) -> pd.DataFrame:
        selected = rows_for(registry, patterns)["id"].tolist()
        missing = sorted(set(selected) - self.seen)
        extra = sorted(self.seen - set(selected))
        if missing or extra:
            raise ValueError(f"rows not handled: {missing}; rows not selected: {extra}")
        order = {row_id: k for k, row_id in enumerate(selected)}
        return pd.DataFrame(sorted(self.rows, key=lambda r: order[r["id"]]))
