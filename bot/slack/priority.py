"""Acks first: slow work yields to requests that are still waiting for their ack.

One Python process acks and does the slow work, and they share one interpreter lock. Under a
burst, replies being rendered and posted would slow down the acks that Slack expects within
3 seconds. So work queued for the listener executor waits until no request is in flight, for
at most `max_wait` seconds, and a burst is acked at the framework's speed with its replies
coming right after. With a handful of requests a second, nothing ever waits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

DEFAULT_MAX_WAIT = 2.0  # seconds a reply may be held back; far below Slack's patience
# Between two requests of a burst no request is in flight for a moment; "quiet" means none
# for this long.
QUIET_SECONDS = 0.02


class AckGate:
    def __init__(self, max_wait: float = DEFAULT_MAX_WAIT, quiet: float = QUIET_SECONDS) -> None:
        self.max_wait = max_wait
        self.quiet = quiet
        self._in_flight = 0
        self._last = 0.0  # when the last request ended
        self._changed = threading.Condition()

    @contextmanager
    def request(self) -> Iterator[None]:
        with self._changed:
            self._in_flight += 1
        try:
            yield
        finally:
            with self._changed:
                self._in_flight -= 1
                self._last = time.monotonic()
                # No notify: waiters poll every `quiet` seconds. Waking them all at the end of
                # every request of a burst would cost the acks more than it saves.

    def wait_quiet(self) -> None:
        deadline = time.monotonic() + self.max_wait
        with self._changed:
            while True:
                now = time.monotonic()
                calm = self.quiet - (now - self._last)
                if (self._in_flight == 0 and calm <= 0) or now >= deadline:
                    return
                self._changed.wait(min(deadline - now, max(calm, self.quiet / 2)))


class YieldingExecutor(ThreadPoolExecutor):
    """A thread pool whose tasks first let in-flight requests be acked."""

    def __init__(self, gate: AckGate, max_workers: int, thread_name_prefix: str = "") -> None:
        super().__init__(max_workers, thread_name_prefix=thread_name_prefix)
        self.gate = gate

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        def after_acks() -> Any:
            self.gate.wait_quiet()
            return fn(*args, **kwargs)

        return super().submit(after_acks)
