"""Rendered results waiting for their Share button, shared by every replica.

A result is written once, in the slow half of a reply, and read at most a few times within
30 minutes. Expired rows are never returned; they are swept by the writers now and then and by
`coach db prune`, so the table holds about half an hour of results.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select

from bot.storage.db import Database
from bot.storage.schema import SharedResult


def save_result(
    database: Database,
    reference: str,
    message: str,
    expires_at: datetime,
    *,
    sweep_before: datetime | None = None,
) -> None:
    """Keep `message` under `reference`; with `sweep_before`, also delete what expired by then."""
    with database.transaction() as session:
        if sweep_before is not None:
            session.execute(delete(SharedResult).where(SharedResult.expires_at <= sweep_before))
        session.execute(
            insert(SharedResult).values(reference=reference, message=message, expires_at=expires_at)
        )


def find_result(database: Database, reference: str, now: datetime) -> str | None:
    """The message kept under `reference`, unless it expired."""
    with database.transaction() as session:
        found: str | None = session.scalar(
            select(SharedResult.message).where(
                SharedResult.reference == reference, SharedResult.expires_at > now
            )
        )
    return found
