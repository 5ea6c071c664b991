"""Per-user and per-workspace limits for LLM-backed requests.

Over a limit, the request is not refused: the offline engine answers it (it costs no tokens
and a few milliseconds) with a short note in the reply's language saying when the AI is back.
People keep getting useful, grounded replies; only the spending stops. Inputs over the length
limit are refused separately (`InputTooLong`), before any of this.

`RateLimiter` counts over a moving hour with the `limits` library, in this process's memory:
what runs without a database (tools, tests) and what servers fall back to while the database
is unreachable. Servers count in the database, shared by every replica (`ratelimit_shared.py`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Literal, Protocol

from limits import RateLimitItem, RateLimitItemPerHour
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from bot.i18n import text
from bot.models import Language

Scope = Literal["user", "workspace"]


@dataclass(frozen=True)
class Caller:
    """Who asked, as opaque keys from the transport (e.g. "slack:T1:U2" and "slack:T1")."""

    user: str
    workspace: str


@dataclass(frozen=True)
class Decision:
    allowed: bool
    scope: Scope | None = None  # which limit was reached
    retry_after: float = 0.0  # seconds until one more request fits

    def note(self, language: Language) -> str:
        if self.scope is None:
            raise ValueError("an allowed request has no note")
        minutes = max(1, math.ceil(self.retry_after / 60))
        return text(f"note_busy_{self.scope}", language, minutes=minutes)


class Limiter(Protocol):
    """What the guard asks: may this caller use the LLM once more now?"""

    @property
    def active(self) -> bool: ...

    def acquire(self, caller: Caller) -> Decision: ...


class RateLimiter:
    """`acquire` takes one request from both the user's and the workspace's hourly budget."""

    def __init__(self, per_user: int, per_workspace: int) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._limits: dict[Scope, RateLimitItem | None] = {
            "user": RateLimitItemPerHour(per_user) if per_user > 0 else None,
            "workspace": RateLimitItemPerHour(per_workspace) if per_workspace > 0 else None,
        }

    @property
    def active(self) -> bool:
        return any(self._limits.values())

    def acquire(self, caller: Caller) -> Decision:
        keys: dict[Scope, str] = {"user": caller.user, "workspace": caller.workspace}
        # Test both before taking from either, so a request refused by the workspace limit
        # does not also use up the user's budget.
        for scope, item in self._limits.items():
            if item is not None and not self._limiter.test(item, scope, keys[scope]):
                return Decision(False, scope, self._retry_after(item, scope, keys[scope]))
        for scope, item in self._limits.items():
            if item is not None:
                self._limiter.hit(item, scope, keys[scope])
        return Decision(True)

    def _retry_after(self, item: RateLimitItem, scope: Scope, key: str) -> float:
        stats = self._limiter.get_window_stats(item, scope, key)
        return max(0.0, stats.reset_time - time.time())
