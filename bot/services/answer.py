"""Answer a question about social-media strategy from the knowledge base."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from bot.llm.answer import LLMAnswerer
from bot.llm.errors import LLMError
from bot.models import Answer, Language
from bot.services.base import OfflineFirst

if TYPE_CHECKING:
    from bot.services.ratelimit import Caller


class AnswerService(OfflineFirst[LLMAnswerer]):
    """The offline engine answers first (language, ranking, safety net); the LLM, when
    configured and within the caller's rate limit, writes the answer. Any LLM failure gives
    the offline answer with a note."""

    task = "ask"

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
        declined = self._declined(offline, caller)
        if declined is not None:
            return declined
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
            declined = self._declined(offline, caller)
            if declined is not None:
                offline = declined
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
        self._accept(question, "there is no question to answer")
        return self.engine.answer(question, fallback)
