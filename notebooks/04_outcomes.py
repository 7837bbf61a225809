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
# # 04 · Outcomes: satisfaction and perceived benefit
#
# **Papers**
# - Fan Y, Ma N, Ma L, Xu W, Lamberti JS, Caine ED. A community-based peer support service for persons with severe mental illness in China. *BMC Psychiatry* 2018;18:170. doi:10.1186/s12888-018-1763-2
# - Fan Y, Ma N, Ma L, Zhang W, Xu W, Shi R, Chen H, Lamberti JS, Caine ED. Feasibility of peer support services among people with severe mental illness in China. *BMC Psychiatry* 2019;19:360. doi:10.1186/s12888-019-2334-x
#
# **What this notebook reproduces**
# - 2018 Abstract and Results, *Service satisfaction* and *Service perceived benefit* (December 2014, first two communities): each yes count, its percentage and its χ²(1), and which test and which n produced each printed statistic.
# - 2019 Table 2 (provider satisfaction), Table 3 (perceived benefit, providers vs consumers, with the χ² for work skill), Table 4 (consumer satisfaction), the caregivers, the initial-vs-later comparisons (the t tests on service punctuality and richness of activity topic, and the χ² on mood), the conservative count of satisfied consumers among all recruited, and the Bonferroni correction.
# - A figure of Table 3 (`figures/fan2019_fig_benefit.png` and `.svg`).
#
# **Published, reconstructed, and what depends on what.** Only counts, percentages, means and SDs are published. The interview records (`data/reconstructed/interviews.csv`, one row per respondent and question, linked to the participant tables) are rebuilt by `analysis/reconstruct/interview_records.py`:
# - yes/no answers carry exactly the printed counts; who answered yes is chosen with the seed;
# - ratings come from a complete enumeration of every sample with the printed n, bounds, mean and SD, together with every split between initial and later communities.
#
# **Independent of the reconstruction** (from the printed numbers alone):
# - the 2018 tests and the typo and copy behind two of them;
# - the work-skill χ²;
# - the GRIM/GRIMMER findings (the consumer ratings come from fewer people than were interviewed; the providers' confidence score needs half-point answers);
# - the fact that the printed t values are Welch's (shown over *every* sample and split).
#
# The initial-vs-later p-values other than the printed ones depend on the reconstruction.

# %%
import pandas as pd

from analysis.checks import granularity_audit
from analysis.io import context, paths
from analysis.io.annotations import load_explanations, stage_sections
from analysis.io.files import atomic_write_text
from analysis.io.interviews import read_interviews, write_interviews
from analysis.io.participants import read_participants
from analysis.io.questionnaire import (
    CAREGIVER_QUESTIONS,
    CONSUMER_RATINGS,
    PROVIDER_RATINGS,
    TABLE3_ITEMS,
)
from analysis.io.registry import load_registry
from analysis.reconstruct.interview_records import reconstruct_interviews
from analysis.report import paragraphs_outcomes as outcome_paragraphs
from analysis.report.figures import benefit_by_group, inline, save
from analysis.report.prose import say, typeset
from analysis.report.results import check_stage, write_results
from analysis.stages import outcome_tables as tables
from analysis.stages import outcomes

pd.set_option("display.max_colwidth", 70)
pd.set_option("display.width", 170)

# %% tags=["parameters"]
# Parameters (papermill). The defaults are the published reproduction.
data_dir = ""  # folder with interviews.csv and the participant files (your data); empty: the synthetic records
seed = 20130701  # seed of the synthetic records
multiple_testing = "bonferroni"  # correction across a family of tests: "bonferroni", "holm" or "none"
exact_p = "never"  # providers vs consumers, report Fisher's exact p: "never", "small_expected", "small_expected_2x2", "always"

# %%
# checks every parameter (notebooks/parameters.csv) and routes the outputs: only the published run writes the repository's
real = context.begin("04_outcomes", data_dir=data_dir, seed=seed, multiple_testing=multiple_testing, exact_p=exact_p)
registry = load_registry()
explanations = load_explanations()
folder = context.data_folder(data_dir) if data_dir else paths.RECORDS
people = {paper: read_participants(context.existing(folder / f"{paper}_participants.csv"), registry)  # notebook 01's, if not remade here
          for paper in ("fan2018", "fan2019")}
if data_dir:
    interviews = read_interviews(folder / "interviews.csv", people)
    source = "your data"
else:
    interviews = reconstruct_interviews(people["fan2018"], people["fan2019"], registry, seed)
    source = f"synthetic (seed {seed})"
    write_interviews(interviews, paths.RECORDS / "interviews.csv", people)
summary = tables.summarise(interviews)
print(f"{len(interviews)} answers from {interviews['person_id'].nunique()} respondents: {source}")
interviews.groupby(["paper", "role"])["person_id"].nunique().to_frame("respondents")

# %% [markdown]
# ## fan2018 · Which test, which n?
#
# The paper prints, for each yes/no question, a count, a percentage and χ²(1). A χ² with one degree of freedom on a single yes/no question is a goodness-of-fit test. The obvious null is an equal split of yes and no. The text says some consumers were not assessed, so there are two candidate n's for the consumers: all of them (as the percentages are) or those assessed. Every variant:

# %%
tests18 = tables.fan2018_tests(interviews)
atomic_write_text(paths.TABLES / "fan2018_outcomes.csv", tests18.to_csv(index=False, lineterminator="\n", float_format="%.6g"))
tests18.round(3)

# %%
readings18 = tables.fan2018_readings(tests18, registry).set_index("question")
readings_said = outcome_paragraphs.readings_of_n(readings18, typeset(registry, "fan2018.results.satisfied_with_peers.consumers.percent"))
readings_said.table()

# %% tags=["remove-input"]
say(readings_said.text)
# %% [markdown]
# ## fan2019 Table 2 · Provider satisfaction

# %%
provider_items = ["overall_satisfied_with_the_peer_service", *PROVIDER_RATINGS,
                  "qualified_to_be_peer_service_providers", "feel_stressful_to_be_peer_service_providers",
                  "willing_to_continue", "confidence"]
table2 = tables.layout(summary, "fan2019", "peer", provider_items)
atomic_write_text(paths.TABLES / "fan2019_table2.csv", table2.to_csv(index=False, lineterminator="\n"))
table2

# %% [markdown]
# ### Can the printed means come from the printed n?
#
# GRIM asks whether a mean of n whole-number answers can round to the printed mean; GRIMMER adds the SD (exactly, with the scale's bounds). All numbers below are printed ones.

# %%
checks = granularity_audit.granularity_checks(registry)
checks = checks[checks["id"].str.match(r"^fan2019\.table[24]\.") & checks["check"].isin(["GRIM", "GRIMMER"])]
atomic_write_text(paths.TABLES / "fan2019_granularity.csv", checks.to_csv(index=False, lineterminator="\n"))
checks

# %% [markdown]
# ### Percentages against their counts
#
# Every printed percentage of this stage, checked against its printed count and denominator (`counts_that_fit`: the counts of n that round to the printed percentage).

# %%
percents = granularity_audit.percent_checks(registry, stage_sections(registry, outcomes.STAGE))
print(f"{len(percents)} percentages, {int((~percents['consistency']).sum())} inconsistent")
percents[~percents["consistency"]]

# %%
slips_said = outcome_paragraphs.percent_slips(percents)

# %% tags=["remove-input"]
say(slips_said.text)
# %% [markdown]
# ### Back to the means
#
# The table of GRIM and GRIMMER checks above shows which printed means and SDs are impossible for their n; they fall in two groups, the providers' confidence and the consumers' ratings.

# %%
confidence = "fan2019.table2.confidence.peers"
confidence_said = outcome_paragraphs.confidence_question(typeset(registry, f"{confidence}.mean"), typeset(registry, f"{confidence}.sd"),
                                                         checks.set_index("id").loc[f"{confidence}.mean"])
n_providers = confidence_said.facts["n"]
confidence_said.table()

# %% tags=["remove-input"]
say(confidence_said.text)
# %%
alternatives = granularity_audit.confidence_alternatives(registry)
alternatives

# %%
later = granularity_audit.granularity_checks(registry).set_index("id").loc["fan2019.results.confidence_continue.later_peers.mean"]
alternatives_said = outcome_paragraphs.confidence_alternatives(alternatives, n_providers, later,
                                                               checks[checks["id"].str.startswith("fan2019.table4.")])
n_header = alternatives_said.facts["Table 4 header n"]
alternatives_said.table()

# %% tags=["remove-input"]
say(alternatives_said.text)
# %%
scan = granularity_audit.consumer_rating_n(registry)
common = set.intersection(*scan["grimmer_ns"].map(set))
print(f"n consistent with all five means and SDs (30-60): {sorted(common)}")
scan

# %% [markdown]
# Only the n printed above fits all the items, fewer than the consumers interviewed that the table's header gives: some consumers interviewed most likely gave no ratings. The reconstruction leaves that many initial consumers' ratings blank, and every mean and SD of the table is judged with that one n (`match_other_method`: the header's n is not the n who rated).
#
# ## How free are the ratings? Every sample, every split
#
# For each rating item: how many (sum, sum of squares) pairs, and how many distinct samples (multisets of answers), give the printed mean and SD. The enumeration is complete (checked against brute force in the tests).

# %%
items = tables.rating_items(registry, consumers=max(common))
freedom = tables.rating_freedom(items)
atomic_write_text(paths.TABLES / "fan2019_rating_freedom.csv", freedom.to_csv(index=False, lineterminator="\n"))
freedom

# %% [markdown]
# The table above counts, for each item, the samples that fit: some provider ratings are fixed completely by their mean and SD, while others leave several.
#
# ### The two printed t tests
#
# Consumers from the later communities rated service punctuality and richness of activity topic higher (the printed t and p are in the table below). Which t is it? Over **every** sample of ratings (by the consumers who rated) with the printed mean and SD, and **every** split between the initial and the later consumers:

# %%
later_rated = int(((interviews["question"] == "service_punctuality") & (interviews["wave"] == "later") & (interviews["answer"] != "")).sum())
t_range = tables.t_freedom(registry, max(common), later_rated)
atomic_write_text(paths.TABLES / "fan2019_t_freedom.csv", t_range.to_csv(index=False, lineterminator="\n", float_format="%.6g"))
t_range.round(3)

# %%
t_said = outcome_paragraphs.rating_t_tests(t_range, later_rated)
t_said.table()

# %% tags=["remove-input"]
say(t_said.text)
# %% [markdown]
# ## Initial vs later communities, with the correction for multiple tests

# %%
waves = tables.wave_ratings(interviews, multiple_testing)
print(f"consumer ratings, initial vs later (Welch t), correction: {multiple_testing}")
waves[["question", "mean_initial", "mean_later", "welch", "p_welch", "p_adjusted", "significant"]].round(4)

# %%
survivors_said = outcome_paragraphs.wave_survivors(interviews, len(waves))
survivors_said.table()

# %% tags=["remove-input"]
say(survivors_said.text)
# %% [markdown]
# ## fan2019 Table 3 · Perceived benefit, providers vs consumers

# %%
comparisons = tables.benefit_comparisons(interviews, multiple_testing, exact_p)
table3 = pd.concat([tables.layout(summary, "fan2019", role, TABLE3_ITEMS).set_index("item")["N (%)"].rename(role)
                    for role in ("peer", "consumer")], axis=1)
atomic_write_text(paths.TABLES / "fan2019_table3.csv", table3.to_csv(lineterminator="\n"))
display(table3)
print(f"{tables.p_label(exact_p)} p, corrected by {multiple_testing}; significant: {comparisons.loc[comparisons['significant'], 'question'].tolist()}")
comparisons.round(4)

# %%
work = "fan2019.results.improve_work_skill.peers_vs_consumers"
benefit_said = outcome_paragraphs.benefit_choices(interviews, comparisons, tables.item_labels(registry),
                                                  {q: typeset(registry, f"{work}.{q}") for q in ("statistic", "p")})
benefit_said.table()

# %% tags=["remove-input"]
say(benefit_said.text)
# %%
display(inline(save(benefit_by_group(comparisons, providers=tables.respondents(summary, "peer", TABLE3_ITEMS[0]),
                                   consumers=tables.respondents(summary, "consumer", TABLE3_ITEMS[0]),
                                   labels=tables.item_labels(registry)), paths.FIGURES / "fan2019_fig_benefit"),
             "Bar chart of fan2019 Table 3 drawn: the share of providers and of consumers who answered yes to each "
             "perceived benefit, items whose corrected difference is significant marked"))
print("wrote figures/fan2019_fig_benefit.png and .svg")

# %% [markdown]
# ## fan2019 Table 4 · Consumer satisfaction, and the caregivers

# %%
table4 = tables.layout(summary, "fan2019", "consumer", ["overall_satisfied_with_the_peer_service_providers_and_service",
                       *CONSUMER_RATINGS, "continuous_participation_willingness"])
atomic_write_text(paths.TABLES / "fan2019_table4.csv", table4.to_csv(index=False, lineterminator="\n"))
display(table4)
carers = tables.layout(summary, "fan2019", "caregiver", list(CAREGIVER_QUESTIONS))
atomic_write_text(paths.TABLES / "fan2019_caregivers.csv", carers.to_csv(index=False, lineterminator="\n"))
carers

# %%
conservative = "fan2019.results.satisfied_all_recruited.consumers"
conservative_said = outcome_paragraphs.conservative_share(
    int(typeset(registry, f"{conservative}.count")), typeset(registry, f"{conservative}.percent"),
    int((people["fan2019"]["role"] == "consumer").sum()),
    tables.respondents(summary, "consumer", "overall_satisfied_with_the_peer_service_providers_and_service"))
conservative_said.table()

# %% tags=["remove-input"]
say(conservative_said.text)
# %% [markdown]
# ## Every number of this stage, judged

# %%
results = outcomes.results(registry, interviews, people["fan2019"], explanations, real_data=real)
flagged = results[results["status"] != "match"]
display(results["status"].value_counts())
flagged.merge(registry[["id", "printed"]], on="id")[["id", "printed", "reproduced", "status", "method"]]

# %%
write_results("04_outcomes", results)
print("wrote reports/results/04_outcomes.csv")

# %% [markdown]
# ## Last cell: every number has its expected status

# %%
summary = check_stage(results, registry, outcomes.STAGE, explanations)
assert len(common) == 1  # one n fits every item,
assert max(common) < n_header  # below the header's n
assert set(percents.loc[~percents["consistency"], "id"]) <= set(explanations.index[explanations["statuses"].str.split().map(lambda s: "mismatch" in s)])
if not real:  # with your data, the later group's size is your data's, and the splits differ
    assert (t_range["pooled_matching"] == 0).all()
    assert (t_range["welch_matching"] > 0).all()
print(summary)
