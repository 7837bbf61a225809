"""The evidence behind the p-value findings of ``data/published/findings.csv`` (notebook 00):
each finding's 2 x 2 table rebuilt from printed counts, and every SPSS test of it."""

from __future__ import annotations

import pandas as pd

from analysis.io import paths
from analysis.io.files import read_csv_strict
from analysis.io.registry import stem, value
from analysis.methods.variants import match_variants, variants_2x2

__all__ = ["finding_evidence", "finding_tables"]


def finding_tables(registry: pd.DataFrame, path: object = None) -> dict[str, pd.DataFrame]:
    """The 2 x 2 tables behind the p-value findings, built from registry counts.

    ``data/published/finding_tables.csv`` names, for each finding, its two rows with the
    registry ids of the count ("yes") and of the n it is out of. Returns ``{finding_id:
    DataFrame(index=row label, columns=[yes, no])}``.
    """
    spec = read_csv_strict(
        paths.PUBLISHED / "finding_tables.csv" if path is None else path,
        ["finding_id", "row", "count_id", "n_id"],
    )
    tables = {}
    for finding, rows in spec.groupby("finding_id", sort=False):
        yes = [int(value(registry, i)) for i in rows["count_id"]]
        n = [int(value(registry, i)) for i in rows["n_id"]]
        tables[finding] = pd.DataFrame(
            {"yes": yes, "no": [t - y for y, t in zip(yes, n, strict=True)]},
            index=pd.Index(rows["row"].tolist(), name="group"),
        )
    return tables


def finding_evidence(registry: pd.DataFrame, path: object = None) -> pd.DataFrame:
    """For each p-value finding of ``findings.csv``: every SPSS test of its 2 x 2 table (from
    the printed counts, :func:`finding_tables`), and whether it gives the printed statistic
    and the printed p. Long format: ``finding``, ``table``, ``method``, ``statistic``, ``p``,
    ``printed_statistic``, ``printed_p``, ``statistic_matches``, ``p_matches``."""
    printed = dict(zip(registry["id"], registry["printed"], strict=True))
    parts = []
    for finding, table in finding_tables(registry, path).items():
        statistic = printed.get(stem(finding) + ".statistic")
        tried = match_variants(variants_2x2(table.to_numpy()), statistic, printed[finding])
        described = " / ".join(f"{g}: {r.yes} of {r.yes + r.no}" for g, r in table.iterrows())
        parts.append(
            tried.assign(
                finding=finding,
                table=described,
                printed_statistic=statistic,
                printed_p=printed[finding],
            )
        )
    columns = [
        "finding",
        "table",
        "method",
        "statistic",
        "p",
        "printed_statistic",
        "printed_p",
        "statistic_matches",
        "p_matches",
    ]
    return pd.concat(parts, ignore_index=True)[columns]
