"""What the answer and review services share around the LLM: the rate limit that decides
whether a request may use it, and the counts an operator watches (tasks by engine, fallbacks
by reason, refused inputs, traps flagged). Without a limiter or metrics it does nothing, which
is what the CLI gets."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from bot.llm.errors import LLMError

if TYPE_CHECKING:  # prometheus_client and limits load only where they are used (servers)
    from bot.observability.metrics import Metrics
    from bot.services.ratelimit import Caller, Decision, Limiter

log = logging.getLogger(__name__)


class LLMGuard:
    def __init__(self, limiter: Limiter | None = None, metrics: Metrics | None = None) -> None:
        self.limiter = limiter
        self.metrics = metrics

    def admit(self, task: str, caller: Caller | None) -> Decision | None:
        """None if the LLM may be used for this request; else why not (with its note)."""
        if self.limiter is None or caller is None:
            return None
        decision = self.limiter.acquire(caller)
        if decision.allowed:
            return None
        log.info("%s over the %s LLM limit; answering offline", task, decision.scope)
        if self.metrics is not None:
            self.metrics.limited(str(decision.scope))
            self.metrics.fallback(task, "rate_limited")
        return decision

    def refused(self, task: str, reason: str) -> None:
        if self.metrics is not None:
            self.metrics.refused_input(task, reason)

    def fell_back(self, task: str, exc: LLMError) -> None:
        if self.metrics is not None:
            self.metrics.fallback(task, exc.reason)

    def done(self, task: str, engine: str, traps: Iterable[int] = ()) -> None:
        if self.metrics is not None:
            self.metrics.task(task, engine)
            self.metrics.flagged(traps)
