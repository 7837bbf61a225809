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
# # 02 · Service process: sessions by community and period
#
# **Papers**
# - Fan Y, Ma N, Ma L, Xu W, Lamberti JS, Caine ED. A community-based peer support service for persons with severe mental illness in China. *BMC Psychiatry* 2018;18:170. doi:10.1186/s12888-018-1763-2
# - Fan Y, Ma N, Ma L, Zhang W, Xu W, Shi R, Chen H, Lamberti JS, Caine ED. Feasibility of peer support services among people with severe mental illness in China. *BMC Psychiatry* 2019;19:360. doi:10.1186/s12888-019-2334-x
#
# **What this notebook reproduces**
# - 2018 Results, *Service process*: the number of sessions from July 2013 to June 2016, the number per community per six-month period (Fig. 1) and its chi-square test; the stated session frequencies, the range of durations, the formats and the staffing of a session.
# - 2019 Methods, *Peer support service intervention*: the same services, the share held in groups, the interval between services, the provider:consumer ratio.
# - Fig. 1, redrawn as `figures/fan2018_fig1.png` and `.svg`.
#
# **Published, reconstructed, and what depends on what.** The papers print the total, the test and the frequencies in words; the bar heights of Fig. 1 are *not printed*. This notebook therefore (1) turns every stated constraint into bounds on each cell, (2) characterises the tables that meet them (the exact range of every cell over **all** of them, proved with a solver, and an estimate of how many there are), and (3) chooses one as the reconstruction, from which session-level records are built in `data/reconstructed/fan2018_sessions.csv`. Dates within a period, categories per session, formats, durations and which sessions were individual are reconstructed assumptions (see `analysis/reconstruct/session_records.py`). What does **not** depend on the choice: whether the constraints can be met together under each reading of the text (a verified table, or a solver's proof that there is none, below), and the printed χ², which every table that fits gives by construction and which counts the structural zeros as observations. What **does** depend on it: whether the communities that were running spread their sessions differently over time (the quasi-independence test below); the tables the sampler finds give both verdicts, so that question is left open by what is printed, and its range is labelled as sampled.

# %%
import numpy as np
import pandas as pd

from analysis.io import context, paths
from analysis.io.annotations import load_explanations
from analysis.io.design import COMMUNITIES
from analysis.io.figure_values import read_fig1_values
from analysis.io.files import atomic_write_text
from analysis.io.participants import as_records, read_participants
from analysis.io.registry import load_registry, printed_text
from analysis.io.sessions import read_sessions, write_sessions
from analysis.methods import tables
from analysis.methods.contingency import chi2_independence
from analysis.printed.significance import range_significance
from analysis.reconstruct import session_records
from analysis.reconstruct.contents import choose_counts
from analysis.reconstruct.participant_records import reconstruct_fan2018
from analysis.report import paragraphs
from analysis.report.figures import inline, save, sessions_by_period, whisker_span
from analysis.report.prose import say
from analysis.report.results import check_stage, write_results
from analysis.stages import fig1_readings, service_process

pd.set_option("display.max_colwidth", 90)
pd.set_option("display.width", 160)

# %% tags=["parameters"]
# Parameters (papermill). The defaults are the published reproduction.
data_dir = ""  # folder with fan2018_sessions.csv and fan2018_participants.csv (your data); empty: the synthetic records
seed = 20130701  # seed of the sampler and of the session records
tolerance = 0.5  # how loosely a stated interval is read, in its own units (0.5: two weeks means 1.5 to 2.5 weeks)
draws = 200000  # tables drawn in the final round of the sampler
fig1_values = ""  # CSV of Fig. 1 values read off the figure (community, period, sessions); empty: the synthetic table

# %%
# checks every parameter (notebooks/parameters.csv) and routes the outputs: only the published run writes the repository's
real = context.begin("02_service_process", data_dir=data_dir, seed=seed, tolerance=tolerance, draws=draws,
                     fig1_values=fig1_values)
registry = load_registry()
explanations = load_explanations()
total, window = session_records.fig1_targets(registry)
print(f"{total} sessions; the chi-square must lie in [{window[0]:.3f}, {window[1]:.3f})")

# %% [markdown]
# ## What the text says about each cell
#
# Each sentence about frequency covers some communities and periods (`data/design/frequency_rules.csv`, each with its quote, checked against the paper by the tests). An interval of *k* weeks ("once every two weeks") over an active span of *L* weeks allows between *L*/(*k* + *t*) and *L*/(*k* − *t*) sessions, *t* being the `tolerance` parameter: the stated number is read the way a printed number is, as anything that rounds to it. Communities that had not started, and Tuanjiehu in the first half of 2015, are **structural zeros**: they could not have had sessions. Two phrases can be read more than one way: which six-month periods "the second year" covers, and how loosely "about once every ..." is read. The next cells try every reading.

# %%
bands = session_records.frequency_bands(registry, tolerance)
low, high = session_records.band_matrices(bands)
shown = bands.assign(allowed=np.where(bands["structural_zero"], "0 (" + bands["rule"] + ")",
                                      bands["low"].astype(str) + "-" + bands["high"].astype(str)))
shown.pivot_table(index="community", columns="period", values="allowed", aggfunc="first").loc[list(COMMUNITIES)]

# %% [markdown]
# ### Can the words be taken literally?
#
# Read at face value (no tolerance), "once or twice each week" means at least one session a week. For the first two communities in 2015–2016 that alone needs the number of sessions below. Add the fewest sessions the other rules allow even when read loosely, and compare with the printed total.

# %%
literal = session_records.literal_minimum(registry).set_index("rule")
weekly, needed = session_records.literal_bound(registry, tolerance)
print(f"'{session_records.WEEKLY_RULE}' read literally needs at least {weekly} sessions; "
      f"with the other rules at their loosest, at least {needed} in all, against the printed {total}.")
literal

# %%
fit = fig1_readings.reading_fit(registry, tolerance)  # the exact count, and a verified table or a proof
used, bands = fig1_readings.bands_used(registry, tolerance, bands)  # the nearest reading that fits, if this one does not
low, high = session_records.band_matrices(bands)
literal_said = paragraphs.literal_reading(needed, total, literal, used)
literal_said.table()

# %% tags=["remove-input"]
say(literal_said.text)
say(fig1_readings.fit_sentence(fit, tolerance, used, total))
# %% [markdown]
# ## How many tables fit?
#
# Count exactly the tables within the bands that sum to the printed total (dynamic programming). Then add the χ² constraint: among those, estimate how many give a Pearson χ² that rounds to the printed value, by importance sampling (method in `analysis/methods/tables.py`: tables drawn exactly from a tuned product distribution conditioned on the total; the last two cells enumerated; weights make the estimate unbiased). Every accepted table is an exact solution (a *witness*).

# %%
feasible = fig1_readings.sampled_tables(low, high, total, window, seed=seed, draws=draws)
summary = pd.Series({
    f"tables within the bands summing to {total} (exact)": f"{feasible.band_tables:,}",
    f"of which chi-square rounds to {printed_text(registry, f'{session_records.FIG1_TEST}.statistic')} (estimate)": f"{feasible.estimate:.3g}",
    "95% interval of the estimate": f"{feasible.low:.3g} to {feasible.high:.3g}",
    "share of band tables": f"{feasible.estimate / feasible.band_tables:.2e}",
    "distinct witnesses found": f"{len(feasible.witnesses):,}",
}, name="value")
counted = pd.DataFrame([{"band_tables": feasible.band_tables, "estimate": feasible.estimate, "low": feasible.low,
                         "high": feasible.high, "draws": feasible.draws, "witnesses": len(feasible.witnesses)}])
atomic_write_text(paths.TABLES / "fan2018_fig1_feasible.csv", counted.to_csv(index=False, lineterminator="\n", float_format="%.6g"))
feasible, stand_in = service_process.with_witness(feasible, bands, registry)  # too few draws: the solver's table
summary.to_frame()

# %%
stand_in_said = paragraphs.stand_in(stand_in, draws)
stand_in_said.table()

# %% tags=["remove-input"]
say(stand_in_said.text)
# %% [markdown]
# The count above is the number of tables that agree with every number the text prints (an estimate with its interval): the text does not determine Fig. 1. The range of every cell follows: the exact minimum and maximum over all consistent tables, proved with a solver (`analysis/methods/exact_tables.py`), beside the range among the sampler's witnesses (an inner bound) and the stated band (an outer bound).

# %%
if fig1_values:
    table = read_fig1_values(context.located("fig1_values", fig1_values))
    source = f"read off the figure ({fig1_values})"
elif real:  # the bars are your counts
    table = session_records.sessions_table(read_sessions(context.data_folder(data_dir) / "fan2018_sessions.csv")).to_numpy()
    source = "your data"
else:
    table = session_records.choose_table(feasible, registry)
    source = f"synthetic (seed {seed})"
exact = service_process.exact_cells(bands, registry)  # proofs: a witness at each end, nothing beyond
ranges = service_process.cell_ranges(feasible, bands, table, exact)
atomic_write_text(paths.TABLES / "fan2018_fig1_ranges.csv", ranges.to_csv(index=False, lineterminator="\n", float_format="%.4f"))
print(f"every bound proved: {bool(exact['exact'].all())}; cells whose sampled range falls short of the exact one: "
      f"{int(((ranges['sampled_min'] > ranges['exact_min']) | (ranges['sampled_max'] < ranges['exact_max'])).sum())}")
ranges.assign(exact=ranges["exact_min"].astype(str) + "-" + ranges["exact_max"].astype(str),
              sampled=ranges["sampled_min"].astype(str) + "-" + ranges["sampled_max"].astype(str)).pivot_table(
    index="community", columns="period", values=["exact", "sampled"], aggfunc="first").loc[list(COMMUNITIES)]

# %% [markdown]
# ### Every reading of the text
#
# "The second year" could be calendar 2014 or the service's second year (July 2014 to June 2015); "about once every two weeks" could be read strictly or with more or less tolerance. For each reading: whether the stated rules agree with one another, how many tables the bands allow (counted exactly), whether one of them gives the printed total and χ² (a verified table, or a proof that there is none), and, where one does, the proved range of the 2019 paper's shortest and longest mean interval between sessions. The rest of the notebook uses the reading given by the `tolerance` parameter, or, if no table fits under it, the nearest that fits.

# %%
reading_table = fig1_readings.readings(registry, known={used: exact})
atomic_write_text(paths.TABLES / "fan2018_fig1_readings.csv", reading_table.to_csv(index=False, lineterminator="\n", float_format="%.6g"))
reading_table

# %% [markdown]
# ## The table used here
#
# Without values read off the figure, the reconstruction is the witness nearest the weighted mean of all witnesses, among those whose two first-period intervals span the printed "one or two months". With `fig1_values`, the digitised table is used instead. Either way, it is checked against everything the text states.

# %%
print(f"Fig. 1 values: {source}")
checks = session_records.check_fig1(table, bands, registry)
display(session_records.table_frame(table).assign(total=lambda t: t.sum(axis=1)))
checks

# %% [markdown]
# ## Session records
#
# One row per session, built from the table (`analysis.reconstruct.session_records.reconstruct_sessions`), or read from `data_dir` with real data (validated; nothing record-level is then written into the repository). The 2018 participants (one paragraph of the Results, the peer who quit, needs them) are rebuilt here exactly as notebook 01 rebuilds them, with the same seed, so that the two notebooks can run side by side.

# %%
if data_dir:
    records = read_sessions(context.data_folder(data_dir) / "fan2018_sessions.csv")
    people18 = read_participants(context.data_folder(data_dir) / "fan2018_participants.csv", registry)
    table = session_records.sessions_table(records).to_numpy()
    source = "your data"
else:
    records = session_records.reconstruct_sessions(table, choose_counts(registry, total), registry, seed)
    write_sessions(records, paths.RECORDS / "fan2018_sessions.csv")
    people18 = as_records(reconstruct_fan2018(registry, seed), registry)  # as notebook 01 writes them
print(f"{len(records)} session records: {source}")
pd.crosstab(records["community"], records["mode"]) if real else records.head()

# %% [markdown]
# ## Fig. 1's test and its expected counts

# %%
counts = session_records.sessions_table(records)
test = chi2_independence(counts)
expected = tables.expected_counts(counts)
display(test.round(6))
expected.round(1)

# %%
statistic = "fan2018.results.sessions_by_community_period.communities_by_period"
df_said = paragraphs.df_of_fig1(printed_text(registry, statistic + ".df"), printed_text(registry, statistic + ".statistic"), counts.shape)
full_df = df_said.facts["df of the full table"]
df_said.table()

# %% tags=["remove-input"]
say(df_said.text)
# %% [markdown]
# ### What the structural zeros do to the test

# %% tags=["remove-input"]
say(service_process.structural_zero_sentence(bands, full_df))

# %%
found = service_process.quasi_witnesses(bands, registry)  # a search, not a bound
effect = service_process.structural_zero_effect(feasible, bands, table, registry, found)
atomic_write_text(paths.TABLES / "fan2018_fig1_tests.csv", effect.to_csv(index=False, lineterminator="\n", float_format="%.6g"))
quasi = effect.set_index("variant").loc["quasi_independence"]
side = range_significance(quasi["p_low"], quasi["p_high"])
print(f"Quasi-independence, the table used here: p = {quasi['p']:.3g}. Over the feasible tables found, "
      f"p runs from {quasi['p_low']:.3g} to {quasi['p_high']:.3g}: {side} ({quasi['basis']}).")
effect

# %% [markdown]
# The printed p counts the structural zeros as observations, so it says in part that two communities started later and one paused, which the text already states. Whether the communities that were running spread their sessions differently over time depends on the unprinted counts; the line above says what the feasible tables found allow. That range comes from a sampler and a search, so it is labelled as sampled: it shows which verdicts *occur* among consistent tables, not the extremes. Notebook 05 carries this into the papers' conclusion that sessions differed by community and period.
#
# ## Frequency per community and year

# %%
frequency = service_process.frequency_by_year(counts)
atomic_write_text(paths.TABLES / "fan2018_session_frequency.csv", frequency.to_csv(index=False, lineterminator="\n", float_format="%.4f"))
frequency.round(2)

# %% [markdown]
# ## Durations, formats, group or individual
#
# Only the range of durations, the list of formats and the share of group sessions are published; the distributions below are **reconstructed** (assumptions in `analysis/reconstruct/session_records.py`), shown so a student can see what the records hold.

# %%
display(records["duration_min"].describe().to_frame("duration (min)").T.round(1))
display(records["format"].value_counts().to_frame("sessions"))
records["mode"].value_counts().to_frame("sessions")

# %% [markdown]
# ## Fig. 1, redrawn
#
# Bars are the table used here (reconstructed unless digitised values are given); whiskers show the range over every feasible table found.

# %%
display(inline(save(sessions_by_period(ranges, source), paths.FIGURES / "fan2018_fig1"),
             f"Bar chart of fan2018 Fig. 1, redrawn: sessions per community in each six-month period ({source}), "
             f"with whiskers for the {whisker_span(ranges)} consistent with the text"))
print("wrote figures/fan2018_fig1.png and .svg" + (" (private output)" if real else ""))

# %% [markdown]
# ## Every number of this stage, judged
#
# A printed number that the reconstruction was built to satisfy has role `constraint`: its match shows only that the construction worked (evidence `by_construction`). `derived` numbers follow from the data without being imposed; each gets its evidence from a recomputation from printed numbers (`published`) or from its exact range over every consistent table (`invariant` when the whole range gives the printed value, `dependent` otherwise). Rows whose inputs are not published are `not_reproducible`, with the reason `data/published/explanations.csv` gives (rendered into the report's note).

# %%
results = service_process.results(registry, records, people18, explanations, real_data=real,
                                  interval_bounds=service_process.interval_bounds(bands, feasible.witnesses, exact))
results["status"].value_counts()

# %%
flagged = results[results["status"] != "match"]
flagged.merge(registry[["id", "printed"]], on="id")[["id", "printed", "reproduced", "status", "note"]]

# %% [markdown]
# The provider:consumer ratio is computed from published counts only (2018 Table 1, 2016, enrolment), one reading for both of its ends; its evidence is `published`, independent of the reconstruction.

# %%
write_results("02_service_process", results)
print("wrote reports/results/02_service_process.csv" + (" (private output)" if real else ""))

# %% [markdown]
# ## Last cell: every number has its expected status
#
# Fails if a registry row of this stage has no result, if a status drifts from the expected one (in the published reproduction), if the chosen table breaks a stated constraint, or if the records do not give back the table.

# %%
summary = check_stage(results, registry, service_process.STAGE, explanations)
assert (session_records.sessions_table(records).to_numpy() == np.asarray(table)).all()
if not data_dir and not fig1_values:  # the table used meets the text, whatever the parameters
    assert checks["ok"].all(), checks
    assert exact["exact"].all()
    assert ((ranges["exact_min"] <= ranges["table_used"]) & (ranges["table_used"] <= ranges["exact_max"])).all()
if context.mode() == "repository":  # the published reproduction: the sampler's yield and every expected status
    assert feasible.low > 0
    assert len(feasible.witnesses) > 100
print(summary)
