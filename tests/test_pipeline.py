"""The whole pipeline, run in scratch copies of the repository (never in the repository; each
copy is a git repository of its own, so that ``git status`` shows what a run changed):

- nbval executes every notebook in order in a scratch copy and compares each cell's output
  with the committed one; the report is then rebuilt there, and every data file, table,
  figure and report must be byte-identical to the committed one (an earlier run made them);
- a run with another parameter that fails is named with its cell, keeps its partial executed
  copy in its own scratch folder and leaves every tracked file as it was; a run stopped by
  SIGTERM removes its temporary files;
- the real-data mode, on a look-alike dataset whose identifiers and folder name carry a
  planted string: nothing anywhere holds it, the outputs say "your data" and never
  "reconstructed", the figures draw the data given; a real-data run that fails leaves no
  record value behind; bad data are refused before anything runs;
- values read off the figures replace the reconstruction, outputs redirected.

The runs are the slow part of the suite; each uses its own copy, so pytest-xdist can run them
side by side.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis.io import paths
from analysis.io.cache import CACHE_ENV, cache_dir
from analysis.io.sessions import read_sessions
from analysis.lookalike import write_lookalike
from analysis.reconstruct.session_records import band_matrices, frequency_bands, sessions_table
from analysis.report.documents import EXPERIMENT, experiment_lines
from analysis.run import notebooks as all_notebooks

OUTPUT_FOLDERS = ("data/reconstructed", "reports", "figures")
RECORD_IDS = re.compile(r"\b[PG]1[89]-\d{3}\b|\bS\d{3}\b")
EMBEDDED = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+|\"image/png\": \"[^\"]*\"")
REPORT = ("from analysis.report.page import write_html; "
          "from analysis.report.summary import write_report; write_html(report=write_report())")

pytestmark = pytest.mark.slow


def _tracked() -> list[str]:
    listed = subprocess.run(["git", "ls-files"], cwd=paths.ROOT, capture_output=True,
                            text=True, check=False)
    if listed.returncode == 0 and listed.stdout.strip():
        return listed.stdout.split()
    return [str(p.relative_to(paths.ROOT)) for p in paths.ROOT.rglob("*")
            if p.is_file() and not {".git", ".venv"} & set(p.relative_to(paths.ROOT).parts)]


def _copy(root: Path) -> Path:
    """A copy of the repository's tracked files in ``root``, to run the pipeline in, made
    a git repository with one commit (so that ``git status`` shows what a run changed)."""
    for name in _tracked():
        source = paths.ROOT / name
        if source.is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.org"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "copy"]):
        subprocess.run([*git, *command], cwd=root, check=True, capture_output=True)
    return root


@pytest.fixture
def copy(tmp_path):
    return _copy(tmp_path / "repo")


def _env(root: Path, mode: str | None = None) -> dict:
    """The environment of a run in ``root``; ``mode="repository"`` makes kernels write the
    copy's committed outputs, as the published reproduction does (nbval alone would write to
    a scratch folder)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    for name in (paths.OUTPUT_ENV, paths.MODE_ENV, paths.DATA_ENV):
        env.pop(name, None)
    # one proof cache for every copy (entries are keyed by the package's source, which the
    # copies share, and locked one by one), so a proof is computed once per session
    env.setdefault(CACHE_ENV, str(cache_dir()))
    if mode:
        env[paths.MODE_ENV] = mode
    return env


def _run(root: Path, *arguments: str, module: str = "analysis.run",
         mode: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *arguments], cwd=root,
                          env=_env(root, mode), capture_output=True, text=True, timeout=900,
                          check=False)


def _hashes(root: Path, names: list[str]) -> dict[str, str]:
    return {n: hashlib.sha256((root / n).read_bytes()).hexdigest() for n in names
            if (root / n).is_file()}


def _outputs() -> list[str]:
    return [n for n in _tracked() if n.startswith(OUTPUT_FOLDERS)
            and not n.endswith("benchmark.md") and not n.endswith("README.md")]


def test_notebooks_pass_nbval_and_rebuild_identical_outputs(copy):
    """nbval in a scratch copy: every notebook, in order, gives the committed outputs; then
    the data, tables, figures and reports it wrote are byte-identical to the committed."""
    notebooks = [f"notebooks/{path.name}" for path in all_notebooks()]
    assert sorted(n.name for n in (copy / "notebooks").glob("*.ipynb")) == [
        Path(n).name for n in notebooks]
    nbval = _run(copy, "--nbval", "-p", "no:cacheprovider", "-p", "no:xdist", "-q",
                 "--nbval-sanitize-with", "tests/nbval_sanitize.cfg", "-o", "addopts=",
                 "-W", "ignore::DeprecationWarning", *notebooks, module="pytest",
                 mode="repository")
    assert nbval.returncode == 0, nbval.stdout[-3000:]
    assert re.search(r"\b\d+ passed\b", nbval.stdout)
    report = subprocess.run([sys.executable, "-c", REPORT], cwd=copy, env=_env(copy, "repository"),
                            capture_output=True, text=True, check=False)
    assert report.returncode == 0, report.stderr[-2000:]
    names = _outputs()
    assert len(names) > 30
    committed, rerun = _hashes(paths.ROOT, names), _hashes(copy, names)
    assert sorted(n for n in names if committed.get(n) != rerun.get(n)) == []
    assert _git_clean(copy), "nbval or the report wrote something git tracks or sees"


def _plant_failure(root: Path, notebook: str) -> None:
    """Append a cell that raises to ``notebook`` in the copy ``root``, committed there."""
    import nbformat

    path = root / "notebooks" / f"{notebook}.ipynb"
    node = nbformat.read(path, as_version=4)
    node.cells.append(nbformat.v4.new_code_cell('raise RuntimeError("planted failure")'))
    nbformat.write(node, path)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.org"]
    subprocess.run([*git, "commit", "-q", "-am", "plant a failure"], cwd=root, check=True,
                   capture_output=True)


def test_a_failing_notebook_is_named_and_changes_nothing(copy):
    """A run with another parameter is scratch work: a notebook that fails (here a planted
    failing cell) is named with its cell, keeps its partial copy in its own folder, and
    leaves every tracked file as it was."""
    _plant_failure(copy, "06_audit")
    before = _hashes(copy, _tracked())
    result = _run(copy, "--only", "06_audit", "-p", "n_spread", "11")
    assert result.returncode == 1, result.stderr[-2000:]
    assert "IPKernelApp" not in result.stdout + result.stderr  # quiet kernels
    assert re.search(r"06_audit\.ipynb failed in cell \d+", result.stderr)
    assert "planted failure" in result.stderr
    run = copy / "build" / "runs" / "n_spread-11"
    assert (run / "failed" / "06_audit.ipynb").is_file()
    assert not list(run.glob(".tmp-*")), "temporary files are removed"
    assert _hashes(copy, _tracked()) == before
    assert _git_clean(copy)


def test_a_reading_under_which_no_table_fits_is_a_finding(copy):
    """Issue 15: with ``tolerance`` 0.25 no Fig. 1 table meets the text (proved); the run
    does not crash but says so, and goes on with the nearest reading that fits."""
    from analysis.io.registry import load_registry
    from analysis.stages.fig1_readings import fitting_tolerance, reading_fit

    registry = load_registry()
    assert reading_fit(registry, 0.25)["feasible"] == "no"
    result = _run(copy, "--only", "02_service_process", "-p", "tolerance", "0.25",
                  "-p", "draws", "1000")
    assert result.returncode == 0, result.stderr[-3000:]
    folder = copy / "build" / "runs"
    executed = next(folder.glob("*/notebooks/02_service_process.ipynb")).read_text("utf-8")
    assert "Finding: read with tolerance 0.25, no table agrees with the text" in executed
    used = fitting_tolerance(registry, 0.25)
    assert f"nearest reading under which one fits, tolerance {used:g}" in executed
    assert _git_clean(copy)


def test_a_terminated_run_removes_its_temporary_files(copy):
    """SIGTERM in the middle of a notebook: the kernels stop, the private temporary folder
    is removed, the exit status is 130 and the repository is unchanged."""
    process = subprocess.Popen([sys.executable, "-m", "analysis.run", "-p", "seed", "7",
                                "--only", "02_service_process"], cwd=copy, env=_env(copy),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    folder = copy / "build" / "runs" / "seed-7"
    deadline = time.time() + 120
    while not list(folder.glob(".tmp-*/*.ipynb")) and time.time() < deadline:
        time.sleep(0.2)
    assert list(folder.glob(".tmp-*/*.ipynb")), "the run never started its notebook"
    temporary = next(folder.glob(".tmp-*"))
    assert temporary.stat().st_mode & 0o077 == 0
    process.terminate()
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err[-2000:]
    assert "interrupted" in err
    assert not list(folder.glob(".tmp-*"))
    assert _git_clean(copy)


def _git_clean(root: Path) -> bool:
    """No tracked file changed and no untracked file outside the ignored folders (the copy
    is made a git repository of its own for this)."""
    status = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True,
                            text=True, check=True)
    return status.stdout.strip() == ""


def _leaks(folder: Path) -> dict[str, list[str]]:
    found = {}
    for path in folder.rglob("*"):
        if path.suffix not in {".csv", ".md", ".html", ".ipynb", ".svg", ".txt", ".json"}:
            continue
        text = EMBEDDED.sub("", path.read_text(encoding="utf-8", errors="replace"))
        hits = sorted(set(RECORD_IDS.findall(text)))
        if hits:
            found[str(path.relative_to(folder))] = hits[:5]
    return found


#: A string planted in the data folder's name and in every identifier of the data: it must
#: reach no file a run writes, anywhere.
PLANT = "zqx" + "leak"  # in two parts, so that this file does not hold it
ID_COLUMNS = {"person_id", "cares_for", "session_id"}


def _rewrite(path: Path, change) -> None:
    """Apply ``change(column, value) -> value`` to every cell of a CSV file."""
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
    header = rows[0]
    rows[1:] = [[change(c, v) for c, v in zip(header, row, strict=True)] for row in rows[1:]]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Path:
    """A look-alike dataset, every identifier prefixed with :data:`PLANT` (made once)."""
    folder = tmp_path_factory.mktemp("planted") / "data"
    write_lookalike(folder, seed=99)
    for path in folder.glob("*.csv"):
        _rewrite(path, lambda c, v: f"{PLANT}{v.replace('-', '')}" if c in ID_COLUMNS and v
                 else v)
    return folder


def _planted(source: Path, folder: Path) -> Path:
    """A copy of the ``planted`` dataset in ``folder`` (whose name holds :data:`PLANT`)."""
    shutil.copytree(source, folder)
    return folder


def _files_holding(roots: list[Path], needle: str) -> list[str]:
    """Every file under ``roots`` (git's own folder left out) whose bytes hold ``needle``,
    in any case: notebooks, SVG text, HTML, CSV, JSON, logs."""
    found = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and ".git" not in path.relative_to(root).parts[:1] and \
                    needle.encode() in path.read_bytes().lower():
                found.append(str(path))
    return found


def test_real_data_leak_nothing_and_say_your_data(copy, tmp_path, planted):
    """A run on data whose identifiers and folder name carry a planted string, cut to the
    edge of the data contract (every group at its minimum, one session per community and
    period): it succeeds with no pending row, numbers a method cannot give on such data are
    ``not_computable`` rather than a crash, the repository is unchanged, nothing anywhere
    holds the planted string or the word "reconstructed", the outputs say "your data", and
    the figures draw the data given."""
    from datasets import edge_dataset

    folder = edge_dataset(planted, tmp_path / f"{PLANT}-data folder", seed=1)
    assert _files_holding([folder], PLANT), "the scan must see the planted identifiers"
    start = time.time()
    result = _run(copy, "-p", "data_dir", str(folder))
    assert result.returncode == 0, result.stderr[-2000:]
    assert _git_clean(copy), "a run on real data changed the repository"
    output = copy / "private" / "output"
    assert len(list((output / "notebooks").glob("*.ipynb"))) == len(all_notebooks())
    assert _files_holding([copy], PLANT) == []
    pytest_folders = tmp_path.parents[2]  # every test's own folders (data planted by design)
    assert [p for p in _recent(Path(tempfile.gettempdir()), start, pytest_folders)
            if _holds(p, PLANT)] == []
    worded = [p for p in output.rglob("*") if p.is_file() and re.search(
        rb"reconstructed|reconstruction", _prose(p), re.IGNORECASE)]
    assert worded == []
    assert b"your data" in (output / "reports" / "reproduction.md").read_bytes()
    assert b"your data" in (output / "figures" / "fan2019_fig1.svg").read_bytes()
    bars = (output / "reports" / "tables" / "fan2018_fig1_ranges.csv").read_text()
    records = read_sessions(folder / "fan2018_sessions.csv")
    assert sum(int(r.split(",")[-1]) for r in bars.splitlines()[1:]) == len(records)
    modes = {oct(p.stat().st_mode & 0o777) for p in output.rglob("*") if p.is_file()}
    assert modes == {"0o644"}
    statuses = {row["status"] for row in csv.DictReader(
        (output / "reports" / "reproduction.csv").open(encoding="utf-8"))}
    assert "pending" not in statuses
    assert "not_computable" in statuses
    assert not (output / "INCOMPLETE.txt").exists()
    page = (output / "reports" / "reproduction.html").read_text(encoding="utf-8")
    first = page[:page.index("<nav class='toc'")]
    for said in ("What this run changed", "are computed from your data, which reproduce",
                 "with the paper&#x27;s own test on your data",
                 "Compared with the published reproduction, the run on your data",
                 "The papers&#x27; conclusions on your data"):
        assert said in first
    assert _changes(output)
    assert "the run on your data" in result.stdout


def _recent(root: Path, since: float, skip: Path) -> list[Path]:
    """Files under ``root`` (not under ``skip``) changed since ``since``."""
    found = []
    for path in root.rglob("*") if root.is_dir() else []:
        try:
            if path.is_file() and not path.is_relative_to(skip) and \
                    path.stat().st_mtime >= since:
                found.append(path)
        except OSError:  # removed meanwhile, or not ours to read
            continue
    return found


def _holds(path: Path, needle: str) -> bool:
    try:
        return needle.encode() in path.read_bytes().lower()
    except OSError:
        return False


def _prose(path: Path) -> bytes:
    """What a reader of ``path`` reads: an executed notebook's markdown and outputs (its
    code, the package's own, is the same for any data), any other file whole."""
    if path.suffix != ".ipynb":
        return path.read_bytes()
    notebook = json.loads(path.read_text(encoding="utf-8"))
    parts = [json.dumps(cell.get("outputs", [])) if cell["cell_type"] == "code"
             else "".join(cell["source"]) for cell in notebook["cells"]]
    return "\n".join(parts).encode()


def test_a_default_typed_out_is_the_published_run(copy):
    """``-p n_spread 12`` (the default, typed): the published run, and papermill injects no
    parameters cell, so every committed file stays byte-identical. The defaults under
    another name (``--name``) are a scratch run that says nothing changed (issue 25)."""
    result = _run(copy, "--only", "06_audit", "-p", "n_spread", "12")
    assert result.returncode == 0, result.stderr[-2000:]
    assert _git_clean(copy)
    named = _run(copy, "--only", "06_audit", "--name", "same-defaults")
    assert named.returncode == 0, named.stderr[-2000:]
    said = "Compared with the published reproduction, a run at the defaults: nothing changed"
    assert said in named.stdout
    assert "parameters that differ: none" in named.stdout
    reports = copy / "build" / "runs" / "same-defaults" / "reports"
    assert said in (reports / "reproduction.md").read_text(encoding="utf-8")
    assert len((reports / "changes.csv").read_text(encoding="utf-8").splitlines()) == 1
    assert _git_clean(copy)


def _changes(folder: Path) -> list[dict]:
    return list(csv.DictReader((folder / "reports" / "changes.csv").open(encoding="utf-8")))


def test_a_smaller_alpha_moves_exactly_the_conclusions_it_must(copy):
    """Issue 25, a planted change with a known effect: ``alpha`` 0.01 in notebook 05. A
    conclusion that holds under every choice (``p < alpha``) and has a corrected p (compared
    with ``alpha``) in [0.01, 0.05) in the committed specifications must stop holding; no
    other conclusion's verdict under every choice may move, and no printed number."""
    specs = pd.read_csv(paths.TABLES / "conclusion_specifications.csv", keep_default_na=False)
    held = pd.read_csv(paths.REPORTS / "conclusions.csv", keep_default_na=False)
    held = set(held.loc[(held["all_choices"] == "holds") & (held["rule"] == "p < alpha"), "id"])
    high = pd.to_numeric(specs["p_high"], errors="coerce")
    inside = specs[(specs["correction"] != "none") & (high >= 0.01) & (high < 0.05)]
    expected = held & set(inside["conclusion"])
    assert expected, "the planted change must have an effect"
    notebook, name, value = EXPERIMENT
    assert (notebook, name, value) == ("05_conclusions", "alpha", 0.01)
    result = _run(copy, "--only", notebook, "-p", name, json.dumps(value))
    assert result.returncode == 0, result.stderr[-2000:]
    printed = result.stdout.splitlines()
    shown = experiment_lines()  # what the README shows as this command's output
    start = printed.index(shown[0])
    assert printed[start:start + len(shown)] == shown
    found = _changes(copy / "build" / "runs" / "alpha-0.01")
    moved = {r["id"] for r in found if r["kind"] == "conclusion" and r["field"] == "all_choices"}
    assert moved == expected
    assert all(r["before"] == "holds" and r["after"] in ("mixed", "fails") for r in found
               if r["kind"] == "conclusion" and r["field"] == "all_choices")
    assert not [r for r in found if r["kind"] == "number"]
    for conclusion in sorted(expected):
        assert f"  conclusion {conclusion}: under every choice holds → " in result.stdout
    assert _git_clean(copy)


def test_another_seed_moves_only_reconstruction_dependent_rows(copy):
    """Issue 25: another seed for notebook 02 draws another Fig. 1 table. No row recomputed
    from printed numbers (``published``) moves at all; no ``invariant`` row moves at the
    printed decimals (what their proof says); whatever moves is reconstruction-dependent."""
    result = _run(copy, "--only", "02_service_process", "-p", "seed", "7")
    assert result.returncode == 0, result.stderr[-2000:]
    folder = copy / "build" / "runs" / "seed-7"
    before = pd.read_csv(paths.REPORTS / "reproduction.csv", dtype=str, keep_default_na=False)
    after = pd.read_csv(folder / "reports" / "reproduction.csv", dtype=str,
                        keep_default_na=False)
    merged = before.merge(after, on="id", suffixes=("", "_after"))
    raw = merged[merged["reproduced"] != merged["reproduced_after"]]
    assert not raw.empty, "another Fig. 1 table must move some unrounded value"
    assert set(raw["evidence"]) <= {"invariant", "dependent", "by_construction"}
    numbers = [r for r in _changes(folder) if r["kind"] == "number"]
    assert {r["evidence_before"] for r in numbers} <= {"dependent", "by_construction"}
    assert "Compared with the published reproduction, the run with seed = 7" in result.stdout
    # the notebook's empty data_dir (the synthetic records) is the published run's
    assert "parameters that differ: 02_service_process seed 20130701 → 7\n" in result.stdout
    assert _git_clean(copy)


def test_bad_real_data_are_refused_before_anything_runs(copy, tmp_path, planted):
    """A planted string in every column that is not an identifier (one row each): exit
    status 2, one message per column naming file, line and column, and nothing written."""
    folder = _planted(planted, tmp_path / f"{PLANT}-bad")
    planted = {}
    for path in sorted(folder.glob("*.csv")):
        rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
        columns = [c for c in rows[0] if c not in ID_COLUMNS]
        for k, column in enumerate(columns):  # column k planted in data row k
            rows[1 + k][rows[0].index(column)] = f"{PLANT}{column}"
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
        planted[path.name] = columns
    result = _run(copy, "-p", "data_dir", str(folder))
    assert result.returncode == 2, result.stdout[-2000:]
    assert "Traceback" not in result.stderr
    for name, columns in planted.items():
        for column in columns:
            assert re.search(rf"{name}, line \d+, column '{column}': '{PLANT}{column}'",
                             result.stderr), (name, column)
    assert str(folder) not in result.stderr
    assert str(folder.name) not in result.stderr
    assert not (copy / "private").exists()
    assert _git_clean(copy)


def test_values_read_off_the_figures_replace_the_reconstruction(copy, tmp_path, registry):
    """Notebooks 02 and 03 with digitised Fig. 1 and Fig. 2 values (here: another feasible
    table and shares that round as printed), outputs redirected: the values are used and
    checked against the text, and the repository is untouched. Every path parameter points
    into a folder whose name carries a planted string: it reaches no output (each is shown
    as its role, "your Fig. 1 values")."""
    from analysis.io.design import COMMUNITIES, PERIODS
    from analysis.methods.tables import feasible_tables

    low, high = band_matrices(frequency_bands(registry))
    table = feasible_tables(low, high, 214, (48.745, 48.755), seed=3, draws=20_000).witnesses[-1]
    given = tmp_path / f"{PLANT}-given"  # every path parameter points into it
    given.mkdir()
    fig1 = given / "fig1.csv"
    lines = ["community,period,sessions"] + [
        f"{c},{p},{int(table[i, j])}" for i, c in enumerate(COMMUNITIES)
        for j, p in enumerate(PERIODS) if table[i, j]]
    fig1.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fig2 = given / "fig2.csv"
    fig2.write_text("category,percent\nfine_motor_exercise,19.2\ndaily_life_skills,16.1\n"
                    "emotional_support,14.9\nsocial_skills,12\nentertainment,11\n"
                    "mental_disorder_knowledge,10\nhealthy_lifestyle,9\n"
                    "personal_perceptions,7.8\n", encoding="utf-8")
    before = _hashes(copy, _tracked())
    output = tmp_path / "out"
    for name in ("registry.csv", "findings.csv"):
        shutil.copy(paths.PUBLISHED / name, given / name)
    result = _run(copy, "--only", "00_registry", "02_service_process", "03_service_content",
                  "-p", "fig1_values", f'"{fig1}"', "-p", "fig2_values", f'"{fig2}"',
                  "-p", "registry_path", f'"{given / "registry.csv"}"',
                  "-p", "findings_path", f'"{given / "findings.csv"}"',
                  "-p", "draws", "20000", "--output", str(output))
    assert result.returncode == 0, result.stderr[-2000:]
    assert _hashes(copy, _tracked()) == before
    assert _files_holding([copy, output], PLANT) == [], "a path reached an output"
    assert PLANT not in result.stdout + result.stderr
    executed = (output / "notebooks" / "02_service_process.ipynb").read_text(encoding="utf-8")
    assert "Fig. 1 values: read off the figure" in executed
    records = read_sessions(output / "data" / "reconstructed" / "fan2018_sessions.csv")
    assert (sessions_table(records).to_numpy() == table).all()
    content = (output / "notebooks" / "03_service_content.ipynb").read_text(encoding="utf-8")
    assert "shares: read off the figure" in content
    results = (output / "reports" / "results" / "03_service_content.csv").read_text()
    assert "share read off Fig. 2" in results


def test_a_false_sentence_stops_the_published_run_and_writes_no_report(copy):
    """Issue 21: plant a false assertion in a problem's template (the typo problem claims its
    statistics differ in two digits, not one): the reproduce command fails with one line
    naming it, and the committed report is left as it was."""
    problems = copy / "data" / "published" / "problems.csv"
    text = problems.read_text(encoding="utf-8")
    assert "[[digits == 1]]" in text
    problems.write_text(text.replace("[[digits == 1]]", "[[digits == 2]]"), encoding="utf-8")
    before = _hashes(copy, ["reports/reproduction.csv", "reports/review.md",
                            "reports/reproduction.html"])
    result = _run(copy, "--only", "00_registry")
    assert result.returncode == 1, result.stderr[-2000:]
    assert "false assertion [[digits == 2]]" in result.stderr
    assert "Traceback" not in result.stderr
    assert _hashes(copy, list(before)) == before
