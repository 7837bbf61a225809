"""The registry of published numbers (``data/published/registry.csv``): loading and validation.

One row per number printed in the Abstract, Methods, Results, tables and figure captions of
Fan et al. 2018 and Fan et al. 2019. Every column is read as a string: a printed ``42.0`` keeps
its trailing zero. :func:`load_registry` validates the file and raises :class:`RegistryError`
naming the file, line, column and id of the first problems it finds; nothing is silently
coerced.

Rows that belong to one reported result share a *stem* (the id without its last part), e.g.
``fan2018.abstract.satisfied_with_peers.consumers`` holds ``.count``, ``.percent``,
``.statistic``, ``.df`` and ``.p``.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from decimal import Decimal
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.rounding import parse_printed

__all__ = [
    "COLUMNS",
    "PAPERS",
    "QUANTITIES",
    "TESTS",
    "RegistryError",
    "load_registry",
    "normalise_text",
    "paper_text",
    "read_csv_strict",
    "stem",
    "validate_registry",
    "value",
]

COLUMNS = [
    "id", "paper", "location", "item", "group", "quantity", "test", "printed", "decimals",
    "block", "denominator", "context",
]
PAPERS = ("fan2018", "fan2019")
QUANTITIES = ("n", "count", "percent", "mean", "sd", "statistic", "df", "p", "other")
# "mixed": a range over several tests (e.g. "ps > 0.078" over chi-square, Mann-Whitney and t)
TESTS = ("chi2", "t", "fisher", "mann_whitney", "lr", "z", "bonferroni", "mixed")
_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]*(\.[a-z0-9][a-z0-9_\-]*)+$")
_LOCATION = re.compile(
    r"^(Abstract|(Methods|Results): .+|Table \d+|Table \d+ footnote|Fig\. \d+ caption)$"
)


class RegistryError(ValueError):
    """A problem in a registry-like CSV, naming the file, line, column and row id."""


def _where(path: Path, line: int, column: str | None = None, row_id: str | None = None) -> str:
    parts = [f"{path.name}, line {line}"]
    if column:
        parts.append(f"column {column!r}")
    if row_id:
        parts.append(f"id {row_id!r}")
    return ", ".join(parts)


def read_csv_strict(path: Path | str, columns: list[str], exact: bool = False) -> pd.DataFrame:
    """Read a CSV of strings, checking its shape before pandas sees it.

    Every field is a string (``dtype=str``, empty cells stay ``""``). Raises
    :class:`RegistryError` naming the file and line when the file is missing, a required column
    is absent, or a line has the wrong number of fields (an unquoted comma, a missing quote).
    With ``exact``, a column not in ``columns`` is refused too (record-level files have a
    declared schema, and an extra column could carry data that must not be there).
    """
    path = Path(path)
    if not path.is_file():
        raise RegistryError(f"{path}: file not found")
    with path.open(newline="", encoding="utf-8") as handle:
        try:
            rows = list(csv.reader(handle, strict=True))
        except csv.Error as error:
            raise RegistryError(f"{path.name}: malformed CSV: {error}") from error
        except UnicodeDecodeError as error:
            line = path.read_bytes()[: error.start].count(b"\n") + 1
            raise RegistryError(f"{path.name}, line {line}: not UTF-8 text (byte "
                                f"{path.read_bytes()[error.start]:#04x}); save the file as "
                                f"UTF-8") from error
    if not rows:
        raise RegistryError(f"{path.name}: empty file, expected a header row")
    header = rows[0]
    missing = [c for c in columns if c not in header]
    if missing:
        raise RegistryError(f"{path.name}, line 1: missing column(s) {missing}")
    extra = [c for c in header if c not in columns]
    if exact and extra:
        raise RegistryError(f"{path.name}, line 1: unexpected column(s) {extra}; expected "
                            f"exactly {columns}")
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise RegistryError(
                f"{path.name}, line {number}: {len(row)} fields, expected {len(header)} "
                f"(an unquoted comma or a missing quote?)"
            )
    frame = pd.DataFrame(rows[1:], columns=header, dtype=str)
    frame.index = pd.RangeIndex(2, 2 + len(frame), name="line")
    return frame


def validate_registry(registry: pd.DataFrame, path: Path | str = "registry.csv") -> None:
    """Check every rule of ``data/published/SCHEMA.md``; raise :class:`RegistryError` listing
    every problem (file, line, column, id), or return None if there is none.

    Rules: unique ids of the form ``<paper>.<...>.<quantity>`` in ``[a-z0-9_.-]``; ``paper``,
    ``quantity``, ``test`` and ``location`` from their allowed values; ``test`` given exactly
    for ``statistic``/``df``/``p`` rows; ``printed`` parses (including ``<0.001``, number
    words, ``8.33×10^-3``) and ``decimals`` equals its printed decimals; counts, n and df are
    non-negative integers; percents lie in [0, 100] and p in [0, 1]; ``denominator`` names an
    existing ``n`` or ``count`` row of the same paper; ``block`` is used on count rows only;
    ``context`` and ``item`` are not empty.
    """
    path = Path(path)
    problems: list[str] = []
    seen: dict[str, int] = {}
    ids = set(registry["id"])
    by_id = dict(zip(registry["id"], registry["quantity"], strict=True))
    for line, row in registry.iterrows():
        row_id = row["id"]

        def fail(column: str, message: str, line: int = line, row_id: str = row_id) -> None:
            problems.append(f"{_where(path, line, column, row_id)}: {message}")

        if not _ID.match(row_id):
            fail("id", "ids are lowercase [a-z0-9_-] parts joined by dots")
        if row_id in seen:
            fail("id", f"duplicate id (first on line {seen[row_id]})")
        seen.setdefault(row_id, line)
        if row["paper"] not in PAPERS:
            fail("paper", f"{row['paper']!r} is not one of {PAPERS}")
        elif not row_id.startswith(row["paper"] + "."):
            fail("id", f"id must start with the paper {row['paper']!r}")
        if not _LOCATION.match(row["location"]):
            fail("location", f"{row['location']!r} is not Abstract, Methods: ..., Results: "
                 "..., Table N or Fig. N caption")
        quantity = row["quantity"]
        if quantity not in QUANTITIES:
            fail("quantity", f"{quantity!r} is not one of {QUANTITIES}")
        elif not row_id.endswith("." + quantity):
            fail("id", f"id must end with its quantity '.{quantity}'")
        test = row["test"]
        if quantity in ("statistic", "df", "p"):
            if test not in TESTS:
                fail("test", f"{test!r} is not one of {TESTS}")
        elif test:
            fail("test", f"a {quantity} row takes no test (got {test!r})")
        for column in ("item", "context"):
            if not row[column].strip():
                fail(column, "must not be empty")
        try:
            parsed = parse_printed(row["printed"])
        except (TypeError, ValueError) as error:
            fail("printed", str(error))
            continue
        if row["decimals"] != str(parsed.decimals):
            fail("decimals", f"{row['decimals']!r} but {row['printed']!r} has "
                 f"{parsed.decimals} decimals")
        if quantity in ("count", "n", "df") and (parsed.decimals or parsed.value < 0):
            fail("printed", f"a {quantity} must be a non-negative integer")
        if quantity == "percent" and not Decimal(0) <= parsed.value <= Decimal(100):
            fail("printed", "a percent lies in [0, 100]")
        if quantity == "p" and not Decimal(0) <= parsed.value <= Decimal(1):
            fail("printed", "a p-value lies in [0, 1]")
        if parsed.bound and quantity not in ("p", "other"):
            fail("printed", f"bounds like {row['printed']!r} are only for p (or other) rows")
        denominator = row["denominator"]
        if denominator:
            if denominator not in ids:
                fail("denominator", f"no row with id {denominator!r}")
            elif by_id[denominator] not in ("n", "count"):
                fail("denominator", f"{denominator!r} is a {by_id[denominator]} row, "
                     "not an n or count")
            elif not denominator.startswith(row["paper"] + "."):
                fail("denominator", "must be a row of the same paper")
            if quantity not in ("count", "percent", "n"):
                fail("denominator", f"a {quantity} row takes no denominator")
        if row["block"] and quantity != "count":
            fail("block", "only count rows belong to a block")
    if problems:
        shown = "\n  ".join(problems[:25])
        more = f"\n  ... and {len(problems) - 25} more" if len(problems) > 25 else ""
        raise RegistryError(f"{len(problems)} problem(s) in {path}:\n  {shown}{more}")


def load_registry(path: Path | str | None = None) -> pd.DataFrame:
    """Read and validate the registry; every column is a string, the index is the CSV line.

    Parameters
    ----------
    path : path-like, optional
        Default ``data/published/registry.csv``.

    Returns
    -------
    DataFrame
        The columns of :data:`COLUMNS` (and any extra ones), as strings.

    Raises
    ------
    RegistryError
        Naming the file, line, column and id of each problem.
    """
    path = paths.REGISTRY if path is None else Path(path)
    registry = read_csv_strict(path, COLUMNS)
    validate_registry(registry, path)
    return registry


def stem(row_id: str) -> str:
    """The id without its quantity: the key shared by the rows of one reported result."""
    return row_id.rsplit(".", 1)[0]


def value(registry: pd.DataFrame, row_id: str) -> Decimal:
    """The exact value printed in row ``row_id`` (words and bounds resolved by
    :func:`analysis.rounding.parse_printed`)."""
    match = registry.loc[registry["id"] == row_id, "printed"]
    if match.empty:
        raise KeyError(f"no registry row {row_id!r}")
    return parse_printed(match.iloc[0]).value


def normalise_text(text: str) -> str:
    """Collapse every run of whitespace (including U+2009 thin spaces and line breaks) to one
    space, so a transcribed ``context`` can be found in the flattened paper text."""
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"\s+", " ", text.replace("\u2009", " ")).strip()


def paper_text(paper: str) -> str:
    """The normalised full text of one paper, from ``data/papers/`` (never from outside
    the repository)."""
    if paper not in paths.PAPER_FILES:
        raise KeyError(f"unknown paper {paper!r}; expected one of {sorted(paths.PAPER_FILES)}")
    return normalise_text(paths.PAPER_FILES[paper].read_text(encoding="utf-8"))
