"""An outbox for records the database must not lose: they wait while it is unreachable.

A record that cannot be written waits — in memory and in a spool file under COACH_DATA_DIR —
and a background thread writes the waiting records, oldest first, once the database answers
again. The spool file belongs to one process (an exclusive lock); at start-up a process adopts
the files of processes that died with records still waiting, so a crash or a restart during an
outage loses nothing either. Delivery is at least once: a write whose commit succeeded but
whose answer was lost is written again.

Any record type works: the outbox takes the function that writes one and a codec that turns
one into a line of the spool and back (`RecordCodec` for frozen dataclasses).
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
from typing import IO, TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

log = logging.getLogger(__name__)

RETRY_SECONDS = (1.0, 2.0, 5.0, 10.0, 30.0)  # waits between flush attempts, the last repeats

R = TypeVar("R")
D = TypeVar("D", bound="DataclassInstance")


class Codec(Protocol[R]):
    """One record as one line of the spool file, and back."""

    def dump(self, record: R) -> str: ...

    def load(self, line: str) -> R: ...


class Tally(Protocol):
    """Where an outbox reports what it did (metrics), if anywhere."""

    def counted(self, outcome: str, amount: int) -> None:
        """`outcome`: written (at once), queued (to wait), flushed (written after waiting)."""

    def waiting(self, pending: int) -> None: ...


class RecordCodec(Generic[D]):
    """JSON for a frozen dataclass of plain values, datetimes (as ISO 8601) and tuples."""

    def __init__(
        self, kind: type[D], *, times: tuple[str, ...] = ("at",), tuples: tuple[str, ...] = ()
    ) -> None:
        self._kind = kind
        self._times = times
        self._tuples = tuples

    def dump(self, record: D) -> str:
        data: dict[str, Any] = asdict(record)
        for name in self._times:
            data[name] = getattr(record, name).isoformat()
        return json.dumps(data, ensure_ascii=False)

    def load(self, line: str) -> D:
        data = json.loads(line)
        for name in self._times:
            data[name] = datetime.fromisoformat(data[name])
        for name in self._tuples:
            data[name] = tuple(data.get(name) or ())
        return self._kind(**data)


class Outbox(Generic[R]):
    """Records of one kind that wait for the database, written oldest first once it is back.

    `kind` names the spool files (`<kind>-<pid>-<random>.jsonl`, so each kind adopts only its
    own orphans) and `what` the log lines; `codec` turns a record into one line and back.
    """

    def __init__(
        self,
        kind: str,
        write: Callable[[R], object],
        codec: Codec[R],
        spool_dir: Path,
        *,
        what: str = "records",
        tally: Tally | None = None,
        retry: Sequence[float] = RETRY_SECONDS,
    ) -> None:
        self._kind = kind
        self._what = what
        self._write = write
        self._codec = codec
        self._tally = tally
        self._retry = tuple(retry)
        self._pending: deque[R] = deque()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closed = threading.Event()
        self._spool_dir = spool_dir
        self._path = spool_dir / f"{kind}-{os.getpid()}-{uuid.uuid4().hex[:8]}.jsonl"
        # Created on the first record that has to wait: while the database answers, the outbox
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

    def add(self, record: R) -> None:
        """Write now if nothing is waiting (order is kept), else queue behind the others."""
        with self._lock:
            if not self._pending and self._try(record):
                self._count("written")
                return
            self._queue(record)
        self._wake.set()

    def count_written(self) -> None:
        """Count a record its owner wrote past the outbox (nothing was waiting)."""
        self._count("written")

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
                log.info("wrote %d %s that waited for the database", written, self._what)
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
    def _try(self, record: R) -> bool:
        try:
            self._write(record)
        except SQLAlchemyError as exc:
            if not self._pending:  # once per outage, not once per record
                log.warning("database unavailable (%s); %s wait", type(exc).__name__, self._what)
            return False
        return True

    def _queue(self, record: R) -> None:
        self._pending.append(record)
        self._start()
        if self._file is not None:
            self._file.write(self._codec.dump(record) + "\n")
            self._sync()
        self._count("queued")
        self._gauge()

    def _rewrite_spool(self) -> None:
        if self._file is not None:
            self._file.seek(0)
            self._file.truncate()
            self._file.writelines(self._codec.dump(record) + "\n" for record in self._pending)
            self._sync()

    def _sync(self) -> None:
        assert self._file is not None
        self._file.flush()
        os.fsync(self._file.fileno())  # the point of the spool: on disk before we go on

    def _start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name=f"coach-{self._kind}-outbox", daemon=True
            )
            self._thread.start()
        if self._file is None and not self._spool_broken and not self._closed.is_set():
            try:
                self._spool_dir.mkdir(parents=True, exist_ok=True)
                self._file = self._open_own(self._path)
            except OSError as exc:
                log.error(
                    "cannot write the outbox spool in %s (%s); waiting %s are kept in "
                    "memory only: make COACH_DATA_DIR writable",
                    self._spool_dir,
                    exc.strerror or exc,
                    self._what,
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
                log.exception("the %s outbox failed to flush", self._kind)
            attempt = attempt + 1 if self.pending else 0

    def _open_own(self, path: Path) -> IO[str]:
        handle = path.open("a+", encoding="utf-8")
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return handle

    def _adopt_orphans(self) -> None:
        """Records of processes that stopped while the database was away become ours."""
        if not self._spool_dir.is_dir():
            return
        for path in sorted(self._spool_dir.glob(f"{self._kind}-*.jsonl")):
            if path == self._path:
                continue
            with path.open("r+", encoding="utf-8") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a live process owns it
                records = [self._codec.load(line) for line in handle if line.strip()]
                for record in records:
                    self._queue(record)
            path.unlink()
            if records:
                log.info("adopted %d waiting %s from %s", len(records), self._what, path.name)
        if self._pending:
            self._wake.set()

    def _count(self, outcome: str, amount: int = 1) -> None:
        if self._tally is not None:
            self._tally.counted(outcome, amount)

    def _gauge(self) -> None:
        if self._tally is not None:
            self._tally.waiting(len(self._pending))
