"""How big a difference between a printed and a reproduced number is, in the terms of
reproducibility studies (Hardwicke et al. 2018, R. Soc. Open Sci. 5:180448; Hardwicke et al.
2021, Psychol. Sci. 32:1169).

- ``decision_error``: a p-value whose significance at the paper's threshold (0.05) differs
  between the printed and the reproduced value;
- ``major_numerical``: the percentage error ``|printed - reproduced| / |reproduced| x 100`` is
  10% or more;
- ``minor_numerical``: a smaller difference (including one only in the last printed digit);
- ``none``: the value under the paper's stated method rounds to the printed one.

For a ``match_other_method`` row the difference is the one between the printed number and the
value under the method the paper names (the first attempt), since that is the error a reader
following the paper would meet. Printed bounds (``<0.001``) are compared by their side.
"""

from __future__ import annotations

from analysis.printed.compare import compare
from analysis.printed.rounding import parse_printed, to_decimal
from analysis.printed.significance import printed_significant, significant

__all__ = ["CLASSES", "MAJOR_PERCENT", "classify"]

MAJOR_PERCENT = 10.0
CLASSES = ("none", "minor_numerical", "major_numerical", "decision_error")


def classify(printed: str, stated_value: object, quantity: str) -> str:
    """The class of the difference between ``printed`` and ``stated_value`` (the value under
    the paper's stated method); ``quantity`` is the registry quantity (``p`` rows can be
    decision errors)."""
    if compare(stated_value, printed):
        return "none"
    value = float(to_decimal(stated_value))
    if quantity == "p" and significant(value) != printed_significant(printed):
        return "decision_error"
    target = float(parse_printed(printed).value)
    if value == 0:
        return "major_numerical"
    error = abs(target - value) / abs(value) * 100
    return "major_numerical" if error >= MAJOR_PERCENT else "minor_numerical"
