"""Wire the services from the settings, once at start-up. Every transport calls this."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from bot.config import Settings, SettingsError
from bot.core.engine import OfflineEngine
from bot.services.answer import AnswerService
from bot.services.guard import LLMGuard
from bot.services.review import ReviewService

if TYPE_CHECKING:  # importing openai costs ~0.6 s: only when an LLM is configured
    from bot.llm.engine import LLMEngine
    from bot.observability.metrics import Metrics
    from bot.services.ratelimit import Limiter
    from bot.storage.db import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Services:
    settings: Settings
    engine: OfflineEngine
    review: ReviewService
    answer: AnswerService
    llm: LLMEngine | None = None
    metrics: Metrics | None = None  # servers pass one; the CLI counts nothing

    @property
    def engine_name(self) -> str:
        return "llm" if self.llm else "offline"

    def with_database(self, database: Database) -> Services:
        """The same services (engines shared, nothing reloaded), with the LLM limits counted in
        `database`, so that every replica using it spends from one budget."""
        review, answer = _guarded(self.settings, self.engine, self.llm, self.metrics, database)
        return replace(self, review=review, answer=answer)


def build_services(
    settings: Settings, llm: LLMEngine | None = None, metrics: Metrics | None = None
) -> Services:
    """The offline engine always loads (first pass and fallback); the LLM engine too when the
    settings configure one. `llm` lets a caller pass a prepared engine (tests, other clients);
    `metrics` is what servers expose at /metrics."""
    if settings.engine == "llm" and not settings.llm_configured:
        raise SettingsError(
            "setting COACH_ENGINE is 'llm' (or --llm was given), but no LLM is configured: "
            "set OPENAI_API_KEY, OPENAI_BASE_URL, or both"
        )
    engine = OfflineEngine.load(settings.knowledge_dir, default_language=settings.language)
    if llm is None and settings.llm_configured:
        from bot.llm.engine import LLMEngine  # noqa: PLC0415 -- see the import note above

        llm = LLMEngine.build(settings, engine, metrics=metrics)
        log.info(
            "LLM engine: model %s at %s", settings.llm_model, settings.openai_base_url or "OpenAI"
        )
    review, answer = _guarded(settings, engine, llm, metrics, None)
    return Services(settings, engine, review, answer, llm=llm, metrics=metrics)


def _guarded(
    settings: Settings,
    engine: OfflineEngine,
    llm: LLMEngine | None,
    metrics: Metrics | None,
    database: Database | None,
) -> tuple[ReviewService, AnswerService]:
    """The review and answer services, sharing one guard around the LLM."""
    guard = LLMGuard(_limiter(settings, database) if llm else None, metrics)
    return (
        ReviewService(engine, settings.max_chars, llm.reviewer if llm else None, guard),
        AnswerService(engine, settings.max_chars, llm.answerer if llm else None, guard),
    )


def build_server_services(settings: Settings) -> Services:
    """What `coach serve` and `coach socket` run on: structured logs (COACH_LOG_FORMAT,
    COACH_LOG_LEVEL) and metrics for GET /metrics on top of the services. `coach check` does
    neither and never pays for importing them."""
    from bot.observability.logs import configure_logging  # noqa: PLC0415
    from bot.observability.metrics import Metrics  # noqa: PLC0415

    metrics = Metrics(engine="llm" if settings.llm_configured else "offline")
    configure_logging(settings.log_level, settings.log_format, metrics=metrics)
    return build_services(settings, metrics=metrics)


def _limiter(settings: Settings, database: Database | None) -> Limiter | None:
    """In memory without a database (tools, tests); in the database, with this process's
    memory as the fallback while it is unreachable, when there is one (servers)."""
    per_user, per_workspace = settings.rate_user_per_hour, settings.rate_workspace_per_hour
    if not (per_user or per_workspace):
        return None
    from bot.services.ratelimit import RateLimiter  # noqa: PLC0415 -- only with an LLM

    local = RateLimiter(per_user, per_workspace)
    if database is None:
        return local
    from bot.services.ratelimit_shared import (  # noqa: PLC0415
        DatabaseRateLimiter,
        FallbackRateLimiter,
    )

    return FallbackRateLimiter(DatabaseRateLimiter(database, per_user, per_workspace), local)
