"""The evidence level of every judged row (see :mod:`analysis.evidence`), decided by code.

A stage judges its rows from records (:class:`analysis.printed.claims.Claims`); then
:func:`assign` decides, row by row and in this order:

1. ``unavailable`` if the row is ``not_reproducible``;
2. ``real_data`` in the real-data mode, for every row computed from records;
3. ``published`` if the handler computed it from printed numbers or design facts only (origin
   ``printed``), or if a recomputation from printed numbers alone
   (:func:`analysis.evidence.recomputed.printed_values`) gives the reproduced value exactly;
4. ``invariant`` if the row carries an exact range over every consistent dataset (a
   :class:`Bound`) and the whole range gives one verdict (:func:`verdict_over`), or a
   :class:`Proof` of its verdict (e.g. GRIM: no whole-number answers give the printed mean);
5. ``by_construction`` if the reconstruction was built to give it (origin ``constraint``);
6. ``dependent`` if it carries a range that is not invariant (exact or sampled, as said);
7. otherwise an error: a row derived from records must say what it rests on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from analysis.evidence.recomputed import printed_values
from analysis.printed.claims import Claims
from analysis.printed.compare import range_verdict
from analysis.printed.rounding import round_half_away

__all__ = ["EVIDENCE_COLUMNS", "LEVELS", "Bound", "Proof", "assign", "judged", "prove",
           "verdict_over"]

LEVELS = ("published", "invariant", "dependent", "by_construction", "unavailable", "real_data")

#: Decimals SPSS shows in its output tables (a printed value may be that display rounded).
SPSS_DECIMALS = 3

#: Columns :func:`assign` adds to a stage's judged rows.
EVIDENCE_COLUMNS = ["evidence", "basis", "range_min", "range_max"]


@dataclass(frozen=True)
class Bound:
    """The range of a row's value over the datasets consistent with the printed numbers.

    ``exact``: proved (complete enumeration, a solver's optimum, or a closed form);
    otherwise sampled, and ``method`` says how.
    """

    low: float
    high: float
    method: str
    exact: bool

    def __post_init__(self) -> None:
        if not self.low <= self.high:
            raise ValueError(f"empty range [{self.low}, {self.high}] ({self.method})")
        if not self.method.strip():
            raise ValueError("a range must say how it was computed")


@dataclass(frozen=True)
class Proof:
    """A verdict (``match`` or ``mismatch`` at the printed decimals) proved for every dataset
    consistent with the printed numbers, for every method the row tries: what *invariant*
    means here (the same verdict, not necessarily the same value). ``method`` says how it
    was proved; ``ranges``, when given, holds ``(method, low, high)``: the exact range of
    each method's value over those datasets."""

    verdict: str
    method: str
    ranges: tuple[tuple[str, float, float], ...] = ()

    def __post_init__(self) -> None:
        if self.verdict not in ("match", "mismatch"):
            raise ValueError(f"a proof proves 'match' or 'mismatch', not {self.verdict!r}")
        if not self.method.strip():
            raise ValueError("a proof must say how it was made")

    @property
    def low(self) -> float | None:
        return self.ranges[0][1] if self.ranges else None

    @property
    def high(self) -> float | None:
        return self.ranges[0][2] if self.ranges else None


def prove(ranges: dict[str, tuple[float, float]], printed: str, method: str) -> Proof | None:
    """The verdict every range in ``ranges`` (one per method tried: its exact range over
    the consistent datasets) gives ``printed``, if they all give the same one; None
    otherwise. The method text is followed by each range."""
    verdicts = {range_verdict(low, high, printed) for low, high in ranges.values()}
    if len(verdicts) != 1 or None in verdicts:
        return None
    shown = "; ".join(f"{name} {low:.6g} to {high:.6g}" for name, (low, high) in ranges.items())
    return Proof(verdicts.pop(), f"{method}: {shown}",
                 tuple((name, float(low), float(high)) for name, (low, high) in ranges.items()))


def verdict_over(bound: Bound, printed: str) -> str | None:
    """``"match"`` if every value in the range rounds to ``printed``, ``"mismatch"`` if none
    does, None if some do and some do not (:func:`analysis.printed.compare.range_verdict`)."""
    return range_verdict(bound.low, bound.high, printed)


def _equal(a: object, b: object) -> bool:
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    except (TypeError, ValueError):
        return False


def _same(value: object, number: float) -> bool:
    return _equal(number, value) or _equal(round_half_away(number, SPSS_DECIMALS), value)


def _published(row: pd.Series, recomputed: dict) -> str | None:
    """How printed numbers alone give this row's value and status, if they do: the handler
    used printed numbers only (origin ``printed``), or every value the judge tried up to its
    verdict (``tried``) is also a value recomputed from printed numbers, so the verdict
    cannot depend on the records."""
    if row["origin"] == "printed":
        return f"computed from printed numbers and design facts only: {row['method']}"
    found = recomputed.get(row["id"], ())
    tried = row.get("tried")
    tried = [row["reproduced"]] if not isinstance(tried, list) or not tried else tried
    if not all(any(_same(v, number) for _d, number in found) for v in tried):
        return None
    for description, number in found:
        if _equal(number, row["reproduced"]):
            return f"recomputed from printed numbers alone: {description}"
        if _same(row["reproduced"], number):
            return (f"recomputed from printed numbers alone: {description}, as SPSS displays "
                    f"it ({SPSS_DECIMALS} decimals)")
    return None


def _ranged(bound: Bound, printed: str, status: str) -> tuple[str, str]:
    verdict = verdict_over(bound, printed) if bound.exact else None
    kind = "exact range" if bound.exact else "sampled range (not a bound)"
    basis = f"{kind} over the consistent datasets: {bound.low:.6g} to {bound.high:.6g} " \
            f"({bound.method})"
    agrees = (verdict == "match" and status.startswith("match")) or verdict == status
    return ("invariant" if verdict is not None and agrees else "dependent"), basis


def _proved(row: pd.Series, proof: Proof) -> str:
    """The basis of a row whose verdict is proved; an error if the proof contradicts the
    status the stage computed (a claim of ours that is false fails the build)."""
    agrees = (proof.verdict == "mismatch") == (row["status"] == "mismatch")
    if not agrees or row["status"] not in ("match", "match_other_method", "mismatch"):
        raise ValueError(f"{row['id']}: proved {proof.verdict!r} but judged {row['status']!r}")
    return f"proved over every consistent dataset: {proof.method}"


def _level(row: pd.Series, recomputed: dict, bounds: dict, real_data: bool) -> dict:
    out = {"evidence": "", "basis": "", "range_min": "", "range_max": ""}
    bound = bounds.get(row["id"])
    if bound is not None and bound.low is not None:
        out["range_min"], out["range_max"] = repr(float(bound.low)), repr(float(bound.high))
    if row["status"] == "not_reproducible":
        return {**out, "evidence": "unavailable", "basis": "the inputs are not published"}
    if real_data and row["origin"] != "printed":
        return {**out, "evidence": "real_data", "basis": "computed from the real records"}
    published = _published(row, recomputed)
    if published:
        return {**out, "evidence": "published", "basis": published}
    if isinstance(bound, Proof):
        return {**out, "evidence": "invariant", "basis": _proved(row, bound)}
    ranged = _ranged(bound, row["printed"], row["status"]) if bound is not None else None
    if ranged and ranged[0] == "invariant":
        return {**out, "evidence": "invariant", "basis": ranged[1]}
    if row["origin"] == "constraint":
        basis = "the reconstruction was built to give the printed number (existence only)"
        return {**out, "evidence": "by_construction",
                "basis": basis + (f"; {ranged[1]}" if ranged else "")}
    if ranged:
        return {**out, "evidence": "dependent", "basis": ranged[1]}
    raise ValueError(f"{row['id']}: computed from records, but neither recomputed from printed "
                     "numbers nor given a range over the consistent datasets (Claims.bound)")


def assign(frame: pd.DataFrame, printed: dict[str, str], recomputed: dict | None = None,
           bounds: dict | None = None, real_data: bool = False) -> pd.DataFrame:
    """``frame`` (a stage's judged rows) with :data:`EVIDENCE_COLUMNS` added.

    Parameters
    ----------
    frame : DataFrame
        Columns ``id, reproduced, status, method, origin``.
    printed : dict
        Registry id -> printed text.
    recomputed : dict, optional
        Registry id -> ``[(description, value), ...]`` computed from printed numbers alone
        (:func:`analysis.evidence.recomputed.printed_values`).
    bounds : dict, optional
        Registry id -> :class:`Bound`.
    real_data : bool
        The records are the researcher's real data.
    """
    recomputed, bounds = recomputed or {}, bounds or {}
    rows = [_level(pd.concat([row, pd.Series({"printed": printed[row["id"]]})]), recomputed,
                   bounds, real_data) for _, row in frame.iterrows()]
    judged = frame.reset_index(drop=True).drop(columns=["tried"], errors="ignore")
    return pd.concat([judged, pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)], axis=1)


_RECOMPUTED: dict[int, dict] = {}


def _recomputed(registry: pd.DataFrame) -> dict:
    """:func:`analysis.evidence.recomputed.printed_values`, computed once per registry."""
    key = int(pd.util.hash_pandas_object(registry[["id", "printed"]], index=False).sum())
    if key not in _RECOMPUTED:
        _RECOMPUTED[key] = printed_values(registry)
    return _RECOMPUTED[key]


def judged(claims: Claims, registry: pd.DataFrame, real_data: bool = False) -> pd.DataFrame:
    """A stage's judged rows (:meth:`Claims.frame`) with their evidence (:func:`assign`)."""
    printed = dict(zip(registry["id"], registry["printed"], strict=True))
    return assign(claims.frame(), printed, _recomputed(registry), claims.bounds, real_data)
