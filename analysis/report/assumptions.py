"""Every assumption the papers do not state, with its basis and what changes without it.

``data/published/assumptions.csv`` lists each methodological assumption (the software, its
rounding and display, which n, which family) with its basis: the paper's words where it
states it, a document, an inference from the printed numbers, or ``assumed``. Where an
alternative can be computed, :func:`assumption_effects` says which printed numbers change
their verdict under it:

``half_even``
    the paper's numbers rounded half to even instead of half away from zero: each row of that
    paper with a reproduced value is compared again at the printed decimals;
``single_rounding``
    no display rounded again: the rows matched only as a three-decimal display rounded again
    would not match.

The result is ``reports/assumptions.csv``; the letter and the page show it.
"""

from __future__ import annotations

import pandas as pd

from analysis.io.annotations import load_assumptions
from analysis.printed.compare import compare

__all__ = ["ALTERNATIVE_WORDS", "ASSUMPTION_COLUMNS", "assumption_effects", "effect_words"]

ASSUMPTION_COLUMNS = ["id", "paper", "topic", "assumption", "basis", "quote", "source",
                      "alternative", "changed", "changed_ids"]

#: The verdicts a comparison can change (rows with a reproduced value).
JUDGED = ("match", "match_other_method", "mismatch")


def _agrees(value: str, printed: str, rule: str) -> bool | None:
    try:
        return compare(value, printed, rule=rule)
    except (TypeError, ValueError, ArithmeticError):
        return None


def _half_even(report: pd.DataFrame, paper: str) -> list[str]:
    """Rows of ``paper`` whose verdict differs when rounded half to even."""
    mine = report[(report["paper"] == paper) & report["status"].isin(JUDGED)
                  & (report["reproduced"] != "")]
    return [r.id for r in mine.itertuples(index=False)
            if _agrees(r.reproduced, r.printed, "half_away")
            != _agrees(r.reproduced, r.printed, "half_even")]


def _single_rounding(report: pd.DataFrame, paper: str) -> list[str]:
    """Rows of ``paper`` matched only as a display rounded again."""
    mine = report[(report["paper"] == paper) & report["status"].str.startswith("match")]
    return mine.loc[mine["method"].str.contains("rounded again"), "id"].tolist()


ALTERNATIVES = {"half_even": _half_even, "single_rounding": _single_rounding}
#: The alternatives in words.
ALTERNATIVE_WORDS = {"half_even": "rounding half to even",
                     "single_rounding": "rounding once, with no three-decimal display"}


def effect_words(alternative: str, changed: str, ids: str) -> str:
    """What an alternative changes, in a sentence ("" if it was not computed)."""
    if changed == "":
        return ""
    words = ALTERNATIVE_WORDS[alternative]
    if changed == "0":
        return f"Under the alternative ({words}) no verdict changes."
    verb = "changes" if changed == "1" else "change"
    return f"Under the alternative ({words}) {changed} verdict{'' if changed == '1' else 's'} " \
           f"{verb}: {ids}."


def assumption_effects(report: pd.DataFrame) -> pd.DataFrame:
    """``assumptions.csv`` with, for each computable alternative, how many printed numbers
    change their verdict under it (``changed``) and which (``changed_ids``)."""
    frame = load_assumptions()
    changed, ids = [], []
    for row in frame.itertuples(index=False):
        found = ALTERNATIVES[row.alternative](report, row.paper) if row.alternative else None
        changed.append("" if found is None else len(found))
        ids.append("" if found is None else " ".join(found))
    return frame.assign(changed=changed, changed_ids=ids)[ASSUMPTION_COLUMNS]
