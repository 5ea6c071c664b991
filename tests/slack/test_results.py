"""Results kept for Share: in the shared database for 30 minutes, in this process's memory
only while the database cannot be reached. With real databases, no fakes of our own code."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.slack.blocks import Message
from bot.slack.results import ResultCache, SharedResults, new_reference
from bot.storage.db import Database
from bot.storage.schema import SharedResult

UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:1/none"  # loopback; nothing listens
MESSAGE = Message(text="Grüße <!here>", blocks=[{"type": "section", "text": {"type": "mrkdwn"}}])


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def kept(database: Database) -> int:
    with database.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(SharedResult)) or 0)


def test_references_are_long_random_and_never_repeat() -> None:
    references = {new_reference() for _ in range(1000)}
    assert len(references) == 1000
    assert all(len(r) == 32 and int(r, 16) >= 0 for r in references)


def test_a_result_is_found_by_another_process_for_thirty_minutes(database: Database) -> None:
    clock = Clock()
    url = database.engine.url.render_as_string(hide_password=False)
    other = Database.connect(url)
    try:
        SharedResults(database, clock=clock).put("ref", MESSAGE)
        reader = SharedResults(other, clock=clock)
        assert reader.get("ref") == MESSAGE
        clock.now += timedelta(minutes=29, seconds=59)
        assert reader.get("ref") == MESSAGE
        clock.now += timedelta(seconds=1)
        assert reader.get("ref") is None
        assert reader.get("never-kept") is None
    finally:
        other.dispose()


def test_writers_sweep_expired_results_about_once_a_minute(sqlite_database: Database) -> None:
    clock = Clock()
    results = SharedResults(sqlite_database, clock=clock)
    results.put("a", MESSAGE)  # expires at 30:00
    clock.now += timedelta(minutes=31)
    results.put("b", MESSAGE)  # a minute since the last sweep: "a" goes; "b" expires at 61:00
    assert kept(sqlite_database) == 1
    clock.now += timedelta(seconds=30)
    results.put("c", MESSAGE)  # expires at 61:30
    clock.now += timedelta(minutes=29, seconds=40)
    results.put("d", MESSAGE)  # 61:10: "b" goes
    clock.now += timedelta(seconds=30)
    results.put("e", MESSAGE)  # 61:40: "c" expired, but the last sweep was 30 s ago
    assert kept(sqlite_database) == 3
    assert results.get("c") is None, "an expired result is never returned"
    clock.now += timedelta(seconds=30)
    results.put("f", MESSAGE)  # 62:10: "c" goes
    with sqlite_database.transaction() as session:
        assert sorted(session.scalars(select(SharedResult.reference))) == ["d", "e", "f"]


def test_without_the_database_results_stay_in_this_process(
    caplog: pytest.LogCaptureFixture,
) -> None:
    database = Database.connect(UNREACHABLE)
    try:
        results = SharedResults(database)
        with caplog.at_level(logging.WARNING, logger="bot.services.outage"):
            results.put("one", MESSAGE)
            results.put("two", MESSAGE)
            assert results.get("one") == MESSAGE and results.get("two") == MESSAGE
        assert results.get("three") is None
        assert caplog.text.count("results for Share kept in this process") == 1
    finally:
        database.dispose()


def test_the_memory_store_forgets_after_its_time_and_beyond_its_size() -> None:
    now = [0.0]
    cache = ResultCache(ttl=60, capacity=2, clock=lambda: now[0])
    for reference in ("a", "b", "c"):
        cache.put(reference, MESSAGE)
    assert cache.get("a") is None and cache.get("c") == MESSAGE
    now[0] = 61
    assert cache.get("c") is None
