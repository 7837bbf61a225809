"""The one owner of significance: the threshold the papers test at, and whether a computed
or a printed p is below it.

Neither paper states its threshold in words. fan2019's printed Bonferroni threshold,
8.33×10^-3 (Results), equals 0.05 / 6, which fits a level of 0.05 over six tests (its family
is itself open: ``readings.csv``). fan2018 states
none and is read at the same level: an assumption (``fan2018.alpha`` and ``fan2019.alpha``
in ``data/published/assumptions.csv``, shown with the others in
``reports/assumptions.csv``). Every module that asks "is this significant?" asks here.
"""

from __future__ import annotations

from analysis.printed.rounding import parse_printed

__all__ = ["ALPHA", "printed_significant", "range_significance", "significant"]

#: The significance level of both papers (see the module docstring).
ALPHA = 0.05


def significant(p: float, alpha: float = ALPHA) -> bool:
    """Whether a computed ``p`` is below ``alpha`` (a NaN p is not).

    >>> significant(0.049), significant(0.05), significant(float("nan"))
    (True, False, False)
    """
    return bool(p < alpha)


def printed_significant(printed: str, alpha: float = ALPHA) -> bool:
    """Whether a printed p (``"0.019"``, ``"<0.001"``, ``">0.078"``) says significant at
    ``alpha``: a point value below it, or a bound ``<b`` with ``b`` at most ``alpha``.

    >>> [printed_significant(p) for p in ("0.019", "<0.05", "0.05", ">0.078", "<0.1")]
    [True, True, False, False, False]
    """
    parsed = parse_printed(printed)
    value = float(parsed.value)
    if parsed.bound == "<":
        return value <= alpha
    return parsed.bound != ">" and value < alpha


def range_significance(low: float, high: float, alpha: float = ALPHA) -> str:
    """What a range of p (its ends over a set of datasets or tables) says at ``alpha``, in
    words: all, some or none of them significant.

    >>> [range_significance(*ends) for ends in ((0.001, 0.01), (0.01, 0.2), (0.1, 0.2))]
    ... # doctest: +NORMALIZE_WHITESPACE
    ['all are significant at 0.05', 'some are significant at 0.05 and some are not',
     'none is significant at 0.05']
    """
    if significant(high, alpha):
        return f"all are significant at {alpha:g}"
    if significant(low, alpha):
        return f"some are significant at {alpha:g} and some are not"
    return f"none is significant at {alpha:g}"
