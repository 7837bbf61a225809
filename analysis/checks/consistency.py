"""Internal consistency of the published numbers, checked from the registry alone (notebook 00).

Three families of checks, each a ``check_*(registry)`` that returns one row per checked case
with its key inputs first, then a boolean ``consistency`` column, then extras (the scrutiny
convention):

- :func:`check_sums` — the counts of a table block (e.g. Sex: Male/Female among peers) add up
  to the block's printed n.
- :func:`check_percents` — each printed percentage equals count / n x 100, rounded half away
  from zero to the printed decimals; where no count is printed beside it, that *some* integer
  count out of n gives it (GRIM for percentages).
- :func:`check_p_values` — each printed p agrees with its printed test statistic and df: the
  statistic is known only to lie within half a unit of its last printed digit, so the p that
  the interval admits is an interval too; the printed p must be the SPSS-rounded value of some
  p in it (or, for ``<0.001``, some p in it must lie below 0.001).

A check that fails because the paper itself is inconsistent is a finding, not a
transcription error: such rows are listed in ``data/published/findings.csv`` with the reason,
and :func:`unexpected` reports any failure not listed there (and any listed one that no
longer fails), which is what the tests assert is empty.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from analysis.io.annotations import load_implied
from analysis.io.registry import stem
from analysis.methods.granularity import percent_count, percent_counts
from analysis.methods.pvalues import p_interval_from_statistic
from analysis.printed.rounding import parse_printed, round_half_away

__all__ = ["all_checks", "check_p_values", "check_percents", "check_sums", "unexpected"]


def _values(registry: pd.DataFrame) -> dict[str, Decimal]:
    return {row_id: parse_printed(p).value for row_id, p in zip(
        registry["id"], registry["printed"], strict=True)}


def check_sums(registry: pd.DataFrame) -> pd.DataFrame:
    """Do the counts of each table block add up to the block's n?

    Reproduces nothing; checks e.g. Table 2 of fan2018 (Sex: 8 + 4 = 12 peers) and the column
    totals of its Table 1.

    Returns
    -------
    DataFrame
        ``block``, ``denominator``, ``printed_n``, ``consistency``, ``sum``, ``ids``
        (the block's count ids, space-separated), ``id`` (the block key again: findings of
        this check are recorded against it).
    """
    values = _values(registry)
    counts = registry[(registry["quantity"] == "count") & (registry["block"] != "")]
    rows = []
    for block, members in counts.groupby("block", sort=True):
        denominators = set(members["denominator"])
        if len(denominators) != 1 or "" in denominators:
            raise ValueError(f"block {block!r}: its counts must share one denominator, got "
                             f"{sorted(denominators)}")
        denominator = denominators.pop()
        total = sum(values[i] for i in members["id"])
        rows.append({
            "block": block,
            "denominator": denominator,
            "printed_n": str(values[denominator]),
            "consistency": total == values[denominator],
            "sum": str(total),
            "ids": " ".join(members["id"]),
            "id": block,
        })
    return pd.DataFrame(rows, columns=["block", "denominator", "printed_n", "consistency",
                                       "sum", "ids", "id"])


def check_percents(registry: pd.DataFrame) -> pd.DataFrame:
    """Does each printed percentage equal count / n x 100 at its printed decimals?

    The count is the row with the same stem and quantity ``count``; n is the percent row's
    ``denominator`` or else the count row's. Without a printed count, the check is whether
    any integer k in 0..n gives the printed percentage (GRIM for percentages).

    Returns
    -------
    DataFrame
        ``id``, ``printed``, ``count``, ``n``, ``consistency``, ``computed`` (count / n x 100
        rounded as printed, or the integer counts that fit), ``kind`` (``count`` or ``grim``).
        Percent rows with no n anywhere are left out.
    """
    values = _values(registry)
    by_id = registry.set_index("id")
    rows = []
    for _, row in registry[registry["quantity"] == "percent"].iterrows():
        count_id = stem(row["id"]) + ".count"
        denominator = row["denominator"]
        if not denominator and count_id in by_id.index:
            denominator = by_id.loc[count_id, "denominator"]
        if not denominator:
            continue
        n = values[denominator]
        decimals = int(row["decimals"])
        if n == 0:
            raise ValueError(f"{row['id']}: denominator {denominator} is zero")
        if count_id in by_id.index:
            count = values[count_id]
            rows.append({
                "id": row["id"], "printed": row["printed"], "count": str(count), "n": str(n),
                "consistency": 0 <= count <= n and percent_count(row["printed"], int(count),
                                                                 int(n)),
                "computed": str(round_half_away(count * 100 / n, decimals)), "kind": "count",
            })
        else:
            fits = percent_counts(row["printed"], int(n))
            rows.append({
                "id": row["id"], "printed": row["printed"], "count": "", "n": str(n),
                "consistency": bool(fits), "computed": " ".join(map(str, fits)),
                "kind": "grim",
            })
    return pd.DataFrame(rows, columns=["id", "printed", "count", "n", "consistency",
                                       "computed", "kind"])


def check_p_values(registry: pd.DataFrame, implied: pd.DataFrame | None = None) -> pd.DataFrame:
    """Does each printed p agree with its printed statistic and df?

    For a p row whose stem also has a ``statistic`` row, the df comes from the stem's ``df``
    row or, when the paper prints none (t tests), from ``implied.csv``. The statistic lies
    in ``printed ± 0.5 × 10^-decimals``; :func:`analysis.methods.pvalues.p_interval_from_statistic`
    turns that into ``[p_min, p_max]``. A printed point p is consistent when it lies between
    ``p_min`` and ``p_max`` rounded half away from zero at its decimals; ``<b`` when
    ``p_min < b``; ``>b`` when ``p_max > b``.

    Returns
    -------
    DataFrame
        ``id``, ``test``, ``statistic``, ``df``, ``printed``, ``consistency``, ``p_min``,
        ``p_max``, ``df_source`` (``printed`` or ``implied``). p rows without a statistic
        are left out.
    """
    implied = load_implied() if implied is None else implied
    implied_df = {
        stem(r["id"]): r["value"] for _, r in implied.iterrows() if r["quantity"] == "df"
    }
    printed = dict(zip(registry["id"], registry["printed"], strict=True))
    rows = []
    for _, row in registry[registry["quantity"] == "p"].iterrows():
        key = stem(row["id"])
        statistic = printed.get(key + ".statistic")
        if statistic is None:
            continue
        test = row["test"]
        if key + ".df" in printed:
            df, df_source = printed[key + ".df"], "printed"
        elif key in implied_df:
            df, df_source = implied_df[key], "implied"
        elif test == "z":
            df, df_source = "", "none"
        else:
            raise ValueError(f"{row['id']}: a {test} statistic with no df printed or implied "
                             "(add it to implied.csv with its reason)")
        stat = parse_printed(statistic)
        half = Decimal(5).scaleb(-stat.decimals - 1)
        p_min, p_max = p_interval_from_statistic(
            test, float(stat.value - half), float(stat.value + half),
            float(df) if df else None,
        )
        parsed = parse_printed(row["printed"])
        if parsed.bound == "<":
            consistent = p_min < parsed.value
        elif parsed.bound == ">":
            consistent = p_max > parsed.value
        else:
            low = round_half_away(p_min, parsed.decimals)
            high = round_half_away(p_max, parsed.decimals)
            consistent = low <= parsed.value <= high
        rows.append({
            "id": row["id"], "test": test, "statistic": statistic, "df": df,
            "printed": row["printed"], "consistency": bool(consistent),
            "p_min": p_min, "p_max": p_max, "df_source": df_source,
        })
    return pd.DataFrame(rows, columns=["id", "test", "statistic", "df", "printed",
                                       "consistency", "p_min", "p_max", "df_source"])


def all_checks(registry: pd.DataFrame, implied: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every internal check as one long DataFrame: ``check``, ``id``, ``consistency``."""
    parts = [
        check_sums(registry).assign(check="sum"),
        check_percents(registry).assign(check="percent"),
        check_p_values(registry, implied).assign(check="p"),
    ]
    return pd.concat([p[["check", "id", "consistency"]] for p in parts], ignore_index=True)


def unexpected(checks: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """Failures not listed as findings, and findings that no longer fail.

    Returns a DataFrame ``check``, ``id``, ``problem`` (``new failure: a transcription
    error?`` or ``listed finding now passes``); empty when the registry is as expected.
    """
    failing = {(c, i) for c, i, ok in checks[["check", "id", "consistency"]].itertuples(False)
               if not ok}
    checked = set(zip(checks["check"], checks["id"], strict=True))
    listed = set(zip(findings["check"], findings["id"], strict=True))
    rows = [{"check": c, "id": i, "problem": "new failure: a transcription error?"}
            for c, i in sorted(failing - listed)]
    rows += [{"check": c, "id": i, "problem": "listed finding now passes"}
             for c, i in sorted((listed - failing) & checked)]
    rows += [{"check": c, "id": i, "problem": "listed finding is not checked at all"}
             for c, i in sorted(listed - checked)]
    return pd.DataFrame(rows, columns=["check", "id", "problem"])
