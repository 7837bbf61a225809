"""A synthetic dataset laid out exactly as the real data must be, for trying the private-data
mode without the real data (and for the test that scans its outputs for leaks).

``python -m analysis.lookalike private/example [--seed N]`` writes ``fan2018_participants.csv``,
``fan2019_participants.csv``, ``fan2018_sessions.csv`` and ``interviews.csv`` into the
folder, generated with another seed than the published reconstruction. The folder must be
new or empty; ``--force`` lets it replace the files of an earlier look-alike (listed, with
their SHA-256, in ``.peer-support-lookalike``), never a file it did not write; then
``python -m analysis.run -p data_dir '"private/example"'`` runs every notebook on it, writing
its outputs under ``private/output/``.
"""

from __future__ import annotations

from pathlib import Path

from analysis.io.interviews import write_interviews
from analysis.io.participants import write_participants
from analysis.io.registry import load_registry
from analysis.io.sessions import write_sessions
from analysis.methods.tables import feasible_tables
from analysis.reconstruct.contents import choose_counts
from analysis.reconstruct.interview_records import reconstruct_interviews
from analysis.reconstruct.participant_records import reconstruct_fan2018, reconstruct_fan2019
from analysis.reconstruct.session_records import (
    band_matrices,
    fig1_targets,
    frequency_bands,
    reconstruct_sessions,
)

__all__ = ["check_folder", "scale_lookalike", "write_lookalike"]


def write_lookalike(folder: Path | str, seed: int = 99) -> list[Path]:
    """Write the four record-level files of a look-alike dataset into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    registry = load_registry()
    people18 = reconstruct_fan2018(registry, seed)
    people19 = reconstruct_fan2019(registry, seed)
    written = []
    for frame, name in ((people18, "fan2018"), (people19, "fan2019")):
        path = folder / f"{name}_participants.csv"
        write_participants(frame, path, registry)
        written.append(path)
    low, high = band_matrices(frequency_bands(registry))
    total, window = fig1_targets(registry)
    feasible = feasible_tables(low, high, total, window, seed=seed, draws=20_000)
    table = feasible.witnesses[len(feasible.witnesses) // 2]
    records = reconstruct_sessions(table, choose_counts(registry, total), registry, seed)
    path = folder / "fan2018_sessions.csv"
    write_sessions(records, path)
    written.append(path)
    interviews = reconstruct_interviews(people18, people19, registry, seed)
    path = folder / "interviews.csv"
    write_interviews(interviews, path, {"fan2018": people18, "fan2019": people19})
    written.append(path)
    return written


def _copy_id(value: str, k: int) -> str:
    return f"{value}x{k}" if value and k else value


def scale_lookalike(folder: Path, factor: int) -> list[Path]:
    """Repeat the four files of the look-alike in ``folder`` ``factor`` times, in place, with
    new ids for each copy (caregivers point at their copy's family member): a dataset the
    size of a larger study, for the scale benchmark (``reports/benchmark.md``)."""
    import csv

    ids = {"fan2018_participants.csv": ("person_id", "cares_for"),
           "fan2019_participants.csv": ("person_id", "cares_for"),
           "interviews.csv": ("person_id",), "fan2018_sessions.csv": ("session_id",)}
    for name, columns in ids.items():
        with (folder / name).open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header, rows = list(reader.fieldnames), list(reader)
        with (folder / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, header, lineterminator="\n")
            writer.writeheader()
            writer.writerows({**row, **{c: _copy_id(row[c], k) for c in columns}}
                             for k in range(factor) for row in rows)
    return [folder / name for name in ids]


#: The manifest a look-alike folder holds: the files ``lookalike`` wrote, with their SHA-256.
MANIFEST = ".peer-support-lookalike"
#: The files a look-alike dataset consists of.
FILES = ("fan2018_participants.csv", "fan2019_participants.csv", "fan2018_sessions.csv",
         "interviews.csv")


def check_folder(folder: Path, force: bool) -> str | None:
    """Why ``lookalike`` may not write into ``folder`` (None: it may). A non-empty folder
    only with ``force``, and even then only files an earlier ``lookalike`` wrote and nobody
    changed since are replaced; other files are left as they are."""
    from analysis.io import ownership, runs

    if folder.exists() and not folder.is_dir():
        return f"{folder.name} is a file, not a folder"
    if runs.tracked_place(folder):
        return ("inside the repository, write under private/ or build/ (git ignores them), "
                "or outside the repository")
    present = [p for p in ownership.entries(folder) if p.name != MANIFEST] \
        if folder.is_dir() else []
    if present and not force:
        return (f"{folder.name} is not empty; give --force to replace an earlier look-alike's "
                "files (files it did not write are never replaced)")
    theirs = [name for name in FILES if (folder / name).exists()
              and not ownership.proven_own(folder / name, MANIFEST)]
    if theirs:
        return (f"{folder.name} holds {len(theirs)} of the look-alike's file names that "
                "lookalike did not write (or that changed since): they are never replaced; "
                "choose an empty or new folder")
    return None


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.lookalike [--seed N] [--force] FOLDER``: write a look-alike
    dataset."""
    import argparse

    from analysis.io import ownership

    parser = argparse.ArgumentParser(prog="python -m analysis.lookalike", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", help="where to write the four files (created if absent; "
                        "not inside the repository's tracked folders)")
    parser.add_argument("--seed", type=int, default=99, help="seed (default 99; the published "
                        "reconstruction uses another)")
    parser.add_argument("--scale", type=int, default=1, help="repeat the dataset this many "
                        "times, with new ids (default 1; 100 gives a study 100 times the "
                        "papers' size)")
    parser.add_argument("--force", action="store_true", help="write into a folder that is not "
                        "empty, replacing only files an earlier lookalike wrote")
    args = parser.parse_args(argv)
    if not args.folder.strip():
        parser.error("the folder is empty (an unset shell variable?)")
    folder = Path(args.folder).expanduser().resolve()
    if args.seed < 0:
        parser.error("--seed must be 0 or more")
    problem = check_folder(folder, args.force)
    if problem:
        parser.error(problem)
    if not 1 <= args.scale <= 1000:
        parser.error("--scale must be from 1 to 1000")
    written = write_lookalike(folder, args.seed)
    if args.scale > 1:
        scale_lookalike(folder, args.scale)
    ownership.remember(folder, written, MANIFEST, made_by="python -m analysis.lookalike")
    for path in written:
        print(f"wrote {path.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
