"""An on-disk memo for the slow proofs and samplings (the exact Fig. 1 bounds, the sampled
Fig. 1 tables, the count of fan2018's age samples, the quasi-independence search, the
GRIM/GRIMMER checks of printed means) and the rendered notebook pages, so that a rerun on
the same inputs and the same code does not compute them again.

:func:`memoised` wraps a deterministic function. Its key is a SHA-256 of the package's
source and the facts it reads (:data:`KEYED`: any change to either invalidates every
entry), the function's name, and its arguments (DataFrames and arrays by their contents).
Entries are pickles in ``$ANALYSIS_CACHE`` or else ``build/cache/`` (git-ignored), written
atomically; a missing or unreadable entry is recomputed, by one process at a time (a lock
file per entry). Nothing computed from a user's data is memoised. The cache never changes a
result: a fresh clone computes everything, and a test checks that a hit returns what a
fresh call returns.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.io import paths

__all__ = ["CACHE_ENV", "cache_dir", "key_of", "memoised"]

CACHE_ENV = "ANALYSIS_CACHE"


def cache_dir() -> Path:
    """Where entries live: ``$ANALYSIS_CACHE``, or ``build/cache`` in the repository."""
    return Path(os.environ.get(CACHE_ENV) or paths.ROOT / "build" / "cache")


#: What every entry's key covers besides its arguments: the package's code, and the facts
#: it reads itself (the papers' printed numbers, the design, the questionnaires), so that an
#: edit to either invalidates every entry. The reconstructed records are not covered: a
#: function that uses them takes them as arguments.
KEYED = (("analysis", "*.py"), ("data/published", "*"), ("data/design", "*"),
         ("data/questionnaires", "*"), ("data/papers", "*"))


@functools.cache
def _source_digest() -> str:
    digest = hashlib.sha256()
    for folder, pattern in KEYED:
        for path in sorted((paths.ROOT / folder).rglob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(paths.ROOT).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _feed(digest: hashlib._Hash, value: object) -> None:
    if isinstance(value, pd.DataFrame | pd.Series):
        digest.update(repr(list(value.columns) if isinstance(value, pd.DataFrame)
                           else value.name).encode())
        digest.update(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes())
    elif isinstance(value, np.ndarray):
        digest.update(repr((value.dtype.str, value.shape)).encode() + value.tobytes())
    elif isinstance(value, dict):
        for key in sorted(value, key=repr):
            _feed(digest, key)
            _feed(digest, value[key])
    elif isinstance(value, list | tuple):
        digest.update(f"{type(value).__name__}{len(value)}".encode())
        for item in value:
            _feed(digest, item)
    else:
        digest.update(repr(value).encode())


def key_of(name: str, args: tuple, kwargs: dict) -> str:
    """The entry's key: the code, the function and its arguments."""
    digest = hashlib.sha256(_source_digest().encode() + name.encode())
    _feed(digest, args)
    _feed(digest, kwargs)
    return digest.hexdigest()


def _load(path: Path) -> tuple[bool, object]:
    try:
        return True, pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        return False, None


def memoised(function: Callable) -> Callable:
    """``function`` memoised on disk (see the module docstring). Two processes that need
    the same entry at once do not both compute it: the second waits on the entry's lock,
    then reads what the first wrote."""
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def wrapper(*args: object, **kwargs: object) -> object:
        path = cache_dir() / f"{key_of(name, args, kwargs)}.pkl"
        found, result = _load(path)
        if found:
            return result
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.with_suffix(".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            found, result = _load(path)
            if not found:
                result = function(*args, **kwargs)
                temporary = path.with_suffix(f".{os.getpid()}.tmp")
                temporary.write_bytes(pickle.dumps(result))
                temporary.replace(path)
        return result

    return wrapper
