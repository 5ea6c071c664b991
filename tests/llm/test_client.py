"""The LLM boundary against a real HTTP server on loopback: formats, retries, deadlines, logs."""

from __future__ import annotations

import json
import logging
import socket
import time

import pytest

from bot.llm.client import ChatRequest, Deadline
from bot.llm.errors import LLMOutputError, LLMRejectedError, LLMUnavailableError
from bot.llm.openai_compat import OpenAICompatibleClient
from bot.llm.retry import Backoff
from bot.llm.schemas import DraftReview, strict_schema
from tests.fakes.openai_server import FakeOpenAI, chat, error, raw, slow, without_json_schema
from tests.llm.conftest import API_KEY, FAST

SECRET_DRAFT = "Our confidential launch: comments off, no replies."
GOOD = json.dumps({"findings": []})


def request(max_tokens: int = 321) -> ChatRequest:
    return ChatRequest(
        task="review",
        system="You check drafts. Reply in JSON.",
        user=f"Draft:\n```\n{SECRET_DRAFT}\n```",
        schema=DraftReview,
        max_tokens=max_tokens,
    )


def client(
    fake: FakeOpenAI, timeout: float = 1.0, backoff: Backoff = FAST
) -> OpenAICompatibleClient:
    return OpenAICompatibleClient(
        model="test-model", base_url=fake.url, api_key=API_KEY, timeout=timeout, backoff=backoff
    )


def test_sends_a_strict_json_schema_request_with_a_token_cap(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(chat(GOOD))
    assert client(fake_openai).complete(request(), Deadline(2)) == GOOD
    (sent,) = fake_openai.chat_requests
    assert sent.body["model"] == "test-model"
    assert sent.body["max_tokens"] == 321
    assert [m["role"] for m in sent.messages] == ["system", "user"]
    assert sent.headers["authorization"] == f"Bearer {API_KEY}"
    response_format = sent.body["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["strict"] is True
    assert response_format["json_schema"]["schema"] == strict_schema(DraftReview)


def test_schema_is_strict_everywhere() -> None:
    def objects(node: object) -> list[dict[str, object]]:
        found = []
        if isinstance(node, dict):
            if node.get("type") == "object":
                found.append(node)
            for value in node.values():
                found += objects(value)
        elif isinstance(node, list):
            for value in node:
                found += objects(value)
        return found

    for schema in (strict_schema(DraftReview),):
        for node in objects(schema):
            assert node["additionalProperties"] is False
            assert set(node["required"]) == set(node["properties"])  # type: ignore[call-overload]


def test_honours_retry_after_on_429(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(error(429, "slow down", retry_after="1"), chat(GOOD))
    started = time.monotonic()
    assert client(fake_openai).complete(request(), Deadline(3)) == GOOD
    assert time.monotonic() - started >= 1.0  # the fast test backoff alone would be ~0.01 s
    assert len(fake_openai.chat_requests) == 2


def test_retry_after_beyond_the_deadline_gives_up_at_once(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(error(429, retry_after="30"), chat(GOOD))
    started = time.monotonic()
    with pytest.raises(LLMUnavailableError):
        client(fake_openai).complete(request(), Deadline(2))
    assert time.monotonic() - started < 0.5
    assert len(fake_openai.chat_requests) == 1


def test_retries_a_500_then_succeeds(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(error(500, "boom"), error(503, "busy"), chat(GOOD))
    assert client(fake_openai).complete(request(), Deadline(2)) == GOOD
    assert len(fake_openai.chat_requests) == 3


def test_gives_up_on_persistent_5xx_after_bounded_attempts(fake_openai: FakeOpenAI) -> None:
    fake_openai.default = error(500, "down")
    with pytest.raises(LLMUnavailableError):
        client(fake_openai).complete(request(), Deadline(2))
    assert len(fake_openai.chat_requests) == FAST.max_attempts


def test_the_openai_clients_own_retries_are_off(fake_openai: FakeOpenAI) -> None:
    fake_openai.default = error(500, "down")
    once = Backoff(initial=0.01, maximum=0.01, jitter=0, max_attempts=1)
    with pytest.raises(LLMUnavailableError):
        client(fake_openai, backoff=once).complete(request(), Deadline(2))
    assert len(fake_openai.chat_requests) == 1


@pytest.mark.parametrize(("status", "hint"), [(401, "OPENAI_API_KEY"), (404, "OPENAI_BASE_URL")])
def test_auth_and_not_found_fail_fast_with_one_clear_log_line(
    fake_openai: FakeOpenAI, caplog: pytest.LogCaptureFixture, status: int, hint: str
) -> None:
    fake_openai.default = error(status, f"Incorrect API key provided: {API_KEY}")
    caplog.set_level(logging.INFO, logger="bot.llm")
    with pytest.raises(LLMRejectedError) as raised:
        client(fake_openai).complete(request(), Deadline(2))
    assert raised.value.status == status
    assert len(fake_openai.chat_requests) == 1
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert hint in errors[0].getMessage()
    assert API_KEY not in caplog.text


def test_a_400_in_json_object_mode_fails_fast(fake_openai: FakeOpenAI) -> None:
    fake_openai.default = error(400, "bad request")
    with pytest.raises(LLMRejectedError):
        client(fake_openai).complete(request(), Deadline(2))
    # json_schema refused -> one try in json_object mode -> refused again: no more.
    assert [r.response_format for r in fake_openai.chat_requests] == ["json_schema", "json_object"]


def test_a_slow_server_is_cut_off_at_the_deadline(fake_openai: FakeOpenAI) -> None:
    fake_openai.default = slow(5, chat(GOOD))
    started = time.monotonic()
    with pytest.raises(LLMUnavailableError):
        client(fake_openai, timeout=0.3).complete(request(), Deadline(0.7))
    assert time.monotonic() - started < 1.2


def test_connection_refused_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    closed = OpenAICompatibleClient(
        model="m", base_url=f"http://127.0.0.1:{port}/v1", timeout=0.5, backoff=FAST
    )
    with pytest.raises(LLMUnavailableError):
        closed.complete(request(), Deadline(0.5))


def test_a_broken_json_body_is_an_output_error(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(raw(200, b'{"id": "x", "choices": [{"message": '))
    with pytest.raises((LLMOutputError, LLMUnavailableError)):
        client(fake_openai).complete(request(), Deadline(1))


def test_falls_back_to_json_object_and_remembers(fake_openai: FakeOpenAI) -> None:
    fake_openai.default = without_json_schema(chat(GOOD))
    llm = client(fake_openai)
    assert llm.complete(request(), Deadline(2)) == GOOD
    assert llm.complete(request(), Deadline(2)) == GOOD
    formats = [r.response_format for r in fake_openai.chat_requests]
    assert formats == ["json_schema", "json_object", "json_object"]


def test_switches_to_max_completion_tokens_when_asked(fake_openai: FakeOpenAI) -> None:
    refusal = error(
        400,
        "Unsupported parameter: 'max_tokens'. Use 'max_completion_tokens' instead.",
        param="max_tokens",
    )
    fake_openai.script(refusal, chat(GOOD))
    assert client(fake_openai).complete(request(), Deadline(2)) == GOOD
    second = fake_openai.chat_requests[1].body
    assert second["max_completion_tokens"] == 321
    assert "max_tokens" not in second
    assert second["response_format"]["type"] == "json_schema"


def test_logs_usage_but_never_the_text_or_the_key(
    fake_openai: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    fake_openai.script(chat(GOOD, prompt_tokens=111, completion_tokens=22))
    caplog.set_level(logging.DEBUG)
    client(fake_openai).complete(request(), Deadline(2))
    assert "prompt_tokens=111 completion_tokens=22" in caplog.text
    assert SECRET_DRAFT not in caplog.text
    assert API_KEY not in caplog.text


def test_streams_pieces_and_logs_usage(
    fake_openai: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    content = json.dumps({"misconceptions": [1], "text": "Reply to complaints in public."})
    fake_openai.script(chat(content, chunk_chars=5, prompt_tokens=77))
    caplog.set_level(logging.INFO, logger="bot.llm")
    pieces = list(client(fake_openai).stream(request(), Deadline(2)))
    assert len(pieces) > 3
    assert "".join(pieces) == content
    (sent,) = fake_openai.chat_requests
    assert sent.body["stream"] is True
    assert sent.body["stream_options"] == {"include_usage": True}
    assert "prompt_tokens=77" in caplog.text


def test_a_stream_slower_than_the_deadline_stops(fake_openai: FakeOpenAI) -> None:
    content = json.dumps({"misconceptions": [1], "text": "x" * 200})
    fake_openai.script(chat(content, chunk_chars=5, chunk_delay=0.05))
    started = time.monotonic()
    with pytest.raises(LLMUnavailableError):
        list(client(fake_openai).stream(request(), Deadline(0.5)))
    assert time.monotonic() - started < 1.0
