"""The order in which ``python -m analysis.run`` starts notebooks: each once the notebooks
it reads from have finished (its metadata ``pipeline.requires``), those that more notebooks
wait for first, then, among equals, the one that took longest last time (longest
processing time first, which shortens the run's tail)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from analysis.io import paths
from analysis.io.files import atomic_write_text

__all__ = ["TIMINGS", "dependents", "last_timings", "ready", "requirements", "save_timings"]


def requirements(path: Path) -> list[str]:
    """The notebooks whose outputs ``path`` reads (its metadata ``pipeline.requires``)."""
    notebook = nbformat.read(path, as_version=4)
    return list(notebook.metadata.get("pipeline", {}).get("requires", []))


def dependents(selected: list[Path]) -> dict[str, int]:
    """How many selected notebooks need each one, directly or through others."""
    needs = {p.stem: set(requirements(p)) for p in selected}
    closure = {}
    for name in needs:
        seen, stack = set(), [name]
        while stack:
            for other in needs.get(stack.pop(), set()) - seen:
                seen.add(other)
                stack.append(other)
        closure[name] = seen
    return {name: sum(name in closure[other] for other in needs) for name in needs}


#: How long each notebook took in the last run that was not on real data (seconds): the
#: scheduler starts the longer of two notebooks that equally many others wait for first
#: (longest processing time first), which shortens the run's tail. Only an order; a
#: missing or unreadable file changes nothing but the order.
TIMINGS = paths.BUILD / "timings.json"


def last_timings() -> dict[str, float]:
    try:
        found = json.loads(TIMINGS.read_text(encoding="utf-8"))
        return {str(k): float(v) for k, v in found.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def save_timings(timings: dict[str, float]) -> None:
    if timings:
        try:
            atomic_write_text(TIMINGS, json.dumps(last_timings() | timings, indent=1,
                                                  sort_keys=True) + "\n")
        except OSError:  # only an order for the next run
            pass


def ready(waiting: list[Path], done: set[str], selected: set[str],
           priority: dict[str, tuple[int, float]]) -> list[Path]:
    """The waiting notebooks whose selected requirements have all finished: those that
    more notebooks wait for first, then the longest last time."""
    ready = [p for p in waiting if set(requirements(p)) & selected <= done]
    return sorted(ready, key=lambda p: (-priority[p.stem][0], -priority[p.stem][1], p.name))
