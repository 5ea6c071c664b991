"""Kept-alive Slack connections: one connection per thread and host carries many calls;
slack_sdk's errors and retries behave as over urllib; a connection the server closed while
it was idle is replaced, and the request sent once."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.error import URLError

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import (
    ConnectionErrorRetryHandler,
    FixedValueRetryIntervalCalculator,
    RateLimitErrorRetryHandler,
)

from bot.slack.keepalive import Connections, KeepAliveWebClient, KeepAliveWebhookClient
from tests.fakes.slack_api import FakeSlack


@pytest.fixture
def connections() -> Iterator[Connections]:
    kept = Connections()
    yield kept
    kept.close()


def client(fake: FakeSlack, connections: Connections, **kwargs: object) -> KeepAliveWebClient:
    return KeepAliveWebClient(
        token="xoxb-test", base_url=fake.api_url, connections=connections, **kwargs
    )


def test_calls_share_one_connection(fake: FakeSlack, connections: Connections) -> None:
    web = client(fake, connections)
    for n in range(3):
        web.chat_postMessage(channel="C1", text=f"hello {n}")
    hook = KeepAliveWebhookClient(fake.response_url("r1"), connections=connections)
    assert hook.send(text="answer").status_code == 200
    assert [c.get("text") for c in fake.calls("chat.postMessage")] == [
        "hello 0",
        "hello 1",
        "hello 2",
    ]
    assert len(fake.calls("response_url")) == 1
    assert len(connections._opened) == 1, "one host, one thread: one connection"


def test_errors_and_retries_are_slack_sdks(fake: FakeSlack, connections: Connections) -> None:
    fake.fail("chat.postMessage", status=429, error="ratelimited", retry_after=0)
    web = client(fake, connections, retry_handlers=[RateLimitErrorRetryHandler()])
    web.chat_postMessage(channel="C1", text="after a 429")
    fake.fail("chat.postMessage", error="channel_not_found")
    with pytest.raises(SlackApiError) as raised:
        web.chat_postMessage(channel="C1", text="nowhere")
    assert raised.value.response["error"] == "channel_not_found"
    assert len(fake.calls("chat.postMessage")) == 3


class _ClosingHandler(BaseHTTPRequestHandler):
    """Answers, then drops the connection without saying so (an idle timeout's effect)."""

    protocol_version = "HTTP/1.1"
    seen: list[str]

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.seen.append(self.path)
        payload = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        self.close_connection = True


def test_a_dropped_idle_connection_is_replaced(connections: Connections) -> None:
    seen: list[str] = []
    handler = type("Handler", (_ClosingHandler,), {"seen": seen})
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/api/"
            web = KeepAliveWebClient(token="xoxb-test", base_url=url, connections=connections)
            for _ in range(3):
                assert web.chat_postMessage(channel="C1", text="hi")["ok"]
        finally:
            server.shutdown()
    assert seen == ["/api/chat.postMessage"] * 3, "each request arrived once"


def test_a_refused_connection_is_slack_sdks_connection_error(connections: Connections) -> None:
    """Refused like urllib's: a URLError, which slack_sdk's connection-error handler retries."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the probe is closed
    tries: list[int] = []

    class Counting(ConnectionErrorRetryHandler):
        def _can_retry(self, **kwargs: Any) -> bool:
            tries.append(1)
            return bool(super()._can_retry(**kwargs))

    handler = Counting(max_retry_count=2, interval_calculator=FixedValueRetryIntervalCalculator(0))
    web = KeepAliveWebClient(
        token="xoxb-test",
        base_url=f"http://127.0.0.1:{port}/api/",
        connections=connections,
        retry_handlers=[handler],
    )
    with pytest.raises(URLError):
        web.chat_postMessage(channel="C1", text="hi")
    assert len(tries) == 2, "judged retryable twice (max_retry_count), then raised"
