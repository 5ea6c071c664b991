"""The claim on one channel's digest for one ISO week — how the database keeps it exactly-once.

A row per (workspace, channel, week), unique. States:

  posting  a process holds the lease (owner, lease_until) and is posting now
  retry    the last attempt failed; another may start at next_attempt_at
  posted   done; nothing will post this week's digest again
  failed   given up after too many attempts (last_error says why); nothing retries it

Claiming is one atomic statement either way: inserting the row (the first attempt; a second
process's insert finds it and does nothing) or, for an existing row, an UPDATE whose WHERE
only matches a due retry or an expired lease (of two such updates, the database lets one
match). Every later write names the owner, so a process whose lease was taken over cannot
overwrite the new owner's progress.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Executable, and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.storage.db import Database
from bot.storage.schema import TEXT_KEY, Delivery

POSTING, RETRY, POSTED, FAILED = "posting", "retry", "posted", "failed"


@dataclass(frozen=True)
class Claim:
    """A delivery this process may post now."""

    id: str  # the digest id, carried in the Slack message as the idempotency marker
    workspace: str
    channel: str
    week: str
    owner: str
    attempts: int  # 1 on the first attempt
    message_ts: str | None  # the message an earlier attempt posted, if it was recorded
    chart_done: bool
    created_at: datetime  # when the first attempt began: nothing of ours is older

    @property
    def retried(self) -> bool:
        return self.attempts > 1


@dataclass(frozen=True)
class DeliveryState:
    state: str
    lease_until: datetime | None
    next_attempt_at: datetime | None
    attempts: int
    message_ts: str | None
    last_error: str | None


def claim(
    database: Database,
    workspace: str,
    channel: str,
    week: str,
    *,
    now: datetime,
    lease: timedelta,
) -> Claim | None:
    """Take the week's delivery for this channel, or None if it is posted, being posted by a
    live owner, or waiting for its next retry."""
    owner = uuid.uuid4().hex
    where = (Delivery.workspace == workspace, Delivery.channel == channel, Delivery.week == week)
    with database.transaction() as session:
        fresh = {
            "id": uuid.uuid4().hex,
            "workspace": workspace,
            "channel": channel,
            "week": week,
            "state": POSTING,
            "owner": owner,
            "lease_until": now + lease,
            "attempts": 1,
            "chart_done": False,
            "created_at": now,
            "updated_at": now,
        }
        row = session.execute(_first_attempt(database.dialect, fresh)).first()
        if row is None:
            row = session.execute(_takeover(where, owner, now, lease)).first()
        if row is None:
            return None
        digest_id, attempts, message_ts, chart_done, created_at = row
    return Claim(
        digest_id, workspace, channel, week, owner, attempts, message_ts, chart_done, created_at
    )


_RETURNED = (
    Delivery.id,
    Delivery.attempts,
    Delivery.message_ts,
    Delivery.chart_done,
    Delivery.created_at,
)


def _first_attempt(dialect: str, fresh: dict[str, object]) -> Executable:
    """INSERT the row; if another process has it already, nothing happens (no error)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(Delivery)
        .values(fresh)
        .on_conflict_do_nothing(index_elements=["workspace", "channel", "week"])
        .returning(*_RETURNED)
    )


def _takeover(
    where: tuple[ColumnElement[bool], ...], owner: str, now: datetime, lease: timedelta
) -> Executable:
    """UPDATE the row only if its retry is due or its owner's lease has expired."""
    return (
        update(Delivery)
        .where(
            *where,
            or_(
                and_(Delivery.state == RETRY, Delivery.next_attempt_at <= now),
                and_(Delivery.state == POSTING, Delivery.lease_until < now),
            ),
        )
        .values(
            state=POSTING,
            owner=owner,
            lease_until=now + lease,
            attempts=Delivery.attempts + 1,
            updated_at=now,
        )
        .returning(*_RETURNED)
    )


def record_message(database: Database, held: Claim, ts: str, now: datetime) -> bool:
    """Slack accepted the message: remember it before anything else can fail."""
    return _update(database, held, now, message_ts=ts)


def finish(database: Database, held: Claim, now: datetime, *, chart_done: bool) -> bool:
    return _update(
        database, held, now, state=POSTED, owner=None, lease_until=None, chart_done=chart_done
    )


def fail(database: Database, held: Claim, now: datetime, retry_at: datetime, error: str) -> bool:
    return _update(
        database,
        held,
        now,
        state=RETRY,
        owner=None,
        lease_until=None,
        next_attempt_at=retry_at,
        last_error=error[:TEXT_KEY],
    )


def give_up(database: Database, held: Claim, now: datetime, error: str) -> bool:
    """The last attempt failed too: record the delivery as failed, for good."""
    return _update(
        database,
        held,
        now,
        state=FAILED,
        owner=None,
        lease_until=None,
        next_attempt_at=None,
        last_error=error[:TEXT_KEY],
    )


def states(database: Database, weeks: set[str]) -> dict[tuple[str, str, str], DeliveryState]:
    """Every delivery of the given weeks, by (workspace, channel, week)."""
    if not weeks:
        return {}
    with database.transaction() as session:
        rows = session.scalars(select(Delivery).where(Delivery.week.in_(sorted(weeks))))
        return {
            (row.workspace, row.channel, row.week): DeliveryState(
                row.state,
                row.lease_until,
                row.next_attempt_at,
                row.attempts,
                row.message_ts,
                row.last_error,
            )
            for row in rows
        }


def _update(database: Database, held: Claim, now: datetime, **values: object) -> bool:
    """Write only while this claim still owns the row (its lease was not taken over)."""
    with database.transaction() as session:
        result = session.execute(
            update(Delivery)
            .where(Delivery.id == held.id, Delivery.owner == held.owner)
            .values(updated_at=now, **values)
        )
        return bool(getattr(result, "rowcount", 0))
