"""Outcomes: satisfaction and perceived benefit, summarised and tested from interview-level data.

fan2018 (Results: Service satisfaction, Service perceived benefit; Abstract) reports yes/no
answers of consumers, caregivers and peers of the first two communities in December 2014,
each with a chi-square(1). fan2019 (Tables 2-4; Results: Peer service providers, Consumers,
Caregivers) reports yes/no answers, 1-5 ratings (mean, SD), a 0-10 confidence score, and
comparisons of initial with later communities and of providers with consumers.
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.io.annotations import measure_value
from analysis.io.questionnaire import (
    CONSUMER_RATINGS,
    FAN2018_QUESTIONS,
    PROVIDER_RATINGS,
    T_TESTS,
    TABLE3_ITEMS,
    questions,
    stem_of,
)
from analysis.io.registry import printed_text
from analysis.methods.contingency import (
    chi2_goodness_of_fit,
    chi2_independence,
    fisher_exact,
    reports_exact_p,
)
from analysis.methods.integer_samples import count_vectors, moment_pairs, rating_splits
from analysis.methods.pvalues import p_adjust
from analysis.methods.two_groups import ttest_ind
from analysis.printed.compare import compare, rounded_as_printed
from analysis.printed.rounding import format_half_away
from analysis.printed.significance import ALPHA
from analysis.reconstruct.interview_records import rounds_to

__all__ = [
    "FAN2018_VARIANTS",
    "adjust",
    "benefit_comparisons",
    "fan2018_readings",
    "fan2018_tests",
    "item_labels",
    "layout",
    "p_label",
    "rating_freedom",
    "rating_items",
    "respondents",
    "summarise",
    "t_freedom",
    "wave_comparisons",
    "wave_ratings",
]


def summarise(interviews: pd.DataFrame) -> pd.DataFrame:
    """Per paper, question, role and wave (and "all"): ``n`` (answers given), ``yes``,
    ``percent``, ``mean``, ``sd`` (ratings), from the interview records."""
    answered = interviews[interviews["answer"] != ""]
    frames = []
    for wave_key, data in (("all", answered), *answered.groupby("wave")):
        for (paper, question, role, kind), group in data.groupby(
                ["paper", "question", "role", "kind"], sort=False):
            row = {"paper": paper, "question": question, "role": role, "kind": kind,
                   "wave": wave_key, "n": len(group)}
            if kind == "yes_no":
                row["yes"] = int((group["answer"] == "yes").sum())
                row["percent"] = 100 * row["yes"] / row["n"]
            else:
                values = group["answer"].astype(int)
                row["mean"], row["sd"] = float(values.mean()), float(values.std(ddof=1))
            frames.append(row)
    return pd.DataFrame(frames)


def fan2018_tests(interviews: pd.DataFrame) -> pd.DataFrame:
    """fan2018's chi-square(1) tests, recomputed every way the text allows: goodness of fit
    against an equal split of yes and no, on all respondents (as the percentages are) or on
    those assessed only, with and without Yates' correction. One row per question."""
    rows = []
    data = interviews[interviews["paper"] == "fan2018"]
    for question, role in FAN2018_QUESTIONS.items():
        group = data[data["question"] == question]
        yes = int((group["answer"] == "yes").sum())
        everyone, assessed = len(group), int((group["answer"] != "").sum())
        row = {"question": question, "role": role, "yes": yes, "n_all": everyone,
               "n_assessed": assessed, "percent_all": 100 * yes / everyone}
        for label, n in (("all", everyone), ("assessed", assessed)):
            test = chi2_goodness_of_fit([yes, n - yes]).iloc[0]
            row[f"chi2_{label}"], row[f"p_{label}"] = float(test["statistic"]), float(test["p"])
            corrected = (abs(2 * yes - n) - 1) ** 2 / n
            row[f"chi2_{label}_yates"] = corrected
            row[f"p_{label}_yates"] = float(math.erfc(math.sqrt(corrected / 2)))
        rows.append(row)
    return pd.DataFrame(rows)


#: fan2018's variants of each chi-square(1), as columns of :func:`fan2018_tests`.
FAN2018_VARIANTS = {"all": "chi2_all", "all, Yates": "chi2_all_yates",
                    "assessed": "chi2_assessed", "assessed, Yates": "chi2_assessed_yates"}


def fan2018_readings(tests: pd.DataFrame, registry: pd.DataFrame) -> pd.DataFrame:
    """Which variant of :func:`fan2018_tests` gives each printed chi-square of fan2018
    (Results: *Satisfaction*; SPSS rounding at the printed decimals): ``variants`` (those
    that do), ``digits_off`` (how many printed digits the statistic on the assessed differs
    by, when the same length), ``p_fits`` (that variant's p matches the printed p), and
    ``copied_from`` (another question whose statistic and p are the printed ones)."""
    rows = []
    for row in tests.itertuples():
        key = f"fan2018.results.{row.question}.{row.role}s"
        statistic = printed_text(registry, f"{key}.statistic")
        p = printed_text(registry, f"{key}.p")
        variants = [name for name, column in FAN2018_VARIANTS.items()
                    if compare(getattr(row, column), statistic)]
        shown = rounded_as_printed(row.chi2_assessed, statistic)
        off = sum(a != b for a, b in zip(shown, statistic, strict=False)) if len(shown) == len(
            statistic) else None
        copied = [other.question for other in tests.itertuples() if other.question != row.question
                  and compare(other.chi2_assessed, statistic) and compare(other.p_assessed, p)]
        rows.append({"question": row.question, "role": row.role, "yes": row.yes,
                     "n_all": row.n_all, "n_assessed": row.n_assessed,
                     "printed_statistic": statistic, "printed_p": p,
                     "variants": variants, "assessed_statistic": shown, "digits_off": off,
                     "p_fits": compare(row.p_assessed, p),
                     "copied_from": copied[0] if copied and not variants else ""})
    return pd.DataFrame(rows)


def adjust(frame: pd.DataFrame, column: str, method: str) -> pd.DataFrame:
    """Add ``p_adjusted`` (``column`` corrected for the tests of ``frame``: "bonferroni",
    "holm" or "none") and ``significant`` (adjusted p below
    :data:`analysis.printed.significance.ALPHA`)."""
    if method not in ("bonferroni", "holm", "none"):
        raise ValueError(f"method must be 'bonferroni', 'holm' or 'none', not {method!r}")
    out = frame.copy()
    if method == "none":
        out["p_adjusted"] = out[column]
    else:
        out["p_adjusted"] = p_adjust(out[column].to_numpy(), method)["p_adjusted"].to_numpy()
    out["significant"] = out["p_adjusted"] < ALPHA
    return out


def benefit_comparisons(interviews: pd.DataFrame, method: str = "bonferroni",
                        exact_p: str = "never") -> pd.DataFrame:
    """fan2019 Table 3: providers vs consumers on each perceived-benefit item (Pearson
    chi-square, and Fisher's exact p), with ``p`` the Pearson p or Fisher's as the policy
    ``exact_p`` says (:func:`analysis.methods.contingency.reports_exact_p`), adjusted for the
    14 tests (``method``: "bonferroni", "holm" or "none")."""
    data = interviews[(interviews["paper"] == "fan2019") & (interviews["answer"] != "")]
    rows = []
    for question in TABLE3_ITEMS:
        group = data[data["question"] == question]
        table = pd.crosstab(group["role"], group["answer"]).reindex(
            index=["peer", "consumer"], columns=["yes", "no"], fill_value=0)
        test = chi2_independence(table.to_numpy()).iloc[0]
        rows.append({"question": question,
                     "providers_yes": int(table.loc["peer", "yes"]),
                     "consumers_yes": int(table.loc["consumer", "yes"]),
                     "chi2": float(test["statistic"]), "p_pearson": float(test["p"]),
                     "p_fisher": float(fisher_exact(table.to_numpy()).iloc[0]["p"]),
                     "exact": reports_exact_p(exact_p, test["min_expected"] < 5, True)})
    out = pd.DataFrame(rows)
    out["p"] = out["p_fisher"].where(out.pop("exact"), out["p_pearson"])
    return adjust(out, "p", method)


def p_label(exact_p: str) -> str:
    """Which p a :func:`benefit_comparisons` table holds under the policy ``exact_p``."""
    return {"never": "Pearson", "always": "Fisher exact"}.get(
        exact_p, "Fisher exact (an expected count below 5) or Pearson")


def wave_ratings(interviews: pd.DataFrame, method: str = "bonferroni") -> pd.DataFrame:
    """fan2019 consumers, initial vs later communities, on each rating: Welch t and p (the
    test the paper's printed t values turn out to be), adjusted for the ratings compared."""
    waves = wave_comparisons(interviews, "consumer")
    waves = waves[waves["kind"] != "yes_no"].reset_index(drop=True)
    return adjust(waves, "p_welch", method)


def rating_freedom(items: pd.DataFrame) -> pd.DataFrame:
    """How many samples fit each rating item: ``question``, ``n``, ``mean``, ``sd``, ``lo``,
    ``hi``, ``pairs`` ((sum, sum of squares) pairs), ``samples`` (distinct multisets)."""
    rows = []
    for item in items.itertuples(index=False):
        pairs = moment_pairs(int(item.n), item.mean, item.sd, int(item.lo), int(item.hi))
        samples = sum(len(count_vectors(int(item.n), int(p["sum"]), int(p["sumsq"]),
                                        int(item.lo), int(item.hi)))
                      for _, p in pairs.iterrows())
        rows.append({**item._asdict(), "pairs": len(pairs), "samples": samples})
    return pd.DataFrame(rows)


def t_freedom(registry: pd.DataFrame, n: int, second: int) -> pd.DataFrame:
    """For each printed initial-vs-later t of fan2019 (Results: Consumers), over every sample
    and split: how many splits there are, the range of the pooled and Welch t, and how many
    reproduce the printed t under each."""
    rows = []
    for question, stem in T_TESTS.items():
        rating = stem_of("fan2019", question, "consumer")
        mean = printed_text(registry, f"{rating}.mean")
        sd = printed_text(registry, f"{rating}.sd")
        printed = printed_text(registry, f"{stem}.statistic")
        splits = rating_splits(n, mean, sd, 1, 5, second)
        rows.append({
            "question": question, "n": n, "later": second, "printed_t": printed,
            "splits": len(splits),
            "pooled_min": splits["t_pooled"].min(), "pooled_max": splits["t_pooled"].max(),
            "pooled_matching": int(rounds_to(splits["t_pooled"], printed).sum()),
            "welch_min": splits["t_welch"].min(), "welch_max": splits["t_welch"].max(),
            "welch_matching": int(rounds_to(splits["t_welch"], printed).sum()),
        })
    return pd.DataFrame(rows)


def wave_comparisons(interviews: pd.DataFrame, role: str) -> pd.DataFrame:
    """Initial vs later communities for every fan2019 question asked of ``role``: t tests
    (pooled and Welch) for ratings and scores, Pearson chi-square and Fisher's exact test
    for yes/no answers (where both answers occur)."""
    import warnings


    data = interviews[(interviews["paper"] == "fan2019") & (interviews["role"] == role)
                      & (interviews["answer"] != "")]
    rows = []
    for (question, kind), group in data.groupby(["question", "kind"], sort=False):
        if kind == "yes_no":
            table = pd.crosstab(group["wave"], group["answer"])
            if table.shape != (2, 2):
                continue
            rows.append({"question": question, "kind": kind, "test": "chi2",
                         "statistic": float(chi2_independence(table.to_numpy()).iloc[0][
                             "statistic"]),
                         "p": float(chi2_independence(table.to_numpy()).iloc[0]["p"]),
                         "p_exact": float(fisher_exact(table.to_numpy()).iloc[0]["p"])})
        else:
            first = group.loc[group["wave"] == "initial", "answer"].astype(int).to_numpy()
            second = group.loc[group["wave"] == "later", "answer"].astype(int).to_numpy()
            with warnings.catch_warnings():
                # a group with one answer only (all 4s): t is undefined, reported as NaN
                warnings.simplefilter("ignore", RuntimeWarning)
                pooled = ttest_ind(first, second).iloc[0]
                welch = ttest_ind(first, second, equal_var=False).iloc[0]
            rows.append({"question": question, "kind": kind, "test": "t",
                         "statistic": float(pooled["statistic"]), "p": float(pooled["p"]),
                         "welch": float(welch["statistic"]), "p_welch": float(welch["p"]),
                         "mean_initial": float(first.mean()), "mean_later": float(second.mean())})
    return pd.DataFrame(rows)


def layout(summary: pd.DataFrame, paper: str, role: str, items: list[str],
           wave: str = "all") -> pd.DataFrame:
    """Rows ``items`` of a :func:`summarise` table as the papers print them: ``item``,
    ``n``, ``N (%)`` for yes/no answers (whole percent), ``Mean (SD)`` for ratings (2 and 3
    decimals, as fan2019 Tables 2 and 4)."""

    data = summary[(summary["paper"] == paper) & (summary["role"] == role)
                   & (summary["wave"] == wave)].set_index("question")
    rows = []
    for item in items:
        if item not in data.index:  # nobody answered it: n = 0, nothing to show
            rows.append({"item": item, "n": 0, "N (%)": "", "Mean (SD)": ""})
            continue
        row = data.loc[item]
        shown = {"item": item, "n": int(row["n"]), "N (%)": "", "Mean (SD)": ""}
        if row["kind"] == "yes_no":
            shown["N (%)"] = f"{int(row['yes'])} ({format_half_away(row['percent'], 0)}%)"
        else:
            shown["Mean (SD)"] = (f"{format_half_away(row['mean'], 2)} "
                                  f"({format_half_away(row['sd'], 3)})")
        rows.append(shown)
    return pd.DataFrame(rows)


def respondents(summary: pd.DataFrame, role: str, question: str, paper: str = "fan2019") -> int:
    """How many ``role`` respondents answered ``question`` (a :func:`summarise` table)."""
    chosen = summary[(summary["paper"] == paper) & (summary["role"] == role)
                     & (summary["wave"] == "all") & (summary["question"] == question)]
    if chosen.empty:
        raise KeyError(f"no answers to {question!r} from {role}s in {paper}")
    return int(chosen["n"].iloc[0])


def rating_items(registry: pd.DataFrame, consumers: int) -> pd.DataFrame:
    """The rating items of fan2019 Tables 2 and 4 with their printed mean and SD, the n
    (providers: Table 2's header; consumers: ``consumers``, the n their means allow) and the
    scale's bounds from the question list: input for :func:`rating_freedom`."""
    catalogue = questions().set_index(["role", "question"])
    providers = int(measure_value(registry, "providers_interviewed"))
    rows = []
    for role, n, items in (("peer", providers, PROVIDER_RATINGS),
                           ("consumer", consumers, CONSUMER_RATINGS)):
        for question in items:
            stem = stem_of("fan2019", question, role)
            rows.append({"question": question, "n": n,
                         "mean": printed_text(registry, f"{stem}.mean"),
                         "sd": printed_text(registry, f"{stem}.sd"),
                         "lo": int(catalogue.loc[(role, question), "lo"]),
                         "hi": int(catalogue.loc[(role, question), "hi"])})
    return pd.DataFrame(rows)


def item_labels(registry: pd.DataFrame, items: list[str] = TABLE3_ITEMS) -> dict[str, str]:
    """The row label fan2019 Table 3 prints for each perceived-benefit question (the
    registry's ``item`` of the providers' count)."""
    labels = registry.set_index("id")["item"]
    return {question: labels[f"{stem_of('fan2019', question, 'peer')}.count"]
            for question in items}
