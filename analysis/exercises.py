"""Exercises for the course, two or more per notebook, each with an answer that code
computes (from the printed numbers in the registry, the package's methods, or the tables the
notebooks wrote). The questions, and the registry rows each answer reads, are data
(``book/exercises.csv``); each answer is a function here, named in that file. ``make book``
renders them with each answer behind a toggle; a test checks that every answer is computed
and shown as computed, so an answer can never drift from the code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import pandas as pd

from analysis.io import paths
from analysis.io.files import InputError, read_csv_strict
from analysis.io.registry import load_registry
from analysis.methods.contingency import chi2_goodness_of_fit, chi2_independence, fisher_exact
from analysis.methods.granularity import consistent_ns, consistent_scales, grim
from analysis.printed.rounding import format_half_away, parse_printed

__all__ = ["NO_ANSWER", "Exercise", "answers", "chapter_exercises", "exercises",
           "exercises_markdown"]


@dataclass(frozen=True)
class Exercise:
    """An exercise of one notebook: the question, the function computing its answer, and the
    registry rows (or stems) it reads."""
    notebook: str
    question: str
    answer: Callable[..., str]
    rows: tuple[str, ...] = ()

    def solve(self) -> str:
        return self.answer(*self.rows)


@cache
def _registry() -> pd.DataFrame:
    return load_registry().set_index("id")


def _printed(row_id: str) -> str:
    return _registry().loc[row_id, "printed"]


def _number(row_id: str) -> int:
    """A printed whole number, written in digits or in words."""
    return int(parse_printed(_printed(row_id)).value)


def _n_of(row_id: str) -> int:
    return _number(_registry().loc[row_id, "denominator"])


def _table(name: str) -> pd.DataFrame:
    return pd.read_csv(paths.TABLES / name, dtype=str, keep_default_na=False)


def percent_of_count(stem: str) -> str:
    count, n = _number(f"{stem}.count"), _number(f"{stem}.n")
    exact = 100 * count / n
    return (f"{count} of {n} is {exact:.2f}%, which SPSS rounds (half away from zero) to "
            f"{format_half_away(exact, 0)}%; the paper prints {_printed(f'{stem}.percent')}%.")


def inconsistent_p_values() -> str:
    audit = _table("audit_tests.csv")
    flagged = audit[audit["consistent"] == "False"]
    return (f"{len(flagged)} of {len(audit)} printed p-values do not follow from their printed "
            f"statistic and df: " + "; ".join(flagged["text"]) + ".")


def _two_by_two(stem: str) -> list[list[int]]:
    """The printed yes/no counts of peers and consumers under ``stem`` (2018 Table 2)."""
    rows = []
    for group in ("peers", "consumers"):
        count = _number(f"{stem}_yes.{group}.count")
        rows.append([count, _n_of(f"{stem}_yes.{group}.percent") - count])
    return rows


def working_status_tests(stem: str) -> str:
    table = _two_by_two(stem)
    pearson = chi2_independence(table).iloc[0]
    fisher = fisher_exact(table).iloc[0]
    return (f"Pearson chi-square {pearson['statistic']:.2f}, p {pearson['p']:.3f}; Fisher's "
            f"exact p {fisher['p']:.3f}. Printed: chi-square "
            f"{_printed(f'{stem}.peers_vs_consumers.statistic')}, p "
            f"{_printed(f'{stem}.peers_vs_consumers.p')}: the Pearson statistic with "
            "Fisher's p.")


def yates_on_working_status(stem: str) -> str:
    table = _two_by_two(stem)
    corrected = chi2_independence(table, correction=True).iloc[0]
    return (f"With Yates' correction: chi-square {corrected['statistic']:.2f}, p "
            f"{corrected['p']:.3f}, which is not what was printed.")


def literal_reading() -> str:
    from analysis.reconstruct.sessions import WEEKLY_RULE, fig1_targets, literal_bound

    registry = _registry().reset_index()
    weekly, needed = literal_bound(registry)
    total, _ = fig1_targets(registry)
    return (f"Read literally, '{WEEKLY_RULE}' alone needs at least {weekly} sessions. Adding "
            f"the fewest the other rules allow, even read loosely, gives at least {needed}, "
            f"{'above' if needed > total else 'not above'} the {total} printed: the words "
            f"{'cannot' if needed > total else 'could'} be literal.")


def tables_that_fit() -> str:
    counted = _table("fan2018_fig1_feasible.csv").iloc[0]
    return (f"{int(float(counted['band_tables'])):,} tables lie within the stated frequencies "
            f"and sum to the total (an exact count); about {float(counted['estimate']):.3g} of "
            "them also give the printed chi-square (an importance-sampling estimate, 95% "
            f"interval {float(counted['low']):.3g} to {float(counted['high']):.3g}).")


def fig2_unprinted() -> str:
    ranges = _table("fan2018_fig2_ranges.csv")
    hidden = ranges[ranges["printed"] == ""]
    return "; ".join(f"{r.label}: {float(r.min_percent):.1f}% to {float(r.max_percent):.1f}%"
                     for r in hidden.itertuples()) + "."


def fig2_printed() -> str:
    ranges = _table("fan2018_fig2_ranges.csv")
    shown = ranges[ranges["printed"] != ""]
    return ", ".join(f"{r.label} ({r.printed}%)" for r in shown.itertuples()) + "."


def caregivers_six_of_fifteen(stem: str) -> str:
    count, n = _number(f"{stem}.count"), _n_of(f"{stem}.percent")
    test = chi2_goodness_of_fit([count, n - count]).iloc[0]
    return (f"{count} of {n} against an even split: chi-square {test['statistic']:.2f}, p "
            f"{test['p']:.3f}. Printed: chi-square {_printed(f'{stem}.statistic')}, p "
            f"{_printed(f'{stem}.p')}, the values of the next item.")


def confidence_grim(mean_id: str, n_id: str) -> str:
    mean, n = _printed(mean_id), _number(n_id)
    possible = grim(mean, n)
    ns = consistent_ns(mean, n - 5, n + 5)
    scales = consistent_scales(mean, n)
    return (f"A mean of {mean} from {n} whole numbers is {'possible' if possible else 'impossible'}"
            f"; whole-number answers fit n = {', '.join(map(str, ns)) or 'none'} nearby; with "
            f"{n} answers the mean fits steps of 1/{', 1/'.join(map(str, scales))}.")


def _verdicts(correction: str) -> pd.Series:
    specs = _table("conclusion_specifications.csv")
    chosen = specs[(specs["correction"] == correction) & (specs["n_choice"] == "as printed")]
    return chosen.groupby("conclusion")["verdict"].agg(lambda v: "/".join(sorted(set(v))))


def holm_changes() -> str:
    bonferroni, holm = _verdicts("bonferroni"), _verdicts("holm")
    changed = [c for c in bonferroni.index if c in holm.index and bonferroni[c] != holm[c]]
    reason = ("Holm (1979) compares the smallest p with alpha/m, exactly as Bonferroni does, "
              "and the later ones with larger thresholds, so it keeps every rejection "
              "Bonferroni makes and can only add some; it changes a conclusion only where a "
              "second or later p of a family falls between its Bonferroni and Holm thresholds.")
    found = ("Here it changes: " + ", ".join(changed) + "." if changed else
             "Here no conclusion changes (as printed n).")
    return f"{reason} {found}"


def fragile_conclusions() -> str:
    summary = pd.read_csv(paths.REPORTS / "conclusions.csv", dtype=str, keep_default_na=False)
    fragile = summary[summary["all_choices"].isin(["fails", "mixed"])]
    return (f"{len(fragile)} of {len(summary)}: "
            + "; ".join(s.rstrip(".") for s in fragile["statement"]) + ".")


def tests_without_df() -> str:
    audit = _table("audit_tests.csv")
    missing = audit[audit["df"] == ""]
    return (f"{len(missing)}: " + "; ".join(missing["text"]) +
            ". The audit infers their df from the group sizes in the text.")


def _described(row_id: str) -> str:
    """A registry row in words: where it is printed, its item, group and quantity, and the
    number printed (``fan2019 Table 2, Confidence, peers: mean 7.13``)."""
    row = _registry().loc[row_id]
    quantity = {"sd": "SD"}.get(row["quantity"], row["quantity"])
    return (f"{row['paper']} {row['location']}, {row['item']}, {row['group'].lower()}: "
            f"{quantity} {row['printed']}")


def impossible_values() -> str:
    checks = _table("audit_granularity.csv")
    failing = checks[checks["consistent"] == "False"]
    return (f"{len(failing)} of {len(checks)}: "
            + "; ".join(_described(row_id) for row_id in failing["id"]) + ".")


@cache
def _exercises() -> list[Exercise]:
    frame = read_csv_strict(paths.ROOT / "book" / "exercises.csv",
                            ["notebook", "answer", "rows", "question"], exact=True)
    functions = globals()
    unknown = sorted(set(frame["answer"]) - set(functions))
    if unknown:
        raise InputError(f"exercises.csv, column 'answer': no answer function {unknown}")
    return [Exercise(r.notebook, r.question, functions[r.answer], tuple(r.rows.split()))
            for r in frame.itertuples()]


def exercises() -> list[Exercise]:
    """The exercises of ``book/exercises.csv``, in order."""
    return _exercises()


def answers() -> list[tuple[Exercise, str]]:
    """Every exercise with its computed answer."""
    return [(exercise, exercise.solve()) for exercise in _exercises()]


#: What an exercise says in the students' edition instead of its answer.
NO_ANSWER = "*The answer is in the teachers' edition of the course (`make book`).*"


def _block(number: int, exercise: Exercise, answer: str | None) -> list[str]:
    """One exercise: its question, and its answer behind a toggle (``None``: the students'
    edition, which has no answers)."""
    import html

    if answer is None:
        return [f"**Exercise {number}.** {exercise.question}", "", NO_ANSWER, ""]
    return [f"**Exercise {number}.** {exercise.question}", "",
            f'<details class="answer" id="answer-{number}"><summary>Answer</summary>',
            f"<p>{html.escape(answer)}</p>", "</details>", ""]


def _numbered(with_answers: bool) -> list[tuple[int, Exercise, str | None]]:
    if with_answers:
        return [(n, e, a) for n, (e, a) in enumerate(answers(), start=1)]
    return [(n, e, None) for n, e in enumerate(exercises(), start=1)]


def exercises_markdown(with_answers: bool = True) -> str:
    """The course's exercise page: per notebook, each question, its answer behind a toggle
    (``with_answers=False``: the students' edition, questions only)."""
    how = ("then open the answer. Every answer is computed by `analysis/exercises.py` when the "
           "course is built." if with_answers else "then compare with your neighbour; the "
           "answers, computed from the code, are in the teachers' edition.")
    lines = ["# Exercises", "",
             "Two or more per notebook. Predict first, then work it out (in the notebook, or "
             "by rerunning it with another parameter: `python -m analysis.run --only NOTEBOOK "
             f"-p NAME VALUE`, which writes to `build/runs/`), {how}", ""]
    notebook = None
    for number, exercise, answer in _numbered(with_answers):
        if exercise.notebook != notebook:
            notebook = exercise.notebook
            lines += [f"## Notebook {notebook}", ""]
        lines += _block(number, exercise, answer)
    return "\n".join(lines)


def chapter_exercises(notebook: str, with_answers: bool = True) -> str:
    """The exercises of ``notebook``, numbered as on the exercise page, for the end of its
    chapter in the course (empty if it has none)."""
    lines = []
    for number, exercise, answer in _numbered(with_answers):
        if exercise.notebook == notebook:
            lines += _block(number, exercise, answer)
    return "\n".join(["## Exercises", "", *lines]) if lines else ""
