"""Multi-workspace installs: Bolt's OAuth flow on /slack/install and /slack/oauth_redirect,
tokens in the database through slack_sdk's SQLAlchemy stores, each workspace answered with its
own token, and tokens deleted when a workspace uninstalls or revokes them."""

from __future__ import annotations

import http.client
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

from bot.config import Settings
from bot.services.factory import Services
from bot.services.subscriptions import Schedule, SubscriptionService
from bot.slack.digest.scheduling import digest_scheduler
from bot.slack.oauth import BOT_SCOPES
from bot.storage.db import Database
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import SECRET, Harness, Reply, load, running_app

CLIENT_ID = "111.222"
TOKEN_KEY = "sYl6mHr3yQW7kVQ0yJ7tHn1p7d4m0c3v9bqGj1Xh2aE="  # a fixed Fernet key for the tests


def oauth_settings(fake: FakeSlack) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        COACH_ENGINE="offline",
        SLACK_CLIENT_ID=CLIENT_ID,
        SLACK_CLIENT_SECRET="client-secret",
        COACH_TOKEN_KEYS=TOKEN_KEY,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.api_url,
        COACH_WORKERS=4,
        COACH_QUEUE_PROCESSES=0,
    )


@pytest.fixture
def database(sqlite_database: Database) -> Database:
    """SQLite here: the stores' tables are tested on PostgreSQL in tests/storage."""
    return sqlite_database


@pytest.fixture
def slack(fake: FakeSlack, services: Services, database: Database) -> Iterator[Harness]:
    with running_app(fake, services, database, oauth_settings(fake)) as harness:
        yield harness


def get(slack: Harness, path: str, **headers: str) -> Reply:
    connection = http.client.HTTPConnection("127.0.0.1", slack.port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return Reply(response.status, response.read().decode("utf-8"), dict(response.getheaders()))
    finally:
        connection.close()


def install(slack: Harness, team: str, token: str) -> None:
    page = get(slack, "/slack/install")
    assert page.status == 200
    link = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', page.body)
    assert link is not None, page.body
    query = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)
    assert query["client_id"] == [CLIENT_ID] and "files:write" in query["scope"][0]
    state = query["state"][0]
    cookie = page.headers["Set-Cookie"].split(";")[0]
    assert cookie == f"slack-app-oauth-state={state}"
    slack.fake.install(f"code-{team}", team, token)
    done = get(
        slack,
        "/slack/oauth_redirect?" + urlencode({"code": f"code-{team}", "state": state}),
        Cookie=cookie,
    )
    assert done.status == 200, done.body


def store(database: Database) -> SQLAlchemyInstallationStore:
    return SQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=database.engine)


def test_install_then_each_workspace_is_answered_with_its_own_token(
    slack: Harness, database: Database
) -> None:
    install(slack, "T777", "xoxb-t777")
    install(slack, "T888", "xoxb-t888")
    # At rest the token is encrypted (slack_sdk's own store reads ciphertext); the app's store
    # decrypts it.
    stored = store(database).find_bot(enterprise_id=None, team_id="T777")
    assert stored is not None and stored.bot_token and "xoxb" not in stored.bot_token
    assert slack.deps.installations is not None
    found = slack.deps.installations.find_bot(enterprise_id=None, team_id="T777")
    assert found is not None and found.bot_token == "xoxb-t777"

    for team, token in (("T777", "xoxb-t777"), ("T888", "xoxb-t888")):
        slack.fake.state.calls.clear()
        assert slack.command("traps", team_id=team).status == 200
        (answer,) = slack.fake.wait_for("response_url")
        assert "#5" in answer.all_text()
        lookups = slack.fake.calls("users.info") + slack.fake.calls("auth.test")
        assert lookups and {c.headers["authorization"] for c in lookups} == {f"Bearer {token}"}


def test_multi_workspace_mode_has_no_fast_lane(slack: Harness) -> None:
    # Each request's bot identity comes from the installation store: Bolt's job, not the
    # endpoint's (bot/slack/fast_lane.py takes the single workspace's from start-up).
    assert slack.lane is None


def test_a_workspace_that_never_installed_is_asked_to_install(slack: Harness) -> None:
    reply = slack.command("traps", team_id="T404")
    assert reply.status < 500
    slack.fake.wait_quiet()
    # Bolt's own answer, through the response URL; no Web API call is made for T404.
    (answer,) = slack.fake.calls("response_url")
    assert "reinstall" in answer.all_text()
    assert [c.method for c in slack.fake.calls()] == ["response_url"]


def test_a_forged_or_replayed_state_installs_nothing(slack: Harness, database: Database) -> None:
    slack.fake.install("code-x", "T666", "xoxb-t666")
    forged = get(
        slack,
        "/slack/oauth_redirect?code=code-x&state=forged",
        Cookie="slack-app-oauth-state=forged",
    )
    assert 400 <= forged.status < 500
    assert store(database).find_bot(enterprise_id=None, team_id="T666") is None


def test_the_digest_posts_with_the_workspaces_token(slack: Harness, database: Database) -> None:
    install(slack, "T777", "xoxb-t777")
    month_ago = datetime.now(UTC) - timedelta(days=30)
    today = datetime.now(UTC).weekday()
    SubscriptionService(database, clock=lambda: month_ago).subscribe(
        "T777",
        "C777",
        Schedule(weekday=today, hour=0, minute=0),
        scope="workspace",
        language="en",
        user="U1",
    )
    slack.fake.state.calls.clear()
    report = digest_scheduler(slack.deps.settings, database, slack.deps.digests).run_once()
    assert report.posted == 1
    (post,) = slack.fake.calls("chat.postMessage")
    assert post.headers["authorization"] == "Bearer xoxb-t777" and post["channel"] == "C777"


def event(slack: Harness, team: str, body: dict[str, object]) -> None:
    envelope = load("app_mention_event.json")
    envelope.update({"team_id": team, "event_id": f"Ev{body['type']}{team}", "enterprise_id": None})
    envelope["event"] = body
    assert slack.event(envelope).status == 200


def test_revoked_and_uninstalled_tokens_are_deleted(slack: Harness, database: Database) -> None:
    install(slack, "T777", "xoxb-t777")
    install(slack, "T888", "xoxb-t888")
    event(slack, "T777", {"type": "tokens_revoked", "tokens": {"bot": ["UBOT"]}, "event_ts": "1.0"})
    event(slack, "T888", {"type": "app_uninstalled", "event_ts": "1.0"})
    slack.deps.executor.shutdown(wait=True)
    bots = store(database)
    assert bots.find_bot(enterprise_id=None, team_id="T777") is None
    assert bots.find_bot(enterprise_id=None, team_id="T888") is None
    assert bots.find_installation(enterprise_id=None, team_id="T888") is None


def test_the_install_asks_for_the_manifests_scopes() -> None:
    manifest = json.loads((Path(__file__).resolve().parents[2] / "manifest.json").read_text())
    assert sorted(BOT_SCOPES) == sorted(manifest["oauth_config"]["scopes"]["bot"])
    assert "files:write" in BOT_SCOPES, "the digest uploads its chart"
