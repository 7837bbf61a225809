"""The whole pipeline, run in scratch copies of the repository (never in the repository):

- nbval executes every notebook in order in a scratch copy and compares each cell's output
  with the committed one; the report is then rebuilt there, and every data file, table,
  figure and report must be byte-identical to the committed one (an earlier run made them);
- a failing notebook stops the run, is named with its cell, leaves every committed output as
  it was and keeps its partial executed copy in ``build/failed/``;
- the private-data mode, run on a generated look-alike dataset, changes nothing in the
  repository and writes no record-level value (person or session identifiers) anywhere;
- values read off the figures replace the reconstruction, outputs redirected.

The runs are the slow part of the suite; each uses its own copy, so pytest-xdist can run them
side by side.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.io import paths
from analysis.io.sessions import read_sessions
from analysis.lookalike import write_lookalike
from analysis.reconstruct.sessions import band_matrices, frequency_bands, sessions_table
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
    """A copy of the repository's tracked files in ``root``, to run the pipeline in."""
    for name in _tracked():
        source = paths.ROOT / name
        if source.is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name)
    return root


@pytest.fixture
def copy(tmp_path):
    return _copy(tmp_path / "repo")


def _env(root: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.pop(paths.OUTPUT_ENV, None)
    return env


def _run(root: Path, *arguments: str, module: str = "analysis.run") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *arguments], cwd=root, env=_env(root),
                          capture_output=True, text=True, timeout=900, check=False)


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
                 "-W", "ignore::DeprecationWarning", *notebooks, module="pytest")
    assert nbval.returncode == 0, nbval.stdout[-3000:]
    assert re.search(r"\b\d+ passed\b", nbval.stdout)
    report = subprocess.run([sys.executable, "-c", REPORT], cwd=copy, env=_env(copy),
                            capture_output=True, text=True, check=False)
    assert report.returncode == 0, report.stderr[-2000:]
    names = _outputs()
    assert len(names) > 30
    committed, rerun = _hashes(paths.ROOT, names), _hashes(copy, names)
    assert sorted(n for n in names if committed.get(n) != rerun.get(n)) == []


def test_a_failing_notebook_is_named_and_changes_nothing(copy):
    before = _hashes(copy, _tracked())
    result = _run(copy, "--only", "02_service_process", "-p", "tolerance", "0.0")
    assert result.returncode == 1
    assert re.search(r"02_service_process\.ipynb failed in cell \d+", result.stderr)
    assert "no table within the bands" in result.stderr
    assert (copy / "build" / "failed" / "02_service_process.ipynb").is_file()
    assert _hashes(copy, _tracked()) == before


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


def test_private_mode_changes_nothing_and_leaks_no_record(copy, tmp_path):
    private = tmp_path / "look-alike"
    written = write_lookalike(private, seed=99)
    assert _leaks(private), "the scan must be able to see identifiers in record-level files"
    before = _hashes(copy, _tracked())
    result = _run(copy, "-p", "data_dir", f'"{private}"')
    assert result.returncode == 0, result.stderr[-2000:]
    assert "outputs go to" in result.stdout
    assert _hashes(copy, _tracked()) == before, "private mode changed the repository"
    output = copy / "private" / "output"
    assert (output / "reports" / "reproduction.csv").is_file()
    stages = list(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    assert len(list((output / "notebooks").glob("*.ipynb"))) == len(stages)
    assert _leaks(output) == {}
    # the participants' ages and the session dates are not printed either
    dates = {line.split(",")[3] for line in written[2].read_text().splitlines()[1:]}
    page = (output / "reports" / "reproduction.html").read_text(encoding="utf-8")
    assert not any(date in EMBEDDED.sub("", page) for date in dates)


def test_values_read_off_the_figures_replace_the_reconstruction(copy, tmp_path, registry):
    """Notebooks 02 and 03 with digitised Fig. 1 and Fig. 2 values (here: another feasible
    table and shares that round as printed), outputs redirected: the values are used and
    checked against the text, and the repository is untouched."""
    from analysis.io.design import COMMUNITIES, PERIODS
    from analysis.methods.tables import feasible_tables

    low, high = band_matrices(frequency_bands(registry))
    table = feasible_tables(low, high, 214, (48.745, 48.755), seed=3, draws=20_000).witnesses[-1]
    fig1 = tmp_path / "fig1.csv"
    lines = ["community,period,sessions"] + [
        f"{c},{p},{int(table[i, j])}" for i, c in enumerate(COMMUNITIES)
        for j, p in enumerate(PERIODS) if table[i, j]]
    fig1.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fig2 = tmp_path / "fig2.csv"
    fig2.write_text("category,percent\nfine_motor_exercise,19.2\ndaily_life_skills,16.1\n"
                    "emotional_support,14.9\nsocial_skills,12\nentertainment,11\n"
                    "mental_disorder_knowledge,10\nhealthy_lifestyle,9\n"
                    "personal_perceptions,7.8\n", encoding="utf-8")
    before = _hashes(copy, _tracked())
    output = tmp_path / "out"
    result = _run(copy, "--only", "02_service_process", "03_service_content",
                  "-p", "fig1_values", f'"{fig1}"', "-p", "fig2_values", f'"{fig2}"',
                  "-p", "draws", "20000", "--output", str(output))
    assert result.returncode == 0, result.stderr[-2000:]
    assert _hashes(copy, _tracked()) == before
    executed = (output / "notebooks" / "02_service_process.ipynb").read_text(encoding="utf-8")
    assert "Fig. 1 values: read off the figure" in executed
    records = read_sessions(output / "data" / "reconstructed" / "fan2018_sessions.csv")
    assert (sessions_table(records).to_numpy() == table).all()
    content = (output / "notebooks" / "03_service_content.ipynb").read_text(encoding="utf-8")
    assert "shares: read off the figure" in content
    results = (output / "reports" / "results" / "03_service_content.csv").read_text()
    assert "share read off Fig. 2" in results
