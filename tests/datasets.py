"""Small datasets at the edge of the data contract, made from a look-alike dataset: every
group ``data/design/data_contract.csv`` names holds exactly its minimum (or a few more, when
caregivers bring their family members), groups it does not name are dropped, and the
sessions are cut to a few per community and period. Used by the tests that hold the
package to its promise that data which pass validation run to a report."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from analysis.io.facts import read_facts

NAMES = ("fan2018_participants.csv", "fan2019_participants.csv", "fan2018_sessions.csv",
         "interviews.csv")


def _rows(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


def _write(path: Path, header: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _member(row: dict, rule) -> bool:
    return row["role"] == rule.role and row["wave"] == rule.wave and (
        not rule.evaluated or row["evaluated"] == rule.evaluated)


def _people(rows: list[dict], paper: str, rng: random.Random, extra: int) -> list[dict]:
    """Each contract group of ``paper`` at its minimum plus ``extra``; caregivers first, so
    that their family members can be kept."""
    rules = [r for r in read_facts("data_contract").itertuples() if r.paper == paper]
    rules.sort(key=lambda r: r.role != "caregiver")
    kept: dict[str, dict] = {}
    by_id = {row["person_id"]: row for row in rows}
    for rule in rules:
        members = [row for row in rows if _member(row, rule)]
        have = [row for row in members if row["person_id"] in kept]
        wanted = max(0, int(rule.minimum) + extra - len(have))
        others = [row for row in members if row["person_id"] not in kept]
        for row in rng.sample(others, min(wanted, len(others))):
            kept[row["person_id"]] = row
            if row["cares_for"]:
                kept[row["cares_for"]] = by_id[row["cares_for"]]
    return [row for row in rows if row["person_id"] in kept]


def edge_dataset(source: Path, target: Path, seed: int, extra: int = 0,
                 sessions_per_cell: int = 1) -> Path:
    """Write into ``target`` a dataset cut from the look-alike in ``source``."""
    rng = random.Random(seed)
    target.mkdir(parents=True, exist_ok=True)
    kept = set()
    for paper in ("fan2018", "fan2019"):
        header, rows = _rows(source / f"{paper}_participants.csv")
        chosen = _people(rows, paper, rng, extra)
        kept |= {(paper, row["person_id"]) for row in chosen}
        _write(target / f"{paper}_participants.csv", header, chosen)
    header, rows = _rows(source / "interviews.csv")
    _write(target / "interviews.csv", header,
           [row for row in rows if (row["paper"], row["person_id"]) in kept])
    header, rows = _rows(source / "fan2018_sessions.csv")
    cells: dict[tuple, list] = {}
    for row in rows:
        cells.setdefault((row["community"], row["period"]), []).append(row)
    chosen = [row for cell in cells.values()
              for row in rng.sample(cell, min(sessions_per_cell, len(cell)))]
    _write(target / "fan2018_sessions.csv", header, sorted(chosen, key=lambda r: r["session_id"]))
    return target



def flatten(folder: Path, name: str, column: str) -> None:
    """Give every row of ``name`` that has a value in ``column`` the first such value: a
    variable with a single category (or a single age), valid by the schema, on which tests
    between groups are not defined."""
    header, rows = _rows(folder / name)
    present = [row for row in rows if row[column]]
    for row in present:
        row[column] = present[0][column]
    _write(folder / name, header, rows)


#: Runs the analysis notebooks' jupytext twins in one Python process on the data folder given
#: (real-data mode, outputs to the folder given), in order; prints each failure's notebook,
#: error and place, and exits 1 if any failed. Faster than kernels, and the same code.
IN_PROCESS = r"""
import os, sys, traceback, contextlib, io
data, output, root = sys.argv[1:4]
os.environ["PEER_SUPPORT_OUTPUT"], os.environ["PEER_SUPPORT_MODE"] = output, "real"
import matplotlib
matplotlib.use("Agg")
os.chdir(os.path.join(root, "notebooks"))
failed = 0
for name in ("01_enrolment", "02_service_process", "03_service_content", "04_outcomes"):
    source = open(f"{name}.py", encoding="utf-8").read()
    source = source.replace('data_dir = ""', f"data_dir = {data!r}", 1)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, name, "exec"), {"__name__": "__main__", "display": print})
    except Exception as error:
        failed = 1
        places = [f"{f.filename}:{f.lineno}" for f in traceback.extract_tb(error.__traceback__)]
        print(f"{name}: {type(error).__name__}: {error} at {places[-3:]}")
sys.exit(failed)
"""
