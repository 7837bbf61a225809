"""Bad input, refused loudly: more than twenty kinds of bad file or parameter, each giving one
clear error that names the file, line and column where there is one, and each leaving the
existing outputs exactly as they were."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from analysis.io import paths
from analysis.io.annotations import load_explanations
from analysis.io.figure_values import read_fig1_values, read_fig2_values
from analysis.io.files import InputError, read_csv_strict
from analysis.io.interviews import read_interviews, write_interviews
from analysis.io.participants import read_participants, write_participants
from analysis.io.registry import load_registry
from analysis.io.sessions import read_sessions, write_sessions
from analysis.reconstruct.session_records import check_fig1, frequency_bands
from analysis.report.results import write_results
from analysis.run import ParameterError, check_parameters, main, notebooks


def _copy_with(tmp_path, source, edit, name=None):
    """A copy of ``source`` with ``edit(text) -> text`` applied."""
    target = tmp_path / (name or source.name)
    target.write_text(edit(source.read_text(encoding="utf-8")), encoding="utf-8")
    return target


def _replace_cell(text: str, line: int, column: str, new: str) -> str:
    """Change one cell of a CSV text (1-based line, header on line 1)."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    rows[line - 1][rows[0].index(column)] = new
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


REGISTRY = paths.REGISTRY
PEOPLE19 = paths.RECONSTRUCTED / "fan2019_participants.csv"
SESSIONS = paths.RECONSTRUCTED / "fan2018_sessions.csv"
INTERVIEWS = paths.RECONSTRUCTED / "interviews.csv"

# (kind, file to copy, edit, reader name, expected message)
FILE_CASES = [
    ("malformed CSV: an unclosed quote", REGISTRY,
     lambda t: t.replace(",Abstract,", ',"Abstract,', 1), "registry", r"malformed CSV|fields"),
    ("an unquoted comma: extra field", REGISTRY,
     lambda t: t.replace(",Abstract,", ",Abs,tract,", 1), "registry", r"line \d+: \d+ fields"),
    ("missing column", REGISTRY,
     lambda t: t.replace("printed,", "printd,", 1), "registry", r"line 1: missing column"),
    ("empty file", REGISTRY, lambda t: "", "registry", r"empty file"),
    ("wrong encoding (Latin-1 bytes)", REGISTRY, None, "registry", r"line 2: not UTF-8"),
    ("printed value that does not parse", REGISTRY,
     lambda t: _replace_cell(t, 2, "printed", "12,5x"), "registry",
     r"line 2.*column 'printed'"),
    ("duplicate registry id", REGISTRY,
     lambda t: _replace_cell(t, 3, "id", t.splitlines()[1].split(",")[0]), "registry",
     r"line 3.*(duplicate|repeated)"),
    ("participant: unknown category", PEOPLE19,
     lambda t: _replace_cell(t, 2, "education", "phd"), "participants",
     r"line 2, column 'education'"),
    ("participant: age out of range", PEOPLE19,
     lambda t: _replace_cell(t, 2, "age", "17"), "participants", r"line 2, column 'age'"),
    ("participant: wrong type", PEOPLE19,
     lambda t: _replace_cell(t, 3, "age", "forty"), "participants", r"line 3, column 'age'"),
    ("participant: duplicate id", PEOPLE19,
     lambda t: _replace_cell(t, 3, "person_id", "P19-001"), "participants",
     r"line 3, column 'person_id'"),
    ("participant: extra column", PEOPLE19,
     lambda t: "\n".join(line + ",x" for line in t.splitlines()) + "\n", "participants",
     r"line 1: unexpected column\(s\) \['x'\]"),
    ("session: unknown community", SESSIONS,
     lambda t: _replace_cell(t, 2, "community", "chaoyang"), "sessions",
     r"line 2, column 'community'"),
    ("session: impossible date", SESSIONS,
     lambda t: _replace_cell(t, 2, "date", "2013-02-30"), "sessions", r"line 2, column 'date'"),
    ("session: negative duration", SESSIONS,
     lambda t: _replace_cell(t, 4, "duration_min", "-40"), "sessions",
     r"line 4, column 'duration_min'"),
    ("session: duplicate id", SESSIONS,
     lambda t: _replace_cell(t, 3, "session_id", "S001"), "sessions",
     r"line 3, column 'session_id'"),
    ("interview: rating out of range", INTERVIEWS, None, "interviews", r"column 'answer'"),
    ("interview: person not in the participants (foreign key)", INTERVIEWS,
     lambda t: _replace_cell(t, 2, "person_id", "P18-999"), "interviews",
     r"line 2, column 'person_id'"),
    ("interview: unknown question", INTERVIEWS,
     lambda t: _replace_cell(t, 2, "question", "happiness"), "interviews",
     r"line 2, column 'question'"),
]


def _rating_out_of_range(text: str) -> str:
    lines = text.splitlines()
    for number, line in enumerate(lines[1:], start=2):
        if ",rating," in line:
            return _replace_cell(text, number, "answer", "9")
    raise AssertionError("no rating")


def _read(reader, path, registry, people):
    if reader == "registry":
        return load_registry(path)
    if reader == "participants":
        return read_participants(path, registry)
    if reader == "sessions":
        return read_sessions(path)
    return read_interviews(path, people)


@pytest.mark.parametrize(("kind", "source", "edit", "reader", "message"), FILE_CASES,
                         ids=[c[0] for c in FILE_CASES])
def test_bad_file_is_refused_with_a_clear_error(tmp_path, registry, people, kind, source, edit,
                                                reader, message):
    if kind.startswith("wrong encoding"):
        target = tmp_path / source.name
        raw = source.read_bytes()
        first = raw.index(b"\n") + 1
        target.write_bytes(raw[:first] + "é".encode("latin-1") + raw[first:])
    elif kind.startswith("interview: rating"):
        target = _copy_with(tmp_path, source, _rating_out_of_range)
    else:
        target = _copy_with(tmp_path, source, edit)
    with pytest.raises(InputError, match=message) as caught:
        _read(reader, target, registry, people)
    assert target.name in str(caught.value)


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_refused_participant_file_leaves_the_old_one(tmp_path, registry, people):
    target = tmp_path / "fan2019_participants.csv"
    shutil.copyfile(PEOPLE19, target)
    before = _digest(target)
    bad = people["fan2019"].copy()
    bad.loc[bad.index[0], "age"] = "99"
    with pytest.raises(InputError, match="column 'age'"):
        write_participants(bad, target, registry)
    assert _digest(target) == before
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def test_a_refused_session_file_leaves_the_old_one(tmp_path):
    target = tmp_path / "fan2018_sessions.csv"
    shutil.copyfile(SESSIONS, target)
    before = _digest(target)
    bad = read_sessions(SESSIONS)
    bad.loc[0, "mode"] = "online"
    with pytest.raises(InputError, match="column 'mode'"):
        write_sessions(bad, target)
    assert _digest(target) == before


def test_a_refused_interview_file_leaves_the_old_one(tmp_path, registry, people):
    target = tmp_path / "interviews.csv"
    shutil.copyfile(INTERVIEWS, target)
    before = _digest(target)
    bad = read_interviews(INTERVIEWS, people)
    bad.loc[0, "person_id"] = "nobody"
    with pytest.raises(InputError, match="column 'person_id'"):
        write_interviews(bad, target, people)
    assert _digest(target) == before


def test_a_result_that_does_not_round_is_refused_and_nothing_is_written(registry):
    target = paths.RESULTS / "99_bad.csv"
    row = {"id": "fan2018.methods.recruited.peers.n", "reproduced": "13", "status": "match",
           "method": "count", "origin": "constraint", "discrepancy": "none",
           "evidence": "by_construction", "basis": "", "range_min": "", "range_max": "",
           "note": ""}
    with pytest.raises(InputError, match="does not round to printed"):
        write_results("99_bad", [row])
    assert not target.exists()


def test_inconsistent_totals_in_digitised_values(tmp_path, registry):
    path = tmp_path / "fig1.csv"
    path.write_text("community,period,sessions\ntuanjiehu,2013H2,300\n", encoding="utf-8")
    table = read_fig1_values(path)
    checks = check_fig1(table, frequency_bands(registry), registry)
    assert not checks.set_index("check").loc["total sessions", "ok"]


@pytest.mark.parametrize(("line", "message"), [
    ("chaoyang,2013H2,4", "line 2, column 'community'"),
    ("tuanjiehu,2013H2,-3", "line 2, column 'sessions'"),
])
def test_bad_digitised_figure_values(tmp_path, line, message):
    path = tmp_path / "fig1.csv"
    path.write_text(f"community,period,sessions\n{line}\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_fig1_values(path)


def test_bad_explanations_problem(tmp_path):
    path = tmp_path / "explanations.csv"
    path.write_text("id,problem\nx.y.z,no_such_problem\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2, column 'problem'"):
        load_explanations(path)


def test_bad_problem_statuses(tmp_path):
    from analysis.io.annotations import load_problems

    path = tmp_path / "problems.csv"
    path.write_text("problem,kind,statuses,title,evidence,check\nx,problem,fine,t,e,c\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match="line 2, column 'statuses'"):
        load_problems(path)


@pytest.mark.parametrize(("parameters", "message"), [
    ({"sead": 1}, "'sead' is not declared.*did you mean 'seed'"),
    ({"seed": "20130701"}, "'seed' must be int"),
    ({"exact_p": 1}, "'exact_p' must be str"),
    ({"tolerance": "half"}, "'tolerance' must be float"),
])
def test_bad_parameters_are_refused(parameters, message):

    with pytest.raises(ParameterError, match=message):
        check_parameters(notebooks(), parameters)


def test_a_refused_parameter_stops_before_anything_runs(capsys):
    before = {p: _digest(p) for p in paths.NOTEBOOKS.glob("*.ipynb")}
    assert main(["-p", "multiple_testin", '"holm"']) == 2
    assert "refused" in capsys.readouterr().err
    assert {p: _digest(p) for p in paths.NOTEBOOKS.glob("*.ipynb")} == before


def test_parameters_go_only_where_declared():
    routed = check_parameters(notebooks(), {"seed": 7, "tolerance": 0.25, "exact_p": "always"})
    by_name = {p.stem: v for p, v in routed.items()}
    assert by_name["00_registry"] == {}
    assert by_name["01_enrolment"] == {"seed": 7, "exact_p": "always"}
    assert by_name["02_service_process"] == {"seed": 7, "tolerance": 0.25}
    assert by_name["04_outcomes"] == {"seed": 7, "exact_p": "always"}


def test_unknown_category_in_digitised_shares(tmp_path):
    path = tmp_path / "fig2.csv"
    path.write_text("category,percent\ncooking,10\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2, column 'category'"):
        read_fig2_values(path)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(InputError, match=r"nothing\.csv: file not found"):
        read_csv_strict(tmp_path / "nothing.csv", ["id"])
