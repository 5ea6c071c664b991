"""Review a draft post, plan or message for the five traps."""

from __future__ import annotations

from bot.engine import OfflineEngine
from bot.errors import EmptyInput, InputTooLong
from bot.models import Language, Review


class ReviewService:
    def __init__(self, engine: OfflineEngine, max_chars: int = 40_000) -> None:
        self.engine = engine
        self.max_chars = max_chars

    def review(self, text: str, fallback: Language | None = None) -> Review:
        if not text or not text.strip():
            raise EmptyInput("there is no text to check")
        if len(text) > self.max_chars:
            raise InputTooLong(len(text), self.max_chars)
        return self.engine.review(text, fallback)
