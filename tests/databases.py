"""Real databases for tests: a fresh SQLite file, or a fresh schema on the local PostgreSQL
(127.0.0.1:5432, trust auth, database `test`), migrated from empty and dropped afterwards.

Each PostgreSQL test gets its own schema (search_path in the URL), so parallel runs and
subprocesses never see each other's rows.

When the server is unreachable, PostgreSQL tests are skipped with the reason on a developer's
machine, but fail under CI (`CI=true`): `.ci/run` starts the server, so a CI run without it is
not a pass. Only "unreachable" (the StorageError that Database.check() raises) may skip; any
other exception there is a bug of ours and fails the test like any other.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.storage.db import Database, StorageError

PG_HOST = "127.0.0.1:5432"
PG_USERS = ("postgres", "root")
_NO_POSTGRES: list[str] = []


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'coach.db'}"


def unreachable(reason: str) -> NoReturn:
    """Skip on a developer's machine; under CI a missing server fails the run."""
    if os.environ.get("CI", "").lower() == "true":  # test configuration, not the coach's
        pytest.fail(f"{reason}; CI must run the PostgreSQL tests (.ci/run starts it)", False)
    pytest.skip(reason)


def _admin_url() -> str:
    """The first user the local server lets in (trust auth); unreachable otherwise."""
    if _NO_POSTGRES:
        unreachable(_NO_POSTGRES[0])
    problems = []
    for user in PG_USERS:
        url = f"postgresql+psycopg://{user}@{PG_HOST}/test"
        database = Database.connect(url)
        try:
            database.check()
            return url
        except StorageError as exc:  # refused, or this user is not let in: try the next one
            problems.append(f"{user}: {str(exc).splitlines()[0]}")
        finally:
            database.dispose()
    _NO_POSTGRES.append(f"PostgreSQL at {PG_HOST} is unreachable ({'; '.join(problems)})")
    unreachable(_NO_POSTGRES[0])


class PostgresSchema:
    """A schema of its own on the local server; `url` points every connection at it."""

    def __init__(self) -> None:
        self.admin_url = _admin_url()
        self.name = f"coach_test_{uuid.uuid4().hex[:12]}"
        self.url = f"{self.admin_url}?options=-csearch_path%3D{self.name}"
        self._run(f'CREATE SCHEMA "{self.name}"')

    def drop(self) -> None:
        self._run(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE')

    def _run(self, statement: str) -> None:
        admin = Database.connect(self.admin_url)
        try:
            with admin.engine.begin() as connection:
                connection.execute(text(statement))
        except OperationalError as exc:
            unreachable(f"PostgreSQL at {PG_HOST}: {exc.orig}")
        finally:
            admin.dispose()


@pytest.fixture
def postgres_schema() -> Iterator[PostgresSchema]:
    schema = PostgresSchema()
    try:
        yield schema
    finally:
        schema.drop()


@pytest.fixture
def sqlite_database(tmp_path: Path) -> Iterator[Database]:
    database = Database.connect(sqlite_url(tmp_path))
    database.upgrade()
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The same test on both databases, each migrated from empty."""
    schema = PostgresSchema() if request.param == "postgres" else None
    url = schema.url if schema else sqlite_url(tmp_path)
    found = Database.connect(url)
    found.upgrade()
    try:
        yield found
    finally:
        found.dispose()
        if schema:
            schema.drop()
