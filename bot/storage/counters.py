"""Rate-limit counters shared by every replica: one row per (scope, key, fixed window).

A request is counted with one statement per budget — INSERT … ON CONFLICT DO UPDATE SET
hits = hits + 1 RETURNING hits — so the count it sees is exact whatever runs beside it: on
PostgreSQL the upsert locks the row until the transaction ends and a concurrent one waits and
then adds to the committed value; on SQLite the write lock, taken at BEGIN, serialises them.
All of a request's budgets are counted in one transaction, rolled back when any would go past
its limit: a refused request costs no budget, and the counters only ever hold allowed ones.
Budgets are always counted in the order given (user, then workspace), so two transactions
never wait for each other's rows in opposite orders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.storage.db import Database
from bot.storage.schema import RateCounter


@dataclass(frozen=True)
class Budget:
    """One counter a request is taken from, and how many requests its window allows."""

    scope: str
    key: str
    limit: int


def take(
    database: Database, budgets: Sequence[Budget], window_start: datetime, window_end: datetime
) -> str | None:
    """Count one request on every budget's counter of this window, all or none.

    Returns None when every budget had room, else the scope of the first that had none (and
    nothing was counted).
    """
    try:
        with database.transaction() as session:
            for budget in budgets:
                hits = _increment(session, database.dialect, budget, window_start, window_end)
                if hits > budget.limit:
                    raise _Spent(budget.scope)  # rolls back this request's other counts
                if hits == 1:  # the key's first request in this window: its old ones are done
                    session.execute(
                        delete(RateCounter).where(
                            RateCounter.scope == budget.scope,
                            RateCounter.key == budget.key,
                            RateCounter.window_start < window_start,
                        )
                    )
    except _Spent as spent:
        return spent.scope
    return None


class _Spent(Exception):
    def __init__(self, scope: str) -> None:
        super().__init__(scope)
        self.scope = scope


def _increment(
    session: Session, dialect: str, budget: Budget, window_start: datetime, window_end: datetime
) -> int:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(RateCounter)
        .values(
            scope=budget.scope,
            key=budget.key,
            window_start=window_start,
            hits=1,
            expires_at=window_end,
        )
        .on_conflict_do_update(
            index_elements=["scope", "key", "window_start"],
            set_={"hits": RateCounter.hits + 1},
        )
        .returning(RateCounter.hits)
    )
    return int(session.execute(statement).scalar_one())
