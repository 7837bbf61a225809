"""Could the fan2019 sample be the fan2018 sample plus the people added since?"""

from __future__ import annotations

import pandas as pd

from analysis.io.registry import margins

__all__ = ["overlap_check", "overlap_sentence"]


def overlap_check(registry: pd.DataFrame) -> pd.DataFrame:
    """Could the fan2019 sample be the fan2018 sample plus the people added since?

    For each role and each variable with comparable categories (fan2018's categories merged
    into fan2019's), the fan2019 count minus the fan2018 count must be >= 0 in every
    category for the fan2018 people to be a subset. Returns one row per role, variable and
    category: ``fan2018``, ``fan2019``, ``added`` (the difference) and ``possible``.
    """
    merge = {  # fan2018 category -> fan2019 category (by meaning of the labels)
        "education": {
            "primary_school": "le_middle_school",
            "junior_high_school": "le_middle_school",
            "senior_high_school": "high_school",
            "junior_college": "some_college",
            "undergraduate_degree": "college_or_above",
            "postgraduate_degree": "college_or_above",
        },
        "marital_status": {
            "single_never_married": "never_married",
            "married": "currently_married",
            "divorced": "divorced_or_separated",
            "widowed": None,
        },
        "sex": {"male": "male", "female": "female"},
        "employed": {"yes": "yes", "no": "no"},
        "diagnosis": {"schizophrenia": "schizophrenia", "bipolar_disorder": "bipolar_disorder"},
    }
    rows = []
    for role in ("peer", "consumer"):
        for column, mapping in merge.items():
            old = margins(registry, "fan2018", column, role)
            new = margins(registry, "fan2019", column, role)
            mapped = old.groupby(old.index.map(lambda c, m=mapping: m[c] or "(no category)")).sum()
            for category in new.index.union(mapped.index, sort=False):
                a, b = int(mapped.get(category, 0)), int(new.get(category, 0))
                rows.append(
                    {
                        "role": role,
                        "variable": column,
                        "category": category,
                        "fan2018": a,
                        "fan2019": b,
                        "added": b - a,
                        "possible": b >= a,
                    }
                )
    return pd.DataFrame(rows)


def overlap_sentence(overlap: pd.DataFrame) -> str:
    """Notebook 01's verdict on :func:`overlap_check`, in words: is the fan2018 sample a subset
    of the fan2019 sample, and which categories say no."""
    short = overlap[~overlap["possible"]]
    keep = "So the package keeps **one person table per paper**, and each reproduces its own paper."
    unsaid = "the papers do not say how the samples overlap. "
    if short.empty:
        return ("Every difference is zero or positive: the 2018 people could be a subset of the "
                f"2019 people, but {unsaid}{keep}")
    names = {"peer": ("providers", "peers"), "consumer": ("consumers", "consumers")}
    parts = []
    for row in short.itertuples():
        new, old = names[row.role]
        variable = row.variable.replace("_", " ")
        if row.category == "(no category)":
            verb = "falls" if row.fan2018 == 1 else "fall"
            parts.append(f"{row.fan2018} of the 2018 {old} {verb} in a {variable} category that "
                         "the 2019 table does not have")
        else:
            parts.append(f"the 2019 {new} include {-row.added} *fewer* with {variable} "
                         f"'{row.category.replace('_', ' ')}' than the 2018 {old}")
    return ("They are not a subset: " + "; ".join(parts) + ". The categories may have been "
            f"recoded or changed between the two reports, and {unsaid}{keep}")
