"""A fake Slack Web API: a real HTTP server on loopback that answers like Slack and records
every call with its method AND its body.

Point a WebClient (or SLACK_API_URL) at `fake.api_url`. Response URLs (`respond()`) are served
too: give payloads `fake.response_url("name")` and calls arrive as method "response_url".
Script failures per method with `fail(...)` (a 429 with Retry-After, or an `ok: false` error),
and slow answers with `delay(...)`. Posted messages are kept per channel and served back by
conversations.history and conversations.replies (see `slack_messages.py`).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.loopback import LoopbackServer
from tests.fakes.slack_messages import MESSAGE_ANSWERS, remember, stored, thread

BOT_USER = "UBOT"


@dataclass(frozen=True)
class Call:
    method: str  # "chat.postMessage", or "response_url" for posts to a response URL
    path: str
    http_verb: str
    body: dict[str, Any]
    headers: dict[str, str]

    def __getitem__(self, key: str) -> Any:
        return self.body[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.body.get(key, default)

    def blocks(self) -> list[dict[str, Any]]:
        raw = self.body.get("blocks") or []
        return json.loads(raw) if isinstance(raw, str) else list(raw)

    def all_text(self) -> str:
        """Everything a person would read: the text, the blocks and any streamed markdown."""
        parts = [str(self.body.get("text") or ""), str(self.body.get("markdown_text") or "")]
        parts.append(json.dumps(self.blocks(), ensure_ascii=False))
        chunks = self.body.get("chunks")
        parts.append(chunks if isinstance(chunks, str) else json.dumps(chunks, ensure_ascii=False))
        view = self.body.get("view")
        parts.append(view if isinstance(view, str) else json.dumps(view, ensure_ascii=False))
        return "\n".join(parts)


@dataclass
class _Failure:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    times: int


@dataclass
class FakeSlackState:
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, list[_Failure]] = field(default_factory=dict)
    threads: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    locales: dict[str, str] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)  # user -> admin, owner, primary_owner
    condition: threading.Condition = field(default_factory=threading.Condition)
    ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by channel
    uploads: dict[str, dict[str, Any]] = field(default_factory=dict)  # files_upload_v2
    delays: dict[str, float] = field(default_factory=dict)  # method -> seconds
    installs: dict[str, dict[str, str]] = field(default_factory=dict)  # OAuth code -> team
    teams: dict[str, str] = field(default_factory=dict)  # bot token -> team id
    base_url: str = ""

    def new_ts(self) -> str:
        # Real seconds (history filters on `oldest`), a counter to keep them unique.
        return f"{int(time.time())}.{next(self.ts):06d}"


class _Server(ThreadingHTTPServer):
    # The standard library's backlog of 5 resets connections when a burst of replies arrives
    # (the load benchmark); Slack's API does not.
    request_queue_size = 128


class FakeSlack(LoopbackServer):
    """Start with `with FakeSlack() as fake:`; it listens on 127.0.0.1 on a free port."""

    server_class = _Server
    poll_interval = 0.05

    def __init__(self) -> None:
        self.state = FakeSlackState()
        super().__init__(type("Handler", (_Handler,), {"state": self.state}))
        self.state.base_url = self.base_url

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, name: str) -> str:
        return f"{self.base_url}/response/{name}"

    # -- scripting ------------------------------------------------------------------------
    def fail(
        self,
        method: str,
        *,
        status: int = 200,
        error: str = "internal_error",
        retry_after: int | None = None,
        times: int = 1,
        **fields: str,
    ) -> None:
        """The next `times` calls of `method` fail: HTTP `status` with {"ok": false, "error"}
        and any other `fields` Slack adds (e.g. `needed` for missing_scope)."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        failure = _Failure(status, {"ok": False, "error": error, **fields}, headers, times)
        with self.state.condition:
            self.state.failures.setdefault(method, []).append(failure)

    def delay(self, method: str, seconds: float) -> None:
        """Calls of `method` are carried out at once but answered `seconds` later (a slow
        Slack, or a process that dies while waiting for the answer)."""
        with self.state.condition:
            self.state.delays[method] = seconds

    def install(self, code: str, team: str, token: str) -> None:
        """oauth.v2.access with `code` installs the app in `team` with bot `token`."""
        with self.state.condition:
            self.state.installs[code] = {"team": team, "token": token}
            self.state.teams[token] = team

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """What was posted to `channel`, oldest first (thread replies included)."""
        with self.state.condition:
            return stored(self.state, channel)

    def uploaded(self, file_id: str) -> bytes:
        with self.state.condition:
            return bytes(self.state.uploads[file_id]["data"])

    def add_thread(self, channel: str, thread_ts: str, *messages: dict[str, Any]) -> None:
        with self.state.condition:
            self.state.threads[(channel, thread_ts)] = list(messages)

    def set_locale(self, user: str, locale: str) -> None:
        with self.state.condition:
            self.state.locales[user] = locale

    def set_role(self, user: str, role: str) -> None:
        """users.info says `user` is a workspace `admin`, `owner` or `primary_owner`: that one
        flag only (Slack usually sets `is_admin` for owners too), so a test shows each counts.
        `member` (everyone's default) sets none."""
        assert role in {*_ROLE_FLAGS, "member"}, role
        with self.state.condition:
            self.state.roles[user] = role

    # -- reading what arrived -------------------------------------------------------------
    def calls(self, method: str | None = None) -> list[Call]:
        with self.state.condition:
            return [c for c in self.state.calls if method is None or c.method == method]

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 10.0,
        where: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Block until `count` matching calls arrived (or fail after `timeout` seconds)."""
        deadline = time.monotonic() + timeout

        def matching() -> list[Call]:
            found = [c for c in self.state.calls if c.method == method]
            return [c for c in found if where is None or where(c)]

        with self.state.condition:
            while len(matching()) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.method for c in self.state.calls]
                    raise AssertionError(f"expected {count} x {method}; got calls {seen}")
                self.state.condition.wait(left)
            return matching()

    def wait_quiet(self, seconds: float = 0.3, timeout: float = 10.0) -> None:
        """Wait until no call came for `seconds`, before asserting that nothing more arrives."""
        deadline = time.monotonic() + timeout
        with self.state.condition:
            while time.monotonic() < deadline:
                before = len(self.state.calls)
                self.state.condition.wait(seconds)
                if len(self.state.calls) == before:
                    return
        raise AssertionError("the fake Slack API never went quiet")


class _Handler(BaseHTTPRequestHandler):
    state: FakeSlackState
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without this, Nagle and delayed ACKs hold
    # each answer back by up to 200 ms.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, verb: str) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length) if length else b""
        if url.path.startswith("/upload/"):  # files_upload_v2's second step: the raw bytes
            self._upload(url.path.removeprefix("/upload/"), data)
            return
        raw = data.decode("utf-8")
        body = dict(parse_qsl(url.query, keep_blank_values=True))
        body.update(_parse(raw, self.headers.get("Content-Type") or ""))
        if url.path.startswith("/response/"):
            method = "response_url"
        else:
            method = url.path.removeprefix("/api/")
        call = Call(method, url.path, verb, body, {k.lower(): v for k, v in self.headers.items()})
        with self.state.condition:
            self.state.calls.append(call)
            status, answer, headers = self._answer(call)
            self.state.condition.notify_all()
            delay = self.state.delays.get(method, 0.0)
        if delay:
            time.sleep(delay)
        self._send(status, json.dumps(answer).encode(), headers)

    def _upload(self, file_id: str, data: bytes) -> None:
        with self.state.condition:
            found = self.state.uploads.get(file_id)
            if found is not None:
                found["data"] = data
            self.state.condition.notify_all()
        self._send(200 if found is not None else 404, f"OK - {len(data)}".encode(), {})

    def _send(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client is gone (a test killed it mid-call): nothing to answer

    def _answer(self, call: Call) -> tuple[int, dict[str, Any], dict[str, str]]:
        scripted = self.state.failures.get(call.method)
        if scripted:
            failure = scripted[0]
            failure.times -= 1
            if failure.times <= 0:
                scripted.pop(0)
            return failure.status, failure.body, failure.headers
        # oauth.v2.access authenticates with the client id and secret, not a token.
        if call.method not in {"response_url", "oauth.v2.access"} and not call.headers.get(
            "authorization", ""
        ).startswith("Bearer xox"):
            return 200, {"ok": False, "error": "not_authed"}, {}
        token = call.headers.get("authorization", "").removeprefix("Bearer ")
        body = {**call.body, "_token": token}  # auth.test answers for the token's workspace
        return 200, _ANSWERS.get(call.method, _unknown)(self.state, body), {}


def _parse(raw: str, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if "json" in content_type:
        parsed = json.loads(raw)
        return parsed if isinstance(parsed, dict) else {"_json": parsed}
    return dict(parse_qsl(raw, keep_blank_values=True))


def _ts(state: FakeSlackState) -> str:
    return state.new_ts()


def _unknown(state: FakeSlackState, body: dict[str, Any]) -> dict[str, Any]:
    return {"ok": False, "error": "unknown_method"}


def _ok(state: FakeSlackState, body: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True}


def _post(state: FakeSlackState, body: dict[str, Any]) -> dict[str, Any]:
    ts = _ts(state)
    message = {"type": "message", "text": body.get("text", ""), "user": BOT_USER, "ts": ts}
    for key in ("thread_ts", "metadata", "blocks"):
        if body.get(key):
            message[key] = body[key]
    remember(state, str(body.get("channel")), message)
    return {"ok": True, "channel": body.get("channel"), "ts": ts, "message": message}


def _replies(state: FakeSlackState, body: dict[str, Any]) -> dict[str, Any]:
    messages = state.threads.get((body.get("channel", ""), body.get("ts", "")))
    if messages is None:
        messages = thread(state, str(body.get("channel", "")), str(body.get("ts", "")))
    if messages is None:
        return {"ok": False, "error": "thread_not_found"}
    limit = int(body.get("limit") or 1000)
    return {"ok": True, "messages": messages[:limit], "has_more": len(messages) > limit}


# The flag users.info sets for each role; everyone else gets all three false.
_ROLE_FLAGS = {"admin": "is_admin", "owner": "is_owner", "primary_owner": "is_primary_owner"}


def _user(state: FakeSlackState, body: dict[str, Any]) -> dict[str, Any]:
    user: dict[str, Any] = {"id": body.get("user"), "name": "someone", "tz": "Europe/Rome"}
    flag = _ROLE_FLAGS.get(state.roles.get(str(body.get("user")), ""))
    user |= {name: name == flag for name in _ROLE_FLAGS.values()}
    if str(body.get("include_locale")).lower() in {"1", "true"}:
        user["locale"] = state.locales.get(str(body.get("user")), "en-US")
    return {"ok": True, "user": user}


def _view(state: FakeSlackState, body: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True, "view": {"id": f"V{next(state.ts)}"}}


def _auth(state: FakeSlackState, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "ok": True,
        "url": "https://fake.slack.test/",
        "team": "Fake",
        "user": "coach",
        "team_id": state.teams.get(str(body.get("_token")), "T111"),
        "user_id": BOT_USER,
        "bot_id": "BBOT",
        "is_enterprise_install": False,
    }


def _stream_start(state: FakeSlackState, body: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True, "channel": body.get("channel"), "ts": _ts(state)}


_ANSWERS: dict[str, Callable[[FakeSlackState, dict[str, Any]], dict[str, Any]]] = {
    "auth.test": _auth,
    "chat.postMessage": _post,
    "chat.postEphemeral": lambda state, body: {"ok": True, "message_ts": _ts(state)},
    "chat.update": lambda state, body: {
        "ok": True,
        "channel": body.get("channel"),
        "ts": body.get("ts"),
    },
    "chat.startStream": _stream_start,
    "chat.appendStream": _ok,
    "chat.stopStream": _ok,
    "conversations.replies": _replies,
    "users.info": _user,
    "views.open": _view,
    "views.publish": _view,
    "assistant.threads.setSuggestedPrompts": _ok,
    "assistant.threads.setStatus": _ok,
    "assistant.threads.setTitle": _ok,
    "response_url": _ok,
    **MESSAGE_ANSWERS,
}
