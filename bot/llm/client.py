"""The one LLM boundary: a small protocol that the engines call, and the request it takes.

The OpenAI-compatible implementation lives in `openai_compat.py`; it is the only place that
talks HTTP to a model and the only place that retries.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, Protocol

from pydantic import BaseModel

Task = Literal["review", "answer", "digest"]


@dataclass(frozen=True)
class ChatRequest:
    """One structured request: a stable system part, the per-request user part, a schema."""

    task: Task  # for logs only
    system: str
    user: str
    schema: type[BaseModel]
    max_tokens: int


@dataclass
class Deadline:
    """The overall time one answer or review may take, retries and streaming included."""

    seconds: float
    started: float = field(default_factory=time.monotonic)

    def remaining(self) -> float:
        return max(0.0, self.started + self.seconds - time.monotonic())

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0.0


class ChatClient(Protocol):
    """What the engines need from a model. Raises `bot.llm.errors.LLMError` subclasses only."""

    @property
    def model(self) -> str: ...

    def complete(self, request: ChatRequest, deadline: Deadline) -> str:
        """The reply's whole content (JSON text, not yet parsed)."""
        ...

    def stream(self, request: ChatRequest, deadline: Deadline) -> Iterator[str]:
        """The reply's content in pieces as the server produces them."""
        ...
