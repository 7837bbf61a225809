"""Fixtures shared by the test modules: the registry of printed numbers, and the committed
reconstructed participant tables (read and validated once per session)."""

from __future__ import annotations

import os

import pytest

from analysis.io import paths
from analysis.io.cache import CACHE_ENV
from analysis.io.participants import read_participants
from analysis.io.registry import load_registry
from analysis.reconstruct.participant_records import reconstruct_fan2018, reconstruct_fan2019


@pytest.fixture(scope="session", autouse=True)
def shared_proof_cache(tmp_path_factory):
    """One memo of the slow proofs (:mod:`analysis.io.cache`) for the whole test session,
    shared by the pytest-xdist workers and the pipeline runs they start, so that each proof
    runs once per session: never the developer's cache, and never one from another session."""
    shared = tmp_path_factory.getbasetemp().parent / "proof-cache"
    shared.mkdir(exist_ok=True)
    before = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(shared)
    yield shared
    if before is None:
        os.environ.pop(CACHE_ENV, None)
    else:
        os.environ[CACHE_ENV] = before


@pytest.fixture(scope="session")
def registry():
    return load_registry()


@pytest.fixture(scope="session")
def reconstructed(registry):
    """``reconstructed(paper, seed)``: the reconstructed participants of a paper, made once
    per test session and seed (a copy each time, so a test may change it)."""
    made = {}

    def get(paper: str, seed: int):
        if (paper, seed) not in made:
            build = reconstruct_fan2018 if paper == "fan2018" else reconstruct_fan2019
            made[paper, seed] = build(registry, seed)
        return made[paper, seed].copy()

    return get


@pytest.fixture(scope="session")
def people(registry):
    return {paper: read_participants(paths.RECONSTRUCTED / f"{paper}_participants.csv", registry)
            for paper in ("fan2018", "fan2019")}


def pytest_collection_modifyitems(items):
    """The slow tests (whole-pipeline runs) first, so that with pytest-xdist they start at
    once on their own workers while the fast ones fill the rest."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
