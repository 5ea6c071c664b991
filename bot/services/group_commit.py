"""Group commit for the reply queue: acks that arrive together share one insert.

Two ways to run it (the queue's storage chooses, see bot/services/queue_backend.py): a committer
thread (GroupCommit) or the first waiting ack writing for the others (LeaderGroupCommit)."""

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


class _Follower:
    """One ack waiting for its batch: a lock held until the batch is committed, or until
    this ack is handed the batch to commit itself."""

    __slots__ = ("batch", "done", "error", "taken")

    def __init__(self) -> None:
        self.done = threading.Lock()
        self.done.acquire()
        self.error: Exception | None = None
        self.taken = False  # out of the pending list: its batch is being written
        self.batch: tuple[list[bytes], list[_Follower]] | None = None  # to write, as leader


class LeaderGroupCommit:
    """The same promise as GroupCommit, without the committer thread: an ack that finds no
    write going on writes its job at once, in its own thread; acks that arrive during a write
    wait, and when it ends the first of them writes them all. For a queue whose write is
    local and short (SQLite): one thread hand-off fewer per batch (the serving process's CPU
    per request fell by ~15 % in the burst benchmark). For a write that waits on the network
    (PostgreSQL) the committer thread did better: the leader's HTTP thread is held for the
    round trip."""

    def __init__(self, write: Callable[[list[bytes]], None]) -> None:
        self.write = write
        self._lock = threading.Lock()
        self._writing = False
        self._items: list[bytes] = []
        self._waiters: list[_Follower] = []

    def add(self, item: bytes) -> None:
        with self._lock:
            if not self._writing:
                self._writing = True
                waiter = None
            else:
                waiter = _Follower()
                self._items.append(item)
                self._waiters.append(waiter)
        if waiter is None:
            self._lead([item], [])
            return
        if not waiter.done.acquire(timeout=COMMIT_TIMEOUT):
            with self._lock:
                if not waiter.taken:
                    index = self._waiters.index(waiter)
                    del self._items[index], self._waiters[index]
                    raise TimeoutError("the job queue did not take the job in time")
            waiter.done.acquire()  # taken just now: its batch is being written
        if waiter.batch is not None:
            items, others = waiter.batch
            self._lead(items, others)
        elif waiter.error is not None:
            raise waiter.error

    def _lead(self, items: list[bytes], others: list[_Follower]) -> None:
        """Write `items` (this ack's and `others`'), release the others, hand the next batch
        to its first ack; raise this ack's error, if any."""
        error = None
        try:
            self.write(items)
        except Exception as exc:  # each ack of the batch raises it: its user hears of it
            error = exc
        for waiter in others:
            waiter.error = error
            waiter.done.release()
        with self._lock:
            if self._waiters:
                batch, waiters = self._items, self._waiters
                self._items, self._waiters = [], []
                for waiter in waiters:
                    waiter.taken = True
                waiters[0].batch = (batch, waiters[1:])
                waiters[0].done.release()
            else:
                self._writing = False
        if error is not None:
            raise error
