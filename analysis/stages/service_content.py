"""Notebook 03, service content: every printed number of fan2018 (Results: Service contents;
Fig. 2) and fan2019 (Methods: content options) judged against the session records, or, for
the shares, against values read off Fig. 2 when given.

Handlers: :func:`judge_categories_addressed` (how many categories were offered and used) and
:func:`judge_category_shares` (the top three and their printed shares, in both papers);
:func:`results` runs them.
"""

from __future__ import annotations

import pandas as pd

from analysis.evidence.levels import judged
from analysis.io.annotations import stage_rows
from analysis.io.design import PRINTED_SHARES
from analysis.io.facts import read_facts
from analysis.printed.claims import Claims
from analysis.reconstruct.contents import share_table
from analysis.stages.design_counts import judge_listed_counts, judge_service_years

__all__ = ["STAGE", "judge_categories_addressed", "judge_category_shares", "results"]

STAGE = "03_service_content"


def judge_categories_addressed(claims: Claims, records: pd.DataFrame, shares: pd.DataFrame) -> None:
    """fan2018 Abstract and Results, fan2019 Methods: the eight categories, each addressed
    during the three years of service (and in the later communities)."""
    claims.measure("categories_addressed", "constraint",
                   ("categories addressed", int((shares["percent"] > 0).sum())))
    later = records[records["community"].isin(["xiangheyuan", "jingsong"])]
    claims.measure("categories_later", "constraint", (
        "categories addressed in the later communities", int(later["category"].nunique())))
    judge_service_years(claims)


def judge_category_shares(claims: Claims, registry: pd.DataFrame, shares: pd.DataFrame,
                    digitised: bool) -> None:
    """fan2018 Results (and fan2019 Methods): the top three categories and their shares."""
    ranked = read_facts("categories")["top_rank"] != ""
    claims.measure("top_categories", "printed", (
        "categories the text names as the most popular (data/design/categories.csv)",
        int(ranked.sum())))
    by_category = shares.set_index("category")["percent"]
    method = "share read off Fig. 2" if digitised else "sessions / 214 x 100"
    printed = read_facts("categories").set_index("category")
    for category in PRINTED_SHARES:
        for paper in ("fan2018", "fan2019"):
            claims.add(printed.loc[category, f"share_{paper}"], "constraint",
                       (method, float(by_category[category])))


def results(registry: pd.DataFrame, records: pd.DataFrame, explanations: pd.DataFrame,
            percent: pd.Series | None = None, real_data: bool = False) -> pd.DataFrame:
    """Every registry row of this stage, judged from the session records, or, for the
    shares, from ``percent`` by category (values read off Fig. 2) when given."""
    claims = Claims(stage_rows(registry, STAGE), explanations)
    shares = share_table(records["category"])
    if percent is not None:
        shares["percent"] = shares["category"].map(percent).fillna(0.0).to_numpy()
    judge_categories_addressed(claims, records, shares)
    judge_category_shares(claims, registry, shares, percent is not None)
    judge_listed_counts(claims)
    return judged(claims, registry, real_data)
