"""Where runs write: the kind of run from its parameters, the output folders a run may use,
the routing of a notebook's outputs, and the parameters file against the notebooks."""

from __future__ import annotations

import os
import stat

import pytest

from analysis import run
from analysis.io import context, paths, runs
from analysis.io.files import atomic_write_text
from analysis.io.parameters import ParameterError, declared, is_default, parameter_problems


@pytest.mark.parametrize("notebook", [p.stem for p in run.notebooks()])
def test_parameters_file_agrees_with_each_notebook(notebook):
    """``notebooks/parameters.csv`` names every parameter of every notebook, with the
    default its ``parameters`` cell declares (read by papermill)."""
    declared_here = declared()[declared()["notebook"] == notebook]
    in_notebook = run.declared_parameters(paths.NOTEBOOKS / f"{notebook}.ipynb")
    assert dict(zip(declared_here["name"], declared_here["default"], strict=True)) == in_notebook
    assert is_default(notebook, in_notebook)


@pytest.mark.parametrize(("values", "default"), [
    ({}, True), ({"seed": 20130701}, True), ({"seed": 7}, False),
    ({"continuity_correction": 0}, False), ({"continuity_correction": False}, True),
])
def test_is_default_truth_table(values, default):
    assert is_default("01_enrolment", values) is default


def test_every_problem_is_listed_at_once():
    with pytest.raises(ParameterError) as refused:
        parameter_problems(["01_enrolment"], {"seed": -1, "exact_p": "sometimes", "sede": 1})
    message = str(refused.value)
    assert "'seed' must be between" in message
    assert "'exact_p' must be one of" in message
    assert "did you mean 'seed'" in message


@pytest.mark.parametrize(("parameters", "default", "output", "name", "mode", "where"), [
    ({}, True, None, None, "repository", None),
    ({"seed": 20130701}, True, None, None, "repository", None),
    ({"seed": 7}, False, None, None, "scratch", paths.RUNS / "seed-7"),
    ({"seed": 7}, False, None, "mine", "scratch", paths.RUNS / "mine"),
    ({}, True, "build/elsewhere", None, "scratch", paths.BUILD / "elsewhere"),
    ({"data_dir": "x"}, False, None, None, "real", paths.PRIVATE_OUTPUT),
    ({"data_dir": "x"}, False, None, "mine", "real", paths.PRIVATE_RUNS / "mine"),
    ({"fig2_values": "private/f.csv"}, False, None, None, "scratch", paths.RUNS / "fig2_values"),
])
def test_plan_truth_table(monkeypatch, tmp_path, parameters, default, output, name, mode,
                          where):
    monkeypatch.chdir(paths.ROOT)
    data = tmp_path / "data" if "data_dir" in parameters else None
    planned = runs.plan(parameters, default, output, name, data=data)
    assert (planned.mode, planned.output) == (mode, where)


@pytest.mark.parametrize(("folder", "message"), [
    (".", "would hold the repository"),
    ("..", "would hold the repository"),
    ("reports", "where git tracks files"),
    ("notebooks/out", "where git tracks files"),
    ("README.md", "names a file"),
])
def test_outputs_never_land_on_tracked_files(folder, message):
    with pytest.raises(runs.RunRefused, match=message):
        runs.check_output(paths.ROOT / folder)


def test_outputs_may_go_outside_or_to_ignored_folders(tmp_path):
    assert runs.check_output(tmp_path / "new") == (tmp_path / "new").resolve()
    assert runs.check_output(paths.BUILD / "runs" / "x") == paths.BUILD / "runs" / "x"
    assert runs.check_output(paths.PRIVATE_OUTPUT) == paths.PRIVATE_OUTPUT


def test_private_temp_is_private_and_removed(tmp_path):
    with runs.private_temp(tmp_path) as temporary:
        assert stat.S_IMODE(temporary.stat().st_mode) == 0o700
        (temporary / "partial.ipynb").write_text("{}", encoding="utf-8")
    assert not temporary.exists()


def test_private_temp_is_removed_on_an_interrupt(tmp_path):
    with pytest.raises(KeyboardInterrupt), runs.private_temp(tmp_path) as temporary:
        raise KeyboardInterrupt
    assert not temporary.exists()


def test_written_files_have_one_mode(tmp_path):
    previous = os.umask(0o077)
    try:
        atomic_write_text(tmp_path / "a.csv", "x\n")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "a.csv").stat().st_mode) == 0o644


@pytest.mark.parametrize(("environment", "real", "expected"), [
    ({}, False, paths.SCRATCH),
    ({}, True, paths.PRIVATE_OUTPUT),
    ({paths.MODE_ENV: "repository"}, False, None),
    ({paths.MODE_ENV: "scratch", paths.OUTPUT_ENV: "/tmp/chosen"}, False, "/tmp/chosen"),
])
def test_a_kernel_writes_tracked_files_only_in_the_published_run(environment, real,
                                                                 expected):
    names = (paths.OUTPUT_ENV, paths.MODE_ENV)
    saved = {name: os.environ.pop(name, None) for name in names}
    os.environ.update(environment)
    try:
        assert context.begin("03_service_content", data_dir="data" if real else "") is real
        assert paths.OUTPUT == (None if expected is None else paths.Path(expected).resolve())
    finally:  # begin() sets the variables for the kernel's children: put them back
        for name in names:
            os.environ.pop(name, None)
            if saved[name] is not None:
                os.environ[name] = saved[name]


def test_real_data_cannot_be_written_into_the_repository(monkeypatch):
    monkeypatch.setenv(paths.MODE_ENV, "repository")
    monkeypatch.delenv(paths.OUTPUT_ENV, raising=False)
    with pytest.raises(ParameterError, match="cannot be written into the repository"):
        context.begin("03_service_content", data_dir="data")
    assert paths.OUTPUT is None


def test_a_scratch_run_reads_what_it_did_not_remake_from_the_committed(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.MODE_ENV, "scratch")
    paths.set_output(tmp_path)
    try:
        wanted = paths.RECORDS / "fan2018_sessions.csv"
        assert context.existing(wanted) == paths.RECONSTRUCTED / "fan2018_sessions.csv"
        monkeypatch.setenv(paths.MODE_ENV, "real")
        assert context.existing(wanted) == wanted  # never with real data
    finally:
        paths.set_output(None)


def test_data_folder_comes_from_the_environment_not_a_parameter(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.DATA_ENV, str(tmp_path))
    assert context.data_folder(paths.YOUR_DATA) == tmp_path
    assert context.data_folder("private/x") == paths.ROOT / "private" / "x"


def test_outputs_are_one_object_read_from_the_run_context(monkeypatch, tmp_path):
    """The run context is one value (the environment a run's kernels inherit): the output
    folders follow it, and the repository's own copy of an output is found from it."""
    monkeypatch.delenv(paths.OUTPUT_ENV, raising=False)
    assert paths.outputs() == paths.Outputs(None)
    assert paths.TABLES == paths.ROOT / "reports" / "tables"
    assert paths.RECORDS == paths.RECONSTRUCTED
    monkeypatch.setenv(paths.OUTPUT_ENV, str(tmp_path))
    here = paths.outputs()
    assert here.folder == tmp_path.resolve()
    assert paths.TABLES == tmp_path.resolve() / "reports" / "tables"
    assert paths.REPRODUCTION_CSV == tmp_path.resolve() / "reports" / "reproduction.csv"
    assert paths.RECORDS == tmp_path.resolve() / "data" / "reconstructed"
    assert here.committed(here.tables / "a.csv") == paths.ROOT / "reports" / "tables" / "a.csv"
    assert here.committed(paths.ROOT / "x") == paths.ROOT / "x"
    with pytest.raises(AttributeError, match="NO_SUCH"):
        _ = paths.NO_SUCH
