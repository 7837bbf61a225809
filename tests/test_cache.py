"""The on-disk memo of slow proofs: a hit returns what a fresh call returns, any change to
the arguments (by content) or to the code misses, and a broken entry is recomputed."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.io import cache

CALLS: list[int] = []


@cache.memoised
def _square_sum(frame: pd.DataFrame, scale: float = 1.0) -> float:
    CALLS.append(1)
    return float((frame.to_numpy() ** 2).sum() * scale)


def test_a_hit_returns_the_fresh_value(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    CALLS.clear()
    frame = pd.DataFrame({"a": [1, 2], "b": [3, 4]})
    fresh = _square_sum.__wrapped__(frame)
    assert _square_sum(frame) == fresh
    assert _square_sum(frame.copy()) == fresh
    assert len(CALLS) == 2  # the unwrapped call and the first wrapped one
    assert len(list(tmp_path.glob("*.pkl"))) == 1


def test_changed_arguments_or_code_miss(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    CALLS.clear()
    frame = pd.DataFrame({"a": [1, 2]})
    _square_sum(frame)
    _square_sum(frame.assign(a=[1, 3]))
    _square_sum(frame, scale=2.0)
    _square_sum(frame.rename(columns={"a": "z"}))
    assert len(CALLS) == 4
    key = cache.key_of("f", (np.array([1, 2]),), {})
    assert key != cache.key_of("f", (np.array([1.0, 2.0]),), {})  # dtype counts
    monkeypatch.setattr(cache, "_source_digest", lambda: "other code")
    _square_sum(frame)
    assert len(CALLS) == 5


def test_a_broken_entry_is_recomputed(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    CALLS.clear()
    frame = pd.DataFrame({"a": [5]})
    assert _square_sum(frame) == 25.0
    (entry,) = tmp_path.glob("*.pkl")
    entry.write_bytes(b"not a pickle")
    assert _square_sum(frame) == 25.0
    assert len(CALLS) == 2


def test_two_callers_at_once_compute_an_entry_once(tmp_path, monkeypatch):
    import threading
    import time

    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    calls = []

    @cache.memoised
    def slow_square(x):
        calls.append(x)
        time.sleep(0.3)
        return x * x

    results = []
    threads = [threading.Thread(target=lambda: results.append(slow_square(7))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [49, 49]
    assert calls == [7]
