"""Review a draft post, plan or message for the five traps."""

from __future__ import annotations

import logging

from bot.engine import OfflineEngine
from bot.errors import EmptyInput, InputTooLong
from bot.llm.errors import LLMError
from bot.llm.notes import note
from bot.llm.review import LLMReviewer
from bot.models import Language, Review

log = logging.getLogger(__name__)


class ReviewService:
    """The offline engine always runs first (fast, and the safety net); the LLM, when
    configured, refines its result. Any LLM failure gives the offline review with a note."""

    def __init__(
        self, engine: OfflineEngine, max_chars: int = 40_000, llm: LLMReviewer | None = None
    ) -> None:
        self.engine = engine
        self.max_chars = max_chars
        self.llm = llm

    def review(self, text: str, fallback: Language | None = None) -> Review:
        if not text or not text.strip():
            raise EmptyInput("there is no text to check")
        if len(text) > self.max_chars:
            raise InputTooLong(len(text), self.max_chars)
        offline = self.engine.review(text, fallback)
        if self.llm is None:
            return offline
        try:
            return self.llm.review(text, offline)
        except LLMError as exc:
            log.warning("review answered offline (%s: %s)", type(exc).__name__, exc)
            return offline.model_copy(
                update={"notes": (*offline.notes, note("offline", offline.language))}
            )
