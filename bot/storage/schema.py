"""The coach's tables (SQLAlchemy 2 declarative models). The migrations create them; a test
proves the migrated database and these models agree, on SQLite and on PostgreSQL.

Privacy: usage rows hold who, where, when and what the coach found — never the text, unless
COACH_STORE_TEXT is true. Every usage, feedback and digest row carries its workspace, and every
query of them filters on it. The shared state of replicas (results waiting for Share, rate-limit
counters) is found by an unguessable reference or a caller's key, and expires within an hour.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite has no 64-bit autoincrement under the name BIGINT; INTEGER is its rowid.
Id = BigInteger().with_variant(Integer(), "sqlite")
# Slack ids (T…, C…, U…) are short, Teams' are not: a channel is "19:…@thread.tacv2" (about
# 50 characters), a 1:1 chat "a:…" well over 100, tenants and users are 36-character GUIDs.
ID_LENGTH = 255
SHORT_ID = 32  # ids we make ourselves (uuid4 hex)
TEXT_KEY = 200
URL_LENGTH = 512


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on every database.

    Stored as naive UTC: SQLite has no time zones, and one representation everywhere keeps
    comparisons and the migrations identical across databases.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # SQLite through raw SQL
            value = datetime.fromisoformat(value)
        moment: datetime = value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class UsageEvent(Base):
    """One check or question answered, in some workspace and channel."""

    __tablename__ = "usage_events"
    __table_args__ = (Index("ix_usage_events_workspace_at", "workspace", "at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    workspace: Mapped[str] = mapped_column(String(ID_LENGTH))
    channel: Mapped[str] = mapped_column(String(ID_LENGTH), default="")
    user: Mapped[str] = mapped_column(String(ID_LENGTH), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(16))  # "check" or "question"
    language: Mapped[str] = mapped_column(String(8))
    topic: Mapped[int | None] = mapped_column(SmallInteger)  # a question's misconception
    engine: Mapped[str] = mapped_column(String(16))  # "offline" or "llm"
    text: Mapped[str | None] = mapped_column(Text)  # only with COACH_STORE_TEXT=true


class UsageTrap(Base):
    """A trap a check flagged: one row per trap number, so counting is a GROUP BY."""

    __tablename__ = "usage_traps"

    event_id: Mapped[int] = mapped_column(
        Id, ForeignKey("usage_events.id", ondelete="CASCADE"), primary_key=True
    )
    trap: Mapped[int] = mapped_column(SmallInteger, primary_key=True)


class FeedbackRow(Base):
    __tablename__ = "feedback"
    __table_args__ = (
        Index("ix_feedback_workspace_at", "workspace", "at"),
        # One vote per user and result: the upsert in records.py relies on this index. Rows
        # without a reference (from before buttons carried one) cannot be told apart.
        Index(
            "uq_feedback_vote",
            "user",
            "reference",
            unique=True,
            sqlite_where=text("reference <> ''"),
            postgresql_where=text("reference <> ''"),
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    workspace: Mapped[str] = mapped_column(String(ID_LENGTH))
    channel: Mapped[str] = mapped_column(String(ID_LENGTH), default="")
    user: Mapped[str] = mapped_column(String(TEXT_KEY))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    rating: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    topics: Mapped[str] = mapped_column(String(64), default="")  # "2,5"
    reference: Mapped[str] = mapped_column(String(64), default="")


class DedupKey(Base):
    """A delivery already handled (event id, channel + ts); shared by every app process."""

    __tablename__ = "dedup_keys"

    key: Mapped[str] = mapped_column(String(TEXT_KEY), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class Subscription(Base):
    """A channel's weekly digest: when (weekday, time, zone), what (workspace or channel), and
    on which platform.

    A Slack row needs nothing more (the bot token comes from the installation store). A Teams
    row keeps what a proactive post needs, because the bot can only reach a channel through the
    Bot Connector that sent it the subscribing message: that connector's `service_url`, the
    `tenant`, the `team`, and the bot's own id (`bot_id`, "28:<app id>"). `workspace` is the
    Teams tenant; `channel` is the channel's conversation id without any ";messageid=" suffix.
    """

    __tablename__ = "digest_subscriptions"
    __table_args__ = (UniqueConstraint("workspace", "channel", name="uq_subscription_channel"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    workspace: Mapped[str] = mapped_column(String(ID_LENGTH))
    enterprise: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    channel: Mapped[str] = mapped_column(String(ID_LENGTH))
    scope: Mapped[str] = mapped_column(String(16))  # "workspace" or "channel"
    weekday: Mapped[int] = mapped_column(SmallInteger)  # 0 = Monday
    hour: Mapped[int] = mapped_column(SmallInteger)
    minute: Mapped[int] = mapped_column(SmallInteger)
    timezone: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    created_by: Mapped[str] = mapped_column(String(ID_LENGTH), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    platform: Mapped[str] = mapped_column(String(16), default="slack", server_default="slack")
    service_url: Mapped[str | None] = mapped_column(String(URL_LENGTH))
    tenant: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    team: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    bot_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))


class Delivery(Base):
    """The claim on one channel's digest for one ISO week: the database is the arbiter.

    The unique (workspace, channel, week) row is taken by exactly one process; its lease
    lets another take over when the first dies; `message_ts` is recorded as soon as Slack
    accepted the post, and the message itself carries `id` so a death in between is found.
    """

    __tablename__ = "digest_deliveries"
    __table_args__ = (
        UniqueConstraint("workspace", "channel", "week", name="uq_delivery_week"),
        Index("ix_digest_deliveries_state", "state", "week"),
    )

    id: Mapped[str] = mapped_column(String(SHORT_ID), primary_key=True)  # the digest id
    workspace: Mapped[str] = mapped_column(String(ID_LENGTH))
    channel: Mapped[str] = mapped_column(String(ID_LENGTH))
    week: Mapped[str] = mapped_column(String(8))  # "2026-W10"
    state: Mapped[str] = mapped_column(String(16))  # posting, retry, posted, failed
    owner: Mapped[str | None] = mapped_column(String(SHORT_ID))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    message_ts: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    chart_done: Mapped[bool] = mapped_column(Boolean, default=False)
    last_error: Mapped[str | None] = mapped_column(String(TEXT_KEY))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SharedResult(Base):
    """A rendered result waiting for its Share button, for whichever replica gets the click.

    Kept as long as a response_url lives (30 minutes); `message` is the Slack message as JSON
    text, `reference` the random id its button carries.
    """

    __tablename__ = "shared_results"

    reference: Mapped[str] = mapped_column(String(64), primary_key=True)
    message: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class RateCounter(Base):
    """LLM-backed requests of one user or workspace in one fixed window, shared by replicas."""

    __tablename__ = "rate_counters"

    scope: Mapped[str] = mapped_column(String(16), primary_key=True)  # "user" or "workspace"
    key: Mapped[str] = mapped_column(String(TEXT_KEY), primary_key=True)  # e.g. "slack:T1:U2"
    window_start: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
