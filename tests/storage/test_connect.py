"""Connecting to PostgreSQL: a server that never answers is given up on quickly."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.storage import db as storage_db
from bot.storage.db import Database
from tests.databases import PostgresSchema


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that completes TCP handshakes (the backlog) but never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


def test_a_silent_database_fails_within_the_connect_timeout(
    silent_server: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage_db, "CONNECT_TIMEOUT", 1)
    database = Database.connect(f"postgresql+psycopg://coach@127.0.0.1:{silent_server}/coach")
    started = time.monotonic()
    with pytest.raises(OperationalError), database.engine.connect():
        pass
    assert time.monotonic() - started < 10  # not 30 s, nor for ever
    database.engine.dispose()


def test_a_connect_timeout_in_the_url_wins(
    silent_server: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage_db, "CONNECT_TIMEOUT", 30)
    url = f"postgresql+psycopg://coach@127.0.0.1:{silent_server}/coach?connect_timeout=1"
    database = Database.connect(url)
    started = time.monotonic()
    with pytest.raises(OperationalError), database.engine.connect():
        pass
    assert time.monotonic() - started < 10  # not 30 s, nor for ever
    database.engine.dispose()


@pytest.mark.postgres
def test_a_connection_closed_while_idle_is_replaced_before_use(
    postgres_schema: PostgresSchema, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pooled connections are pinged only after being idle: one the server closed meanwhile
    (a restart, an idle timeout) is replaced, and the statement runs."""
    monkeypatch.setattr(storage_db, "PING_AFTER_IDLE_SECONDS", 0.1)
    database = Database.connect(postgres_schema.url)
    try:
        with database.engine.connect() as connection:
            pid = connection.execute(text("select pg_backend_pid()")).scalar_one()
        admin = Database.connect(postgres_schema.admin_url)
        with admin.engine.begin() as connection:
            connection.execute(text("select pg_terminate_backend(:pid)"), {"pid": pid})
        admin.dispose()
        time.sleep(0.2)
        with database.engine.connect() as connection:
            assert connection.execute(text("select pg_backend_pid()")).scalar_one() != pid
    finally:
        database.dispose()
