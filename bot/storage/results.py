"""Rendered results waiting for their Share button, shared by every replica.

A result is written once, in the slow half of a reply, and read at most a few times within
30 minutes. Expired rows are never returned; they are swept by the writers now and then and by
`coach db prune`, so the table holds about half an hour of results.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select

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
    save_results(database, [(reference, message, expires_at)], sweep_before=sweep_before)


_SAVE = insert(SharedResult)
_SWEEP = delete(SharedResult).where(SharedResult.expires_at <= bindparam("before"))


def save_results(
    database: Database,
    results: Sequence[tuple[str, str, datetime]],
    *,
    sweep_before: datetime | None = None,
    durable: bool = True,
) -> None:
    """Several (reference, message, expires_at) in one transaction (`durable`: see
    Database.connection); with `sweep_before`, also delete what expired by then."""
    with database.connection(durable=durable) as connection:
        if sweep_before is not None:
            connection.execute(_SWEEP, {"before": sweep_before})
        if results:
            connection.execute(
                _SAVE,
                [{"reference": r, "message": m, "expires_at": e} for r, m, e in results],
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
