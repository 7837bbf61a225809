"""Judge one printed number: the first method whose value rounds to it decides the status.

For each registry row a stage gives a list of *attempts*: ``(method, value)`` pairs, the
method the paper names first, then the alternatives worth trying (another test, another n,
another rounding). Values may be callables, evaluated only when needed (an exact r x c
Fisher test is not computed when Pearson already matches). :func:`judge` decides:

- ``match`` if the first attempt rounds to the printed number
  (:func:`analysis.printed.compare.compare`);
- ``match_other_method`` if a later attempt does (its method is named);
- ``mismatch`` otherwise, reporting the closest attempt.

The explanation of every non-match lives in ``data/published/explanations.csv`` (read by
:func:`analysis.io.annotations.load_explanations`): its ``note`` goes into the report, and
:func:`unexpected_statuses` compares the statuses a stage computed with the ones listed
there. A drift, such as a match becoming a mismatch or an explained mismatch starting to
match, then fails the notebook's last cell and the tests. Rows whose inputs are not
published are listed there as ``not_reproducible`` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

import numpy as np
import pandas as pd

from analysis.printed.compare import compare
from analysis.printed.discrepancy import classify
from analysis.printed.rounding import parse_printed, round_half_away, to_decimal

__all__ = [
    "Attempt",
    "double_rounded",
    "judge",
    "lazily",
    "not_reproducible",
    "unexpected_statuses",
]


#: (method, value or zero-argument callable returning a value). A value of None means the
#: method cannot be computed from these data (e.g. the n a table prints is not the n who
#: answered): it is listed as tried, and can never match.
Attempt = tuple[str, object]


def _value(attempt: Attempt) -> object:
    _method, value = attempt
    return value() if callable(value) else value


def _distance(value: object, printed: str) -> Decimal:
    parsed = parse_printed(printed)
    return abs(to_decimal(value) - parsed.value)


def _text(value: object) -> str:
    """Full-precision text of a reproduced value (numpy scalars as plain numbers)."""
    if isinstance(value, np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return repr(float(value))
    return str(value)


def double_rounded(value: object, first: int = 3) -> Decimal:
    """``value`` as SPSS displays it (``first`` decimals, half away from zero), to be rounded
    again to the printed decimals: the value a paper prints when its authors rounded SPSS's
    3-decimal output (1.3146 -> 1.315 -> 1.32)."""
    return round_half_away(value, first)


def judge(
    row_id: str, printed: str, attempts: Iterable[Attempt], role: str, explanations: pd.DataFrame
) -> dict:
    """One report row for ``row_id``: the first attempt that matches decides the status.

    Parameters
    ----------
    row_id, printed : str
        The registry row and its printed number.
    attempts : iterable of (method, value)
        The paper's method first; values or callables.
    role : {"constraint", "derived", "printed"}
        Whether the reconstructed data were built to satisfy this number (``constraint``),
        it is computed from records (``derived``), or from printed numbers and design facts
        only (``printed``).
    explanations : DataFrame
        From :func:`analysis.io.annotations.load_explanations`; supplies the note of a non-match.
    """
    tried: list[tuple[str, object]] = []
    status = None
    for position, attempt in enumerate(attempts):
        value = _value(attempt)
        tried.append((attempt[0], value))
        if value is not None and compare(value, printed):
            status = "match" if position == 0 else "match_other_method"
            break
    computed = [(m, v) for m, v in tried if v is not None]
    if not computed:
        raise ValueError(f"{row_id}: no attempt with a value")
    if status is None:
        status = "mismatch"
        method, value = min(computed, key=lambda mv: _distance(mv[1], printed))
    else:
        method, value = tried[-1]
    note = explanations.loc[row_id, "note"] if row_id in explanations.index else ""
    discrepancy = classify(printed, computed[0][1], row_id.rsplit(".", 1)[-1])
    if status == "match_other_method" and not note:
        tried_text = "; ".join(f"{m}: {_text(v)}" for m, v in tried[:-1] if v is not None)
        note = f"the paper's method gives {tried_text}"
    if status == "mismatch" and not note:
        note = "UNEXPLAINED: add the likely cause to data/published/explanations.csv"
    return {
        "id": row_id,
        "reproduced": _text(value),
        "status": status,
        "method": method,
        "role": role,
        "discrepancy": discrepancy,
        "note": note,
        "tried": [v for _m, v in tried if v is not None],
    }


def not_reproducible(row_id: str, explanations: pd.DataFrame, role: str = "") -> dict:
    """A row whose inputs are not published: the reason comes from explanations.csv."""
    if row_id not in explanations.index or explanations.loc[row_id, "status"] != "not_reproducible":
        raise KeyError(f"{row_id}: list it in explanations.csv as not_reproducible with the reason")
    return {
        "id": row_id,
        "reproduced": "",
        "status": "not_reproducible",
        "method": "",
        "role": role,
        "discrepancy": "",
        "note": explanations.loc[row_id, "note"],
        "tried": [],
    }


def unexpected_statuses(results: pd.DataFrame, explanations: pd.DataFrame) -> pd.DataFrame:
    """Rows whose computed status differs from the expected one: ``match`` unless
    explanations.csv lists another. Returns ``id``, ``status``, ``expected``."""
    expected = results["id"].map(explanations["status"]).fillna("match")
    out = results.assign(expected=expected)
    return out.loc[out["status"] != out["expected"], ["id", "status", "expected"]]


def lazily(function: Callable, *args: object, **kwargs: object) -> Callable[[], object]:
    """A zero-argument callable, for attempts that are expensive to compute."""
    return lambda: function(*args, **kwargs)
