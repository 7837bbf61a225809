"""The study design as both papers describe it, read from ``data/design/`` (never retyped).

- :data:`COMMUNITIES`, :data:`COMMUNITY_WAVE`, :data:`COMMUNITY_START`,
  :data:`COMMUNITY_LABEL` (``communities.csv``): fan2018, Methods: Participants — the service
  started in July 2013 in Tuanjiehu and Maizidian (the initial communities) and in August
  2015 in Xiangheyuan and Jingsong (the later ones);
- :data:`PERIODS` and :func:`period_table` (``periods.csv``): the six-month periods of
  fan2018 Fig. 1, July 2013 to June 2016;
- :func:`frequency_rules` (``frequency_rules.csv``): how often sessions were held, one rule
  per sentence of fan2018 (Results: Service process);
- :data:`CATEGORIES` and :data:`PRINTED_SHARES` (``categories.csv``): the eight content
  categories of fan2018 (Results: Service contents), three with printed shares;
- :data:`VARIABLES` (``variables.csv``): the demographic variables of fan2018 Table 2 and
  fan2019 Table 1 and their registry prefixes.

Each file is validated against ``data/datapackage.json`` by :mod:`analysis.io.facts`.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analysis.io.facts import read_facts

__all__ = [
    "CATEGORIES",
    "COMMUNITIES",
    "COMMUNITY_LABEL",
    "COMMUNITY_START",
    "COMMUNITY_WAVE",
    "DAYS_PER_MONTH",
    "DAYS_PER_WEEK",
    "GROUP",
    "LISTS",
    "PERIODS",
    "PERIOD_LABEL",
    "PRINTED_SHARES",
    "VARIABLES",
    "active_weeks",
    "frequency_rules",
    "not_started",
    "period_table",
]

DAYS_PER_WEEK = 7
DAYS_PER_MONTH = 365.2425 / 12

#: Role -> group slug in registry ids (``fan2019.table1.gender_female.consumers.count``).
GROUP = {"peer": "peers", "consumer": "consumers"}

_COMMUNITIES = read_facts("communities")
#: The four communities, in the order of the papers' tables (slugs as in the record files).
COMMUNITIES = tuple(_COMMUNITIES["community"])
COMMUNITY_LABEL = dict(zip(_COMMUNITIES["community"], _COMMUNITIES["label"], strict=True))
COMMUNITY_WAVE = dict(zip(_COMMUNITIES["community"], _COMMUNITIES["wave"], strict=True))
COMMUNITY_START = {community: dt.date.fromisoformat(start) for community, start in
                   zip(_COMMUNITIES["community"], _COMMUNITIES["start"], strict=True)}

_PERIODS = read_facts("periods")
#: The periods of fan2018 Fig. 1, in order.
PERIODS = tuple(_PERIODS["period"])
#: Period -> its label in Fig. 1 ("2013 Jul-Dec").
PERIOD_LABEL = dict(zip(_PERIODS["period"], _PERIODS["label"], strict=True))

_CATEGORIES = read_facts("categories")
#: The eight content categories in the order fan2018 lists them: slug -> label.
CATEGORIES = dict(zip(_CATEGORIES["category"], _CATEGORIES["label"], strict=True))
#: Category -> registry id of the share fan2018 prints, for the top three in the order the
#: text lists them.
PRINTED_SHARES = {row.category: row.share_fan2018 for row in
                  _CATEGORIES[_CATEGORIES["top_rank"] != ""].sort_values("top_rank").itertuples()}

#: Column of the participant files -> (table, registry prefix), per paper.
VARIABLES = {paper: {row.column: (row.table, row.prefix) for row in rows.itertuples()}
             for paper, rows in read_facts("variables").groupby("paper", sort=False)}


#: Items the papers list one by one where they also print how many (``lists.csv``).
LISTS = {key: tuple(group["item"]) for key, group in read_facts("lists").groupby("list",
                                                                                sort=False)}


def period_table() -> pd.DataFrame:
    """The periods of fan2018 Fig. 1: ``period``, ``start``, ``end`` (exclusive, as dates),
    ``label``."""
    return pd.DataFrame({
        "period": _PERIODS["period"].to_numpy(),
        "start": [dt.date.fromisoformat(d) for d in _PERIODS["start"]],
        "end": [dt.date.fromisoformat(d) for d in _PERIODS["end"]],
        "label": _PERIODS["label"].to_numpy(),
    })


def active_weeks(community: str, period: str) -> float:
    """Weeks of ``period`` after ``community`` started its service (0 before it started)."""
    row = period_table().set_index("period").loc[period]
    start = max(row["start"], COMMUNITY_START[community])
    return max(0, (row["end"] - start).days) / DAYS_PER_WEEK


def frequency_rules() -> tuple[dict, ...]:
    """The stated session frequencies (``frequency_rules.csv``), one dict per rule with
    ``communities`` and ``periods`` as tuples; ``low`` and ``high`` are registry ids or the
    words ``once`` / ``twice``."""
    rules = read_facts("frequency_rules")
    return tuple(
        {**row, "communities": tuple(row["communities"].split()),
         "periods": tuple(row["periods"].split())}
        for row in rules.to_dict("records"))


def not_started(community: str, column: str) -> bool:
    """Whether ``community`` had not started its service in ``column``: a calendar year
    (``"2014"``, fan2018 Table 1) or a period of Fig. 1 (``"2014H1"``). Such a cell of a
    community x time table is zero by design (a structural zero)."""
    if column in PERIODS:
        return active_weeks(community, column) == 0
    return COMMUNITY_START[community].year > int(column)
