"""The whole pipeline, run in a scratch copy of the repository:

- a rerun gives byte-identical data, reports (CSV, Markdown, HTML), figures and notebooks to
  the committed ones (which an earlier run produced);
- a failing notebook stops the run, is named with its cell, leaves every committed output as
  it was and keeps its partial executed copy in ``build/failed/``;
- the private-data mode, run on a generated look-alike dataset, changes nothing in the
  repository and writes no record-level value (person or session identifiers) anywhere.

Each run takes about half a minute.
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
from analysis.io.design import COMMUNITIES, PERIODS
from analysis.io.sessions import read_sessions
from analysis.lookalike import write_lookalike
from analysis.methods.tables import feasible_tables
from analysis.reconstruct.sessions import band_matrices, frequency_bands, sessions_table

OUTPUT_FOLDERS = ("data/reconstructed", "reports", "figures", "notebooks")
RECORD_IDS = re.compile(r"\b[PG]1[89]-\d{3}\b|\bS\d{3}\b")
EMBEDDED = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+|\"image/png\": \"[^\"]*\"")


def _tracked() -> list[str]:
    listed = subprocess.run(["git", "ls-files"], cwd=paths.ROOT, capture_output=True,
                            text=True, check=False)
    if listed.returncode == 0 and listed.stdout.strip():
        return listed.stdout.split()
    return [str(p.relative_to(paths.ROOT)) for p in paths.ROOT.rglob("*")
            if p.is_file() and not {".git", ".venv"} & set(p.relative_to(paths.ROOT).parts)]


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    """A copy of the repository's tracked files, to run the pipeline in."""
    root = tmp_path_factory.mktemp("repo")
    for name in _tracked():
        source = paths.ROOT / name
        if source.is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name)
    return root


def _run(root: Path, *arguments: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.pop(paths.OUTPUT_ENV, None)
    return subprocess.run([sys.executable, "-m", "analysis.run", *arguments], cwd=root,
                          env=env, capture_output=True, text=True, timeout=900, check=False)


def _hashes(root: Path, names: list[str]) -> dict[str, str]:
    return {n: hashlib.sha256((root / n).read_bytes()).hexdigest() for n in names
            if (root / n).is_file()}


def _outputs() -> list[str]:
    return [n for n in _tracked() if n.startswith(OUTPUT_FOLDERS)
            and not n.endswith("benchmark.md") and not n.endswith("README.md")]


def test_a_failing_notebook_is_named_and_changes_nothing(copy):
    before = _hashes(copy, _tracked())
    result = _run(copy, "--only", "02_service_process", "-p", "tolerance", "0.0")
    assert result.returncode == 1
    assert re.search(r"02_service_process\.ipynb failed in cell \d+", result.stderr)
    assert "no table within the bands" in result.stderr
    assert (copy / "build" / "failed" / "02_service_process.ipynb").is_file()
    assert _hashes(copy, _tracked()) == before


def test_a_rerun_gives_identical_outputs(copy):
    result = _run(copy)
    assert result.returncode == 0, result.stderr[-2000:]
    names = _outputs()
    assert len(names) > 30
    committed = _hashes(paths.ROOT, names)
    rerun = _hashes(copy, names)
    differing = sorted(n for n in names if committed.get(n) != rerun.get(n))
    assert differing == []


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
    assert len(list((output / "notebooks").glob("*.ipynb"))) == 6
    assert _leaks(output) == {}
    # the participants' ages and the session dates are not printed either
    dates = {line.split(",")[3] for line in written[2].read_text().splitlines()[1:]}
    page = (output / "reports" / "reproduction.html").read_text(encoding="utf-8")
    assert not any(date in EMBEDDED.sub("", page) for date in dates)


def test_values_read_off_the_figures_replace_the_reconstruction(copy, tmp_path, registry):
    """Notebooks 02 and 03 with digitised Fig. 1 and Fig. 2 values (here: another feasible
    table and shares that round as printed), outputs redirected: the values are used and
    checked against the text, and the repository is untouched."""

    low, high = band_matrices(frequency_bands(registry))
    feasible = feasible_tables(low, high, 214, (48.745, 48.755), seed=3, draws=20_000)
    table = feasible.witnesses[-1]
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
    result = _run(copy, "--only", "01_enrolment", "02_service_process", "03_service_content",
                  "-p", "fig1_values", f'"{fig1}"', "-p", "fig2_values", f'"{fig2}"',
                  "--output", str(output))
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
