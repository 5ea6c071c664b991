"""Usage and feedback rows: written as the coach works, counted for the digest, pruned.

Every read takes the workspace and filters on it: one workspace's data never reaches
another's digest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import ReturningInsert

from bot.storage.db import Database
from bot.storage.schema import (
    DedupKey,
    Delivery,
    FeedbackRow,
    RateCounter,
    SharedResult,
    Subscription,
    UsageEvent,
    UsageTrap,
)


@dataclass(frozen=True)
class UsageRecord:
    workspace: str
    channel: str
    user: str
    at: datetime
    kind: str  # "check" or "question"
    language: str
    engine: str
    traps: tuple[int, ...] = ()
    topic: int | None = None
    text: str | None = None


@dataclass(frozen=True)
class FeedbackRecord:
    workspace: str
    channel: str
    user: str
    at: datetime
    rating: str
    subject: str
    language: str
    topics: tuple[int, ...] = ()
    reference: str = ""


@dataclass(frozen=True)
class Activity:
    """What happened in one workspace (or one of its channels) in one period."""

    checks: int = 0
    checks_with_traps: int = 0
    traps: dict[int, int] = field(default_factory=dict)  # trap number -> checks that hit it
    questions: dict[int | None, int] = field(default_factory=dict)  # topic -> count
    feedback: dict[str, int] = field(default_factory=dict)  # rating -> count


def add_usage(database: Database, record: UsageRecord) -> None:
    add_usage_many(database, [record])


# Built once; executed on a Connection (not a Session), they run as plain Core statements.
_ADD_EVENTS = insert(UsageEvent).returning(UsageEvent.id, sort_by_parameter_order=True)
_ADD_TRAPS = insert(UsageTrap)


def add_usage_many(
    database: Database, records: Sequence[UsageRecord], *, durable: bool = True
) -> None:
    """The records in one transaction (`durable`: see Database.connection).

    Core statements built once, on a connection, not ORM inserts in a session: this runs for
    every reply, and the ORM's bookkeeping and the statements' compilation cost more than
    the round trips themselves."""
    if not records:
        return
    rows = [
        {
            "workspace": r.workspace,
            "channel": r.channel,
            "user": r.user,
            "at": r.at,
            "kind": r.kind,
            "language": r.language,
            "engine": r.engine,
            "topic": r.topic,
            "text": r.text,
        }
        for r in records
    ]
    with database.connection(durable=durable) as connection:
        ids = connection.execute(_ADD_EVENTS, rows).scalars().all()
        traps = [
            {"event_id": event_id, "trap": n}
            for event_id, record in zip(ids, records, strict=True)
            for n in sorted(set(record.traps))
        ]
        if traps:
            connection.execute(_ADD_TRAPS, traps)


def add_feedback(database: Database, record: FeedbackRecord) -> bool:
    """Store a vote; False if the user had cast the same vote on the same result already.

    One statement (an upsert on uq_feedback_vote), so two clicks arriving together on two
    replicas still leave one row: the database, not a read-then-write, decides.
    """
    values = {
        "workspace": record.workspace,
        "channel": record.channel,
        "user": record.user,
        "at": record.at,
        "rating": record.rating,
        "subject": record.subject,
        "language": record.language,
        "topics": ",".join(str(n) for n in record.topics),
        "reference": record.reference,
    }
    with database.transaction() as session:
        if not record.reference:
            session.execute(insert(FeedbackRow).values(**values))
            return True
        return session.execute(_vote(database.dialect, values)).first() is not None


def _vote(dialect: str, values: dict[str, object]) -> ReturningInsert[tuple[int]]:
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(FeedbackRow)
    statement = statement.values(**values)
    changed = {k: statement.excluded[k] for k in ("rating", "at", "language", "topics", "channel")}
    return statement.on_conflict_do_update(
        index_elements=[FeedbackRow.user, FeedbackRow.reference],
        index_where=FeedbackRow.reference != "",
        set_=changed,
        # The same vote again updates nothing and so returns no row: "nothing new".
        where=FeedbackRow.rating != statement.excluded.rating,
    ).returning(FeedbackRow.id)


def recent_feedback(database: Database, limit: int = 100) -> list[FeedbackRecord]:
    with database.transaction() as session:
        rows = session.scalars(select(FeedbackRow).order_by(FeedbackRow.id.desc()).limit(limit))
        found = [_feedback(row) for row in rows]
    return found[::-1]  # oldest first, like the in-memory store


def activity(
    database: Database, workspace: str, channel: str | None, start: datetime, end: datetime
) -> Activity:
    """Counts for [start, end) in `workspace`, or only in `channel` when one is given."""
    events = [
        UsageEvent.workspace == workspace,
        UsageEvent.at >= start,
        UsageEvent.at < end,
    ]
    if channel is not None:
        events.append(UsageEvent.channel == channel)
    feedback = [FeedbackRow.workspace == workspace, FeedbackRow.at >= start, FeedbackRow.at < end]
    if channel is not None:
        feedback.append(FeedbackRow.channel == channel)
    checked = (*events, UsageEvent.kind == "check")
    with database.transaction() as session:
        checks = session.scalar(select(func.count()).select_from(UsageEvent).where(*checked))
        flagged = session.scalar(
            select(func.count(func.distinct(UsageTrap.event_id))).join(UsageEvent).where(*checked)
        )
        traps = session.execute(
            select(UsageTrap.trap, func.count())
            .join(UsageEvent)
            .where(*checked)
            .group_by(UsageTrap.trap)
        )
        questions = session.execute(
            select(UsageEvent.topic, func.count())
            .where(*events, UsageEvent.kind == "question")
            .group_by(UsageEvent.topic)
        )
        ratings = session.execute(
            select(FeedbackRow.rating, func.count()).where(*feedback).group_by(FeedbackRow.rating)
        )
        return Activity(
            checks=checks or 0,
            checks_with_traps=flagged or 0,
            traps={int(n): int(c) for n, c in traps},
            questions={(int(t) if t is not None else None): int(c) for t, c in questions},
            feedback={str(r): int(c) for r, c in ratings},
        )


@dataclass(frozen=True)
class Pruned:
    usage: int
    feedback: int
    deliveries: int
    dedup_keys: int
    results: int  # rendered results for Share, past their 30 minutes
    counters: int  # rate-limit counters of windows that are over

    @property
    def total(self) -> int:
        expired = self.dedup_keys + self.results + self.counters
        return self.usage + self.feedback + self.deliveries + expired


def prune(database: Database, before: datetime, now: datetime) -> Pruned:
    """Delete usage, feedback and delivery records older than `before`, and what expired
    (de-duplication keys, results kept for Share, rate-limit counters)."""
    with database.transaction() as session:
        old = select(UsageEvent.id).where(UsageEvent.at < before)
        # Explicit, not only ON DELETE CASCADE: the rows go on every database configuration.
        session.execute(delete(UsageTrap).where(UsageTrap.event_id.in_(old)))
        usage = _count(session.execute(delete(UsageEvent).where(UsageEvent.at < before)))
        feedback = _count(session.execute(delete(FeedbackRow).where(FeedbackRow.at < before)))
        deliveries = _count(session.execute(delete(Delivery).where(Delivery.created_at < before)))
        keys = _count(session.execute(delete(DedupKey).where(DedupKey.expires_at <= now)))
        results = _count(
            session.execute(delete(SharedResult).where(SharedResult.expires_at <= now))
        )
        counters = _count(session.execute(delete(RateCounter).where(RateCounter.expires_at <= now)))
    return Pruned(usage, feedback, deliveries, keys, results, counters)


def delete_workspace(database: Database, workspace: str) -> int:
    """Every row of one workspace (after it uninstalled the app, when the settings say so)."""
    with database.transaction() as session:
        events = select(UsageEvent.id).where(UsageEvent.workspace == workspace)
        session.execute(delete(UsageTrap).where(UsageTrap.event_id.in_(events)))
        total = 0
        for model in (UsageEvent, FeedbackRow, Subscription, Delivery):
            total += _count(session.execute(delete(model).where(model.workspace == workspace)))
    return total


def _count(result: object) -> int:
    """Rows a DELETE touched (a CursorResult's rowcount; typed loosely by SQLAlchemy)."""
    return int(getattr(result, "rowcount", 0) or 0)


def _feedback(row: FeedbackRow) -> FeedbackRecord:
    return FeedbackRecord(
        workspace=row.workspace,
        channel=row.channel,
        user=row.user,
        at=row.at,
        rating=row.rating,
        subject=row.subject,
        language=row.language,
        topics=_numbers(row.topics.split(",")),
        reference=row.reference,
    )


def _numbers(values: Iterable[str]) -> tuple[int, ...]:
    return tuple(int(v) for v in values if v.strip().isdigit())
