"""build_services: the offline engine always, the LLM engine when configured."""

from __future__ import annotations

import pytest

from bot.config import SettingsError, load_settings
from bot.services.factory import build_services
from tests.fakes.openai_server import FakeOpenAI, chat
from tests.llm.conftest import answer_json, llm_settings


def test_offline_only_without_llm_settings() -> None:
    services = build_services(load_settings(OPENAI_API_KEY=None, OPENAI_BASE_URL=None))
    assert services.llm is None
    assert services.engine_name == "offline"
    assert services.answer.ask("Is social media free?").engine == "offline"


def test_the_llm_engine_when_configured(fake_openai: FakeOpenAI) -> None:
    services = build_services(llm_settings(fake_openai))
    assert services.llm is not None
    assert services.engine_name == "llm"
    fake_openai.script(chat(answer_json([5], "It costs time and people.")))
    answer = services.answer.ask("Is social media free for a company?")
    assert answer.engine == "llm"
    assert fake_openai.chat_requests[0].body["model"] == "test-model"


def test_coach_engine_offline_wins_over_llm_settings(fake_openai: FakeOpenAI) -> None:
    services = build_services(llm_settings(fake_openai, COACH_ENGINE="offline"))
    assert services.llm is None


def test_asking_for_the_llm_without_one_stops_start_up() -> None:
    settings = load_settings(COACH_ENGINE="llm", OPENAI_API_KEY=None, OPENAI_BASE_URL=None)
    with pytest.raises(SettingsError, match="OPENAI_API_KEY"):
        build_services(settings)


def test_a_token_budget_too_small_for_the_prompts_stops_start_up(fake_openai: FakeOpenAI) -> None:
    with pytest.raises(SettingsError, match="COACH_LLM_MAX_INPUT_TOKENS"):
        build_services(llm_settings(fake_openai, COACH_LLM_MAX_INPUT_TOKENS=1000))
