"""Where the reply queue lives: huey on SQLite (the no-server default, one machine) or on
PostgreSQL (the database several replicas share).

COACH_QUEUE_URL chooses; empty means "beside the data": the PostgreSQL of DATABASE_URL when
that is PostgreSQL, else a SQLite file of its own in COACH_DATA_DIR (its own file, so the
queue's writes never wait for the app's records' and the reverse).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from huey import Huey, PostgresHuey, SqliteHuey
from huey.storage import PostgresStorage, SqliteStorage
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.errors import CoachError

QUEUE_NAME = "coach"
SQLITE_FILE = "queue.db"


class QueueSetupError(CoachError):
    """COACH_QUEUE_URL names a queue the coach cannot use."""


class _SqliteStorage(SqliteStorage):  # type: ignore[misc]  # huey ships no type hints
    """WAL with synchronous=NORMAL: a killed process loses nothing (the OS keeps the log);
    only a power cut may lose the last commits, and it costs no fsync per job."""

    def _create_connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection = super()._create_connection()
        conn.execute("pragma synchronous=NORMAL")
        return conn

    def enqueue_many(self, items: list[bytes]) -> None:
        with self.db(commit=True) as cursor:
            cursor.executemany(
                "insert into task (queue, data, priority) values (?, ?, 0)",
                [(self.name, self.to_blob(data)) for data in items],
            )


class _Unrevoked:
    """The coach never revokes a job (huey's `revoke` is not used), yet huey reads the kv
    table for a job's revocation keys before running it: a query per job, on SQLite through
    the worker process's one queue connection and its lock. Skipped."""

    def is_revoked(self, task: Any, timestamp: Any = None, peek: bool = True) -> bool:
        return False


class _SqliteHuey(_Unrevoked, SqliteHuey):  # type: ignore[misc]
    storage_class = _SqliteStorage


class _PostgresStorage(PostgresStorage):  # type: ignore[misc]
    """huey's PostgreSQL storage with a connection per thread instead of one shared behind a
    lock: every ack enqueues and every worker dequeues, and on one connection each waited for
    all the others' round trips (ack p50 of a second at 100 requests/s)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._local = threading.local()
        self._opened: list[Any] = []  # every thread's connection, closed by `close`
        self._opened_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def _thread_conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is not None and not (conn.closed or conn.broken):
            return conn
        if conn is not None:
            self._forget(conn)
        conn = self._local.conn = self._connect()  # autocommit
        # Commits do not wait for the server's WAL flush: a killed replica loses nothing
        # committed (the server has it); only a crash of the PostgreSQL server itself could
        # lose its last fraction of a second of queue writes, the same bargain as the SQLite
        # queue's WAL with synchronous=NORMAL. Waiting for the flush made each batch of acks,
        # each dequeue and each ledger write wait 0.3-4 ms on the shared machine.
        conn.execute("set synchronous_commit = off")
        with self._opened_lock:
            self._opened.append(conn)
        return conn

    def _forget(self, conn: Any) -> None:
        with contextlib.suppress(Exception):
            conn.close()
        with self._opened_lock:
            if conn in self._opened:
                self._opened.remove(conn)
        self._local.conn = None

    @contextlib.contextmanager
    def db(self, commit: bool = False, close: bool = False) -> Iterator[Any]:
        conn = self._thread_conn()
        try:
            if commit:
                with conn.transaction(), conn.cursor() as cursor:
                    yield cursor
            else:
                with conn.cursor() as cursor:
                    yield cursor
        finally:
            if close or conn.broken:
                self._forget(conn)

    def close(self) -> bool:
        with self._opened_lock:
            opened, self._opened = self._opened, []
        for conn in opened:
            with contextlib.suppress(Exception):
                conn.close()
        return bool(opened)

    def enqueue_many(self, items: list[bytes]) -> None:
        """A batch of acks' jobs in one statement. No NOTIFY: the workers poll (open_huey)."""
        with self.db() as cursor:  # autocommit: the statement is its own transaction
            cursor.execute(
                f"insert into {self.table_task} (queue, data, priority) "
                "select %s, unnest(%s::bytea[]), 0",
                (self.name, items),
            )


class _PostgresHuey(_Unrevoked, PostgresHuey):  # type: ignore[misc]
    storage_class = _PostgresStorage


def queue_location(queue_url: str | None, database_url: str | None, data_dir: Path) -> str:
    """The queue's URL after the defaults: sqlite:///… or postgresql://…"""
    if queue_url:
        return queue_url
    if database_url and database_url.startswith(("postgres://", "postgresql")):
        return database_url
    return f"sqlite:///{data_dir / SQLITE_FILE}"


def open_huey(location: str, name: str = QUEUE_NAME) -> Huey:
    """A huey instance on `location` (tables are created on first use). `name` keeps a queue
    of its own in the same tables: Teams' jobs live beside Slack's under another name."""
    try:
        url = make_url(location.replace("postgres://", "postgresql://", 1))
    except ArgumentError as exc:
        raise QueueSetupError(f"COACH_QUEUE_URL is not a URL ({exc})") from exc
    options: dict[str, Any] = {"results": False, "utc": True}
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise QueueSetupError("the SQLite queue needs a file: sqlite:///path/queue.db")
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        return _SqliteHuey(name, filename=url.database, timeout=10, **options)
    if url.get_backend_name() == "postgresql":
        # huey speaks psycopg 3 itself: the same URL without SQLAlchemy's driver suffix.
        # Polling, not LISTEN: with LISTEN every idle worker woke for every job and all but
        # one lost the race for it; at 200 requests/s that cost more than polling every
        # 5-50 ms (docs/scaling.md).
        dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        return _PostgresHuey(name, dsn=dsn, blocking=False, connect_timeout=5, **options)
    raise QueueSetupError(
        f"COACH_QUEUE_URL: {url.get_backend_name()} queues are not supported; "
        "use sqlite:///path/queue.db or postgresql://…"
    )
