"""What a run of the pipeline may touch: its output folder, its lock, its temporary files, and
the record of how it was made.

- :func:`plan` decides the kind of run. Every parameter at its default and no ``--output``:
  the published reproduction, written over the committed outputs. Other parameters: a
  *scratch* run in ``build/runs/<name>/`` (or ``--output``), which starts as a copy of the
  committed outputs (:func:`seed_scratch`) so that notebooks not rerun keep their published
  results. Real data: ``private/output/`` (or ``--output``), never seeded.
- :func:`check_output` refuses an output folder that would put files on tracked paths (inside
  the repository but not ignored by git), that is a file, or that is a non-empty folder not
  made by an earlier run.
- :func:`locked` refuses a second concurrent run on the same folder; :func:`private_temp` is a
  0700 folder for papermill's partial notebooks, removed on exit, SIGINT and SIGTERM.
- :func:`provenance` records parameters, seed, commit, date and package versions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import platform
import re
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from analysis.io import paths
from analysis.io.files import atomic_write_text

__all__ = ["MARKER", "Plan", "RunRefused", "check_output", "locked", "plan", "private_temp",
           "provenance", "seed_scratch", "write_provenance"]

#: A file every run leaves in its output folder, so that a later run may replace it.
MARKER = ".peer-support-run"
#: The committed outputs a scratch run starts from.
SEEDED = ("data/reconstructed", "reports", "figures")
#: Packages whose versions a run records.
PACKAGES = ("numpy", "pandas", "scipy", "statsmodels", "matplotlib", "ortools", "papermill",
            "nbformat", "ipykernel", "pandera")


class RunRefused(ValueError):
    """A run that must not start (exit status 2): its output folder or its inputs."""


@dataclass
class Plan:
    """How a run writes: ``mode`` (repository, scratch, real), ``output`` (None: the
    repository), and the parameters it was given."""
    mode: str
    output: Path | None
    parameters: dict = field(default_factory=dict)

    @property
    def failed(self) -> Path:
        """Where partial copies of failed notebooks go."""
        return paths.FAILED if self.output is None else self.output / "failed"

    @property
    def work(self) -> Path:
        """The folder that holds the lock and the temporary files."""
        return paths.BUILD if self.output is None else self.output


def _name(parameters: dict) -> str:
    """A folder name for a scratch run, from its parameters (``multiple_testing-holm``)."""
    text = "_".join(f"{k}-{v}" for k, v in sorted(parameters.items())) or "defaults"
    return re.sub(r"[^A-Za-z0-9._-]+", "", text)[:80] or "run"


def plan(parameters: dict, default: bool, output: str | None, name: str | None) -> Plan:
    """The kind of run and its folder. ``default``: every parameter is at its default."""
    real = bool(parameters.get("data_dir"))
    if real:
        folder = Path(output).expanduser() if output else paths.PRIVATE_OUTPUT
        return Plan("real", check_output(folder), parameters)
    if default and not output and not name:
        return Plan("repository", None, parameters)
    folder = Path(output).expanduser() if output else paths.RUNS / (name or _name(parameters))
    return Plan("scratch", check_output(folder), parameters)


def _ignored(folder: Path) -> bool:
    """Whether git ignores files in ``folder`` (inside the repository)."""
    probe = folder.relative_to(paths.ROOT) / MARKER
    try:
        found = subprocess.run(["git", "check-ignore", "-q", str(probe)], cwd=paths.ROOT,
                               capture_output=True, check=False)
    except OSError:
        return probe.parts[0] in ("build", "private")
    if found.returncode == 128:  # not a git checkout
        return probe.parts[0] in ("build", "private")
    return found.returncode == 0


def check_output(folder: Path) -> Path:
    """``folder``, resolved, if a run may write there; else :class:`RunRefused`."""
    folder = folder.resolve()
    if folder.exists() and not folder.is_dir():
        raise RunRefused(f"--output names a file, not a folder: {folder.name}")
    if paths.ROOT.is_relative_to(folder):
        raise RunRefused("--output would hold the repository itself; choose a folder under "
                         "build/ or private/, or outside the repository")
    if folder.is_relative_to(paths.ROOT) and not _ignored(folder):
        raise RunRefused(f"--output {folder.relative_to(paths.ROOT)} is inside the repository "
                         "where git tracks files; choose a folder under build/ or private/, "
                         "or outside the repository")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / MARKER).is_file():
        raise RunRefused(f"--output {folder.name} is a folder that holds other files and was "
                         "not made by an earlier run; choose an empty or new folder")
    return folder


def _clear(folder: Path) -> None:
    """Empty an earlier run's output folder (only the folders a run writes)."""
    for name in ("notebooks", "reports", "figures", "data", "failed"):
        shutil.rmtree(folder / name, ignore_errors=True)
    (folder / "run.json").unlink(missing_ok=True)
    for stale in folder.glob(".tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)


def prepare(run: Plan) -> None:
    """Create (or empty) the output folder, mark it, and seed a scratch run."""
    if run.output is None:
        return
    run.output.mkdir(parents=True, exist_ok=True)
    run.output.chmod(0o700 if run.mode == "real" else 0o755)
    _clear(run.output)
    (run.output / MARKER).write_text("made by python -m analysis.run\n", encoding="utf-8")
    (run.output / MARKER).chmod(0o644)
    (run.output / "notebooks").mkdir()
    if run.mode == "scratch":
        seed_scratch(run.output)


def seed_scratch(folder: Path) -> None:
    """Copy the committed outputs into a scratch run's folder."""
    for name in SEEDED:
        shutil.copytree(paths.ROOT / name, folder / name, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("README.md", "benchmark.md"))


@contextlib.contextmanager
def locked(folder: Path):
    """Hold ``folder/.run.lock`` for the run; a second run on the same folder is refused."""
    folder.mkdir(parents=True, exist_ok=True)
    handle = (folder / ".run.lock").open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise RunRefused("another run is writing to the same folder; wait for it to "
                         "finish") from None
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _terminate(signum, frame):
    raise KeyboardInterrupt


@contextlib.contextmanager
def private_temp(folder: Path):
    """A 0700 temporary folder inside ``folder``, removed on exit, Ctrl-C and SIGTERM."""
    folder.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder))
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield temporary
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous)


def _commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=paths.ROOT, text=True,
                              capture_output=True, check=False).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=paths.ROOT, text=True, capture_output=True,
                               check=False).stdout.strip()
    except OSError:
        return "unknown (no git)"
    return (head or "unknown (not a git checkout)") + (" with local changes" if dirty else "")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def provenance(run: Plan, notebooks: list[str], effective: dict[str, dict]) -> dict:
    """How a scratch or real-data run was made: what to cite beside its numbers."""
    shown = {k: (paths.YOUR_DATA if k == "data_dir" else v) for k, v in run.parameters.items()}
    seeds = {notebook: values["seed"] for notebook, values in effective.items() if "seed" in values}
    return {
        "seeds": seeds,
        "mode": run.mode,
        "parameters": shown,
        "notebooks_run": notebooks,
        "parameters_by_notebook": effective,
        "commit": _commit(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "packages": {name: _version(name) for name in PACKAGES},
    }


def write_provenance(run: Plan, record: dict) -> Path:
    """``run.json`` in the run's folder."""
    path = run.output / "run.json"
    atomic_write_text(path, json.dumps(record, indent=1, sort_keys=True) + "\n")
    return path
