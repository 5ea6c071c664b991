"""Direct messages with the LLM engine configured: answers stream into Slack as they are written.

The whole path is real: the Slack app, the answer service, the LLM engine and the openai
client, between a fake OpenAI-compatible server and a fake Slack Web API, both on loopback.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.core.engine import OfflineEngine
from bot.llm.engine import LLMEngine
from bot.llm.notes import note
from bot.llm.openai_compat import OpenAICompatibleClient
from bot.services.factory import Services, build_services
from bot.slack.mrkdwn import escape
from bot.storage.db import Database
from tests.fakes.openai_server import FakeOpenAI, chat, error
from tests.fakes.slack_api import FakeSlack
from tests.llm.conftest import FAST, answer_json, llm_settings
from tests.slack.conftest import Harness, load, running_app

QUESTION = "How soon should our LinkedIn posts pay for themselves?"  # routed to 2
TEXT = (
    "Give it months, not days: trust and reach grow slowly, so judge the trend over a quarter "
    "and count conversations and leads, not only sales."
)


@pytest.fixture
def openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def llm_services(openai: FakeOpenAI, engine: OfflineEngine) -> Services:
    settings = llm_settings(openai)
    client = OpenAICompatibleClient.from_settings(settings, backoff=FAST)
    return build_services(settings, llm=LLMEngine.build(settings, engine, client=client))


@pytest.fixture
def slack_llm(
    fake: FakeSlack, llm_services: Services, sqlite_database: Database
) -> Iterator[Harness]:
    with running_app(fake, llm_services, sqlite_database) as harness:
        yield harness


def _dm(text: str, event_id: str) -> dict[str, object]:
    envelope = load("assistant_user_message_event.json")
    envelope["event"]["text"] = text  # type: ignore[index]
    envelope["event_id"] = event_id
    return envelope


def _streamed_text(slack: Harness) -> str:
    pieces = []
    for call in slack.fake.calls():
        if call.method in {"chat.startStream", "chat.appendStream", "chat.stopStream"}:
            chunks = call.get("chunks") or []
            chunks = json.loads(chunks) if isinstance(chunks, str) else chunks
            pieces += [c.get("text", "") for c in chunks if c.get("type") == "markdown_text"]
            pieces.append(call.get("markdown_text") or "")
    return "".join(pieces)


def test_llm_answer_streams_into_the_dm_thread(slack_llm: Harness, openai: FakeOpenAI) -> None:
    openai.script(chat(answer_json([2], TEXT), chunk_chars=5))
    slack_llm.event(_dm(QUESTION, "EvS1"))
    (stop,) = slack_llm.fake.wait_for("chat.stopStream")
    (start,) = slack_llm.fake.calls("chat.startStream")
    assert (start["channel"], start["thread_ts"]) == ("D111", "1726133698.626339")
    assert (start["recipient_user_id"], start["recipient_team_id"]) == ("W222", "T111")
    assert _streamed_text(slack_llm) == TEXT
    assert "coach_feedback_helpful" in stop.all_text() and "#2" in stop.all_text()
    slack_llm.fake.wait_quiet()
    assert slack_llm.fake.calls("chat.postMessage") == []
    assert slack_llm.fake.calls("chat.update") == []


def test_stream_that_slack_refuses_falls_back_to_one_message(
    slack_llm: Harness, openai: FakeOpenAI
) -> None:
    openai.script(chat(answer_json([2], TEXT), chunk_chars=5))
    slack_llm.fake.fail("chat.startStream", error="not_allowed_token_type")
    slack_llm.event(_dm(QUESTION, "EvS2"))
    (posted,) = slack_llm.fake.wait_for("chat.postMessage")
    assert posted["thread_ts"] == "1726133698.626339"
    assert "trust and reach grow slowly" in posted.all_text()


def test_when_the_llm_fails_the_offline_answer_is_posted_once(
    slack_llm: Harness, openai: FakeOpenAI, engine: OfflineEngine
) -> None:
    openai.script(*[error(500)] * 5)
    slack_llm.event(_dm(QUESTION, "EvS3"))
    (posted,) = slack_llm.fake.wait_for("chat.postMessage")
    offline = engine.answer(QUESTION)
    assert posted["text"].startswith(escape(offline.text)[:60])
    notes = [e["text"] for b in posted.blocks() if b["type"] == "context" for e in b["elements"]]
    assert escape(note("offline", "en")) in notes
    slack_llm.fake.wait_quiet()
    assert slack_llm.fake.calls("chat.startStream") == []


def test_a_streamed_answer_that_fails_its_checks_is_replaced(
    slack_llm: Harness, openai: FakeOpenAI, engine: OfflineEngine
) -> None:
    # Only an invented citation: the service rejects the streamed text for the offline answer.
    openai.script(
        chat(answer_json([7], "Studies show 73% of posts go viral on Tuesdays."), chunk_chars=4)
    )
    slack_llm.event(_dm(QUESTION, "EvS4"))
    (update,) = slack_llm.fake.wait_for("chat.update")
    (stop,) = slack_llm.fake.calls("chat.stopStream")
    assert "73%" in _streamed_text(slack_llm)
    assert (update["channel"], update["ts"]) == ("D111", stop["ts"])
    assert update["text"].startswith(escape(engine.answer(QUESTION).text)[:60])
    assert "73%" not in update.all_text()
