"""Acks first: slow work yields to requests that are still waiting for their ack.

One Python process acks and does the slow work, and they share one interpreter lock. Under a
burst, replies being rendered and posted would slow down the acks that Slack expects within
3 seconds. So work queued for the listener executor waits until no request is in flight, for
at most `max_wait` seconds, and a burst is acked at the framework's speed with its replies
coming right after. With a handful of requests a second, nothing ever waits.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from typing import Any

log = logging.getLogger(__name__)

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
        # One waiting task watches for quiet at a time; the others queue on this lock without
        # waking up, so a long queue of replies costs the acks nothing while it waits.
        self._turn = threading.Lock()

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
        if not self._turn.acquire(timeout=self.max_wait):
            return
        try:
            self._wait_until(deadline)
        finally:
            self._turn.release()

    def _wait_until(self, deadline: float) -> None:
        with self._changed:
            while True:
                now = time.monotonic()
                calm = self.quiet - (now - self._last)
                if (self._in_flight == 0 and calm <= 0) or now >= deadline:
                    return
                self._changed.wait(min(deadline - now, max(calm, self.quiet / 2)))


class ReplyPool(Executor):
    """The threads that run listeners' slow halves, after the ack (sized by COACH_WORKERS).

    `post` is the hand-off on the ack path, so it does as little as possible: one put on a
    lock-free queue. (A ThreadPoolExecutor's submit builds a Future and takes several
    Python-level locks, a quarter of an ack's time under load.) With a `gate`, each task first
    lets the requests in flight be acked. Threads start as work arrives, up to `workers`.
    """

    def __init__(self, workers: int, gate: AckGate | None = None, name: str = "coach") -> None:
        self.workers = workers
        self.gate = gate
        self.name = name
        self._tasks: queue.SimpleQueue[Callable[[], object] | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._start_lock = threading.Lock()
        self._closed = False

    def post(self, task: Callable[[], object]) -> None:
        """Run `task` on a worker; its errors are logged, never raised here."""
        if self._closed:
            raise RuntimeError("the reply pool is shut down")
        self._tasks.put(task)
        if len(self._threads) < self.workers:
            self._start_one()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """The Executor interface, for Bolt; the listeners use `post`."""
        future: Future[Any] = Future()

        def run() -> None:
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(*args, **kwargs))
                except BaseException as exc:  # handed to whoever waits on the future
                    future.set_exception(exc)

        self.post(run)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Queued work still runs unless `cancel_futures`; `wait` joins the workers."""
        with self._start_lock:
            self._closed = True
            if cancel_futures:
                while not self._tasks.empty():
                    self._tasks.get_nowait()
            for _ in self._threads:
                self._tasks.put(None)
        if wait:
            for thread in self._threads:
                thread.join()

    def _start_one(self) -> None:
        with self._start_lock:
            if len(self._threads) >= self.workers or self._closed:
                return
            thread = threading.Thread(
                target=self._work, name=f"{self.name}-{len(self._threads)}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def _work(self) -> None:
        while (task := self._tasks.get()) is not None:
            if self.gate is not None:
                self.gate.wait_quiet()
            try:
                task()
            except Exception:
                log.exception("slow listener work failed")
