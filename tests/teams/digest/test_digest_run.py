"""Two real `coach digest run` processes at once against PostgreSQL, with Slack and Teams
subscriptions due: every channel gets its digest exactly once on its own platform (counted
at the fake Slack Web API and at the fake Bot Connector)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.services.subscriptions import Schedule, SubscriptionService
from bot.storage.db import Database
from bot.storage.subscriptions import TeamsReference
from tests.databases import PostgresSchema
from tests.fakes.bot_connector import FakeBotConnector
from tests.fakes.slack_api import FakeSlack
from tests.slack.digest.test_scheduler_processes import coach_digest_run, finished, week_of
from tests.teams.conftest import TENANT

SLACK_CHANNELS = [f"C{n:07d}" for n in range(1, 4)]
TEAMS_CHANNELS = [f"19:channel{n}@thread.tacv2" for n in range(1, 4)]


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def connector() -> Iterator[FakeBotConnector]:
    with FakeBotConnector() as fake:
        yield fake


def prepare(url: str, connector: FakeBotConnector) -> Database:
    """Subscriptions on both platforms, due today at 00:00 UTC, made a month ago."""
    database = Database.connect(url)
    database.upgrade()
    now = datetime.now(UTC)
    month_ago = now - timedelta(days=30)
    subscriptions = SubscriptionService(database, clock=lambda: month_ago)
    schedule = Schedule(weekday=now.weekday(), hour=0, minute=0)
    reference = TeamsReference(connector.service_url, TENANT, "28:bot", "19:team@thread.tacv2")
    for channel in SLACK_CHANNELS:
        subscriptions.subscribe(
            "T1", channel, schedule, scope="workspace", language="en", user="U1"
        )
    for channel in TEAMS_CHANNELS:
        subscriptions.subscribe(
            f"teams:{TENANT}",
            channel,
            schedule,
            scope="channel",
            language="it",
            user="b15a9416-0ad3-4172-9210-7beb711d3f70",
            teams=reference,
        )
    return database


@pytest.mark.postgres
def test_two_digest_runs_post_each_channel_once_on_its_platform(
    postgres_schema: PostgresSchema, slack: FakeSlack, connector: FakeBotConnector, tmp_path: Path
) -> None:
    database = prepare(postgres_schema.url, connector)
    slack.delay("chat.postMessage", 0.2)  # a slow Slack keeps both processes busy together
    # Teams in development mode (no app id): the connector gets no token, like the SDK's own.
    teams = {"COACH_TEAMS_ANONYMOUS": "true"}
    first = coach_digest_run(postgres_schema.url, slack, tmp_path, **teams)
    second = coach_digest_run(postgres_schema.url, slack, tmp_path, **teams)
    (code_a, out_a), (code_b, out_b) = finished(first), finished(second)
    try:
        assert (code_a, code_b) == (0, 0), out_a + out_b
        slack_posts = sorted(c["channel"] for c in slack.calls("chat.postMessage"))
        assert slack_posts == SLACK_CHANNELS
        teams_posts = [c for c in connector.calls if c.method == "POST"]
        assert all(c.path == "/teams/v3/conversations" for c in teams_posts)
        assert sorted(c.body["channelData"]["channel"]["id"] for c in teams_posts) == sorted(
            TEAMS_CHANNELS
        )
        assert all("authorization" not in c.headers for c in teams_posts)
        states = week_of(database)
        assert len(states) == 6 and {s.state for s in states.values()} == {"posted"}
        assert {s.attempts for s in states.values()} == {1}
    finally:
        database.dispose()
