"""What a run may remove: only what it can prove it wrote.

A run's output folder holds a manifest (:data:`MARKER`) listing every file the run wrote with
its SHA-256. A later run replaces those files and nothing else (:func:`remove_own`), and
refuses a folder holding anything else (:func:`foreign`): a user's file, a link, a file
changed since. The run holds the folder's lock (:data:`LOCK`) from its check to its end, so
every file that appears meanwhile is its own (:func:`record`). Temporary folders carry a mark
(:data:`TEMP_MARK`) so that those a killed run left behind can be removed by the next run
(:func:`sweep_temporaries`), and never anything else.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
from pathlib import Path

from analysis.io import paths
from analysis.io.files import atomic_write_text

__all__ = [
    "INCOMPLETE",
    "LOCK",
    "MARKER",
    "TEMP_MARK",
    "entries",
    "foreign",
    "held",
    "proven_own",
    "read_manifest",
    "record",
    "remember",
    "remove_own",
    "sweep_temporaries",
]

#: A file every run leaves in its output folder: the list of the files it wrote, with their
#: SHA-256, so that a later run replaces those and nothing else.
MARKER = ".peer-support-run"
#: The lock a run holds on its folder.
LOCK = ".run.lock"
#: What a temporary folder of a run holds, so that a later run may remove it.
TEMP_MARK = ".peer-support-temp"
#: Left in the folder of a run that did not finish.
INCOMPLETE = "INCOMPLETE.txt"


def held(folder: Path) -> bool:
    """Whether a run holds ``folder``'s lock now (the lock file is not created)."""
    lock = folder / LOCK
    if not lock.is_file():
        return False
    with lock.open("r") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def entries(folder: Path) -> list[Path]:
    """Everything under ``folder`` but the run's own bookkeeping (its manifest, its lock,
    its temporary folders): regular files, and any link, pipe or device (never a run's)."""
    found = []
    for root, folders, files in os.walk(folder, followlinks=False):
        here = Path(root)
        links = [name for name in folders if (here / name).is_symlink()]
        found += [here / name for name in links]
        folders[:] = [name for name in folders if name not in links
                      and not (here == folder and temporary(here / name))]
        found += [here / name for name in files
                  if not (here == folder and name in (MARKER, LOCK))]
    return sorted(found)


def read_manifest(folder: Path, name: str = MARKER) -> dict[str, str] | None:
    """The files a run (or, with ``name``, another command) wrote in ``folder`` and their
    SHA-256 (None: no marker; empty: a marker without a readable list)."""
    marker = folder / name
    if not marker.is_file() or marker.is_symlink():
        return None
    try:
        files = json.loads(marker.read_text(encoding="utf-8")).get("files", {})
    except (ValueError, OSError, AttributeError):
        return {}
    return files if isinstance(files, dict) else {}


def foreign(folder: Path) -> list[str]:
    """The entries of ``folder`` a run cannot prove it wrote: not in its manifest, not a
    regular file, or with another SHA-256 than the run recorded."""
    listed = read_manifest(folder) or {}
    stranger = []
    for path in entries(folder):
        name = path.relative_to(folder).as_posix()
        regular = path.is_file() and not path.is_symlink()
        if not regular or listed.get(name) != _digest(path):
            stranger.append(name)
    return stranger


def record(folder: Path, complete: bool) -> None:
    """Write the manifest: every file now in ``folder`` (the run holds its lock and found
    only its own files at the start, so all of them are its own). An incomplete run leaves
    ``INCOMPLETE.txt``, so that its partial outputs never look like results."""
    if complete:
        (folder / INCOMPLETE).unlink(missing_ok=True)
    remember(folder, [p for p in entries(folder) if p.is_file() and not p.is_symlink()])


def remember(folder: Path, files: list[Path], name: str = MARKER,
             made_by: str = "python -m analysis.run") -> None:
    """Write the manifest ``name`` of ``folder``: ``files`` with their SHA-256."""
    listed = {p.relative_to(folder).as_posix(): _digest(p) for p in files}
    text = json.dumps({"made_by": made_by, "files": listed}, indent=0, sort_keys=True) + "\n"
    atomic_write_text(folder / name, text)


def proven_own(path: Path, name: str = MARKER) -> bool:
    """Whether ``path`` is a regular file the manifest ``name`` of its folder lists with its
    present SHA-256 (what a command wrote and nobody changed since)."""
    listed = read_manifest(path.parent, name) or {}
    return path.is_file() and not path.is_symlink() and listed.get(path.name) == _digest(path)


def remove_own(folder: Path) -> None:
    """Remove the files the manifest lists (each checked against its SHA-256 again), then
    the folders their removal left empty; nothing else."""
    emptied = set()
    for name, digest in (read_manifest(folder) or {}).items():
        path = folder / name
        if ".." not in Path(name).parts and not Path(name).is_absolute() and path.is_file() \
                and not path.is_symlink() and _digest(path) == digest:
            path.unlink()
            emptied.update(p for p in path.parents if p.is_relative_to(folder) and p != folder)
    for place in sorted(emptied, key=lambda p: -len(p.parts)):
        if place.is_dir() and not place.is_symlink() and not any(place.iterdir()):
            place.rmdir()


def temporary(path: Path) -> bool:
    """Whether ``path`` is a run's temporary folder: named ``.tmp-*``, holding the mark a run
    puts there (or empty: a run killed before it could)."""
    return path.name.startswith(".tmp-") and path.is_dir() and not path.is_symlink() and (
        (path / TEMP_MARK).is_file() or not any(path.iterdir()))


def sweep_temporaries(*folders: Path) -> None:
    """Remove the temporary folders that killed runs (SIGKILL, a power cut) left in
    ``folders`` and in every place a run works (``build/``, ``build/runs/*``,
    ``private/output``, ``private/runs/*``), except where a run holds the lock now."""
    places = {*folders, paths.BUILD, paths.PRIVATE_OUTPUT, *paths.RUNS.glob("*"),
              *paths.PRIVATE_RUNS.glob("*")}
    for place in sorted(places):
        if not place.is_dir() or (place not in folders and held(place)):
            continue
        for stale in place.glob(".tmp-*"):
            if temporary(stale):
                shutil.rmtree(stale, ignore_errors=True)
