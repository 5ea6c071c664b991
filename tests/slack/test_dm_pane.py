"""The Messages tab (assistant pane) through the real app: a status while the coach works, a
title for the thread, and every answer (offline, reviewed, streamed) in the same place: the
thread of the user's message."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.core.engine import OfflineEngine
from bot.llm.engine import LLMEngine
from bot.llm.openai_compat import OpenAICompatibleClient
from bot.services.factory import Services, build_services
from bot.storage.db import Database
from tests.fakes.openai_server import FakeOpenAI, chat
from tests.fakes.slack_api import FakeSlack
from tests.llm.conftest import FAST, answer_json, llm_settings
from tests.slack.conftest import Harness, load, running_app

QUESTION = "How soon should a LinkedIn campaign pay for itself?"
DRAFT = "Social media is free, so we need no budget and expect sales to double next week."
ANSWER = "Give it months, not days: judge the trend over a quarter, not the first week's sales."
ROOT = "1726133698.626339"  # the assistant thread of the fixture


def dm(text: str, event_id: str, ts: str, thread_ts: str | None = ROOT) -> dict[str, object]:
    envelope = load("assistant_user_message_event.json")
    event = envelope["event"]
    event.update({"text": text, "ts": ts, "event_ts": ts})
    if thread_ts is None:
        del event["thread_ts"], event["parent_user_id"]
    else:
        event["thread_ts"] = thread_ts
    envelope["event_id"] = event_id
    return envelope


def before(slack: Harness, first: str, then: str) -> bool:
    methods = [c.method for c in slack.fake.calls()]
    return methods.index(first) < methods.index(then)


@pytest.mark.parametrize(
    ("locale", "text", "status"),
    [
        ("en-US", QUESTION, "is thinking about your question…"),
        ("de-DE", QUESTION, "denkt über Ihre Frage nach…"),
        ("it-IT", f"check this: {DRAFT}", "sta controllando la vostra bozza…"),
    ],
)
def test_a_status_shows_while_the_coach_works(
    slack: Harness, locale: str, text: str, status: str
) -> None:
    slack.fake.set_locale("W222", locale)
    slack.event(dm(text, "EvP1", "1726133700.000001"))
    (reply,) = slack.fake.wait_for("chat.postMessage")
    (shown,) = slack.fake.calls("assistant.threads.setStatus")
    assert (shown["channel_id"], shown["thread_ts"], shown["status"]) == ("D111", ROOT, status)
    assert before(slack, "assistant.threads.setStatus", "chat.postMessage")
    assert reply["thread_ts"] == ROOT


def test_the_thread_is_titled_after_its_first_message_only(slack: Harness) -> None:
    slack.event(dm(QUESTION, "EvP2", "1726133700.000002"))
    slack.fake.wait_for("chat.postMessage")
    slack.event(dm("And is social media free?", "EvP3", "1726133700.000003"))
    slack.fake.wait_for("chat.postMessage", 2)
    slack.fake.wait_quiet()
    (title,) = slack.fake.calls("assistant.threads.setTitle")
    assert (title["channel_id"], title["thread_ts"], title["title"]) == ("D111", ROOT, QUESTION)


def test_a_refused_status_or_title_does_not_stop_the_answer(slack: Harness) -> None:
    slack.fake.fail("assistant.threads.setStatus", error="missing_scope")
    slack.fake.fail("assistant.threads.setTitle", error="not_allowed_token_type")
    question = "Should only the marketing team handle our social media?"
    slack.event(dm(question, "EvP4", "1726133700.000004"))
    (reply,) = slack.fake.wait_for("chat.postMessage")
    assert "Source" in reply.all_text()


def test_an_offline_answer_to_a_top_level_dm_goes_into_its_thread(slack: Harness) -> None:
    slack.event(dm(QUESTION, "EvP5", "1726133700.000005", thread_ts=None))
    (reply,) = slack.fake.wait_for("chat.postMessage")
    assert (reply["channel"], reply["thread_ts"]) == ("D111", "1726133700.000005")
    (shown,) = slack.fake.calls("assistant.threads.setStatus")
    assert shown["thread_ts"] == "1726133700.000005"


@pytest.fixture
def openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def slack_llm(
    fake: FakeSlack, openai: FakeOpenAI, engine: OfflineEngine, sqlite_database: Database
) -> Iterator[Harness]:
    settings = llm_settings(openai)
    client = OpenAICompatibleClient.from_settings(settings, backoff=FAST)
    services: Services = build_services(
        settings, llm=LLMEngine.build(settings, engine, client=client)
    )
    with running_app(fake, services, sqlite_database) as harness:
        yield harness


def test_a_streamed_answer_goes_to_the_same_place_as_an_offline_one(
    slack_llm: Harness, openai: FakeOpenAI
) -> None:
    openai.script(chat(answer_json([2], ANSWER), chunk_chars=5))
    slack_llm.event(dm(QUESTION, "EvP6", "1726133700.000006", thread_ts=None))
    slack_llm.fake.wait_for("chat.stopStream")
    (start,) = slack_llm.fake.calls("chat.startStream")
    assert (start["channel"], start["thread_ts"]) == ("D111", "1726133700.000006")
    assert before(slack_llm, "assistant.threads.setStatus", "chat.startStream")
    assert slack_llm.fake.calls("chat.postMessage") == []
