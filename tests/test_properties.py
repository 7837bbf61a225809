"""Property-based tests (hypothesis) for SPSS rounding, printed-number parsing and compare()."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.printed.compare import compare
from analysis.printed.rounding import format_half_away, parse_printed, round_half_away

decimals = st.integers(min_value=0, max_value=4)
exact = st.decimals(min_value=-10_000, max_value=10_000, places=6, allow_nan=False,
                    allow_infinity=False)
floats = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(exact, decimals)
def test_half_away_from_zero_is_symmetric_and_matches_decimal(value, places):
    rounded = round_half_away(value, places)
    assert rounded == value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    assert round_half_away(-value, places) == -rounded


@settings(max_examples=300, deadline=None)
@given(exact, decimals)
def test_rounding_moves_by_at_most_half_a_unit(value, places):
    assert abs(round_half_away(value, places) - value) <= Decimal(5).scaleb(-places - 1)


@settings(max_examples=300, deadline=None)
@given(floats, decimals)
def test_a_value_always_matches_its_own_printed_form(value, places):
    printed = format_half_away(value, places)
    assert compare(value, printed)
    assert parse_printed(printed).decimals == places


@settings(max_examples=300, deadline=None)
@given(floats, decimals)
def test_one_unit_away_never_matches(value, places):
    printed = format_half_away(value, places)
    unit = float(Decimal(1).scaleb(-places))
    assert not compare(float(parse_printed(printed).value) + 1.5 * unit, printed)
    assert not compare(float(parse_printed(printed).value) - 1.5 * unit, printed)


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=0, max_value=1, allow_nan=False),
       st.floats(min_value=0.0001, max_value=1, allow_nan=False))
def test_bounds_are_strict_inequalities(value, bound):
    text = format_half_away(bound, 4)
    limit = float(parse_printed(text).value)
    assert compare(value, "<" + text) == (value < limit)
    assert compare(value, ">" + text) == (value > limit)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=500), st.data())
def test_percent_of_a_count_matches_its_rounding(n, data):
    count = data.draw(st.integers(min_value=0, max_value=n))
    percent = 100 * count / n
    assert compare(percent, format_half_away(percent, 0))
    assert compare(percent, format_half_away(percent, 1))
