"""Does a reproduced value match a printed one?

A reproduced value matches a printed number when, rounded half away from zero (SPSS) to the
printed number of decimals, it equals the printed value; or, for a printed bound such as
``<0.001`` or ``>0.078``, when it lies strictly on the printed side of the bound. Numbers
printed as ``8.33×10^-3`` are compared on their mantissa.

``compare`` decides one case; ``compare_map`` does it for each row of a DataFrame, in the
scrutiny style: the key input columns first, unchanged, then a boolean ``consistency``
column, then the rounded value it was decided on.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from analysis.printed.rounding import parse_printed, round_half_away, round_with, to_decimal

__all__ = ["compare", "compare_map", "range_verdict", "rounded_as_printed", "rounding_window"]


def rounded_as_printed(reproduced: object, printed: str, decimals: int | None = None) -> str:
    """The reproduced value written the way ``printed`` is written (same decimals, same power
    of ten), for display beside the printed value. Bounds are not applied."""
    parsed = parse_printed(printed)
    places = parsed.decimals if decimals is None else decimals
    value = to_decimal(reproduced)
    if parsed.exponent:
        mantissa = round_half_away(value.scaleb(-parsed.exponent), places)
        return f"{mantissa}×10^{parsed.exponent}"
    return str(round_half_away(value, places))


def compare(reproduced: object, printed: str, decimals: int | None = None,
            rule: str = "half_away") -> bool:
    """Decide whether ``reproduced`` matches the printed number.

    Parameters
    ----------
    reproduced : float, int, str or Decimal
        The value the package computed, at full precision.
    printed : str
        The number as printed (``"79.2"``, ``"<0.001"``, ``">0.078"``, ``"Nineteen"``).
    decimals : int, optional
        Decimals to round to; default the number printed. If given, it must not exceed the
        printed decimals (a printed ``0.06`` cannot be checked at 3 places).
    rule : {"half_away", "half_even"}
        The rounding rule of the paper's software: SPSS's (the default), or half to even
        (an alternative where a paper does not name its software).

    Returns
    -------
    bool
        For a point value: ``round_with(reproduced, decimals, rule) == printed value``. For
        ``<b``: ``reproduced < b``; for ``>b``: ``reproduced > b``.

    Raises
    ------
    TypeError
        If ``printed`` is not a string.
    ValueError
        If ``printed`` does not parse or ``decimals`` is inconsistent with it.

    Examples
    --------
    >>> compare(0.79166, "79.2"), compare(79.1666, "79.2"), compare(0.0004, "<0.001")
    (False, True, True)
    """
    parsed = parse_printed(printed)
    places = parsed.decimals if decimals is None else decimals
    if isinstance(places, bool) or not isinstance(places, int) or places < 0:
        raise ValueError(f"decimals must be a non-negative int, got {decimals!r}")
    if places > parsed.decimals:
        raise ValueError(
            f"cannot compare at {places} decimals: {printed!r} is printed with "
            f"{parsed.decimals}"
        )
    value = to_decimal(reproduced)
    if parsed.word and parsed.value != parsed.value.to_integral_value():
        # a fraction in words ("half") is exact: 6 of 12, not anything that rounds to 1
        return abs(value - parsed.value) < Decimal("1e-9")
    if parsed.bound == "<":
        return value < parsed.value
    if parsed.bound == ">":
        return value > parsed.value
    if parsed.exponent:
        target = parsed.value.scaleb(-parsed.exponent)
        return round_with(value.scaleb(-parsed.exponent), places, rule) == round_with(
            target, places, rule)
    return round_with(value, places, rule) == round_with(parsed.value, places, rule)


def compare_map(
    data: pd.DataFrame,
    reproduced: str = "reproduced",
    printed: str = "printed",
    decimals: str | None = "decimals",
) -> pd.DataFrame:
    """Apply :func:`compare` to each row.

    Parameters
    ----------
    data : DataFrame
        Must have the ``reproduced`` and ``printed`` columns (``printed`` as strings) and,
        if ``decimals`` is not None, that column (ints or digit strings).
    reproduced, printed, decimals : str
        Column names.

    Returns
    -------
    DataFrame
        ``printed``, ``reproduced`` (unchanged), ``consistency`` (bool), ``rounded`` (the
        reproduced value written as printed), then the other columns of ``data``.
    """
    needed = [reproduced, printed] + ([decimals] if decimals else [])
    missing = [c for c in needed if c not in data.columns]
    if missing:
        raise KeyError(f"compare_map: missing column(s) {missing}")
    verdicts = []
    rounded = []
    for index, row in data.iterrows():
        places = None
        if decimals:
            places = int(row[decimals])
        try:
            verdicts.append(compare(row[reproduced], row[printed], places))
            rounded.append(rounded_as_printed(row[reproduced], row[printed], places))
        except (TypeError, ValueError) as error:
            raise ValueError(f"compare_map: row {index!r}: {error}") from error
    out = data[[printed, reproduced]].copy()
    out["consistency"] = verdicts
    out["rounded"] = rounded
    rest = [c for c in data.columns if c not in (printed, reproduced)]
    return pd.concat([out, data[rest]], axis=1)


def rounding_window(printed: str) -> tuple[float, float]:
    """The values ``[low, high)`` that round (half away from zero) to a printed positive
    statistic: ``"48.75"`` -> ``(48.745, 48.755)`` (a power of ten, ``8.33×10^-3``, scales
    it)."""
    parsed = parse_printed(printed)
    half = 0.5 * 10.0 ** (parsed.exponent - parsed.decimals)
    return float(parsed.value) - half, float(parsed.value) + half


def range_verdict(low: float, high: float, printed: str) -> str | None:
    """What every value in ``[low, high]`` gives the printed number: ``"match"`` if each
    rounds to it, ``"mismatch"`` if none does, None if some do and some do not. The values
    that match a printed number form one interval (rounding is monotone), so the ends
    decide; a range that contains the whole rounding window is not a mismatch.

    >>> [range_verdict(*ends, "3.0") for ends in ((2.96, 3.04), (3.1, 3.2), (2.9, 3.1))]
    ['match', 'mismatch', None]
    """
    low_ok, high_ok = compare(low, printed), compare(high, printed)
    if low_ok and high_ok:
        return "match"
    if low_ok or high_ok:
        return None
    if parse_printed(printed).bound:
        return "mismatch"  # both ends on the wrong side of a one-sided bound
    window_low, window_high = rounding_window(printed)
    return None if low <= window_low and high >= window_high else "mismatch"
