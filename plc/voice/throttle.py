"""The open links' throttle: at most N answers per client per hour, per worker, in memory.

Why in memory: the key is a keyed hash of the client's address (HMAC with the secret key),
and keeping it in the database, even hashed and apart from the responses, would be a table
of who answered when. In memory it is never written anywhere and is gone within the hour.
Each worker counts on its own (three workers let three times N through at most); the round's
cap (PLC_VOICE_ROUND_CAP) bounds the whole.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import deque

WINDOW_SECONDS = 3600
_seen: dict[str, deque] = {}
_lock = threading.Lock()


def client_key(secret: str, address: str | None, round_id: int) -> str:
    return hmac.new(secret.encode(), f"{round_id}:{address or ''}".encode(),
                    hashlib.sha256).hexdigest()


def allowed(key: str, limit: int, now: float | None = None) -> bool:
    """Whether one more answer from this client is allowed (counted when it is)."""
    now = time.monotonic() if now is None else now
    with _lock:
        if len(_seen) > 50_000:  # a flood of addresses must not grow memory without end
            _seen.clear()
        times = _seen.setdefault(key, deque())
        while times and now - times[0] > WINDOW_SECONDS:
            times.popleft()
        if len(times) >= limit:
            return False
        times.append(now)
        return True


def forget() -> None:
    """For tests: start counting again."""
    with _lock:
        _seen.clear()
