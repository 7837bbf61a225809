"""Notebook 04, outcomes: every printed number on satisfaction and perceived benefit, judged
from the interview records (reconstructed or real).

Most rows report the answers to one question: a count of yes answers, the respondents, the
percentage, or a rating's mean and SD. ``data/published/stages.csv`` names the question of
each such row with a measure ``answers.<role>.<question>[.<wave>]``, and one handler,
:func:`judge_answers`, judges them all. The other handlers take one table or paragraph
each: :func:`judge_fan2018_outcomes` (counts, percentages and chi-square tests of fan2018),
:func:`judge_fan2019_table2` (the providers' headcount and confidence score),
:func:`judge_fan2019_providers`, :func:`judge_fan2019_table3` (headcounts and the work-skill
test), :func:`judge_fan2019_benefit`, :func:`judge_fan2019_table4` (the consumers' ratings,
with n = 41 as the alternative), :func:`judge_fan2019_consumers`,
:func:`judge_fan2019_caregivers`, :func:`judge_fan2019_abstract` and
:func:`judge_fan2019_questionnaire` (numbers about the question list itself). The column
``judged_by`` of ``stages.csv`` names the handler of every row. :func:`results` runs them all.
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.evidence.levels import Bound, Proof, judged
from analysis.io import questionnaire
from analysis.io.annotations import load_granularity_specs, stage_rows
from analysis.io.design import GROUP
from analysis.io.registry import printed_text, value
from analysis.methods.granularity import grim
from analysis.methods.integer_samples import sds_of_sum
from analysis.printed.claims import Claims
from analysis.printed.compare import compare
from analysis.printed.judge import Attempt, whole
from analysis.stages import outcome_tables as tables
from analysis.stages.design_counts import judge_listed_counts, judge_wave_count

__all__ = [
    "STAGE",
    "bracketing_totals",
    "granularity_proofs",
    "judge_answers",
    "judge_fan2018_outcomes",
    "judge_fan2019_abstract",
    "judge_fan2019_benefit",
    "judge_fan2019_caregivers",
    "judge_fan2019_consumers",
    "judge_fan2019_providers",
    "judge_fan2019_questionnaire",
    "judge_fan2019_table2",
    "judge_fan2019_table3",
    "judge_fan2019_table4",
    "results",
]

STAGE = "04_outcomes"
ANSWERS = "answers."


class _Answers:
    """The :func:`analysis.stages.outcome_tables.summarise` table of fan2019, looked up by
    question, role and wave."""

    def __init__(self, interviews: pd.DataFrame) -> None:
        self.table = tables.summarise(interviews).set_index(["paper", "question", "role", "wave"])

    def get(self, question: str, role: str, column: str, wave: str = "all") -> float:
        """One value; NaN when nobody of ``role`` answered ``question`` (real data)."""
        key = ("fan2019", question, role, wave)
        return self.table.loc[key, column] if key in self.table.index else float("nan")


def judge_answers(claims: Claims, summary: _Answers) -> None:
    """Every row whose measure names a question: its yes answers (``count``), respondents
    (``n``), percentage, or a rating's ``mean`` and ``sd``, from the answers given."""
    measures = claims.rows.loc[claims.rows["measure"].str.startswith(ANSWERS)]
    for row_id, measure in zip(measures["id"], measures["measure"], strict=True):
        role, question, *wave = measure.removeprefix(ANSWERS).split(".")
        wave = wave[0] if wave else "all"
        quantity = row_id.rsplit(".", 1)[1]
        if quantity in ("mean", "sd"):
            claims.add(row_id, "constraint",
                       (quantity, float(summary.get(question, role, quantity, wave))))
            continue
        yes, n = (whole(summary.get(question, role, column, wave)) for column in ("yes", "n"))
        percent = 100 * yes / n if n else float("nan")  # nobody answered: not computable
        attempt = {"count": ("yes answers", yes), "n": ("respondents", n),
                   "percent": ("yes / respondents x 100", percent)}[quantity]
        claims.add(row_id, "constraint", attempt)


def judge_fan2018_outcomes(claims: Claims, interviews: pd.DataFrame) -> None:
    """fan2018 Abstract and Results: Service satisfaction, Service perceived benefit: each
    question's yes count, percentage and chi-square(1), with every reading the text allows
    (goodness of fit on all respondents or on those assessed, with or without Yates)."""
    tests = tables.fan2018_tests(interviews).set_index("question")
    for place in ("abstract", "results"):
        for question, role in questionnaire.FAN2018_QUESTIONS.items():
            stem = f"fan2018.{place}.{question}.{role}s"
            if f"{stem}.count" not in claims:
                continue
            test = tests.loc[question]
            claims.add(f"{stem}.count", "constraint", ("yes answers", int(test["yes"])))
            claims.add(f"{stem}.percent", "constraint",
                       ("yes / all respondents x 100", float(test["percent_all"])))
            claims.add(f"{stem}.df", "derived", ("categories - 1", 1))
            for quantity, column in (("statistic", "chi2"), ("p", "p")):
                claims.add(f"{stem}.{quantity}", "derived", *(
                    (label, float(test[f"{column}_{suffix}"])) for label, suffix in (
                        ("goodness of fit vs an equal split, all respondents", "all"),
                        ("goodness of fit vs an equal split, assessed respondents only",
                         "assessed"),
                        ("the same with Yates' correction, all respondents", "all_yates"),
                        ("the same with Yates' correction, assessed only", "assessed_yates"))))


def judge_fan2019_table2(claims: Claims, summary: _Answers) -> None:
    """fan2019 Table 2 and Results: the providers interviewed, and their confidence score
    (0-10) in all and in the later communities."""
    providers = int(summary.get("willing_to_continue", "peer", "n"))
    claims.measure("providers_interviewed", "constraint", ("providers interviewed", providers))
    for quantity in ("mean", "sd"):
        claims.measure(f"confidence_{quantity}", "constraint", (
            f"{quantity} of {providers} whole-number answers (nearest achievable)",
            float(summary.get("confidence", "peer", quantity))))
    claims.measure("confidence_later_mean", "constraint", (
        "mean, later providers", float(summary.get("confidence", "peer", "mean", "later"))))


def judge_fan2019_providers(claims: Claims, summary: _Answers, interviews: pd.DataFrame,
                      registry: pd.DataFrame) -> None:
    """fan2019 Results: Peer service providers: the satisfaction threshold, the scale, the
    share who felt stressed, and the comparison of initial with later providers."""
    means = sorted((float(value(registry, f"fan2019.table2.{q}.peers.mean"))
                    for q in questionnaire.PROVIDER_RATINGS), reverse=True)
    claims.measure("satisfaction_score_threshold", "printed", (
        f"largest whole score that most ({len(means) // 2 + 1} of {len(means)}) printed "
        "Table 2 means reach", math.floor(means[len(means) // 2])))
    catalogue = questionnaire.questions()
    for role, group in GROUP.items():
        top = catalogue.loc[(catalogue["role"] == role) & (catalogue["kind"] == "rating"), "hi"]
        claims.measure(f"rating_scale_top_{group}", "constraint",
                       ("top of the rating scale", int(top.max())))
    stressed = summary.get("feel_stressful_to_be_peer_service_providers", "peer", "yes")
    claims.measure("stressed_share", "constraint", (
        "stressed / respondents (as Table 2: 6 of 12)",
        stressed / summary.get("feel_stressful_to_be_peer_service_providers", "peer", "n")), (
        "stressed / qualified",
        stressed / summary.get("qualified_to_be_peer_service_providers", "peer", "yes")))
    providers = tables.wave_comparisons(interviews, "peer")
    satisfaction = providers[~providers["question"].isin(questionnaire.TABLE3_ITEMS)]
    claims.measure("providers_waves_smallest_p", "constraint", (
        "smallest p, initial vs later providers (t tests, chi-square)",
        float(satisfaction["p"].min())))


def judge_fan2019_table3(claims: Claims, summary: _Answers, interviews: pd.DataFrame) -> None:
    """fan2019 Table 3 and Results: the consumers interviewed, and the one difference
    between providers and consumers the paper reports (work skill, Pearson chi-square)."""
    claims.measure("consumers_interviewed", "constraint", (
        "consumers interviewed", int(summary.get("continuous_participation_willingness",
                                                 "consumer", "n"))))
    comparisons = tables.benefit_comparisons(interviews, "none").set_index("question")
    work = comparisons.loc["daily_life_and_work_improve_work_skill"]
    claims.measure("work_skill_chi2", "derived", ("Pearson chi-square", float(work["chi2"])))
    claims.measure("work_skill_df", "derived", ("(rows - 1) x (columns - 1)", 1))
    claims.measure("work_skill_p", "derived", ("Pearson chi-square", float(work["p_pearson"])),
                   ("Fisher's exact test", float(work["p_fisher"])))


def union_bound(registry: pd.DataFrame) -> Bound:
    """The exact range of the number of consumers who said yes to either disease-related item
    of fan2019 Table 3, given only the printed count of each and the n: from the larger count
    (one group contains the other) to their sum or n (no overlap), the Frechet bounds."""
    ids = [f"fan2019.table3.disease_related_{item}.consumers.count"
           for item in ("know_more_disease_knowledge", "disease_become_more_stable")]
    counts = [int(value(registry, row_id)) for row_id in ids]
    denominator = registry.set_index("id").loc[ids[0], "denominator"]
    n = int(value(registry, denominator))
    return Bound(max(counts), min(sum(counts), n), "Frechet bounds of a union, from the two "
                 f"printed counts ({counts[0]}, {counts[1]}) and n = {n}", exact=True)


def judge_fan2019_benefit(claims: Claims, summary: _Answers, interviews: pd.DataFrame,
                    registry: pd.DataFrame) -> None:
    """fan2019 Results: Consumers: the 13 who reported a disease-related benefit (either item
    of Table 3's disease-related pair), and the waves compared."""
    knowledge = "disease_related_know_more_disease_knowledge"
    data = interviews[(interviews["paper"] == "fan2019") & (interviews["role"] == "consumer")]
    either = data[data["question"].str.startswith("disease_related") & (data["answer"] == "yes")]
    n = summary.get(knowledge, "consumer", "n")
    union, alone = either["person_id"].nunique(), summary.get(knowledge, "consumer", "yes")
    claims.measure("disease_related_count", "derived", ("either disease-related item", union),
                   ("each disease-related item (knowledge; stability)", alone))
    claims.bound("disease_related_count", union_bound(registry))
    count = float(value(registry, claims.measure_ids("disease_related_count")[0]))
    claims.measure("disease_related_percent", "printed", (
        "the count printed beside it / the consumers interviewed x 100", 100 * count / n))
    judge_wave_count(claims, "benefit_waves_compared")


def _header_n(interviewed: int, rated: int) -> Attempt:
    """The attempt the table's header implies: the rating over all ``interviewed``, which
    these data cannot give (only ``rated`` answered)."""
    return (f"over the {interviewed} interviewed, as the header prints (only {rated} rated: "
            "not computable)", None)


def judge_fan2019_table4(claims: Claims, summary: _Answers) -> None:
    """fan2019 Table 4: the consumers' five ratings, from the 41 who rated, while the
    header prints the 42 interviewed (GRIM/GRIMMER: no 42 whole-number ratings give some of
    the printed means and SDs, 41 give all; notebook 06). One reading, n = 41, for every
    mean and SD of the table and of the Results that repeat them."""
    interviewed = int(summary.get("continuous_participation_willingness", "consumer", "n"))
    for question in questionnaire.CONSUMER_RATINGS:
        rated = int(summary.get(question, "consumer", "n"))
        for quantity in ("mean", "sd"):
            claims.add(f"fan2019.table4.{question}.consumers.{quantity}", "constraint",
                       _header_n(interviewed, rated),
                       (f"{quantity} of the {rated} consumers who rated",
                        float(summary.get(question, "consumer", quantity))))


def judge_fan2019_consumers(claims: Claims, summary: _Answers, interviews: pd.DataFrame,
                      people19: pd.DataFrame) -> None:
    """fan2019 Results: Consumers: the range of the specific ratings, the richness of topic,
    satisfaction among all recruited, and the two initial-vs-later t tests."""
    interviewed = int(summary.get("continuous_participation_willingness", "consumer", "n"))
    means = {q: float(summary.get(q, "consumer", "mean")) for q in questionnaire.CONSUMER_RATINGS}
    other = [q for q in questionnaire.CONSUMER_RATINGS if q != "richness_of_activity_topic"]
    rated = int(summary.get(other[0], "consumer", "n"))
    for pick in (min, max):
        claims.measure(f"specific_aspects_{pick.__name__}", "constraint",
                       _header_n(interviewed, rated), (
            f"{pick.__name__} mean except richness of topic, the {rated} who rated",
            pick(means[q] for q in other)))
    claims.measure("richness_mean", "constraint", _header_n(interviewed, rated), (
        f"mean of the {rated} consumers who rated", means["richness_of_activity_topic"]))
    satisfied = "overall_satisfied_with_the_peer_service_providers_and_service"
    yes = int(summary.get(satisfied, "consumer", "yes"))
    recruited = int((people19["role"] == "consumer").sum())
    claims.measure("satisfied_of_recruited_count", "constraint", ("yes answers", yes))
    claims.measure("satisfied_of_recruited_n", "constraint", ("respondents", recruited))
    claims.measure("satisfied_of_recruited_percent", "constraint",
                   ("yes / respondents x 100", 100 * yes / recruited))
    waves = tables.wave_comparisons(interviews, "consumer").set_index("question")
    for question, stem in questionnaire.T_TESTS.items():
        test = waves.loc[question]
        for quantity, pooled, welch in (("statistic", "statistic", "welch"),
                                        ("p", "p", "p_welch")):
            claims.add(f"{stem}.{quantity}", "constraint",
                       ("independent-samples t, pooled (Student)", float(test[pooled])),
                       ("Welch t (equal variances not assumed)", float(test[welch])))


def judge_fan2019_caregivers(claims: Claims, interviews: pd.DataFrame) -> None:
    """fan2019 Results: Caregivers: the one caregiver of the initial communities with a
    negative attitude."""
    refusing = interviews[(interviews["question"] == "willing_family_continue")
                          & (interviews["answer"] == "no")]
    claims.measure("negative_attitude_initial", "constraint", (
        "initial-community caregivers not willing", int((refusing["wave"] == "initial").sum())))


def judge_fan2019_abstract(claims: Claims, summary: _Answers, people19: pd.DataFrame) -> None:
    """fan2019 Abstract: the denominators it prints (its counts are answers rows)."""
    recruited = people19.groupby("role").size()
    claims.measure("providers_recruited", "constraint", ("providers recruited",
                                                      int(recruited["peer"])), (
        "providers interviewed", int(summary.get("willing_to_continue", "peer", "n"))))
    claims.measure("consumers_recruited", "constraint",
                   ("consumers recruited", int(recruited["consumer"])))
    claims.measure("caregivers_interviewed", "constraint", (
        "caregivers interviewed", int(summary.get("willing_family_continue", "caregiver", "n"))))


def judge_fan2019_questionnaire(claims: Claims) -> None:
    """fan2019 Methods: numbers about the questionnaire itself, read from the question list
    (``data/questionnaires/questions.csv``): how many rating questions, their scales, and
    the areas of Table 3."""
    catalogue = questionnaire.questions()
    label = "the question list (data/questionnaires/questions.csv)"
    for role, group in GROUP.items():
        ratings = catalogue[(catalogue["role"] == role) & (catalogue["kind"] == "rating")]
        claims.measure(f"rating_questions_{group}", "constraint", (label, len(ratings)))
        claims.measure(f"rating_scale_min_{group}", "constraint", (label, int(ratings["lo"].min())))
        claims.measure(f"rating_scale_max_{group}", "constraint", (label, int(ratings["hi"].max())))
    score = catalogue[(catalogue["role"] == "peer") & (catalogue["kind"] == "score")]
    claims.measure("confidence_scale_min", "constraint", (label, int(score["lo"].min())))
    claims.measure("confidence_scale_max", "constraint", (label, int(score["hi"].max())))
    areas = pd.Series([item.split("_", 2)[0] + "_" + item.split("_", 2)[1]
                       for item in questionnaire.TABLE3_ITEMS])
    for area in ("disease_related", "social_communication", "daily_life", "emotion_and"):
        claims.measure(f"benefit_questions_{area}", "constraint",
                       (label, int((areas == area).sum())))
    claims.measure("benefit_areas", "constraint",
                   (label, int(areas[areas != "others_perspective"].nunique())))
    claims.measure("interview_parts", "constraint",
                   (label, int(pd.Series(areas == "others_perspective").nunique())))


def bracketing_totals(mean: str, n: int) -> list[int]:
    """The whole totals of n answers either side of n times the printed mean (one total if
    that product is whole): the totals whose means come nearest it from below and above."""
    target = float(mean) * n
    return sorted({math.floor(target), math.ceil(target)})


def _mean_sd_proofs(registry: pd.DataFrame, mean_id: str, spec: pd.Series) -> dict:
    """A GRIM proof for a mean, and for its SD a proof over the totals nearest it, when no
    whole-number sample gives them."""
    n, lo, hi = int(value(registry, spec["n_id"])), int(spec["lo"]), int(spec["hi"])
    mean = printed_text(registry, mean_id)
    if grim(mean, n):
        return {}
    found = {mean_id: Proof("mismatch", f"GRIM: no {n} whole numbers in [{lo}, {hi}] have a "
                                       f"mean that rounds to {mean}")}
    if spec["sd_id"]:
        sd = printed_text(registry, spec["sd_id"])
        sums = bracketing_totals(mean, n)
        if not any(compare(x, sd) for total in sums for x in sds_of_sum(n, total, lo, hi)):
            found[spec["sd_id"]] = Proof("mismatch", (
                f"GRIM and GRIMMER: the mean is impossible, and no {n} whole numbers in "
                f"[{lo}, {hi}] with a total either side of it ({' or '.join(map(str, sums))}) have "
                f"an SD that rounds to {sd}"))
    return found


def granularity_proofs(registry: pd.DataFrame, ids: list[str]) -> dict[str, Proof]:
    """Registry id -> a proof that no whole-number answers give it, for every printed mean
    among ``ids`` that fails GRIM with its printed n and scale (``granularity.csv``), and
    its SD (GRIMMER over the totals nearest the mean)."""
    specs = load_granularity_specs().set_index("id")
    found = {}
    for mean_id in ids:
        if mean_id in specs.index:
            found.update(_mean_sd_proofs(registry, mean_id, specs.loc[mean_id]))
    return {row_id: proof for row_id, proof in found.items() if row_id in ids}


def results(registry: pd.DataFrame, interviews: pd.DataFrame, people19: pd.DataFrame,
            explanations: pd.DataFrame, real_data: bool = False) -> pd.DataFrame:
    """Every registry row of this stage, judged from the interview records."""
    claims = Claims(stage_rows(registry, STAGE), explanations)
    summary = _Answers(interviews)
    judge_answers(claims, summary)
    judge_fan2018_outcomes(claims, interviews)
    judge_fan2019_table2(claims, summary)
    judge_fan2019_providers(claims, summary, interviews, registry)
    judge_fan2019_table3(claims, summary, interviews)
    judge_fan2019_benefit(claims, summary, interviews, registry)
    judge_fan2019_table4(claims, summary)
    judge_fan2019_consumers(claims, summary, interviews, people19)
    judge_fan2019_caregivers(claims, interviews)
    judge_fan2019_abstract(claims, summary, people19)
    judge_fan2019_questionnaire(claims)
    judge_listed_counts(claims)
    # a proof covers the paper's own n; rows matched under another n are not proved here
    for row_id, proof in granularity_proofs(registry, [
            i for i in claims.judged if claims.judged[i]["status"] != "match_other_method"]
            ).items():
        claims.bound(row_id, proof)
    return judged(claims, registry, real_data)
