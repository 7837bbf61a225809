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

from analysis.checks import granularity_audit, reported_tests
from analysis.io import context, paths
from analysis.io.files import atomic_write_text
from analysis.io.registry import load_registry
from analysis.report import paragraphs
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
tests = reported_tests.audit_tests(registry)
print(f"{len(tests)} tests in the texts: " + ", ".join(f"{p} {n}" for p, n in tests["paper"].value_counts().sort_index().items()))
tests.groupby(["paper", "test"]).agg(tests=("text", "size"), without_df=("df", lambda d: int((d == "").sum())))

# %%
misses_said = paragraphs.statcheck_misses(tests)
misses_said.table()

# %% tags=["remove-input"]
say(misses_said.text)
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

# %%
flagged_said = paragraphs.p_not_following(flagged)
flagged_said.table()

# %% tags=["remove-input"]
say(flagged_said.text)
# %% [markdown]
# ## Granularity of every mean, SD and percentage

# %%
checks = granularity_audit.explain_granularity(granularity_audit.granularity_checks(registry), registry, spread=n_spread)
atomic_write_text(paths.TABLES / "audit_granularity.csv", checks.to_csv(index=False, lineterminator="\n"))
print(f"{len(checks)} checks: " + ", ".join(f"{c} {n}" for c, n in checks["check"].value_counts().items())
      + f"; {int((~checks['consistent']).sum())} impossible as printed")
checks[~checks["consistent"]][["id", "check", "printed", "n", "explanation"]]

# %%
impossible_said = paragraphs.impossible_groups(checks)
impossible_said.table()

# %% tags=["remove-input"]
say(impossible_said.text)
# %% [markdown]
# ## Cross-check with the analysis notebooks
#
# Every verdict here must agree with the status that notebooks 01–04 gave the same number:
# - a p flagged here must not be a plain `match` there;
# - a consistent statistic/p pair must not be a `mismatch` on its own;
# - an impossible mean, SD or percentage must not be a plain `match`.

# %%
report = build_report(registry, load_results(registry=registry))
disagreements = reported_tests.cross_check(tests, checks, report)
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
