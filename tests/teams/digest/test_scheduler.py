"""One scheduler, both platforms: due digests go to the fake Slack Web API and to the fake Bot
Connector exactly once each; a Teams digest is a new top-level post (a new conversation in the
channel, not a reply); a connector answering 5xx is retried and finally recorded as failed;
two schedulers racing on PostgreSQL still post each digest once."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from bot.core.engine import OfflineEngine
from bot.models import Finding, Review
from bot.services.digest import DigestService
from bot.services.scheduler import MAX_ATTEMPTS, DigestScheduler, Publishers
from bot.services.subscriptions import Schedule, SubscriptionService
from bot.services.usage import Origin, UsageService
from bot.slack.digest.post import SlackDigestPublisher
from bot.slack.oauth import WorkspaceClients
from bot.storage import deliveries
from bot.storage.db import Database
from bot.storage.subscriptions import TeamsReference
from bot.teams.digest.publisher import TeamsDigestPublisher
from tests.databases import PostgresSchema
from tests.fakes.bot_connector import Call, FakeBotConnector
from tests.fakes.slack_api import FakeSlack
from tests.fakes.teams_auth import OUTBOUND_TOKEN, fake_connections
from tests.slack.digest.test_scheduler import LEASE, MONDAY_9, Clock, settings_for
from tests.teams.conftest import APP_ID, TENANT, assert_valid_card

WORKSPACE = f"teams:{TENANT}"
CHANNEL = "19:6848757105754c8981c67612732d9aa7@thread.tacv2"
BOT = f"28:{APP_ID}"
WEEK = "2026-W11"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def connector() -> Iterator[FakeBotConnector]:
    with FakeBotConnector() as fake:
        yield fake


@dataclass
class World:
    database: Database
    clock: Clock
    subscriptions: SubscriptionService
    scheduler: DigestScheduler
    connector: FakeBotConnector

    def subscribe_teams(self, channel: str = CHANNEL) -> None:
        self._subscribe(
            WORKSPACE,
            channel,
            TeamsReference(self.connector.service_url, TENANT, BOT, "19:team@thread.tacv2"),
        )

    def subscribe_slack(self, channel: str = "C1") -> None:
        self._subscribe("T1", channel, None)

    def _subscribe(self, workspace: str, channel: str, teams: TeamsReference | None) -> None:
        at, self.clock.now = self.clock.now, MONDAY_9 - timedelta(days=30)
        self.subscriptions.subscribe(
            workspace,
            channel,
            Schedule(timezone="Europe/Rome"),
            scope="workspace",
            language="de",
            user="U1",
            teams=teams,
        )
        self.clock.now = at

    def check(self, workspace: str, channel: str, *traps: int) -> None:
        findings = tuple(
            Finding(number=n, slug="s", confidence=0.9, evidence="x", start=0, end=1, advice="a")
            for n in traps
        )
        at = self.clock.now - timedelta(days=1)
        UsageService(self.database, clock=lambda: at).checked(
            Origin(workspace, channel, "U1"), Review(language="de", findings=findings), "draft"
        )

    def teams_posts(self) -> list[Call]:
        return [c for c in self.connector.calls if c.method == "POST" and c.status < 400]


def make_world(
    database: Database,
    slack: FakeSlack,
    connector: FakeBotConnector,
    engine: OfflineEngine,
    **publishers: Any,
) -> World:
    clock = Clock(MONDAY_9 + timedelta(minutes=1))
    subscriptions = SubscriptionService(database, clock=clock)
    found = {
        "slack": SlackDigestPublisher(WorkspaceClients(settings_for(slack))),
        "teams": TeamsDigestPublisher(fake_connections(APP_ID)),
    }
    found.update(publishers)
    scheduler = DigestScheduler(
        database,
        subscriptions,
        DigestService(database, engine.knowledge, clock=clock),
        Publishers({k: v for k, v in found.items() if v is not None}),
        lease=LEASE,
        clock=clock,
    )
    return World(database, clock, subscriptions, scheduler, connector)


def test_both_platforms_get_their_digest_once_and_teams_a_new_post(
    database: Database, slack: FakeSlack, connector: FakeBotConnector, engine: OfflineEngine
) -> None:
    world = make_world(database, slack, connector, engine)
    world.subscribe_slack()
    world.subscribe_teams()
    world.check("T1", "C1", 1)
    world.check(WORKSPACE, CHANNEL, 5)
    world.check(WORKSPACE, CHANNEL, 5, 2)

    report = world.scheduler.run_once()
    assert (report.due, report.posted, report.failed) == (2, 2, 0)
    assert len(slack.calls("chat.postMessage")) == 1
    (post,) = world.teams_posts()
    # A new conversation in the channel (a new thread), never a reply to an old activity.
    assert post.path == "/teams/v3/conversations"
    assert post.headers["authorization"] == f"Bearer {OUTBOUND_TOKEN}"
    body = post.body
    assert body["isGroup"] is True and body["bot"] == {"id": BOT} and body["tenantId"] == TENANT
    assert body["channelData"]["channel"] == {"id": CHANNEL}
    (card,) = [a["content"] for a in body["activity"]["attachments"]]
    assert_valid_card(card)
    assert card["lang"] == "de" and any(b["type"] == "Image" for b in card["body"])
    assert "#5" in str(card) and "2 (▲ +2)" in str(card), "this tenant's two trap-5 findings"

    states = deliveries.states(database, {WEEK})
    teams_state = states[(WORKSPACE, CHANNEL, WEEK)]
    assert teams_state.state == "posted" and teams_state.message_ts == "activity-1"
    assert states[("T1", "C1", WEEK)].state == "posted"

    world.clock.now += timedelta(hours=3)
    assert world.scheduler.run_once().due == 0, "posted is posted"
    assert len(world.teams_posts()) == 1 and len(slack.calls("chat.postMessage")) == 1

    world.clock.now += timedelta(days=7)
    assert world.scheduler.run_once().posted == 2, "next week: a new post on both"
    assert [c.path for c in world.teams_posts()] == ["/teams/v3/conversations"] * 2


def test_a_connector_answering_5xx_is_retried_then_recorded_as_failed(
    sqlite_database: Database,
    slack: FakeSlack,
    connector: FakeBotConnector,
    engine: OfflineEngine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    world = make_world(sqlite_database, slack, connector, engine)
    world.subscribe_teams()
    connector.fail(503, times=MAX_ATTEMPTS + 5)
    attempts = 0
    with caplog.at_level(logging.WARNING, logger="bot.services.scheduler"):
        for _ in range(MAX_ATTEMPTS + 3):
            attempts += world.scheduler.run_once().due
            world.clock.now += timedelta(hours=1, seconds=1)  # past the longest backoff
    assert attempts == MAX_ATTEMPTS, "retried, then given up: no attempt after the last"
    assert len(connector.calls) == MAX_ATTEMPTS and world.teams_posts() == []
    state = deliveries.states(sqlite_database, {WEEK})[(WORKSPACE, CHANNEL, WEEK)]
    assert state.state == "failed" and "HTTP 503" in (state.last_error or "")
    assert state.attempts == MAX_ATTEMPTS
    errors = [
        r
        for r in caplog.records
        if r.levelno == logging.ERROR and r.name == "bot.services.scheduler"
    ]
    assert len(errors) == 1 and "recorded as failed" in errors[0].getMessage()


def test_a_connector_that_recovers_gets_the_digest_once(
    sqlite_database: Database, slack: FakeSlack, connector: FakeBotConnector, engine: OfflineEngine
) -> None:
    world = make_world(sqlite_database, slack, connector, engine)
    world.subscribe_teams()
    connector.fail(502, times=2)
    assert world.scheduler.run_once().failed == 1
    world.clock.now += timedelta(seconds=30)
    assert world.scheduler.run_once().due == 0, "the retry waits for its backoff"
    world.clock.now += timedelta(minutes=1)
    assert world.scheduler.run_once().failed == 1
    world.clock.now += timedelta(minutes=2, seconds=1)
    assert world.scheduler.run_once().posted == 1
    assert len(world.teams_posts()) == 1
    state = deliveries.states(sqlite_database, {WEEK})[(WORKSPACE, CHANNEL, WEEK)]
    assert (state.state, state.attempts) == ("posted", 3)


def test_a_refusal_and_a_missing_publisher_are_failures_not_silence(
    sqlite_database: Database, slack: FakeSlack, connector: FakeBotConnector, engine: OfflineEngine
) -> None:
    world = make_world(sqlite_database, slack, connector, engine)
    world.subscribe_teams()
    connector.fail(403)
    assert world.scheduler.run_once().failed == 1
    state = deliveries.states(sqlite_database, {WEEK})[(WORKSPACE, CHANNEL, WEEK)]
    assert state.state == "retry" and "HTTP 403" in (state.last_error or "")

    slack_only = make_world(sqlite_database, slack, connector, engine, teams=None)
    slack_only.clock.now = world.clock.now + timedelta(minutes=5)
    assert slack_only.scheduler.run_once().failed == 1
    state = deliveries.states(sqlite_database, {WEEK})[(WORKSPACE, CHANNEL, WEEK)]
    assert "no teams publisher" in (state.last_error or "")


@pytest.mark.postgres
def test_two_schedulers_on_postgresql_post_each_digest_once(
    postgres_schema: PostgresSchema,
    slack: FakeSlack,
    connector: FakeBotConnector,
    engine: OfflineEngine,
) -> None:
    first_db, second_db = (Database.connect(postgres_schema.url) for _ in range(2))
    first_db.upgrade()
    first = make_world(first_db, slack, connector, engine)
    second = make_world(second_db, slack, connector, engine)
    channels = [f"19:channel{n}@thread.tacv2" for n in range(5)]
    for n, channel in enumerate(channels):
        first.subscribe_teams(channel)
        first.subscribe_slack(f"C{n:07d}")
    slack.delay("chat.postMessage", 0.1)  # a slow Slack keeps both schedulers busy together
    start = threading.Barrier(2)
    reports = []

    def run(world: World) -> None:
        start.wait()
        reports.append(world.scheduler.run_once())

    threads = [threading.Thread(target=run, args=(w,)) for w in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        assert sum(r.posted for r in reports) == 10 and sum(r.failed for r in reports) == 0
        posted_to = sorted(c.body["channelData"]["channel"]["id"] for c in first.teams_posts())
        assert posted_to == sorted(channels), "each Teams channel once"
        slack_channels = sorted(c["channel"] for c in slack.calls("chat.postMessage"))
        assert slack_channels == [f"C{n:07d}" for n in range(5)], "each Slack channel once"
        states = deliveries.states(first_db, {WEEK})
        assert len(states) == 10 and {s.attempts for s in states.values()} == {1}
    finally:
        first_db.dispose()
        second_db.dispose()
