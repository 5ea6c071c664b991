"""The real Slack app, served over HTTP on loopback, talking to a fake Slack Web API.

Tests send signed requests in Slack's real shapes and assert on what the fake received.
"""

from __future__ import annotations

import http.client
import json
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from slack_sdk.signature import SignatureVerifier

from bot.config import Settings
from bot.services.ack_pressure import AckPressure
from bot.services.factory import Services, build_services
from bot.slack.app import build_app, build_deps, start_workers
from bot.slack.fast_lane import FastLane, fast_lane
from bot.slack.server import BackgroundServer, SlackEndpoint, create_server
from bot.slack.work import Deps
from bot.storage.db import Database
from tests.fakes.slack_api import Call, FakeSlack

PAYLOADS = Path(__file__).parent / "payloads"
SECRET = "test-signing-secret"


def load(name: str) -> dict[str, Any]:
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


def slack_settings(api_url: str = "http://127.0.0.1:9/api/") -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        COACH_ENGINE="offline",
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=api_url,
        COACH_WORKERS=4,
        COACH_QUEUE_PROCESSES=0,  # job threads in the test's own process
    )


@pytest.fixture(scope="session")
def services() -> Services:
    return build_services(slack_settings())


@dataclass
class Reply:
    status: int
    body: str
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Harness:
    """A running app: `command`, `event` and `interaction` send signed requests to it."""

    port: int
    fake: FakeSlack
    deps: Deps
    secret: str = SECRET
    lane: FastLane | None = None  # None: every request goes through Bolt

    def post(self, body: bytes | str, content_type: str, **headers: str) -> Reply:
        raw = body.encode("utf-8") if isinstance(body, str) else body
        sent = {"Content-Type": content_type, **headers}
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("POST", "/slack/events", body=raw, headers=sent)
            response = connection.getresponse()
            return Reply(
                response.status, response.read().decode("utf-8"), dict(response.getheaders())
            )
        finally:
            connection.close()

    def get(self, path: str) -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return Reply(
                response.status, response.read().decode("utf-8"), dict(response.getheaders())
            )
        finally:
            connection.close()

    def signed(self, body: str, timestamp: int | None = None) -> dict[str, str]:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        signature = SignatureVerifier(self.secret).generate_signature(timestamp=stamp, body=body)
        return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": str(signature)}

    def send_signed(
        self, body: str, content_type: str, retry: int | None = None, **headers: str
    ) -> Reply:
        extra = dict(headers)
        if retry is not None:
            extra |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return self.post(body, content_type, **self.signed(body), **extra)

    def command(self, text: str, **fields: str) -> Reply:
        form = {
            "token": "verification_token",
            "team_id": "T111",
            "team_domain": "test-domain",
            "channel_id": "C111",
            "channel_name": "random",
            "user_id": "W111",
            "user_name": "primary-owner",
            "command": "/coach",
            "text": text,
            "api_app_id": "A111",
            "response_url": self.fake.response_url("command"),
            "trigger_id": "111.111.xxx",
            **fields,
        }
        return self.send_signed(urlencode(form), "application/x-www-form-urlencoded")

    def event(self, envelope: dict[str, Any], retry: int | None = None) -> Reply:
        return self.send_signed(json.dumps(envelope), "application/json", retry=retry)

    def interaction(self, payload: dict[str, Any]) -> Reply:
        body = "payload=" + quote(json.dumps(payload))
        return self.send_signed(body, "application/x-www-form-urlencoded")


def mention_envelope(
    text: str,
    *,
    event_id: str = "Ev100",
    ts: str = "1700000100.000100",
    thread_ts: str | None = None,
    channel: str = "C111",
    kind: str = "app_mention",
) -> dict[str, Any]:
    envelope = load("app_mention_event.json")
    event = envelope["event"]
    event.update({"type": kind, "text": text, "ts": ts, "event_ts": ts, "channel": channel})
    if kind == "message":
        event["channel_type"] = "channel"
    if thread_ts:
        event["thread_ts"] = thread_ts
    envelope["event_id"] = event_id
    return envelope


def click(fake: FakeSlack, action_id: str, value: str) -> dict[str, Any]:
    """A click on one of the coach's buttons, answered through `fake`'s response URL "click"."""
    payload = load("block_actions.json")
    payload["actions"][0].update(
        {"action_id": action_id, "block_id": "coach_actions", "value": value}
    )
    payload["response_url"] = fake.response_url("click")
    return payload


def button(call: Call, action_id: str) -> str:
    """The value of the button `action_id` in a message the coach sent."""
    for block in call.blocks():
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return str(element["value"])
    raise AssertionError(f"no {action_id} button")


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@contextmanager
def running_app(
    fake: FakeSlack,
    services: Services,
    database: Database,
    settings: Settings | None = None,
    acks: AckPressure | None = None,
    fast: bool = True,
) -> Iterator[Harness]:
    """The real app over HTTP on a free loopback port, its Web API pointed at `fake`, its
    records in `database`; `acks`: the busy signal its job worker processes would read;
    `fast`: False sends every request through Bolt (no fast lane)."""
    settings = settings or slack_settings(fake.api_url)
    if settings.queue_url is None:  # a reply queue of its own, never another test's
        folder = tempfile.mkdtemp(prefix="coach-queue-")
        settings = settings.model_copy(update={"queue_url": f"sqlite:///{folder}/queue.db"})
    deps = build_deps(settings, services, database=database)
    app = build_app(settings, deps)
    start_workers(settings, deps)
    lane = fast_lane(app, deps) if fast else None
    endpoint = SlackEndpoint(app, SECRET, acks=acks, fast_lane=lane)
    server = BackgroundServer(create_server(endpoint, "127.0.0.1", 0, threads=4))
    server.start()
    try:
        yield Harness(server.port, fake, deps, lane=lane)
    finally:
        server.stop()
        deps.shutdown()


@pytest.fixture
def slack(fake: FakeSlack, services: Services, sqlite_database: Database) -> Iterator[Harness]:
    with running_app(fake, services, sqlite_database) as harness:
        yield harness
