"""With a slow LLM: messages still get their 202 at once, and an invoke (which Teams waits
for, about 5 s) is answered by the offline engine, saying so, before Teams gives up."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.engine import OfflineEngine
from bot.llm.engine import LLMEngine
from bot.llm.openai_compat import OpenAICompatibleClient
from bot.observability.metrics import Metrics
from bot.services.factory import build_services
from bot.storage.db import Database
from tests.fakes.bot_connector import FakeBotConnector
from tests.fakes.openai_server import FakeOpenAI, chat, slow
from tests.fakes.teams_auth import TeamsAuth
from tests.llm.conftest import FAST
from tests.teams.conftest import TeamsClient, assert_valid_card, start_server, teams_settings

LLM_SECONDS = 5.0


@pytest.fixture
def slow_teams(
    engine: OfflineEngine,
    tmp_path: Path,
    sqlite_database: Database,
    auth: TeamsAuth,
    connector: FakeBotConnector,
) -> Iterator[TeamsClient]:
    with FakeOpenAI(default=slow(LLM_SECONDS, chat('{"findings": []}'))) as openai:
        settings = teams_settings(
            COACH_ENGINE="auto",
            OPENAI_BASE_URL=openai.url,
            OPENAI_API_KEY="sk-test",
            COACH_LLM_TIMEOUT=LLM_SECONDS + 2,
            COACH_LLM_DEADLINE=LLM_SECONDS + 3,
            COACH_DATA_DIR=str(tmp_path),
        )
        client = OpenAICompatibleClient.from_settings(settings, backoff=FAST)
        llm = LLMEngine.build(settings, engine, client=client)
        services = build_services(settings, llm=llm, metrics=Metrics())
        server = start_server(settings, services, sqlite_database)
        try:
            yield TeamsClient(server, auth, connector)
        finally:
            server.stop()


def test_a_slow_llm_never_delays_the_202_of_a_message(slow_teams: TeamsClient) -> None:
    activity = slow_teams.activity("02-message-personal.json", text="check this: it is free!")
    started = time.monotonic()
    assert slow_teams.post(activity).status == 202
    assert time.monotonic() - started < 1.0


def test_an_invoke_gets_the_offline_check_before_teams_gives_up(slow_teams: TeamsClient) -> None:
    submit = slow_teams.activity("06-invoke-composeExtension-submitAction.json")
    submit["value"]["data"] = {"draft": "Social media is free, we need no budget for it."}
    started = time.monotonic()
    reply = slow_teams.post(submit)
    assert time.monotonic() - started < 5.0  # Teams' limit for an invoke
    card = reply.json()["task"]["value"]["card"]["content"]
    assert_valid_card(card)
    text = json.dumps(card)
    assert "#5 Social media is free" in text
    assert "The AI took too long for Teams to wait, so this is the offline check." in text
