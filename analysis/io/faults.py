"""Faults of the machine, not of the input: each ends a run with one clear line and an exit
status, never a traceback, and never a path.

- :func:`describe` turns an ``OSError`` (a full disk, a read-only location, a permission, a
  file that vanished) into one line naming the place by its role ("the output folder",
  "your data"), not its path;
- :class:`PipeSafe` keeps a run going when its output is piped to a program that stops
  reading (``| head``): the progress lines are dropped, the run finishes and writes its
  outputs (the convention of Python's documentation on SIGPIPE, applied to a long run);
- :func:`check_space` refuses to start a run where less than :data:`NEEDED_MB` is free.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from analysis.io import paths

__all__ = ["NEEDED_MB", "PipeSafe", "SpaceRefused", "check_space", "describe", "disk_full",
           "place_of"]

#: Free space a run needs where it writes (its outputs take about a tenth of this).
NEEDED_MB = 200

#: What each kind of fault means for the user, by errno.
MEANINGS = {
    errno.ENOSPC: "the disk is full (no space left on the device); free some space and run "
                  "again",
    errno.EDQUOT: "the disk quota is exceeded; free some space and run again",
    errno.EROFS: "it is on a read-only file system; choose an output folder you can write "
                 "to with --output",
    errno.EACCES: "permission denied; check the folder's permissions, or choose another with "
                  "--output",
    errno.EPERM: "the operation is not permitted there",
    errno.ENOENT: "a file or folder disappeared while the run used it",
    errno.EIO: "an input/output error of the device",
    errno.ENAMETOOLONG: "a name is too long for the file system",
    errno.EMFILE: "too many files are open; raise the limit (ulimit -n)",
}


class SpaceRefused(OSError):
    """Too little free space to start a run."""


def place_of(filename: object, roles: dict[str, Path] | None = None) -> str:
    """The role of the place a fault happened in ("your data", "the output folder",
    "the repository"), never its path."""
    if not filename:
        return "a file of the run"
    where = Path(os.fsdecode(filename)).absolute()
    for role, folder in (roles or {}).items():
        if where.is_relative_to(folder):
            return role
    if where.is_relative_to(paths.ROOT):
        return "the repository"
    return "a file outside the repository"


def describe(error: OSError, roles: dict[str, Path] | None = None) -> str:
    """One line for a fault of the machine: what failed, where (by role) and what to do."""
    meaning = MEANINGS.get(error.errno, error.strerror or type(error).__name__)
    return f"failed: could not use {place_of(error.filename, roles)}: {meaning}"


def check_space(folder: Path, needed_mb: int = NEEDED_MB) -> None:
    """Refuse a run where less than ``needed_mb`` is free (the first existing parent of
    ``folder`` is measured)."""
    place = folder
    while not place.exists() and place != place.parent:
        place = place.parent
    free = shutil.disk_usage(place).free // 2**20
    if free < needed_mb:
        raise SpaceRefused(errno.ENOSPC, f"only {free} MB free where the run writes; it needs "
                           f"{needed_mb} MB: free some space or choose another --output")


def disk_full(folder: Path, below_mb: int = 8) -> bool:
    """Whether less than ``below_mb`` is free where ``folder`` is (the likely cause of a
    notebook that failed while writing)."""
    try:
        return shutil.disk_usage(folder).free < below_mb * 2**20
    except OSError:
        return False


class PipeSafe:
    """A stream that swallows a broken pipe: after the reader has gone, writes go nowhere
    (the descriptor is pointed at ``/dev/null``, so that Python's exit flush is quiet)."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._silence()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._silence()

    def _silence(self) -> None:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, self._stream.fileno())
        finally:
            os.close(null)

    def __getattr__(self, name):
        return getattr(self._stream, name)
