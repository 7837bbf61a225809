"""Fixtures shared by the test modules: the registry of printed numbers, and the committed
reconstructed participant tables (read and validated once per session)."""

from __future__ import annotations

import pytest

from analysis.io import paths
from analysis.io.participants import read_participants
from analysis.io.registry import load_registry


@pytest.fixture(scope="session")
def registry():
    return load_registry()


@pytest.fixture(scope="session")
def people(registry):
    return {paper: read_participants(paths.RECONSTRUCTED / f"{paper}_participants.csv", registry)
            for paper in ("fan2018", "fan2019")}
