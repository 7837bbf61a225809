"""Design counts: numbers the papers print about their own design, checked against what the
text itself names.

- A count of things the text lists one by one (five domains, three parts of a session, six
  questions for caregivers) is the length of its list in ``data/design/lists.csv``: the rows
  whose ``measure`` is ``list.<name>`` (``data/published/stages.csv``).
- A count of communities (four; two initial, two later; the two evaluated in 2014) is the
  number of communities ``data/design/communities.csv`` gives that wave, from the sentence
  that names them.

Both are computed from printed facts only (role ``printed``, evidence ``published``): they
show that the text agrees with itself, not that any data were reproduced.
"""

from __future__ import annotations

from analysis.io.design import COMMUNITY_WAVE, LISTS, period_table
from analysis.printed.claims import Claims

__all__ = ["LIST", "judge_community_counts", "judge_listed_counts", "judge_service_years",
           "judge_wave_count"]

#: Measure prefix of a row that prints the length of a list.
LIST = "list."


def judge_listed_counts(claims: Claims) -> None:
    """Judge every row of ``claims`` that prints the length of a list."""
    keys = sorted({m for m in claims.rows["measure"] if m.startswith(LIST)})
    for key in keys:
        name = key.removeprefix(LIST)
        if name not in LISTS:
            raise KeyError(f"measure {key!r}: no list {name!r} in data/design/lists.csv")
        claims.measure(key, "printed", ("items the text lists (data/design/lists.csv)",
                                        len(LISTS[name])))


def judge_community_counts(claims: Claims, measures: dict[str, str | None]) -> None:
    """Judge the rows of each measure in ``measures`` (measure -> wave, or None for all
    communities) by the communities ``data/design/communities.csv`` names."""
    for key, wave in measures.items():
        named = [c for c, w in COMMUNITY_WAVE.items() if wave is None or w == wave]
        label = "communities the text names" + (f" for the {wave} wave" if wave else "")
        claims.measure(key, "printed", (f"{label} (data/design/communities.csv)", len(named)))


def judge_wave_count(claims: Claims, key: str) -> None:
    """Judge the rows of measure ``key`` (the groups compared: the waves) by the number of
    waves ``data/design/communities.csv`` gives."""
    waves = sorted(set(COMMUNITY_WAVE.values()))
    claims.measure(key, "printed", ("waves the text names (data/design/communities.csv)",
                                    len(waves)))


def judge_service_years(claims: Claims) -> None:
    """Judge the rows of measure ``service_years`` (three years of service) by the span of
    the six-month periods of ``data/design/periods.csv``."""
    periods = period_table()
    claims.measure("service_years", "printed", (
        "years from the first period's start to the last period's end (data/design/"
        "periods.csv)", (periods["end"].iloc[-1] - periods["start"].iloc[0]).days / 365.2425))
