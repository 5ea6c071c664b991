"""Digest subscriptions and their schedule: which channel gets a digest, when, and whether
this week's is due.

A digest belongs to an ISO week in the subscription's own time zone. It is due from its
weekday and time until that week ends, so a digest missed while the coach was down goes out
when it comes back within the same week, and never in a later one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import CoachError
from bot.models import Language
from bot.storage.db import Database
from bot.storage.subscriptions import (
    SubscriptionRecord,
    TeamsReference,
    delete_subscription,
    find_subscription,
    list_subscriptions,
    save_subscription,
)

Scope = Literal["workspace", "channel"]
DEFAULT_WEEKDAY, DEFAULT_HOUR, DEFAULT_MINUTE = 0, 9, 0  # Monday 09:00
DEFAULT_TIMEZONE = "UTC"


class UnknownTimezone(CoachError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown time zone {name!r}; use a name such as Europe/Berlin or UTC")
        self.name = name


def zone(name: str) -> ZoneInfo:
    """The IANA time zone `name` (Europe/Rome, America/New_York, UTC …)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # "../x" is a ValueError
        raise UnknownTimezone(name) from exc


@dataclass(frozen=True)
class Schedule:
    weekday: int = DEFAULT_WEEKDAY  # 0 = Monday … 6 = Sunday
    hour: int = DEFAULT_HOUR
    minute: int = DEFAULT_MINUTE
    timezone: str = DEFAULT_TIMEZONE

    def __post_init__(self) -> None:
        if not (0 <= self.weekday <= 6 and 0 <= self.hour <= 23 and 0 <= self.minute <= 59):
            raise ValueError(f"not a weekly schedule: {self}")
        zone(self.timezone)


def iso_week(moment: datetime | date) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def week_index(moment: datetime | date) -> int:
    """Consecutive ISO weeks have consecutive indexes (for rotating through things)."""
    day = moment.date() if isinstance(moment, datetime) else moment
    return (day - timedelta(days=day.weekday())).toordinal() // 7


def due_week(record: SubscriptionRecord, now: datetime) -> str | None:
    """The ISO week whose digest is due now, or None (not yet this week, or subscribed after
    this week's time: the first digest then comes next week; `preview` shows one at once)."""
    tz = zone(record.timezone)
    local = now.astimezone(tz)
    monday = local.date() - timedelta(days=local.weekday())
    slot = datetime.combine(
        monday + timedelta(days=record.weekday), time(record.hour, record.minute), tzinfo=tz
    )
    if local < slot or record.created_at > slot:
        return None
    return iso_week(local)


class SubscriptionService:
    def __init__(
        self, database: Database, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self.database = database
        self._clock = clock

    def subscribe(
        self,
        workspace: str,
        channel: str,
        schedule: Schedule,
        *,
        scope: Scope,
        language: Language,
        user: str,
        enterprise: str | None = None,
        teams: TeamsReference | None = None,
    ) -> tuple[SubscriptionRecord, bool]:
        """Subscribe the channel (or change its schedule); True if it is a new subscription.

        With `teams`, a Teams channel (the reference is what a later proactive post needs);
        without, a Slack one."""
        record = SubscriptionRecord(
            workspace=workspace,
            channel=channel,
            scope=scope,
            weekday=schedule.weekday,
            hour=schedule.hour,
            minute=schedule.minute,
            timezone=schedule.timezone,
            language=language,
            created_by=user,
            created_at=self._clock(),
            enterprise=enterprise,
            platform="teams" if teams else "slack",
            teams=teams,
        )
        return record, save_subscription(self.database, record)

    def unsubscribe(self, workspace: str, channel: str) -> bool:
        return delete_subscription(self.database, workspace, channel)

    def find(self, workspace: str, channel: str) -> SubscriptionRecord | None:
        return find_subscription(self.database, workspace, channel)

    def of_workspace(self, workspace: str) -> list[SubscriptionRecord]:
        return list_subscriptions(self.database, workspace)

    def everything(self) -> list[SubscriptionRecord]:
        """All workspaces' subscriptions: for the scheduler only."""
        return list_subscriptions(self.database)
