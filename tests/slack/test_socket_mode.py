"""Socket Mode delivers the same payloads over a WebSocket, unsigned; the same listeners answer.

The envelopes are Slack's own (from the SDK's mock Socket Mode server); Bolt's Socket Mode
adapter hands their `payload` to App.dispatch with mode="socket_mode", as done here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_bolt import App, BoltRequest

from bot.services.factory import Services
from bot.slack.app import build_app, build_deps, start_workers
from bot.slack.work import Deps
from bot.storage.db import Database
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import load, slack_settings


@pytest.fixture
def socket_app(
    fake: FakeSlack, services: Services, sqlite_database: Database, tmp_path: Path
) -> Iterator[tuple[App, Deps]]:
    settings = slack_settings(fake.api_url).model_copy(
        update={"slack_signing_secret": None, "queue_url": f"sqlite:///{tmp_path}/queue.db"}
    )
    deps = build_deps(settings, services, database=sqlite_database)
    try:
        app = build_app(settings, deps)
        start_workers(settings, deps)
        yield app, deps
    finally:
        deps.shutdown()


def test_slash_command_envelope(socket_app: tuple[App, Deps], fake: FakeSlack) -> None:
    app, _ = socket_app
    payload = load("socket_mode_envelope_slash_command.json")["payload"]
    payload.update({"command": "/coach", "text": "traps", "response_url": fake.response_url("sm")})
    response = app.dispatch(BoltRequest(body=payload, mode="socket_mode"))
    assert response.status == 200
    (reply,) = fake.wait_for("response_url")
    assert reply["response_type"] == "ephemeral" and "#5" in reply.all_text()


def test_app_mention_envelope_with_a_retry_header(
    socket_app: tuple[App, Deps], fake: FakeSlack
) -> None:
    app, _ = socket_app
    envelope = load("socket_mode_envelope_app_mention.json")
    envelope["payload"]["event"]["text"] = "<@UBOT> is social media only for marketing?"
    for attempt in (0, 1):
        headers = {"x-slack-retry-num": [str(attempt)]} if attempt else {}
        request = BoltRequest(body=envelope["payload"], mode="socket_mode", headers=headers)
        assert app.dispatch(request).status == 200
    (reply,) = fake.wait_for("chat.postMessage")
    assert reply["thread_ts"] == envelope["payload"]["event"]["ts"]
    fake.wait_quiet()
    assert len(fake.calls("chat.postMessage")) == 1
