"""The database: one SQLAlchemy engine per process, built from DATABASE_URL (or the embedded
SQLite default in COACH_DATA_DIR), and the Alembic migrations shipped inside the package.

SQLite is the embedded default: one file, created on first start. Several replicas need
PostgreSQL, because the database is the arbiter that keeps digests and replies exactly-once
across processes.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import CoachError

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_FILE = "coach.db"
CONNECT_TIMEOUT = 5  # seconds to reach PostgreSQL before a request falls back
POOL_TIMEOUT = 10  # seconds to wait for a free pooled connection
# Held while migrating, so that replicas starting together do not race to create the tables.
_MIGRATION_LOCK = 0x636F616368  # "coach"
# Seconds a SQLite writer waits for another process's write to finish before giving up.
_SQLITE_BUSY_SECONDS = 30
# A pooled connection unused for longer than this is pinged before use (see _ping_when_idle).
PING_AFTER_IDLE_SECONDS = 1.0


class StorageError(CoachError):
    """The database cannot be reached, opened or migrated; the message says which and why."""


def database_url(url: str | None, data_dir: Path) -> str:
    """The URL to use: DATABASE_URL as given, or the SQLite file in the data directory.

    `postgres://` and `postgresql://` (the forms hosting platforms hand out) mean psycopg 3,
    the driver the coach ships; SQLAlchemy would otherwise look for psycopg2.
    """
    if not url:
        return f"sqlite:///{(data_dir / SQLITE_FILE).resolve()}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


class Database:
    """The engine and its sessions. `transaction()` is the one way code writes."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def connect(cls, url: str) -> Database:
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise StorageError(f"DATABASE_URL is not a database URL ({exc})") from exc
        if parsed.get_backend_name() == "sqlite":
            return cls(_sqlite_engine(url, parsed.database))
        # A database that stops answering (not one that refuses) must not hold a reply for
        # minutes: give up connecting after a few seconds (the fallbacks then take over),
        # unless DATABASE_URL sets its own connect_timeout.
        connect_args = (
            {"connect_timeout": CONNECT_TIMEOUT}
            if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query
            else {}
        )
        try:
            engine = create_engine(
                url,
                pool_size=5,
                max_overflow=10,
                pool_timeout=POOL_TIMEOUT,
                connect_args=connect_args,
            )
        except (ArgumentError, ImportError) as exc:
            raise StorageError(f"cannot use DATABASE_URL ({exc})") from exc
        _ping_when_idle(engine)
        return cls(engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def connection(self, *, durable: bool = True) -> Iterator[Connection]:
        """A Core connection in one transaction, for the writes every reply makes: no ORM
        session around them (its bookkeeping cost more than the statements).

        `durable=False`: on PostgreSQL the commit does not wait for the server's WAL flush;
        a crash of the PostgreSQL server itself (not of a replica) may lose the last fraction
        of a second of such writes. Only for records whose loss costs no reply (usage counts,
        results for Share); claims stay durable.
        """
        with self.engine.begin() as connection:
            if not durable and self.dialect == "postgresql":
                connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
            yield connection

    def upgrade(self, revision: str = "head", *, token_keys: Sequence[str] = ()) -> str:
        """Run the migrations up to `revision`; returns the revision the database is at.

        `token_keys` (COACH_TOKEN_KEYS) let migration 0005 encrypt stored workspace tokens.
        """
        quiet = logging.getLogger("alembic")
        if quiet.level == logging.NOTSET:
            # Alembic narrates every step at INFO; the one line that matters is logged by
            # open_database.
            quiet.setLevel(logging.WARNING)
        from alembic import command  # noqa: PLC0415 -- only start-up and `coach db` need it

        config = _alembic_config()
        try:
            with self.engine.begin() as connection:
                if self.dialect == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
                    )
                config.attributes["connection"] = connection
                config.attributes["token_keys"] = list(token_keys)
                command.upgrade(config, revision)
        except SQLAlchemyError as exc:
            raise StorageError(f"cannot migrate the database: {_reason(exc)}") from exc
        return self.revision() or "base"

    def downgrade(self, revision: str) -> None:
        from alembic import command  # noqa: PLC0415

        config = _alembic_config()
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, revision)

    def revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext  # noqa: PLC0415

        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def check(self) -> None:
        """Fail with a clear message when the database cannot be reached."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            raise StorageError(f"cannot reach the database: {_reason(exc)}") from exc

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(
    url: str | None, data_dir: Path, *, upgrade: bool = True, token_keys: Sequence[str] = ()
) -> Database:
    """The database of the settings, created and migrated: what every server start does."""
    if not url:
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                f"cannot create the data directory {data_dir} ({exc.strerror}); "
                "set COACH_DATA_DIR to a writable folder or DATABASE_URL to a database"
            ) from exc
    database = Database.connect(database_url(url, data_dir))
    database.check()
    if upgrade:
        revision = database.upgrade(token_keys=token_keys)
        log.info("database ready (%s, revision %s)", database.dialect, revision)
    return database


def _sqlite_engine(url: str, path: str | None) -> Engine:
    engine = create_engine(url, connect_args={"timeout": _SQLITE_BUSY_SECONDS})
    memory = not path or path == ":memory:"

    @event.listens_for(engine, "connect")
    def configure(dbapi_connection: Any, record: Any) -> None:
        # Transactions are begun explicitly below; the driver's own implicit BEGIN would
        # start them as readers that later fail to upgrade to writers under concurrency.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
            cursor.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; WAL-safe
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front (waiting up to the busy timeout), so a
        # claim's read-then-write can never deadlock with another process's.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _ping_when_idle(engine: Engine) -> None:
    """SQLAlchemy's pool_pre_ping, only for connections idle for PING_AFTER_IDLE_SECONDS.

    The pre-ping is a round trip per check-out; a job worker checks out a connection for each
    record it writes, and pinged each time (about 5 % of its CPU on PostgreSQL). A connection
    returned moments ago is trusted: if the server restarted within that moment, the one
    statement on it fails like any outage (the claim falls back to memory, the usage row to
    the outbox) and SQLAlchemy replaces the pool's connections."""

    @event.listens_for(engine, "connect")
    def opened(dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def returned(dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def check(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        if time.monotonic() - record.info.get("returned_at", -math.inf) < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # whatever the driver raises: the pool opens a new one
            raise DisconnectionError("a pooled connection was closed") from exc


def _alembic_config() -> Any:
    from alembic.config import Config  # noqa: PLC0415

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _reason(exc: SQLAlchemyError) -> str:
    original = getattr(exc, "orig", None)
    return str(original or exc).strip().splitlines()[0]
