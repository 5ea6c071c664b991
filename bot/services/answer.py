"""Answer a question about social-media strategy from the knowledge base."""

from __future__ import annotations

from bot.engine import OfflineEngine
from bot.errors import EmptyInput, InputTooLong
from bot.models import Answer, Language


class AnswerService:
    def __init__(self, engine: OfflineEngine, max_chars: int = 40_000) -> None:
        self.engine = engine
        self.max_chars = max_chars

    def ask(self, question: str, fallback: Language | None = None) -> Answer:
        if not question or not question.strip():
            raise EmptyInput("there is no question to answer")
        if len(question) > self.max_chars:
            raise InputTooLong(len(question), self.max_chars)
        return self.engine.answer(question, fallback)
