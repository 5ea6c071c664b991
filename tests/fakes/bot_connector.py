"""A fake Bot Connector (the Teams side of the Bot Framework REST API): a real HTTP server on
loopback that records the method, path, headers and JSON body of every call.

Give inbound activities `serviceUrl = fake.service_url`; the Agents SDK then sends every reply
and proactive message here (`POST {serviceUrl}v3/conversations/{id}/activities[/{replyToId}]`).
Also served: updating and deleting an activity, creating a conversation, members, and an Entra
token endpoint (`POST /{tenant}/oauth2/v2.0/token`) for clients that fetch one.

`fail(503, times=2)` answers the next two connector calls with that status (the token endpoint
is never failed), so retries and "recorded as failed" paths can be tested. `delay(seconds)`
records sent activities at once but answers them late (a process can die waiting).
"""

from __future__ import annotations

import itertools
import json
import re
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import unquote, urlsplit

from tests.fakes.loopback import RecordingServer

SERVICE_PREFIX = "/teams/"  # like https://smba.trafficmanager.net/teams/
_ACTIVITIES = re.compile(r"/v3/conversations/(?P<cid>[^/]+)/activities(?:/(?P<aid>[^/]+))?$")
_CONVERSATIONS = re.compile(r"/v3/conversations/?$")
_MEMBERS = re.compile(r"/v3/conversations/(?P<cid>[^/]+)/(?:pagedmembers|members)(?:/[^/]+)?$")
_TOKEN = re.compile(r"/[^/]+/oauth2/v2\.0/token$")


@dataclass(frozen=True)
class Call:
    method: str  # the HTTP verb
    path: str  # without the query, as sent (percent-encoding kept)
    body: Any  # the parsed JSON body; the raw text when it is not JSON; None when empty
    headers: dict[str, str]  # lower-case names
    status: int  # what the fake answered

    @property
    def conversation(self) -> str | None:
        match = _ACTIVITIES.search(self.path)
        return unquote(match.group("cid")) if match else None

    @property
    def reply_to(self) -> str | None:
        match = _ACTIVITIES.search(self.path)
        return unquote(match.group("aid")) if match and match.group("aid") else None

    @property
    def is_activity(self) -> bool:
        return self.method in {"POST", "PUT"} and _ACTIVITIES.search(self.path) is not None

    def attachments(self) -> list[dict[str, Any]]:
        body = self.body if isinstance(self.body, dict) else {}
        return list(body.get("attachments") or [])

    def cards(self) -> list[dict[str, Any]]:
        """The Adaptive Cards this call carries."""
        return [
            a["content"]
            for a in self.attachments()
            if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
        ]

    def all_text(self) -> str:
        return json.dumps(self.body, ensure_ascii=False)


class FakeBotConnector(RecordingServer[Call]):
    def __init__(self, host: str = "127.0.0.1") -> None:
        self._failures: list[int] = []
        self._delay = 0.0
        self._ids = itertools.count(1)
        super().__init__(self._handler(), host)

    @property
    def url(self) -> str:
        return self.base_url

    @property
    def service_url(self) -> str:
        """What inbound activities carry as `serviceUrl`."""
        return self.url + SERVICE_PREFIX

    @property
    def token_authority(self) -> str:
        return self.url + "/"

    # -- scripting and reading ------------------------------------------------------------
    def fail(self, status: int = 503, times: int = 1) -> None:
        with self._lock:
            self._failures.extend([status] * times)

    def delay(self, seconds: float) -> None:
        """Activities sent from now on are recorded at once but answered `seconds` later."""
        with self._lock:
            self._delay = seconds

    def wait_quiet(self, seconds: float = 0.3, timeout: float = 10.0) -> None:
        """Wait until no call came for `seconds`, before asserting that nothing more arrives."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while time.monotonic() < deadline:
                before = len(self.calls)
                self._lock.wait(seconds)
                if len(self.calls) == before:
                    return
        raise AssertionError("the fake Bot Connector never went quiet")

    def activities(self) -> list[Call]:
        """The activities the bot sent (replies, proactive posts, updates), oldest first."""
        with self._lock:
            return [c for c in self.calls if c.is_activity and c.status < 400]

    def sent(self, kind: str = "message") -> list[Call]:
        """Sent activities of one type (typing indicators are left out by default)."""
        return [
            c for c in self.activities() if isinstance(c.body, dict) and c.body.get("type") == kind
        ]

    def wait_for(self, count: int = 1, kind: str = "message", timeout: float = 10.0) -> list[Call]:
        """Wait until `count` activities of `kind` arrived; AssertionError after `timeout`."""

        def sent(calls: list[Call]) -> list[Call]:
            return [
                c
                for c in calls
                if c.is_activity
                and c.status < 400
                and isinstance(c.body, dict)
                and c.body.get("type") == kind
            ]

        return self._wait_for(sent, count, timeout, f"{kind} activities")

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()
            self._failures.clear()

    # -- serving --------------------------------------------------------------------------
    def _answer(self, verb: str, path: str) -> tuple[int, Any]:
        if verb == "POST" and _TOKEN.search(path):
            return 200, {"token_type": "Bearer", "expires_in": 3600, "access_token": "fake-token"}
        with self._lock:
            if self._failures:
                return self._failures.pop(0), {"error": {"code": "ServiceError", "message": "down"}}
        new_id = f"activity-{next(self._ids)}"
        if _ACTIVITIES.search(path):
            match = _ACTIVITIES.search(path)
            assert match is not None
            if verb == "DELETE":
                return 200, {}
            if verb == "PUT":
                return 200, {"id": unquote(match.group("aid") or new_id)}
            return 201, {"id": new_id}
        if verb == "POST" and _CONVERSATIONS.search(path):
            return 201, {"id": f"19:conversation-{new_id}", "activityId": new_id}
        if verb == "GET" and _MEMBERS.search(path):
            return 200, []
        return 404, {"error": {"code": "NotFound", "message": path}}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8") if length else ""
                try:
                    body: Any = json.loads(raw) if raw else None
                except json.JSONDecodeError:
                    body = raw
                path = urlsplit(self.path).path
                status, answer = fake._answer(self.command, path)
                headers = {k.lower(): v for k, v in self.headers.items()}
                call = Call(self.command, path, body, headers, status)
                fake._record(call)
                with fake._lock:
                    delay = fake._delay if call.is_activity else 0.0
                if delay:
                    time.sleep(delay)
                payload = json.dumps(answer).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:
                self._serve()

            def do_POST(self) -> None:
                self._serve()

            def do_PUT(self) -> None:
                self._serve()

            def do_DELETE(self) -> None:
                self._serve()

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: the calls are recorded instead

        return Handler
