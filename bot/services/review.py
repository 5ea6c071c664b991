"""Review a draft post, plan or message for the five traps."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.engine import OfflineEngine
from bot.errors import EmptyInput, InputTooLong
from bot.llm.errors import LLMError
from bot.llm.notes import note
from bot.llm.review import LLMReviewer
from bot.models import Language, Review
from bot.services.guard import LLMGuard

if TYPE_CHECKING:
    from bot.services.ratelimit import Caller

log = logging.getLogger(__name__)


class ReviewService:
    """The offline engine always runs first (fast, and the safety net); the LLM, when
    configured and within the caller's rate limit, refines its result. Any LLM failure gives
    the offline review with a note."""

    def __init__(
        self,
        engine: OfflineEngine,
        max_chars: int = 40_000,
        llm: LLMReviewer | None = None,
        guard: LLMGuard | None = None,
    ) -> None:
        self.engine = engine
        self.max_chars = max_chars
        self.llm = llm
        self.guard = guard or LLMGuard()

    def review(
        self, text: str, fallback: Language | None = None, *, caller: Caller | None = None
    ) -> Review:
        if not text or not text.strip():
            self.guard.refused("check", "empty")
            raise EmptyInput("there is no text to check")
        if len(text) > self.max_chars:
            self.guard.refused("check", "too_long")
            raise InputTooLong(len(text), self.max_chars)
        result = self._review(text, fallback, caller)
        self.guard.done("check", result.engine, [f.number for f in result.findings])
        return result

    def _review(self, text: str, fallback: Language | None, caller: Caller | None) -> Review:
        offline = self.engine.review(text, fallback)
        if self.llm is None:
            return offline
        declined = self.guard.admit("check", caller)
        if declined is not None:
            return _noted(offline, declined.note(offline.language))
        try:
            return self.llm.review(text, offline)
        except LLMError as exc:
            log.warning("review answered offline (%s: %s)", type(exc).__name__, exc)
            self.guard.fell_back("check", exc)
            return _noted(offline, note("offline", offline.language))


def _noted(review: Review, text: str) -> Review:
    return review.model_copy(update={"notes": (*review.notes, text)})
