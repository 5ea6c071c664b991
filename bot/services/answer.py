"""Answer a question about social-media strategy from the knowledge base."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from bot.engine import OfflineEngine
from bot.errors import EmptyInput, InputTooLong
from bot.llm.answer import LLMAnswerer
from bot.llm.errors import LLMError
from bot.llm.notes import note
from bot.models import Answer, Language

log = logging.getLogger(__name__)


class AnswerService:
    """The offline engine answers first (language, ranking, safety net); the LLM, when
    configured, writes the answer. Any LLM failure gives the offline answer with a note."""

    def __init__(
        self, engine: OfflineEngine, max_chars: int = 40_000, llm: LLMAnswerer | None = None
    ) -> None:
        self.engine = engine
        self.max_chars = max_chars
        self.llm = llm

    def ask(self, question: str, fallback: Language | None = None) -> Answer:
        offline = self._offline(question, fallback)
        if self.llm is None:
            return offline
        try:
            return self.llm.answer(question, offline)
        except LLMError as exc:
            return _fallback(offline, exc)

    def stream(self, question: str, fallback: Language | None = None) -> Iterator[str | Answer]:
        """Text deltas as they are produced, then the complete Answer as the last item.

        The offline engine answers at once (one delta); the LLM yields text as the server
        streams it. The final Answer is authoritative: if the LLM fails midway, or the checks
        change the text, it is the offline answer (with a note) or the checked text, and
        renderers replace what the deltas showed.
        """
        offline = self._offline(question, fallback)
        if self.llm is not None:
            try:
                yield from self.llm.stream(question, offline)
                return
            except LLMError as exc:
                offline = _fallback(offline, exc)
        yield offline.text
        yield offline

    def _offline(self, question: str, fallback: Language | None) -> Answer:
        if not question or not question.strip():
            raise EmptyInput("there is no question to answer")
        if len(question) > self.max_chars:
            raise InputTooLong(len(question), self.max_chars)
        return self.engine.answer(question, fallback)


def _fallback(offline: Answer, exc: LLMError) -> Answer:
    log.warning("answer given offline (%s: %s)", type(exc).__name__, exc)
    return offline.model_copy(update={"notes": (*offline.notes, note("offline", offline.language))})
