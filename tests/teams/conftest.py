"""The real Teams endpoint (aiohttp + the Agents SDK) on loopback, with tokens signed by a
local key whose JWKS is served on loopback, and replies landing in a fake Bot Connector.

Tests post activities in Teams' real shapes (tests/teams/payloads, from the shared reference)
and assert on the HTTP answer and on what the fake connector received.
"""

from __future__ import annotations

import copy
import http.client
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bot.config import Settings
from bot.observability.metrics import Metrics
from bot.services.factory import Services, build_services
from bot.storage.db import Database
from bot.teams.runner import TeamsServer, build_server
from tests.fakes.bot_connector import FakeBotConnector
from tests.fakes.teams_auth import TeamsAuth, fake_connections

PAYLOADS = Path(__file__).parent / "payloads"
CARD_SCHEMA = json.loads((Path(__file__).parent / "adaptive-card.schema.1.5.json").read_text())
APP_ID = "00000000-0000-0000-0000-0000000000b0"
TENANT = "50612dbb-0237-4969-b378-8d42590f9c00"  # the tenant of the reference payloads


def load(name: str) -> dict[str, Any]:
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


def assert_valid_card(card: dict[str, Any]) -> None:
    """Against the Adaptive Cards 1.5 schema; and Teams' version ceiling."""
    jsonschema.Draft6Validator(CARD_SCHEMA).validate(card)
    assert card["version"] == "1.5"


def teams_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "COACH_ENGINE": "offline",
        "MICROSOFT_APP_ID": APP_ID,
        "MICROSOFT_APP_PASSWORD": "not-used-the-connections-are-fake",
        "COACH_WORKERS": 4,
        "COACH_QUEUE_PROCESSES": 0,  # the reply queue's threads in the test's own process
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def services() -> Services:
    return build_services(teams_settings(), metrics=Metrics())


@dataclass
class Reply:
    status: int
    body: str
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


class TeamsClient:
    """Posts activities to the running endpoint, signed unless told otherwise."""

    def __init__(self, server: TeamsServer, auth: TeamsAuth, connector: FakeBotConnector):
        self.server, self.auth, self.connector = server, auth, connector

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> Reply:
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            text = response.read().decode("utf-8")
            return Reply(response.status, text, {k.lower(): v for k, v in response.getheaders()})
        finally:
            conn.close()

    def metrics_text(self) -> str:
        """What the metrics port would serve (the Teams port serves no /metrics)."""
        metrics = self.server.endpoint.metrics
        assert metrics is not None
        return metrics.render()[0].decode("utf-8")

    def activity(self, name: str, **changes: Any) -> dict[str, Any]:
        """A reference payload whose serviceUrl points at the fake connector."""
        activity = copy.deepcopy(load(name))
        activity["serviceUrl"] = self.connector.service_url
        activity.update(changes)
        return activity

    def post(
        self, activity: dict[str, Any] | bytes, *, token: str | None = None, signed: bool = True
    ) -> Reply:
        raw = activity if isinstance(activity, bytes) else json.dumps(activity).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        elif signed:
            headers.update(self.auth.header())
        return self.request("POST", "/api/messages", raw, headers)


@pytest.fixture
def connector() -> Iterator[FakeBotConnector]:
    with FakeBotConnector() as fake:
        yield fake


@pytest.fixture(scope="session")
def auth() -> Iterator[TeamsAuth]:
    with TeamsAuth(APP_ID) as keys, keys.installed():
        yield keys


def start_server(settings: Settings, services: Services, database: Database) -> TeamsServer:
    return build_server(
        settings,
        services,
        "127.0.0.1",
        port=0,
        connections=fake_connections(APP_ID),
        database=database,
    ).start()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return teams_settings(COACH_DATA_DIR=str(tmp_path))


@pytest.fixture
def server(
    settings: Settings, services: Services, sqlite_database: Database
) -> Iterator[TeamsServer]:
    running = start_server(settings, services, sqlite_database)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def teams(server: TeamsServer, auth: TeamsAuth, connector: FakeBotConnector) -> TeamsClient:
    return TeamsClient(server, auth, connector)
