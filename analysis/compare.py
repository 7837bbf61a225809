"""Compare two runs: ``python -m analysis.compare A B``.

A and B are folders written by ``python -m analysis.run`` (a scratch run's
``build/runs/<name>/``, a real-data run's ``private/output/``, or an ``--output`` folder), or
``published`` for the committed reproduction. Prints what differs from A to B
(:mod:`analysis.report.changes`): the parameters, every printed number whose reproduced
value (at the printed decimals), status, evidence or discrepancy class changed, and every
conclusion whose verdict or p range changed. ``--markdown`` prints the whole section a run
writes at the top of its report; ``--csv FILE`` also writes every change to a new file
(never over an existing one, never where git tracks files).

Runs are named by what they are ("your data", "the run with seed = 7"), never by their
folders, and the reports they are read from hold aggregates only, so nothing printed or
written holds a path or a record. A folder that is not a run's, or a report that cannot be
read, is refused with exit status 2 and nothing written.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from analysis.io import faults, runs
from analysis.io.files import InputError, atomic_write_text
from analysis.report.change_words import changes_frame, markdown_section, summary_lines
from analysis.report.changes import RunOutputs, compare, published_run, read_run

__all__ = ["main"]

PUBLISHED = "published"


def _run(given: str, called: str) -> RunOutputs:
    """``published``, or the run in folder ``given``; a folder that cannot even be named
    (``~nobody``, a name too long for the system) is refused by ``called``, never shown."""
    if given == PUBLISHED:
        return published_run()
    try:
        folder = Path(given).expanduser()
        folder.exists()
    except (OSError, RuntimeError) as error:
        reason = getattr(error, "strerror", None) or "its home folder is unknown"
        raise InputError(f"{called}: cannot be read ({reason})") from None
    return read_run(folder, called)


def _csv_target(given: str) -> Path:
    """Where ``--csv`` may write: a new file in a folder this user can write, outside the
    places git tracks."""
    if not given.strip():
        raise runs.RunRefused("--csv is empty (an unset shell variable?); name a new file")
    try:
        target = Path(given).expanduser()
        taken = target.exists() or target.is_symlink()
        folder = target.parent.is_dir()
    except (OSError, RuntimeError) as error:
        reason = getattr(error, "strerror", None) or "its home folder is unknown"
        raise runs.RunRefused(f"--csv cannot be used ({reason})") from None
    if taken:
        raise runs.RunRefused("--csv names a file that already exists; name a new file")
    if not folder:
        raise runs.RunRefused("--csv names a file in a folder that does not exist")
    if runs.tracked_place(target.parent):
        raise runs.RunRefused("--csv would write where git tracks files; write it under "
                              "build/ or private/, or outside the repository")
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise runs.RunRefused("--csv names a file in a folder you cannot write")
    return target


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m analysis.compare", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", metavar="A", help="a run's folder, or 'published' (a folder "
                        "of that name: ./published)")
    parser.add_argument("after", metavar="B", help="a run's folder, or 'published'")
    parser.add_argument("--markdown", action="store_true",
                        help="print the whole comparison as markdown, not the summary")
    parser.add_argument("--csv", help="also write every change to this new CSV file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """0 compared; 2 refused (not a run's folder, an unreadable report, a bad --csv); 1 the
    CSV could not be written."""
    if not isinstance(sys.stdout, faults.PipeSafe):
        sys.stdout = faults.PipeSafe(sys.stdout)
    args = _arguments(argv)
    try:
        target = None if args.csv is None else _csv_target(args.csv)
        comparison = compare(_run(args.before, "run A"), _run(args.after, "run B"))
    except (InputError, runs.RunRefused) as error:
        print(f"refused: {error}", file=sys.stderr)
        return 2
    if target is not None:
        try:
            atomic_write_text(target, changes_frame(comparison).to_csv(
                index=False, lineterminator="\n"))
        except OSError as error:
            print(f"failed: --csv could not be written ({error.strerror}); nothing was written",
                  file=sys.stderr)
            return 1
    print(markdown_section(comparison) if args.markdown
          else "\n".join(summary_lines(comparison)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
