"""A fake OpenAI-compatible server: a real HTTP server on 127.0.0.1 that speaks the chat
completions protocol (JSON and server-sent events) and records every request with its body.

    with FakeOpenAI() as fake:
        fake.script(chat('{"findings": []}'), error(429, retry_after="1"), slow(3, chat("{}")))
        client = OpenAI(base_url=fake.url, api_key="k", max_retries=0)

Each request takes the next scripted reply (then `default`, if given; else a 500 saying that
nothing was scripted). A `chat` reply streams by itself when the request asks for a stream.
Replies are small callables, so a test can write its own from the recorded request.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fakes.loopback import LoopbackServer


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    def message(self, role: str) -> str:
        return "\n".join(str(m.get("content")) for m in self.messages if m.get("role") == role)

    @property
    def response_format(self) -> str | None:
        value = self.body.get("response_format") or {}
        return value.get("type") if isinstance(value, dict) else None


class Exchange:
    """What a reply gets: the recorded request and a way to write the response."""

    def __init__(self, handler: _Handler, request: Recorded, stopping: threading.Event) -> None:
        self.handler = handler
        self.request = request
        self.stopping = stopping

    def send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.handler.send_response(status)
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        for name, value in all_headers.items():
            self.handler.send_header(name, value)
        self.handler.send_header("Content-Length", str(len(body)))
        self.handler.end_headers()
        self.handler.wfile.write(body)

    def send_json(self, status: int, value: object, headers: dict[str, str] | None = None) -> None:
        self.send(status, json.dumps(value).encode(), headers)

    def send_events(self, events: list[object], delay: float = 0.0) -> None:
        """Server-sent events, then [DONE]; the connection closes after them."""
        self.handler.close_connection = True
        self.handler.send_response(200)
        self.handler.send_header("Content-Type", "text/event-stream")
        self.handler.send_header("Connection", "close")
        self.handler.end_headers()
        for event in [*events, "[DONE]"]:
            data = event if isinstance(event, str) else json.dumps(event)
            self.handler.wfile.write(f"data: {data}\n\n".encode())
            self.handler.wfile.flush()
            if delay and self.wait(delay):
                return

    def wait(self, seconds: float) -> bool:
        """Sleep, but wake up when the server stops; True if it is stopping."""
        return self.stopping.wait(seconds)


Reply = Callable[[Exchange], None]


def chat(
    content: str,
    *,
    prompt_tokens: int = 120,
    completion_tokens: int = 30,
    finish_reason: str = "stop",
    chunk_chars: int = 7,
    chunk_delay: float = 0.0,
) -> Reply:
    """A completion with `content`; as SSE chunks of `chunk_chars` when a stream is asked for."""

    def reply(exchange: Exchange) -> None:
        body = exchange.request.body
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
        model = body.get("model", "fake")
        if not body.get("stream"):
            message = {"role": "assistant", "content": content}
            choice = {"index": 0, "message": message, "finish_reason": finish_reason}
            exchange.send_json(200, _completion("chat.completion", model, [choice], usage))
            return
        pieces = [content[i : i + chunk_chars] for i in range(0, len(content), chunk_chars)]
        events: list[object] = [
            _completion(
                "chat.completion.chunk",
                model,
                [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
            )
            for piece in pieces
        ]
        events.append(
            _completion(
                "chat.completion.chunk",
                model,
                [{"index": 0, "delta": {}, "finish_reason": finish_reason}],
            )
        )
        if (body.get("stream_options") or {}).get("include_usage"):
            events.append(_completion("chat.completion.chunk", model, [], usage))
        exchange.send_events(events, chunk_delay)

    return reply


def error(
    status: int,
    message: str = "scripted error",
    *,
    retry_after: str | None = None,
    code: str | None = None,
    param: str | None = None,
) -> Reply:
    """An OpenAI-style error body with `status` (and a Retry-After header if given)."""

    def reply(exchange: Exchange) -> None:
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        detail = {"message": message, "type": "invalid_request_error", "code": code, "param": param}
        exchange.send_json(status, {"error": detail}, headers)

    return reply


def raw(status: int, body: bytes, content_type: str = "application/json") -> Reply:
    """Exactly these bytes — e.g. a broken JSON body."""
    return lambda exchange: exchange.send(status, body, {"Content-Type": content_type})


def slow(seconds: float, then: Reply) -> Reply:
    """Wait `seconds` before replying (a client with a shorter timeout gives up first)."""

    def reply(exchange: Exchange) -> None:
        if not exchange.wait(seconds):
            then(exchange)

    return reply


def without_json_schema(then: Reply) -> Reply:
    """A weaker server: 400 for response_format json_schema, `then` for anything else."""

    def reply(exchange: Exchange) -> None:
        if exchange.request.response_format == "json_schema":
            error(400, "response_format json_schema is not supported")(exchange)
        else:
            then(exchange)

    return reply


def _completion(kind: str, model: str, choices: list[object], usage: object = None) -> object:
    value = {"id": "chatcmpl-fake", "object": kind, "created": int(time.time()), "model": model}
    return {**value, "choices": choices, **({"usage": usage} if usage else {})}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, keep-alive clients would wait
    # ~40 ms for a delayed ACK on every reply.
    disable_nagle_algorithm = True
    fake: FakeOpenAI

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length)
        try:
            body = json.loads(raw_body or b"{}")
        except json.JSONDecodeError:
            body = {"_unparsed": raw_body.decode("utf-8", "replace")}
        request = Recorded("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        self.fake._handle(self, request)

    def do_GET(self) -> None:
        request = Recorded("GET", self.path, {k.lower(): v for k, v in self.headers.items()}, {})
        self.fake._handle(self, request)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the tests read `fake.requests`, not the console


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that timed out and hung up is what several tests are about


class FakeOpenAI(LoopbackServer):
    server_class = _Server
    poll_interval = 0.02  # a quick shutdown: every test's teardown waits for it

    def __init__(self, default: Reply | None = None) -> None:
        self.default = default
        self.requests: list[Recorded] = []
        self._queue: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        super().__init__(type("Handler", (_Handler,), {"fake": self}))

    @property
    def url(self) -> str:
        return f"{self.base_url}/v1"

    def script(self, *replies: Reply) -> FakeOpenAI:
        with self._lock:
            self._queue.extend(replies)
        return self

    @property
    def chat_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def stop(self) -> None:
        self._stopping.set()  # a slow reply wakes up and ends instead of holding shutdown
        super().stop()

    close = stop

    def _handle(self, handler: _Handler, request: Recorded) -> None:
        with self._lock:
            self.requests.append(request)
            reply: Reply | None = error(404, f"unknown path {request.path}")
            if request.path.endswith("/chat/completions"):
                reply = self._queue.popleft() if self._queue else self.default
        if reply is None:
            reply = error(500, "fake: no reply scripted for this request")
        with contextlib.suppress(ConnectionError):
            reply(Exchange(handler, request, self._stopping))
