"""Every value that can be recomputed from printed numbers alone, without any record.

:func:`printed_values` maps a registry id to the values that printed numbers give it, each
with a description:

- a percentage from its printed count and n (``count / n x 100``);
- an n from the printed counts of a table block that add up to it;
- a test's statistic, df and p from its printed inputs (``data/published/test_inputs.csv``,
  :mod:`analysis.evidence.recomputed_tests`), under every test variant a reader could have used.

:func:`analysis.evidence.levels.assign` calls a row ``published`` when one of these equals the
value the stage computed from records: the same number then needs no reconstruction.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pandas as pd

from analysis.evidence.recomputed_tests import values_from_tests
from analysis.io.registry import stem
from analysis.printed.rounding import parse_printed

__all__ = ["block_sums", "percent_values", "printed_values"]


def _values(registry: pd.DataFrame) -> dict[str, Decimal]:
    return {row_id: parse_printed(text).value
            for row_id, text in zip(registry["id"], registry["printed"], strict=True)}


def percent_values(registry: pd.DataFrame) -> dict[str, list[tuple[str, float]]]:
    """Each printed percentage whose count is printed beside it (same stem) and whose n is
    printed (its ``denominator``, or the count's): ``count / n x 100`` (the check of notebook
    00, :func:`analysis.checks.consistency.check_percents`, without the rounding)."""
    values = _values(registry)
    by_id = registry.set_index("id")
    out: dict[str, list[tuple[str, float]]] = {}
    for row_id, denominator in zip(registry["id"], registry["denominator"], strict=True):
        if by_id.loc[row_id, "quantity"] != "percent":
            continue
        count_id = stem(row_id) + ".count"
        if count_id not in by_id.index:
            continue
        denominator = denominator or by_id.loc[count_id, "denominator"]
        if not denominator or values[denominator] == 0:
            continue
        count, n = values[count_id], values[denominator]
        out[row_id] = [(f"count / n x 100 = {count} / {n} x 100 (both printed)",
                        float(count * 100 / n))]
    return out


def block_sums(registry: pd.DataFrame) -> dict[str, list[tuple[str, float]]]:
    """Each printed n that is the denominator of a table block: the sum of the block's
    printed counts (e.g. fan2018 Table 2, peers: 8 men + 4 women = 12)."""
    values = _values(registry)
    counts = registry[(registry["quantity"] == "count") & (registry["block"] != "")]
    out: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for block, members in counts.groupby("block", sort=True):
        denominators = set(members["denominator"]) - {""}
        if len(denominators) != 1:
            continue
        total = sum(values[i] for i in members["id"])
        out[denominators.pop()].append(
            (f"sum of the {len(members)} printed counts of block {block}", float(total)))
    return dict(out)


def printed_values(registry: pd.DataFrame) -> dict[str, list[tuple[str, float]]]:
    """Registry id -> ``[(description, value), ...]``: everything printed numbers alone give
    each row (percentages, block sums, tests)."""
    out: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for part in (percent_values(registry), block_sums(registry), values_from_tests(registry)):
        for row_id, found in part.items():
            out[row_id].extend(found)
    return dict(out)
