"""The groups a researcher's data must hold for every analysis to run: validation's rules across
rows, written as data (``data/design/data_contract.csv``).

Each rule names a group the papers compare or describe (paper, role, wave, and whether
evaluated) and the fewest people it may hold: two wherever a mean with its SD, or a test
between two groups, is computed from the group (an SD needs two values). A dataset that
breaks a rule is refused before any notebook runs, with a message naming the file, the
columns that define the group, what was found and which analysis needs it.
"""

from __future__ import annotations

import pandas as pd

from analysis.io.facts import read_facts

__all__ = ["contract_problems"]


def _group(frame: pd.DataFrame, rule) -> pd.Series:
    """Which rows of a participant ``frame`` belong to the group a ``rule`` names."""
    chosen = (frame["role"] == rule.role) & (frame["wave"] == rule.wave)
    if rule.evaluated:
        chosen &= frame["evaluated"] == rule.evaluated
    return chosen


def _described(rule) -> str:
    evaluated = {"yes": ", evaluated", "no": ", not evaluated"}.get(rule.evaluated, "")
    return f"{rule.role}s of the {rule.wave} wave{evaluated}"


def contract_problems(people: dict[str, pd.DataFrame]) -> list[str]:
    """Every rule of ``data_contract.csv`` the participant files (by paper) break."""
    problems = []
    for rule in read_facts("data_contract").itertuples():
        frame = people.get(rule.paper)
        if frame is None:
            continue
        found = int(_group(frame, rule).sum())
        if found < int(rule.minimum):
            columns = "'role', 'wave'" + (", 'evaluated'" if rule.evaluated else "")
            problems.append(f"{rule.paper}_participants.csv, columns {columns}: {found} "
                            f"{_described(rule)}; at least {rule.minimum} are needed "
                            f"({rule.needed_for})")
    return problems
