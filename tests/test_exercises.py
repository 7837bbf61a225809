"""The course's exercises (analysis/exercises.py, analysis/exercise_answers.py): each
notebook asks at least one question of judgement, answers name analysis choices in words, and
the judgement answers' verdict words follow from the computed values (truth tables)."""

from __future__ import annotations

import re

import pytest

from analysis import exercise_answers as reviewer
from analysis.evidence.words import VARIANT_WORDS
from analysis.exercises import answers, exercises
from analysis.io import paths
from analysis.printed.significance import ALPHA


def test_every_notebook_asks_a_question_of_judgement():
    notebooks = {p.stem for p in paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")}
    judging = {e.notebook for e in exercises()
               if re.search(r"\b(why|reviewer)\b", e.question, flags=re.IGNORECASE)}
    assert judging == notebooks


def test_answers_name_choices_in_words_not_machine_ids():
    ids = [v for v in VARIANT_WORDS if "_" in v] + ["bonferroni", "holm", "bh"]
    for exercise, answer in answers():
        found = [i for i in ids if re.search(rf"\b{i}\b", answer)]
        assert found == [], (exercise.answer.__name__, found)
        assert not re.search(r"\bfan20(18|19)\.\w", answer), exercise.answer.__name__


@pytest.mark.parametrize(("low", "high", "exact", "words"), [
    (0.001, ALPHA / 2, True, "supports the printed conclusion for every such table"),
    (0.001, ALPHA / 2, False, "supports the printed conclusion for every table sampled (not "),
    (ALPHA, 0.9, True, "supports it for no such table"),
    (ALPHA, 0.9, False, "supports it for no table sampled"),
    (0.001, ALPHA, True, "falls on either side"),
    (ALPHA / 2, 0.5, False, "falls on either side"),
])
def test_a_range_of_p_supports_the_conclusion_only_when_it_is_wholly_below_alpha(
        low, high, exact, words):
    """A verdict over every table needs an exact range; a sampled one speaks for the sample."""
    assert reviewer.range_verdict(low, high, exact).startswith(words)


@pytest.mark.parametrize(("ns", "scales", "expected"), [
    ([], [], "a typo in the mean"),
    ([41], [], "a different n (41 would fit"),
    ([], [2], "answers in steps of 1/2"),
    ([40, 44], [2, 4], "a different n (40, 44 would fit"),
])
def test_only_the_explanations_grim_leaves_standing_are_offered(ns, scales, expected):
    causes = reviewer._causes(ns, scales)
    assert expected in causes
    assert ("a different n" in causes) == bool(ns)
    assert ("answers in steps" in causes) == bool(scales)


def test_the_even_split_answer_gives_the_wilson_interval_scipy_gives():
    """Wilson's interval from its formula with scipy's normal quantile, against statsmodels."""
    import math

    from scipy import stats

    from analysis.io.registry import load_registry, value

    stem = "fan2018.results.observed_patient_social_skills.caregivers"
    registry = load_registry()
    yes = int(value(registry, f"{stem}.count"))
    n = int(value(registry, registry.set_index("id").loc[f"{stem}.percent", "denominator"]))
    z = stats.norm.ppf(0.975)
    centre = (yes / n + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * math.sqrt(yes / n * (1 - yes / n) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    answer = reviewer.even_split_question(stem)
    assert f"from {centre - half:.0%} to {centre + half:.0%}" in answer
    assert f"{yes} of {n} said yes" in answer
