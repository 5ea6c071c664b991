"""Group commit for the reply queue: acks that arrive together share one insert."""

from __future__ import annotations

import threading
from collections.abc import Callable

COMMIT_TIMEOUT = 5.0  # seconds an ack waits for its job's insert (Slack allows 3 in all)


class _Waiter:
    """One ack waiting for its batch: a lock held until the batch is committed. Each waiter
    is woken on its own (an Event's notify_all made every woken ack queue for one lock)."""

    __slots__ = ("done", "error")

    def __init__(self) -> None:
        self.done = threading.Lock()
        self.done.acquire()
        self.error: Exception | None = None


class GroupCommit:
    """Acks that arrive together share one insert: each waits for the commit of the batch
    that holds its job (so an ack still means "queued durably"), and one thread commits
    batch after batch. Inserting one by one, the acks queued up for the database's lock."""

    def __init__(self, write: Callable[[list[bytes]], None]) -> None:
        self.write = write
        self._lock = threading.Lock()
        self._items: list[bytes] = []
        self._waiters: list[_Waiter] = []
        self._wake = threading.Lock()  # released when the committer has work
        self._wake.acquire()
        self._thread: threading.Thread | None = None

    def add(self, item: bytes) -> None:
        waiter = _Waiter()
        with self._lock:
            self._items.append(item)
            self._waiters.append(waiter)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="coach-jobs-commit")
                self._thread.daemon = True
                self._thread.start()
            # Wake the committer unless a wake is already pending (only here, under the lock,
            # is it released, so the check cannot race another add).
            if self._wake.locked():
                self._wake.release()
        if not waiter.done.acquire(timeout=COMMIT_TIMEOUT):
            raise TimeoutError("the job queue did not take the job in time")
        if waiter.error is not None:
            raise waiter.error

    def _run(self) -> None:
        while True:
            self._wake.acquire()
            with self._lock:
                items, self._items = self._items, []
                waiters, self._waiters = self._waiters, []
            if not items:
                continue
            error = None
            try:
                self.write(items)
            except Exception as exc:  # each waiting ack raises it: its user hears of it
                error = exc
            for waiter in waiters:
                waiter.error = error
                waiter.done.release()
