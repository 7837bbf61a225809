"""Notebook 03, service content: the judged rows of fan2018 (Results: Service contents;
Fig. 2) and fan2019 (Methods: content options)."""

from __future__ import annotations

import pandas as pd

from analysis.io.design import period_table
from analysis.io.registry import rows_for, value
from analysis.printed.claims import Claims
from analysis.printed.rounding import round_half_away
from analysis.reconstruct.contents import PRINTED_SHARES, share_table

__all__ = ["CONTENT_ROWS", "content_results"]


#: Registry rows of notebook 03.
CONTENT_ROWS = [
    r"^fan2018\.abstract\.primary_topics\.",
    r"^fan2018\.results\.(?:need_categories|need_categories_2|need_categories_3|service_years|"
    r"top_categories|category_[a-z_]+|session_parts)\.",
    r"^fan2019\.methods\.(?:content_choices|content_choices_2|top_categories|content_[a-z_]+)\.",
]


def content_results(registry: pd.DataFrame, records: pd.DataFrame,
                    explanations: pd.DataFrame, percent: pd.Series | None = None) -> pd.DataFrame:
    """Every registry row of :data:`CONTENT_ROWS`, judged from the session records, or, for
    the shares, from ``percent`` by category (values read off Fig. 2) when given."""
    out = Claims(explanations)
    shares = share_table(records["category"])
    if percent is not None:
        shares["percent"] = shares["category"].map(percent).fillna(0.0).to_numpy()

    addressed = int((shares["percent"] > 0).sum())
    later = records[records["community"].isin(["xiangheyuan", "jingsong"])]
    for row_id in ("fan2018.abstract.primary_topics.activities.other",
                   "fan2018.results.need_categories.activities.other",
                   "fan2018.results.need_categories_2.activities.other",
                   "fan2018.results.need_categories_3.activities.other",
                   "fan2019.methods.content_choices_2.all.other"):
        out.add(registry, row_id, "constraint", ("categories addressed", addressed))
    out.add(registry, "fan2019.methods.content_choices.later.other", "constraint",
            ("categories addressed in the later communities", int(later["category"].nunique())))
    periods = period_table()
    out.add(registry, "fan2018.results.service_years.service.other", "derived",
            ("years from the first period's start to the last period's end",
             (periods["end"].iloc[-1] - periods["start"].iloc[0]).days / 365.2425))
    smallest = min(float(value(registry, i)) for i in PRINTED_SHARES.values())
    listed = sum(round_half_away(p, 0) >= smallest for p in shares["percent"])
    for row_id in ("fan2018.results.top_categories.activities.other",
                   "fan2019.methods.top_categories.all.other"):
        out.add(registry, row_id, "derived",
                ("categories whose share rounds to at least the third printed share", listed))
    by_category = shares.set_index("category")["percent"]
    for category, row_id in PRINTED_SHARES.items():
        method = "share read off Fig. 2" if percent is not None else "sessions / 214 x 100"
        out.add(registry, row_id, "constraint", (method, float(by_category[category])))
        twin = row_id.replace("fan2018.results.category_", "fan2019.methods.content_").replace(
            ".activities.", ".all.")
        out.add(registry, twin, "constraint", (method, float(by_category[category])))
    for row_id in rows_for(registry, CONTENT_ROWS)["id"]:
        if row_id not in out.seen:
            out.unavailable(row_id)
    return out.frame(registry, CONTENT_ROWS)
