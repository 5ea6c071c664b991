"""The server half every fake shares: a real HTTP server on 127.0.0.1, on a free port the
kernel picks, serving from its own daemon thread; started and stopped by the test or used as
a context. `RecordingServer` also keeps the calls that arrived, under one condition that a
test can wait on.

Each fake brings its own request handler (what it answers) and, where it needs one, its own
server class (a longer listen backlog, quiet disconnects) or a shorter poll interval (a quick
shutdown in every test's teardown).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar, Generic, Self, TypeVar

CallT = TypeVar("CallT")


class LoopbackServer:
    server_class: ClassVar[type[ThreadingHTTPServer]] = ThreadingHTTPServer
    poll_interval: ClassVar[float] = 0.5  # serve_forever's own default

    def __init__(self, handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1") -> None:
        self._server = self.server_class((host, 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": self.poll_interval},
            daemon=True,
        )

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"


class RecordingServer(LoopbackServer, Generic[CallT]):
    """A loopback server that keeps every call its handler hands to `_record`, oldest first."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1") -> None:
        self.calls: list[CallT] = []
        self._lock = threading.Condition()
        super().__init__(handler, host)

    def _record(self, call: CallT) -> None:
        with self._lock:
            self.calls.append(call)
            self._lock.notify_all()

    def _wait_for(
        self, select: Callable[[list[CallT]], list[CallT]], count: int, timeout: float, what: str
    ) -> list[CallT]:
        """Wait until `select(calls)` finds `count` calls; AssertionError after `timeout`."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = select(self.calls)
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} {what}, got {len(found)}")
                self._lock.wait(left)
