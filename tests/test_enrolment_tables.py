"""Unit tests of analysis/stages/enrolment_tables.py: fan2018 Tables 1-2, fan2019 Table 1,
response rates, group comparisons and caregivers, each computed on a handful of participants
built here and checked against counts made by hand and tests run with :mod:`scipy.stats`
directly; and the freedom left in fan2018's ages, against pairs enumerated here."""

from __future__ import annotations

import io
import itertools
import math
from decimal import ROUND_HALF_UP, Decimal, localcontext

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from analysis.io.design import COMMUNITIES
from analysis.stages import enrolment_tables as et

COLUMNS = ["paper", "person_id", "role", "community", "wave", "year_enrolled", "year_left",
           "sex", "age", "education", "marital_status", "employed", "diagnosis", "lives_alone",
           "onset_age", "evaluated", "followup_month", "dropout_reason", "cares_for"]
YEARS = [2013, 2014, 2015, 2016]


def _people(text: str, **defaults: str) -> pd.DataFrame:
    """Participants from a small CSV; the columns it leaves out are empty (or ``defaults``)."""
    given = pd.read_csv(io.StringIO(text.strip()), dtype=str, keep_default_na=False)
    for column in COLUMNS:
        if column not in given:
            given[column] = defaults.get(column, "")
    return given[COLUMNS]


#: fan2018: three peers and four consumers described (ages), a consumer who is not, a carer.
FAN2018 = _people("""
person_id,role,sex,education,marital_status,employed,diagnosis,age
p1,peer,male,junior_college,married,yes,schizophrenia,30
p2,peer,male,senior_high_school,single_never_married,no,schizophrenia,40
p3,peer,female,junior_college,married,no,schizophrenia,53
c1,consumer,female,senior_high_school,divorced,no,schizophrenia,45
c2,consumer,female,senior_high_school,divorced,no,schizophrenia,50
c3,consumer,male,junior_college,married,no,schizophrenia,52
c4,consumer,female,senior_high_school,widowed,yes,schizophrenia,58
c5,consumer,male,,,,,
g1,caregiver,female,,,,,70
""", paper="fan2018", community="tuanjiehu", wave="initial")

#: fan2019: four peers and eight consumers in two waves, some lost to follow-up.
FAN2019 = _people("""
person_id,role,wave,evaluated,sex,education,marital_status,lives_alone,employed,diagnosis,age,onset_age
p1,peer,initial,yes,female,high_school,never_married,no,yes,schizophrenia,30,20
p2,peer,initial,yes,male,some_college,currently_married,no,no,schizophrenia,41,22
p3,peer,later,yes,male,high_school,never_married,yes,no,bipolar_disorder,35,18
p4,peer,later,no,female,college_or_above,divorced_or_separated,no,no,schizophrenia,50,30
c1,consumer,initial,yes,female,le_middle_school,never_married,no,no,schizophrenia,44,21
c2,consumer,initial,yes,male,high_school,currently_married,no,no,schizophrenia,52,25
c3,consumer,initial,no,female,high_school,never_married,yes,no,bipolar_disorder,39,19
c4,consumer,initial,no,male,some_college,divorced_or_separated,no,yes,schizophrenia,58,33
c5,consumer,later,yes,male,high_school,never_married,no,no,schizophrenia,47,24
c6,consumer,later,yes,male,le_middle_school,currently_married,no,no,schizophrenia,55,28
c7,consumer,later,no,female,high_school,never_married,no,no,schizophrenia,36,17
c8,consumer,later,yes,male,some_college,never_married,yes,no,schizophrenia,61,40
g1,caregiver,initial,yes,female,,,,,,66,
""", paper="fan2019", community="tuanjiehu")


def test_peers_and_consumers_leave_out_caregivers_and_the_undescribed():
    assert et.peers_and_consumers(FAN2018)["person_id"].tolist() == [
        "p1", "p2", "p3", "c1", "c2", "c3", "c4", "c5"]
    assert "c5" not in set(et.described_patients(FAN2018)["person_id"])
    assert len(et.described_patients(FAN2018)) == 7
    assert et.described_patients(FAN2018.iloc[:0]).empty


def test_study_years_run_from_the_first_start_to_the_last_enrolment_year():
    # communities.csv: the first start is 2013-07-01; record_columns.csv: year_enrolled <= 2016
    assert et.study_years() == range(2013, 2017)


def _enrolled(*people: tuple[str, str, str, int, str]) -> pd.DataFrame:
    rows = "\n".join(",".join(map(str, p)) for p in people)
    return _people("person_id,role,community,year_enrolled,year_left\n" + rows,
                   paper="fan2018", wave="initial")


@pytest.mark.parametrize(("enrolled", "left", "counted"), [
    (2013, "", YEARS),
    (2014, 2016, [2014, 2015]),
    (2015, 2015, []),  # left in the year of enrolment: never counted
    (2016, "", [2016]),
])
def test_fan2018_table1_counts_a_person_until_the_year_before_leaving(enrolled, left, counted):
    table = et.fan2018_table1(_enrolled(("c1", "consumer", "maizidian", enrolled, left)))
    expected = [int(year in counted) for year in YEARS]
    assert table.loc[("consumer", "maizidian")].tolist() == expected
    assert table.loc[("consumer", "total")].tolist() == expected
    assert table.loc["peer"].to_numpy().sum() == 0


def test_fan2018_table1_lays_out_roles_communities_and_totals():
    people = _enrolled(("p1", "peer", "tuanjiehu", 2013, ""), ("p2", "peer", "tuanjiehu", 2013,
                       2015), ("p3", "peer", "jingsong", 2015, ""),
                       ("c1", "consumer", "xiangheyuan", 2016, ""),
                       ("g1", "caregiver", "tuanjiehu", 2013, ""))
    table = et.fan2018_table1(people)
    rows = [*COMMUNITIES, "total"]
    assert table.index.tolist() == [("peer", c) for c in rows] + [("consumer", c) for c in rows]
    assert table.index.names == ["role", "community"]
    assert table.columns.tolist() == YEARS
    assert table.loc[("peer", "tuanjiehu")].tolist() == [2, 2, 1, 1]
    assert table.loc[("peer", "jingsong")].tolist() == [0, 0, 1, 1]
    assert table.loc[("peer", "total")].tolist() == [2, 2, 2, 2]
    assert table.loc[("consumer", "total")].tolist() == [0, 0, 0, 1]
    assert table.loc[("peer", "maizidian")].tolist() == [0, 0, 0, 0]  # nobody: a zero row


def test_fan2018_table1_of_nobody_is_all_zero():
    table = et.fan2018_table1(_enrolled().iloc[:0])
    assert table.shape == (2 * (len(COMMUNITIES) + 1), len(YEARS))
    assert table.to_numpy().sum() == 0


def _table1(peer: list[list[int]], consumer: list[list[int]]) -> pd.DataFrame:
    blocks = []
    for role, counts in (("peer", peer), ("consumer", consumer)):
        block = pd.DataFrame(counts, index=list(COMMUNITIES), columns=YEARS)
        block.loc["total"] = block.sum()
        block.index = pd.MultiIndex.from_product([[role], block.index])
        blocks.append(block)
    return pd.concat(blocks)


def test_fan2018_table1_tests_are_scipys_on_the_rows_and_years_with_anyone():
    peer = [[2, 2, 1, 0], [0, 1, 1, 0], [0, 0, 3, 0], [0, 0, 0, 0]]  # 2016 and jingsong empty
    consumer = [[5, 6, 7, 8], [4, 4, 5, 6], [0, 0, 2, 3], [0, 0, 1, 4]]
    tests = et.fan2018_table1_tests(_table1(peer, consumer))
    assert tests.index.tolist() == ["peer", "consumer"]
    kept = {"peer": np.array(peer)[:3, :3], "consumer": np.array(consumer)}
    for role, counts in kept.items():
        pearson = sps.chi2_contingency(counts, correction=False)
        ratio = sps.chi2_contingency(counts, correction=False, lambda_="log-likelihood")
        row = tests.loc[role]
        assert row["pearson"] == pytest.approx(pearson.statistic)
        assert row["p_pearson"] == pytest.approx(pearson.pvalue)
        assert row["df"] == (counts.shape[0] - 1) * (counts.shape[1] - 1)
        assert row["lr"] == pytest.approx(ratio.statistic)
        assert row["p_lr"] == pytest.approx(ratio.pvalue)
        assert row["min_expected"] == pytest.approx(pearson.expected_freq.min())
        assert row["cells_expected_lt5"] == (pearson.expected_freq < 5).sum()


@pytest.mark.parametrize("consumer", [
    [[3, 4, 5, 6], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]],  # one community
    [[0, 0, 0, 6], [0, 0, 0, 2], [0, 0, 0, 1], [0, 0, 0, 0]],  # one year
    [[0] * 4] * 4,                                              # nobody
])
def test_fan2018_table1_tests_are_undefined_on_one_row_or_column(consumer):
    peer = [[2, 1, 1, 1], [1, 2, 2, 2], [0, 0, 1, 1], [0, 0, 1, 2]]
    tests = et.fan2018_table1_tests(_table1(peer, consumer))
    assert tests.loc["consumer", "df"] == 0
    for column in et.UNDEFINED_TABLE1:
        assert math.isnan(tests.loc["consumer", column])
    assert tests.loc["peer", "df"] == 9


def test_fan2018_table2_counts_and_percentages_by_hand(registry):
    table = et.fan2018_table2(FAN2018, registry).set_index(["variable", "category"])
    male = table.loc[("sex", "male")]
    assert (male["peer_n"], male["consumer_n"]) == (2, 1)
    assert male["peer_percent"] == pytest.approx(200 / 3)
    assert male["consumer_percent"] == pytest.approx(25.0)  # c5 has no demographics
    assert table.loc[("marital_status", "widowed"), "consumer_n"] == 1
    assert table.loc[("diagnosis", "bipolar_disorder"), "peer_n"] == 0
    categorical = table.drop(index="age", level="variable")
    sums = categorical.groupby(level="variable")[["peer_n", "consumer_n", "peer_percent",
                                                  "consumer_percent"]].sum()
    assert (sums["peer_n"] == 3).all()
    assert (sums["consumer_n"] == 4).all()
    np.testing.assert_allclose(sums[["peer_percent", "consumer_percent"]], 100.0)
    age = table.loc[("age", "mean (SD)")]
    assert age["peer_mean"] == pytest.approx(41.0)
    assert age["peer_sd"] == pytest.approx(np.std([30, 40, 53], ddof=1))
    assert age["consumer_mean"] == pytest.approx(51.25)
    assert age["consumer_sd"] == pytest.approx(np.std([45, 50, 52, 58], ddof=1))


def test_fan2018_table2_of_one_peer_has_no_sd_and_shows_it_so(registry):
    one_peer = FAN2018[~FAN2018["person_id"].isin(["p2", "p3"])]
    table = et.fan2018_table2(one_peer, registry)
    age = table[table["variable"] == "age"].iloc[0]
    assert age["peer_mean"] == 30
    assert math.isnan(age["peer_sd"])
    shown = et.layout_counts(table, 1)
    assert shown.loc[shown["variable"] == "age", "Peer service providers"].item() == "30.00 (n/a)"
    assert shown.loc[shown["category"] == "male", "Peer service providers"].item() == "1 (100.0%)"


def test_fan2018_table2_tests_are_scipys(registry):
    tests = et.fan2018_table2_tests(FAN2018, registry)
    assert tests.index.tolist() == ["sex", "education", "marital_status", "employed",
                                    "diagnosis", "age"]
    tables = {"sex": [[2, 1], [1, 3]],                     # male, female
              "education": [[1, 2], [3, 1]],               # only two levels used: 2 x 2
              "marital_status": [[1, 2, 0, 0], [0, 1, 2, 1]],
              "employed": [[1, 2], [1, 3]]}
    for variable, counts in tables.items():
        row = tests.loc[variable]
        pearson = sps.chi2_contingency(counts, correction=False)
        ratio = sps.chi2_contingency(counts, correction=False, lambda_="log-likelihood")
        assert row["statistic"] == pytest.approx(pearson.statistic)
        assert row["p"] == pytest.approx(pearson.pvalue)
        assert row["lr_statistic"] == pytest.approx(ratio.statistic)
        assert row["min_expected"] == pytest.approx(pearson.expected_freq.min())
        assert row["two_by_two"] == (np.shape(counts) == (2, 2))
        if row["two_by_two"]:
            assert row["df"] == 1
            assert row["p_yates"] == pytest.approx(sps.chi2_contingency(counts).pvalue)
            assert row["p_fisher"] == pytest.approx(sps.fisher_exact(counts).pvalue)
    assert tests.loc["marital_status", "df"] == 3
    assert tests.loc["marital_status", "p_fisher"] == pytest.approx(_fisher_2xc([1, 2, 0, 0],
                                                                             [1, 3, 2, 1]))


def _fisher_2xc(first: list[int], columns: list[int]) -> float:
    """Freeman-Halton exact p of a 2 x c table by enumerating every first row with the same
    margins: the probability of the tables no more likely than the observed one."""
    n, k = sum(columns), sum(first)

    def probability(row):
        return math.prod(math.comb(c, a) for c, a in zip(columns, row, strict=True)) / math.comb(
            n, k)

    tables = [row for row in itertools.product(*(range(c + 1) for c in columns))
              if sum(row) == k]
    observed = probability(first)
    return sum(p for p in map(probability, tables) if p <= observed * (1 + 1e-7))


def test_fan2018_table2_tests_of_a_constant_variable_are_undefined(registry):
    diagnosis = et.fan2018_table2_tests(FAN2018, registry).loc["diagnosis"]  # all schizophrenia
    for column in ("statistic", "p", "p_yates", "lr_statistic", "p_fisher", "min_expected"):
        assert math.isnan(diagnosis[column])
    assert not diagnosis["two_by_two"]


def test_fan2018_table2_age_tests_are_scipys(registry):
    age = et.fan2018_table2_tests(FAN2018, registry).loc["age"]
    peers, consumers = [30, 40, 53], [45, 50, 52, 58]
    pooled = sps.ttest_ind(peers, consumers)
    welch = sps.ttest_ind(peers, consumers, equal_var=False)
    assert age["statistic"] == pytest.approx(pooled.statistic)
    assert age["df"] == 5
    assert age["p"] == pytest.approx(pooled.pvalue)
    assert age["welch_statistic"] == pytest.approx(welch.statistic)
    assert age["p_welch"] == pytest.approx(welch.pvalue)
    # SPSS's Z: (min U - n1 n2 / 2) / sqrt(n1 n2 (n1 + n2 + 1) / 12), no ties here
    u1 = sum(p > c for p in peers for c in consumers)  # 3: 53 exceeds 45, 50 and 52
    u = min(u1, 12 - u1)
    assert age["mann_whitney_z"] == pytest.approx((u - 6) / math.sqrt(12 * 8 / 12))
    assert age["p_mann_whitney"] == pytest.approx(sps.mannwhitneyu(peers, consumers).pvalue)


def test_fan2019_table1_by_hand(registry):
    table = et.fan2019_table1(FAN2019, registry).set_index(["variable", "category"])
    assert table.attrs["n"] == {"consumer": 8, "peer": 4}  # the caregiver is not counted
    assert table.loc[("sex", "female"), ["peer_n", "consumer_n"]].tolist() == [2, 3]
    assert table.loc[("sex", "female"), "consumer_percent"] == pytest.approx(37.5)
    assert table.loc[("lives_alone", "yes"), ["peer_n", "consumer_n"]].tolist() == [1, 2]
    assert table.loc[("education", "college_or_above"), "peer_percent"] == pytest.approx(25.0)
    assert table.loc[("education", "college_or_above"), "consumer_n"] == 0
    # 2 + 4 + 3 + 2 + 2 + 2 categories, then age and onset age
    assert len(table) == 15 + 2
    age, onset = table.loc[("age", "mean (SD)")], table.loc[("onset_age", "mean (SD)")]
    assert age["peer_mean"] == pytest.approx(39.0)
    assert age["peer_sd"] == pytest.approx(np.std([30, 41, 35, 50], ddof=1))
    assert onset["consumer_mean"] == pytest.approx(np.mean([21, 25, 19, 33, 24, 28, 17, 40]))
    assert onset["consumer_sd"] == pytest.approx(np.std([21, 25, 19, 33, 24, 28, 17, 40],
                                                        ddof=1))


def _rates(frame: pd.DataFrame) -> pd.DataFrame:
    return et.response_rates(frame).set_index(["role", "wave"])


def test_response_rates_by_hand_and_scipy():
    rates = _rates(FAN2019)
    assert rates.loc[("peer", "initial"), ["recruited", "completed", "lost"]].tolist() == [2, 2, 0]
    assert rates.loc[("peer", "later"), "percent"] == 50.0
    assert rates.loc[("consumer", "later"), ["recruited", "completed", "lost"]].tolist() == [
        4, 3, 1]
    counts = [[2, 2], [3, 1]]  # consumers: initial 2 yes 2 no, later 3 yes 1 no
    consumer = rates.loc[("consumer", "initial")]
    assert consumer["statistic"] == pytest.approx(sps.chi2_contingency(counts, False).statistic)
    assert consumer["p"] == pytest.approx(sps.chi2_contingency(counts, False).pvalue)
    assert consumer["p_yates"] == pytest.approx(sps.chi2_contingency(counts).pvalue)
    assert consumer["p_fisher"] == pytest.approx(sps.fisher_exact(counts).pvalue)
    assert consumer["p_lr"] == pytest.approx(
        sps.chi2_contingency(counts, False, lambda_="log-likelihood").pvalue)
    # the test is the role's: the same on both waves' rows
    assert rates.loc[("consumer", "later"), "p"] == consumer["p"]


def test_response_rates_when_everyone_completed_have_no_test():
    rates = _rates(FAN2019.assign(evaluated="yes"))
    assert (rates["percent"] == 100.0).all()
    assert rates["p"].isna().all()
    assert rates["p_fisher"].isna().all()


def test_response_rates_of_an_empty_wave_are_undefined():
    rates = _rates(FAN2019[(FAN2019["role"] != "peer") | (FAN2019["wave"] == "initial")])
    assert rates.loc[("peer", "later"), "recruited"] == 0
    assert math.isnan(rates.loc[("peer", "later"), "percent"])


def test_group_comparisons_of_consumers_by_wave_are_scipys():
    result = et.group_comparisons(FAN2019, "wave", "consumer")
    assert result.index.tolist() == ["sex", "education", "marital_status", "lives_alone",
                                     "employed", "diagnosis", "age", "onset_age"]
    sex = [[2, 2], [1, 3]]  # initial, later x female, male
    assert result.loc["sex", "test"] == "pearson"
    assert result.loc["sex", "statistic"] == pytest.approx(sps.chi2_contingency(sex, False)[0])
    assert result.loc["sex", "p"] == pytest.approx(sps.chi2_contingency(sex, False).pvalue)
    assert result.loc["sex", "p_alternative"] == pytest.approx(sps.fisher_exact(sex).pvalue)
    initial, later = [44, 52, 39, 58], [47, 55, 36, 61]
    assert result.loc["age", "test"] == "t"
    assert result.loc["age", "statistic"] == pytest.approx(sps.ttest_ind(initial, later)[0])
    assert result.loc["age", "p"] == pytest.approx(sps.ttest_ind(initial, later).pvalue)
    assert result.loc["age", "p_alternative"] == pytest.approx(
        sps.mannwhitneyu(initial, later).pvalue)


def test_group_comparisons_swap_the_tests_they_lead_with():
    first = et.group_comparisons(FAN2019, "wave", "consumer")
    other = et.group_comparisons(FAN2019, "wave", "consumer", "fisher", "mann_whitney")
    for variable in ("sex", "education", "age", "onset_age"):
        assert other.loc[variable, "p"] == pytest.approx(first.loc[variable, "p_alternative"])
        assert other.loc[variable, "p_alternative"] == pytest.approx(first.loc[variable, "p"])
    assert other.loc["sex", "test"] == "fisher"
    assert other.loc["age", "test"] == "mann_whitney"


def test_group_comparisons_of_a_constant_variable_give_p_one():
    result = et.group_comparisons(FAN2019.assign(employed="no"), "wave", "consumer")
    employed = result.loc["employed"]
    assert (employed["test"], employed["p"], employed["p_alternative"]) == ("constant", 1.0, 1.0)
    assert math.isnan(employed["statistic"])


def test_group_comparisons_with_one_person_in_a_group_have_no_t():
    later = FAN2019[FAN2019["wave"] == "later"]  # one consumer (c7) lost to follow-up
    result = et.group_comparisons(later, "evaluated", "consumer")
    assert math.isnan(result.loc["age", "p"])
    assert result.loc["age", "p_alternative"] == pytest.approx(
        sps.mannwhitneyu([36], [47, 55, 61]).pvalue)


@pytest.mark.parametrize(("people", "by", "groups"), [
    (FAN2019[FAN2019["wave"] == "initial"], "wave", r"\['initial'\]"),
    (FAN2019.assign(evaluated=["yes", "no", ""] * 4 + [""]), "evaluated", r"\['', 'no', 'yes'\]"),
    (FAN2019.iloc[:0], "wave", r"\[\]"),
])
def test_group_comparisons_need_exactly_two_groups(people, by, groups):
    with pytest.raises(ValueError, match=rf"{by} has groups {groups}, need two"):
        et.group_comparisons(people, by, "consumer")


def test_demographic_comparisons_in_long_format():
    long = et.demographic_comparisons(FAN2019)
    assert set(long.columns) == {"comparison", "role", "variable", "test", "statistic", "p",
                                 "p_alternative"}
    assert len(long) == 4 * 8
    assert long.groupby(["comparison", "role"]).size().to_dict() == {
        ("completers vs dropouts, initial", "consumer"): 8,
        ("completers vs dropouts, later", "consumer"): 8,
        ("initial vs later", "consumer"): 8,
        ("initial vs later", "peer"): 8}
    row = long[(long["comparison"] == "completers vs dropouts, initial")
               & (long["variable"] == "age")].iloc[0]
    assert row["p"] == pytest.approx(sps.ttest_ind([39, 58], [44, 52]).pvalue)  # no vs yes
    peers = long[(long["role"] == "peer") & (long["variable"] == "onset_age")].iloc[0]
    assert peers["p"] == pytest.approx(sps.ttest_ind([20, 22], [18, 30]).pvalue)


@pytest.mark.parametrize(("kind", "m"), [("categorical", 6), ("all", 8)])
def test_bonferroni_m_counts_fan2019s_table1_variables(kind, m):
    # data/design/variables.csv lists six categorical fan2019 variables; age and onset age
    assert et.bonferroni_m(kind) == m


def test_bonferroni_m_refuses_an_unknown_family():
    with pytest.raises(ValueError, match="'categorical'"):
        et.bonferroni_m("categorial")


def test_caregiver_summary_by_hand():
    people = _people("""
person_id,role,sex,age,cares_for
p1,peer,male,30,
c1,consumer,female,40,
c2,consumer,male,50,
g1,caregiver,female,60,p1
g2,caregiver,female,70,c1
g3,caregiver,male,65,c1
g4,caregiver,female,61,c2
g5,caregiver,male,64,x9
""")
    summary = et.caregiver_summary(people)
    assert summary == {"n": 5, "families": 4, "of_peers": 1, "of_consumers": 3, "female": 3,
                       "female_percent": pytest.approx(60.0), "age_mean": pytest.approx(64.0)}


def test_caregiver_summary_of_nobody():
    summary = et.caregiver_summary(FAN2019[FAN2019["role"] != "caregiver"])
    assert (summary["n"], summary["families"], summary["female"]) == (0, 0, 0)
    assert math.isnan(summary["age_mean"])
    assert math.isnan(summary["female_percent"])


def test_layout_fan2018_table1_dashes_the_years_before_anyone_enrolled():
    table = pd.DataFrame([[0, 0, 3, 2], [1, 0, 0, 2], [0, 0, 0, 0]], columns=YEARS,
                         index=["a", "b", "c"])
    shown = et.layout_fan2018_table1(table)
    assert shown.loc["a"].tolist() == ["–", "–", "3", "2"]
    assert shown.loc["b"].tolist() == ["1", "0", "0", "2"]  # a zero after the start stays 0
    assert shown.loc["c"].tolist() == ["–"] * 4


@pytest.mark.parametrize(("decimals", "peer", "consumer"), [
    (0, "13", "38"),  # half to even would give 12 and 38
    (1, "12.5", "37.5"),
    (2, "12.50", "37.50"),
])
def test_layout_counts_rounds_half_away_from_zero(decimals, peer, consumer):
    table = pd.DataFrame([
        {"variable": "sex", "category": "male", "peer_n": 1, "peer_percent": 12.5,
         "consumer_n": 3, "consumer_percent": 37.5},
        {"variable": "age", "category": "mean (SD)", "peer_mean": 40.125, "peer_sd": 0.125,
         "consumer_mean": -0.125, "consumer_sd": float("nan")},
    ])
    shown = et.layout_counts(table, decimals)
    assert shown.columns.tolist() == ["variable", "category", "Peer service providers",
                                      "Consumers"]
    assert shown.loc[0, "Peer service providers"] == f"1 ({peer}%)"
    assert shown.loc[0, "Consumers"] == f"3 ({consumer}%)"
    assert shown.loc[1, "Peer service providers"] == "40.13 (0.13)"  # half-even: 40.12 (0.12)
    assert shown.loc[1, "Consumers"] == "-0.13 (n/a)"


def _rounds_to(x: Decimal, printed: str) -> bool:
    places = len(printed.partition(".")[2])
    return x.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP) == Decimal(printed)


def _hand_pairs(n: int, mean: str, sd: str) -> list[tuple[int, int]]:
    """Every (sum, sum of squares) of n ages in 18-60 whose mean and SD round to the printed
    ones, with the parity a sum of squares of integers must have (x² ≡ x mod 2). Every such
    pair is reachable here: the means are far from the bounds."""
    found = []
    with localcontext() as context:
        context.prec = 40
        for s in range(18 * n, 60 * n + 1):
            if not _rounds_to(Decimal(s) / n, mean):
                continue
            top = s * s // n + (n - 1) * math.ceil(float(sd) + 1) ** 2
            for q in range(-(-s * s // n), top + 1):  # from the smallest Q with SD >= 0
                if (q - s) % 2 == 0 and _rounds_to(
                        (Decimal(n * q - s * s) / (n * (n - 1))).sqrt(), sd):
                    found.append((s, q))
    return found


def test_age_freedom_fan2018_against_pairs_enumerated_here(registry):
    shown = et.age_freedom_fan2018(registry).set_index("quantity")["value"]
    peers = _hand_pairs(12, "40.2", "8.9")  # fan2018 Table 2: 12 peers, 50 consumers
    consumers = _hand_pairs(50, "48.3", "8.2")
    assert len(peers) == 10
    assert shown["peer age moment pairs"] == f"{len(peers)}"
    assert shown["consumer age moment pairs"] == f"{len(consumers)}"
    assert shown["moment combinations"] == f"{len(peers) * len(consumers):,}"
    assert int(shown["peer age samples (multisets)"].replace(",", "")) > len(peers)
    grid = np.array([(sp, qp, sc, qc) for sp, qp in peers for sc, qc in consumers], dtype=float)

    def moments(s, q, n):
        return s / n, np.sqrt((q - s * s / n) / (n - 1))

    args = (*moments(grid[:, 0], grid[:, 1], 12), 12, *moments(grid[:, 2], grid[:, 3], 50), 50)
    pooled = sps.ttest_ind_from_stats(*args)
    welch = sps.ttest_ind_from_stats(*args, equal_var=False)
    assert shown["pooled t, min"] == f"{pooled.statistic.min():.4f}"
    assert shown["pooled t, max"] == f"{pooled.statistic.max():.4f}"
    assert shown["Welch t, min"] == f"{welch.statistic.min():.4f}"
    assert shown["Welch t, max"] == f"{welch.statistic.max():.4f}"
    assert shown["pooled p, min"] == f"{pooled.pvalue.min():.4f}"
    assert shown["pooled p, max"] == f"{pooled.pvalue.max():.4f}"
