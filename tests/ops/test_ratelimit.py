"""Abuse limits: per-user and per-workspace budgets for LLM-backed requests, through the real
services and the real LLM client against the fake OpenAI-compatible server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.core.engine import OfflineEngine
from bot.i18n import text as phrase
from bot.llm.engine import LLMEngine
from bot.llm.openai_compat import OpenAICompatibleClient
from bot.models import Answer
from bot.observability.metrics import Metrics
from bot.services.factory import Services, build_services
from bot.services.ratelimit import Caller, RateLimiter
from bot.storage.db import Database
from tests.fakes.openai_server import FakeOpenAI, chat
from tests.fakes.slack_api import FakeSlack
from tests.llm.conftest import FAST, answer_json, llm_settings
from tests.ops.conftest import samples
from tests.slack.conftest import running_app, slack_settings

ALICE = Caller("slack:T1:UALICE", "slack:T1")
BOB = Caller("slack:T1:UBOB", "slack:T1")
CAROL = Caller("slack:T2:UCAROL", "slack:T2")
QUESTION = "Is social media really free for a company?"


def test_the_limiter_counts_users_and_workspaces_separately() -> None:
    limiter = RateLimiter(per_user=2, per_workspace=3)
    assert [limiter.acquire(ALICE).allowed for _ in range(3)] == [True, True, False]
    refused = limiter.acquire(ALICE)
    assert refused.scope == "user" and 0 < refused.retry_after <= 3600
    assert limiter.acquire(BOB).allowed  # the workspace's third request
    over = limiter.acquire(BOB)
    assert (over.allowed, over.scope) == (False, "workspace")
    assert limiter.acquire(CAROL).allowed  # another workspace is untouched


def test_a_refusal_by_the_workspace_does_not_spend_the_users_budget() -> None:
    limiter = RateLimiter(per_user=1, per_workspace=1)
    assert limiter.acquire(ALICE).allowed
    assert limiter.acquire(BOB).scope == "workspace"
    assert RateLimiter(per_user=1, per_workspace=0).acquire(BOB).allowed


def test_zero_means_no_limit() -> None:
    limiter = RateLimiter(per_user=0, per_workspace=0)
    assert not limiter.active
    assert all(limiter.acquire(ALICE).allowed for _ in range(50))


@pytest.mark.parametrize("language", ["en", "de", "it"])
@pytest.mark.parametrize("scope", ["user", "workspace"])
def test_the_note_is_localized_and_says_when(language: Any, scope: Any) -> None:
    limiter = RateLimiter(per_user=1, per_workspace=1)
    limiter.acquire(ALICE)
    decision = limiter.acquire(ALICE if scope == "user" else BOB)
    assert decision.scope == scope
    text = decision.note(language)
    assert text == phrase(f"note_busy_{scope}", language, minutes=60)
    assert "60" in text


@pytest.fixture
def fake_llm() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(default=chat(answer_json([5], "Social media is not free."))) as fake:
        yield fake


def limited_services(
    fake: FakeOpenAI, engine: OfflineEngine, metrics: Metrics, **limits: Any
) -> Services:
    settings = llm_settings(fake, **limits)
    client = OpenAICompatibleClient.from_settings(settings, backoff=FAST, metrics=metrics)
    llm = LLMEngine.build(settings, engine, client=client, metrics=metrics)
    return build_services(settings, llm=llm, metrics=metrics)


def test_over_the_limit_the_offline_coach_answers_with_a_note(
    fake_llm: FakeOpenAI, engine: OfflineEngine
) -> None:
    metrics = Metrics(engine="llm")
    services = limited_services(
        fake_llm, engine, metrics, COACH_RATE_USER_PER_HOUR=2, COACH_RATE_WORKSPACE_PER_HOUR=10
    )
    answers = [services.answer.ask(QUESTION, caller=ALICE) for _ in range(3)]
    assert [a.engine for a in answers] == ["llm", "llm", "offline"]
    assert answers[2].notes[-1].startswith("You have asked the AI coach a lot this hour")
    assert answers[2].topic == 5 and answers[2].text  # still a grounded, useful answer
    assert len(fake_llm.chat_requests) == 2  # the third one cost nothing
    review = services.review.review("Social media is free, no budget needed.", caller=ALICE)
    assert review.engine == "offline" and review.findings
    assert services.answer.ask(QUESTION).engine == "llm"  # no caller (the CLI): no limit
    found = samples(metrics)
    assert found[("coach_rate_limited_total", (("scope", "user"),))] == 2
    assert found[("coach_fallbacks_total", (("reason", "rate_limited"), ("task", "ask")))] == 1
    assert found[("coach_tasks_total", (("engine", "llm"), ("task", "ask")))] == 3
    assert found[("coach_traps_flagged_total", (("number", "5"),))] >= 1


def test_streams_respect_the_limit_too(fake_llm: FakeOpenAI, engine: OfflineEngine) -> None:
    metrics = Metrics()
    services = limited_services(fake_llm, engine, metrics, COACH_RATE_USER_PER_HOUR=1)
    first = list(services.answer.stream(QUESTION, caller=BOB))
    second = list(services.answer.stream(QUESTION, caller=BOB))
    assert isinstance(first[-1], Answer) and first[-1].engine == "llm"
    assert isinstance(second[-1], Answer) and second[-1].engine == "offline"
    assert second[0] == second[-1].text and "offline coach" in second[-1].notes[-1]
    assert len(fake_llm.chat_requests) == 1


def test_without_an_llm_there_is_nothing_to_limit() -> None:
    services = build_services(slack_settings(), metrics=Metrics())
    assert services.answer.guard.limiter is None
    assert all(services.answer.ask(QUESTION, caller=ALICE).engine == "offline" for _ in range(40))


def test_replicas_on_one_database_spend_from_one_llm_budget(
    fake_llm: FakeOpenAI, engine: OfflineEngine, database: Database
) -> None:
    """Each replica builds its own services (its own process); the database is what they share."""
    replicas = [
        limited_services(fake_llm, engine, Metrics(engine="llm"), COACH_RATE_USER_PER_HOUR=2)
        for _ in range(2)
    ]
    with (
        FakeSlack() as slack,
        running_app(slack, replicas[0], database) as first,
        running_app(slack, replicas[1], database) as second,
    ):
        for n, app in enumerate((first, second, second), start=1):
            app.command(f"ask {QUESTION}")
            replies = slack.wait_for("response_url", n)
    assert ["AI coach a lot this hour" in r.all_text() for r in replies] == [False, False, True]
    assert "Social media is not free." in replies[1].all_text()
    assert len(fake_llm.chat_requests) == 2
