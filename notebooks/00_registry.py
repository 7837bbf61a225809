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
# # 00 · The registry of published numbers and the papers' internal consistency
#
# **Papers**
# - Fan Y, Ma N, Ma L, Xu W, Lamberti JS, Caine ED. A community-based peer support service for persons with severe mental illness in China. *BMC Psychiatry* 2018;18:170. doi:10.1186/s12888-018-1763-2
# - Fan Y, Ma N, Ma L, Zhang W, Xu W, Shi R, Chen H, Lamberti JS, Caine ED. Feasibility of peer support services among people with severe mental illness in China. *BMC Psychiatry* 2019;19:360. doi:10.1186/s12888-019-2334-x
#
# **What this notebook does.** Every number printed in the Abstract, Methods, Results, tables and figure captions of both papers is transcribed in `data/published/registry.csv`, one row each, with the sentence or table cell it comes from. Before reproducing anything from data, we check the published numbers *against each other*:
#
# 1. the parts of each table block add up to the printed n;
# 2. every printed percentage equals count / n at the printed decimals (SPSS rounds half away from zero);
# 3. every printed p agrees with its printed test statistic and degrees of freedom.
#
# **Published or reconstructed?** This notebook uses only published numbers; no reconstructed data. Its conclusions (which printed numbers are mutually inconsistent) do not depend on any reconstruction. It fills no row of `reports/reproduction.csv`: the later notebooks reproduce the numbers; this one checks the transcription and the papers' arithmetic.

# %%
import pandas as pd

from analysis.checks import consistency
from analysis.checks.findings import finding_evidence
from analysis.io import context, paths
from analysis.io.annotations import load_findings
from analysis.io.files import atomic_write_text
from analysis.io.registry import load_registry
from analysis.report import paragraphs
from analysis.report.prose import say
from analysis.stages import registry_checks

pd.set_option("display.max_colwidth", 90)
pd.set_option("display.width", 160)

# %% tags=["parameters"]
# Parameters (papermill). Empty paths mean the files shipped in data/published/.
registry_path = ""
findings_path = ""

# %% [markdown]
# ## What was transcribed
#
# Each row has an `id` (`paper.section.item.group.quantity`), the `location` in the paper, the number exactly as `printed` (a string, so that a trailing zero and a bound such as `<` are kept) and a verbatim `context`. Two people transcribed the papers independently; `tests/test_registry.py` checks that both transcriptions hold the same numbers.

# %%
context.begin("00_registry", registry_path=registry_path, findings_path=findings_path)  # checks the parameters; routes the outputs
registry = load_registry(context.located("registry_path", registry_path))
pd.crosstab(registry["quantity"], registry["paper"], margins=True, margins_name="total")

# %%
pd.crosstab(registry["location"].str.split(":").str[0], registry["paper"], margins=True,
            margins_name="total")

# %% [markdown]
# ## Check 1 · Table parts add up to the printed totals
#
# Counts that are mutually exclusive categories of one variable (e.g. Sex: male / female among the peers) form a *block*; their sum must equal the n they are out of.

# %%
sums = consistency.check_sums(registry)
print(f"{len(sums)} blocks checked, {sums['consistency'].sum()} add up")
sums.loc[~sums["consistency"], ["block", "printed_n", "sum"]]

# %% [markdown]
# ## Check 2 · Percentages equal count / n
#
# For a percentage printed beside its count, we compute count / n as a percentage and round it half away from zero to the printed decimals. Where only the percentage is printed, we ask whether *any* whole number out of n gives it (the GRIM idea applied to percentages).

# %%
percents = consistency.check_percents(registry)
print(percents.groupby("kind")["consistency"].agg(["size", "sum"])
      .rename(columns={"size": "checked", "sum": "consistent"}))
percents.loc[~percents["consistency"], ["id", "count", "n", "printed", "computed"]]

# %% [markdown]
# ## Check 3 · p-values agree with their test statistics
#
# A printed statistic, such as the χ² of the 2018 Abstract, is itself rounded: the true value lies anywhere within half a unit of its last printed digit. Each end of that interval gives a p (upper tail of χ² with the printed df; two-sided for t), so the printed p must be the rounded value of some p in that interval. For t tests the papers print no df; the df implied by the group sizes is in `data/published/implied.csv` with its reason.

# %%
pvalues = consistency.check_p_values(registry)
print(f"{len(pvalues)} p-values checked against their statistic, "
      f"{pvalues['consistency'].sum()} consistent")
pvalues[["id", "test", "statistic", "df", "df_source", "printed", "p_min", "p_max",
         "consistency"]].round({"p_min": 4, "p_max": 4})

# %% [markdown]
# ## Findings: where the papers disagree with themselves
#
# A failed check is either a transcription error (which we fix) or an inconsistency in the paper. The latter are listed in `data/published/findings.csv` with the reason. For the p-values, the evidence is computed here: we rebuild each two-by-two table from the printed counts and run every test SPSS prints for it (Pearson, continuity-corrected, likelihood ratio, Fisher's exact), then ask which one gives the printed statistic and which the printed p.

# %%
findings = load_findings(context.located("findings_path", findings_path))
findings

# %%
evidence = finding_evidence(registry)
evidence.round({"statistic": 3, "p": 4})

# %%
# the decisions the next paragraphs state, computed and tested in analysis/report/paragraphs.py
fisher_said = paragraphs.fisher_evidence(evidence, registry_checks.evidence_points_to_fisher(evidence))
slips_said = paragraphs.percent_slips(percents)
pd.concat([fisher_said.table(), slips_said.table()])

# %% tags=["remove-input"]
say(fisher_said.text)
say(slips_said.text)
# %%
checks = consistency.all_checks(registry)
atomic_write_text(paths.TABLES / "internal_checks.csv",
                  registry_checks.with_findings(checks, findings).to_csv(index=False, lineterminator="\n"))
checks.groupby("check")["consistency"].agg(["size", "sum"]).rename(
    columns={"size": "checked", "sum": "consistent"})

# %% [markdown]
# ## Last cell: every check as expected
#
# Fails if any check fails that is not a listed finding (a new transcription error), or if a listed finding no longer fails, or if the evidence no longer points at Pearson-statistic-with-Fisher-p.

# %%
unexpected = consistency.unexpected(checks, findings)
assert unexpected.empty, unexpected.to_string()
assert registry_checks.evidence_points_to_fisher(evidence) == []
print(f"registry: {len(registry)} numbers; internal checks: {len(checks)} run, "
      f"{int(checks['consistency'].sum())} consistent, {len(findings)} paper-side findings, "
      "0 unexpected")
