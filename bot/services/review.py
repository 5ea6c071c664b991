"""Review a draft post, plan or message for the five traps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.llm.errors import LLMError
from bot.llm.review import LLMReviewer
from bot.models import Language, Review
from bot.services.base import OfflineFirst

if TYPE_CHECKING:
    from bot.services.ratelimit import Caller


class ReviewService(OfflineFirst[LLMReviewer]):
    """The offline engine always runs first (fast, and the safety net); the LLM, when
    configured and within the caller's rate limit, refines its result. Any LLM failure gives
    the offline review with a note."""

    task = "check"

    def review(
        self, text: str, fallback: Language | None = None, *, caller: Caller | None = None
    ) -> Review:
        self._accept(text, "there is no text to check")
        result = self._review(text, fallback, caller)
        self.guard.done("check", result.engine, [f.number for f in result.findings])
        return result

    def _review(self, text: str, fallback: Language | None, caller: Caller | None) -> Review:
        offline = self.engine.review(text, fallback)
        if self.llm is None:
            return offline
        declined = self._declined(offline, caller)
        if declined is not None:
            return declined
        try:
            return self.llm.review(text, offline)
        except LLMError as exc:
            return self._fallback(offline, exc)
