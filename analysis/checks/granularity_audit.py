"""Granularity of the printed means, SDs and percentages, checked from printed numbers alone.

:func:`granularity_checks` runs GRIM, GRIMMER and percent-vs-count on every mean, SD and percentage
of the registry (n and bounds in ``data/published/granularity.csv``); :func:`explain_granularity`
says what would make an impossible value possible. :func:`consumer_rating_n` and
:func:`confidence_alternatives` are the evidence behind two findings of fan2019: the Table 4
ratings come from 41 consumers, and the providers' confidence score needs half points.
"""

from __future__ import annotations

import pandas as pd

from analysis.io.annotations import load_granularity_specs, measure_value
from analysis.io.cache import memoised
from analysis.io.questionnaire import CONSUMER_RATINGS, questions, stem_of
from analysis.io.registry import printed_text, value
from analysis.methods.granularity import (
    consistent_ns,
    grim,
    grimmer,
    grimmer_grain,
    percent_count,
    percent_count_map,
    percent_counts,
)
from analysis.methods.integer_samples import moment_pairs

__all__ = [
    "RATING_N_WINDOW",
    "confidence_alternatives",
    "confidence_facts",
    "consumer_rating_n",
    "explain_granularity",
    "granularity_checks",
    "percent_checks",
]


@memoised
def granularity_checks(registry: pd.DataFrame, specs: pd.DataFrame | None = None) -> pd.DataFrame:
    """GRIM (and GRIMMER where an SD is printed) for every mean of ``specs``, and
    percent-vs-count for every percentage of the registry with a count and a denominator.
    Returns ``id``, ``check``, ``printed``, ``n``, ``consistent``."""
    specs = load_granularity_specs() if specs is None else specs
    printed = dict(zip(registry["id"], registry["printed"], strict=True))
    rows = []
    for spec in specs.itertuples(index=False):
        n = int(value(registry, spec.n_id))
        mean = printed[spec.id]
        rows.append({"id": spec.id, "check": "GRIM", "printed": mean, "n": n,
                     "consistent": grim(mean, n)})
        if spec.sd_id:
            rows.append({"id": spec.sd_id, "check": "GRIMMER", "printed": printed[spec.sd_id],
                         "n": n, "consistent": grimmer(mean, printed[spec.sd_id], n,
                                                       int(spec.lo), int(spec.hi))})
    ids = set(registry["id"])
    for row in registry[registry["quantity"] == "percent"].itertuples(index=False):
        count_id = row.id.rsplit(".", 1)[0] + ".count"
        if count_id not in ids or not row.denominator:
            continue
        n, count = int(value(registry, row.denominator)), int(value(registry, count_id))
        if not 0 <= count <= n:
            continue
        rows.append({"id": row.id, "check": "percent", "printed": row.printed, "n": n,
                     "consistent": percent_count(row.printed, count, n)})
    return pd.DataFrame(rows).drop_duplicates("id", keep="first").reset_index(drop=True)


def explain_granularity(checks: pd.DataFrame, registry: pd.DataFrame,
                        specs: pd.DataFrame | None = None, spread: int = 12) -> pd.DataFrame:
    """For each failing granularity check, what would make the printed value possible, from
    the printed numbers alone: other n within ``spread`` of the printed one (GRIM, with the
    SD where printed), half-point answers, or, for a percentage, the counts that would round
    to it. Adds ``explanation``."""

    specs = load_granularity_specs() if specs is None else specs
    printed = dict(zip(registry["id"], registry["printed"], strict=True))
    notes = []
    for row in checks.itertuples(index=False):
        if row.consistent:
            notes.append("")
            continue
        if row.check == "percent":
            fits = percent_counts(row.printed, row.n)
            notes.append(f"no count of {row.n} rounds to {row.printed}%" if not fits
                         else f"counts that fit: {fits}")
            continue
        key = "id" if row.check == "GRIM" else "sd_id"
        spec = specs[specs[key] == row.id].iloc[0]
        mean = printed[row.id] if row.check == "GRIM" else printed[spec["id"]]
        sd = printed.get(spec["sd_id"], "") if spec["sd_id"] else ""
        lo, hi = int(spec["lo"]), int(spec["hi"])
        ns = consistent_ns(mean, max(2, row.n - spread), row.n + spread)
        if sd:
            ns = [n for n in ns if grimmer(mean, sd, n, lo, hi)]
        half = bool(sd) and bool(grimmer_grain(mean, sd, row.n, lo, hi, 2))
        if not sd:
            half = grim(mean, row.n, 2)
        parts = [f"possible with n = {ns}" if ns else f"no n within {spread} of {row.n}"]
        if half:
            parts.append(f"or with {row.n} half-point answers")
        notes.append("; ".join(parts))
    return checks.assign(explanation=notes)


#: The n :func:`consumer_rating_n` tries: wide enough around the printed 42 to show that only
#: one n fits (a window, not a fact of the paper).
RATING_N_WINDOW = (30, 60)


def consumer_rating_n(registry: pd.DataFrame, low: int = RATING_N_WINDOW[0],
                      high: int = RATING_N_WINDOW[1]) -> pd.DataFrame:
    """For each consumer rating of fan2019 Table 4, the n (``low`` to ``high``) whose integer
    answers can give the printed mean (GRIM) and, with the mean, the printed SD (GRIMMER):
    ``question``, ``mean``, ``sd``, ``grim_ns``, ``grimmer_ns``."""
    rows = []
    for question in CONSUMER_RATINGS:
        stem = stem_of("fan2019", question, "consumer")
        mean, sd = printed_text(registry, f"{stem}.mean"), printed_text(registry, f"{stem}.sd")
        grim_ns = consistent_ns(mean, low, high)
        rows.append({"question": question, "mean": mean, "sd": sd, "grim_ns": grim_ns,
                     "grimmer_ns": [n for n in grim_ns
                                    if not moment_pairs(n, mean, sd, 1, 5).empty]})
    return pd.DataFrame(rows)


def confidence_facts(registry: pd.DataFrame, spread: int = 4) -> dict:
    """What would make the providers' printed confidence score (fan2019 Table 2, 0-10)
    possible: ``n``, the scale ``lo``-``hi``, the printed ``mean`` and ``sd``; ``ns``, the n
    within ``spread`` of the printed n (``n_from`` to ``n_to``) whose whole-number answers
    give the mean (GRIM), ``ns_sd`` those that also give the SD (GRIMMER), and ``half``, the
    (sum, sum of squares) in half points of the printed n that give both."""
    stem = stem_of("fan2019", "confidence", "peer")
    mean, sd = printed_text(registry, f"{stem}.mean"), printed_text(registry, f"{stem}.sd")
    n = int(measure_value(registry, "providers_interviewed"))
    catalogue = questions().set_index(["role", "question"])
    lo, hi = (int(catalogue.loc[("peer", "confidence"), end]) for end in ("lo", "hi"))
    n_from, n_to = max(2, n - spread), n + spread
    ns = consistent_ns(mean, n_from, n_to)
    return {"n": n, "lo": lo, "hi": hi, "mean": mean, "sd": sd, "n_from": n_from,
            "n_to": n_to, "ns": ns, "ns_sd": [k for k in ns if grimmer(mean, sd, k, lo, hi)],
            "half": grimmer_grain(mean, sd, n, lo, hi, 2)}


def confidence_alternatives(registry: pd.DataFrame, spread: int = 4) -> pd.DataFrame:
    """:func:`confidence_facts` as a table: each alternative and the values for which it
    works."""
    found = confidence_facts(registry, spread)
    return pd.DataFrame({
        "alternative": [f"whole numbers, n from {found['n_from']} to {found['n_to']}: mean",
                        "the same n: mean and SD",
                        f"{found['n']} answers in half points: (sum, sum of squares) in half "
                        "points"],
        "works": [found["ns"], found["ns_sd"], found["half"]],
    })


def percent_checks(registry: pd.DataFrame, selection: pd.DataFrame) -> pd.DataFrame:
    """Every printed percentage of ``selection`` against its printed count and denominator
    (the registry's ``denominator`` column): :func:`analysis.methods.granularity.percent_count_map`
    with ``id`` and the whole-number counts that would round to the printed percentage."""

    rows = []
    ids = set(registry["id"])
    for row in selection[selection["quantity"] == "percent"].itertuples(index=False):
        count_id = row.id.rsplit(".", 1)[0] + ".count"
        if count_id not in ids or not row.denominator:
            continue
        n = int(value(registry, row.denominator))
        rows.append({"percent": row.printed, "count": int(value(registry, count_id)), "n": n,
                     "id": row.id, "counts_that_fit": percent_counts(row.printed, n)})
    return percent_count_map(pd.DataFrame(rows))
