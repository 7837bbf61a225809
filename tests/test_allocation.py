"""Controlled rounding of a two-way table to given margins."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.methods.allocation import allocate


def test_margins_hold_and_table_is_near_proportional():
    rows = pd.Series({"female": 31, "male": 23})
    columns = pd.Series({"initial": 32, "later": 22})
    table = allocate(rows, columns)
    assert table.sum(axis=1).to_dict() == rows.to_dict()
    assert table.sum(axis=0).to_dict() == columns.to_dict()
    expected = pd.DataFrame([[31 * 32 / 54, 31 * 22 / 54], [23 * 32 / 54, 23 * 22 / 54]],
                            index=rows.index, columns=columns.index)
    assert ((table - expected).abs() < 1).all().all()


def test_exactly_proportional_when_possible():
    table = allocate(pd.Series({"a": 10, "b": 20}), pd.Series({"x": 15, "y": 15}))
    assert table.loc["a"].tolist() == [5, 5]


def test_bounds_are_respected():
    rows = pd.Series({"tuanjiehu": 14, "maizidian": 15})
    lower = pd.DataFrame({"initial": [14, 15]}, index=rows.index)
    table = allocate(pd.Series({"tuanjiehu": 15, "maizidian": 17}), pd.Series({"initial": 32}),
                     lower=lower)
    assert table["initial"].tolist() == [15, 17]


def test_repeatable():
    rows, columns = pd.Series({"a": 7, "b": 6, "c": 9}), pd.Series({"x": 11, "y": 11})
    assert allocate(rows, columns).equals(allocate(rows, columns))


def test_disagreeing_margins_raise():
    with pytest.raises(ValueError, match="margins disagree"):
        allocate(pd.Series({"a": 3}), pd.Series({"x": 4}))


def test_infeasible_bounds_raise():
    with pytest.raises(ValueError, match="no integer table"):
        allocate(pd.Series({"a": 3, "b": 1}), pd.Series({"x": 4}),
                 upper=pd.DataFrame({"x": [2, 2]}, index=["a", "b"]))
