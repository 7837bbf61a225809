"""The real-data mode and the command line under misuse and faults, as a hostile but ordinary
user would try them (issue 22). Every case asserts its exit status, one clear line, that no
tracked file changed, that nothing the user wrote was lost or changed, and that no path or
planted string reached the message. The runs themselves are replaced by a fake that writes a
few files (the notebooks are exercised in ``test_pipeline.py``), so each case takes well under
a second: what is tested is what ``analysis.run`` checks, keeps and removes around a run."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import lookalike, run
from analysis.io import faults, kernel, ownership, paths, runs
from analysis.io.dataset import dataset_problems

pytestmark = pytest.mark.integration

PLANT = "zqx" + "hostile"  # in two parts, so that this file does not hold it
P18, P19 = "fan2018_participants.csv", "fan2019_participants.csv"
SESSIONS, INTERVIEWS = "fan2018_sessions.csv", "interviews.csv"


def _status() -> str:
    return subprocess.run(["git", "status", "--porcelain"], cwd=paths.ROOT, text=True,
                          capture_output=True, check=True).stdout


def _digests(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (links by their target) and its SHA-256."""
    found = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink():
            found[name] = f"link:{path.readlink()}"
        elif path.is_file():
            found[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lookalike") / f"{PLANT}data"
    lookalike.write_lookalike(folder, seed=99)
    return folder


@pytest.fixture
def data(dataset, tmp_path):
    """A fresh copy of the look-alike data whose folder name carries the planted string."""
    return Path(shutil.copytree(dataset, tmp_path / f"{PLANT}-mine"))


@pytest.fixture
def fake_runs(monkeypatch):
    """Notebooks replaced by a fake that writes one output per notebook into the run's
    folder; the reports by a fake that writes one file."""
    def notebooks_run(selected, per_notebook, plan=None, jobs=2, temporary=None):
        for path in selected:
            target = plan.output / "notebooks" / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("{}", encoding="utf-8")
        return []

    def reports(plan, selected, per_notebook):
        (plan.output / "reports").mkdir(parents=True, exist_ok=True)
        (plan.output / "reports" / "reproduction.csv").write_text("id\n", encoding="utf-8")

    monkeypatch.setattr(run, "run_notebooks", notebooks_run)
    monkeypatch.setattr(run, "_write_reports", reports)
    kept = dict(os.environ)
    for name in (paths.OUTPUT_ENV, paths.MODE_ENV):
        monkeypatch.delenv(name, raising=False)
    yield
    os.environ.clear()  # a run tells its kernels where to read and write: undo it
    os.environ.update(kept)
    paths.set_output(os.environ.get(paths.OUTPUT_ENV) or None)


def _main(capsys, *arguments: str) -> tuple[int, str]:
    before = _status()
    status = run.main(list(arguments))
    err = capsys.readouterr().err
    assert _status() == before, "a tracked file changed"
    assert "Traceback" not in err
    assert PLANT not in err, err
    return status, err


def _refused(capsys, message: str, *arguments: str) -> str:
    status, err = _main(capsys, *arguments)
    assert status == 2, err
    assert message in err, err
    assert len([line for line in err.splitlines() if line.startswith("refused")]) == 1
    return err


# --- 1. never delete or overwrite what the package did not write ----------------------------

def _earlier_run(capsys, folder: Path, data: Path) -> None:
    status, err = _main(capsys, "-p", "data_dir", str(data), "--output", str(folder))
    assert status == 0, err
    assert ownership.read_manifest(folder)


def test_a_rerun_replaces_its_own_files(fake_runs, capsys, data, tmp_path):
    folder = tmp_path / "out"
    _earlier_run(capsys, folder, data)
    _earlier_run(capsys, folder, data)
    assert not (folder / ownership.INCOMPLETE).exists()
    assert set(ownership.read_manifest(folder)) == {
        p for p in _digests(folder) if p not in (ownership.MARKER, ownership.LOCK)}


@pytest.mark.parametrize("where", ["mine.txt", "reports/mine.txt", "notebooks/deep/mine.csv"])
def test_a_file_the_run_did_not_write_is_refused_and_kept(fake_runs, capsys, data, tmp_path,
                                                        where):
    folder = tmp_path / "out"
    _earlier_run(capsys, folder, data)
    (folder / where).parent.mkdir(parents=True, exist_ok=True)
    (folder / where).write_text("the user's", encoding="utf-8")
    before = _digests(folder)
    _refused(capsys, "no run wrote", "-p", "data_dir", str(data), "--output", str(folder))
    assert _digests(folder) == before


def test_a_file_changed_since_the_run_wrote_it_is_refused(fake_runs, capsys, data, tmp_path):
    folder = tmp_path / "out"
    _earlier_run(capsys, folder, data)
    (folder / "reports" / "reproduction.csv").write_text("my edits\n", encoding="utf-8")
    before = _digests(folder)
    _refused(capsys, "changed since", "-p", "data_dir", str(data), "--output", str(folder))
    assert _digests(folder) == before


def test_a_link_in_the_output_folder_is_refused_and_its_target_kept(fake_runs, capsys, data,
                                                                   tmp_path):
    folder = tmp_path / "out"
    _earlier_run(capsys, folder, data)
    (folder / "figures").mkdir(exist_ok=True)
    (folder / "figures" / "thesis").symlink_to(data)
    before, kept = _digests(folder), _digests(data)
    _refused(capsys, "no run wrote", "-p", "data_dir", str(data), "--output", str(folder))
    assert _digests(folder) == before
    assert _digests(data) == kept


def test_a_pipe_in_the_output_folder_is_refused(fake_runs, capsys, data, tmp_path):
    folder = tmp_path / "out"
    _earlier_run(capsys, folder, data)
    os.mkfifo(folder / "reports" / "pipe")
    _refused(capsys, "no run wrote", "-p", "data_dir", str(data), "--output", str(folder))
    assert (folder / "reports" / "pipe").exists()


def test_data_inside_an_earlier_runs_folder_are_refused_and_kept(fake_runs, capsys, data,
                                                                tmp_path):
    """The case that deleted a user's data: their folder inside an earlier run's output."""
    folder = tmp_path / "out"
    _earlier_run(capsys, folder, data)
    inside = Path(shutil.copytree(data, folder / "reports" / f"{PLANT}data"))
    before = _digests(inside)
    _refused(capsys, "your data folder is inside the output folder", "-p", "data_dir",
             str(inside), "--output", str(folder))
    assert _digests(inside) == before


@pytest.mark.parametrize("relation", ["same", "inside"])
def test_an_output_folder_in_the_data_folder_is_refused(fake_runs, capsys, data, relation):
    folder = data if relation == "same" else data / "out"
    before = _digests(data)
    message = ("your data folder is inside the output folder" if relation == "same"
               else "inside your data folder")
    _refused(capsys, message, "-p", "data_dir", str(data), "--output", str(folder))
    assert _digests(data) == before


@pytest.mark.parametrize("marker", ["made by python -m analysis.run\n", "{not json",
                                    '{"files": ["a list"]}'])
def test_an_unreadable_or_old_manifest_proves_nothing(fake_runs, capsys, data, tmp_path,
                                                      marker):
    folder = tmp_path / "out"
    (folder / "reports").mkdir(parents=True)
    (folder / ownership.MARKER).write_text(marker, encoding="utf-8")
    (folder / "reports" / "reproduction.csv").write_text("the user's\n", encoding="utf-8")
    before = _digests(folder)
    _refused(capsys, "no run wrote", "-p", "data_dir", str(data), "--output", str(folder))
    assert _digests(folder) == before


def test_a_manifest_naming_files_outside_its_folder_removes_nothing(tmp_path):
    folder, victim = tmp_path / "out", tmp_path / "victim.txt"
    folder.mkdir()
    victim.write_text("the user's", encoding="utf-8")
    digest = hashlib.sha256(victim.read_bytes()).hexdigest()
    (folder / ownership.MARKER).write_text(json.dumps({"files": {
        "../victim.txt": digest, str(victim): digest}}), encoding="utf-8")
    ownership.remove_own(folder)
    assert victim.read_text(encoding="utf-8") == "the user's"


def test_lookalike_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("the user's", encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        lookalike.main([str(tmp_path)])
    assert stopped.value.code == 2
    assert "give --force" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_lookalike_force_keeps_other_files(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("the user's", encoding="utf-8")
    assert lookalike.main(["--force", str(tmp_path)]) == 0
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "the user's"
    assert lookalike.main(["--force", "--seed", "5", str(tmp_path)]) == 0  # its own: replaced


@pytest.mark.parametrize("name", [INTERVIEWS, P19])
def test_lookalike_force_never_replaces_a_file_it_did_not_write(tmp_path, capsys, name):
    assert lookalike.main([str(tmp_path)]) == 0
    (tmp_path / name).write_text("the user's real records", encoding="utf-8")
    before = _digests(tmp_path)
    with pytest.raises(SystemExit) as stopped:
        lookalike.main(["--force", str(tmp_path)])
    assert stopped.value.code == 2
    assert "never replaced" in capsys.readouterr().err
    assert _digests(tmp_path) == before


@pytest.mark.parametrize(("arguments", "message"), [
    ([""], "empty"),
    (["notebooks"], "write under private/ or build/"),
])
def test_lookalike_refuses_empty_and_tracked_folders(arguments, message, capsys):
    before = _status()
    with pytest.raises(SystemExit) as stopped:
        lookalike.main(arguments)
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err
    assert _status() == before


# --- 2. published means every parameter at its default, however it is written ---------------

@pytest.mark.parametrize("arguments", [
    ["-p", "seed", "20130701"],
    ["-p", "multiple_testing", '"bonferroni"'],
    ["-p", "alpha", "0.05", "-p", "tolerance", "0.5"],
    ["-p", "continuity_correction", "false"],
])
def test_a_parameter_typed_at_its_default_is_the_default_run(monkeypatch, arguments):
    seen = {}
    monkeypatch.setattr(run, "_execute", lambda args, selected, per_notebook, plan,
                        locations: seen.update(per=per_notebook, plan=plan) or 0)
    before = _status()
    assert run.main(arguments) == 0
    assert seen["plan"].mode == "repository"
    assert not any(seen["per"].values()), "papermill would inject a parameters cell"
    assert _status() == before


# --- 6. paths and names ----------------------------------------------------------------------

@pytest.mark.parametrize(("arguments", "message"), [
    (["-p", "data_dir", '""'], "are empty"),
    (["-p", "data_dir", "   "], "are empty"),
    (["-p", "fig2_values", '""'], "are empty"),
    (["-p", "registry_path", '""'], "are empty"),
    (["-p", "multiple_testing", '""'], "are empty"),
    (["--output", ""], "--output is empty"),
    (["-p", "seed", "7", "--name", ""], "--name must be a plain name"),
    (["-p", "seed", "7", "--name", "../../x"], "--name must be a plain name"),
    (["-p", "seed", "7", "--name", "/tmp/x"], "--name must be a plain name"),
    (["-p", "seed", "7", "--name", "a/b"], "--name must be a plain name"),
    (["-p", "seed", "7", "--name", ".hidden"], "--name must be a plain name"),
    (["-p", "seed", "7", "--name", "x" * 81], "--name must be a plain name"),
    (["-p", "data_dir", '"your data"'], "is what outputs call the path"),
    (["-p", "fig2_values", '"your Fig. 2 values"'], "is what outputs call the path"),
    (["-p", "data_dir", "README.md"], "must name a folder"),
    (["-p", "seed", "20130701.0"], "'seed' must be int"),
])
def test_empty_values_and_names_that_are_paths_are_refused(fake_runs, capsys, arguments,
                                                           message):
    _refused(capsys, message, *arguments)


def test_a_data_folder_git_would_track_is_refused(fake_runs, capsys):
    """A folder inside the repository that git does not ignore (here one it tracks): one
    `git add` from being committed."""
    _refused(capsys, "one `git add` would commit it", "-p", "data_dir", "data/design")


def test_a_named_real_data_run_keeps_the_last_private_results(fake_runs, capsys, data):
    named = paths.PRIVATE_RUNS / f"test-{os.getpid()}"
    try:
        status, err = _main(capsys, "-p", "data_dir", str(data), "--name", named.name)
        assert status == 0, err
        assert (named / "reports" / "reproduction.csv").is_file()
    finally:
        shutil.rmtree(named, ignore_errors=True)


def test_stale_temporary_folders_are_swept_and_nothing_else(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "RUNS", tmp_path / "runs")
    monkeypatch.setattr(paths, "PRIVATE_RUNS", tmp_path / "private-runs")
    work = tmp_path / "runs" / "old"
    stale, empty, users = work / ".tmp-killed", work / ".tmp-empty", work / ".tmp-users"
    for folder in (stale, empty, users):
        folder.mkdir(parents=True)
    (stale / ownership.TEMP_MARK).write_text("x", encoding="utf-8")
    (stale / "01.ipynb").write_text("partial", encoding="utf-8")
    (users / "notes.txt").write_text("the user's", encoding="utf-8")
    ownership.sweep_temporaries()
    assert not stale.exists()
    assert not empty.exists()
    assert (users / "notes.txt").read_text(encoding="utf-8") == "the user's"


def test_a_temporary_folder_of_a_running_run_is_not_swept(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "RUNS", tmp_path / "runs")
    work = tmp_path / "runs" / "busy"
    with runs.locked(work), runs.private_temp(work) as temporary:
        ownership.sweep_temporaries()
        assert temporary.is_dir()


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT])
def test_hangup_quit_and_terminate_remove_the_temporary_folder(tmp_path, number):
    made = []

    def signalled() -> None:
        with runs.private_temp(tmp_path) as temporary:
            made.append(temporary)
            os.kill(os.getpid(), number)  # the handler raises in this thread at once

    with pytest.raises(KeyboardInterrupt):
        signalled()
    assert made
    assert not made[0].exists()
    assert signal.getsignal(number) is not runs._terminate  # the handler is given back


# --- 5. faults end in one clear line and an exit status --------------------------------------

def _fault(monkeypatch, number: int, where: str):
    def broken(selected, per_notebook, plan=None, jobs=2, temporary=None):
        target = plan.output / "notebooks" / "01_enrolment.ipynb"
        target.write_text("{partial", encoding="utf-8")
        raise OSError(number, os.strerror(number), str(plan.output / where))
    monkeypatch.setattr(run, "run_notebooks", broken)


@pytest.mark.parametrize(("number", "message"), [
    (errno.ENOSPC, "the disk is full"),
    (errno.EROFS, "read-only file system"),
    (errno.EACCES, "permission denied"),
    (errno.EDQUOT, "quota"),
    (errno.EIO, "input/output error"),
])
def test_a_fault_during_a_run_is_one_line_and_marks_the_run_incomplete(
        fake_runs, capsys, monkeypatch, data, tmp_path, number, message):
    _fault(monkeypatch, number, "reports/reproduction.csv")
    folder = tmp_path / f"{PLANT}out"
    status, err = _main(capsys, "-p", "data_dir", str(data), "--output", str(folder))
    assert status == 1
    assert err.strip().count("\n") == 0
    assert message in err
    assert "the output folder" in err
    assert (folder / ownership.INCOMPLETE).is_file()
    assert "notebooks/01_enrolment.ipynb" in ownership.read_manifest(folder)


def test_too_little_free_space_is_refused_before_anything_is_written(fake_runs, capsys,
                                                                    monkeypatch, data,
                                                                    tmp_path):
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(faults.shutil, "disk_usage",
                        lambda place: usage._replace(free=5 * 2**20))
    folder = tmp_path / "out"
    _refused(capsys, "MB free where the run writes", "-p", "data_dir", str(data), "--output",
             str(folder))
    assert not folder.exists()


def test_an_unreadable_data_folder_is_refused_in_one_line(fake_runs, capsys, monkeypatch,
                                                          data):
    def unreadable(folder):
        raise PermissionError(errno.EACCES, "Permission denied", str(folder / P18))
    monkeypatch.setattr(run.request, "data_checks", unreadable)
    err = _refused(capsys, "could not use your data: permission denied", "-p", "data_dir",
                   str(data))
    assert str(data) not in err


def test_output_piped_to_a_reader_that_stops_is_quiet():
    shown = subprocess.run(f"'{sys.executable}' -m analysis.run --list | head -1",
                           shell=True, cwd=paths.ROOT, capture_output=True, text=True,
                           timeout=120, check=False)
    assert shown.stdout.startswith("| notebook")
    assert "Traceback" not in shown.stderr
    assert "BrokenPipe" not in shown.stderr


def test_a_broken_pipe_does_not_stop_a_run(tmp_path):
    reader, writer = os.pipe()
    os.close(reader)
    with os.fdopen(writer, "w") as stream:
        safe = faults.PipeSafe(stream)
        assert safe.write("progress\n" * 10_000) > 0
        safe.flush()


def test_a_foreign_kernel_never_replaces_the_runs_own(tmp_path, monkeypatch):
    from jupyter_client.kernelspec import KernelSpecManager

    foreign = tmp_path / "foreign" / "kernels" / kernel.KERNEL
    foreign.mkdir(parents=True)
    (foreign / "kernel.json").write_text(json.dumps({
        "argv": ["/usr/bin/false", "{connection_file}"], "display_name": "x",
        "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "foreign"))
    with kernel.own_kernel(tmp_path / "run") as name:
        spec = KernelSpecManager().get_kernel_spec(name)
    assert spec.argv[0] == sys.executable


def test_a_failed_notebook_on_real_data_says_what_it_means_and_no_record(tmp_path):
    from analysis.io.executed import describe_failure

    error = type("PapermillExecutionError", (Exception,), {})()
    error.cell_index, error.exec_count, error.ename = 5, 3, "NotComputable"
    error.evalue = f"table of {PLANT}-C19-001 has a zero margin"
    line = describe_failure(paths.NOTEBOOKS / "01_enrolment.ipynb", error,
                            runs.Plan("real", tmp_path))
    assert "not defined on these data" in line
    assert PLANT not in line


# --- 3. no path in any output: the record of a run -------------------------------------------

def test_the_record_of_a_run_shows_every_path_parameter_as_its_role(tmp_path):
    plan = runs.Plan("scratch", tmp_path, {"fig2_values": f"/x/{PLANT}.csv", "seed": 3,
                                           "registry_path": f"{PLANT}/r.csv"})
    record = runs.provenance(plan, ["03_service_content"], {})
    assert PLANT not in json.dumps(record)
    assert record["parameters"]["fig2_values"] == "your Fig. 2 values"
    assert runs._name(plan.parameters) == "fig2_values_registry_path_seed-3"


# --- 4. validation is the contract -----------------------------------------------------------

def _edit(folder: Path, name: str, change) -> None:
    text = (folder / name).read_text(encoding="utf-8")
    (folder / name).write_text(change(text), encoding="utf-8")


def _first_row(column: str, value: str, where=lambda row: True):
    def change(text: str) -> str:
        lines = text.splitlines()
        header = lines[0].split(",")
        for number, line in enumerate(lines[1:], start=1):
            row = dict(zip(header, line.split(","), strict=True))
            if where(row):
                row[column] = value
                lines[number] = ",".join(row[c] for c in header)
                return "\n".join(lines) + "\n"
        raise AssertionError("no row to edit")
    return change


def _without(role: str, wave: str, evaluated: str | None = None, keep: int = 0):
    """Drop the people of a group but ``keep`` of them, and the caregivers of those dropped."""
    def change(text: str) -> str:
        lines = text.splitlines()
        header = lines[0].split(",")
        rows = [dict(zip(header, line.split(","), strict=True)) for line in lines[1:]]
        group = [r for r in rows if r["role"] == role and r["wave"] == wave
                 and evaluated in (None, r["evaluated"])]
        gone = {r["person_id"] for r in group[keep:]}
        kept = [r for r in rows if r["person_id"] not in gone and r["cares_for"] not in gone]
        return "\n".join([lines[0], *(",".join(r[c] for c in header) for r in kept)]) + "\n"
    return change


CONTRADICTIONS = [
    ("left before enrolling", P18, _first_row("year_left", "2013", lambda r: r[
        "year_enrolled"] == "2015"), "before the year enrolled"),
    ("a reason for someone evaluated", P19, _first_row("dropout_reason", "other", lambda r: r[
        "evaluated"] == "yes"), "for someone evaluated"),
    ("no providers in the later wave", P19, _without("peer", "later"),
     "0 peers of the later wave"),
    ("one evaluated provider in 2018", P18, _without("peer", "initial", "yes", keep=1),
     "1 peers of the initial wave, evaluated"),
    ("one dropout among the later consumers", P19, _without("consumer", "later", "no", keep=1),
     "1 consumers of the later wave, not evaluated"),
    ("a homoglyph in a code", SESSIONS, lambda t: t.replace(",group,", ",grоup,", 1),
     "U+043E CYRILLIC SMALL LETTER O"),
    ("a blank line between rows", SESSIONS, lambda t: t.replace("\n", "\n\n", 2)[::-1].replace(
        "\n\n", "\n", 1)[::-1], "a blank line between rows"),
    ("a quote never closed", SESSIONS, lambda t: t.replace("\nS010", '\n"S010', 1),
     "a quote opened on this line is never closed"),
    ("a 200,000-character field", SESSIONS, lambda t: t.replace("\nS010", "\n" + "S" * 200_000,
                                                                1),
     "a field longer than"),
]


@pytest.mark.parametrize(("kind", "name", "change", "message"), CONTRADICTIONS,
                         ids=[c[0] for c in CONTRADICTIONS])
def test_contradictions_and_shapes_are_refused_with_file_and_line(fake_runs, capsys, data,
                                                                  kind, name, change,
                                                                  message):
    _edit(data, name, change)
    before = _digests(data)
    err = _refused(capsys, message, "-p", "data_dir", str(data))
    assert name in err
    assert _digests(data) == before


def test_trailing_blank_lines_are_accepted(data):
    _edit(data, SESSIONS, lambda t: t + "\n\n\r\n")
    assert dataset_problems(data) == []


def test_a_pipe_as_a_data_file_is_refused_without_reading_it(fake_runs, capsys, data):
    (data / INTERVIEWS).unlink()
    os.mkfifo(data / INTERVIEWS)
    _refused(capsys, "is not a regular file", "-p", "data_dir", str(data))


def test_a_huge_file_is_refused_before_it_is_read(fake_runs, capsys, data):
    from analysis.io.files import MAX_INPUT_BYTES

    with (data / SESSIONS).open("r+b") as handle:  # sparse: no disk used, no time spent
        handle.truncate(MAX_INPUT_BYTES + 1)
    _refused(capsys, "over the limit", "-p", "data_dir", str(data))


FIGURE_VALUES = [
    ("fig2_values", "category,percent\nentertainment,nan\n", "not a finite number"),
    ("fig2_values", "category,percent\nentertainment,inf\n", "not a finite number"),
    ("fig2_values", "category,percent\nentertainment,90\nemotional_support,90\n",
     "the shares sum to 180"),
    ("fig1_values", "community,period,sessions\ntuanjiehu,2013H2,0\n", "every count is 0"),
    ("fig1_values", "community,period,sessions\ntuanjiehu,2013H2,-4\n", "negative"),
    ("registry_path", "id,printed\n", "your registry"),
    ("findings_path", "nothing\n", "your findings"),
]


@pytest.mark.parametrize(("name", "text", "message"), FIGURE_VALUES,
                         ids=[f"{c[0]}: {c[2]}" for c in FIGURE_VALUES])
def test_bad_values_given_by_path_are_refused_by_role(fake_runs, capsys, tmp_path, name, text,
                                                      message):
    path = tmp_path / f"{PLANT}.csv"
    path.write_text(text, encoding="utf-8")
    _refused(capsys, message, "-p", name, str(path))


def test_every_edge_dataset_the_contract_allows_passes_validation(dataset, tmp_path):
    """The smallest datasets the contract allows (each group at its minimum, chosen three
    ways) are valid: the contract asks nothing more than it says."""
    from datasets import edge_dataset

    for seed in range(3):
        assert dataset_problems(edge_dataset(dataset, tmp_path / str(seed), seed)) == []


# --- 7. scale ---------------------------------------------------------------------------------

def test_a_scaled_lookalike_is_valid_and_scaled(tmp_path, capsys):
    """``--scale`` (the benchmark's 100-times dataset, here twice): every row repeated with
    new ids, and still valid, caregivers included."""
    single, double = tmp_path / "one", tmp_path / "two"
    assert lookalike.main([str(single)]) == 0
    assert lookalike.main(["--scale", "2", str(double)]) == 0
    for name in lookalike.FILES:
        rows = (single / name).read_text(encoding="utf-8").splitlines()
        doubled = (double / name).read_text(encoding="utf-8").splitlines()
        assert len(doubled) - 1 == 2 * (len(rows) - 1)
    assert dataset_problems(double) == []


@pytest.mark.parametrize("factor", ["0", "1001", "-3"])
def test_lookalike_refuses_a_scale_out_of_range(tmp_path, capsys, factor):
    with pytest.raises(SystemExit) as stopped:
        lookalike.main(["--scale", factor, str(tmp_path / "x")])
    assert stopped.value.code == 2
    assert "--scale must be from 1 to 1000" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


# --- 4. every dataset that passes validation runs: generated cases ----------------------------

#: Columns a generated dataset may make constant (a single category or value).
FLATTENED = [(P18, "sex"), (P18, "education"), (P18, "diagnosis"), (P18, "year_enrolled"),
             (P19, "sex"), (P19, "marital_status"), (P19, "employed"), (P19, "lives_alone"),
             (P19, "diagnosis"), (P19, "followup_month"), (SESSIONS, "category"),
             (SESSIONS, "mode"), (INTERVIEWS, "answer")]


def _hypothesis_profile():
    """Few examples in ``make test`` (each runs four notebooks); ``HYPOTHESIS_PROFILE=
    thorough`` for many."""
    from hypothesis import HealthCheck, settings

    common = {"deadline": None, "derandomize": True,
              "suppress_health_check": [HealthCheck.function_scoped_fixture,
                                        HealthCheck.too_slow]}
    settings.register_profile("suite", max_examples=2, **common)
    settings.register_profile("thorough", max_examples=40, **common)
    return settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))


@pytest.mark.slow
def test_generated_datasets_either_are_refused_or_run(dataset, tmp_path_factory):
    """Datasets generated from the look-alike at the edge of the contract (each group at
    its minimum or a little above, a few sessions per cell) with some variables made
    constant, all valid by the column schemas: validation refuses each with messages naming
    the file, or notebooks 01 to 04 run on it without an error (the code of the notebooks,
    run in one process). A sample of the space (Hypothesis, derandomized), not a proof."""
    from datasets import IN_PROCESS, edge_dataset, flatten
    from hypothesis import given
    from hypothesis import strategies as st

    @_hypothesis_profile()
    @given(seed=st.integers(0, 2**16), extra=st.integers(0, 2), per_cell=st.integers(1, 3),
           flat=st.lists(st.sampled_from(FLATTENED), max_size=4, unique=True))
    def check(seed, extra, per_cell, flat):
        folder = edge_dataset(dataset, tmp_path_factory.mktemp("generated") / "data", seed,
                              extra, per_cell)
        for name, column in flat:
            flatten(folder, name, column)
        problems = dataset_problems(folder)
        if problems:
            assert all(p.split(",")[0].split(":")[0] in (P18, P19, SESSIONS, INTERVIEWS)
                       for p in problems), problems[:3]
            return
        output = tmp_path_factory.mktemp("output")
        ran = subprocess.run([sys.executable, "-c", IN_PROCESS, str(folder), str(output),
                              str(paths.ROOT)], capture_output=True, text=True, timeout=600,
                             check=False)
        assert ran.returncode == 0, (flat, ran.stdout[-3000:], ran.stderr[-2000:])

    check()
