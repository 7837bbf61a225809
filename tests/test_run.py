"""The runner: notebooks declare what they read, run two at a time in an order that respects
it, and a failure stops new ones from starting."""

from __future__ import annotations

import threading
import time

import pytest

from analysis import run
from analysis.io import paths, schedule


def test_requirements_name_earlier_notebooks():
    notebooks = run.notebooks()
    names = [p.stem for p in notebooks]
    for path in notebooks:
        for required in run.requirements(path):
            assert required in names
            assert names.index(required) < names.index(path.stem), (path.stem, required)


def _fake(monkeypatch, fail: str | None = None, slow: str | None = None) -> list:
    events, lock = [], threading.Lock()

    def fake_run(path, parameters=None, target=None, **kwargs):
        with lock:
            events.append(("start", path.stem, time.perf_counter()))
        time.sleep(0.5 if path.stem == slow else 0.05)
        with lock:
            events.append(("end", path.stem, time.perf_counter()))
        if path.stem == fail:
            raise RuntimeError("planted failure")
        return 0.05

    monkeypatch.setattr(run, "run_notebook", fake_run)
    monkeypatch.setattr(run, "_stop_kernels", lambda: events.append(("stop", "", 0.0)))
    return events


def test_schedule_respects_requirements_and_jobs(monkeypatch, capsys):
    events = _fake(monkeypatch)
    selected = run.notebooks()
    assert run.run_notebooks(selected, {p: {} for p in selected}, jobs=2) == []
    start = {name: t for kind, name, t in events if kind == "start"}
    end = {name: t for kind, name, t in events if kind == "end"}
    assert set(start) == {p.stem for p in selected}
    for path in selected:
        for required in run.requirements(path):
            assert end[required] <= start[path.stem]
    running = 0
    for kind, _name, _t in sorted(events, key=lambda e: (e[2], e[0] == "start")):
        running += 1 if kind == "start" else -1
        assert running <= 2
    assert capsys.readouterr().out.count(" s\n") == len(selected)


def test_a_failure_stops_new_notebooks(monkeypatch, capsys):
    events = _fake(monkeypatch, fail="01_enrolment")
    selected = run.notebooks()
    failures = run.run_notebooks(selected, {p: {} for p in selected}, jobs=1)
    assert [path.stem for path, _ in failures] == ["01_enrolment"]
    started = [name for kind, name, _ in events if kind == "start"]
    assert started[-1] == "01_enrolment"
    assert "FAILED" in capsys.readouterr().out
    assert [kind for kind, _, _ in events].count("stop") == 1  # the running ones are stopped


def test_notebooks_stopped_after_a_failure_are_not_failures(monkeypatch, capsys):
    _fake(monkeypatch, fail="01_enrolment", slow="02_service_process")
    original = run._report

    def stopped_too(future, path, counter, failures, keep_going=False):  # 02 was killed
        if path.stem == "02_service_process" and failures:
            future = type("F", (), {"exception": lambda self: RuntimeError("killed")})()
        original(future, path, counter, failures, keep_going)

    monkeypatch.setattr(run, "_report", stopped_too)
    selected = run.notebooks(["01_enrolment", "02_service_process"])
    failures = run.run_notebooks(selected, {p: {} for p in selected}, jobs=2)
    assert [path.stem for path, _ in failures] == ["01_enrolment"]
    assert "02_service_process.ipynb stopped" in capsys.readouterr().out


def test_on_real_data_a_failure_skips_only_the_notebooks_that_need_it(monkeypatch, capsys):
    """Real data that pass validation run to a report: when a notebook stops (a method not
    defined on the data), the others still run, and only its dependents are skipped."""
    events = _fake(monkeypatch, fail="01_enrolment")
    selected = run.notebooks()
    plan = run.runs.Plan("real", paths.PRIVATE_OUTPUT)
    failures = run.run_notebooks(selected, {p: {} for p in selected}, plan, jobs=1)
    assert [path.stem for path, _ in failures] == ["01_enrolment"]
    needs = {p.stem: set(run.requirements(p)) for p in selected}
    lost = {"01_enrolment"}
    for _ in needs:  # the transitive dependents, computed independently
        for other in sorted(needs):
            if needs[other] & lost:
                lost.add(other)
    started = {name for kind, name, _ in events if kind == "start"}
    assert started == {p.stem for p in selected} - (lost - {"01_enrolment"})
    shown = capsys.readouterr().out
    assert all(f"{name}.ipynb skipped" in shown for name in lost - {"01_enrolment"})
    assert ("stop", "", 0.0) not in events


def test_notebooks_many_others_wait_for_start_first():
    priority = schedule.dependents(run.notebooks())
    assert priority["06_audit"] == 0
    assert priority["01_enrolment"] > priority["00_registry"]


def test_among_equals_the_longest_last_time_starts_first(tmp_path, monkeypatch):
    """Longest processing time first among notebooks equally many others wait for: after
    notebook 02, notebook 05 (nothing waits for it, the longest last time) starts before
    00 (nothing waits for it either); with no timings, name order. Timings are saved and
    merged; an unreadable file is an empty one."""
    monkeypatch.setattr(schedule, "TIMINGS", tmp_path / "timings.json")
    selected = run.notebooks()
    names = {p.stem for p in selected}
    done = {"01_enrolment", "02_service_process"}
    waiting = [p for p in selected if p.stem not in done]

    def order(last):
        priority = {k: (v, last.get(k, 0.0)) for k, v in schedule.dependents(selected).items()}
        return [p.stem for p in schedule.ready(waiting, done, names, priority)]

    assert order({}) == ["03_service_content", "04_outcomes", "00_registry", "05_conclusions"]
    last = {"00_registry": 2.0, "05_conclusions": 6.0}
    assert order(last) == ["03_service_content", "04_outcomes", "05_conclusions",
                           "00_registry"]
    schedule.save_timings({"00_registry": 2.0})
    schedule.save_timings({"05_conclusions": 6.0})
    assert schedule.last_timings() == last
    schedule.TIMINGS.write_text("[not a mapping", encoding="utf-8")
    assert schedule.last_timings() == {}


@pytest.mark.parametrize("name", ["00_registry", "06_audit"])
def test_declared_parameters_come_from_papermill(name):
    declared = run.declared_parameters(paths.NOTEBOOKS / f"{name}.ipynb")
    assert declared
    assert all(not isinstance(value, str) or value == value.strip() for value in declared.values())
