"""A database outage to play in tests: a migrated PostgreSQL schema that the coach reaches
through a loopback TCP proxy (`proxy.down()` / `proxy.up()`), while the test reads it directly
(`admin`). The shared server itself stays up for the other tests."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import func, select

from bot.storage.db import Database
from bot.storage.schema import Base, UsageEvent, UsageTrap
from tests.databases import PostgresSchema
from tests.ops.tcp_proxy import TcpProxy


class Outage:
    """A migrated schema, reached directly (`admin`) or through a proxy that can stop."""

    def __init__(self) -> None:
        self.schema = PostgresSchema()
        self.admin = Database.connect(self.schema.url)
        self.admin.upgrade()
        self.proxy = TcpProxy(("127.0.0.1", 5432))
        self.url = self.schema.url.replace("127.0.0.1:5432", f"127.0.0.1:{self.proxy.port}")

    def rows(self, model: type[Base]) -> int:
        with self.admin.transaction() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)

    def events(self) -> int:
        return self.rows(UsageEvent)

    def traps(self) -> list[int]:
        with self.admin.transaction() as session:
            return sorted(session.scalars(select(UsageTrap.trap)))

    def close(self) -> None:
        self.proxy.close()
        self.admin.dispose()
        self.schema.drop()


def eventually(check: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline
        time.sleep(0.05)
