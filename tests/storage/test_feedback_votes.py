"""Votes in the database, on SQLite and PostgreSQL: the upsert keeps one row per user and
result even when two writers race, and migration 0004 collapses the duplicates of before."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from bot.storage.db import Database
from bot.storage.records import FeedbackRecord, add_feedback
from bot.storage.schema import FeedbackRow

AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def vote(user: str, rating: str, reference: str = "r1", at: datetime = AT) -> FeedbackRecord:
    return FeedbackRecord("T1", "C1", user, at, rating, "review", "en", (2,), reference)


def rows(database: Database) -> list[tuple[str, str, str]]:
    with database.transaction() as session:
        found = session.execute(select(FeedbackRow.user, FeedbackRow.reference, FeedbackRow.rating))
        return sorted((str(u), str(r), str(g)) for u, r, g in found)


def test_a_vote_is_new_changed_or_the_same(database: Database) -> None:
    assert add_feedback(database, vote("u1", "helpful")) is True
    assert add_feedback(database, vote("u1", "helpful")) is False
    assert add_feedback(database, vote("u1", "false_alarm")) is True
    assert add_feedback(database, vote("u1", "helpful", reference="r2")) is True
    assert rows(database) == [("u1", "r1", "false_alarm"), ("u1", "r2", "helpful")]


def test_writers_racing_with_the_same_vote_leave_one_row(database: Database) -> None:
    start = threading.Barrier(6)
    answers: list[bool] = []

    def write() -> None:
        start.wait()
        answers.append(add_feedback(database, vote("u1", "not_helpful")))

    writers = [threading.Thread(target=write) for _ in range(6)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(30)
    assert sorted(answers) == [False] * 5 + [True]
    assert rows(database) == [("u1", "r1", "not_helpful")]


def test_the_migration_collapses_repeated_clicks_to_the_last_vote(database: Database) -> None:
    database.downgrade("0002")
    clicks = [
        ("u1", "r1", "helpful"),
        ("u1", "r1", "helpful"),
        ("u1", "r1", "false_alarm"),  # the last click is the vote
        ("u2", "r1", "helpful"),
        ("u1", "r2", "not_helpful"),
        ("u1", "", "helpful"),  # no reference: cannot be told apart, both stay
        ("u1", "", "helpful"),
    ]
    with database.transaction() as session:
        for n, (user, reference, rating) in enumerate(clicks):
            record = vote(user, rating, reference, AT + timedelta(seconds=n))
            session.execute(
                insert(FeedbackRow).values(
                    workspace=record.workspace,
                    channel=record.channel,
                    user=record.user,
                    at=record.at,
                    rating=record.rating,
                    subject=record.subject,
                    language=record.language,
                    topics="2",
                    reference=record.reference,
                )
            )
    database.upgrade()
    assert rows(database) == [
        ("u1", "", "helpful"),
        ("u1", "", "helpful"),
        ("u1", "r1", "false_alarm"),
        ("u1", "r2", "not_helpful"),
        ("u2", "r1", "helpful"),
    ]
    assert add_feedback(database, vote("u1", "false_alarm")) is False
