"""Answer a question about social-media strategy from the knowledge base."""

from __future__ import annotations

from collections.abc import Iterator

from bot.engine import OfflineEngine
from bot.errors import EmptyInput, InputTooLong
from bot.models import Answer, Language


class AnswerService:
    def __init__(self, engine: OfflineEngine, max_chars: int = 40_000) -> None:
        self.engine = engine
        self.max_chars = max_chars

    def ask(self, question: str, fallback: Language | None = None) -> Answer:
        self._check(question)
        return self.engine.answer(question, fallback)

    def stream(self, question: str, fallback: Language | None = None) -> Iterator[str | Answer]:
        """Text deltas as they are produced, then the complete Answer as the last item.

        The offline engine answers at once (one delta); an LLM engine yields tokens as they come.
        """
        answer = self.ask(question, fallback)
        yield answer.text
        yield answer

    def _check(self, question: str) -> None:
        if not question or not question.strip():
            raise EmptyInput("there is no question to answer")
        if len(question) > self.max_chars:
            raise InputTooLong(len(question), self.max_chars)
