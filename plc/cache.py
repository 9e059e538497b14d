"""The dashboards' figures, kept for a few minutes.

The activity and attendance counts come from roll-ups (plc/dashboards/rollups.py and
attendance_rollups.py), so a programme dashboard no longer counts the year's updates,
comments and seats (about 0.1 s uncached at the benchmark's size, against 1 to 2 s before). Its
readers look at it a few times a day and do not need it to the second, so each worker keeps
what it counted for FIGURES_CACHE_SECONDS and the page says when the figures were counted:
optional now, it spares the database repeated reads. The cache is per worker process (no
shared store to install or to fail); at the default 2 minutes a programme's figures are
counted at most once per worker every 2 minutes, whatever the number of readers. 0 turns it
off. While one thread counts them again, the worker's other readers are shown the figures it
had (up to STALE_TIMES x FIGURES_CACHE_SECONDS old, dated as always), so that only one request
waits for a recount.

Only plain values go in (dataclasses of numbers, strings and dates): never ORM objects, which
belong to one request's session.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import NamedTuple, TypeVar

from cachetools import TTLCache
from flask import current_app

from plc.db import utcnow

T = TypeVar("T")
MAX_ENTRIES = 512  # programmes, cohorts and pages of figures a worker keeps at once
# Exports are kept the same way, in a store of their own: a participation file is 0.3 MB at the
# benchmark's 2,000 members (1.5 MB at 10,000), so a worker keeps a few, not hundreds.
STORES = {"figures": MAX_ENTRIES, "files": 16}

_lock = threading.Lock()  # threaded servers (the test live server) share one cache
# Figures older than FIGURES_CACHE_SECONDS, up to this many times that, are still shown while
# one thread counts them again.
STALE_TIMES = 5
_counting: dict[tuple, threading.Lock] = {}  # a lock for each key being counted now


def _clock() -> float:
    return time.monotonic()


def _cache(seconds: int, store: str) -> TTLCache:
    return current_app.extensions.setdefault(
        f"plc_{store}", TTLCache(STORES[store], seconds * STALE_TIMES, timer=lambda: _clock()))


def remembered(key: Hashable, compute: Callable[[], T], store: str = "figures"
               ) -> tuple[T, datetime]:
    """``compute()`` and when it was computed: this worker's copy if it is recent enough.
    ``store``: "figures", or "files" for exports (fewer kept)."""
    seconds = current_app.config["FIGURES_CACHE_SECONDS"]
    if seconds <= 0:
        return compute(), utcnow()
    cache = _cache(seconds, store)
    kept = _kept(cache, key)
    if kept is not None and _clock() - kept.born < seconds:
        return kept.value, kept.counted_at
    # One thread of the worker counts; the others asking meanwhile are shown the figures it
    # had (when it had some) or wait for its figures, instead of counting the same year on the
    # same cores (a burst on a cold dashboard, every worker's recount under load).
    # (A lock of its own per key: counting an export reads the rubric through this cache too.)
    with _lock:
        counting = _counting.setdefault((store, key), threading.Lock())
    if not counting.acquire(blocking=kept is None):  # a cold start waits for the count
        return kept.value, kept.counted_at
    try:
        fresh = _kept(cache, key)
        if fresh is None or fresh is kept:
            fresh = _Kept(compute(), utcnow(), _clock())
            with _lock:
                cache[key] = fresh
                _counting.pop((store, key), None)
    finally:
        counting.release()
    return fresh.value, fresh.counted_at


class _Kept(NamedTuple):
    value: object
    counted_at: datetime
    born: float  # _clock() when counted


def _kept(cache: TTLCache, key: Hashable) -> _Kept | None:
    with _lock:
        return cache.get(key)
