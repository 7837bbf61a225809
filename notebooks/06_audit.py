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
# # 06 · Audit: every printed statistic, checked from the text alone
#
# **Papers**
# - Fan Y, Ma N, Ma L, Xu W, Lamberti JS, Caine ED. A community-based peer support service for persons with severe mental illness in China. *BMC Psychiatry* 2018;18:170. doi:10.1186/s12888-018-1763-2
# - Fan Y, Ma N, Ma L, Zhang W, Xu W, Shi R, Chen H, Lamberti JS, Caine ED. Feasibility of peer support services among people with severe mental illness in China. *BMC Psychiatry* 2019;19:360. doi:10.1186/s12888-019-2334-x
#
# **What this notebook does.** Independently of any reconstruction, it:
# - extracts every reported test (χ² and t, with or without df) from the papers' own text files, as statcheck does;
# - recomputes each p from its statistic and df, and flags inconsistent and decision-inconsistent p-values;
# - for each flagged test, looks for the variant of the printed counts (another test) that reproduces it;
# - runs the granularity checks (GRIM, GRIMMER, percent vs count/n) on every mean, SD and percentage of the registry, and says which n or scale would make an impossible value possible;
# - cross-checks each verdict with the status the analysis notebooks gave the same number in `reports/reproduction.csv`. A disagreement fails the last cell.
#
# statcheck itself (R; Debian `r-cran-statcheck`) is run by the tests when it is installed, and its findings are compared with this audit's. This notebook does not call it, so its output is the same on every machine.
#
# Nothing here uses reconstructed data: the inputs are the texts, the registry of printed numbers and two annotation files (`implied.csv`, the df of t tests printed without one; `granularity.csv`, the n and scale of each mean).

# %%
import pandas as pd

from analysis.checks import audit, granularity
from analysis.io import context, paths
from analysis.io.files import atomic_write_text
from analysis.io.registry import load_registry
from analysis.report.prose import say
from analysis.report.results import build_report, load_results
from analysis.stages import audit as audit_stage

pd.set_option("display.max_colwidth", 90)
pd.set_option("display.width", 170)

# %% tags=["parameters"]
# Parameters (papermill). The defaults are the published reproduction.
n_spread = 12  # how far from the printed n to look for an n that makes an impossible mean possible

# %%
context.begin("06_audit", n_spread=n_spread)  # checks the parameter (notebooks/parameters.csv) and routes the outputs
registry = load_registry()
tests = audit.audit_tests(registry)
print(f"{len(tests)} tests in the texts: " + ", ".join(f"{p} {n}" for p, n in tests["paper"].value_counts().sort_index().items()))
tests.groupby(["paper", "test"]).agg(tests=("text", "size"), without_df=("df", lambda d: int((d == "").sum())))

# %% tags=["remove-input"]
without_df = tests[tests["df"] == ""]
say("statcheck's rules (as implemented in `analysis/checks/statcheck.py`) find most of these once the 2019 text's thin "
    "spaces are normalised; the count is printed above. They miss two kinds:\n"
    "- the t tests printed without degrees of freedom (" + "; ".join(f"{paper}: " + ", ".join(group["text"])
                                                            for paper, group in without_df.groupby("paper"))
    + "), whose df the audit infers from the group sizes in the text;\n"
    f"- the first test of the 2018 Abstract, {tests.iloc[0]['text']}, whose p is broken across a line.")

# %% [markdown]
# ## Recomputed p-values

# %%
shown = tests[["paper", "text", "df_used", "df_source", "p_recomputed", "p_low", "p_high", "consistent", "decision_inconsistent", "p_id"]]
atomic_write_text(paths.TABLES / "audit_tests.csv", tests.drop(columns=["position"]).to_csv(index=False, lineterminator="\n", float_format="%.6g"))
shown.round(5)

# %%
flagged = tests[~tests["consistent"]]
print(f"{len(flagged)} inconsistent, {int(tests['decision_inconsistent'].sum())} decision-inconsistent")
flagged[["paper", "text", "p_recomputed", "explanation"]].round(4)

# %% tags=["remove-input"]
fisher = flagged["explanation"].str.startswith("the printed p is the fisher p")
say(f"{len(flagged)} printed p-values do not follow from their statistics. "
    + (f"{'Each' if fisher.all() else f'{int(fisher.sum())} of them'} is the two-sided **Fisher exact** p of the printed "
       "counts, printed beside a Pearson χ²: SPSS prints both for a 2 × 2 table. " if fisher.any() else "")
    + ("None changes" if not flagged["decision_inconsistent"].any() else
       f"{int(flagged['decision_inconsistent'].sum())} change") + " a conclusion at the usual significance level.")

# %% [markdown]
# ## Granularity of every mean, SD and percentage

# %%
checks = granularity.explain_granularity(granularity.granularity_checks(registry), registry, spread=n_spread)
atomic_write_text(paths.TABLES / "audit_granularity.csv", checks.to_csv(index=False, lineterminator="\n"))
print(f"{len(checks)} checks: " + ", ".join(f"{c} {n}" for c, n in checks["check"].value_counts().items())
      + f"; {int((~checks['consistent']).sum())} impossible as printed")
checks[~checks["consistent"]][["id", "check", "printed", "n", "explanation"]]

# %% tags=["remove-input"]
impossible = checks[~checks["consistent"]]
confidence = impossible["id"].str.contains("confidence")
percent = impossible["check"] == "percent"
ratings = ~confidence & ~percent
say("The impossible values fall into these groups:\n"
    + (f"- {int(ratings.sum())} values of the consumer ratings of 2019 Table 4 and the text quoting them, possible with fewer "
       f"respondents than the {impossible.loc[ratings, 'n'].iloc[0]} printed (notebook 04 finds the only n that fits every item);\n"
       if ratings.any() else "")
    + (f"- {int(confidence.sum())} values of the providers' confidence score, possible with half-point answers (notebook 04);\n"
       if confidence.any() else "")
    + "".join(f"- the percentage {row.printed}% of {row.n}, which no count gives;\n" for row in impossible[percent].itertuples()))

# %% [markdown]
# ## Cross-check with the analysis notebooks
#
# Every verdict here must agree with the status that notebooks 01–04 gave the same number:
# - a p flagged here must not be a plain `match` there;
# - a consistent statistic/p pair must not be a `mismatch` on its own;
# - an impossible mean, SD or percentage must not be a plain `match`.

# %%
report = build_report(registry, load_results(registry=registry))
disagreements = audit.cross_check(tests, checks, report)
display(audit_stage.verdict_table(audit_stage.verdicts(tests, checks, report)))
disagreements

# %% [markdown]
# ## Last cell: the audit and the notebooks agree
#
# Fails if a test in the text has no registry row, if the audit and the notebooks disagree, or if a flagged p is not explained by a variant of the printed counts.

# %%
assert (tests["p_id"] != "").all(), tests.loc[tests["p_id"] == "", "text"].tolist()
if context.mode() == "repository":  # with other parameters or real data the statuses may legitimately differ
    assert disagreements.empty, disagreements.to_string()
assert not tests["decision_inconsistent"].any()
assert flagged["explanation"].str.startswith("the printed p is").all()
assert (tests["df"] == "").sum() == len(pd.read_csv(paths.IMPLIED))  # every t printed without df has its implied df
print(f"{len(tests)} tests and {len(checks)} granularity checks agree with the notebooks")
