"""The LLM path under test: the real openai client, our boundary and engines, against a fake
OpenAI-compatible server on loopback. Deadlines and backoff are short so failures take
fractions of a second."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.config import Settings, load_settings
from bot.core.engine import OfflineEngine
from bot.llm.engine import LLMEngine
from bot.llm.openai_compat import OpenAICompatibleClient
from bot.llm.retry import Backoff
from bot.services.answer import AnswerService
from bot.services.review import ReviewService
from tests.fakes.openai_server import FakeOpenAI

FAST = Backoff(initial=0.01, maximum=0.05, jitter=0.01)
API_KEY = "sk-test-do-not-log-1234"


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


def llm_settings(fake: FakeOpenAI, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "OPENAI_BASE_URL": fake.url,
        "OPENAI_API_KEY": API_KEY,
        "COACH_LLM_MODEL": "test-model",
        "COACH_LLM_TIMEOUT": 1.0,
        "COACH_LLM_DEADLINE": 2.0,
        **overrides,
    }
    return load_settings(**values)


@pytest.fixture
def make_llm(fake_openai: FakeOpenAI, engine: OfflineEngine) -> Callable[..., LLMEngine]:
    def make(**overrides: Any) -> LLMEngine:
        settings = llm_settings(fake_openai, **overrides)
        client = OpenAICompatibleClient.from_settings(settings, backoff=FAST)
        return LLMEngine.build(settings, engine, client=client)

    return make


@pytest.fixture
def llm_reviewer(make_llm: Callable[..., LLMEngine], engine: OfflineEngine) -> ReviewService:
    return ReviewService(engine, llm=make_llm().reviewer)


@pytest.fixture
def llm_answerer(make_llm: Callable[..., LLMEngine], engine: OfflineEngine) -> AnswerService:
    return AnswerService(engine, llm=make_llm().answerer)


def findings_json(*findings: dict[str, Any]) -> str:
    return json.dumps({"findings": list(findings)}, ensure_ascii=False)


def finding(number: int, evidence: str, **extra: Any) -> dict[str, Any]:
    return {
        "number": number,
        "evidence": evidence,
        "why": extra.get("why", "Because the knowledge base says so."),
        "rewrite": extra.get("rewrite", "A better sentence."),
        "confidence": extra.get("confidence", 0.9),
    }


def answer_json(numbers: list[int], text: str) -> str:
    return json.dumps({"misconceptions": numbers, "text": text}, ensure_ascii=False)
