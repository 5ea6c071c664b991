"""Group commit: writes that arrive together share one transaction.

Each caller of `add` returns only once a committed batch holds its item, so "added" still
means "in the database"; a failed write raises its error in every caller of that batch, and
the next batch is written as usual. What changes is the number of transactions: while one is
on its way, the next items gather and go together. One by one, every item cost a transaction,
a pooled connection's check-out and, on SQLite, the file's write lock, and the callers queued
up for that lock.

Who writes a batch is the one choice, made per use:

- `committer="thread"` — a thread of its own writes batch after batch, and each caller waits
  on a lock of its own (one wake-up each). For the acks (bot/services/jobs.py): an HTTP thread
  that wrote the batch itself would be held for the round trip while its own response waits,
  which measured worse under a burst (docs/scaling.md); a caller gives up after `timeout`.
- `committer="caller"` — the first caller to get the turn writes what has gathered, no thread
  of its own. For the job workers' records (usage rows, Share results): a worker thread would
  wait for the commit anyway, so it may as well do the write.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, Literal, TypeVar

T = TypeVar("T")

COMMIT_TIMEOUT = 5.0  # seconds an ack waits for its job's insert (Slack allows 3 in all)


class _Batch(Generic[T]):
    __slots__ = ("done", "error", "items", "waiters")

    def __init__(self) -> None:
        self.items: list[T] = []
        self.waiters: list[threading.Lock] = []  # committer="thread": one per caller
        self.done = False
        self.error: Exception | None = None


class GroupCommit(Generic[T]):
    """`add` returns once `write` has committed a batch holding the item, and raises what
    that batch's `write` raised (every caller of the batch does)."""

    def __init__(
        self,
        write: Callable[[list[T]], object],
        *,
        committer: Literal["thread", "caller"],
        timeout: float = COMMIT_TIMEOUT,
        name: str = "coach-group-commit",
    ) -> None:
        self.write = write
        self.committer = committer
        self.timeout = timeout
        self._name = name
        self._lock = threading.Lock()  # guards the open batch
        self._open: _Batch[T] = _Batch()
        self._turn = threading.Lock()  # committer="caller": one writer at a time
        self._wake = threading.Lock()  # committer="thread": released when there is work
        self._wake.acquire()
        self._thread: threading.Thread | None = None

    def add(self, item: T) -> None:
        batch = self._wait_in_thread(item) if self.committer == "thread" else self._write(item)
        if batch.error is not None:
            raise batch.error

    # -- committer="caller" -------------------------------------------------------------
    def _write(self, item: T) -> _Batch[T]:
        with self._lock:
            batch = self._open
            batch.items.append(item)
        with self._turn:
            if not batch.done:  # nobody wrote it while we waited: our turn, with what gathered
                with self._lock:
                    self._open = _Batch()
                self._commit(batch)
        return batch

    # -- committer="thread" -------------------------------------------------------------
    def _wait_in_thread(self, item: T) -> _Batch[T]:
        done = threading.Lock()
        done.acquire()
        with self._lock:
            batch = self._open
            batch.items.append(item)
            batch.waiters.append(done)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            # Wake the committer unless a wake is already pending (only here, under the lock,
            # is it released, so the check cannot race another add).
            if self._wake.locked():
                self._wake.release()
        if not done.acquire(timeout=self.timeout):
            raise TimeoutError("the database did not take the write in time")
        return batch

    def _run(self) -> None:
        while True:
            self._wake.acquire()
            with self._lock:
                batch, self._open = self._open, _Batch()
            if not batch.items:
                continue
            self._commit(batch)
            for done in batch.waiters:
                done.release()

    def _commit(self, batch: _Batch[T]) -> None:
        try:
            self.write(batch.items)
        except Exception as exc:  # handed to every caller of the batch
            batch.error = exc
        batch.done = True
