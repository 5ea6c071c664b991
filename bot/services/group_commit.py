"""Group commit for the reply queue: acks that arrive together share one insert."""

from __future__ import annotations

import threading
from collections.abc import Callable

COMMIT_TIMEOUT = 5.0  # seconds an ack waits for its job's insert (Slack allows 3 in all)


class _Batch:
    def __init__(self) -> None:
        self.items: list[bytes] = []
        self.done = threading.Event()
        self.error: Exception | None = None


class GroupCommit:
    """Acks that arrive together share one insert: each waits for the commit of the batch
    that holds its job (so an ack still means "queued durably"), and one thread commits
    batch after batch. Inserting one by one, the acks queued up for the database's lock."""

    def __init__(self, write: Callable[[list[bytes]], None]) -> None:
        self.write = write
        self._lock = threading.Condition()
        self._open = _Batch()
        self._thread: threading.Thread | None = None

    def add(self, item: bytes) -> None:
        with self._lock:
            batch = self._open
            batch.items.append(item)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="coach-jobs-commit")
                self._thread.daemon = True
                self._thread.start()
            self._lock.notify()
        if not batch.done.wait(COMMIT_TIMEOUT):
            raise TimeoutError("the job queue did not take the job in time")
        if batch.error is not None:
            raise batch.error

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._open.items:
                    self._lock.wait()
                batch, self._open = self._open, _Batch()
            try:
                self.write(batch.items)
            except Exception as exc:  # each waiting ack raises it: its user hears of it
                batch.error = exc
            batch.done.set()
