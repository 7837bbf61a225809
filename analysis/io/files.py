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
import stat
import tempfile
from pathlib import Path

import pandas as pd

__all__ = ["FILE_MODE", "MAX_INPUT_BYTES", "InputError", "atomic_write_text", "read_csv_strict",
           "read_text_strict"]

#: The mode of every file the package writes (what git checks files out with).
FILE_MODE = 0o644
#: The largest input file read (checked before reading, so that a huge file never fills the
#: memory); ``reports/benchmark.md`` records how far below it a dataset 100 times the papers'
#: size stays.
MAX_INPUT_BYTES = 64 * 2**20


class InputError(ValueError):
    """A problem in an input file (the registry, a record-level file, a fact table, values
    read off a figure, a notebook's results), naming the file, line and column, and the row
    id where there is one."""


def _checked_bytes(path: Path) -> bytes:
    """The bytes of a regular file no larger than :data:`MAX_INPUT_BYTES`; checked with
    ``stat`` before anything is read (a pipe would block, a huge file fill the memory)."""
    try:
        status = path.stat()
    except FileNotFoundError:
        raise InputError(f"{path.name}: file not found") from None
    except OSError as error:
        raise InputError(f"{path.name}: cannot be read ({error.strerror})") from None
    if stat.S_ISDIR(status.st_mode):
        raise InputError(f"{path.name}: is a folder, not a file")
    if not stat.S_ISREG(status.st_mode):
        raise InputError(f"{path.name}: is not a regular file (a pipe, a device or a socket); "
                         "give a CSV file")
    if status.st_size > MAX_INPUT_BYTES:
        raise InputError(f"{path.name}: {status.st_size / 2**20:.0f} MB, over the limit of "
                         f"{MAX_INPUT_BYTES // 2**20} MB for one input file; nothing was read")
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputError(f"{path.name}: cannot be read ({error.strerror})") from None


def _text(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        offset = error.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)
        line = raw[:offset].count(b"\n") + 1
        raise InputError(f"{path.name}, line {line}: not UTF-8 text (byte {raw[offset]:#04x}); "
                         "save the file as UTF-8") from None


def read_text_strict(path: Path | str) -> str:
    """A UTF-8 text file, checked as :func:`read_csv_strict` checks one (a regular file, at
    most :data:`MAX_INPUT_BYTES`, UTF-8): :class:`InputError` naming the file, never its
    folder."""
    path = Path(path)
    return _text(path, _checked_bytes(path))


def _rows(path: Path) -> tuple[list[list[str]], list[int]]:
    """The fields of every line of a CSV file (UTF-8, with or without a byte-order mark, LF
    or CRLF line ends) and the line each starts on, or :class:`InputError` naming the file
    and the line. Blank lines at the end are dropped; a blank line between rows is a
    problem."""
    text = _text(path, _checked_bytes(path))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows, starts = [], []
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise InputError(f"{path.name}, line {start}: malformed CSV ({_csv_problem(error)})"
                             ) from None
        rows.append(row)
        starts.append(start)
    while rows and rows[-1] == []:
        rows.pop()
        starts.pop()
    blank = [line for line, row in zip(starts, rows, strict=True) if row == []]
    if blank:
        raise InputError(f"{path.name}, line {blank[0]}: a blank line between rows; remove it")
    return rows, starts


def _csv_problem(error: csv.Error) -> str:
    """What a ``csv.Error`` means, in the user's words."""
    text = str(error)
    if "field larger than field limit" in text:
        return f"a field longer than {csv.field_size_limit():,} characters"
    if "unexpected end of data" in text or "EOF" in text:
        return "a quote opened on this line is never closed"
    return text


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
    rows, starts = _rows(path)
    if not rows:
        raise InputError(f"{path.name}: empty file, expected a header row")
    header = rows[0]
    problems = _header_problems(path.name, header, columns, exact)
    if problems:
        raise InputError("\n".join(problems))
    if rows_required and len(rows) == 1:
        raise InputError(f"{path.name}, line 2: no rows after the header")
    for number, row in zip(starts[1:], rows[1:], strict=True):
        if len(row) != len(header):
            raise InputError(
                f"{path.name}, line {number}: {len(row)} fields, expected {len(header)} "
                f"(an unquoted comma or a missing quote?)"
            )
    frame = pd.DataFrame(rows[1:], columns=header, dtype=str)
    frame.index = pd.Index(starts[1:], name="line")
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
