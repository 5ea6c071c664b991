"""Answer a question about social-media strategy from the knowledge base."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

from bot.engine import OfflineEngine
from bot.errors import EmptyInput, InputTooLong
from bot.llm.answer import LLMAnswerer
from bot.llm.errors import LLMError
from bot.llm.notes import note
from bot.models import Answer, Language
from bot.services.guard import LLMGuard

if TYPE_CHECKING:
    from bot.services.ratelimit import Caller

log = logging.getLogger(__name__)


class AnswerService:
    """The offline engine answers first (language, ranking, safety net); the LLM, when
    configured and within the caller's rate limit, writes the answer. Any LLM failure gives
    the offline answer with a note."""

    def __init__(
        self,
        engine: OfflineEngine,
        max_chars: int = 40_000,
        llm: LLMAnswerer | None = None,
        guard: LLMGuard | None = None,
    ) -> None:
        self.engine = engine
        self.max_chars = max_chars
        self.llm = llm
        self.guard = guard or LLMGuard()

    def ask(
        self, question: str, fallback: Language | None = None, *, caller: Caller | None = None
    ) -> Answer:
        offline = self._offline(question, fallback)
        answer = self._ask(question, offline, caller)
        self.guard.done("ask", answer.engine)
        return answer

    def _ask(self, question: str, offline: Answer, caller: Caller | None) -> Answer:
        if self.llm is None:
            return offline
        declined = self.guard.admit("ask", caller)
        if declined is not None:
            return _noted(offline, declined.note(offline.language))
        try:
            return self.llm.answer(question, offline)
        except LLMError as exc:
            return self._fallback(offline, exc)

    def stream(
        self, question: str, fallback: Language | None = None, *, caller: Caller | None = None
    ) -> Iterator[str | Answer]:
        """Text deltas as they are produced, then the complete Answer as the last item.

        The offline engine answers at once (one delta); the LLM yields text as the server
        streams it. The final Answer is authoritative: if the LLM fails midway, or the checks
        change the text, it is the offline answer (with a note) or the checked text, and
        renderers replace what the deltas showed.
        """
        offline = self._offline(question, fallback)
        if self.llm is not None:
            declined = self.guard.admit("ask", caller)
            if declined is not None:
                offline = _noted(offline, declined.note(offline.language))
            else:
                try:
                    for item in self.llm.stream(question, offline):
                        if isinstance(item, Answer):
                            self.guard.done("ask", item.engine)
                        yield item
                    return
                except LLMError as exc:
                    offline = self._fallback(offline, exc)
        self.guard.done("ask", offline.engine)
        yield offline.text
        yield offline

    def _offline(self, question: str, fallback: Language | None) -> Answer:
        if not question or not question.strip():
            self.guard.refused("ask", "empty")
            raise EmptyInput("there is no question to answer")
        if len(question) > self.max_chars:
            self.guard.refused("ask", "too_long")
            raise InputTooLong(len(question), self.max_chars)
        return self.engine.answer(question, fallback)

    def _fallback(self, offline: Answer, exc: LLMError) -> Answer:
        log.warning("answer given offline (%s: %s)", type(exc).__name__, exc)
        self.guard.fell_back("ask", exc)
        return _noted(offline, note("offline", offline.language))


def _noted(answer: Answer, text: str) -> Answer:
    return answer.model_copy(update={"notes": (*answer.notes, text)})
