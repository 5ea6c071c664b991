"""Wire the services from the settings, once at start-up. Every transport calls this."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.engine import OfflineEngine
from bot.services.answer import AnswerService
from bot.services.review import ReviewService


@dataclass(frozen=True)
class Services:
    settings: Settings
    engine: OfflineEngine
    review: ReviewService
    answer: AnswerService


def build_services(settings: Settings) -> Services:
    engine = OfflineEngine.load(settings.knowledge_dir, default_language=settings.language)
    return Services(
        settings=settings,
        engine=engine,
        review=ReviewService(engine, settings.max_chars),
        answer=AnswerService(engine, settings.max_chars),
    )
