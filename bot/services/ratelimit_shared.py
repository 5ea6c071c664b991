"""The LLM limits counted in the database, so that every replica spends from one budget.

Windows are fixed clock hours (10:00–11:00, …), not the moving hour of the in-process limiter.
A fixed window is one counter row per user and per workspace, raised by a single atomic upsert
(bot/storage/counters.py): exact under any concurrency, on PostgreSQL and on SQLite, with one
round trip per budget. A moving window needs every request's time and a read-then-write that
must be serialised by hand; a sliding-window estimate is only approximate. What the fixed
window gives up: a person may spend one hour's budget at 10:59 and the next at 11:00. The
limits cap spending and abuse per hour, which fixed windows bound exactly; and "back in about N
minutes" is then simply the time to the next hour, the same on every replica.

While the database is unreachable, `FallbackRateLimiter` asks the in-process limiter instead:
a database outage must never cost anyone their answer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError

from bot.services.outage import OutageNotice
from bot.services.ratelimit import Caller, Decision, Limiter, Scope
from bot.storage.counters import Budget, take
from bot.storage.db import Database

HOUR = timedelta(hours=1)


def _now() -> datetime:
    return datetime.now(UTC)


class DatabaseRateLimiter:
    """Per-user and per-workspace requests per clock hour, counted in the shared database."""

    def __init__(
        self,
        database: Database,
        per_user: int,
        per_workspace: int,
        *,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.database = database
        # The user's budget first: counters are always locked in this order (no deadlocks).
        given: dict[Scope, int] = {"user": per_user, "workspace": per_workspace}
        self._limits = {scope: limit for scope, limit in given.items() if limit > 0}
        self._clock = clock

    @property
    def active(self) -> bool:
        return bool(self._limits)

    def acquire(self, caller: Caller) -> Decision:
        if not self._limits:
            return Decision(True)
        now = self._clock()
        start = _hour_start(now)
        end = start + HOUR
        keys: dict[Scope, str] = {"user": caller.user, "workspace": caller.workspace}
        budgets = [Budget(scope, keys[scope], limit) for scope, limit in self._limits.items()]
        spent = take(self.database, budgets, start, end)
        if spent is None:
            return Decision(True)
        scope: Scope = "user" if spent == "user" else "workspace"
        return Decision(False, scope, (end - now).total_seconds())


def _hour_start(moment: datetime) -> datetime:
    """The clock hour `moment` falls in, in UTC: the same window on every replica."""
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


class FallbackRateLimiter:
    """The shared limiter while the database answers; this process's own while it does not.

    During an outage each replica counts on its own, so a person may get the setting once per
    replica, and those requests are not added to the shared counters afterwards: the price of
    never refusing anyone the LLM because of our database.
    """

    def __init__(self, shared: Limiter, local: Limiter) -> None:
        self.shared = shared
        self.local = local
        self._outage = OutageNotice("LLM limits counted in this process")

    @property
    def active(self) -> bool:
        return self.shared.active or self.local.active

    def acquire(self, caller: Caller) -> Decision:
        try:
            decision = self.shared.acquire(caller)
        except SQLAlchemyError as exc:
            self._outage.failed(exc)
            return self.local.acquire(caller)
        self._outage.recovered()
        return decision
