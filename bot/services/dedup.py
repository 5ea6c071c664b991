"""Exactly-once handling of deliveries: Slack re-delivers events it thinks were lost, and one
message can arrive as two events (app_mention and message). The transport claims every key a
delivery is known by; only the first claim wins.

Servers keep the keys in the database, so that several app processes (replicas behind a load
balancer, or a restarted one) still answer once; the in-memory store serves tests and tools.
The interface is what the transports depend on.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.storage.db import Database
from bot.storage.dedup import claim_keys, release_keys

# Slack retries for about six minutes (at once, after 1 and after 5 minutes); an hour covers
# those with a wide margin while keeping the store small.
DEFAULT_TTL_SECONDS = 3600.0


class DedupStore(Protocol):
    def claim(self, keys: Sequence[str]) -> bool:
        """Mark all `keys` as seen; True only if none of them was seen before (atomic)."""

    def release(self, keys: Sequence[str]) -> None:
        """Forget `keys` after a failed attempt, so that Slack's retry gets its chance."""


class InMemoryDedupStore:
    """One process's memory, bounded in time and size; thread-safe."""

    def __init__(
        self,
        ttl: float = DEFAULT_TTL_SECONDS,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._max_keys = max_keys
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()  # key -> expiry, oldest first
        self._lock = threading.Lock()

    def claim(self, keys: Sequence[str]) -> bool:
        if not keys:
            raise ValueError("claim needs at least one key")
        now = self._clock()
        with self._lock:
            self._expire(now)
            if any(key in self._seen for key in keys):
                return False
            for key in keys:
                self._seen[key] = now + self._ttl
            while len(self._seen) > self._max_keys:
                self._seen.popitem(last=False)
            return True

    def release(self, keys: Sequence[str]) -> None:
        with self._lock:
            for key in keys:
                self._seen.pop(key, None)

    def _expire(self, now: float) -> None:
        while self._seen:
            key, expiry = next(iter(self._seen.items()))
            if expiry > now:
                return
            del self._seen[key]


class DatabaseDedupStore:
    """The keys in the database: one claim wins across every process that shares it."""

    def __init__(
        self,
        database: Database,
        ttl: float = DEFAULT_TTL_SECONDS,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.database = database
        self._ttl = timedelta(seconds=ttl)
        self._clock = clock

    def claim(self, keys: Sequence[str]) -> bool:
        return claim_keys(self.database, keys, self._clock(), self._ttl)

    def release(self, keys: Sequence[str]) -> None:
        release_keys(self.database, keys)
