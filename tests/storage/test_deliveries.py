"""The delivery claim: one owner per (workspace, channel, ISO week), handed over only when a
lease expires or a retry is due, and never after the digest was posted."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from bot.storage import deliveries
from bot.storage.db import Database

NOW = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=10)
WEEK = "2026-W11"


def claim(database: Database, at: datetime = NOW, channel: str = "C1") -> deliveries.Claim | None:
    return deliveries.claim(database, "T1", channel, WEEK, now=at, lease=LEASE)


def test_one_claim_per_channel_and_week(database: Database) -> None:
    first = claim(database)
    assert first is not None and first.attempts == 1 and not first.retried
    assert claim(database) is None, "taken while the lease holds"
    assert claim(database, channel="C2") is not None, "another channel is another delivery"
    assert deliveries.claim(database, "T2", "C1", WEEK, now=NOW, lease=LEASE) is not None
    assert deliveries.claim(database, "T1", "C1", "2026-W12", now=NOW, lease=LEASE) is not None


def test_an_expired_lease_is_taken_over_with_what_is_known(database: Database) -> None:
    first = claim(database)
    assert first is not None
    assert deliveries.record_message(database, first, "1773046800.000100", NOW)
    assert claim(database, NOW + LEASE) is None, "the lease holds until it has passed"
    second = claim(database, NOW + LEASE + timedelta(seconds=1))
    assert second is not None and second.retried
    assert (second.id, second.message_ts, second.created_at) == (
        first.id,
        "1773046800.000100",
        NOW,
    )
    assert second.owner != first.owner
    # The first owner, back from the dead, can no longer write.
    assert not deliveries.finish(database, first, NOW, chart_done=True)
    assert not deliveries.record_message(database, first, "1773046800.999999", NOW)
    assert deliveries.finish(database, second, NOW, chart_done=True)


def test_a_failed_attempt_waits_for_its_retry(database: Database) -> None:
    first = claim(database)
    assert first is not None
    retry_at = NOW + timedelta(minutes=2)
    assert deliveries.fail(database, first, NOW, retry_at, "chat.postMessage: ratelimited")
    assert claim(database, NOW + timedelta(minutes=1)) is None
    (state,) = deliveries.states(database, {WEEK}).values()
    assert (state.state, state.last_error) == ("retry", "chat.postMessage: ratelimited")
    again = claim(database, retry_at)
    assert again is not None and again.attempts == 2


def test_a_posted_digest_is_never_claimed_again(database: Database) -> None:
    first = claim(database)
    assert first is not None
    deliveries.finish(database, first, NOW, chart_done=True)
    for later in (NOW + LEASE * 2, NOW + timedelta(days=3)):
        assert claim(database, later) is None
    (state,) = deliveries.states(database, {WEEK}).values()
    assert state.state == "posted" and state.lease_until is None


def test_many_processes_racing_get_one_claim(database: Database) -> None:
    url = database.engine.url.render_as_string(hide_password=False)
    processes = [Database.connect(url) for _ in range(8)]
    start = threading.Barrier(len(processes))
    claims: list[deliveries.Claim | None] = []

    def race(other: Database) -> None:
        start.wait()
        claims.append(claim(other))

    threads = [threading.Thread(target=race, args=(p,)) for p in processes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for other in processes:
        other.dispose()
    assert len(claims) == 8
    assert sum(c is not None for c in claims) == 1


def test_racing_takeovers_of_an_expired_lease_get_one_claim(database: Database) -> None:
    assert claim(database) is not None
    later = NOW + LEASE + timedelta(seconds=1)
    url = database.engine.url.render_as_string(hide_password=False)
    processes = [Database.connect(url) for _ in range(6)]
    start = threading.Barrier(len(processes))
    claims: list[deliveries.Claim | None] = []

    def race(other: Database) -> None:
        start.wait()
        claims.append(claim(other, later))

    threads = [threading.Thread(target=race, args=(p,)) for p in processes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for other in processes:
        other.dispose()
    assert sum(c is not None for c in claims) == 1
