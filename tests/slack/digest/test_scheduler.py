"""The scheduler and the Slack publisher, in process, against the fake Slack Web API and a real
database: due digests are posted once, with the chart in their thread; failures are retried
later and never doubled; a death at any step leaves nothing posted twice.

Two real processes against PostgreSQL, and a process killed mid-post, are in
test_scheduler_processes.py.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from matplotlib.image import imread
from slack_sdk.models.blocks import Block

from bot.config import Settings
from bot.core.engine import OfflineEngine
from bot.models import Digest, Finding, Review
from bot.services.digest import DigestService
from bot.services.scheduler import DigestScheduler
from bot.services.subscriptions import Schedule, SubscriptionService
from bot.services.usage import Origin, UsageService
from bot.slack.digest.post import SlackDigestPublisher, chart_filename
from bot.slack.oauth import WorkspaceClients
from bot.storage import deliveries
from bot.storage.db import Database
from bot.storage.deliveries import Claim
from tests.fakes.slack_api import Call, FakeSlack

# Monday 9 March 2026, 09:00 in Rome: the default schedule of a subscriber in Rome.
MONDAY_9 = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
LEASE = timedelta(minutes=10)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Died(BaseException):
    """The process died here (not an Exception: nothing in the scheduler catches it)."""


@dataclass
class World:
    database: Database
    fake: FakeSlack
    clock: Clock
    subscriptions: SubscriptionService
    scheduler: DigestScheduler

    def subscribe(self, channel: str = "C1", team: str = "T1", **options: Any) -> None:
        at = self.clock.now
        self.clock.now = MONDAY_9 - timedelta(days=30)
        self.subscriptions.subscribe(
            team,
            channel,
            Schedule(timezone="Europe/Rome"),
            scope=options.get("scope", "workspace"),
            language=options.get("language", "en"),
            user="U1",
        )
        self.clock.now = at

    def check(self, *traps: int, team: str = "T1", channel: str = "C1", days_ago: int = 1) -> None:
        findings = tuple(
            Finding(number=n, slug="s", confidence=0.9, evidence="x", start=0, end=1, advice="a")
            for n in traps
        )
        at = self.clock.now - timedelta(days=days_ago)
        UsageService(self.database, clock=lambda: at).checked(
            Origin(team, channel, "U1"), Review(language="en", findings=findings), "draft"
        )

    def posts(self, channel: str | None = None) -> list[Call]:
        return [
            c
            for c in self.fake.calls("chat.postMessage")
            if channel is None or c["channel"] == channel
        ]

    def delivered(self, channel: str = "C1") -> list[dict[str, Any]]:
        """Digest messages Slack holds in the channel (failed calls excluded)."""
        return [m for m in self.fake.messages(channel) if m.get("metadata")]


def settings_for(fake: FakeSlack) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        COACH_ENGINE="offline",
        SLACK_BOT_TOKEN="xoxb-digest",
        SLACK_API_URL=fake.api_url,
    )


def make_world(
    database: Database,
    fake: FakeSlack,
    engine: OfflineEngine,
    wrap: Callable[[Any], Any] = lambda p: p,
) -> World:
    clock = Clock(MONDAY_9 + timedelta(minutes=1))
    subscriptions = SubscriptionService(database, clock=clock)
    publisher = wrap(SlackDigestPublisher(WorkspaceClients(settings_for(fake))))
    scheduler = DigestScheduler(
        database,
        subscriptions,
        DigestService(database, engine.knowledge, clock=clock),
        publisher,
        lease=LEASE,
        clock=clock,
    )
    return World(database, fake, clock, subscriptions, scheduler)


@pytest.fixture
def world(sqlite_database: Database, fake: FakeSlack, engine: OfflineEngine) -> Iterator[World]:
    """SQLite: rendering and Slack behaviour do not depend on the database."""
    yield make_world(sqlite_database, fake, engine)


@pytest.fixture
def both(database: Database, fake: FakeSlack, engine: OfflineEngine) -> Iterator[World]:
    """On SQLite and PostgreSQL: what depends on the claims and their states."""
    yield make_world(database, fake, engine)


def test_a_due_digest_is_posted_once_with_its_chart_in_the_thread(both: World) -> None:
    world = both
    world.subscribe()
    world.check(5, 2)
    world.check(5)
    report = world.scheduler.run_once()
    assert (report.due, report.posted, report.failed) == (1, 1, 0)

    (post,) = world.posts()
    assert post["channel"] == "C1"
    for raw in post.blocks():
        Block.parse(raw).validate_json()  # type: ignore[union-attr]
    marker = post["metadata"]
    assert marker["event_type"] == "coach_digest"
    (state,) = deliveries.states(world.database, {"2026-W11"}).values()
    assert state.state == "posted" and state.attempts == 1
    (message,) = world.delivered()
    assert message["metadata"]["event_payload"]["digest_id"] == marker["event_payload"]["digest_id"]
    assert state.message_ts == message["ts"]

    (complete,) = world.fake.calls("files.completeUploadExternal")
    assert complete["thread_ts"] == message["ts"] and complete["channel_id"] == "C1"
    (upload,) = json.loads(complete["files"])
    assert world.fake.state.uploads[upload["id"]]["name"] == chart_filename(
        marker["event_payload"]["digest_id"]
    )
    pixels = imread(io.BytesIO(world.fake.uploaded(upload["id"])), format="png")
    assert pixels.shape[0] > 100 and pixels.shape[1] > 100

    for later in (timedelta(minutes=5), timedelta(days=2), timedelta(days=6, hours=14)):
        world.clock.now = MONDAY_9 + later
        assert world.scheduler.run_once().due == 0
    assert len(world.posts()) == 1 and len(world.fake.calls("files.completeUploadExternal")) == 1


def test_not_before_its_time_and_a_missed_one_later_that_week(world: World) -> None:
    world.subscribe()
    world.clock.now = MONDAY_9 - timedelta(minutes=1)
    assert world.scheduler.run_once().due == 0
    world.clock.now = MONDAY_9 + timedelta(days=3)  # the coach was down until Thursday
    assert world.scheduler.run_once().posted == 1
    world.clock.now = MONDAY_9 + timedelta(days=7, minutes=1)  # next Monday: next week's
    assert world.scheduler.run_once().posted == 1
    weeks = sorted(deliveries.states(world.database, {"2026-W11", "2026-W12"}))
    assert [week for _, _, week in weeks] == ["2026-W11", "2026-W12"]


def test_a_week_the_coach_missed_entirely_is_not_posted_later(world: World) -> None:
    world.subscribe()
    world.clock.now = MONDAY_9 + timedelta(days=7) - timedelta(hours=2)  # next Monday, 07:00
    assert world.scheduler.run_once().due == 0
    assert world.posts() == []


def test_a_slack_error_is_retried_later_and_never_doubled(both: World) -> None:
    world = both
    world.subscribe()
    world.fake.fail("chat.postMessage", error="internal_error")
    assert world.scheduler.run_once().failed == 1
    assert world.scheduler.run_once().due == 0, "the retry waits for its time"
    world.clock.now += timedelta(minutes=1)
    assert world.scheduler.run_once().posted == 1
    assert len(world.posts()) == 2 and len(world.delivered()) == 1
    # The outcome of the first attempt was an answer, but the retry still looked first.
    assert len(world.fake.calls("conversations.history")) == 1


def test_a_rate_limit_is_retried_after_retry_after(both: World) -> None:
    world = both
    world.subscribe()
    world.fake.fail("chat.postMessage", status=429, error="ratelimited", retry_after=300)
    assert world.scheduler.run_once().failed == 1
    world.clock.now += timedelta(minutes=4)
    assert world.scheduler.run_once().due == 0, "Retry-After (5 minutes) is honoured"
    world.clock.now += timedelta(minutes=1, seconds=1)
    assert world.scheduler.run_once().posted == 1
    assert len(world.delivered()) == 1


def test_death_after_slack_took_the_post_is_found_by_its_mark(
    database: Database, fake: FakeSlack, engine: OfflineEngine
) -> None:
    class DiesBeforeRecording:
        def __init__(self, inner: SlackDigestPublisher) -> None:
            self.inner = inner

        def publish(self, claim: Claim, digest: Digest, posted: Any, subscription: Any) -> bool:
            def die(ts: str) -> None:
                raise Died

            return self.inner.publish(claim, digest, die, subscription)

    dying = make_world(database, fake, engine, DiesBeforeRecording)
    dying.subscribe()
    dying.check(1)
    with pytest.raises(Died):
        dying.scheduler.run_once()
    assert len(dying.delivered()) == 1, "Slack has the message; the database does not know"

    restarted = make_world(database, fake, engine)
    restarted.clock.now = dying.clock.now + timedelta(minutes=5)
    assert restarted.scheduler.run_once().due == 0, "the dead process's lease still holds"
    restarted.clock.now = dying.clock.now + LEASE + timedelta(seconds=1)
    assert restarted.scheduler.run_once().posted == 1
    assert len(fake.calls("chat.postMessage")) == 1, "found by its mark, not posted again"
    assert len(fake.calls("files.completeUploadExternal")) == 1
    (state,) = deliveries.states(database, {"2026-W11"}).values()
    assert state.message_ts == restarted.delivered()[0]["ts"] and state.attempts == 2


def test_death_after_the_chart_uploads_nothing_twice(
    database: Database, fake: FakeSlack, engine: OfflineEngine
) -> None:
    class DiesBeforeFinishing:
        def __init__(self, inner: SlackDigestPublisher) -> None:
            self.inner = inner

        def publish(self, claim: Claim, digest: Digest, posted: Any, subscription: Any) -> bool:
            self.inner.publish(claim, digest, posted, subscription)
            raise Died

    dying = make_world(database, fake, engine, DiesBeforeFinishing)
    dying.subscribe()
    dying.check(3)
    with pytest.raises(Died):
        dying.scheduler.run_once()
    restarted = make_world(database, fake, engine)
    restarted.clock.now = dying.clock.now + LEASE + timedelta(seconds=1)
    assert restarted.scheduler.run_once().posted == 1
    assert len(fake.calls("chat.postMessage")) == 1
    assert len(fake.calls("files.completeUploadExternal")) == 1
    assert len(fake.calls("conversations.replies")) == 1, "the thread was searched for the chart"


def test_a_refused_chart_is_dropped_but_the_digest_stands(world: World) -> None:
    world.subscribe()
    world.check(2)
    world.fake.fail("files.getUploadURLExternal", error="missing_scope")
    assert world.scheduler.run_once().posted == 1
    world.clock.now += timedelta(hours=2)
    assert world.scheduler.run_once().due == 0
    assert len(world.delivered()) == 1 and world.fake.calls("files.completeUploadExternal") == []


def test_a_rate_limited_chart_is_retried_alone(world: World) -> None:
    world.subscribe()
    world.check(2)
    world.fake.fail("files.getUploadURLExternal", status=429, error="ratelimited", retry_after=30)
    assert world.scheduler.run_once().failed == 1
    world.clock.now += timedelta(minutes=1)
    assert world.scheduler.run_once().posted == 1
    assert len(world.posts()) == 1, "the message was recorded; only the chart was retried"
    assert len(world.fake.calls("files.completeUploadExternal")) == 1
    assert world.fake.calls("conversations.history") == []


def test_a_quiet_week_gets_a_tip_and_no_chart(world: World) -> None:
    world.subscribe(language="de")
    assert world.scheduler.run_once().posted == 1
    (post,) = world.posts()
    assert "ruhige Woche" in post.all_text() and "Tipp der Woche" in post.all_text()
    assert world.fake.calls("files.getUploadURLExternal") == []


def test_each_workspace_and_channel_scope_sees_only_its_own(world: World) -> None:
    world.subscribe("C1", "T1")
    world.subscribe("C9", "T2")
    world.subscribe("C2", "T1", scope="channel")
    world.check(1, 2, team="T1", channel="C1")
    world.check(4, team="T1", channel="C2")
    world.check(5, 5, 3, team="T2", channel="C9")
    assert world.scheduler.run_once().posted == 3

    def shown(channel: str) -> str:
        (post,) = world.posts(channel)
        return post.all_text()

    t1, t1_channel, t2 = shown("C1"), shown("C2"), shown("C9")
    assert "Drafts checked: *2*" in t1 and "#4 " in t1 and "#5 " not in t1.split("Misconception")[0]
    assert "Drafts checked: *1*" in t1_channel and "this channel only" in t1_channel
    assert "#1 " not in t1_channel.split("Misconception")[0]
    assert "Drafts checked: *1*" in t2 and "#5 " in t2 and "#1 " not in t2.split("Misconception")[0]


def test_an_unsubscribed_channel_gets_nothing(world: World) -> None:
    world.subscribe()
    world.subscriptions.unsubscribe("T1", "C1")
    assert world.scheduler.run_once().due == 0 and world.posts() == []


def test_a_workspace_without_a_token_is_retried_later(
    sqlite_database: Database, fake: FakeSlack, engine: OfflineEngine
) -> None:
    database = sqlite_database

    class NoTokens(WorkspaceClients):
        def _token(self, workspace: str, enterprise: str | None) -> str | None:
            return None

    world = make_world(
        database, fake, engine, lambda p: SlackDigestPublisher(NoTokens(p.clients.settings))
    )
    world.subscribe()
    assert world.scheduler.run_once().failed == 1
    assert fake.calls() == []
    (state,) = deliveries.states(database, {"2026-W11"}).values()
    assert state.state == "retry" and "no bot token" in (state.last_error or "")


def test_the_thread_runs_passes_until_stopped(world: World) -> None:
    world.subscribe()
    world.scheduler.interval = 0.05
    world.scheduler.start()
    try:
        world.fake.wait_for("chat.postMessage", timeout=10)
    finally:
        world.scheduler.stop()
    world.fake.wait_quiet()
    assert len(world.posts()) == 1
