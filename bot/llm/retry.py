"""The only retry policy in the coach: transient LLM failures, under one overall deadline.

Retried: 429 (waiting what Retry-After asks), 408/409, 5xx, timeouts and connection errors —
with exponential backoff and jitter. Not retried: other 4xx, which no retry can fix. The openai
client's own retries are off (max_retries=0), so nothing is retried twice.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import openai
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)
from tenacity.stop import stop_base

from bot.llm.client import Deadline

log = logging.getLogger(__name__)
T = TypeVar("T")

_RETRYABLE_STATUS = frozenset({408, 409, 429})
# An attempt with less time than this left cannot get an answer from any real model.
_MIN_ATTEMPT_SECONDS = 0.2


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with jitter; tests shrink it so failures take milliseconds."""

    initial: float = 0.5
    maximum: float = 8.0
    jitter: float = 0.5
    max_attempts: int = 5


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, openai.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in _RETRYABLE_STATUS or exc.status_code >= 500
    return False


def retry_after(exc: BaseException | None) -> float | None:
    """Seconds the server asked us to wait (Retry-After as seconds or HTTP date, or -ms)."""
    if not isinstance(exc, openai.APIStatusError):
        return None
    headers = exc.response.headers
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value) * scale)
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError):
                continue
            return max(0.0, when.timestamp() - time.time())
    return None


def call_with_retries(
    fn: Callable[[], T],
    deadline: Deadline,
    backoff: Backoff,
    on_retry: Callable[[], None] | None = None,
) -> T:
    """Run `fn`, retrying transient failures while the deadline leaves room for another try.

    Raises the last exception when giving up; the caller maps it to an `LLMError`.
    `on_retry` is told of every retry (metrics).
    """
    # wait_exponential + wait_random rather than wait_exponential_jitter, whose arguments
    # changed between the tenacity versions we allow.
    exponential = wait_exponential(multiplier=backoff.initial, max=backoff.maximum) + wait_random(
        0, backoff.jitter
    )

    def wait(state: RetryCallState) -> float:
        asked = retry_after(state.outcome.exception() if state.outcome else None)
        return asked if asked is not None else exponential(state)

    def before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        log.info(
            "llm attempt %d failed (%s); retrying in %.2fs",
            state.attempt_number,
            _describe(exc),
            state.upcoming_sleep,
        )
        if on_retry is not None:
            on_retry()

    retrying = Retrying(
        retry=retry_if_exception(is_transient),
        wait=wait,
        stop=stop_after_attempt(backoff.max_attempts) | _OutOfTime(deadline),
        before_sleep=before_sleep,
        reraise=True,
    )
    return retrying(fn)


class _OutOfTime(stop_base):
    """Stop when the wait before the next attempt would leave it too little of the deadline."""

    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline

    def __call__(self, retry_state: RetryCallState) -> bool:
        return self.deadline.remaining() - retry_state.upcoming_sleep < _MIN_ATTEMPT_SECONDS


def _describe(exc: BaseException | None) -> str:
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}"
    return type(exc).__name__
