"""Digest subscriptions: one per channel of a workspace (a Slack team or a Teams tenant)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import delete, select

from bot.models import LANGUAGES, Language
from bot.storage.db import Database
from bot.storage.schema import Subscription

Platform = Literal["slack", "teams"]
PLATFORMS: tuple[Platform, ...] = ("slack", "teams")


@dataclass(frozen=True)
class TeamsReference:
    """What a proactive post to a Teams channel needs besides the channel id."""

    service_url: str  # the Bot Connector that serves this tenant, as the activity named it
    tenant: str
    bot_id: str  # "28:<app id>", the bot's account in the conversation
    team: str | None = None


@dataclass(frozen=True)
class SubscriptionRecord:
    workspace: str
    channel: str
    scope: str  # "workspace" or "channel"
    weekday: int  # 0 = Monday
    hour: int
    minute: int
    timezone: str
    language: Language
    created_by: str
    created_at: datetime
    enterprise: str | None = None
    platform: Platform = "slack"
    teams: TeamsReference | None = None  # set exactly when platform == "teams"


def save_subscription(database: Database, record: SubscriptionRecord) -> bool:
    """Create the channel's subscription or replace its schedule; True if it is new."""
    with database.transaction() as session:
        found = session.scalar(
            select(Subscription).where(
                Subscription.workspace == record.workspace,
                Subscription.channel == record.channel,
            )
        )
        if found is None:
            session.add(Subscription(**_columns(record)))
            return True
        # A changed schedule counts from now: the week's digest is not re-sent because of it.
        for name, value in _columns(record).items():
            setattr(found, name, value)
        return False


def delete_subscription(database: Database, workspace: str, channel: str) -> bool:
    with database.transaction() as session:
        result = session.execute(
            delete(Subscription).where(
                Subscription.workspace == workspace, Subscription.channel == channel
            )
        )
        return bool(getattr(result, "rowcount", 0))


def find_subscription(
    database: Database, workspace: str, channel: str
) -> SubscriptionRecord | None:
    with database.transaction() as session:
        found = session.scalar(
            select(Subscription).where(
                Subscription.workspace == workspace, Subscription.channel == channel
            )
        )
        return _record(found) if found else None


def list_subscriptions(
    database: Database, workspace: str | None = None
) -> list[SubscriptionRecord]:
    """One workspace's subscriptions, or (for the scheduler, workspace=None) all of them."""
    query = select(Subscription).order_by(Subscription.workspace, Subscription.channel)
    if workspace is not None:
        query = query.where(Subscription.workspace == workspace)
    with database.transaction() as session:
        return [_record(row) for row in session.scalars(query)]


def _columns(record: SubscriptionRecord) -> dict[str, object]:
    return {
        "workspace": record.workspace,
        "enterprise": record.enterprise,
        "channel": record.channel,
        "scope": record.scope,
        "weekday": record.weekday,
        "hour": record.hour,
        "minute": record.minute,
        "timezone": record.timezone,
        "language": record.language,
        "created_by": record.created_by,
        "created_at": record.created_at,
        "platform": record.platform,
        "service_url": record.teams.service_url if record.teams else None,
        "tenant": record.teams.tenant if record.teams else None,
        "team": record.teams.team if record.teams else None,
        "bot_id": record.teams.bot_id if record.teams else None,
    }


def _record(row: Subscription) -> SubscriptionRecord:
    return SubscriptionRecord(
        workspace=row.workspace,
        enterprise=row.enterprise,
        channel=row.channel,
        scope=row.scope,
        weekday=row.weekday,
        hour=row.hour,
        minute=row.minute,
        timezone=row.timezone,
        # A language the coach no longer speaks falls back to English rather than failing.
        language=row.language if row.language in LANGUAGES else "en",
        created_by=row.created_by,
        created_at=row.created_at,
        platform="teams" if row.platform == "teams" else "slack",
        teams=_reference(row),
    )


def _reference(row: Subscription) -> TeamsReference | None:
    if row.platform != "teams" or not (row.service_url and row.tenant and row.bot_id):
        return None
    return TeamsReference(row.service_url, row.tenant, row.bot_id, row.team)
