"""Event de-duplication and feedback in the database: the same contracts as the in-memory
stores, now holding across processes (separate engines stand in for separate processes; the
end-to-end test with two app servers is in tests/slack/digest/test_slack_digest.py)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from bot.services.dedup import DatabaseDedupStore
from bot.services.feedback import DatabaseFeedbackStore, FeedbackService
from bot.storage.db import Database
from tests.databases import sqlite_url


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_first_claim_wins_across_any_of_its_keys(database: Database) -> None:
    store = DatabaseDedupStore(database)
    assert store.claim(["msg:C1:1.0", "event:Ev1"])
    assert not store.claim(["event:Ev1"])
    assert not store.claim(["msg:C1:1.0", "event:Ev2"])
    assert store.claim(["event:Ev2"]), "a lost claim takes none of its keys"
    assert store.claim(["msg:C1:2.0", "event:Ev3"])


def test_released_keys_can_be_claimed_again(database: Database) -> None:
    store = DatabaseDedupStore(database)
    assert store.claim(["a", "b"])
    store.release(["a", "b"])
    assert store.claim(["b"])


def test_keys_expire(database: Database) -> None:
    clock = Clock()
    store = DatabaseDedupStore(database, ttl=60, clock=clock)
    assert store.claim(["a"])
    clock.now += timedelta(seconds=59)
    assert not store.claim(["a"])
    clock.now += timedelta(seconds=2)
    assert store.claim(["a"])


def test_claim_needs_a_key(database: Database) -> None:
    with pytest.raises(ValueError):
        DatabaseDedupStore(database).claim([])


def test_one_of_many_processes_wins(database: Database) -> None:
    url = database.engine.url.render_as_string(hide_password=False)
    processes = [Database.connect(url) for _ in range(6)]
    start = threading.Barrier(len(processes))
    wins: list[bool] = []

    def claim(other: Database) -> None:
        start.wait()
        wins.append(DatabaseDedupStore(other).claim(["event:same", "msg:C1:9.0"]))

    threads = [threading.Thread(target=claim, args=(p,)) for p in processes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for other in processes:
        other.dispose()
    assert sorted(wins) == [False] * 5 + [True]


def test_feedback_is_shared_and_keeps_its_workspace(database: Database) -> None:
    at = datetime(2026, 1, 2, tzinfo=UTC)
    service = FeedbackService(DatabaseFeedbackStore(database), clock=lambda: at)
    service.record(
        "false_alarm",
        subject="review",
        user="slack:T1:U1",
        language="de",
        topics=(2, 5),
        reference="r1",
        workspace="T1",
        channel="C9",
    )
    (item,) = DatabaseFeedbackStore(database).recent()
    assert (item.rating, item.subject, item.language, item.topics, item.at) == (
        "false_alarm",
        "review",
        "de",
        (2, 5),
        at,
    )
    assert (item.workspace, item.channel, item.reference) == ("T1", "C9", "r1")


def test_recent_feedback_is_the_newest_oldest_first(tmp_path: object) -> None:
    database = Database.connect(sqlite_url(tmp_path))  # type: ignore[arg-type]
    database.upgrade()
    service = FeedbackService(DatabaseFeedbackStore(database))
    for user in ("a", "b", "c"):
        service.record("not_helpful", subject="review", user=user, language="it")
    assert [f.user for f in service.store.recent(2)] == ["b", "c"]
    database.dispose()
