"""The OpenAI-compatible implementation of the LLM boundary (OpenAI, Azure, vLLM, Ollama,
llama.cpp, LM Studio — anything speaking chat completions at a base URL).

Structured output uses `response_format: json_schema` (strict). Servers that reject it get
`json_object` instead, and the choice is remembered; likewise `max_completion_tokens` for models
that refuse `max_tokens`. Usage is logged per request — never the prompt, the reply or the key.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Literal

import openai
from openai import OpenAI
from openai.types.chat import ChatCompletion

from bot.config import Settings
from bot.llm.client import ChatRequest, Deadline
from bot.llm.errors import LLMError, LLMOutputError, LLMRejectedError, LLMUnavailableError
from bot.llm.retry import Backoff, call_with_retries, is_transient
from bot.llm.schemas import strict_schema

if TYPE_CHECKING:
    from bot.observability.metrics import Metrics

log = logging.getLogger(__name__)
Format = Literal["json_schema", "json_object"]

# Local servers usually need no key, but the client insists on one; they ignore the header.
_NO_KEY = "not-needed"
_OPENAI_URL = "https://api.openai.com/v1"
_HINTS = {
    401: "authentication failed: check OPENAI_API_KEY",
    403: "permission denied: check OPENAI_API_KEY and the model's access",
    404: "not found: check OPENAI_BASE_URL and COACH_LLM_MODEL",
}
_KEYLIKE = re.compile(r"\b(?:sk|key)-[\w*-]+", re.IGNORECASE)


class OpenAICompatibleClient:
    def __init__(
        self,
        *,
        model: str,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = 20.0,
        backoff: Backoff | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self._model = model
        self._metrics = metrics
        self._timeout = timeout
        self._backoff = backoff or Backoff()
        # Explicit key and URL so the client never falls back to reading the environment itself.
        self._client = OpenAI(
            api_key=api_key or _NO_KEY,
            base_url=base_url or _OPENAI_URL,
            max_retries=0,
            timeout=timeout,
        )
        self._format: Format = "json_schema"
        self._limit_param = "max_tokens"

    @classmethod
    def from_settings(
        cls, settings: Settings, backoff: Backoff | None = None, metrics: Metrics | None = None
    ) -> OpenAICompatibleClient:
        key = settings.openai_api_key
        return cls(
            model=settings.llm_model,
            base_url=settings.openai_base_url,
            api_key=key.get_secret_value() if key else None,
            timeout=settings.llm_timeout,
            backoff=backoff,
            metrics=metrics,
        )

    @property
    def model(self) -> str:
        return self._model

    def complete(self, request: ChatRequest, deadline: Deadline) -> str:
        started = time.monotonic()
        try:
            content = self._complete(request, deadline, started)
        except LLMError as exc:
            self._observe(request, exc.reason, started)
            raise
        self._observe(request, "ok", started)
        return content

    def stream(self, request: ChatRequest, deadline: Deadline) -> Iterator[str]:
        started = time.monotonic()
        try:
            yield from self._stream(request, deadline, started)
        except LLMError as exc:
            self._observe(request, exc.reason, started)
            raise
        self._observe(request, "ok", started)

    def _retried(self, request: ChatRequest) -> Callable[[], None] | None:
        metrics = self._metrics
        if metrics is None:
            return None
        return lambda: metrics.llm_retry(request.task)

    def _observe(self, request: ChatRequest, outcome: str, started: float) -> None:
        if self._metrics is not None:
            self._metrics.llm_request(request.task, outcome, time.monotonic() - started)

    def _complete(self, request: ChatRequest, deadline: Deadline, started: float) -> str:
        response, mode = self._negotiate(request, deadline, stream=False)
        if not isinstance(response, ChatCompletion):  # e.g. an HTML error page from a proxy
            log.warning("llm %s reply was not a chat completion", request.task)
            raise LLMOutputError("the server did not answer with a chat completion")
        self._log_usage(request, mode, response.usage, started)
        choice = response.choices[0] if response.choices else None
        if choice is None or not choice.message.content:
            raise LLMOutputError("the reply had no content")
        if choice.finish_reason == "length":
            log.warning("llm %s reply hit max_tokens=%d", request.task, request.max_tokens)
        return str(choice.message.content)

    def _stream(self, request: ChatRequest, deadline: Deadline, started: float) -> Iterator[str]:
        chunks, mode = self._negotiate(request, deadline, stream=True)
        usage = None
        try:
            with chunks:
                for chunk in chunks:
                    if deadline.expired:
                        raise LLMUnavailableError("the deadline passed while streaming")
                    usage = chunk.usage or usage
                    for choice in chunk.choices:
                        if choice.delta.content:
                            yield choice.delta.content
        except openai.OpenAIError as exc:
            raise _as_llm_error(exc, request) from exc
        self._log_usage(request, mode, usage, started)

    def _log_usage(self, request: ChatRequest, mode: Format, usage: Any, started: float) -> None:
        prompt = getattr(usage, "prompt_tokens", None)
        completion = getattr(usage, "completion_tokens", None)
        log.info(
            "llm %s ok: format=%s prompt_tokens=%s completion_tokens=%s seconds=%.2f",
            request.task,
            mode,
            "?" if prompt is None else prompt,
            "?" if completion is None else completion,
            time.monotonic() - started,
        )
        if self._metrics is not None:
            self._metrics.llm_tokens_used(request.task, prompt, completion)

    def _negotiate(self, request: ChatRequest, deadline: Deadline, *, stream: bool) -> Any:
        """Send; after a 400/422 that another format or token parameter may fix, try that.

        What worked is remembered, so a server that lacks json_schema costs one extra request
        per process, not one per reply.
        """
        mode, param = self._format, self._limit_param
        for _ in range(3):  # as configured, then other token parameter, then json_object
            try:
                result = self._send(request, deadline, stream, mode, param)
            except (openai.BadRequestError, openai.UnprocessableEntityError) as exc:
                adapted = _adapt(exc, mode, param)
                if adapted is None:
                    raise _as_llm_error(exc, request) from exc
                log.warning(
                    "llm server refused %s/%s (%s); trying %s/%s",
                    mode,
                    param,
                    _summary(exc),
                    *adapted,
                )
                mode, param = adapted
                continue
            if (mode, param) != (self._format, self._limit_param):
                self._format, self._limit_param = mode, param
            return result, mode
        raise LLMRejectedError("the server refused every request format", 400)

    def _send(
        self, request: ChatRequest, deadline: Deadline, stream: bool, mode: Format, param: str
    ) -> Any:
        create: Any = self._client.chat.completions.create

        def attempt() -> Any:
            remaining = deadline.remaining()
            if remaining <= 0:
                raise LLMUnavailableError("the deadline passed before the request")
            options: dict[str, Any] = {
                "model": self._model,
                "messages": [
                    {"role": "system", "content": request.system},
                    {"role": "user", "content": request.user},
                ],
                "response_format": _response_format(request, mode),
                "stream": stream,
                "timeout": min(self._timeout, remaining),
                param: request.max_tokens,  # always capped: some servers otherwise fill the context
            }
            if stream:
                options["stream_options"] = {"include_usage": True}
            return create(**options)

        try:
            return call_with_retries(attempt, deadline, self._backoff, self._retried(request))
        except (openai.BadRequestError, openai.UnprocessableEntityError):
            raise  # _negotiate decides whether another format or parameter helps
        except openai.OpenAIError as exc:
            raise _as_llm_error(exc, request) from exc
        except ValueError as exc:  # the client could not decode the body (JSON or shape)
            log.warning("llm %s reply body unreadable: %s", request.task, type(exc).__name__)
            raise LLMOutputError("the server's reply body was not valid JSON") from exc


def _adapt(exc: openai.APIStatusError, mode: Format, param: str) -> tuple[Format, str] | None:
    """The next thing to try after the server refused this combination, if any."""
    if param == "max_tokens" and (
        exc.param == "max_tokens" or "max_completion_tokens" in str(exc.message)
    ):
        return mode, "max_completion_tokens"
    if mode == "json_schema":
        return "json_object", param
    return None


def _response_format(request: ChatRequest, mode: Format) -> dict[str, Any]:
    if mode == "json_object":
        return {"type": "json_object"}
    return {
        "type": "json_schema",
        "json_schema": {
            "name": request.schema.__name__.lower(),
            "strict": True,
            "schema": strict_schema(request.schema),
        },
    }


def _as_llm_error(exc: openai.OpenAIError, request: ChatRequest) -> LLMError:
    if is_transient(exc):
        log.warning("llm %s unavailable: %s; answering offline", request.task, _summary(exc))
        return LLMUnavailableError(_summary(exc))
    if isinstance(exc, openai.APIStatusError):
        log.error("llm %s refused: %s; answering offline", request.task, _summary(exc))
        return LLMRejectedError(_summary(exc), exc.status_code)
    log.warning("llm %s reply unreadable: %s; answering offline", request.task, _summary(exc))
    return LLMOutputError(_summary(exc))


def _summary(exc: openai.OpenAIError) -> str:
    if isinstance(exc, openai.APIStatusError):
        hint = _HINTS.get(exc.status_code)
        if hint:
            return f"HTTP {exc.status_code}, {hint}"
        detail = _KEYLIKE.sub("[redacted]", exc.message)[:200]
        return f"HTTP {exc.status_code}: {detail}"
    return type(exc).__name__ + (": timed out" if isinstance(exc, openai.APITimeoutError) else "")
