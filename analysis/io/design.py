"""The study design as both papers describe it: communities, waves, periods, categories.

fan2018 (Methods: Participants): the service started in July 2013 in Tuanjiehu and Maizidian
(the initial communities) and in August 2015 in Xiangheyuan and Jingsong (the later ones);
its Fig. 1 counts sessions "by every 6-month period" from July 2013 to June 2016; its Results
(Service contents) list eight content categories. fan2018 Table 2 and fan2019 Table 1 describe
the same demographic variables in different categories (:data:`VARIABLES`).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

__all__ = [
    "CATEGORIES",
    "COMMUNITIES",
    "COMMUNITY_START",
    "COMMUNITY_WAVE",
    "DAYS_PER_MONTH",
    "DAYS_PER_WEEK",
    "GROUP",
    "PERIODS",
    "VARIABLES",
    "active_weeks",
    "period_table",
]


#: The four communities, in the order of the papers' tables (ids as in the participant data).
COMMUNITIES = ("tuanjiehu", "maizidian", "xiangheyuan", "jingsong")


#: "Peer support was initiated in July 2013 in Tuanjiehu and Maizidian, and in the other two
#: communities in August 2015" (fan2018, Methods: Participants).
COMMUNITY_START = {
    "tuanjiehu": dt.date(2013, 7, 1),
    "maizidian": dt.date(2013, 7, 1),
    "xiangheyuan": dt.date(2015, 8, 1),
    "jingsong": dt.date(2015, 8, 1),
}


#: "214 peer support sessions were delivered from July 2013 to June 2016"; Fig. 1 counts
#: them "by every 6-month period": six half-years, end dates exclusive.
PERIODS = ("2013H2", "2014H1", "2014H2", "2015H1", "2015H2", "2016H1")


DAYS_PER_WEEK = 7


DAYS_PER_MONTH = 365.2425 / 12


def period_table() -> pd.DataFrame:
    """The six periods of fan2018 Fig. 1: ``period``, ``start``, ``end`` (exclusive)."""
    rows = []
    for label in PERIODS:
        year, half = int(label[:4]), label[4:]
        start = dt.date(year, 1 if half == "H1" else 7, 1)
        end = dt.date(year, 7, 1) if half == "H1" else dt.date(year + 1, 1, 1)
        rows.append({"period": label, "start": start, "end": end})
    return pd.DataFrame(rows)


def active_weeks(community: str, period: str) -> float:
    """Weeks of ``period`` after ``community`` started its service (0 before it started)."""
    row = period_table().set_index("period").loc[period]
    start = max(row["start"], COMMUNITY_START[community])
    return max(0, (row["end"] - start).days) / DAYS_PER_WEEK


GROUP = {"peer": "peers", "consumer": "consumers"}  # role -> group slug in registry ids


COMMUNITY_WAVE = {
    "tuanjiehu": "initial",
    "maizidian": "initial",
    "xiangheyuan": "later",
    "jingsong": "later",
}


# column -> (table, registry prefix) per paper: fan2018 Table 2, fan2019 Table 1
VARIABLES = {
    "fan2018": {
        "sex": ("table2", "sex"),
        "education": ("table2", "education"),
        "marital_status": ("table2", "marital_status"),
        "employed": ("table2", "working_status"),
        "diagnosis": ("table2", "diagnosis"),
    },
    "fan2019": {
        "sex": ("table1", "gender"),
        "education": ("table1", "education"),
        "marital_status": ("table1", "current_marital_status"),
        "lives_alone": ("table1", "lives_alone"),
        "employed": ("table1", "current_employment"),
        "diagnosis": ("table1", "diagnosis"),
    },
}


#: The eight categories in the order fan2018 lists them (Results: Service contents).
CATEGORIES = {
    "daily_life_skills": "Daily life skills",
    "social_skills": "Social interpersonal skills",
    "mental_disorder_knowledge": "Knowledge of mental disorders",
    "entertainment": "Entertainment",
    "fine_motor_exercise": "Fine motor skill practice and exercise",
    "personal_perceptions": "Personal perceptions",
    "healthy_lifestyle": "Healthy life style",
    "emotional_support": "Emotional support",
}
