"""Exercises for the course, two or more per notebook, each with an answer that code
computes (from the printed numbers in the registry, the package's methods, or the tables the
notebooks wrote). The questions, and the registry rows each answer reads, are data
(``book/exercises.csv``); each answer is a function of :mod:`analysis.exercise_answers`,
named in that file. ``make book``
renders them with each answer behind a toggle; a test checks that every answer is computed
and shown as computed, so an answer can never drift from the code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from analysis import exercise_answers
from analysis.io import paths
from analysis.io.files import InputError, read_csv_strict

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
def _exercises() -> list[Exercise]:
    frame = read_csv_strict(paths.ROOT / "book" / "exercises.csv",
                            ["notebook", "answer", "rows", "question"], exact=True)
    functions = {name: getattr(exercise_answers, name) for name in exercise_answers.__all__}
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
