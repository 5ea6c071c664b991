"""The database may go away; the replies must not, and the usage events must not be lost.

`UsageOutbox`: a usage event that cannot be written waits — in memory and in a spool file
under COACH_DATA_DIR — and a background thread writes the waiting events, oldest first, once
the database answers again. The spool file belongs to one process (an exclusive lock); at
start-up a process adopts the files of processes that died with events still waiting, so a
crash or a restart during an outage loses nothing either. Delivery is at least once: a write
whose commit succeeded but whose answer was lost is written again.

`FallbackDedupStore`: claims go to the database (shared by every replica); while it is
unreachable, this process's memory decides, so people still get their replies (another
replica could then answer a re-delivered event twice: better than answering none).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from bot.services.dedup import DedupStore, InMemoryDedupStore
from bot.services.usage import UsageService
from bot.storage.db import Database
from bot.storage.records import UsageRecord, add_usage

if TYPE_CHECKING:
    from bot.observability.metrics import Metrics

log = logging.getLogger(__name__)

RETRY_SECONDS = (1.0, 2.0, 5.0, 10.0, 30.0)  # waits between flush attempts, the last repeats
SPOOL_FOLDER = "outbox"


class UsageOutbox:
    def __init__(
        self,
        write: Callable[[UsageRecord], None],
        spool_dir: Path,
        metrics: Metrics | None = None,
        retry: Sequence[float] = RETRY_SECONDS,
    ) -> None:
        self._write = write
        self._metrics = metrics
        self._retry = tuple(retry)
        self._pending: deque[UsageRecord] = deque()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closed = threading.Event()
        self._spool_dir = spool_dir
        self._path = spool_dir / f"usage-{os.getpid()}-{uuid.uuid4().hex[:8]}.jsonl"
        # Created on the first event that has to wait: while the database answers, the outbox
        # costs no file and no thread.
        self._file: IO[str] | None = None
        self._spool_broken = False
        self._thread: threading.Thread | None = None
        with self._lock:
            self._adopt_orphans()

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    def add(self, record: UsageRecord) -> None:
        """Write now if nothing is waiting (order is kept), else queue behind the others."""
        with self._lock:
            if not self._pending and self._try(record):
                self._count("written")
                return
            self._queue(record)
        self._wake.set()

    def flush(self) -> int:
        """Write what waits, oldest first, until the database fails again; returns how many."""
        written = 0
        with self._lock:
            while self._pending and self._try(self._pending[0]):
                self._pending.popleft()
                written += 1
            if written:
                self._rewrite_spool()
                self._count("flushed", written)
                log.info("wrote %d usage events that waited for the database", written)
            self._gauge()
        return written

    def close(self) -> None:
        """One last attempt; what still waits stays in the spool for the next process."""
        self._closed.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.flush()
        with self._lock:
            if self._file is not None:
                self._file.close()  # releases the lock: an orphan now, if anything waits
                self._file = None
            if not self._pending:
                self._path.unlink(missing_ok=True)

    # -- internals ----------------------------------------------------------------------------
    def _try(self, record: UsageRecord) -> bool:
        try:
            self._write(record)
        except SQLAlchemyError as exc:
            if not self._pending:  # once per outage, not once per event
                log.warning("database unavailable (%s); usage events wait", type(exc).__name__)
            return False
        return True

    def _queue(self, record: UsageRecord) -> None:
        self._pending.append(record)
        self._start()
        if self._file is not None:
            self._file.write(_dump(record) + "\n")
            self._sync()
        self._count("queued")
        self._gauge()

    def _rewrite_spool(self) -> None:
        if self._file is not None:
            self._file.seek(0)
            self._file.truncate()
            self._file.writelines(_dump(record) + "\n" for record in self._pending)
            self._sync()

    def _sync(self) -> None:
        assert self._file is not None
        self._file.flush()
        os.fsync(self._file.fileno())  # the point of the spool: on disk before we go on

    def _start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="coach-outbox", daemon=True)
            self._thread.start()
        if self._file is None and not self._spool_broken and not self._closed.is_set():
            try:
                self._spool_dir.mkdir(parents=True, exist_ok=True)
                self._file = self._open_own(self._path)
            except OSError as exc:
                log.error(
                    "cannot write the outbox spool in %s (%s); waiting events are kept in "
                    "memory only: make COACH_DATA_DIR writable",
                    self._spool_dir,
                    exc.strerror or exc,
                )
                self._spool_broken = True

    def _run(self) -> None:
        attempt = 0
        while not self._closed.is_set():
            self._wake.wait(self._retry[min(attempt, len(self._retry) - 1)])
            self._wake.clear()
            if self._closed.is_set():
                return
            try:
                self.flush()
            except Exception:  # the thread must outlive any surprise; it is logged
                log.exception("the usage outbox failed to flush")
            attempt = attempt + 1 if self.pending else 0

    def _open_own(self, path: Path) -> IO[str]:
        handle = path.open("a+", encoding="utf-8")
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return handle

    def _adopt_orphans(self) -> None:
        """Events of processes that stopped while the database was away become ours."""
        if not self._spool_dir.is_dir():
            return
        for path in sorted(self._spool_dir.glob("usage-*.jsonl")):
            if path == self._path:
                continue
            with path.open("r+", encoding="utf-8") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a live process owns it
                records = [_load(line) for line in handle if line.strip()]
                for record in records:
                    self._queue(record)
            path.unlink()
            if records:
                log.info("adopted %d waiting usage events from %s", len(records), path.name)
        if self._pending:
            self._wake.set()

    def _count(self, outcome: str, amount: int = 1) -> None:
        if self._metrics is not None:
            self._metrics.usage_event(outcome, amount)

    def _gauge(self) -> None:
        if self._metrics is not None:
            self._metrics.usage_pending.set(len(self._pending))


def _dump(record: UsageRecord) -> str:
    data: dict[str, Any] = asdict(record)
    data["at"] = record.at.isoformat()
    return json.dumps(data, ensure_ascii=False)


def _load(line: str) -> UsageRecord:
    data = json.loads(line)
    data["at"] = datetime.fromisoformat(data["at"])
    data["traps"] = tuple(data.get("traps") or ())
    return UsageRecord(**data)


class DurableUsageService(UsageService):
    """UsageService whose writes go through the outbox instead of being dropped on failure."""

    def __init__(self, outbox: UsageOutbox, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outbox = outbox

    def _save(self, record: UsageRecord) -> None:
        # The record UsageService builds, kept in the outbox until the database takes it.
        self.outbox.add(record)


class FallbackDedupStore:
    def __init__(self, primary: DedupStore, local: DedupStore | None = None) -> None:
        self.primary = primary
        self.local = local or InMemoryDedupStore()
        self._down = False

    def claim(self, keys: Sequence[str]) -> bool:
        try:
            claimed = self.primary.claim(keys)
        except SQLAlchemyError as exc:
            self._note_down(exc)
            return self.local.claim(keys)
        self._down = False
        if not claimed:
            return False
        # Also remembered here: an event answered from memory during an outage is then known
        # when Slack re-delivers it after the database is back (the database never saw it).
        return self.local.claim(keys)

    def release(self, keys: Sequence[str]) -> None:
        self.local.release(keys)
        try:
            self.primary.release(keys)
        except SQLAlchemyError as exc:
            self._note_down(exc)

    def _note_down(self, exc: SQLAlchemyError) -> None:
        if not self._down:
            log.warning("database unavailable (%s); de-duplicating in memory", type(exc).__name__)
        self._down = True


def durable_usage(
    database: Database, data_dir: Path, *, store_text: bool, metrics: Metrics | None = None
) -> DurableUsageService:
    """What servers record usage with: the database, through an outbox."""
    outbox = UsageOutbox(
        lambda record: add_usage(database, record), data_dir / SPOOL_FOLDER, metrics
    )
    return DurableUsageService(outbox, database, store_text=store_text)
