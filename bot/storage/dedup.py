"""Keys of deliveries already handled, shared by every process through the database.

A claim inserts all its keys in one transaction, skipping those already present; if any was
present the transaction is rolled back, so a claim takes all of its keys or none. On
PostgreSQL a second transaction inserting the same key waits for the first to finish and then
skips it; on SQLite the write lock serialises claims.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.storage.db import Database
from bot.storage.schema import DedupKey


def claim_keys(database: Database, keys: Sequence[str], now: datetime, ttl: timedelta) -> bool:
    unique = sorted(set(keys))
    if not unique:
        raise ValueError("claim needs at least one key")
    try:
        with database.transaction() as session:
            # An expired key is free again (Slack stops retrying after minutes; the TTL is
            # longer).
            session.execute(
                delete(DedupKey).where(DedupKey.key.in_(unique), DedupKey.expires_at <= now)
            )
            if _insert_missing(session, database.dialect, unique, now + ttl) < len(unique):
                raise _Taken  # roll back the keys this claim did insert
    except _Taken:
        return False
    return True


class _Taken(Exception):
    """Some key of the claim was taken already."""


def release_keys(database: Database, keys: Sequence[str]) -> None:
    with database.transaction() as session:
        session.execute(delete(DedupKey).where(DedupKey.key.in_(list(keys))))


def expire_keys(database: Database, now: datetime) -> int:
    with database.transaction() as session:
        result = session.execute(delete(DedupKey).where(DedupKey.expires_at <= now))
        return int(getattr(result, "rowcount", 0) or 0)


def _insert_missing(session: Session, dialect: str, keys: list[str], expires: datetime) -> int:
    rows = [{"key": key, "expires_at": expires} for key in keys]
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(DedupKey).values(rows).on_conflict_do_nothing(index_elements=["key"])
    ).returning(DedupKey.key)
    return len(session.execute(statement).all())
