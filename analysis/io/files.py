"""Reading and writing files safely: strict CSV reading, atomic writes, one error type.

:func:`read_csv_strict` reads a CSV of strings and checks its shape before pandas sees it;
:func:`atomic_write_text` writes through a temporary file and a rename, so a reader never
sees a half-written file. :class:`InputError` is the error for every bad input file: its
message names the file, the line and the column.
"""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

import pandas as pd

__all__ = ["InputError", "atomic_write_text", "read_csv_strict"]


class InputError(ValueError):
    """A problem in an input file (the registry, a record-level file, a fact table, values
    read off a figure, a notebook's results), naming the file, line and column, and the row
    id where there is one."""


def read_csv_strict(path: Path | str, columns: list[str], exact: bool = False) -> pd.DataFrame:
    """Read a CSV of strings, checking its shape before pandas sees it.

    Every field is a string (``dtype=str``, empty cells stay ``""``). Raises
    :class:`InputError` naming the file and line when the file is missing, a required column
    is absent, or a line has the wrong number of fields (an unquoted comma, a missing quote).
    With ``exact``, a column not in ``columns`` is refused too (record-level files have a
    declared schema, and an extra column could carry data that must not be there).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    with path.open(newline="", encoding="utf-8") as handle:
        try:
            rows = list(csv.reader(handle, strict=True))
        except csv.Error as error:
            raise InputError(f"{path.name}: malformed CSV: {error}") from error
        except UnicodeDecodeError as error:
            line = path.read_bytes()[: error.start].count(b"\n") + 1
            raise InputError(f"{path.name}, line {line}: not UTF-8 text (byte "
                                f"{path.read_bytes()[error.start]:#04x}); save the file as "
                                f"UTF-8") from error
    if not rows:
        raise InputError(f"{path.name}: empty file, expected a header row")
    header = rows[0]
    missing = [c for c in columns if c not in header]
    if missing:
        raise InputError(f"{path.name}, line 1: missing column(s) {missing}")
    extra = [c for c in header if c not in columns]
    if exact and extra:
        raise InputError(f"{path.name}, line 1: unexpected column(s) {extra}; expected "
                            f"exactly {columns}")
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise InputError(
                f"{path.name}, line {number}: {len(row)} fields, expected {len(header)} "
                f"(an unquoted comma or a missing quote?)"
            )
    frame = pd.DataFrame(rows[1:], columns=header, dtype=str)
    frame.index = pd.RangeIndex(2, 2 + len(frame), name="line")
    return frame


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, so a reader
    never sees a half-written file and an error leaves the previous file as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", text=True)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
