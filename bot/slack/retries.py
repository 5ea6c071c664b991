"""Slack calls that survive Slack's bad minutes: retried when a retry can help, counted always,
and logged when they finally fail — never a crash.

slack_sdk's retry handlers do the retrying; the coach adds three things. A handler that only
counts failed attempts (first in the list, it never retries itself). A cap on how long a 429's
Retry-After may hold a worker thread: slack_sdk would sleep whatever Slack asks, and a minute
per reply would soon leave no worker free. And `respond()` through the same handlers: Bolt's
own `respond` posts to the response_url with no retry on 429 or 5xx and says nothing when the
post fails.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from slack_bolt import BoltRequest, BoltResponse, Respond
from slack_bolt.middleware import Middleware
from slack_sdk.errors import SlackClientError
from slack_sdk.http_retry import (
    ConnectionErrorRetryHandler,
    HttpRequest,
    HttpResponse,
    RateLimitErrorRetryHandler,
    RetryHandler,
    RetryState,
)
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler
from slack_sdk.webhook import WebhookClient, WebhookResponse

from bot.slack.keepalive import Connections, KeepAliveWebhookClient

if TYPE_CHECKING:
    from collections.abc import Callable

    from bot.observability.metrics import Metrics

log = logging.getLogger(__name__)

RETRIES = 2  # per kind of failure: three attempts in all
MAX_RETRY_AFTER = 20  # seconds; a 429 asking for longer is not waited out (the reply is logged)
WEBHOOK_TIMEOUT = 10  # seconds per response_url post


class ObservingRetryHandler(RetryHandler):
    """Counts each failed attempt by method and reason; never asks for a retry itself."""

    def __init__(self, metrics: Metrics, method: str | None = None) -> None:
        super().__init__(max_retry_count=1 << 30)
        self.metrics = metrics
        self.method = method  # fixed for response_url clients; else read from the URL

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        reason = failure_reason(response, error)
        if reason is not None:
            method = self.method or urlsplit(request.url).path.rsplit("/", 1)[-1]
            self.metrics.slack_api_error(method, reason)
        return False


def failure_reason(response: HttpResponse | None, error: Exception | None) -> str | None:
    if response is None:
        return "connection" if error is not None else None
    if response.status_code == 429:
        return "rate_limited"
    if response.status_code >= 500:
        return "server_error"
    if response.status_code >= 400:
        return f"http_{response.status_code}"
    body = response.body if isinstance(response.body, dict) else {}
    if body.get("ok") is False:
        return str(body.get("error") or "not_ok")
    return None


class CappedRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """Waits out a 429's Retry-After only when it is short."""

    def __init__(self, max_retry_count: int = RETRIES, cap: int = MAX_RETRY_AFTER) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.cap = cap

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not super()._can_retry(state=state, request=request, response=response, error=error):
            return False
        wait = retry_after(response)
        if wait is not None and wait > self.cap:
            log.warning("Slack asked to wait %ss (over %ss); not retrying", wait, self.cap)
            return False
        return True


def retry_after(response: HttpResponse | None) -> int | None:
    if response is None:
        return None
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            try:
                return int(values[0])
            except ValueError:
                return None
    return None


def retry_handlers(metrics: Metrics | None, method: str | None = None) -> list[RetryHandler]:
    """Connection errors, 429 (short Retry-After) and 500/503, each retried twice."""
    handlers: list[RetryHandler] = [ObservingRetryHandler(metrics, method)] if metrics else []
    return [
        *handlers,
        ConnectionErrorRetryHandler(max_retry_count=RETRIES),
        CappedRateLimitRetryHandler(),
        ServerErrorRetryHandler(max_retry_count=RETRIES),
    ]


def webhook(
    url: str, handlers: list[RetryHandler], connections: Connections | None = None
) -> WebhookClient:
    if connections is not None:
        return KeepAliveWebhookClient(
            url, timeout=WEBHOOK_TIMEOUT, retry_handlers=handlers, connections=connections
        )
    return WebhookClient(url, timeout=WEBHOOK_TIMEOUT, retry_handlers=handlers)


class RetryingRespond(Respond):
    """Bolt's `respond`, with retries, and a log line when the post finally fails;
    with `connections`, over the calling thread's kept-alive connection (bot/slack/keepalive.py)."""

    def __init__(
        self,
        response_url: str | None,
        handlers: list[RetryHandler],
        connections: Connections | None = None,
    ) -> None:
        super().__init__(response_url=response_url)
        self._handlers = handlers
        self._connections = connections

    def __call__(self, *args: Any, **kwargs: Any) -> WebhookResponse:
        if not self.response_url or urlsplit(self.response_url).scheme not in {"https", "http"}:
            # Slack sends https://hooks.slack.com/…; anything else is forged or truncated. A
            # SlackClientError, like any failed Slack call, is what the listeners handle.
            raise SlackClientError("the request has no usable response_url")
        if args:
            kwargs["text"] = args[0]
        response = webhook(self.response_url, self._handlers, self._connections).send(**kwargs)
        if response.status_code != 200:
            log.warning(
                "a reply to a response_url was not delivered: HTTP %s", response.status_code
            )
        return response


class RetryingRespondMiddleware(Middleware):
    """Gives every listener a `respond` that retries (the listeners need no change)."""

    def __init__(self, handlers: list[RetryHandler]) -> None:
        self._handlers = handlers

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        req.context["respond"] = RetryingRespond(req.context.response_url, self._handlers)
        return next()
