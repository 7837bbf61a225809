"""The claims collector: every judged row of every stage goes through one :class:`Claims`.

A stage (one notebook) owns a set of registry rows, listed in ``data/published/stages.csv``.
Its handlers, one per table or section of a paper, compute values from the records and
*claim* rows with them:

- :meth:`Claims.add` claims one row by its id (a table cell, whose id a handler builds from
  the table's own keys);
- :meth:`Claims.measure` claims every row that prints one quantity (``stages.csv`` gives
  such rows a shared ``measure`` key: the 214 sessions are printed three times, and are
  judged three times against one computed value);
- :meth:`Claims.readings` judges the rows of a number whose meaning the text leaves open
  under each of its readings (``data/published/readings.csv``);
- :meth:`Claims.unavailable` marks a row whose inputs are not published;
- :meth:`Claims.bound` attaches to a row derived from records the range of its value over
  every dataset consistent with the printed numbers (exact, or sampled and labelled so),
  from which :func:`analysis.evidence.levels.assign` decides how strong the result is.

:meth:`Claims.frame` returns the judged rows in registry order. A row no handler claimed is
``not_reproducible`` if ``explanations.csv`` says so with a reason, and an error otherwise;
a row claimed twice, or outside the stage, is an error too. Every judged row is made in one
place, :meth:`Claims._record`, so a field added to the report (such as how strong the
evidence is) is added there once.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

import pandas as pd

from analysis.printed.judge import Attempt, Reading, judge, judge_readings, not_reproducible

__all__ = ["UNCLAIMED", "Claims", "handler_name"]

#: ``judged_by`` of a row no handler claims: not reproducible, for the reason
#: ``explanations.csv`` gives.
UNCLAIMED = "none: not reproducible (explanations.csv)"


def handler_name(depth: int = 2) -> str:
    """The handler claiming a row, as ``module.function``: the nearest caller named
    ``judge_*`` in a stage module (``analysis.stages``), else the nearest stage function."""
    frame, nearest = sys._getframe(depth), ""
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.startswith("analysis.stages."):
            name = f"{module}.{frame.f_code.co_name}"
            if frame.f_code.co_name.startswith("judge_"):
                return name
            nearest = nearest or name
        frame = frame.f_back
    return nearest or "unknown"


class Claims:
    """The judged rows of one stage.

    Parameters
    ----------
    rows : DataFrame
        The stage's registry rows (columns ``id``, ``printed``, ``measure``), in registry
        order: :func:`analysis.io.annotations.stage_rows`.
    explanations : DataFrame
        :func:`analysis.io.annotations.load_explanations`: the problem of every non-match
        (a row no handler claims must have a reason its inputs are unpublished).
    """

    def __init__(self, rows: pd.DataFrame, explanations: pd.DataFrame) -> None:
        self.rows = rows.reset_index(drop=True)
        self.explanations = explanations
        self.printed = dict(zip(self.rows["id"], self.rows["printed"], strict=True))
        self.judged: dict[str, dict] = {}
        self.origins_if_unavailable: dict[str, str] = {}
        self.bounds: dict[str, object] = {}
        self.handlers: dict[str, str] = {}

    def __contains__(self, row_id: str) -> bool:
        return row_id in self.printed

    def ids(self, prefix: str = "") -> list[str]:
        """The stage's row ids (those starting with ``prefix``), in registry order."""
        return [row_id for row_id in self.rows["id"] if row_id.startswith(prefix)]

    def measure_ids(self, key: str) -> list[str]:
        """The rows printing measure ``key``; an error if there is none (a typo)."""
        ids = self.rows.loc[self.rows["measure"] == key, "id"].tolist()
        if not ids:
            raise KeyError(f"no row of this stage has measure {key!r} (data/published/"
                           "stages.csv)")
        return ids

    def printed_measure(self, key: str) -> str:
        """The number the rows of measure ``key`` print (they must all print the same)."""
        printed = {self.printed[row_id] for row_id in self.measure_ids(key)}
        if len(printed) != 1:
            raise ValueError(f"measure {key!r} is printed as {sorted(printed)}: not one value")
        return printed.pop()

    def _record(self, row: dict, handler: str | None = None) -> dict:
        if row["id"] in self.judged:
            raise ValueError(f"{row['id']}: judged twice")
        self.judged[row["id"]] = row
        self.handlers[row["id"]] = handler or handler_name(3)
        return row

    def check_handlers(self, ids: Iterable[str]) -> None:
        """Every row of ``ids`` was judged by the handler ``stages.csv`` names in its
        ``judged_by`` column, so that one grep of an id finds its judging function; an error
        listing the first rows that differ otherwise."""
        if "judged_by" not in self.rows.columns:
            return
        named = dict(zip(self.rows["id"], self.rows["judged_by"], strict=True))
        drift = [f"{row_id}: stages.csv names {named[row_id]!r}, judged by "
                 f"{self.handlers[row_id]!r}" for row_id in ids
                 if named[row_id] != self.handlers[row_id]]
        if drift:
            raise ValueError("data/published/stages.csv, column judged_by: "
                             + "; ".join(drift[:5]) + f" ({len(drift)} rows)")

    def add(self, row_id: str, origin: str, *attempts: Attempt) -> dict:
        """Judge row ``row_id`` (see :func:`analysis.printed.judge.judge`)."""
        if row_id not in self.printed:
            raise KeyError(f"{row_id!r} is not a row of this stage (data/published/stages.csv)")
        return self._record(judge(row_id, self.printed[row_id], attempts, origin))

    def measure(self, key: str, origin: str, *attempts: Attempt) -> list[dict]:
        """Judge every row printing measure ``key`` against the same attempts."""
        return [self.add(row_id, origin, *attempts) for row_id in self.measure_ids(key)]

    def readings(self, key: str, origin: str, readings: list[Reading],
                 declared: pd.DataFrame) -> list[dict]:
        """Judge every row of measure (or id) ``key`` under each reading
        (:func:`analysis.printed.judge.judge_readings`); the readings must be exactly those
        ``declared`` for ``key`` (:func:`analysis.io.annotations.load_readings`), in order."""
        mine = declared[declared["key"] == key]
        if [name for name, _ in readings] != mine["reading"].tolist():
            raise ValueError(f"{key}: readings {[n for n, _ in readings]} differ from "
                             f"readings.csv {mine['reading'].tolist()}")
        labelled = [(label, judged) for label, (_n, judged) in zip(mine["label"], readings,
                                                                    strict=True)]
        ids = [key] if key in self.printed else self.measure_ids(key)
        return [self._record(judge_readings(row_id, self.printed[row_id], labelled, origin))
                for row_id in ids]

    def unavailable(self, row_id: str, origin: str = "") -> dict:
        """Mark ``row_id`` as not reproducible now (the reason is in explanations.csv)."""
        return self._record(not_reproducible(row_id, self.explanations, origin))

    def bound(self, key: str, bound: object) -> None:
        """Attach ``bound`` (an :class:`analysis.evidence.levels.Bound`, or a
        :class:`analysis.evidence.levels.Proof` of the row's verdict) to row ``key``, or to
        every row of measure ``key``."""
        ids = [key] if key in self.printed else self.measure_ids(key)
        for row_id in ids:
            if row_id in self.bounds:
                raise ValueError(f"{row_id}: bounded twice")
            self.bounds[row_id] = bound

    def unavailable_measure(self, key: str, origin: str = "") -> None:
        """Give the rows of measure ``key``, if no handler judges them, the ``origin`` of a
        rule the records obey (e.g. the inclusion ages) when they are marked unavailable."""
        for row_id in self.measure_ids(key):
            self.origins_if_unavailable[row_id] = origin

    def frame(self, only: Iterable[str] | None = None) -> pd.DataFrame:
        """The judged rows in registry order; rows nobody claimed are ``not_reproducible``
        with the reason from explanations.csv (an error if it gives none). ``only`` limits
        the frame to some rows, all of which must have been judged (for a partial rerun)."""
        if only is not None:
            wanted = list(only)
            missing = [row_id for row_id in wanted if row_id not in self.judged]
            if missing:
                raise ValueError(f"not judged: {missing[:5]}")
            self.check_handlers(wanted)
            return pd.DataFrame([self.judged[row_id] for row_id in wanted])
        rows = []
        for row_id in self.rows["id"]:
            if row_id not in self.judged:
                self._record(not_reproducible(row_id, self.explanations,
                                              self.origins_if_unavailable.get(row_id, "")),
                             UNCLAIMED)
            rows.append(self.judged[row_id])
        self.check_handlers(self.rows["id"])
        return pd.DataFrame(rows)
