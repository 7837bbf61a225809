"""The questionnaires, read from ``data/questionnaires/questions.csv`` (never retyped).

fan2018 (Methods: Service satisfaction, Service perceived benefit) asked consumers, caregivers
and peers yes/no questions; fan2019 (Tables 2-4, Results: Caregivers) asked providers and
consumers yes/no questions, 1-5 ratings and a 0-10 confidence score, and caregivers yes/no
questions. Each question carries the registry *stem* of its printed result (``stem.count``,
``stem.mean``...), who among its respondents was asked, and, for two consumer ratings, the
stem of the initial-vs-later t test the paper prints. :func:`questions` is the catalogue the
interview records are validated against; the constants below are selections of it, in the
order of the file (the order of the papers' tables).
"""

from __future__ import annotations

import pandas as pd

from analysis.io.facts import read_facts

__all__ = [
    "CAREGIVER_QUESTIONS",
    "CONSUMER_RATINGS",
    "FAN2018_QUESTIONS",
    "PROVIDER_RATINGS",
    "STRESS_REASONS",
    "TABLE3_ITEMS",
    "T_TESTS",
    "questions",
    "stem_of",
]


def questions() -> pd.DataFrame:
    """The question catalogue: ``paper``, ``question``, ``role``, ``kind`` (yes_no, rating,
    score), ``lo``, ``hi`` (ints), ``asked``, ``stem``, ``wave_t_test``, ``source``."""
    frame = read_facts("questions").reset_index(drop=True)
    return frame.astype({"lo": int, "hi": int})


def _select(**where: str) -> pd.DataFrame:
    frame = questions()
    for column, wanted in where.items():
        frame = frame[frame[column] == wanted]
    return frame


_2019 = {"paper": "fan2019"}

#: fan2018 yes/no questions: question -> respondent role.
FAN2018_QUESTIONS = dict(_select(paper="fan2018")[["question", "role"]].itertuples(index=False))
#: fan2019 Table 2 ratings (1-5) of the providers, and Table 4 ratings of the consumers.
PROVIDER_RATINGS = _select(**_2019, role="peer", kind="rating")["question"].tolist()
CONSUMER_RATINGS = _select(**_2019, role="consumer", kind="rating")["question"].tolist()
#: The 14 perceived-benefit items of fan2019 Table 3, in table order.
TABLE3_ITEMS = _select(**_2019, role="peer", source="fan2019 Table 3")["question"].tolist()
#: Consumer ratings with a printed initial-vs-later t test: question -> registry stem.
T_TESTS = {row.question: row.wave_t_test
           for row in _select(**_2019, role="consumer").itertuples() if row.wave_t_test}
#: fan2019 caregiver questions: question -> (registry count id, who was asked).
CAREGIVER_QUESTIONS = {row.question: (f"{row.stem}.count", row.asked)
                       for row in _select(**_2019, role="caregiver").itertuples()}
#: Reasons for stress (Results: Peer service providers), asked of the stressed providers.
STRESS_REASONS = {row.question: f"{row.stem}.count"
                  for row in _select(**_2019, asked="stressed").itertuples()}


_STEMS = {(row.paper, row.question, row.role): row.stem for row in questions().itertuples()}


def stem_of(paper: str, question: str, role: str) -> str:
    """The registry stem of the printed result of ``question`` asked of ``role`` in
    ``paper`` (``stem.count``, ``stem.mean``...)."""
    return _STEMS[(paper, question, role)]
