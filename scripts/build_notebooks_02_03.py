"""Write notebooks 02 and 03 from their cell sources (run once; the notebooks are then the
source, executed in place by ``python -m analysis.run``)."""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
CITE18 = ("Fan Y, Ma N, Ma L, Xu W, Lamberti JS, Caine ED. A community-based peer support "
          "service for persons with severe mental illness in China. *BMC Psychiatry* "
          "2018;18:170. doi:10.1186/s12888-018-1763-2")
CITE19 = ("Fan Y, Ma N, Ma L, Zhang W, Xu W, Shi R, Chen H, Lamberti JS, Caine ED. Feasibility "
          "of peer support services among people with severe mental illness in China. *BMC "
          "Psychiatry* 2019;19:360. doi:10.1186/s12888-019-2334-x")


def notebook(cells):
    nb = new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python",
                                  "name": "python3"},
                   "language_info": {"name": "python"}}
    out = []
    for kind, source, *tags in cells:
        cell = new_markdown_cell(source) if kind == "md" else new_code_cell(source)
        if tags:
            cell.metadata["tags"] = tags
        cell.pop("id", None)
        out.append(cell)
    nb.cells = out
    nb.nbformat_minor = 4
    return nb


NB02 = [
    ("md", f"""# 02 · Service process: sessions by community and period

**Papers**
- {CITE18}
- {CITE19}

**What this notebook reproduces**
- 2018 Results, *Service process*: 214 sessions from July 2013 to June 2016, the number of sessions per community per six-month period (Fig. 1) and its test, χ²(15) = 48.75, p < 0.001; the stated session frequencies, durations (40 to 120 min), formats and staffing of a session.
- 2019 Methods, *Peer support service intervention*: the same 214 services, 98.6% in groups, the interval between services, the provider:consumer ratio.
- Fig. 1, redrawn as `figures/fan2018_fig1.png` and `.svg`.

**Published, reconstructed, and what depends on what.** The papers print the total, the test and the frequencies in words; the bar heights of Fig. 1 are *not printed*. This notebook therefore (1) turns every stated constraint into bounds on each cell, (2) characterises **all** tables that meet them (how many, and the range of every cell), and (3) chooses one as the reconstruction, from which session-level records are built in `data/reconstructed/fan2018_sessions.csv`. Dates within a period, categories per session, formats, durations and which sessions were individual are reconstructed assumptions (see `analysis/sessions.py`). The conclusions that do **not** depend on the choice: the constraints can be met together (only with a loose reading of "once or twice each week"); the structural zeros, not differences between running communities, carry the significant χ² (true for every feasible table, shown below)."""),
    ("code", """import numpy as np
import pandas as pd

from analysis import figure_values, paths, service, sessions
from analysis.figures import save, sessions_by_period
from analysis.judge import load_explanations, unexpected_statuses
from analysis.participants import read_participants
from analysis.registry import load_registry, value
from analysis.report import atomic_write_text, write_results
from analysis.stats import chi2_independence

pd.set_option("display.max_colwidth", 90)
pd.set_option("display.width", 160)"""),
    ("code", """# Parameters (papermill). The defaults are the published reproduction.
data_dir = ""  # folder with fan2018_sessions.csv and fan2018_participants.csv (real data); empty: reconstruct
seed = 20130701  # seed of the sampler and of the session records
tolerance = 0.5  # how loosely a stated interval is read, in its own units (0.5: "two weeks" = 1.5-2.5 weeks)
draws = 200000  # tables drawn in the final round of the sampler
fig1_values = ""  # CSV of Fig. 1 values read off the figure (community, period, sessions); empty: reconstruct""", "parameters"),
    ("code", """registry = load_registry()
explanations = load_explanations()
if not isinstance(seed, int) or not isinstance(draws, int) or draws < 1000:
    raise ValueError(f"seed must be an integer and draws an integer >= 1000, not {seed!r}, {draws!r}")
total = int(value(registry, "fan2018.results.peer_sessions.all_communities.count"))
stem = "fan2018.results.sessions_by_community_period.communities_by_period"
window = sessions.statistic_window(sessions.value_text(registry, f"{stem}.statistic"))
print(f"{total} sessions; the chi-square must lie in [{window[0]:.3f}, {window[1]:.3f})")"""),
    ("md", """## What the text says about each cell

Each sentence about frequency covers some communities and periods (`analysis.sessions.FREQUENCY_RULES`, each with its quote, checked against the paper by the tests). An interval "once every two weeks" over an active span of *L* weeks allows between *L*/(2 + 0.5) and *L*/(2 − 0.5) sessions: the stated number is read the way a printed number is, as anything that rounds to it. Communities that had not started, and Tuanjiehu in the first half of 2015, are **structural zeros**: they could not have had sessions. "The second year" is read as 2014: read as July 2014 to June 2015, it would require sessions in Tuanjiehu in the first half of 2015, which the text rules out."""),
    ("code", """bands = sessions.frequency_bands(registry, tolerance)
low, high = sessions.band_matrices(bands)
shown = bands.assign(allowed=np.where(bands["structural_zero"], "0 (" + bands["rule"] + ")",
                                      bands["low"].astype(str) + "-" + bands["high"].astype(str)))
shown.pivot_table(index="community", columns="period", values="allowed", aggfunc="first").loc[list(sessions.COMMUNITIES)]"""),
    ("md", """### Can the words be taken literally?

Read at face value (tolerance 0), "once or twice each week" means at least one session a week. For the first two communities in 2015–2016 that alone needs the number of sessions below. Add the fewest sessions the other rules allow even when read loosely, and compare with 214."""),
    ("code", """literal = sessions.literal_minimum(registry).set_index("rule")
loose = bands[~bands["structural_zero"]].groupby("rule")["low"].sum()
weekly = "2015-2016, first two communities"
needed = int(literal.loc[weekly, "minimum"] + loose.drop(weekly).sum())
print(f"'{weekly}' read literally needs at least {int(literal.loc[weekly, 'minimum'])} sessions; "
      f"with the other rules at their loosest, at least {needed} in all, against the printed {total}.")
literal"""),
    ("md", """So "once or twice each week" cannot be literal: with 214 sessions, the first two communities met on average less than once a week in some of 2015–2016. (The exact "once every two weeks" is not literal either: 26 weeks do not divide into fortnights, hence `maximum` < `minimum` for the second year at tolerance 0.) The reconstruction uses the loose reading.

## How many tables fit?

Count exactly the tables within the bands that sum to 214 (dynamic programming). Then add the χ² constraint: among those, estimate how many give a Pearson χ² that rounds to 48.75, by importance sampling (method in `analysis/sessions.py`: tables drawn exactly from a tuned product distribution conditioned on the total; the last two cells enumerated; weights make the estimate unbiased). Every accepted table is an exact solution (a *witness*)."""),
    ("code", """feasible = sessions.feasible_tables(low, high, total, window, seed=seed, draws=draws)
summary = pd.Series({
    "tables within the bands summing to 214 (exact)": f"{feasible.band_tables:,}",
    "of which chi-square rounds to 48.75 (estimate)": f"{feasible.estimate:.3g}",
    "95% interval of the estimate": f"{feasible.low:.3g} to {feasible.high:.3g}",
    "share of band tables": f"{feasible.estimate / feasible.band_tables:.2e}",
    "distinct witnesses found": f"{len(feasible.witnesses):,}",
}, name="value")
summary.to_frame()"""),
    ("md", """Hundreds of millions of tables agree with every number the text prints: the text does not determine Fig. 1. The range of every cell over the witnesses follows (an inner bound: every value in it is realised by an exact solution; the stated band is the outer bound)."""),
    ("code", """if fig1_values:
    table = figure_values.read_fig1_values(paths.ROOT / fig1_values)
    source = f"read off the figure ({fig1_values})"
else:
    table = sessions.choose_table(feasible, registry)
    source = f"reconstructed (seed {seed})"
ranges = service.cell_ranges(feasible, bands, table)
atomic_write_text(paths.TABLES / "fan2018_fig1_ranges.csv", ranges.to_csv(index=False, lineterminator="\\n", float_format="%.4f"))
ranges.assign(range=ranges["feasible_min"].astype(str) + "-" + ranges["feasible_max"].astype(str)).pivot_table(
    index="community", columns="period", values="range", aggfunc="first").loc[list(sessions.COMMUNITIES)]"""),
    ("md", """## The table used here

Without values read off the figure, the reconstruction is the witness nearest the weighted mean of all witnesses, among those whose two first-period intervals span the printed "one or two months". With `fig1_values`, the digitised table is used instead. Either way, it is checked against everything the text states."""),
    ("code", """print(f"Fig. 1 values: {source}")
checks = figure_values.check_fig1(table, bands, registry)
display(sessions.table_frame(table).assign(total=lambda t: t.sum(axis=1)))
checks"""),
    ("md", """## Session records

One row per session, built from the table (`analysis.sessions.reconstruct_sessions`), or read from `data_dir` with real data (validated; nothing record-level is then written into the repository)."""),
    ("code", """if data_dir:
    records = sessions.read_sessions(paths.ROOT / data_dir / "fan2018_sessions.csv")
    people18 = read_participants(paths.ROOT / data_dir / "fan2018_participants.csv", registry)
    table = sessions.sessions_table(records).to_numpy()
    source = f"real data from {data_dir}"
else:
    from analysis import contents
    records = sessions.reconstruct_sessions(table, contents.choose_counts(registry, total), registry, seed)
    sessions.write_sessions(records, paths.RECONSTRUCTED / "fan2018_sessions.csv")
    people18 = read_participants(paths.RECONSTRUCTED / "fan2018_participants.csv", registry)
print(f"{len(records)} session records: {source}")
records.head()"""),
    ("md", """## Fig. 1's test and its expected counts

The printed χ²(15) is Pearson's test on the full 4 × 6 table, the structural zeros counted as observed zeros: (4 − 1)(6 − 1) = 15 degrees of freedom."""),
    ("code", """counts = sessions.sessions_table(records)
test = chi2_independence(counts)
expected = sessions.expected_counts(counts)
display(test.round(6))
expected.round(1)"""),
    ("md", """### What the structural zeros do to the test

Xiangheyuan and Jingsong could not hold sessions before August 2015, nor Tuanjiehu in the first half of 2015. Counting those nine cells as observed zeros makes "community" and "period" associated by design. The test of **quasi-independence** leaves them out (df = 15 − 9 = 6) and asks only whether communities that were running differed in how their sessions spread over time."""),
    ("code", """effect = service.structural_zero_effect(feasible, bands, table)
atomic_write_text(paths.TABLES / "fan2018_fig1_tests.csv", effect.to_csv(index=False, lineterminator="\\n", float_format="%.6g"))
effect"""),
    ("md", """Among the running communities the association is weak: the quasi-independence test is far from significant for the chosen table, and the last column gives the (weighted) share of all feasible tables for which it would be. The printed p < 0.001 therefore says mainly that two communities started later and one paused, which the text already states; it is not evidence that the communities ran the service differently. This conclusion comes from the whole feasible set, not from the chosen table.

## Frequency per community and year"""),
    ("code", """frequency = service.frequency_by_year(counts)
atomic_write_text(paths.TABLES / "fan2018_session_frequency.csv", frequency.to_csv(index=False, lineterminator="\\n", float_format="%.4f"))
frequency.round(2)"""),
    ("md", """## Durations, formats, group or individual

Only the range of durations (40 to 120 min), the list of formats and the share of group sessions (98.6%) are published; the distributions below are **reconstructed** (assumptions in `analysis/sessions.py`), shown so a student can see what the records hold."""),
    ("code", """display(records["duration_min"].describe().to_frame("duration (min)").T.round(1))
display(records["format"].value_counts().to_frame("sessions"))
records["mode"].value_counts().to_frame("sessions")"""),
    ("md", """## Fig. 1, redrawn

Bars are the table used here (reconstructed unless digitised values are given); whiskers show the range over every feasible table found."""),
    ("code", """if not data_dir:
    save(sessions_by_period(ranges, source), paths.FIGURES / "fan2018_fig1")
    print("wrote figures/fan2018_fig1.png and .svg")
else:
    print("real data: figure not written into the repository")"""),
    ("md", """## Every number of this stage, judged

A printed number that the reconstruction was built to satisfy has role `constraint` (a match shows the construction worked); `derived` numbers follow from the data without being imposed. Rows whose inputs are not published are `not_reproducible`, with the reason from `data/published/explanations.csv`."""),
    ("code", """results = service.process_results(registry, records, people18, explanations)
results["status"].value_counts()"""),
    ("code", """flagged = results[results["status"] != "match"]
flagged.merge(registry[["id", "printed"]], on="id")[["id", "printed", "reproduced", "status", "note"]]"""),
    ("md", """The one mismatch, the provider:consumer ratio of at most 1:5, is computed from published counts only (2018 Table 1, 2016): Maizidian had 2 peers for 15 consumers. It does not depend on the reconstruction."""),
    ("code", """if not data_dir:
    write_results("02_service_process", results)
    print("wrote reports/results/02_service_process.csv")"""),
    ("md", """## Last cell: every number has its expected status

Fails if a registry row of this stage has no result, if a status drifts from the expected one (under the default parameters), if the chosen table breaks a stated constraint, or if the records do not give back the table."""),
    ("code", """selected = service.rows_for(registry, service.PROCESS_ROWS)
assert results["id"].tolist() == selected["id"].tolist()
assert "pending" not in set(results["status"])
assert (sessions.sessions_table(records).to_numpy() == np.asarray(table)).all()
if not data_dir and not fig1_values and tolerance == 0.5:
    assert checks["ok"].all(), checks
    assert feasible.low > 0 and len(feasible.witnesses) > 100
    drift = unexpected_statuses(results, explanations)
    assert drift.empty, drift.to_string()
print(f"{len(results)} numbers: " + ", ".join(f"{k} {v}" for k, v in results["status"].value_counts().items()))"""),
]

NB03 = [
    ("md", f"""# 03 · Service content: the eight categories

**Papers**
- {CITE18}
- {CITE19}

**What this notebook reproduces**
- 2018 Results, *Service contents*: eight categories of consumers' needs, all addressed in three years; the top three, fine motor skill practice and exercise (19%), daily life skills study (16%) and emotional support (15%); Fig. 2, the proportion of each category, redrawn as `figures/fan2018_fig2.png` and `.svg`.
- 2019 Methods: the same eight options and top three.

**Published, reconstructed, and what depends on what.** Only three of the eight shares are printed. With 214 sessions each printed whole percent allows two counts; the other five categories are each at least one session and below the third. This notebook counts **every** count vector that fits and gives each category's range; the reconstruction (in `data/reconstructed/fan2018_sessions.csv`, written by notebook 02) takes the counts nearest the printed shares and splits the rest evenly. Shares by community and year are entirely reconstructed and marked as such."""),
    ("code", """import pandas as pd

from analysis import contents, figure_values, paths, service, sessions
from analysis.figures import category_shares, save
from analysis.judge import load_explanations, unexpected_statuses
from analysis.registry import load_registry, value
from analysis.report import atomic_write_text, write_results

pd.set_option("display.max_colwidth", 90)
pd.set_option("display.width", 160)"""),
    ("code", """# Parameters (papermill). The defaults are the published reproduction.
data_dir = ""  # folder with fan2018_sessions.csv (real data); empty: the reconstruction of notebook 02
fig2_values = ""  # CSV of Fig. 2 shares read off the figure (category, percent); empty: from the records""", "parameters"),
    ("code", """registry = load_registry()
explanations = load_explanations()
folder = paths.ROOT / data_dir if data_dir else paths.RECONSTRUCTED
records = sessions.read_sessions(folder / "fan2018_sessions.csv")
total = len(records)
print(f"{total} session records from {'real data in ' + data_dir if data_dir else 'the reconstruction'}")"""),
    ("md", """## Every category vector the text allows

Exact enumeration: each printed share fixes its count to those that round to it; each unprinted category gets 1 up to one less than the smallest printed count; all sum to 214."""),
    ("code", """number, possible = contents.category_vectors(registry, total)
print(f"{number:,} category count vectors fit the text")
possible.round(1)"""),
    ("md", """Each unprinted category could hold anything from under 1% to just under 15% of sessions: the text says almost nothing about them.

## Shares"""),
    ("code", """if fig2_values:
    percent = figure_values.read_fig2_values(paths.ROOT / fig2_values)
    shares = contents.shares(records["category"]).drop(columns="sessions")
    shares["percent"] = shares["category"].map(percent).fillna(0.0)
    shares = shares.sort_values("percent", ascending=False, kind="stable").reset_index(drop=True)
    source = f"read off the figure ({fig2_values})"
else:
    percent = None
    shares = contents.shares(records["category"])
    source = "reconstructed" if not data_dir else f"real data from {data_dir}"
checks = contents.check_shares(shares.set_index("category")["percent"], registry)
print(f"shares: {source}; top three: {contents.top_categories(shares)}")
display(shares.round(2))
checks"""),
    ("md", """## By community and year (reconstructed)

The papers give no breakdown. In the reconstruction categories are spread over communities and periods as evenly as integers allow, so these tables show no real pattern; they show what the records hold."""),
    ("code", """by_community = pd.crosstab(records["category"], records["community"], normalize="columns").mul(100)
by_year = pd.crosstab(records["category"], records["date"].str[:4], normalize="columns").mul(100)
display(by_community.round(1))
by_year.round(1)"""),
    ("md", """## Fig. 2, redrawn

Bars: the shares used here; whiskers: every share the text allows."""),
    ("code", """figure_table = shares.merge(possible[["category", "printed", "min_percent", "max_percent"]], on="category")
figure_table = figure_table[["category", "label", "percent", "printed", "min_percent", "max_percent"]]
atomic_write_text(paths.TABLES / "fan2018_fig2_ranges.csv", figure_table.to_csv(index=False, lineterminator="\\n", float_format="%.4f"))
if not data_dir:
    save(category_shares(figure_table, source), paths.FIGURES / "fan2018_fig2")
    print("wrote figures/fan2018_fig2.png and .svg")
else:
    print("real data: figure not written into the repository")"""),
    ("md", """## Every number of this stage, judged"""),
    ("code", """results = service.content_results(registry, records, explanations, percent)
flagged = results[results["status"] != "match"]
display(results["status"].value_counts())
flagged.merge(registry[["id", "printed"]], on="id")[["id", "printed", "reproduced", "status", "note"]]"""),
    ("code", """if not data_dir:
    write_results("03_service_content", results)
    print("wrote reports/results/03_service_content.csv")"""),
    ("md", """## Last cell: every number has its expected status"""),
    ("code", """selected = service.rows_for(registry, service.CONTENT_ROWS)
assert results["id"].tolist() == selected["id"].tolist()
assert "pending" not in set(results["status"])
if not data_dir and not fig2_values:
    assert checks["ok"].all(), checks
    drift = unexpected_statuses(results, explanations)
    assert drift.empty, drift.to_string()
    assert number > 0
print(f"{len(results)} numbers: " + ", ".join(f"{k} {v}" for k, v in results["status"].value_counts().items()))"""),
]

if __name__ == "__main__":
    for name, cells in (("02_service_process", NB02), ("03_service_content", NB03)):
        nbformat.write(notebook(cells), ROOT / "notebooks" / f"{name}.ipynb")
        print(f"wrote notebooks/{name}.ipynb")
