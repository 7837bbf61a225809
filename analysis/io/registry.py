"""The registry of published numbers (``data/published/registry.csv``): loading, validation,
and lookups.

One row per number printed in the Abstract, Methods, Results, tables and figure captions of
Fan et al. 2018 and Fan et al. 2019. Every column is read as a string: a printed ``42.0`` keeps
its trailing zero. :func:`load_registry` validates the file and raises
:class:`analysis.io.files.InputError` naming the file, line, column and id of the first
problems it finds; nothing is silently coerced.

Rows that belong to one reported result share a *stem* (the id without its last part), e.g.
``fan2018.abstract.satisfied_with_peers.consumers`` holds ``.count``, ``.percent``,
``.statistic``, ``.df`` and ``.p``. :func:`value` and :func:`printed_text` look one row up;
:func:`categories` and :func:`margins` read a table block (e.g. fan2019 Table 1's education
counts among consumers).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from pathlib import Path

import pandas as pd

from analysis.io import paths
from analysis.io.design import COMMUNITY_WAVE, GROUP, VARIABLES
from analysis.io.files import InputError, read_csv_strict
from analysis.printed.rounding import parse_printed

__all__ = [
    "PAPERS",
    "QUANTITIES",
    "REGISTRY_COLUMNS",
    "TESTS",
    "categories",
    "load_registry",
    "margins",
    "normalise_text",
    "paper_text",
    "printed_text",
    "stem",
    "table1_series_fan2018",
    "validate_registry",
    "value",
]


def _int(registry: pd.DataFrame, row_id: str) -> int:
    return int(value(registry, row_id))


REGISTRY_COLUMNS = [
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


def _where(path: Path, line: int, column: str | None = None, row_id: str | None = None) -> str:
    parts = [f"{path.name}, line {line}"]
    if column:
        parts.append(f"column {column!r}")
    if row_id:
        parts.append(f"id {row_id!r}")
    return ", ".join(parts)


def _number_problems(row: pd.Series) -> tuple[list[tuple[str, str]], bool]:
    """(column, problem) of the printed number of one registry row, and whether it parsed
    (if not, nothing else about it can be checked)."""
    quantity = row["quantity"]
    try:
        parsed = parse_printed(row["printed"])
    except (TypeError, ValueError) as error:
        return [("printed", str(error))], False
    found = []
    if row["decimals"] != str(parsed.decimals):
        found.append(("decimals", f"{row['decimals']!r} but {row['printed']!r} has "
                                  f"{parsed.decimals} decimals"))
    if quantity in ("count", "n", "df") and (parsed.decimals or parsed.value < 0):
        found.append(("printed", f"a {quantity} must be a non-negative integer"))
    if quantity == "percent" and not Decimal(0) <= parsed.value <= Decimal(100):
        found.append(("printed", "a percent lies in [0, 100]"))
    if quantity == "p" and not Decimal(0) <= parsed.value <= Decimal(1):
        found.append(("printed", "a p-value lies in [0, 1]"))
    if parsed.bound and quantity not in ("p", "other"):
        found.append(("printed", f"bounds like {row['printed']!r} are only for p (or other) rows"))
    return found, True


def _label_problems(row: pd.Series, first_line: int | None) -> list[tuple[str, str]]:
    """(column, problem) of one registry row's id (``first_line``: where the same id was
    first seen, if it was), paper, location, quantity and test."""
    row_id, quantity, test = row["id"], row["quantity"], row["test"]
    found = []
    if not _ID.match(row_id):
        found.append(("id", "ids are lowercase [a-z0-9_-] parts joined by dots"))
    if first_line is not None:
        found.append(("id", f"duplicate id (first on line {first_line})"))
    if row["paper"] not in PAPERS:
        found.append(("paper", f"{row['paper']!r} is not one of {PAPERS}"))
    elif not row_id.startswith(row["paper"] + "."):
        found.append(("id", f"id must start with the paper {row['paper']!r}"))
    if not _LOCATION.match(row["location"]):
        found.append(("location", f"{row['location']!r} is not Abstract, Methods: ..., "
                                  "Results: ..., Table N or Fig. N caption"))
    if quantity not in QUANTITIES:
        found.append(("quantity", f"{quantity!r} is not one of {QUANTITIES}"))
    elif not row_id.endswith("." + quantity):
        found.append(("id", f"id must end with its quantity '.{quantity}'"))
    if quantity in ("statistic", "df", "p") and test not in TESTS:
        found.append(("test", f"{test!r} is not one of {TESTS}"))
    elif quantity not in ("statistic", "df", "p") and test:
        found.append(("test", f"a {quantity} row takes no test (got {test!r})"))
    found += [(column, "must not be empty") for column in ("item", "context")
              if not row[column].strip()]
    return found


def _link_problems(row: pd.Series, by_id: dict[str, str]) -> list[tuple[str, str]]:
    """(column, problem) of one registry row's denominator and block."""
    quantity, denominator = row["quantity"], row["denominator"]
    found = []
    if denominator:
        if denominator not in by_id:
            found.append(("denominator", f"no row with id {denominator!r}"))
        elif by_id[denominator] not in ("n", "count"):
            found.append(("denominator", f"{denominator!r} is a {by_id[denominator]} row, "
                                         "not an n or count"))
        elif not denominator.startswith(row["paper"] + "."):
            found.append(("denominator", "must be a row of the same paper"))
        if quantity not in ("count", "percent", "n"):
            found.append(("denominator", f"a {quantity} row takes no denominator"))
    if row["block"] and quantity != "count":
        found.append(("block", "only count rows belong to a block"))
    return found


def validate_registry(registry: pd.DataFrame, path: Path | str = "registry.csv") -> None:
    """Check every rule of ``data/published/SCHEMA.md``; raise :class:`InputError` listing
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
    by_id = dict(zip(registry["id"], registry["quantity"], strict=True))
    for line, row in registry.iterrows():
        found = _label_problems(row, seen.get(row["id"]))
        seen.setdefault(row["id"], line)
        number, parsed = _number_problems(row)
        found += number + (_link_problems(row, by_id) if parsed else [])
        problems += [f"{_where(path, line, column, row['id'])}: {message}"
                     for column, message in found]
    if problems:
        shown = "\n  ".join(problems[:25])
        more = f"\n  ... and {len(problems) - 25} more" if len(problems) > 25 else ""
        raise InputError(f"{len(problems)} problem(s) in {path}:\n  {shown}{more}")


def load_registry(path: Path | str | None = None) -> pd.DataFrame:
    """Read and validate the registry; every column is a string, the index is the CSV line.

    Parameters
    ----------
    path : path-like, optional
        Default ``data/published/registry.csv``.

    Returns
    -------
    DataFrame
        The columns of :data:`REGISTRY_COLUMNS` (and any extra ones), as strings.

    Raises
    ------
    analysis.io.files.InputError
        Naming the file, line, column and id of each problem.
    """
    path = paths.REGISTRY if path is None else Path(path)
    registry = read_csv_strict(path, REGISTRY_COLUMNS)
    validate_registry(registry, path)
    return registry


def stem(row_id: str) -> str:
    """The id without its quantity: the key shared by the rows of one reported result."""
    return row_id.rsplit(".", 1)[0]


def value(registry: pd.DataFrame, row_id: str) -> Decimal:
    """The exact value printed in row ``row_id`` (words and bounds resolved by
    :func:`analysis.printed.rounding.parse_printed`)."""
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


def printed_text(registry: pd.DataFrame, row_id: str) -> str:
    """The printed text of registry row ``row_id``."""
    match = registry.loc[registry["id"] == row_id, "printed"]
    if match.empty:
        raise KeyError(f"no registry row {row_id!r}")
    return str(match.iloc[0])


def categories(registry: pd.DataFrame, paper: str, column: str) -> list[str]:
    """The category codes of ``column`` in ``paper``, read from the registry's count ids in
    their printed order (``fan2019.table1.gender_female.peers.count`` -> ``female``). A
    variable printed as a single yes-row (``lives_alone``) has categories ``yes``/``no``."""
    table, prefix = VARIABLES[paper][column]
    pattern = rf"^{paper}\.{table}\.{prefix}(?:_(?P<category>[a-z0-9_]+))?\.[a-z_]+\.count$"
    matched = registry["id"].str.match(pattern)
    if not matched.any():
        raise KeyError(f"no registry counts for {paper} {table} {prefix}")
    found = registry.loc[matched, "id"].str.extract(pattern)["category"]
    if found.isna().all():
        return ["yes", "no"]
    return list(dict.fromkeys(found.dropna()))


def margins(registry: pd.DataFrame, paper: str, column: str, role: str) -> pd.Series:
    """Printed counts of each category of ``column`` among ``role`` (a table block), in the
    printed order. A yes-only row (fan2019 ``lives_alone``) gets ``no = n - yes``."""
    table, prefix = VARIABLES[paper][column]
    group = GROUP[role]
    codes = categories(registry, paper, column)
    single = f"{paper}.{table}.{prefix}.{group}.count"
    if (registry["id"] == single).any():
        yes = _int(registry, single)
        n = _int(registry, registry.loc[registry["id"] == single, "denominator"].iloc[0])
        return pd.Series({"yes": yes, "no": n - yes}, name=column)
    counts = {
        code: _int(registry, f"{paper}.{table}.{prefix}_{code}.{group}.count") for code in codes
    }
    return pd.Series(counts, name=column)


def table1_series_fan2018(registry: pd.DataFrame) -> pd.DataFrame:
    """fan2018 Table 1 as printed: rows (role, community), columns years, dashes as 0."""
    pattern = re.compile(
        r"^fan2018\.table1\.(?P<community>[a-z]+)\.(?P<group>peers|consumers)_"
        r"(?P<year>\d{4})\.count$"
    )
    rows = []
    for row_id, _printed in zip(registry["id"], registry["printed"], strict=True):
        match = pattern.match(row_id)
        if match and match["community"] in COMMUNITY_WAVE:
            rows.append(
                {
                    "role": match["group"][:-1],
                    "community": match["community"],
                    "year": int(match["year"]),
                    "count": int(value(registry, row_id)),
                }
            )
    frame = pd.DataFrame(rows)
    table = frame.pivot_table(
        index=["role", "community"],
        columns="year",
        values="count",
        aggfunc="sum",
        fill_value=0,
        sort=False,
    )
    return table.astype(int)
