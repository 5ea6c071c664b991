"""Keys of deliveries already handled, shared by every process through the database.

A claim inserts all its keys in one transaction, skipping those already present; if any was
present the transaction is rolled back, so a claim takes all of its keys or none. On
PostgreSQL a second transaction inserting the same key waits for the first to finish and then
skips it; on SQLite the write lock serialises claims.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import ReturningInsert

from bot.storage.db import Database
from bot.storage.schema import DedupKey


def claim_keys(database: Database, keys: Sequence[str], now: datetime, ttl: timedelta) -> bool:
    unique = sorted(set(keys))
    if not unique:
        raise ValueError("claim needs at least one key")
    rows = [{"key": key, "expires_at": now + ttl, "now": now} for key in unique]
    try:
        with database.connection() as connection:
            claimed = connection.execute(_claim(database.dialect), rows).all()
            if len(claimed) < len(unique):
                raise _Taken  # roll back the keys this claim did insert
    except _Taken:
        return False
    return True


@cache
def _claim(dialect: str) -> ReturningInsert[tuple[str]]:
    """Insert the keys; a key that is there but expired is taken over (Slack stops retrying
    after minutes; the TTL is longer); the keys this claim got come back. One statement,
    built once: the claim runs for every event, and a delete-then-insert cost a round trip
    and a statement compilation more."""
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(DedupKey)
    return statement.on_conflict_do_update(
        index_elements=[DedupKey.key],
        set_={"expires_at": statement.excluded.expires_at},
        where=DedupKey.expires_at <= bindparam("now"),
    ).returning(DedupKey.key)


class _Taken(Exception):
    """Some key of the claim was taken already."""


def release_keys(database: Database, keys: Sequence[str]) -> None:
    with database.transaction() as session:
        session.execute(delete(DedupKey).where(DedupKey.key.in_(list(keys))))


def expire_keys(database: Database, now: datetime) -> int:
    with database.transaction() as session:
        result = session.execute(delete(DedupKey).where(DedupKey.expires_at <= now))
        return int(getattr(result, "rowcount", 0) or 0)
