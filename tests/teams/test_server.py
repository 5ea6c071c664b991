"""The endpoint: signed tokens only, bad input gets a 4xx (never a 500), health and metrics."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from bot.services.factory import Services
from bot.storage.db import Database
from bot.teams.runner import TeamsServer
from tests.fakes.bot_connector import FakeBotConnector
from tests.fakes.teams_auth import TeamsAuth
from tests.teams.conftest import TENANT, TeamsClient, start_server, teams_settings

MENTION = "01-message-channel-mention.json"


def test_a_signed_mention_is_accepted_and_answered(teams: TeamsClient) -> None:
    reply = teams.post(teams.activity(MENTION))
    assert reply.status == 202
    call = teams.connector.wait_for(1)[0]
    assert call.headers["authorization"] == "Bearer fake-outbound-token"
    assert call.path.startswith("/teams/v3/conversations/19:6848757105754c8981c67612732d9aa7")


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(None, id="no header"),
        pytest.param("not-a-jwt", id="malformed"),
        pytest.param("signed_by_stranger", id="bad signature"),
        pytest.param("wrong_audience", id="wrong audience"),
        pytest.param("expired", id="expired"),
    ],
)
def test_unsigned_or_badly_signed_requests_get_401(teams: TeamsClient, token: str | None) -> None:
    auth = teams.auth
    minted = {
        None: None,
        "not-a-jwt": "not-a-jwt",
        "signed_by_stranger": auth.token(signed_by_stranger=True),
        "wrong_audience": auth.token(audience="11111111-2222-3333-4444-555555555555"),
        "expired": auth.token(lifetime=-(300 + 120)),  # past the SDK's 300 s leeway
    }[token]
    reply = teams.post(teams.activity(MENTION), token=minted, signed=minted is not None)
    assert reply.status == 401
    assert "Traceback" not in reply.body
    assert teams.connector.calls == []


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b"[1, 2, 3]", 400),
        (b'{"type": "message"}', 400),  # no conversation
        (b'{"type": 5, "conversation": {"id": "x"}}', 400),
        (b"\xff\xfe garbage", 400),
        (b"", 400),
    ],
)
def test_malformed_bodies_get_400(teams: TeamsClient, body: bytes, status: int) -> None:
    reply = teams.post(body)
    assert reply.status == status
    assert "error" in reply.json()
    assert teams.connector.calls == []


def test_a_huge_body_gets_413(teams: TeamsClient) -> None:
    activity = teams.activity(MENTION)
    activity["text"] = "x" * (2 << 20)
    reply = teams.post(activity)
    assert reply.status == 413
    assert teams.connector.calls == []


def requests_counted(teams: TeamsClient) -> dict[tuple[str, str], float]:
    found = re.findall(
        r'coach_requests_total\{kind="([^"]+)",outcome="([^"]+)"\} ([0-9.]+)',
        teams.request("GET", "/metrics").body,
    )
    return {(kind, outcome): float(value) for kind, outcome, value in found}


def test_healthz_needs_no_token_and_metrics_count_teams_requests(teams: TeamsClient) -> None:
    assert teams.request("GET", "/healthz").body == "ok"
    before = requests_counted(teams)
    teams.post(teams.activity(MENTION))
    teams.post(b"{broken")
    teams.post(teams.activity(MENTION), token="nope")
    teams.connector.wait_for(1)
    after = requests_counted(teams)
    for key in [
        ("teams.message", "ok"),
        ("teams.unreadable", "bad_request"),
        ("teams.unverified", "unauthorized"),
    ]:
        assert after[key] - before.get(key, 0.0) == 1.0, key


def test_get_on_messages_is_refused(teams: TeamsClient) -> None:
    assert teams.request("GET", "/api/messages").status == 405


@pytest.fixture
def allow_list_server(
    services: Services, sqlite_database: Database, tmp_path: object
) -> Iterator[TeamsServer]:
    settings = teams_settings(COACH_TEAMS_ALLOWED_TENANTS=f"{TENANT.upper()}, other-tenant")
    running = start_server(settings, services, sqlite_database)
    yield running
    running.stop()


def test_tenants_outside_the_allow_list_are_refused(
    allow_list_server: TeamsServer, auth: TeamsAuth, connector: FakeBotConnector
) -> None:
    client = TeamsClient(allow_list_server, auth, connector)
    assert client.post(client.activity(MENTION)).status == 202
    stranger = client.activity(MENTION)
    stranger["conversation"]["tenantId"] = "99999999-0000-0000-0000-000000000000"
    stranger["channelData"]["tenant"]["id"] = "99999999-0000-0000-0000-000000000000"
    reply = client.post(stranger)
    assert reply.status == 403
    assert connector.wait_for(1) and len(connector.sent()) == 1


@pytest.fixture
def anonymous_server(
    services: Services, sqlite_database: Database, caplog: pytest.LogCaptureFixture
) -> Iterator[TeamsServer]:
    settings = teams_settings(COACH_TEAMS_ANONYMOUS="true", MICROSOFT_APP_ID=None)
    running = start_server(settings, services, sqlite_database)
    yield running
    running.stop()


def test_anonymous_development_mode_warns_loudly_and_needs_no_token(
    anonymous_server: TeamsServer,
    auth: TeamsAuth,
    connector: FakeBotConnector,
    caplog: pytest.LogCaptureFixture,
) -> None:
    setup = caplog.get_records("setup")
    assert any("UNSIGNED" in r.getMessage() and r.levelname == "WARNING" for r in setup)
    client = TeamsClient(anonymous_server, auth, connector)
    activity = client.activity("02-message-personal.json", text="is social media free?")
    assert client.post(activity, signed=False).status == 202
    card = connector.wait_for(1)[0]
    assert "authorization" not in card.headers  # anonymous: no outbound token either
    assert json.dumps(card.body)
