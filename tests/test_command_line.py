"""The command line under bad input and misuse: every case gets exit status 2, one clear
message naming the file, line and column where there is one, no traceback, and no change to
any file git tracks (nor a private output folder). The record-file cases edit one cell or
the shape of one file of a valid look-alike dataset and run ``python -m analysis.run -p
data_dir`` in-process: validation happens before anything runs, so each case is fast."""

from __future__ import annotations

import csv
import fcntl
import shutil
import subprocess
from pathlib import Path

import pytest

from analysis import lookalike, run
from analysis.io import paths
from analysis.lookalike import write_lookalike

pytestmark = pytest.mark.integration

P18, P19 = "fan2018_participants.csv", "fan2019_participants.csv"
SESSIONS, INTERVIEWS = "fan2018_sessions.csv", "interviews.csv"


def _status() -> str:
    """What git sees: tracked files changed and untracked files not ignored."""
    return subprocess.run(["git", "status", "--porcelain"], cwd=paths.ROOT, text=True,
                          capture_output=True, check=True).stdout


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return write_lookalike(tmp_path_factory.mktemp("valid") / "data", seed=99)[0].parent


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(path.open(newline="", encoding="utf-8")))


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def cell(name, column, value, where=lambda row, header: True):
    """An edit: ``column`` of the first data row of ``name`` for which ``where`` holds."""
    def edit(folder: Path) -> int:
        rows = _rows(folder / name)
        header = rows[0]
        for number, row in enumerate(rows[1:], start=2):
            if where(row, header):
                row[header.index(column)] = value
                _write(folder / name, rows)
                return number
        raise AssertionError(f"no row of {name} to edit")
    return edit


def role(wanted):
    return lambda row, header: row[header.index("role")] == wanted


def described(row, header):
    return row[header.index("role")] == "consumer" and row[header.index("age")] != ""


def rated(row, header):
    return row[header.index("kind")] == "rating"


def copy_of_row(name, index):
    """An edit: data row ``index`` repeated as the next line (a duplicate key)."""
    def edit(folder: Path) -> int:
        rows = _rows(folder / name)
        rows.insert(index + 2, list(rows[index + 1]))
        _write(folder / name, rows)
        return index + 3
    return edit


def whole_file(name, text=None, raw=None, folder_instead=False, remove=False):
    """An edit of a whole file: new text, raw bytes, a folder in its place, or none."""
    def edit(folder: Path) -> int:
        path = folder / name
        if remove or folder_instead:
            path.unlink()
        if folder_instead:
            path.mkdir()
        if text is not None:
            path.write_text(text(path.read_text(encoding="utf-8")) if callable(text) else text,
                            encoding="utf-8")
        if raw is not None:
            path.write_bytes(raw(path.read_bytes()))
        return 0
    return edit


def _header(transform):
    def change(text: str) -> str:
        head, _, rest = text.partition("\n")
        return transform(head) + "\n" + rest
    return change


# (kind, edit, file, column or None, message pattern)
DATA_CASES = [
    ("age in Arabic-Indic digits", cell(P19, "age", "٤٠", described), P19, "age", "digits 0-9"),
    ("age in full-width digits", cell(P19, "age", "４０", described), P19, "age", "digits 0-9"),
    ("age with a superscript", cell(P19, "age", "4²", described), P19, "age", "digits 0-9"),
    ("age with decimals", cell(P19, "age", "40.5", described), P19, "age", "whole number"),
    ("negative age", cell(P19, "age", "-3", described), P19, "age", "whole number"),
    ("age that overflows", cell(P19, "age", "9" * 30, described), P19, "age", "whole number"),
    ("age outside the inclusion ages", cell(P19, "age", "17", described), P19, "age",
     "inclusion ages"),
    ("unknown sex code", cell(P19, "sex", "x", described), P19, "sex", "not one of"),
    ("unknown education code", cell(P19, "education", "phd", described), P19, "education",
     "not one of"),
    ("unknown role", cell(P19, "role", "doctor"), P19, "role", "not one of"),
    ("unknown community", cell(P19, "community", "chaoyang"), P19, "community", "not one of"),
    ("wave that contradicts the community", cell(P19, "wave", "later", described), P19, "wave",
     "belongs to the initial wave|belongs to the"),
    ("evaluated neither yes nor no", cell(P19, "evaluated", "maybe"), P19, "evaluated",
     "not one of"),
    ("follow-up month zero", cell(P19, "followup_month", "0", described), P19,
     "followup_month", "from 1 to 60"),
    ("free text as a drop-out reason", cell(P19, "dropout_reason", "moved away with her son"),
     P19, "dropout_reason", "not one of"),
    ("caregiver of nobody in the file", cell(P19, "cares_for", "X99", role("caregiver")), P19,
     "cares_for", "not a peer or consumer"),
    ("consumer who cares for someone", cell(P19, "cares_for", "C19-001", role("consumer")), P19,
     "cares_for", "only caregivers"),
    ("repeated person_id", copy_of_row(P19, 0), P19, "person_id", "repeats"),
    ("empty person_id", cell(P19, "person_id", ""), P19, "person_id", "required"),
    ("person_id with a space", cell(P19, "person_id", "C 19"), P19, "person_id",
     "a code of letters"),
    ("onset after the current age", cell(P19, "onset_age", "61", described), P19, "onset_age",
     "above the age"),
    ("another paper's row", cell(P19, "paper", "fan2018"), P19, "paper", "this file holds"),
    ("missing demographic of a described person", cell(P19, "marital_status", "", described),
     P19, "marital_status", "empty for a described"),
    ("enrolment year outside the study", cell(P18, "year_enrolled", "2020"), P18,
     "year_enrolled", "from 2013 to 2016"),
    ("a fan2019 variable in the fan2018 file", cell(P18, "lives_alone", "yes", described), P18,
     "lives_alone", "not one of"),
    ("impossible date", cell(SESSIONS, "date", "2013-02-30"), SESSIONS, "date", "YYYY-MM-DD"),
    ("date written another way", cell(SESSIONS, "date", "30/07/2013"), SESSIONS, "date",
     "YYYY-MM-DD"),
    ("date outside its period", cell(SESSIONS, "date", "2016-05-02"), SESSIONS, "date",
     "outside period"),
    ("free text as a session format", cell(SESSIONS, "format", "chat about Mr Li"), SESSIONS,
     "format", "not one of"),
    ("unknown session mode", cell(SESSIONS, "mode", "online"), SESSIONS, "mode", "not one of"),
    ("zero duration", cell(SESSIONS, "duration_min", "0"), SESSIONS, "duration_min",
     "from 1 to 600"),
    ("peer count in words", cell(SESSIONS, "peers_leading", "two"), SESSIONS, "peers_leading",
     "whole number"),
    ("unknown content category", cell(SESSIONS, "category", "cooking"), SESSIONS, "category",
     "not one of"),
    ("unknown period", cell(SESSIONS, "period", "2017H1"), SESSIONS, "period", "not one of"),
    ("empty session_id", cell(SESSIONS, "session_id", ""), SESSIONS, "session_id", "required"),
    ("repeated session_id", copy_of_row(SESSIONS, 0), SESSIONS, "session_id", "repeats"),
    ("answer kind that contradicts the question", cell(INTERVIEWS, "kind", "rating",
                                                       lambda r, h: r[h.index("kind")] == "yes_no"),
     INTERVIEWS, "kind", "but the question is"),
    ("respondent's wave that contradicts the participants",
     cell(INTERVIEWS, "wave", "later", lambda r, h: r[h.index("wave")] == "initial"),
     INTERVIEWS, "wave", "in the participants"),
    ("rating outside its scale", cell(INTERVIEWS, "answer", "9", rated), INTERVIEWS, "answer",
     "whole number in"),
    ("rating in words", cell(INTERVIEWS, "answer", "good", rated), INTERVIEWS, "answer",
     "yes, no or a whole number"),
    ("unknown question", cell(INTERVIEWS, "question", "happiness"), INTERVIEWS, "question",
     "not one of"),
    ("respondent not in the participants", cell(INTERVIEWS, "person_id", "C18-999"), INTERVIEWS,
     "person_id", "not in the fan2018 participants"),
    ("respondent's role that contradicts the participants",
     cell(INTERVIEWS, "role", "peer", lambda r, h: r[h.index("role")] == "consumer" and
          r[h.index("question")] == "disease_related_know_more_disease_knowledge"),
     INTERVIEWS, "role", "in the participants"),
    ("the same question answered twice", copy_of_row(INTERVIEWS, 0), INTERVIEWS, "question",
     "twice"),
    ("repeated column name", whole_file(P19, text=_header(lambda h: h.replace("sex", "age"))),
     P19, None, r"line 1: column\(s\) \['age'\] appear more than once"),
    ("blank column name", whole_file(P19, text=_header(lambda h: h + ",")), P19, None,
     r"line 1: column\(s\) \[20\] have no name"),
    ("missing column", whole_file(P19, text=_header(lambda h: h.replace("sex", "gender"))), P19,
     None, r"line 1: missing column\(s\) \['sex'\]"),
    ("header only", whole_file(P19, text=lambda t: t.partition("\n")[0] + "\n"), P19, None,
     "line 2: no rows after the header"),
    ("empty file", whole_file(P19, text=""), P19, None, "empty file"),
    ("a folder in place of a file", whole_file(SESSIONS, folder_instead=True), SESSIONS, None,
     "is a folder, not a file"),
    ("missing file", whole_file(INTERVIEWS, remove=True), INTERVIEWS, None, "file not found"),
    ("bytes that are not UTF-8", whole_file(P19, raw=lambda b: b.replace(b"consumer",
                                                                       b"consum\xe9r", 1)),
     P19, None, r"line \d+: not UTF-8"),
    ("unclosed quote", whole_file(SESSIONS, text=lambda t: t.replace("\n", '\n"', 1)), SESSIONS,
     None, "malformed CSV|fields"),
    ("a line with an extra field", whole_file(SESSIONS, text=lambda t: t.replace(
        "\n", "\nx,", 1)), SESSIONS, None, r"line 2: \d+ fields, expected"),
]


def _never_run(*args, **kwargs):
    raise AssertionError("bad input passed validation: the notebooks would have run")


@pytest.mark.parametrize(("kind", "edit", "name", "column", "message"), DATA_CASES,
                         ids=[c[0] for c in DATA_CASES])
def test_bad_data_are_refused(dataset, tmp_path, capsys, monkeypatch, kind, edit, name,
                              column, message):
    monkeypatch.setattr(run, "_execute", _never_run)
    folder = tmp_path / "data"
    shutil.copytree(dataset, folder)
    line = edit(folder)
    before, private = _status(), paths.PRIVATE_OUTPUT.exists()
    assert run.main(["-p", "data_dir", str(folder)]) == 2
    err = capsys.readouterr().err
    where = f"{name}, line {line}, column '{column}': " if column else f"{name}"
    assert where in err, err[-1500:]
    assert any(__import__("re").search(message, part) for part in err.split("\n")), err[-1500:]
    assert "Traceback" not in err
    assert str(tmp_path) not in err
    assert _status() == before
    assert paths.PRIVATE_OUTPUT.exists() == private


def test_excel_files_with_a_byte_order_mark_and_crlf_are_accepted(dataset, tmp_path):
    from analysis.io.dataset import dataset_problems

    folder = tmp_path / "data"
    shutil.copytree(dataset, folder)
    for path in folder.glob("*.csv"):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert dataset_problems(folder) == []


OPTION_CASES = [
    ("unknown parameter", ["-p", "sed", "3"], "did you mean 'seed'"),
    ("seed as a string", ["-p", "seed", '"7"'], "'seed' must be int"),
    ("negative seed", ["-p", "seed", "-1"], "'seed' must be between 0"),
    ("seed as true", ["-p", "seed", "true"], "'seed' must be int"),
    ("tolerance above its range", ["-p", "tolerance", "2"], "'tolerance' must be between"),
    ("tolerance not a number", ["-p", "tolerance", "NaN"], "finite number"),
    ("alpha of zero", ["-p", "alpha", "0"], "'alpha' must be between"),
    ("correction not offered", ["-p", "multiple_testing", '"sidak"'], "must be one of"),
    ("too few draws", ["-p", "draws", "10"], "'draws' must be between"),
    ("exact p policy as a number", ["-p", "exact_p", "1"], "'exact_p' must be str"),
    ("data folder that does not exist", ["-p", "data_dir", "private/none"],
     "must name a folder that exists"),
    ("digitised values that do not exist", ["-p", "fig1_values", "nothing.csv"],
     "must name a file that exists"),
    ("unknown notebook", ["--only", "07_extra"], "no such notebook"),
    ("no jobs", ["--jobs", "0"], "--jobs must be at least 1"),
    ("output that is a file", ["--output", "README.md"], "names a file"),
    ("output over tracked files", ["--output", "reports"], "where git tracks files"),
    ("output that holds the repository", ["--output", "."], "would hold the repository"),
    ("output inside the data folder's parent of the repository", ["--output", ".."],
     "would hold the repository"),
]


@pytest.mark.parametrize(("kind", "arguments", "message"), OPTION_CASES,
                         ids=[c[0] for c in OPTION_CASES])
def test_bad_options_are_refused(capsys, monkeypatch, kind, arguments, message):
    monkeypatch.setattr(run, "_execute", _never_run)
    before = _status()
    assert run.main(arguments) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert _status() == before


def test_real_data_run_every_notebook(dataset, capsys, monkeypatch):
    monkeypatch.setattr(run, "_execute", _never_run)
    assert run.main(["--only", "01_enrolment", "-p", "data_dir", str(dataset)]) == 2
    assert "runs every notebook" in capsys.readouterr().err


def test_an_output_folder_holding_other_files_is_refused(tmp_path, capsys):
    (tmp_path / "thesis.docx").write_text("mine", encoding="utf-8")
    assert run.main(["-p", "seed", "7", "--output", str(tmp_path)]) == 2
    assert "holds other files" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["thesis.docx"]


def test_a_second_run_on_the_same_folder_is_refused(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / ".peer-support-run").write_text("x", encoding="utf-8")
    with (folder / ".run.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert run.main(["-p", "seed", "7", "--output", str(folder)]) == 2
    assert "another run is writing" in capsys.readouterr().err


@pytest.mark.parametrize("module", [run, lookalike])
def test_every_entry_point_has_help(module, capsys):
    with pytest.raises(SystemExit) as stopped:
        module.main(["--help"])
    assert stopped.value.code == 0
    assert "usage: python -m analysis." in capsys.readouterr().out


@pytest.mark.parametrize(("arguments", "message"), [
    (["--seed", "-4", "build/x"], "--seed must be 0 or more"),
    (["README.md"], "is a file, not a folder"),
    (["data/published"], "write under private/ or build/"),
    (["--seed", "many", "build/x"], "invalid int value"),
])
def test_lookalike_refuses_bad_arguments(arguments, message, capsys):
    before = _status()
    with pytest.raises(SystemExit) as stopped:
        lookalike.main(arguments)
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err
    assert _status() == before


def test_list_shows_every_parameter(capsys):
    from analysis.io.parameters import declared

    assert run.main(["--list"]) == 0
    shown = capsys.readouterr().out
    assert all(f"`{name}`" in shown for name in declared()["name"])


def test_the_benchmark_script_has_help():
    import sys

    shown = subprocess.run([sys.executable, "scripts/benchmark.py", "--help"], cwd=paths.ROOT,
                           capture_output=True, text=True, timeout=60, check=False)
    assert shown.returncode == 0
    assert "usage: python scripts/benchmark.py" in shown.stdout
