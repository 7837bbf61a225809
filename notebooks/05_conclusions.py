# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 05 · Conclusions: do they survive every defensible analysis?
#
# **Papers**
# - Fan Y, Ma N, Ma L, Xu W, Lamberti JS, Caine ED. A community-based peer support service for persons with severe mental illness in China. *BMC Psychiatry* 2018;18:170. doi:10.1186/s12888-018-1763-2
# - Fan Y, Ma N, Ma L, Zhang W, Xu W, Shi R, Chen H, Lamberti JS, Caine ED. Feasibility of peer support services among people with severe mental illness in China. *BMC Psychiatry* 2019;19:360. doi:10.1186/s12888-019-2334-x
#
# **What this notebook does.** Every conclusion the papers draw from a test (`data/published/conclusions.csv`: the statement, where it is printed, the tests and printed rows it rests on, its decision rule) is tried
# - under every defensible **analysis choice**, chosen by rules rather than by hand (`analysis/evidence/rules.py`): each rule has a condition on the test's inputs and adds the analyses that condition calls for, with its source. Small expected counts (Cochran's rule) add the exact and continuity-corrected tests; cells that are zero by design add the test of quasi-independence; people counted in several cells add the Rao–Scott correction; a yes/no item asked of a subset adds each n; two groups add Welch's t, and ratings a rank test; and every family of tests the paper's words allow (`data/published/test_families.csv`) is tried with no correction and with Bonferroni's, Holm's and Benjamini–Hochberg's;
# - and, where the test's inputs are not printed, over **every dataset consistent with the printed numbers**: every split of the printed pooled counts or ratings between the groups compared, enumerated completely, so the minimum and maximum p are exact (`analysis/evidence/over_data.py`).
#
# It writes `reports/conclusions.csv` (one row per conclusion: `as_printed`, `all_choices`, `over_data`, each `holds`, `fails`, `mixed`, `not_applicable` or `unresolved`; the range of p; the choices that break it) and a specification curve per paper (`figures/fan2018_specification_curve.png`, `figures/fan2019_specification_curve.png`).
#
# **Methods.** A multiverse analysis (Steegen, Tuerlinckx, Gelman & Vanpaemel 2016, *Perspect Psychol Sci* 11:702) shown as a specification curve (Simonsohn, Simmons & Nelson 2020, *Nat Hum Behav* 4:1208). Adjusted p never decrease when a raw p increases (Holm 1979; Benjamini & Hochberg 1995), so the ends of the other tests' ranges bracket each adjusted p. Nothing here reads the reconstructed records: the evidence is printed numbers and complete enumeration, except the Fig. 1 test, whose feasible tables come from notebook 02.

# %%
import pandas as pd

from analysis.evidence.rules import rule_by_id
from analysis.io import context, paths
from analysis.io.annotations import load_conclusions, load_explanations, load_test_inputs
from analysis.io.files import atomic_write_text, read_csv_strict
from analysis.io.registry import load_registry
from analysis.printed.compare import compare
from analysis.report.figures import inline, save, specification_curve
from analysis.stages import conclusions as stage

pd.set_option("display.max_colwidth", 80)
pd.set_option("display.width", 170)

# %% tags=["parameters"]
# Parameters (papermill). The defaults are the published reproduction.
alpha = 0.05  # family-wise threshold after a correction (uncorrected p are compared with each conclusion's own threshold)

# %%
context.begin("05_conclusions", alpha=alpha)  # checks the parameter (notebooks/parameters.csv) and routes the outputs
registry = load_registry()
fig1_tests = read_csv_strict(context.existing(paths.TABLES / "fan2018_fig1_tests.csv"), ["variant", "p_low", "p_high", "basis"])
choices, specs, summary = stage.evaluate(registry, fig1_tests, alpha)
fired = stage.rules_of_conclusions(registry, choices)
print(f"{summary.shape[0]} conclusions, {specs.shape[0]} (conclusion, specification) pairs over {choices['test'].nunique()} tests")
stage.tallies(summary)

# %% [markdown]
# ## The rules that fired
#
# For every test a conclusion rests on: each rule whose condition holds, why (computed from the test's inputs), the analyses it adds, and whether they are present (`present`: `yes`, or `not computed` when the test's inputs are not printed at all).

# %%
pd.crosstab(fired["rule"].map(lambda r: rule_by_id(r).name), fired["present"])

# %% [markdown]
# ## Every test under every choice
#
# One row per test, variant and choice of n: a single p where the inputs are printed, an exact range where only pooled data are (`basis` says which and over how many splits), or `not computed` where nothing usable is printed (the ages of each wave, the dropouts).

# %%
choices.groupby("basis").size().to_frame("rows")

# %% [markdown]
# ## The conclusions
#
# `as_printed` reads the printed p; `all_choices` tries every specification (with ranges where the inputs are not printed); `over_data` keeps the paper's own specification and varies the data. `breaks` names every specification under which the conclusion fails, or can fail for some consistent dataset.

# %%
summary[["id", "rule", "family_size", "as_printed", "all_choices", "over_data", "p_min", "p_max", "worst"]]

# %%
fragile = summary[summary["breaks"] != ""]
for row in fragile.itertuples(index=False):
    print(f"{row.id} ({row.all_choices}): {row.breaks[:300]}")

# %% [markdown]
# ## Specification curves

# %%
figures = {}
for paper in ("fan2018", "fan2019"):
    figures[paper] = inline(save(specification_curve(specs[specs["paper"] == paper], summary, alpha),
                                paths.FIGURES / f"{paper}_specification_curve.png"),
                           f"Specification curve of {paper}'s conclusions: for each conclusion, the p of every "
                           "defensible analysis (or its range over the consistent datasets) on a log scale against the "
                           "threshold, each marked by its correction (colour), test (marker) and reading of n (fill), "
                           "the paper's own choice ringed")
figures["fan2018"]

# %%
figures["fan2019"]

# %%
atomic_write_text(paths.REPORTS / "conclusions.csv", summary.to_csv(index=False, lineterminator="\n"))
atomic_write_text(paths.TABLES / "conclusion_specifications.csv", specs.to_csv(index=False, lineterminator="\n"))
atomic_write_text(paths.TABLES / "rules_fired.csv", fired.to_csv(index=False, lineterminator="\n"))
print("wrote reports/conclusions.csv, reports/tables/conclusion_specifications.csv and reports/tables/rules_fired.csv")

# %% [markdown]
# ## Last cell: checks against the printed numbers
#
# Fails if a conclusion has no row; if a rule fired for a test and its analysis is missing; if the paper's own choice of a test whose inputs are printed does not give the printed p, unless `explanations.csv` assigns that p to a problem that explains a mismatch; or if a conclusion that does not hold under every choice does not name the choice that breaks it.

# %%
listed = load_conclusions()
assert summary["id"].tolist() == listed["id"].tolist()
own = specs[specs["paper_choice"] & specs["basis"].str.startswith("printed inputs")].drop_duplicates("test")
printed = dict(zip(registry["id"], registry["printed"], strict=True))
misses = {f"{t}.p" for t, p in zip(own["test"], own["p_low"], strict=True) if f"{t}.p" in printed and not compare(p, printed[f"{t}.p"])}
explained = load_explanations()
assert misses <= set(explained.index[explained["statuses"].str.split().map(lambda s: "mismatch" in s)]), misses
not_held = summary[summary["all_choices"].isin(["fails", "mixed"])]
assert (not_held["breaks"] != "").all(), not_held["id"].tolist()
assert set(load_test_inputs()["test"]) >= set(specs["test"])
assert (fired["present"] != "no").all(), fired[fired["present"] == "no"]
print(f"{len(summary)} conclusions; {len(not_held)} fail or can fail under some defensible choice")
