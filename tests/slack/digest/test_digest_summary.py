"""The LLM may phrase the digest's summary — through a real HTTP server on loopback speaking the
OpenAI protocol — but the figures stay the database's: a summary stating a number that is not
a figure is dropped, mentions are defused, and any failure leaves a digest without prose."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.engine import OfflineEngine
from bot.llm.openai_compat import OpenAICompatibleClient
from bot.models import Finding, Review
from bot.services.digest import DigestService
from bot.services.digest_summary import LLMSummarizer, summarizer_for
from bot.services.usage import Origin, UsageService
from bot.slack.digest.blocks import digest_message
from bot.storage.db import Database
from tests.fakes.openai_server import FakeOpenAI, chat, error
from tests.llm.conftest import FAST, llm_settings

END = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def service(
    fake_openai: FakeOpenAI, sqlite_database: Database, engine: OfflineEngine
) -> DigestService:
    settings = llm_settings(fake_openai)
    client = OpenAICompatibleClient.from_settings(settings, backoff=FAST)
    finding = Finding(
        number=5, slug="its-free", confidence=0.9, evidence="x", start=0, end=1, advice="a"
    )
    for days in (1, 2, 3):
        at = END - timedelta(days=days)
        UsageService(sqlite_database, clock=lambda at=at: at).checked(
            Origin("T1", "C1", "U1"), Review(language="de", findings=(finding,)), "Entwurf"
        )
    summarizer = LLMSummarizer.from_settings(settings, client)
    return DigestService(sqlite_database, engine.knowledge, summarizer, clock=lambda: END)


def summary(text: str) -> str:
    return json.dumps({"summary": text}, ensure_ascii=False)


def test_the_llm_phrases_the_summary_from_the_figures(
    fake_openai: FakeOpenAI, service: DigestService
) -> None:
    prose = "Drei Entwürfe hatten diese Woche die Falle 5: Budget bleibt euer Thema."
    fake_openai.script(chat(summary(prose.replace("Drei", "3"))))
    digest = service.build("T1", None, "de")
    assert digest.summary == prose.replace("Drei", "3") and digest.engine == "llm"
    request = fake_openai.chat_requests[0]
    assert "Reply language: German." in request.message("user")
    figures = json.loads(request.message("user").split("(JSON):\n", 1)[1])
    assert figures["drafts_checked"] == 3
    assert figures["traps_flagged"][4] == {
        "number": 5,
        "title": digest.traps[4].title,
        "this_week": 3,
        "last_week": 0,
    }
    assert "Entwurf" not in request.message("user"), "no user text reaches the model"
    rendered = json.dumps(digest_message(digest).blocks, ensure_ascii=False)
    assert "Budget bleibt euer Thema" in rendered and "von der KI formuliert" in rendered


def test_a_number_that_is_no_figure_drops_the_summary(
    fake_openai: FakeOpenAI, service: DigestService
) -> None:
    fake_openai.script(chat(summary("73% of your drafts fell into trap 5.")))
    digest = service.build("T1", None, "en")
    assert digest.summary is None and digest.engine == "offline"
    assert digest.drafts_checked == 3, "the digest itself stands"


def test_mentions_in_the_summary_are_defused(
    fake_openai: FakeOpenAI, service: DigestService
) -> None:
    fake_openai.script(chat(summary("<!channel> budget is your blind spot, <@U999>.")))
    digest = service.build("T1", None, "en")
    assert digest.summary is not None
    assert "<!channel>" not in digest.summary and "<@U999>" not in digest.summary


@pytest.mark.parametrize(
    "reply",
    [error(500), error(401, "bad key"), chat("no JSON today"), chat('{"text": "wrong field"}')],
)
def test_any_failure_means_a_digest_without_prose(
    fake_openai: FakeOpenAI, service: DigestService, reply: object
) -> None:
    fake_openai.script(reply, reply, reply)  # type: ignore[arg-type]
    digest = service.build("T1", None, "it")
    assert digest.summary is None and digest.traps_flagged == 3


def test_only_a_configured_llm_gets_a_summarizer(fake_openai: FakeOpenAI) -> None:
    assert summarizer_for(llm_settings(fake_openai, COACH_ENGINE="offline")) is None
    assert isinstance(summarizer_for(llm_settings(fake_openai)), LLMSummarizer)
