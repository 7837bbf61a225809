"""Judge one printed number: the first method whose value rounds to it decides the status.

For each registry row a stage gives a list of *attempts*: ``(method, value)`` pairs, the
method the paper names first, then the alternatives worth trying (another test, another n,
another rounding). Values may be callables, evaluated only when needed (an exact r x c
Fisher test is not computed when Pearson already matches). :func:`judge` decides:

- ``match`` if the first attempt rounds to the printed number
  (:func:`analysis.printed.compare.compare`);
- ``match_other_method`` if a later attempt does (its method is named);
- ``mismatch`` otherwise, reporting the closest attempt.

A printed number whose meaning the text leaves open (a ratio of which counts, a threshold
over which family) is judged under each *reading* by :func:`judge_readings`: ``match`` only
if every reading that can be judged matches, ``mismatch`` if none does, and
``depends_on_reading`` otherwise.

Every row that is not a plain match belongs to a problem in
``data/published/explanations.csv`` (read by
:func:`analysis.io.annotations.load_explanations`); the problem's note is rendered from
computed facts with the report (:mod:`analysis.report.notes`). :func:`unexpected_statuses`
compares the statuses a stage computed with the ones its problems explain: a drift, such as
a match becoming a mismatch or an explained mismatch starting to match, fails the notebook's
last cell and the tests. Rows whose inputs are not published are listed there with the
reason (a problem of kind ``unavailable``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from decimal import Decimal

import numpy as np
import pandas as pd

from analysis.printed.compare import compare, range_verdict
from analysis.printed.discrepancy import classify
from analysis.printed.rounding import parse_printed, round_half_away, to_decimal

__all__ = [
    "Attempt",
    "double_rounded",
    "judge",
    "judge_readings",
    "lazily",
    "not_computable",
    "not_reproducible",
    "reading_verdict",
    "unexpected_statuses",
    "whole",
]


#: (method, value or zero-argument callable returning a value). A value of None means the
#: method cannot be computed from these data (e.g. the n a table prints is not the n who
#: answered): it is listed as tried, and can never match.
Attempt = tuple[str, object]


def _value(attempt: Attempt) -> object:
    """The attempt's value; a number not computable on the data (NaN, infinite) as the
    marker :data:`UNDEFINED`."""
    _method, value = attempt
    value = value() if callable(value) else value
    try:
        return value if value is None or math.isfinite(float(value)) else UNDEFINED
    except (TypeError, ValueError):
        return value


def whole(value: object) -> float | int:
    """A count (a df, a number of answers) as an int, or NaN when the data do not define it
    (an undefined test's df, a question nobody answered)."""
    number = float(value)
    return int(number) if math.isfinite(number) else float("nan")


#: The value of an attempt whose method is not defined on the data given (a NaN from a test
#: on a group too small, a variable with one category): it can never match.
UNDEFINED = "not computable on these data"


def not_computable(row_id: str, attempts: list[tuple[str, object]], origin: str) -> dict:
    """A row whose every attempt is undefined on the data given (real data only: the
    published run's drift check refuses this status)."""
    return {"id": row_id, "reproduced": "", "status": "not_computable",
            "method": "; ".join(m for m, v in attempts if v is UNDEFINED), "origin": origin,
            "discrepancy": "", "note": UNDEFINED, "tried": []}


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
    3-decimal output (1.3146 -> 1.315 -> 1.32); a value not computable on the data (NaN)
    stays NaN."""
    if value is not None and not math.isfinite(float(value)):
        return float("nan")
    return round_half_away(value, first)


def judge(row_id: str, printed: str, attempts: Iterable[Attempt], origin: str) -> dict:
    """One report row for ``row_id``: the first attempt that matches decides the status.

    Parameters
    ----------
    row_id, printed : str
        The registry row and its printed number.
    attempts : iterable of (method, value)
        The paper's method first; values or callables.
    origin : {"constraint", "derived", "printed"}
        Whether the reconstructed data were built to satisfy this number (``constraint``),
        it is computed from records (``derived``), or from printed numbers and design facts
        only (``printed``).
    """
    tried: list[tuple[str, object]] = []
    status = None
    for position, attempt in enumerate(attempts):
        value = _value(attempt)
        tried.append((attempt[0], value))
        if value is not None and value is not UNDEFINED and compare(value, printed):
            status = "match" if position == 0 else "match_other_method"
            break
    computed = [(m, v) for m, v in tried if v is not None and v is not UNDEFINED]
    if not computed and any(v is UNDEFINED for _m, v in tried):
        return not_computable(row_id, tried, origin)
    if not computed:
        raise ValueError(f"{row_id}: no attempt with a value")
    if status is None:
        status = "mismatch"
        method, value = min(computed, key=lambda mv: _distance(mv[1], printed))
    else:
        method, value = tried[-1]
    note = ""
    discrepancy = classify(printed, computed[0][1], row_id.rsplit(".", 1)[-1])
    if status == "match_other_method" and not note:
        tried_text = "; ".join(f"{m}: {_text(v)}" for m, v in tried[:-1]
                               if v is not None and v is not UNDEFINED)
        note = f"the paper's method gives {tried_text}"
    return {
        "id": row_id,
        "reproduced": _text(value),
        "status": status,
        "method": method,
        "origin": origin,
        "discrepancy": discrepancy,
        "note": note,
        "tried": [v for _m, v in tried if v is not None and v is not UNDEFINED],
    }


#: A reading: its name, and the attempts of the row under it, or the exact range
#: ``(low, high)`` of its value over the datasets consistent with that reading, or None when
#: it cannot be judged (its inputs are not published).
Reading = tuple[str, "list[Attempt] | tuple[float, float] | None"]


def reading_verdict(printed: str, judged: object) -> tuple[str, object]:
    """One reading's verdict (``match``, ``mismatch``, ``undetermined``, ``unjudged``) and
    the value it shows."""
    if judged is None:
        return "unjudged", None
    if isinstance(judged, tuple):
        verdict = range_verdict(judged[0], judged[1], printed)
        return verdict or "undetermined", judged
    values = [v for v in (_value(a) for a in judged) if v is not UNDEFINED]
    if all(v is None for v in values):
        return "unjudged", None
    if any(v is not None and compare(v, printed) for v in values):
        return "match", next(v for v in values if v is not None and compare(v, printed))
    return "mismatch", min((v for v in values if v is not None),
                           key=lambda v: _distance(v, printed))


def judge_readings(row_id: str, printed: str, readings: Iterable[Reading], origin: str) -> dict:
    """One report row for a number judged under several readings of the text: ``match`` if
    every reading that can be judged matches, ``mismatch`` if none does, otherwise
    ``depends_on_reading``. ``method`` names each reading with its value and verdict;
    ``reproduced`` is the first judged reading's value (a range's lower end)."""
    outcomes = [(name, *reading_verdict(printed, judged)) for name, judged in readings]
    judged = [o for o in outcomes if o[1] != "unjudged"]
    if not judged:
        return not_computable(row_id, [(name, UNDEFINED) for name, _j in readings], origin)
    verdicts = {verdict for _n, verdict, _v in judged}
    status = ("match" if verdicts == {"match"} else "mismatch" if verdicts == {"mismatch"}
              else "depends_on_reading")
    first = judged[0][2]
    shown = first[0] if isinstance(first, tuple) else first
    wrong = next((v for _n, verdict, v in judged if verdict == "mismatch"), None)
    return {"id": row_id, "reproduced": _text(shown), "status": status,
            "method": "; ".join(f"{name}: {_shown(value)} ({verdict})"
                                for name, verdict, value in outcomes),
            "origin": origin, "discrepancy": "" if wrong is None else classify(
                printed, wrong, row_id.rsplit(".", 1)[-1]),
            "note": "", "tried": []}


def _shown(value: object) -> str:
    if value is None:
        return "not published"
    if isinstance(value, tuple):
        return f"{value[0]:.4g} to {value[1]:.4g} over the consistent datasets"
    return f"{float(value):.4g}"


def not_reproducible(row_id: str, explanations: pd.DataFrame, origin: str = "") -> dict:
    """A row whose inputs are not published: explanations.csv must give it a reason (a
    problem of kind ``unavailable``, whose note is rendered with the report)."""
    if row_id not in explanations.index or explanations.loc[row_id, "kind"] != "unavailable":
        raise KeyError(f"{row_id}: list it in explanations.csv with the reason its inputs are "
                       "not published (a problem of kind 'unavailable')")
    return {
        "id": row_id,
        "reproduced": "",
        "status": "not_reproducible",
        "method": "",
        "origin": origin,
        "discrepancy": "",
        "note": "",
        "tried": [],
    }


def unexpected_statuses(results: pd.DataFrame, explanations: pd.DataFrame) -> pd.DataFrame:
    """Rows whose computed status no explanation accounts for: a row not listed in
    explanations.csv must be a plain ``match`` (or ``match_other_method``, whose note says
    what the paper's method gives), and a listed row must have one of the statuses its
    problem explains. Returns ``id``, ``status``, ``expected``."""
    listed = results["id"].map(explanations["statuses"])
    expected = listed.fillna("match match_other_method")
    fits = [status in allowed.split() for status, allowed in zip(results["status"], expected,
                                                                 strict=True)]
    out = results.assign(expected=expected)
    return out.loc[[not f for f in fits], ["id", "status", "expected"]]


def lazily(function: Callable, *args: object, **kwargs: object) -> Callable[[], object]:
    """A zero-argument callable, for attempts that are expensive to compute."""
    return lambda: function(*args, **kwargs)
