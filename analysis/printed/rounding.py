"""Printed numbers: parsing them exactly, and rounding reproduced values the way SPSS does.

The papers were analysed in SPSS 19, which rounds half away from zero when it formats output
(2.345 -> 2.35, -2.345 -> -2.35), unlike Python's ``round`` (half to even, on binary floats).
All rounding here works on :class:`decimal.Decimal` built from decimal strings, so ``0.125``
rounds to ``0.13`` whatever its binary representation.

Printed numbers stay strings everywhere in the package: trailing zeros carry the printed
precision (``"42.0"`` has one decimal). :func:`parse_printed` turns one into a
:class:`Printed` with its value, its bound (``<0.001``), its number of decimals, and its
power of ten for numbers printed as ``8.33×10^-3``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "ROUNDING_RULES",
    "Printed",
    "decimals_of",
    "format_half_away",
    "parse_printed",
    "round_half_away",
    "round_with",
    "to_decimal",
    "word_to_int",
]

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}

# "half of them reported the existence of stress" (fan2019, Results)
_FRACTIONS = {"half": Decimal("0.5")}

_DECIMAL = re.compile(r"^[+-]?(?:\d+(?:\.\d+)?|\.\d+)$")
_SCIENTIFIC = re.compile(r"^(?P<mantissa>[+-]?\d+(?:\.\d+)?)×10\^(?P<exponent>[+-]?\d+)$")


@dataclass(frozen=True)
class Printed:
    """A number as printed in a paper.

    Attributes
    ----------
    text : str
        The printed string, as given.
    value : Decimal
        Its exact value (for ``8.33×10^-3``: ``0.00833``; for ``<0.001``: ``0.001``).
    bound : str
        ``""`` for a point value, ``"<"`` or ``">"`` for a printed bound.
    decimals : int
        Digits after the decimal point as printed (of the mantissa for ``×10^`` numbers).
    exponent : int
        The power of ten of a number printed as ``m×10^e``; 0 otherwise.
    word : bool
        True when the number was printed as an English word (``Nineteen``).
    """

    text: str
    value: Decimal
    bound: str
    decimals: int
    exponent: int = 0
    word: bool = False


def word_to_int(word: str) -> int:
    """Return the integer of an English number word from zero to ninety-nine.

    Accepts any case and a hyphen or space between tens and units (``Thirty-nine``).

    Raises
    ------
    ValueError
        If ``word`` is not such a number word.
    """
    if not isinstance(word, str):
        raise TypeError(f"word_to_int expects a str, got {type(word).__name__}")
    key = word.strip().lower().replace(" ", "-")
    if key in _UNITS:
        return _UNITS[key]
    if key in _TENS:
        return _TENS[key]
    tens, _, unit = key.partition("-")
    if tens in _TENS and unit in _UNITS and 0 < _UNITS[unit] < 10:
        return _TENS[tens] + _UNITS[unit]
    raise ValueError(f"not an English number word: {word!r}")


def decimals_of(printed: str) -> int:
    """Number of digits after the decimal point in a printed number (0 for integers, words).

    >>> [decimals_of(s) for s in ("42.0", "<0.001", "Nineteen", "8.33×10^-3")]
    [1, 3, 0, 2]
    """
    return parse_printed(printed).decimals


def parse_printed(printed: str) -> Printed:
    """Parse a printed number: ``"79.2"``, ``"-2.99"``, ``"<0.001"``, ``">0.078"``,
    ``"Nineteen"``, ``"half"``, ``"8.33×10^-3"``, ``"<8.33×10^-3"``.

    Parameters
    ----------
    printed : str
        The number as transcribed (see ``data/published/SCHEMA.md`` for the normalisations:
        no spaces, ASCII minus, no percent sign).

    Returns
    -------
    Printed

    Raises
    ------
    TypeError
        If ``printed`` is not a string (a float would already have lost trailing zeros).
    ValueError
        If the string is not a number in one of the forms above.
    """
    if not isinstance(printed, str):
        raise TypeError(
            f"printed numbers must be strings (trailing zeros carry precision), "
            f"got {type(printed).__name__}: {printed!r}"
        )
    text = printed.strip()
    if not text:
        raise ValueError("empty printed number")
    bound = ""
    body = text.replace("\u2212", "-")  # a minus sign as typeset reads as the ASCII one
    if body[0] in "<>":
        bound, body = body[0], body[1:]
    if not body:
        raise ValueError(f"printed number {printed!r} has a bound but no value")
    if _DECIMAL.match(body):
        _, _, frac = body.partition(".")
        return Printed(text, Decimal(body), bound, len(frac))
    match = _SCIENTIFIC.match(body)
    if match:
        mantissa = match["mantissa"]
        exponent = int(match["exponent"])
        _, _, frac = mantissa.partition(".")
        return Printed(text, Decimal(mantissa).scaleb(exponent), bound, len(frac), exponent)
    if body.lower() in _FRACTIONS:
        value = _FRACTIONS[body.lower()]
    else:
        try:
            value = Decimal(word_to_int(body))
        except ValueError:
            raise ValueError(f"cannot parse printed number {printed!r}") from None
    if bound:
        raise ValueError(f"printed number {printed!r}: a bound on a number word")
    return Printed(text, value, "", 0, word=True)


def to_decimal(value: object) -> Decimal:
    """Exact decimal of a reproduced value: strings and ints exactly, floats by their
    shortest repr (``0.1`` -> ``Decimal('0.1')``), which is what a printout shows."""
    if isinstance(value, bool) or value is None:
        raise TypeError(f"cannot round {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"cannot round non-numeric string {value!r}") from None
    else:
        try:
            as_float = float(value)  # numpy scalars
        except (TypeError, ValueError):
            raise TypeError(f"cannot round {type(value).__name__} {value!r}") from None
        if not math.isfinite(as_float):
            raise ValueError(f"cannot round non-finite value {value!r}")
        result = Decimal(repr(as_float))
    if not result.is_finite():
        raise ValueError(f"cannot round non-finite value {value!r}")
    return result


def round_half_away(value: object, decimals: int) -> Decimal:
    """Round ``value`` to ``decimals`` places, half away from zero, as SPSS prints.

    Parameters
    ----------
    value : str, int, float, Decimal or numpy scalar
        The reproduced value. Floats are taken at their shortest decimal repr.
    decimals : int
        Places after the decimal point (>= 0).

    Returns
    -------
    Decimal
        The rounded value with exactly ``decimals`` places (``Decimal("0.50")``).

    >>> round_half_away("2.345", 2), round_half_away(-0.125, 2), round_half_away(0.5, 0)
    (Decimal('2.35'), Decimal('-0.13'), Decimal('1'))
    """
    return round_with(value, decimals, "half_away")


#: Rounding rules a paper's software may have used: SPSS rounds half away from zero; R's,
#: Python's and IEEE 754's default rule rounds half to even (on the decimal value here).
ROUNDING_RULES = {"half_away": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}


def round_with(value: object, decimals: int, rule: str = "half_away") -> Decimal:
    """``value`` rounded to ``decimals`` places under ``rule`` (one of
    :data:`ROUNDING_RULES`).

    >>> round_with("7.125", 2), round_with("7.125", 2, "half_even")
    (Decimal('7.13'), Decimal('7.12'))
    """
    if rule not in ROUNDING_RULES:
        raise ValueError(f"rule must be one of {sorted(ROUNDING_RULES)}, got {rule!r}")
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise ValueError(f"decimals must be a non-negative int, got {decimals!r}")
    return to_decimal(value).quantize(Decimal(1).scaleb(-decimals),
                                      rounding=ROUNDING_RULES[rule])


def format_half_away(value: object, decimals: int) -> str:
    """:func:`round_half_away` as a string (``"0.50"``), for tables laid out like the papers;
    a value the data do not define (the SD of one person, NaN) is shown as ``n/a``."""
    if isinstance(value, float | int) and not math.isfinite(value):
        return "n/a"
    return str(round_half_away(value, decimals))
