"""Web API and response_url calls over kept-alive connections.

slack_sdk's clients open a new connection (for Slack: a TCP and a TLS handshake) for every
call: urllib closes each one after its response. A job worker makes one or two calls per
reply, so each worker thread keeps its own connection per host open instead, and slack_sdk
does everything else as before (the request it builds, its retry handlers, its errors: a
status of 400 or more still reaches it as urllib's HTTPError).

A connection idle for longer than IDLE_SECONDS is closed rather than reused (servers drop
idle connections; a request sent into one that has just been dropped fails). If a reused
connection turns out closed before any answer came back, the request is sent once more on a
new one — what a browser does, and what slack_sdk's ConnectionErrorRetryHandler would do.
"""

from __future__ import annotations

import http.client
import io
import ssl
import threading
import time
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit
from urllib.request import Request

from slack_sdk import WebClient
from slack_sdk.errors import SlackRequestError
from slack_sdk.webhook import WebhookClient
from slack_sdk.webhook.internal_utils import _debug_log_response
from slack_sdk.webhook.webhook_response import WebhookResponse

IDLE_SECONDS = 30.0
# Raised when a kept-alive connection was closed by the server before it answered.
_CLOSED = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class Connections:
    """Each thread's open connections, by scheme, host and port. Thread-safe: nothing is
    shared between threads."""

    def __init__(self, context: ssl.SSLContext | None = None) -> None:
        self._local = threading.local()
        self._context = context
        self._opened: set[http.client.HTTPConnection] = set()  # every thread's, for `close`
        self._opened_lock = threading.Lock()
        self._closed = False

    def close(self) -> None:
        """Close every thread's connections (at shutdown); later requests still work, each
        on a connection of its own."""
        with self._opened_lock:
            opened, self._opened = self._opened, set()
            self._closed = True
        for connection in opened:
            connection.close()

    def request(self, req: Request, timeout: float) -> tuple[http.client.HTTPResponse, bytes]:
        """Send `req`; the response (already read) and its body."""
        url = urlsplit(req.full_url)
        path = url.path + (f"?{url.query}" if url.query else "")
        headers = dict(req.header_items())
        key = (url.scheme, url.netloc)
        for attempt in (1, 2):
            connection, reused = self._connection(key, timeout)
            try:
                try:
                    connection.request(
                        req.get_method(), path or "/", body=req.data, headers=headers
                    )
                except _CLOSED:
                    raise
                except OSError as exc:  # as urllib reports it: slack_sdk retries a URLError
                    raise URLError(exc) from exc
                response = connection.getresponse()
                body = response.read()
            except _CLOSED:
                self._drop(key, connection)
                if reused and attempt == 1:
                    continue
                raise
            except Exception:
                self._drop(key, connection)
                raise
            if self._closed:  # a job still running at shutdown: keep nothing open
                self._drop(key, connection)
            else:
                self._pool()[key] = (connection, time.monotonic())
            return response, body
        raise AssertionError("unreachable")  # pragma: no cover

    def _pool(self) -> dict[tuple[str, str], tuple[http.client.HTTPConnection, float]]:
        pool: dict[tuple[str, str], tuple[http.client.HTTPConnection, float]] | None
        pool = getattr(self._local, "pool", None)
        if pool is None:
            pool = self._local.pool = {}
        return pool

    def _connection(
        self, key: tuple[str, str], timeout: float
    ) -> tuple[http.client.HTTPConnection, bool]:
        found = self._pool().get(key)
        if found is not None:
            kept, used = found
            if time.monotonic() - used < IDLE_SECONDS and kept.sock is not None:
                kept.sock.settimeout(timeout)
                return kept, True
            self._drop(key, kept)
        scheme, netloc = key
        connection: http.client.HTTPConnection
        if scheme == "https":
            if self._context is None:
                self._context = ssl.create_default_context()
            connection = http.client.HTTPSConnection(netloc, timeout=timeout, context=self._context)
        elif scheme == "http":
            connection = http.client.HTTPConnection(netloc, timeout=timeout)
        else:
            raise SlackRequestError(f"Invalid URL detected: {scheme}://{netloc}")
        with self._opened_lock:
            self._opened.add(connection)
        return connection, False

    def _drop(self, key: tuple[str, str], connection: http.client.HTTPConnection) -> None:
        self._pool().pop(key, None)
        connection.close()
        with self._opened_lock:
            self._opened.discard(connection)


def _checked(req: Request, response: http.client.HTTPResponse, body: bytes) -> None:
    """Like urllib: a status of 400 or more is an HTTPError (slack_sdk reads it from there)."""
    if response.status >= 400:
        raise HTTPError(
            req.full_url, response.status, response.reason, response.msg, io.BytesIO(body)
        )


class KeepAliveWebClient(WebClient):
    """slack_sdk's WebClient over `connections` (unless a proxy is configured)."""

    def __init__(self, *args: Any, connections: Connections, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connections = connections

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        if self.proxy is not None:
            return super()._perform_urllib_http_request_internal(url, req)
        response, body = self.connections.request(req, self.timeout)
        _checked(req, response, body)
        if response.headers.get_content_type() == "application/gzip":
            return {"status": response.status, "headers": response.headers, "body": body}
        charset = response.headers.get_content_charset() or "utf-8"
        return {
            "status": response.status,
            "headers": response.headers,
            "body": body.decode(charset),
        }


class KeepAliveWebhookClient(WebhookClient):
    """slack_sdk's WebhookClient (response_url posts) over `connections`."""

    def __init__(self, *args: Any, connections: Connections, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connections = connections

    def _perform_http_request_internal(self, url: str, req: Request) -> WebhookResponse:
        if self.proxy is not None:
            found: WebhookResponse = super()._perform_http_request_internal(url, req)
            return found
        response, body = self.connections.request(req, self.timeout)
        _checked(req, response, body)
        charset = response.headers.get_content_charset() or "utf-8"
        result = WebhookResponse(
            url=url,
            status_code=response.status,
            body=body.decode(charset),
            headers=dict(response.headers.items()),
        )
        _debug_log_response(self.logger, result)
        return result
