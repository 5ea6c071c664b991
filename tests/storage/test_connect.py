"""Connecting to PostgreSQL: a server that never answers is given up on quickly."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from sqlalchemy.exc import OperationalError

from bot.storage import db as storage_db
from bot.storage.db import Database


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
