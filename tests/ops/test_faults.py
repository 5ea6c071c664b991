"""Fault injection through the real app: Slack rate-limiting, failing or gone, the LLM slow or
gone. Each test ends with the app still serving, and the figures of `FAULTS` are what the
README reports."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.core.engine import OfflineEngine
from bot.llm.engine import LLMEngine
from bot.llm.openai_compat import OpenAICompatibleClient
from bot.observability.metrics import Metrics
from bot.services.factory import Services, build_services
from tests.fakes.openai_server import FakeOpenAI, chat, error, slow
from tests.fakes.slack_api import FakeSlack
from tests.llm.conftest import FAST, answer_json
from tests.ops.conftest import ops_settings, samples, serving
from tests.slack.conftest import Harness, mention_envelope

QUESTION = "ask is social media free for a company?"
OFFLINE_NOTE = "Answered by the offline coach"


def still_serving(app: Harness) -> None:
    """After the fault: health is fine and a new request is answered."""
    assert app.get("/healthz").status == 200
    before = len(app.fake.calls("response_url"))
    assert app.command("traps").status == 200
    app.fake.wait_for("response_url", count=before + 1)


def api_errors(metrics: Metrics, method: str, reason: str) -> float:
    key = ("coach_slack_api_errors_total", (("method", method), ("reason", reason)))
    return samples(metrics).get(key, 0.0)


def eventually(count: Callable[[], float], expected: float, seconds: float = 20) -> None:
    """The fake records a call before the client has read the answer: poll the metric."""
    deadline = time.monotonic() + seconds
    while count() < expected:
        assert time.monotonic() < deadline, f"{count()} < {expected}"
        time.sleep(0.05)
    assert count() == expected


def test_a_429_is_waited_out_and_the_reply_arrives(observed: Harness, metrics: Metrics) -> None:
    observed.fake.fail("chat.postMessage", status=429, retry_after=1)
    observed.event(mention_envelope("<@UBOT> is social media free?"))
    attempts = observed.fake.wait_for("chat.postMessage", count=2, timeout=15)
    assert attempts[0].body == attempts[1].body  # the same reply, sent again
    observed.fake.wait_quiet()
    assert len(observed.fake.calls("chat.postMessage")) == 2
    eventually(lambda: api_errors(metrics, "chat.postMessage", "rate_limited"), 1)
    still_serving(observed)


def test_a_long_retry_after_is_not_waited_out(observed: Harness, metrics: Metrics) -> None:
    """A worker thread must not sleep for an hour: the reply is given up, and logged."""
    observed.fake.fail("chat.postMessage", status=429, retry_after=3600, times=2)
    started = time.monotonic()
    observed.event(mention_envelope("<@UBOT> is social media free?"))
    observed.fake.wait_for("chat.postMessage", count=2)  # the reply, then the apology
    eventually(lambda: api_errors(metrics, "chat.postMessage", "rate_limited"), 2)
    assert time.monotonic() - started < 5
    still_serving(observed)


def test_server_errors_are_retried_on_the_api_and_the_response_url(
    observed: Harness, metrics: Metrics
) -> None:
    observed.fake.fail("chat.postMessage", status=503, times=2)
    observed.fake.fail("response_url", status=500, times=2)
    observed.event(mention_envelope("<@UBOT> is social media free?"))
    observed.command(QUESTION)
    posted = observed.fake.wait_for("chat.postMessage", count=3, timeout=15)
    responded = observed.fake.wait_for("response_url", count=3, timeout=15)
    assert "Source" in posted[-1].all_text() and "Source" in responded[-1].all_text()
    eventually(lambda: api_errors(metrics, "chat.postMessage", "server_error"), 2)
    eventually(lambda: api_errors(metrics, "response_url", "server_error"), 2)
    still_serving(observed)


def test_slack_gone_is_retried_logged_and_survived(
    metrics: Metrics, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake = FakeSlack().__enter__()
    settings = ops_settings(fake.api_url, tmp_path)
    with serving(fake, settings, build_services(settings, metrics=metrics)) as app:
        fake.__exit__(None, None, None)  # Slack's API is gone: connections are refused
        assert app.event(mention_envelope("<@UBOT> is social media free?")).status == 200
        # The reply and then the apology, three attempts each.
        eventually(lambda: api_errors(metrics, "chat.postMessage", "connection"), 6)
        assert app.get("/healthz").status == 200
        challenge = app.event({"type": "url_verification", "challenge": "still-here"})
        assert challenge.json() == {"challenge": "still-here"}  # requests are still answered
    assert "could not tell the user about the failure either" in caplog.text


@pytest.fixture
def fake_llm() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


def llm_services(
    url: str, engine: OfflineEngine, metrics: Metrics, tmp_path: Path, api_url: str
) -> Services:
    settings = ops_settings(
        api_url,
        tmp_path,
        COACH_ENGINE="llm",
        OPENAI_BASE_URL=url,
        COACH_LLM_TIMEOUT=0.5,
        COACH_LLM_DEADLINE=1.5,
    )
    client = OpenAICompatibleClient.from_settings(settings, backoff=FAST, metrics=metrics)
    llm = LLMEngine.build(settings, engine, client=client, metrics=metrics)
    return build_services(settings, llm=llm, metrics=metrics)


@pytest.mark.parametrize("fault", ["slow", "down", "5xx"])
def test_llm_slow_or_down_gives_the_offline_answer_within_the_deadline(
    fault: str,
    fake: FakeSlack,
    fake_llm: FakeOpenAI,
    engine: OfflineEngine,
    metrics: Metrics,
    tmp_path: Path,
) -> None:
    url = fake_llm.url
    if fault == "slow":
        fake_llm.default = slow(30, chat(answer_json([5], "too late")))
    elif fault == "5xx":
        fake_llm.default = error(503, "overloaded")
    else:
        fake_llm.close()  # nothing listens there any more
    services = llm_services(url, engine, metrics, tmp_path, fake.api_url)
    with serving(fake, services.settings, services) as app:
        started = time.monotonic()
        app.command(QUESTION)
        (reply,) = app.fake.wait_for("response_url", timeout=10)
        took = time.monotonic() - started
        assert OFFLINE_NOTE in reply.all_text() and "Source" in reply.all_text()
        assert took < 1.5 + 1.0, f"{took:.2f}s for a 1.5 s deadline"
        fallbacks = samples(metrics)[
            ("coach_fallbacks_total", (("reason", "unavailable"), ("task", "ask")))
        ]
        assert fallbacks == 1
        still_serving(app)


def test_llm_latency_and_tokens_are_measured(
    fake: FakeSlack, fake_llm: FakeOpenAI, engine: OfflineEngine, metrics: Metrics, tmp_path: Path
) -> None:
    fake_llm.default = chat(answer_json([5], "Social media is not free."), prompt_tokens=900)
    services = llm_services(fake_llm.url, engine, metrics, tmp_path, fake.api_url)
    with serving(fake, services.settings, services) as app:
        app.command(QUESTION)
        (reply,) = app.fake.wait_for("response_url")
    assert "Social media is not free." in reply.all_text()
    found = samples(metrics)
    assert found[("coach_llm_request_seconds_count", (("outcome", "ok"), ("task", "answer")))] == 1
    assert found[("coach_llm_tokens_total", (("task", "answer"), ("type", "prompt")))] == 900
    assert found[("coach_tasks_total", (("engine", "llm"), ("task", "ask")))] == 1
