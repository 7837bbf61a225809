"""Content categories (fan2018 Fig. 2): counts a printed percentage allows, the exact
enumeration of category vectors (against brute force), and the checks of digitised shares."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from analysis.io.design import CATEGORIES, PRINTED_SHARES
from analysis.io.figure_values import read_fig2_values
from analysis.io.files import InputError
from analysis.methods.granularity import percent_counts
from analysis.reconstruct.contents import (
    category_vectors,
    check_shares,
    choose_counts,
    share_table,
    top_categories,
)


@pytest.mark.parametrize(
    ("printed", "total", "expected"),
    [
        ("19", 214, [40, 41]),  # 40/214 = 18.69%, 41/214 = 19.16%
        ("16", 214, [34, 35]),
        ("15", 214, [32, 33]),
        ("98.6", 214, [211]),
        ("50", 3, []),  # 1/3 and 2/3 are 33% and 67%
        ("12.5", 8, [1]),
        ("2.5", 200, [5]),  # 2.5 exactly
    ],
)
def test_count_options(printed, total, expected):
    assert percent_counts(printed, total) == expected


def _fake_registry(shares):
    return pd.DataFrame({"id": list(PRINTED_SHARES.values()), "printed": shares})


def _brute(shares, total):
    options = [percent_counts(p, total) for p in shares]
    printed = list(PRINTED_SHARES)
    others = [c for c in CATEGORIES if c not in printed]
    vectors = []
    for top in itertools.product(*options):
        for rest in itertools.product(range(1, min(top)), repeat=len(others)):
            if sum(top) + sum(rest) == total:
                vectors.append(dict(zip(printed + others, top + rest, strict=True)))
    return pd.DataFrame(vectors)


@pytest.mark.parametrize(("shares", "total"), [(["30", "25", "20"], 20), (["25", "20", "15"], 20),
                                               (["19", "16", "15"], 27)])
def test_category_vectors_equal_brute_force(shares, total):
    number, ranges = category_vectors(_fake_registry(shares), total)
    truth = _brute(shares, total)
    assert number == len(truth)
    if number:
        ranges = ranges.set_index("category")
        assert ranges["min_count"].to_dict() == truth.min().to_dict()
        assert ranges["max_count"].to_dict() == truth.max().to_dict()


def test_published_vectors_and_choice(registry):
    number, ranges = category_vectors(registry, 214)
    assert number > 0
    chosen = choose_counts(registry, 214)
    assert chosen.sum() == 214
    ranges = ranges.set_index("category")
    assert ((chosen >= ranges["min_count"]) & (chosen <= ranges["max_count"])).all()
    table = share_table(pd.Series(chosen.index.repeat(chosen.to_numpy())))
    assert top_categories(table) == list(PRINTED_SHARES)
    assert check_shares(table.set_index("category")["percent"], registry)["ok"].all()


def test_check_shares_flags_what_breaks_the_text(registry):
    good = pd.Series({"fine_motor_exercise": 19.2, "daily_life_skills": 15.9,
                      "emotional_support": 15.0, "social_skills": 10.3,
                      "mental_disorder_knowledge": 10.3, "entertainment": 9.8,
                      "personal_perceptions": 9.8, "healthy_lifestyle": 9.7})
    assert check_shares(good, registry)["ok"].all()
    bad = good.copy()
    bad["social_skills"], bad["daily_life_skills"] = 16.4, 9.8
    checks = check_shares(bad, registry).set_index("check")
    assert not checks.loc["the printed categories are the top three", "ok"]
    assert not checks.loc["daily_life_skills share", "ok"]
    missing = good.drop("entertainment")
    assert not check_shares(missing, registry).set_index("check").loc[
        "all eight categories present", "ok"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("cooking,10", "line 2, column 'category'"),
        ("entertainment,ten", "line 2, column 'percent': 'ten' is not a number"),
        ("entertainment,120", "line 2, column 'percent': '120' is above 100"),
    ],
)
def test_bad_digitised_fig2_values(tmp_path, line, expected):
    path = tmp_path / "fig2.csv"
    path.write_text(f"category,percent\n{line}\n", encoding="utf-8")
    with pytest.raises(InputError, match=expected):
        read_fig2_values(path)


def test_digitised_fig2_values_are_read(tmp_path):
    path = tmp_path / "fig2.csv"
    path.write_text("category,percent\nentertainment,9.5\nemotional_support,15.2\n",
                    encoding="utf-8")
    assert read_fig2_values(path).to_dict() == {"entertainment": 9.5,
                                                             "emotional_support": 15.2}
