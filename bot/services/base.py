"""What the review and answer services share: the offline engine answers first, the LLM (when
configured and within the caller's rate limit) may do better, and any LLM failure gives the
offline result with a localized note."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, ClassVar, Generic, Protocol, Self, TypeVar

from bot.core.engine import OfflineEngine
from bot.errors import EmptyInput, InputTooLong
from bot.llm.errors import LLMError
from bot.llm.notes import note
from bot.models import Language
from bot.services.guard import LLMGuard

if TYPE_CHECKING:
    from bot.services.ratelimit import Caller

log = logging.getLogger(__name__)


class Noted(Protocol):
    """A Review or an Answer: a result in a language that can carry notes."""

    language: Language
    notes: tuple[str, ...]

    def model_copy(self, *, update: dict[str, object] | None = None, deep: bool = False) -> Self:
        """pydantic's copy with changes."""


Result = TypeVar("Result", bound=Noted)
LLM = TypeVar("LLM")


class OfflineFirst(Generic[LLM]):
    task: ClassVar[str]  # "check" or "ask": how the guard counts this service's work

    def __init__(
        self,
        engine: OfflineEngine,
        max_chars: int = 40_000,
        llm: LLM | None = None,
        guard: LLMGuard | None = None,
    ) -> None:
        self.engine = engine
        self.max_chars = max_chars
        self.llm = llm
        self.guard = guard or LLMGuard()

    def _accept(self, text: str, empty: str) -> None:
        """Refuse empty or too long input, with the error the transports explain to users."""
        if not text or not text.strip():
            self.guard.refused(self.task, "empty")
            raise EmptyInput(empty)
        if len(text) > self.max_chars:
            self.guard.refused(self.task, "too_long")
            raise InputTooLong(len(text), self.max_chars)

    def _declined(self, offline: Result, caller: Caller | None) -> Result | None:
        """The offline result with a note when the rate limit says no; None to go ahead."""
        declined = self.guard.admit(self.task, caller)
        return None if declined is None else noted(offline, declined.note(offline.language))

    def _fallback(self, offline: Result, exc: LLMError) -> Result:
        log.warning("%s answered offline (%s: %s)", self.task, type(exc).__name__, exc)
        self.guard.fell_back(self.task, exc)
        return noted(offline, note("offline", offline.language))


def noted(result: Result, text: str) -> Result:
    return result.model_copy(update={"notes": (*result.notes, text)})
