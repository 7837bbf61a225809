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
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from analysis.io import ownership, paths
from analysis.io.files import atomic_write_text
from analysis.io.parameters import path_parameters

__all__ = ["MARKER", "Plan", "RunRefused", "check_output", "locked", "plan", "private_temp",
           "provenance", "seed_scratch", "write_provenance"]

MARKER, LOCK, INCOMPLETE = ownership.MARKER, ownership.LOCK, ownership.INCOMPLETE
#: What ``--name`` may be: a name, never a path.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")
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
    """A folder name for a scratch run, from its parameters (``multiple_testing-holm``); a
    path parameter gives only its name, never its value."""
    from analysis.io.parameters import path_parameters

    roles = path_parameters()
    text = "_".join(k if k in roles else f"{k}-{v}" for k, v in sorted(parameters.items()))
    return re.sub(r"[^A-Za-z0-9._-]+", "", text or "defaults")[:80].lstrip(".-_") or "run"


def check_name(name: str | None) -> str | None:
    """``--name``, if it is a plain name (letters, digits, ``.``, ``_``, ``-``; not a path);
    else :class:`RunRefused`."""
    if name is not None and not NAME.fullmatch(name):
        raise RunRefused("--name must be a plain name (letters, digits, '.', '_' or '-', "
                         "starting with a letter or digit, at most 80 characters), not a path "
                         "or an empty string; use --output to choose a folder")
    return name


def plan(parameters: dict, default: bool, output: str | None, name: str | None,
         data: Path | None = None) -> Plan:
    """The kind of run and its folder. ``default``: every parameter is at its default;
    ``data``: the user's data folder (the output folder may not hold it, nor sit in it)."""
    if output is not None and not output.strip():
        raise RunRefused("--output is empty (an unset shell variable?); leave it out for the "
                         "default folder")
    check_name(name)
    chosen = Path(output).expanduser() if output else None
    if data is not None:
        folder = chosen or (paths.PRIVATE_RUNS / name if name else paths.PRIVATE_OUTPUT)
        return Plan("real", check_output(folder, data), parameters)
    if default and not output and not name:
        return Plan("repository", None, parameters)
    folder = chosen or paths.RUNS / (name or _name(parameters))
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


def tracked_place(folder: Path) -> bool:
    """Whether ``folder`` is inside the repository where git would track its files."""
    folder = folder.resolve()
    return folder.is_relative_to(paths.ROOT) and not _ignored(folder)


def _overlap(folder: Path, data: Path | None) -> None:
    """Refuse an output folder that holds the user's data or sits inside it."""
    if data is None:
        return
    data = data.resolve()
    if data.is_relative_to(folder):
        raise RunRefused("your data folder is inside the output folder, where a run replaces "
                         "files; choose an output folder that does not hold your data")
    if folder.is_relative_to(data):
        raise RunRefused("the output folder is inside your data folder; a run never writes "
                         "there: choose an output folder outside it")


def check_output(folder: Path, data: Path | None = None) -> Path:
    """``folder``, resolved, if a run may write there; else :class:`RunRefused`: a file; the
    repository itself or a place where git tracks files; a folder that holds the user's
    data or sits inside it; a folder another run is writing; a folder that holds any file
    this package did not write (or that changed since it wrote it)."""
    folder = folder.resolve()
    if folder.exists() and not folder.is_dir():
        raise RunRefused(f"--output names a file, not a folder: {folder.name}")
    if paths.ROOT.is_relative_to(folder):
        raise RunRefused("--output would hold the repository itself; choose a folder under "
                         "build/ or private/, or outside the repository")
    if tracked_place(folder):
        raise RunRefused(f"--output {folder.relative_to(paths.ROOT)} is inside the repository "
                         "where git tracks files; choose a folder under build/ or private/, "
                         "or outside the repository")
    _overlap(folder, data)
    if ownership.held(folder):
        raise RunRefused("another run is writing to the same folder; wait for it to finish")
    check_contents(folder)
    return folder


def check_contents(folder: Path) -> None:
    """Refuse a folder holding anything a run did not write (see :func:`foreign`)."""
    if not folder.is_dir() or not ownership.entries(folder):
        return
    if ownership.read_manifest(folder) is None:
        raise RunRefused(f"--output {folder.name} is a folder that holds other files and was "
                         "not made by an earlier run; choose an empty or new folder")
    stranger = ownership.foreign(folder)
    if stranger:
        raise RunRefused(f"--output {folder.name} holds {len(stranger)} file(s) that no run "
                         "wrote, or that changed since a run wrote them; a run replaces only "
                         "its own files: move them, or choose an empty or new folder")


def prepare(run: Plan) -> None:
    """Under the run's lock: check the folder again, remove the earlier run's own files and
    stale temporary folders, mark the run as incomplete, and seed a scratch run."""
    if run.output is None:
        ownership.sweep_temporaries(paths.BUILD)
        return
    check_contents(run.output)
    run.output.chmod(0o700 if run.mode == "real" else 0o755)
    ownership.sweep_temporaries(run.output)
    ownership.remove_own(run.output)
    (run.output / INCOMPLETE).write_text(
        "This run did not finish: the files here are partial and are not results.\n",
        encoding="utf-8")
    ownership.record(run.output, complete=False)
    (run.output / "notebooks").mkdir(exist_ok=True)
    if run.mode == "scratch":
        seed_scratch(run.output)


def seed_scratch(folder: Path) -> None:
    """Copy the committed outputs into a scratch run's folder."""
    for name in SEEDED:
        shutil.copytree(paths.ROOT / name, folder / name, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("README.md", "benchmark.md"))


def finish(run: Plan, complete: bool) -> None:
    """Record the files a run wrote in its folder's manifest (nothing for the published
    reproduction, whose outputs git tracks); a fault meanwhile (a full disk) leaves the
    manifest of the start, so the next run refuses the files it cannot prove are its own."""
    if run.output is None:
        return
    with contextlib.suppress(OSError):
        ownership.record(run.output, complete)


@contextlib.contextmanager
def locked(folder: Path):
    """Hold ``folder/.run.lock`` for the run; a second run on the same folder is refused."""
    folder.mkdir(parents=True, exist_ok=True)
    handle = (folder / LOCK).open("a")
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


#: Signals that end a run like Ctrl-C: the kernels are stopped, temporary files removed.
STOPPING = (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)


@contextlib.contextmanager
def private_temp(folder: Path):
    """A 0700 temporary folder inside ``folder``, marked as a run's, removed on exit, Ctrl-C,
    SIGTERM, SIGHUP and SIGQUIT."""
    folder.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder))
    (temporary / ownership.TEMP_MARK).write_text("a run's temporary folder\n", encoding="utf-8")
    previous = {number: signal.signal(number, _terminate) for number in STOPPING}
    try:
        yield temporary
    finally:
        for _ in range(5):  # a file written while it was being removed: remove again
            shutil.rmtree(temporary, ignore_errors=True)
            if not temporary.exists():
                break
            time.sleep(0.2)
        for number, handler in previous.items():
            signal.signal(number, handler)


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
    roles = path_parameters()
    shown = {k: roles.get(k, v) for k, v in run.parameters.items()}
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
