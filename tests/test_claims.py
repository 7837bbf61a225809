"""The claims collector every stage judges its rows with, and the stage table it reads: rows
are judged once, only within their stage, in registry order; a measure judges every row that
prints it; a row nobody claims must be explained as not reproducible."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.io.annotations import (
    load_explanations,
    load_stages,
    measure_text,
    measure_value,
    stage_rows,
    stage_sections,
)
from analysis.printed.claims import Claims


@pytest.fixture
def rows():
    return pd.DataFrame({
        "id": ["p.a.x.g.count", "p.a.y.g.count", "p.b.y.g.count", "p.c.z.g.other"],
        "printed": ["214", "40", "40", "three"],
        "measure": ["", "duration", "duration", ""],
    })


@pytest.fixture
def explanations():
    return pd.DataFrame({"problem": ["quotation"], "kind": ["unavailable"],
                         "statuses": ["not_reproducible"]},
                        index=pd.Index(["p.c.z.g.other"], name="id"))


def test_rows_are_judged_in_registry_order(rows, explanations):
    claims = Claims(rows, explanations)
    claims.measure("duration", "constraint", ("min duration", 40))
    claims.add("p.a.x.g.count", "constraint", ("sessions", 213), ("sessions again", 214))
    frame = claims.frame()
    assert frame["id"].tolist() == rows["id"].tolist()
    assert frame["status"].tolist() == ["match_other_method", "match", "match",
                                        "not_reproducible"]
    assert frame.loc[0, "method"] == "sessions again"
    assert frame.loc[3, "note"] == ""  # the reason is rendered with the report


def test_a_row_judged_twice_or_outside_the_stage_is_an_error(rows, explanations):
    claims = Claims(rows, explanations)
    claims.add("p.a.x.g.count", "derived", ("sessions", 214))
    with pytest.raises(ValueError, match="judged twice"):
        claims.add("p.a.x.g.count", "derived", ("sessions", 214))
    with pytest.raises(KeyError, match="not a row of this stage"):
        claims.add("p.q.r.g.count", "derived", ("x", 1))
    with pytest.raises(KeyError, match="no row of this stage has measure 'durations'"):
        claims.measure("durations", "derived", ("x", 1))


def test_an_unclaimed_row_needs_its_reason(rows):
    claims = Claims(rows, pd.DataFrame(columns=["problem", "kind", "statuses"]))
    claims.measure("duration", "constraint", ("min duration", 40))
    claims.add("p.a.x.g.count", "constraint", ("sessions", 214))
    with pytest.raises(KeyError, match=r"the reason its inputs are not published"):
        claims.frame()


def test_a_rule_keeps_its_role_when_unavailable(rows, explanations):
    claims = Claims(rows.assign(measure=["", "", "", "rule"]), explanations)
    claims.unavailable_measure("rule", "constraint")
    for row_id in ("p.a.x.g.count", "p.a.y.g.count", "p.b.y.g.count"):
        claims.add(row_id, "derived", ("x", int(rows.set_index("id").loc[row_id, "printed"])))
    judged = claims.frame().set_index("id")
    assert judged.loc["p.c.z.g.other", "origin"] == "constraint"
    assert judged.loc["p.c.z.g.other", "status"] == "not_reproducible"


def test_a_partial_frame_holds_only_judged_rows(rows, explanations):
    claims = Claims(rows, explanations)
    claims.add("p.a.x.g.count", "derived", ("sessions", 214))
    assert claims.frame(only=["p.a.x.g.count"])["id"].tolist() == ["p.a.x.g.count"]
    with pytest.raises(ValueError, match="not judged"):
        claims.frame(only=["p.a.y.g.count"])


def test_every_registry_row_has_one_stage(registry):
    stages = load_stages(registry)
    assert stages["id"].tolist() == registry["id"].tolist()
    by_stage = {stage: stage_rows(registry, stage) for stage in sorted(set(stages["stage"]))}
    assert sum(len(rows) for rows in by_stage.values()) == len(registry)
    with pytest.raises(KeyError, match="no registry row belongs"):
        stage_rows(registry, "07_nothing")


def test_stages_must_list_the_registry_in_order(registry):
    from analysis.io.files import InputError

    with pytest.raises(InputError, match="every registry row once"):
        load_stages(registry.iloc[::-1])


def test_measures_give_the_printed_number(registry):
    assert measure_value(registry, "sessions_total") == 214
    assert measure_text(registry, "duration_max") == "120"
    with pytest.raises(KeyError, match="expected one value"):
        measure_value(registry, "nothing_measured")
    key = "answers.consumer.emotion_and_self_perception_improve_mood_and_feeling_cared_about"
    assert measure_value(registry, f"{key}.initial", "count") == 10
    with pytest.raises(KeyError, match="expected one value"):
        measure_value(registry, f"{key}.initial")  # its count, n and percent differ


def test_stage_sections_hold_other_stages_rows_of_the_same_sections(registry):
    rows = stage_rows(registry, "04_outcomes")
    sections = stage_sections(registry, "04_outcomes")
    assert set(rows["id"]) < set(sections["id"])
    assert "fan2019.results.female.caregivers.percent" in set(sections["id"])


def test_the_committed_explanations_load():
    explanations = load_explanations()
    assert not explanations.empty
    assert set(explanations["kind"]) == {"problem", "unavailable"}


def test_readings_must_be_those_declared(rows, explanations):
    """A number judged under readings: every declared reading, in order, or an error."""
    declared = pd.DataFrame({"key": ["duration", "duration"], "reading": ["a", "b"],
                             "label": ["reading a", "reading b"], "meaning": ["", ""],
                             "basis": ["words", "inferred"], "quote": ["", ""]})
    claims = Claims(rows, explanations)
    with pytest.raises(ValueError, match=r"differ from readings\.csv"):
        claims.readings("duration", "printed", [("a", [("x", 40)])], declared)
    judged = claims.readings("duration", "printed", [("a", [("x", 40)]), ("b", [("y", 41)])],
                             declared)
    assert [j["status"] for j in judged] == ["depends_on_reading"] * 2
    assert judged[0]["method"] == "reading a: 40 (match); reading b: 41 (mismatch)"


def _stage_function(name: str, body):
    """A function named ``name`` whose module is a stage module (``analysis.stages.fake``),
    calling ``body(claims)``: what a handler of a real stage looks like from the stack."""
    namespace = {"__name__": "analysis.stages.fake", "body": body}
    exec(f"def {name}(claims):\n    body(claims)\n", namespace)
    return namespace[name]


def _named(rows, handlers):
    return rows.assign(judged_by=handlers)


def test_each_row_is_judged_by_the_handler_stages_csv_names(rows, explanations):
    handler = _stage_function("judge_counts", lambda claims: (
        claims.add("p.a.x.g.count", "constraint", ("sessions", 214)),
        claims.measure("duration", "constraint", ("duration", 40))))
    names = ["analysis.stages.fake.judge_counts"] * 3 + \
        ["none: not reproducible (explanations.csv)"]
    claims = Claims(_named(rows, names), explanations)
    handler(claims)
    assert claims.frame()["id"].tolist() == rows["id"].tolist()
    assert claims.handlers["p.c.z.g.other"] == "none: not reproducible (explanations.csv)"


def test_a_helper_inside_a_handler_is_not_the_handler(rows, explanations):
    helper = _stage_function("_cells", lambda claims: claims.measure(
        "duration", "constraint", ("duration", 40)))
    handler = _stage_function("judge_table", helper)
    claims = Claims(rows, explanations)
    handler(claims)
    assert claims.handlers["p.a.y.g.count"] == "analysis.stages.fake.judge_table"


def test_a_row_judged_by_another_handler_than_named_is_an_error(rows, explanations):
    handler = _stage_function("judge_other", lambda claims: (
        claims.add("p.a.x.g.count", "constraint", ("sessions", 214)),
        claims.measure("duration", "constraint", ("duration", 40))))
    names = ["analysis.stages.fake.judge_counts"] + ["analysis.stages.fake.judge_other"] * 2 + \
        ["none: not reproducible (explanations.csv)"]
    claims = Claims(_named(rows, names), explanations)
    handler(claims)
    with pytest.raises(ValueError, match=r"judged_by: p\.a\.x\.g\.count: stages\.csv names "
                                         r"'analysis\.stages\.fake\.judge_counts', judged by "
                                         r"'analysis\.stages\.fake\.judge_other' \(1 rows\)"):
        claims.frame()
    with pytest.raises(ValueError, match="judged_by"):
        claims.frame(only=["p.a.x.g.count"])
    assert claims.frame(only=["p.a.y.g.count"])["id"].tolist() == ["p.a.y.g.count"]


def test_every_handler_stages_csv_names_exists_and_judges(registry):
    """One grep of an id in stages.csv names a function that exists: a ``judge_*`` of a stage
    module taking the claims first (runs check that it judged exactly those rows)."""
    import importlib
    import inspect

    stages = load_stages(registry)
    named = set(stages["judged_by"]) - {"none: not reproducible (explanations.csv)"}
    for name in named:
        module, function = name.rsplit(".", 1)
        handler = getattr(importlib.import_module(module), function)
        assert function.startswith("judge_"), name
        assert next(iter(inspect.signature(handler).parameters)) == "claims", name
    unclaimed = stages.loc[stages["judged_by"].str.startswith("none"), "id"]
    explained = load_explanations()
    assert set(unclaimed) <= set(explained.index)
