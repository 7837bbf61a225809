"""Record how long the reproduction takes (a record, not a timed test).

Targets (issue 2), on a machine with 2 cores:
- the reproduce step on an already set-up clone: all six notebooks and the report within 60 s;
- setup plus reproduction from a fresh clone (`make reproduce`): within 5 min.

Usage: ``make benchmark`` (or ``.venv/bin/python scripts/benchmark.py [--skip-fresh]``).
Writes ``reports/benchmark.md``. The fresh-clone timing uses pip's download cache if the
machine has one; the first run on a new machine is slower by the download time.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_REPRODUCE = 60.0
TARGET_FRESH = 300.0


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-fresh", action="store_true", help="skip the fresh-clone timing")
    args = parser.parse_args()
    rows = []
    seconds = timed([sys.executable, "-m", "analysis.run"], ROOT)
    rows.append(("reproduce, set-up clone (`python -m analysis.run`)", seconds,
                 TARGET_REPRODUCE))
    print(f"reproduce on this clone: {seconds:.1f} s")
    if not args.skip_fresh:
        with tempfile.TemporaryDirectory() as scratch:
            clone = Path(scratch) / "clone"
            subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
            seconds = timed(["make", "reproduce"], clone)
        rows.append(("fresh clone: setup + reproduce (`make reproduce`)", seconds, TARGET_FRESH))
        print(f"fresh clone, make reproduce: {seconds:.1f} s")
    lines = [
        "# Benchmark",
        "",
        f"Recorded {datetime.now(UTC):%Y-%m-%d} by `scripts/benchmark.py` on "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}.",
        "",
        "| step | wall time (s) | target (s) | within target |",
        "|---|---|---|---|",
        *[f"| {name} | {s:.1f} | {t:.0f} | {'yes' if s <= t else 'NO'} |"
          for name, s, t in rows],
        "",
    ]
    (ROOT / "reports" / "benchmark.md").write_text("\n".join(lines), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
