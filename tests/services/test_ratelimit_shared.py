"""The LLM limits counted in the database: replicas (separate engines on one database) spend
from one budget, concurrent requests never pass it, and an unreachable database falls back to
this process's limiter. On SQLite and on the real PostgreSQL."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.services.ratelimit import Caller, RateLimiter
from bot.services.ratelimit_shared import DatabaseRateLimiter, FallbackRateLimiter
from bot.storage.db import Database

ALICE = Caller("slack:T1:UALICE", "slack:T1")
BOB = Caller("slack:T1:UBOB", "slack:T1")
CAROL = Caller("slack:T2:UCAROL", "slack:T2")
UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:1/none"  # loopback; nothing listens


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def replicas(database: Database) -> Iterator[list[Database]]:
    """Four more engines on the same database: what four replicas would hold."""
    url = database.engine.url.render_as_string(hide_password=False)
    engines = [Database.connect(url) for _ in range(4)]
    yield engines
    for engine in engines:
        engine.dispose()


def test_two_limiters_on_one_database_share_both_limits(replicas: list[Database]) -> None:
    clock = Clock(datetime(2026, 3, 9, 10, 20, tzinfo=UTC))
    first, second = (DatabaseRateLimiter(r, 2, 3, clock=clock) for r in replicas[:2])
    assert first.acquire(ALICE).allowed and first.acquire(ALICE).allowed
    refused = second.acquire(ALICE)
    assert (refused.allowed, refused.scope, refused.retry_after) == (False, "user", 40 * 60)
    assert second.acquire(BOB).allowed  # the workspace's third request
    over = first.acquire(BOB)
    assert (over.allowed, over.scope) == (False, "workspace")
    assert second.acquire(CAROL).allowed  # another workspace is untouched


def test_concurrent_requests_on_every_replica_never_pass_the_limit(
    replicas: list[Database],
) -> None:
    limiters = [DatabaseRateLimiter(r, per_user=5, per_workspace=100) for r in replicas]
    # One request first, so the rest race on raising an existing counter, not on creating it.
    assert limiters[0].acquire(ALICE).allowed
    start = threading.Barrier(24)
    allowed: list[bool] = []

    def ask(n: int) -> None:
        start.wait()
        allowed.append(limiters[n % len(limiters)].acquire(ALICE).allowed)

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(allowed) == 24 and allowed.count(True) == 4


def test_the_budget_comes_back_with_the_next_hour(database: Database) -> None:
    clock = Clock(datetime(2026, 3, 9, 10, 59, 30, tzinfo=UTC))
    limiter = DatabaseRateLimiter(database, per_user=1, per_workspace=0, clock=clock)
    assert limiter.acquire(ALICE).allowed
    refused = limiter.acquire(ALICE)
    assert refused.retry_after == 30 and refused.note("en").endswith("in about 1 min.")
    clock.now += timedelta(seconds=30)
    assert limiter.acquire(ALICE).allowed


def test_zero_turns_a_limit_off(database: Database) -> None:
    only_workspace = DatabaseRateLimiter(database, per_user=0, per_workspace=2)
    assert [only_workspace.acquire(ALICE).allowed for _ in range(3)] == [True, True, False]
    none = DatabaseRateLimiter(database, per_user=0, per_workspace=0)
    assert not none.active
    assert all(none.acquire(BOB).allowed for _ in range(50))


def test_an_unreachable_database_falls_back_to_this_process(
    caplog: pytest.LogCaptureFixture,
) -> None:
    database = Database.connect(UNREACHABLE)
    try:
        limiter = FallbackRateLimiter(
            DatabaseRateLimiter(database, 1, 0), RateLimiter(per_user=1, per_workspace=0)
        )
        with caplog.at_level(logging.WARNING, logger="bot.services.outage"):
            assert limiter.acquire(ALICE).allowed, "never refused because of our database"
            assert limiter.acquire(ALICE).scope == "user"  # this process still counts
            assert limiter.acquire(BOB).allowed
        assert caplog.text.count("LLM limits counted in this process") == 1
    finally:
        database.dispose()
