"""Service content: the eight activity categories of fan2018 Fig. 2 (and fan2019 Methods).

Only the top three shares are printed (fine motor skill practice and exercise 19%, daily
life skills study 16%, emotional support 15%); the other five are drawn in Fig. 2 but never
printed. With 214 sessions and one category per session, a printed whole percent allows two
or three counts; the other five categories are each at least 1 ("each of the eight
categories had been addressed") and below the third printed count ("the top three"). This
module enumerates every count vector meeting those constraints (:func:`category_vectors`
counts them exactly and gives each category's range), chooses one
(:func:`choose_counts`), and checks shares read off a figure (:func:`check_shares`).
"""

from __future__ import annotations

import itertools
from functools import cache

import pandas as pd

from analysis.io.design import CATEGORIES, PRINTED_SHARES
from analysis.io.registry import value
from analysis.methods.allocation import apportion
from analysis.methods.granularity import percent_counts
from analysis.printed.rounding import parse_printed, round_half_away

__all__ = [
    "category_vectors",
    "check_shares",
    "choose_counts",
    "share_table",
    "top_categories",
]




@cache
def _compositions(parts: int, total: int, low: int, high: int) -> int:
    """Number of ordered ways to write ``total`` as ``parts`` integers in ``[low, high]``."""
    if parts == 0:
        return int(total == 0)
    return sum(_compositions(parts - 1, total - v, low, high)
               for v in range(low, min(high, total) + 1))


def category_vectors(registry: pd.DataFrame, total: int) -> tuple[int, pd.DataFrame]:
    """Count every vector of category counts consistent with the text, and each category's
    range.

    Constraints: the printed categories' counts round to their printed percentages; the
    others are each between 1 and one less than the smallest printed count; all sum to
    ``total``. Returns the exact number of vectors and a DataFrame with one row per category:
    ``category``, ``printed`` (the printed percent or ""), ``min_count``, ``max_count``,
    ``min_percent``, ``max_percent``.
    """
    printed = {c: registry.loc[registry["id"] == i, "printed"].iloc[0]
               for c, i in PRINTED_SHARES.items()}
    options = {c: percent_counts(p, total) for c, p in printed.items()}
    others = [c for c in CATEGORIES if c not in printed]
    number = 0
    low = dict.fromkeys(CATEGORIES, total)
    high = dict.fromkeys(CATEGORIES, 0)
    for combination in itertools.product(*options.values()):
        rest = total - sum(combination)
        ceiling = min(combination) - 1
        ways = _compositions(len(others), rest, 1, ceiling)
        if ways == 0:
            continue
        number += ways
        for category, count in zip(printed, combination, strict=True):
            low[category], high[category] = min(low[category], count), max(high[category], count)
        least = max(1, rest - (len(others) - 1) * ceiling)
        most = min(ceiling, rest - (len(others) - 1))
        for category in others:
            low[category], high[category] = min(low[category], least), max(high[category], most)
    rows = [{"category": c, "label": label, "printed": printed.get(c, ""),
             "min_count": low[c], "max_count": high[c],
             "min_percent": 100 * low[c] / total, "max_percent": 100 * high[c] / total}
            for c, label in CATEGORIES.items()]
    return number, pd.DataFrame(rows)


def choose_counts(registry: pd.DataFrame, total: int) -> pd.Series:
    """The reconstruction's category counts: each printed category gets the count closest
    to its printed percentage of ``total`` (the lower on a tie); the rest is split as evenly
    as integers allow among the other categories, in the order of :data:`CATEGORIES`."""
    counts = {}
    for category, row_id in PRINTED_SHARES.items():
        target = float(value(registry, row_id)) * total / 100
        options = percent_counts(registry.loc[registry["id"] == row_id, "printed"].iloc[0], total)
        counts[category] = min(options, key=lambda k: (abs(k - target), k))
    others = [c for c in CATEGORIES if c not in counts]
    rest = apportion(total - sum(counts.values()), pd.Series(1, index=others))
    counts.update(rest.to_dict())
    return pd.Series({c: int(counts[c]) for c in CATEGORIES}, name="sessions")


def share_table(categories: pd.Series) -> pd.DataFrame:
    """Sessions and percentage per category, sorted by share (fan2018 Fig. 2), from a
    Series of one category per session."""
    counts = categories.value_counts().reindex(list(CATEGORIES), fill_value=0)
    frame = pd.DataFrame({"category": counts.index, "label": [CATEGORIES[c] for c in counts.index],
                          "sessions": counts.to_numpy()})
    frame["percent"] = 100 * frame["sessions"] / frame["sessions"].sum()
    return frame.sort_values(["sessions", "category"], ascending=[False, True],
                             kind="stable").reset_index(drop=True)


def top_categories(table: pd.DataFrame, number: int = 3) -> list[str]:
    """The ``number`` most frequent categories of a :func:`share_table` table."""
    return table["category"].head(number).tolist()


def check_shares(percent: pd.Series, registry: pd.DataFrame) -> pd.DataFrame:
    """Check category percentages (e.g. read off Fig. 2) against the text: every category
    present and positive, the printed three rounding to their printed values and being the
    top three, and the total near 100. Returns ``check``, ``expected``, ``observed``, ``ok``."""
    rows = []
    missing = [c for c in CATEGORIES if c not in percent.index]
    rows.append({"check": "all eight categories present", "expected": "8",
                 "observed": str(len(CATEGORIES) - len(missing)), "ok": not missing})
    present = percent.reindex(list(CATEGORIES)).fillna(0)
    rows.append({"check": "every category addressed (share > 0)", "expected": "> 0",
                 "observed": f"{present.min():g}", "ok": bool((present > 0).all())})
    for category, row_id in PRINTED_SHARES.items():
        printed = registry.loc[registry["id"] == row_id, "printed"].iloc[0]
        decimals = parse_printed(printed).decimals
        shown = round_half_away(float(present[category]), decimals)
        rows.append({"check": f"{category} share", "expected": printed,
                     "observed": str(shown), "ok": shown == parse_printed(printed).value})
    top = present.sort_values(ascending=False).index[: len(PRINTED_SHARES)]
    rows.append({"check": "the printed categories are the top three",
                 "expected": ", ".join(sorted(PRINTED_SHARES)), "observed": ", ".join(sorted(top)),
                 "ok": set(top) == set(PRINTED_SHARES)})
    tolerance = 0.5 * len(CATEGORIES)
    rows.append({"check": "shares sum to 100 (within rounding)", "expected": "100",
                 "observed": f"{present.sum():g}",
                 "ok": abs(present.sum() - 100) <= tolerance})
    return pd.DataFrame(rows)
