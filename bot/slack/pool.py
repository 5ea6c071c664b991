"""The thread pool for light work after the ack (Home tab, buttons, suggested prompts, busy
notices) and Bolt's listener executor. Replies themselves go through the job queue."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

log = logging.getLogger(__name__)


class ReplyPool(Executor):
    """Threads for light work after the ack (sized by COACH_WORKERS).

    `post` is the hand-off on the ack path, so it does as little as possible: one put on a
    lock-free queue. (A ThreadPoolExecutor's submit builds a Future and takes several
    Python-level locks, a quarter of an ack's time under load.) Threads start as work
    arrives, up to `workers`.
    """

    def __init__(self, workers: int, name: str = "coach") -> None:
        self.workers = workers
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
            try:
                task()
            except Exception:
                log.exception("slow listener work failed")
