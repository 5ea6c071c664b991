"""When a digest is due: from its weekday and time, in its own time zone, until that ISO week
ends; never for a week that ended, never twice for one subscribed after its time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.services.subscriptions import Schedule, UnknownTimezone, due_week, iso_week, week_index
from bot.storage.subscriptions import SubscriptionRecord

CREATED = datetime(2026, 1, 1, tzinfo=UTC)


def sub(
    weekday: int = 0,
    hour: int = 9,
    minute: int = 0,
    tz: str = "Europe/Rome",
    created: datetime = CREATED,
) -> SubscriptionRecord:
    return SubscriptionRecord(
        "T1", "C1", "workspace", weekday, hour, minute, tz, "en", "U1", created
    )


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("now", "week"),
    [
        (utc(2026, 3, 9, 7, 59), None),  # Monday 08:59 in Rome: not yet
        (utc(2026, 3, 9, 8, 0), "2026-W11"),  # Monday 09:00 in Rome: due
        (utc(2026, 3, 11, 15, 0), "2026-W11"),  # missed on Monday, still this week
        (utc(2026, 3, 15, 22, 59), "2026-W11"),  # Sunday 23:59 in Rome: the last chance
        (utc(2026, 3, 15, 23, 0), None),  # Monday 00:00 in Rome: a new week, not yet due
        (utc(2026, 3, 16, 8, 30), "2026-W12"),
    ],
)
def test_due_from_its_time_until_the_week_ends(now: datetime, week: str | None) -> None:
    assert due_week(sub(), now) == week


def test_the_week_is_the_subscriptions_own() -> None:
    # Sunday 23:30 UTC is already Monday 08:30 in Tokyo: week 12 there, not yet 09:00.
    assert due_week(sub(tz="Asia/Tokyo"), utc(2026, 3, 15, 23, 30)) is None
    assert due_week(sub(tz="Asia/Tokyo"), utc(2026, 3, 16, 0, 0)) == "2026-W12"
    # Friday 18:00 in Los Angeles is Saturday 01:00 UTC.
    friday = sub(weekday=4, hour=18, tz="America/Los_Angeles")
    assert due_week(friday, utc(2026, 3, 14, 0, 59)) is None
    assert due_week(friday, utc(2026, 3, 14, 1, 0)) == "2026-W11"


def test_a_time_skipped_by_daylight_saving_still_comes() -> None:
    # Europe/Berlin jumps from 02:00 to 03:00 on Sunday 29 March 2026.
    early = sub(weekday=6, hour=2, minute=30, tz="Europe/Berlin")
    assert due_week(early, utc(2026, 3, 29, 2, 0)) == "2026-W13"


def test_subscribed_after_this_weeks_time_starts_next_week() -> None:
    wednesday = utc(2026, 3, 11, 12, 0)
    late = sub(created=wednesday)
    assert due_week(late, wednesday + timedelta(minutes=1)) is None
    assert due_week(late, utc(2026, 3, 16, 8, 0)) == "2026-W12"
    friday = sub(weekday=4, created=wednesday)
    assert due_week(friday, utc(2026, 3, 13, 8, 0)) == "2026-W11"


def test_iso_weeks_and_their_index() -> None:
    assert iso_week(utc(2026, 1, 1)) == "2026-W01"
    assert iso_week(utc(2027, 1, 1)) == "2026-W53"
    monday, sunday = utc(2026, 3, 9), utc(2026, 3, 15, 23)
    assert week_index(monday) == week_index(sunday) == week_index(monday - timedelta(days=7)) + 1


@pytest.mark.parametrize("name", ["Mars/Olympus", "../../etc/passwd", "", "Europe/"])
def test_unknown_time_zones_are_refused(name: str) -> None:
    with pytest.raises(UnknownTimezone):
        Schedule(timezone=name)


def test_impossible_times_are_refused() -> None:
    with pytest.raises(ValueError):
        Schedule(weekday=7)
    with pytest.raises(ValueError):
        Schedule(hour=24)
