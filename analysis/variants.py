"""Which test produced a printed result? Every variant SPSS prints, side by side.

SPSS's Crosstabs prints, for one 2 x 2 table, the Pearson chi-square, the continuity-corrected
(Yates) chi-square, the likelihood-ratio chi-square and Fisher's exact test, each with its p.
A paper that quotes "chi2(1) = 5.53, p = 0.039" may have taken the statistic from one line and
the p from another. :func:`variants_2x2` computes every line; :func:`match_variants` says which
line reproduces the printed statistic and which the printed p (SPSS rounding).

Used for the evidence behind ``data/published/findings.csv`` (notebook ``00_registry``) and by
the analysis notebooks for every mismatch they explain.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import paths, stats
from analysis.compare import compare
from analysis.registry import read_csv_strict, stem, value

__all__ = ["finding_evidence", "finding_tables", "match_variants", "variants_2x2"]


def variants_2x2(table: object) -> pd.DataFrame:
    """Every SPSS Crosstabs test of a 2 x 2 table of counts.

    Parameters
    ----------
    table : array-like, 2 x 2
        Rows are groups, columns are outcome yes / no.

    Returns
    -------
    DataFrame
        One row per method: ``method`` (pearson, yates, likelihood_ratio, fisher),
        ``statistic``, ``df``, ``p`` at full precision (Fisher has no statistic).
    """
    counts = np.asarray(table)
    if counts.shape != (2, 2):
        raise ValueError(f"variants_2x2 needs a 2 x 2 table, got shape {counts.shape}")
    parts = {
        "pearson": stats.chi2_independence(counts, correction=False),
        "yates": stats.chi2_independence(counts, correction=True),
        "likelihood_ratio": stats.likelihood_ratio_independence(counts),
        "fisher": stats.fisher_exact(counts),
    }
    rows = [
        {
            "method": name,
            # Fisher's test has no test statistic to quote beside a df
            "statistic": np.nan if name == "fisher" else float(part["statistic"].iloc[0]),
            "df": float(part["df"].iloc[0]),
            "p": float(part["p"].iloc[0]),
        }
        for name, part in parts.items()
    ]
    return pd.DataFrame(rows, columns=["method", "statistic", "df", "p"])


def match_variants(variants: pd.DataFrame, statistic: str | None, p: str | None) -> pd.DataFrame:
    """Add ``statistic_matches`` and ``p_matches`` (SPSS rounding at the printed decimals) to
    the output of :func:`variants_2x2`, for the printed ``statistic`` and ``p`` strings."""
    out = variants.copy()
    out["statistic_matches"] = [
        bool(statistic) and not np.isnan(s) and compare(abs(s), statistic.lstrip("-"))
        for s in out["statistic"]
    ]
    out["p_matches"] = [bool(p) and compare(v, p) for v in out["p"]]
    return out


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
