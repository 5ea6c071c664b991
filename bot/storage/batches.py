"""Writes that arrive together share one transaction: the job workers' usage rows and results
for Share.

Each caller still waits until its own item is committed, so a job that has returned has its
records in the database, as before; what changes is the number of transactions. With 8–16
worker threads, while one transaction is on its way the next few items gather, and the first
of their callers to get the turn writes them all (no thread of its own: a worker thread that
would wait anyway does the write). One by one, every record cost a transaction, a pooled
connection's check-out (and ping) and, on SQLite, the file's write lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class _Batch(Generic[T]):
    __slots__ = ("done", "error", "items")

    def __init__(self) -> None:
        self.items: list[T] = []
        self.done = False
        self.error: Exception | None = None


class WriteBatches(Generic[T]):
    """`add` returns once `write` has committed a batch holding the item; raises what the
    batch's `write` raised (every caller of that batch does)."""

    def __init__(self, write: Callable[[list[T]], object]) -> None:
        self.write = write
        self._lock = threading.Lock()  # guards the open batch
        self._turn = threading.Lock()  # one writer at a time
        self._open: _Batch[T] = _Batch()

    def add(self, item: T) -> None:
        with self._lock:
            batch = self._open
            batch.items.append(item)
        with self._turn:
            if not batch.done:  # nobody wrote it while we waited: our turn, with what gathered
                with self._lock:
                    self._open = _Batch()
                try:
                    self.write(batch.items)
                except Exception as exc:  # handed to every caller of the batch
                    batch.error = exc
                batch.done = True
        if batch.error is not None:
            raise batch.error
