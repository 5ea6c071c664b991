"""The threads that run queued jobs: huey's consumer, embedded in our process, plus one thread
that beats the heart and sweeps the in-flight ledger (see bot/services/jobs.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from huey.consumer import Consumer, Worker

if TYPE_CHECKING:
    from bot.services.jobs import JobQueue

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 2.0


HOLD_POLL_SECONDS = 0.01  # how often a held worker looks again


class _HoldingWorker(Worker):  # type: ignore[misc]  # huey ships no type hints
    """Huey's worker thread that takes no job while `hold()` says so."""

    hold: Callable[[], bool] = staticmethod(lambda: False)

    def loop(self, now: Any = None) -> None:
        if self.hold():
            self.stop_flag.wait(HOLD_POLL_SECONDS)
            return
        super().loop(now)


class _EmbeddedConsumer(Consumer):  # type: ignore[misc]
    """Huey's consumer run from inside `coach serve`: the server owns the signals."""

    def __init__(self, *args: Any, hold: Callable[[], bool] | None = None, **kwargs: Any) -> None:
        if hold is not None:
            self.worker_class = type(
                "HoldingWorker", (_HoldingWorker,), {"hold": staticmethod(hold)}
            )
        super().__init__(*args, **kwargs)

    def _set_signal_handlers(self) -> None:
        pass


class Workers:
    """Huey's worker threads plus one thread that beats the heart and sweeps the ledger."""

    def __init__(self, queue: JobQueue, workers: int, hold: Callable[[], bool] | None) -> None:
        self.queue = queue
        # Workers poll: 5 ms after a job, backing off to 50 ms when idle (at most 50 ms of
        # added delay, and a few cheap indexed queries a second while nothing happens).
        self.consumer = _EmbeddedConsumer(
            queue.huey,
            workers=workers,
            periodic=False,
            initial_delay=0.005,
            backoff=1.5,
            max_delay=0.05,
            worker_type="thread",
            check_worker_health=False,
            hold=hold,
        )
        self._stop = threading.Event()
        self._sweeper = threading.Thread(target=self._sweep, name="coach-jobs-sweep", daemon=True)

    def start(self) -> None:
        self.queue.beat()
        self.consumer.start()
        self._sweeper.start()

    def stop(self, timeout: float | None) -> None:
        self.consumer.shutdown_timeout = timeout
        self.consumer.stop(graceful=True)
        self._stop.set()
        self._sweeper.join(HEARTBEAT_SECONDS * 2)

    def _sweep(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            try:
                self.queue.beat()
                self.queue.recover()
            except Exception:  # the queue's database is away; try again next beat
                log.exception("the job sweeper could not reach the queue")
