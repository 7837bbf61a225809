"""Reading and writing files safely: strict CSV reading, atomic writes, one error type.

:func:`read_csv_strict` reads a CSV of strings and checks its shape before pandas sees it;
:func:`atomic_write_text` writes through a temporary file and a rename, so a reader never
sees a half-written file. :class:`InputError` is the error for every bad input file: its
message names the file, the line and the column.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

import pandas as pd

__all__ = ["FILE_MODE", "InputError", "atomic_write_text", "read_csv_strict"]

#: The mode of every file the package writes (what git checks files out with).
FILE_MODE = 0o644


class InputError(ValueError):
    """A problem in an input file (the registry, a record-level file, a fact table, values
    read off a figure, a notebook's results), naming the file, line and column, and the row
    id where there is one."""


def _rows(path: Path) -> list[list[str]]:
    """The fields of every line of a CSV file (UTF-8, with or without a byte-order mark, LF
    or CRLF line ends), or :class:`InputError` naming the file and the line."""
    if path.is_dir():
        raise InputError(f"{path.name}: is a folder, not a file")
    if not path.is_file():
        raise InputError(f"{path.name}: file not found")
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path.name}: cannot be read ({error.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        offset = error.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)
        line = raw[:offset].count(b"\n") + 1
        raise InputError(f"{path.name}, line {line}: not UTF-8 text (byte {raw[offset]:#04x}); "
                         "save the file as UTF-8") from None
    try:
        return list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        raise InputError(f"{path.name}: malformed CSV: {error}") from None


def _header_problems(name: str, header: list[str], columns: list[str], exact: bool) -> list[str]:
    """Blank, repeated, missing or (with ``exact``) unexpected column names."""
    found = []
    blank = [number for number, label in enumerate(header, start=1) if not label.strip()]
    if blank:
        found.append(f"{name}, line 1: column(s) {blank} have no name")
    repeated = sorted({label for label in header if label and header.count(label) > 1})
    if repeated:
        found.append(f"{name}, line 1: column(s) {repeated} appear more than once")
    missing = [c for c in columns if c not in header]
    if missing:
        found.append(f"{name}, line 1: missing column(s) {missing}")
    extra = [c for c in header if c and c not in columns]
    if exact and extra:
        found.append(f"{name}, line 1: unexpected column(s) {extra}; expected exactly "
                     f"{columns}")
    return found


def read_csv_strict(path: Path | str, columns: list[str], exact: bool = False,
                    rows_required: bool = False) -> pd.DataFrame:
    """Read a CSV of strings, checking its shape before pandas sees it.

    Every field is a string (``dtype=str``, empty cells stay ``""``). Raises
    :class:`InputError` naming the file (by name, never its folder) and the line when the
    file is missing, a folder, unreadable, not UTF-8 or malformed; when a column is
    missing, blank or repeated; when a line has the wrong number of fields (an unquoted
    comma, a missing quote); and, with ``rows_required``, when it has a header and no
    rows. With ``exact``, a column not in ``columns`` is refused too (record-level files
    have a declared schema, and an extra column could carry data that must not be there).
    A byte-order mark (what Excel writes) and CRLF line ends are accepted.
    """
    path = Path(path)
    rows = _rows(path)
    if not rows:
        raise InputError(f"{path.name}: empty file, expected a header row")
    header = rows[0]
    problems = _header_problems(path.name, header, columns, exact)
    if problems:
        raise InputError("\n".join(problems))
    if rows_required and len(rows) == 1:
        raise InputError(f"{path.name}, line 2: no rows after the header")
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
        Path(temporary).chmod(FILE_MODE)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
