"""Opt-in: the same LLM path against a real OpenAI-compatible server.

    COACH_TEST_LLM_URL=http://127.0.0.1:8089/v1 COACH_TEST_LLM_MODEL=local pytest -m llm

(`scripts/llm-peer.sh start` runs llama.cpp's llama-server with SmolLM2-135M and prints the URL;
COACH_TEST_LLM_KEY is sent as the API key if set.) A tiny model writes poor text, so these tests
check the protocol and the shape of results — never the wording. The service tests must also
prove the result came from the model (`engine == "llm"`, or for an answer the model's text
streamed in pieces; never the offline note): a broken LLM path falls back to the offline engine
silently, and its results have the very same shape. A 135M model fails our grounding checks now
and then, so each gets a few attempts; every attempt's engine and notes are in the failure
message.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from bot.config import Settings, load_settings
from bot.core.engine import OfflineEngine
from bot.llm.client import ChatRequest, Deadline
from bot.llm.errors import LLMRejectedError, LLMUnavailableError
from bot.llm.notes import note
from bot.llm.openai_compat import OpenAICompatibleClient
from bot.llm.schemas import GroundedAnswer
from bot.models import Answer, Review
from bot.services.factory import Services, build_services

# Test configuration, read here because it configures the test, not the coach.
URL = os.environ.get("COACH_TEST_LLM_URL", "")
MODEL = os.environ.get("COACH_TEST_LLM_MODEL", "local")
KEY = os.environ.get("COACH_TEST_LLM_KEY") or None
R = TypeVar("R", Review, Answer)
PLAN = (Path(__file__).parents[2] / "examples" / "launch-plan.md").read_text("utf-8")

pytestmark = [
    pytest.mark.llm,
    pytest.mark.skipif(
        not URL,
        reason="set COACH_TEST_LLM_URL (and COACH_TEST_LLM_MODEL) to run against a real "
        "OpenAI-compatible server; scripts/llm-peer.sh starts one",
    ),
]


def settings() -> Settings:
    # 3,500 input + 512 output tokens fit a 4K context (the peer caps generations at 512): a
    # 135M model inside a JSON schema often writes long strings, and a reply cut short at 256
    # tokens is no JSON at all. A real server gets a patient deadline.
    return load_settings(
        OPENAI_BASE_URL=URL,
        OPENAI_API_KEY=KEY,
        COACH_LLM_MODEL=MODEL,
        COACH_LLM_MAX_INPUT_TOKENS=3500,
        COACH_LLM_MAX_OUTPUT_TOKENS=512,
        COACH_LLM_TIMEOUT=120,
        COACH_LLM_DEADLINE=150,
    )


@pytest.fixture(scope="module")
def services() -> Services:
    return build_services(settings())


def small_request(max_tokens: int = 120) -> ChatRequest:
    return ChatRequest(
        task="answer",
        system="You answer in JSON with the numbers of relevant misconceptions and a short text.",
        user="Is social media free for companies? One sentence.",
        schema=GroundedAnswer,
        max_tokens=max_tokens,
    )


def client(url: str = URL) -> OpenAICompatibleClient:
    return OpenAICompatibleClient(model=MODEL, base_url=url, api_key=KEY, timeout=120)


def test_structured_output_and_usage_over_the_wire(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.llm")
    content = client().complete(small_request(), Deadline(150))
    assert content.lstrip().startswith("{")  # JSON mode or schema: an object, whatever it says
    assert re.search(r"prompt_tokens=\d+ completion_tokens=\d+", caplog.text)


def test_streaming_delivers_pieces() -> None:
    pieces = list(client().stream(small_request(), Deadline(150)))
    assert len(pieces) >= 2
    assert "".join(pieces).lstrip().startswith("{")


def test_the_deadline_cuts_a_real_server_off() -> None:
    started = time.monotonic()
    with pytest.raises(LLMUnavailableError):
        client().complete(small_request(), Deadline(0.05))
    assert time.monotonic() - started < 5


def test_a_wrong_path_fails_fast_without_retries() -> None:
    started = time.monotonic()
    with pytest.raises(LLMRejectedError) as raised:
        client(URL.rstrip("/") + "/no-such-prefix").complete(small_request(), Deadline(150))
    assert raised.value.status in {400, 404, 405}
    assert time.monotonic() - started < 30


ATTEMPTS = 4
# The 135M peer gives a usable review (JSON in the schema, quotes really in the draft) for this
# draft in about half of its replies (6 of 12 in a row here; fewer when the suite's other
# requests went first): four attempts failed together in 3 of 9 suite runs. Twelve make that
# about 1 in 200 even at one usable reply in three.
REVIEW_ATTEMPTS = 12
DRAFT = "We never reply to complaints on Facebook: social media is only for our ads."


def from_the_model(
    attempt: Callable[[], R],
    answered: Callable[[R], bool] | None = None,
    attempts: int = ATTEMPTS,
) -> R:
    """The first result the model gave (by default: one that names the LLM engine), or a
    failure listing every attempt's engine and notes."""
    seen = []
    for _ in range(attempts):
        result = attempt()
        assert isinstance(result, Review | Answer)
        fell_back = note("offline", result.language) in result.notes
        if answered(result) if answered else result.engine == "llm":
            assert not fell_back
            return result
        seen.append((result.engine, result.notes))
    pytest.fail(f"no attempt came from the model: {seen}")


def test_review_comes_from_the_model_with_the_right_shape(services: Services) -> None:
    review = from_the_model(lambda: services.review.review(DRAFT), attempts=REVIEW_ATTEMPTS)
    assert review.language == "en"
    for finding in review.findings:
        assert DRAFT[finding.start : finding.end] == finding.evidence
        assert 1 <= finding.number <= 5
    assert "<!channel>" not in " ".join(f"{f.why} {f.rewrite}" for f in review.findings)


def test_a_long_plan_keeps_exact_offsets_whichever_engine_answers(services: Services) -> None:
    review = services.review.review(PLAN)
    assert review.language == "en"
    for finding in review.findings:
        assert PLAN[finding.start : finding.end] == finding.evidence


# A question the offline router places on misconception 5 (top score 1.00). The router picks the
# misconception and the model only words the answer (bot/llm/answer.py): the final answer keeps
# topic 5 whichever engine it names, and names the model only when the model cited 5 first,
# which the 135M model seldom does (in none of 12 tries here). What shows the model answered is
# the stream: its own text in pieces, and no offline note (a fallback shows the offline text as
# one block, with the note). That held in 11 of 12 tries, so four attempts failing together
# would be about 1 in 20,000.
ROUTED_QUESTION = "Ist Social Media für Unternehmen wirklich kostenlos?"


def test_answer_streams_from_the_model_then_keeps_the_routers_topic(
    services: Services, engine: OfflineEngine
) -> None:
    offline = engine.answer(ROUTED_QUESTION)
    assert offline.topic == 5  # the premise
    deltas: list[str] = []

    def stream() -> Answer:
        *pieces, final = services.answer.stream(ROUTED_QUESTION)
        deltas[:] = [piece for piece in pieces if isinstance(piece, str)]
        assert isinstance(final, Answer)
        return final

    def streamed_by_the_model(final: Answer) -> bool:
        fell_back = note("offline", final.language) in final.notes
        return not fell_back and len(deltas) >= 2 and "".join(deltas) != offline.text

    final = from_the_model(stream, streamed_by_the_model)
    assert final.language == "de"
    assert final.topic == 5
    if final.engine == "llm":
        assert final.citations[0].number == 5
        assert {c.number for c in final.citations} <= {1, 2, 3, 4, 5}
        assert final.text
    else:
        assert final.text == offline.text
