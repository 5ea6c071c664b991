"""Wire the services from the settings, once at start-up. Every transport calls this."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.config import Settings, SettingsError
from bot.engine import OfflineEngine
from bot.services.answer import AnswerService
from bot.services.review import ReviewService

if TYPE_CHECKING:  # importing openai costs ~0.6 s: only when an LLM is configured
    from bot.llm.engine import LLMEngine

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Services:
    settings: Settings
    engine: OfflineEngine
    review: ReviewService
    answer: AnswerService
    llm: LLMEngine | None = None

    @property
    def engine_name(self) -> str:
        return "llm" if self.llm else "offline"


def build_services(settings: Settings, llm: LLMEngine | None = None) -> Services:
    """The offline engine always loads (first pass and fallback); the LLM engine too when the
    settings configure one. `llm` lets a caller pass a prepared engine (tests, other clients)."""
    if settings.engine == "llm" and not settings.llm_configured:
        raise SettingsError(
            "setting COACH_ENGINE is 'llm' (or --llm was given), but no LLM is configured: "
            "set OPENAI_API_KEY, OPENAI_BASE_URL, or both"
        )
    engine = OfflineEngine.load(settings.knowledge_dir, default_language=settings.language)
    if llm is None and settings.llm_configured:
        from bot.llm.engine import LLMEngine  # noqa: PLC0415 -- see the import note above

        llm = LLMEngine.build(settings, engine)
        log.info(
            "LLM engine: model %s at %s", settings.llm_model, settings.openai_base_url or "OpenAI"
        )
    return Services(
        settings=settings,
        engine=engine,
        review=ReviewService(engine, settings.max_chars, llm.reviewer if llm else None),
        answer=AnswerService(engine, settings.max_chars, llm.answerer if llm else None),
        llm=llm,
    )
