"""Truth tables for SPSS rounding, printed-number parsing and compare()."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from analysis.printed.compare import compare, compare_map, rounded_as_printed
from analysis.printed.rounding import decimals_of, parse_printed, round_half_away, word_to_int


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        ("2.345", 2, "2.35"),  # half away from zero, not half to even
        ("2.335", 2, "2.34"),
        ("-2.345", 2, "-2.35"),
        ("0.125", 2, "0.13"),
        (0.125, 2, "0.13"),  # binary 0.125 is exact; still half away
        (2.675, 2, "2.68"),  # binary 2.675 is 2.67499...; its repr is 2.675, as SPSS shows
        ("0.5", 0, "1"),
        ("1.5", 0, "2"),
        ("2.5", 0, "3"),  # Python's round gives 2
        ("-0.5", 0, "-1"),
        (79.16666, 1, "79.2"),
        (8, 1, "8.0"),
        (Decimal("0.0045"), 3, "0.005"),
        ("12.7549", 2, "12.75"),
    ],
)
def test_round_half_away(value, decimals, expected):
    assert str(round_half_away(value, decimals)) == expected


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), None, True, "abc", [1.0]])
def test_round_half_away_rejects(bad):
    with pytest.raises((TypeError, ValueError)):
        round_half_away(bad, 2)


@pytest.mark.parametrize("decimals", [-1, 1.5, True])
def test_round_half_away_rejects_bad_decimals(decimals):
    with pytest.raises(ValueError, match="decimals"):
        round_half_away("1.0", decimals)


@pytest.mark.parametrize(
    ("printed", "value", "bound", "decimals", "exponent", "word"),
    [
        ("79.2", "79.2", "", 1, 0, False),
        ("42.0", "42.0", "", 1, 0, False),
        ("-2.99", "-2.99", "", 2, 0, False),
        ("<0.001", "0.001", "<", 3, 0, False),
        (">0.078", "0.078", ">", 3, 0, False),
        ("Nineteen", "19", "", 0, 0, True),
        ("Thirty-nine", "39", "", 0, 0, True),
        ("five", "5", "", 0, 0, True),
        ("8.33×10^-3", "0.00833", "", 2, -3, False),
        ("<8.33×10^-3", "0.00833", "<", 2, -3, False),
        (".004", "0.004", "", 3, 0, False),
        ("100", "100", "", 0, 0, False),
        ("half", "0.5", "", 0, 0, True),
    ],
)
def test_parse_printed(printed, value, bound, decimals, exponent, word):
    parsed = parse_printed(printed)
    assert parsed.value == Decimal(value)
    assert (parsed.bound, parsed.decimals, parsed.exponent, parsed.word) == (
        bound, decimals, exponent, word)


@pytest.mark.parametrize("bad", ["", "<", "79.2%", "1,000", "12 .5", "ninety-ten", "<five",
                                 "1e-3", "--2", "p=0.05"])
def test_parse_printed_rejects(bad):
    with pytest.raises(ValueError, match=r"printed|parse|bound"):
        parse_printed(bad)


@pytest.mark.parametrize("bad", [79.2, 5, None, Decimal("1.0")])
def test_parse_printed_requires_strings(bad):
    with pytest.raises(TypeError, match="string"):
        parse_printed(bad)


def test_decimals_of():
    assert [decimals_of(s) for s in ["42.0", "<0.001", "Nineteen", "8.33×10^-3", "7"]] == [
        1, 3, 0, 2, 0]


@pytest.mark.parametrize(("word", "number"), [("one", 1), ("Twelve", 12), ("twenty", 20),
                                              ("forty-two", 42), ("Ninety nine", 99)])
def test_word_to_int(word, number):
    assert word_to_int(word) == number


@pytest.mark.parametrize("bad", ["twenty-zero", "hundred", "eleventeen", ""])
def test_word_to_int_rejects(bad):
    with pytest.raises(ValueError, match="number word"):
        word_to_int(bad)


@pytest.mark.parametrize(
    ("reproduced", "printed", "decimals", "expected"),
    [
        (19 / 24 * 100, "79.2", None, True),
        (0.7916, "79.2", None, False),  # a fraction is not a percentage
        (79.25, "79.2", None, False),  # 79.25 rounds half away to 79.3
        (79.249999, "79.2", None, True),
        (0.0004, "<0.001", None, True),
        (0.001, "<0.001", None, False),  # a bound is strict
        (0.0012, "<0.001", None, False),
        (0.1, ">0.078", None, True),
        (0.078, ">0.078", None, False),
        (19, "Nineteen", None, True),
        (18, "Nineteen", None, False),
        (0.05 / 6, "8.33×10^-3", None, True),
        (0.05 / 6, "<8.33×10^-3", None, False),
        (0.008, "<8.33×10^-3", None, True),
        (0.0045, "0.005", None, True),  # SPSS: half away from zero
        (0.0044999, "0.005", None, False),
        (-2.994, "-2.99", None, True),
        (2.99, "-2.99", None, False),  # the sign is part of the printed number
        (40.04, "40", None, True),
        (12.76, "12.76", 1, True),  # compared at fewer decimals when asked
        ("0.8271", "0.827", None, True),
        (6 / 12, "half", None, True),
        (6 / 10, "half", None, False),  # a fraction in words is exact, not "rounds to 1"
        (0.4, "half", None, False),
    ],
)
def test_compare(reproduced, printed, decimals, expected):
    assert compare(reproduced, printed, decimals) is expected


def test_compare_rejects_more_decimals_than_printed():
    with pytest.raises(ValueError, match="printed with 2"):
        compare(0.123, "0.12", 3)


def test_compare_rejects_float_printed():
    with pytest.raises(TypeError, match="strings"):
        compare(0.5, 0.5)


def test_rounded_as_printed():
    assert rounded_as_printed(19 / 24 * 100, "79.2") == "79.2"
    assert rounded_as_printed(0.05 / 6, "8.33×10^-3") == "8.33×10^-3"
    assert rounded_as_printed(0.00004, "<0.001") == "0.000"


def test_compare_map_columns_and_verdicts():
    data = pd.DataFrame({
        "id": ["a", "b", "c"],
        "printed": ["79.2", "<0.001", "0.004"],
        "reproduced": [79.1666, 0.01, 0.0035],
        "decimals": ["1", "3", "3"],
    })
    out = compare_map(data)
    assert list(out.columns[:4]) == ["printed", "reproduced", "consistency", "rounded"]
    assert out["consistency"].tolist() == [True, False, True]
    assert out["id"].tolist() == ["a", "b", "c"]


def test_compare_map_names_the_bad_row():
    data = pd.DataFrame({"printed": ["79.2", "x"], "reproduced": [1.0, 2.0],
                         "decimals": ["1", "0"]})
    with pytest.raises(ValueError, match="row 1"):
        compare_map(data)


def test_compare_map_missing_column():
    with pytest.raises(KeyError, match="decimals"):
        compare_map(pd.DataFrame({"printed": ["1"], "reproduced": [1]}))
