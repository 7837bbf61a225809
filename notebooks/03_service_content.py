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
# # 03 · Service content: the eight categories
#
# **Papers**
# - Fan Y, Ma N, Ma L, Xu W, Lamberti JS, Caine ED. A community-based peer support service for persons with severe mental illness in China. *BMC Psychiatry* 2018;18:170. doi:10.1186/s12888-018-1763-2
# - Fan Y, Ma N, Ma L, Zhang W, Xu W, Shi R, Chen H, Lamberti JS, Caine ED. Feasibility of peer support services among people with severe mental illness in China. *BMC Psychiatry* 2019;19:360. doi:10.1186/s12888-019-2334-x
#
# **What this notebook reproduces**
# - 2018 Results, *Service contents*: eight categories of consumers' needs, all addressed in three years; the top three (fine motor skill practice and exercise, daily life skills study, emotional support) with their printed shares; Fig. 2, the proportion of each category, redrawn as `figures/fan2018_fig2.png` and `.svg`.
# - 2019 Methods: the same eight options and top three.
#
# **Published, reconstructed, and what depends on what.** Only three of the eight shares are printed. With the printed total of sessions, each printed whole percent allows two counts; the other five categories are each at least one session and below the third. This notebook counts **every** count vector that fits and gives each category's range; the reconstruction (in `data/reconstructed/fan2018_sessions.csv`, written by notebook 02) takes the counts nearest the printed shares and splits the rest evenly. Shares by community and year are entirely reconstructed and marked as such.

# %%
import pandas as pd

from analysis.io import context, paths
from analysis.io.annotations import load_explanations
from analysis.io.figure_values import read_fig2_values
from analysis.io.files import atomic_write_text
from analysis.io.registry import load_registry
from analysis.io.sessions import read_sessions
from analysis.reconstruct import contents
from analysis.reconstruct.session_records import fig1_targets
from analysis.report import paragraphs
from analysis.report.figures import category_shares, inline, save
from analysis.report.prose import say
from analysis.report.results import check_stage, write_results
from analysis.stages import service_content

pd.set_option("display.max_colwidth", 90)
pd.set_option("display.width", 160)

# %% tags=["parameters"]
# Parameters (papermill). The defaults are the published reproduction.
data_dir = ""  # folder with fan2018_sessions.csv (your data); empty: the synthetic sessions of notebook 02
fig2_values = ""  # CSV of Fig. 2 shares read off the figure (category, percent); empty: from the records

# %%
# checks every parameter (notebooks/parameters.csv) and routes the outputs: only the published run writes the repository's
real = context.begin("03_service_content", data_dir=data_dir, fig2_values=fig2_values)
registry = load_registry()
explanations = load_explanations()
folder = context.data_folder(data_dir) if data_dir else paths.RECORDS
records = read_sessions(context.existing(folder / "fan2018_sessions.csv"))  # notebook 02's, if this run did not remake them
total = len(records)
print(f"{total} session records from {'your data' if real else 'the synthetic sessions'}")

# %% [markdown]
# ## Every category vector the text allows
#
# Exact enumeration: each printed share fixes its count to those that round to it; each unprinted category gets at least one session and fewer than the smallest printed count; all sum to the printed total.

# %%
printed_total = fig1_targets(registry)[0]  # the text's total, whatever the records hold
number, possible = contents.category_vectors(registry, printed_total)
print(f"{number:,} category count vectors fit the text")
possible.round(1)

# %%
unprinted_said = paragraphs.unprinted_categories(possible)

# %% tags=["remove-input"]
say(unprinted_said.text)
# %% [markdown]
# ## Shares

# %%
if fig2_values:
    percent = read_fig2_values(context.located("fig2_values", fig2_values))
    shares = contents.share_table(records["category"]).drop(columns="sessions")
    shares["percent"] = shares["category"].map(percent).fillna(0.0)
    shares = shares.sort_values("percent", ascending=False, kind="stable").reset_index(drop=True)
    source = f"read off the figure ({fig2_values})"
else:
    percent = None
    shares = contents.share_table(records["category"])
    source = "your data" if real else "synthetic records"
checks = contents.check_shares(shares.set_index("category")["percent"], registry)
print(f"shares: {source}; top three: {contents.top_categories(shares)}")
display(shares.round(2))
checks

# %% [markdown]
# ## By community and year (reconstructed)
#
# The papers give no breakdown. In the reconstruction categories are spread over communities and periods as evenly as integers allow, so these tables show no real pattern; they show what the records hold.

# %%
by_community = pd.crosstab(records["category"], records["community"], normalize="columns").mul(100)
by_year = pd.crosstab(records["category"], records["date"].str[:4], normalize="columns").mul(100)
display(by_community.round(1))
by_year.round(1)

# %% [markdown]
# ## Fig. 2, redrawn
#
# Bars: the shares used here; whiskers: every share the text allows.

# %%
figure_table = shares.merge(possible[["category", "printed", "min_percent", "max_percent"]], on="category")
figure_table = figure_table[["category", "label", "percent", "printed", "min_percent", "max_percent"]]
atomic_write_text(paths.TABLES / "fan2018_fig2_ranges.csv", figure_table.to_csv(index=False, lineterminator="\n", float_format="%.4f"))
display(inline(save(category_shares(figure_table, source), paths.FIGURES / "fan2018_fig2"),
             f"Bar chart of fan2018 Fig. 2, redrawn: the share of sessions in each content category ({source})"))
print("wrote figures/fan2018_fig2.png and .svg" + (" (private output)" if real else ""))

# %% [markdown]
# ## Every number of this stage, judged

# %%
results = service_content.results(registry, records, explanations, percent, real_data=real)
flagged = results[results["status"] != "match"]
display(results["status"].value_counts())
flagged.merge(registry[["id", "printed"]], on="id")[["id", "printed", "reproduced", "status", "note"]]

# %%
write_results("03_service_content", results)
print("wrote reports/results/03_service_content.csv" + (" (private output)" if real else ""))

# %% [markdown]
# ## Last cell: every number has its expected status

# %%
summary = check_stage(results, registry, service_content.STAGE, explanations)
if not data_dir and not fig2_values:
    assert checks["ok"].all(), checks
    assert number > 0
print(summary)
