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
# # 01 · Enrolment and participants
#
# **Papers**
# - Fan Y, Ma N, Ma L, Xu W, Lamberti JS, Caine ED. A community-based peer support service for persons with severe mental illness in China. *BMC Psychiatry* 2018;18:170. doi:10.1186/s12888-018-1763-2
# - Fan Y, Ma N, Ma L, Zhang W, Xu W, Shi R, Chen H, Lamberti JS, Caine ED. Feasibility of peer support services among people with severe mental illness in China. *BMC Psychiatry* 2019;19:360. doi:10.1186/s12888-019-2334-x
#
# **What this notebook reproduces:**
# - **2018**
#   - Table 1: peers and consumers enrolled in each community by year, with its two χ² tests.
#   - Table 2: demographics of the peers and consumers, with the age t test and the χ² tests of its categorical variables.
#   - The Methods' recruitment and caregiver numbers.
# - **2019**
#   - Table 1: demographics of the providers and consumers.
#   - Recruitment by wave and community.
#   - Follow-up completion and its tests.
#   - The Bonferroni threshold.
#   - The non-significant comparisons of initial vs later communities and of completers vs dropouts.
#   - The caregivers' numbers.
#   - Fig. 1, the flow of participants, redrawn.
#
# **Published, reconstructed, and what depends on what.** The raw data are not public. Unless `data_dir` points at real data, this notebook rebuilds synthetic participants (`analysis/reconstruct/participant_records.py`) from the published numbers, with a fixed seed. Three kinds of result follow:
#
# - **Independent of the reconstruction.** 2018 Table 1's χ² tests, every χ² test of 2018 Table 2, the response-rate tests and the Bonferroni threshold are functions of the printed counts alone. Any dataset with the published margins gives the same values. The age t test depends only on the age moments, and below we compute its range over *every* integer sample that fits.
# - **Built in (role `constraint`).** The counts, percentages, means and SDs.
# - **Dependent on the reconstruction.** The p-values comparing initial with later communities, and completers with dropouts. The reconstruction spreads people as evenly as integers allow, so these p-values show that the published claims are *attainable*, not that they are true.

# %%
import pandas as pd

from analysis.checks.overlap import overlap_check, overlap_sentence
from analysis.io import context, paths
from analysis.io.annotations import load_explanations
from analysis.io.files import atomic_write_text
from analysis.io.participants import read_participants, write_participants
from analysis.io.registry import load_registry, value
from analysis.printed.significance import ALPHA
from analysis.reconstruct.participant_records import reconstruct_fan2018, reconstruct_fan2019
from analysis.report import paragraphs
from analysis.report.figures import enrolment_flow, inline, save
from analysis.report.prose import say, typeset
from analysis.report.results import check_stage, write_results
from analysis.stages import enrolment
from analysis.stages import enrolment_tables as tables

pd.set_option("display.max_colwidth", 80)
pd.set_option("display.width", 160)

# %% tags=["parameters"]
# Parameters (papermill). The defaults are the published reproduction.
data_dir = ""  # folder with fan2018_participants.csv and fan2019_participants.csv (your data); empty: the synthetic records
seed = 20130701  # seed of the synthetic records
categorical_test = "pearson"  # initial vs later, completers vs dropouts: "pearson" or "fisher"
continuous_test = "t"  # the same for age and onset age: "t" or "mann_whitney"
continuity_correction = False  # Yates' correction as the paper's 2 x 2 test
exact_p = "never"  # report Fisher's exact p: "never", "small_expected", "small_expected_2x2", "always"

# %% [markdown]
# ## The participants
#
# With real data (`data_dir`), the two files are read and validated: every column is checked and any error names the file, line and column. Nothing record-level is then written into the repository. Without real data, the participants are reconstructed and written to `data/reconstructed/`.

# %%
# checks every parameter (notebooks/parameters.csv) and routes the outputs: only the published run writes the repository's
real = context.begin("01_enrolment", data_dir=data_dir, seed=seed, categorical_test=categorical_test,
                     continuous_test=continuous_test, continuity_correction=continuity_correction, exact_p=exact_p)
registry = load_registry()
explanations = load_explanations()
parameters = {"categorical_test": categorical_test, "continuous_test": continuous_test,
              "continuity_correction": continuity_correction, "exact_p": exact_p}
if data_dir:
    people18 = read_participants(context.data_folder(data_dir) / "fan2018_participants.csv", registry)
    people19 = read_participants(context.data_folder(data_dir) / "fan2019_participants.csv", registry)
    source = "your data"
else:
    people18 = reconstruct_fan2018(registry, seed)
    people19 = reconstruct_fan2019(registry, seed)
    for frame, name in ((people18, "fan2018"), (people19, "fan2019")):
        write_participants(frame, paths.RECORDS / f"{name}_participants.csv", registry)
    source = f"synthetic (seed {seed})"
print(f"participants: {source}")
computed = tables.compute(people18, people19, registry, categorical_test, continuous_test)  # every table below, once
pd.concat({"fan2018": people18["role"].value_counts(), "fan2019": people19["role"].value_counts()},
          axis=1)

# %% [markdown]
# ### How the two papers' samples relate

# %%
n_of = {key: int(value(registry, row)) for key, row in (
    ("peers18", "fan2018.methods.recruited.peers.n"), ("consumers18", "fan2018.methods.recruited.consumers.n"),
    ("peers19", "fan2019.table1.header.peers.n"), ("consumers19", "fan2019.abstract.recruited.consumers.n"))}
sizes_said = paragraphs.sample_sizes(n_of)  # the paragraph below, from these printed n

# %% tags=["remove-input"]
say(sizes_said.text)
# %%
overlap = overlap_check(registry)
overlap[~overlap["possible"]]

# %% tags=["remove-input"]
say(overlap_sentence(overlap))

# %% [markdown]
# ## 2018 Table 1 · Enrolment by community and year
#
# A person counts in each year from enrolment until they leave (a Tuanjiehu peer who quit is counted until the year they left). The χ² tests treat each year's counts as a community × year contingency table, with the dashes (not yet started) as zeros. This is how the printed statistics come out, although the same people are counted in several years, so the observations are not independent.

# %%
shown = tables.layout_fan2018_table1(computed.table1)
atomic_write_text(paths.TABLES / "fan2018_table1.csv", shown.to_csv(lineterminator="\n"))
shown

# %%
computed.tests1.round(4)

# %%
printed1 = {role: typeset(registry, f"fan2018.table1.enrolment_by_community_year.{group}.statistic")
            for role, group in (("peer", "peers"), ("consumer", "consumers"))}
table1_said = paragraphs.table1_statistics(printed1, computed.tests1)  # decided and tested in analysis/report/paragraphs.py
table1_said.table()

# %% tags=["remove-input"]
say(table1_said.text)
# %% [markdown]
# ## 2018 Table 2 · Demographics of peers and consumers

# %%
shown2 = tables.layout_counts(computed.table2, decimals=1)
atomic_write_text(paths.TABLES / "fan2018_table2.csv", shown2.to_csv(index=False, lineterminator="\n"))
shown2

# %%
computed.tests2.round(4)

# %% [markdown]
# ### How constrained are the ages?

# %% tags=["remove-input"]
say(f"Ages are whole years within the inclusion range of {value(registry, 'fan2018.methods.peer_age_min.peers.other')} "
    f"to {value(registry, 'fan2018.methods.peer_age_max.peers.other')}. We enumerate every (sum, sum of squares) pair "
    "that gives the printed mean and SD, and CP-SAT confirms each pair is realised by at least one sample. For the "
    f"{n_of['peers18']} peers we also count the samples exactly. A t test depends only on these moments, so the pooled "
    "t over all pairs gives the **complete** range of t that any integer dataset could produce.")

# %%
freedom = tables.age_freedom_fan2018(registry)
atomic_write_text(paths.TABLES / "fan2018_age_freedom.csv", freedom.to_csv(index=False, lineterminator="\n"))
freedom

# %%
age_said = paragraphs.age_t(registry)  # from the proof over every integer dataset, and the range over real-valued summaries
age_said.table()

# %% tags=["remove-input"]
say(age_said.text)
# %% [markdown]
# ## 2019 Table 1 · Demographics at baseline

# %%
shown19 = tables.layout_counts(computed.table19, decimals=1)
atomic_write_text(paths.TABLES / "fan2019_table1.csv", shown19.to_csv(index=False, lineterminator="\n"))
shown19

# %% [markdown]
# ## 2019 · Response rates, and who was lost

# %%
done, recruited = "fan2019.results.completed_followup.{}.count", "fan2019.methods.recruited.{}.n"
follow = {group: (int(value(registry, done.format(group))), int(value(registry, recruited.format(group))))
          for group in ("initial_peers", "later_peers", "initial_consumers", "later_consumers")}
follow_said = paragraphs.follow_up(follow, int(value(registry, "fan2019.results.temporary_leave.later_peers.count")))

# %% tags=["remove-input"]
say(follow_said.text)
# %%
atomic_write_text(paths.TABLES / "fan2019_response_rates.csv", computed.rates.to_csv(index=False, lineterminator="\n"))
computed.rates.round(4)

# %%
rate = "fan2019.results.response_rate.{}_initial_vs_later.{}"
said = {role: (typeset(registry, rate.format(group, "statistic")), typeset(registry, rate.format(group, "p")))
        for role, group in (("peer", "peers"), ("consumer", "consumers"))}
rates_said = paragraphs.response_rates(computed.rates, said)
rates_said.table()

# %% tags=["remove-input"]
say(rates_said.text)
# %% [markdown]
# **Which rule did the authors follow?** Rerun every contingency test in this notebook with the reporting policy as a parameter (table below).

# %%
policies = enrolment.exact_p_policies(registry, computed, explanations, parameters)
policies

# %%
policies_said = paragraphs.policies_explained(policies)
policies_said.table()

# %% tags=["remove-input"]
say(policies_said.text)
# %% [markdown]
# ### Initial vs later communities, and completers vs dropouts
#
# The paper reports no significant difference in any demographic variable between the initial and later communities, at a Bonferroni-corrected threshold, and no difference between completers and dropouts; the printed thresholds are beside the computed ones below. The threshold is the family-wise level divided by the number of categorical variables of Table 1 (the cells below count them; with every variable of the table it would be smaller). In the reconstruction these p-values hold **by construction**: demographics are spread over wave and follow-up status as evenly as integers allow. They show the claims are attainable with the published margins, not that they are true.

# %%
threshold = ALPHA / tables.bonferroni_m("categorical")
comparisons = computed.comparisons
print(f"Bonferroni threshold {ALPHA:g} / {tables.bonferroni_m('categorical')} = {threshold:.5f}; printed: p < "
      + typeset(registry, "fan2019.results.bonferroni_threshold.initial_vs_later.p"))
print("printed, completers vs dropouts: ps " + typeset(registry, "fan2019.results.dropout_demographics.initial_consumers.p").replace(">", "> ")
      + " (initial), ps " + typeset(registry, "fan2019.results.dropout_demographics.later_consumers.p").replace(">", "> ") + " (later)")
comparisons.pivot_table(index="variable", columns=["comparison", "role"], values="p").round(3)

# %% [markdown]
# ## 2019 · Caregivers

# %%
pd.Series(tables.caregiver_summary(people19)).to_frame("value")

# %% [markdown]
# ## 2019 Fig. 1 · Enrolment and flow of participants, redrawn
#
# Every number in the boxes is counted from the participant table. Two splits are reconstructed, not published: the consumers' communities within each wave (the 2018 paper's 2016 counts, used as lower bounds) and the caregivers' split by wave.

# %%
display(inline(save(enrolment_flow(people19, real=real), paths.FIGURES / "fan2019_fig1"),
             "Flow chart of fan2019 Fig. 1, redrawn from " + ("your data" if real else "the synthetic records")
             + ": the providers and consumers recruited in each wave, those evaluated, and those lost with their reasons"))
print("wrote figures/fan2019_fig1.png and .svg" + (" (private output)" if real else ""))

# %% [markdown]
# ## Every number of this stage, judged
#
# For each registry row, the reproduced value is compared with the printed one, rounding half away from zero at the printed decimals. The method the paper names is tried first, then the alternatives. The status is computed. Every row that is not a plain match belongs to a problem (`data/published/explanations.csv`), whose note the report renders from computed facts. The `evidence` column says how strong each result is: `published` rows (the tests of the printed tables, the percentages of printed counts) are recomputed from printed numbers alone; `by_construction` rows are counts, means and SDs the reconstruction was built to give.

# %%
results = enrolment.results(registry, computed, explanations, parameters, real_data=real)
results["status"].value_counts()

# %%
flagged = results[results["status"].isin(["mismatch", "match_other_method"])]
flagged.merge(registry[["id", "printed"]], on="id")[["id", "printed", "reproduced", "status", "method", "note"]]

# %%
write_results("01_enrolment", results)
print("wrote reports/results/01_enrolment.csv" + (" (private output)" if real else ""))

# %% [markdown]
# ## Last cell: every number has its expected status
#
# This cell fails if:
# - any registry row of this stage has no result;
# - in the published reproduction, a computed status is not one its problem explains (`match`, unless `explanations.csv` assigns the row to a problem that explains another);
# - the reconstructed data break a published count;
# - in the published reproduction, the policy that explains every printed p, or the non-significant comparisons, stop holding.
#
# That a rerun gives the same data is checked by the tests: `tests/test_pipeline.py` reruns every notebook in a scratch copy and requires byte-identical outputs.
#
# The expected statuses apply to the default parameters, which are the published reproduction.

# %%
summary = check_stage(results, registry, enrolment.STAGE, explanations)
if context.mode() == "repository":  # the published reproduction
    assert int(policies.set_index("exact_p").loc["small_expected_2x2", "only another test"]) == 0
    assert (comparisons.loc[comparisons["comparison"] == "initial vs later", "p"] > threshold).all()
print(summary)
