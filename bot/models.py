"""Neutral result models shared by every transport (CLI, Slack, Teams).

Services return these; renderers turn them into terminal output, Block Kit or Adaptive Cards.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Language = Literal["en", "de", "it"]
LANGUAGES: tuple[Language, ...] = ("en", "de", "it")
Engine = Literal["offline", "llm"]
TRAP_NUMBERS = (1, 2, 3, 4, 5)


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Finding(Frozen):
    """One trap found in a text, with the evidence quoted at its exact offsets."""

    number: int = Field(ge=1, le=5)
    slug: str
    confidence: float = Field(ge=0.0, le=1.0)
    evidence: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    advice: str
    why: str | None = None
    rewrite: str | None = None


class Review(Frozen):
    """The result of checking a draft post, plan or message."""

    language: Language
    findings: tuple[Finding, ...] = ()
    engine: Engine = "offline"
    notes: tuple[str, ...] = ()
    # The text's language (ISO 639-1, e.g. "fr") when it is not one the coach reviews; the
    # findings are then only a best-effort check in `language`, and front ends say so.
    other_language: str | None = None

    @property
    def clean(self) -> bool:
        return not self.findings


class Citation(Frozen):
    number: int = Field(ge=1, le=5)
    slug: str
    title: str


class TopicScore(Frozen):
    number: int = Field(ge=1, le=5)
    slug: str
    score: float


class Answer(Frozen):
    """The reply to a question: grounded text and the misconceptions it relies on."""

    language: Language
    topic: int | None
    text: str
    citations: tuple[Citation, ...] = ()
    ranking: tuple[TopicScore, ...] = ()
    engine: Engine = "offline"
    notes: tuple[str, ...] = ()

    @property
    def covered(self) -> bool:
        return self.topic is not None


class TrapTrend(Frozen):
    """How often one trap was flagged in the digest's week and in the week before."""

    number: int = Field(ge=1, le=5)
    slug: str
    title: str
    this_week: int = Field(ge=0)
    last_week: int = Field(ge=0)

    @property
    def change(self) -> int:
        return self.this_week - self.last_week


class TopicCount(Frozen):
    """Questions about one misconception (number None: questions outside the knowledge base)."""

    number: int | None = Field(None, ge=1, le=5)
    title: str | None = None
    count: int = Field(ge=0)


class FeedbackCounts(Frozen):
    helpful: int = 0
    not_helpful: int = 0
    false_alarm: int = 0

    @property
    def total(self) -> int:
        return self.helpful + self.not_helpful + self.false_alarm


class Featured(Frozen):
    """The misconception of the week, with the knowledge base's advice on it."""

    number: int = Field(ge=1, le=5)
    slug: str
    title: str
    why: str
    instead: str
    reason: Literal["most", "tied", "quiet"]  # hit most; rotated among a tie; rotated, no traps


class Digest(Frozen):
    """A week of coaching for one workspace (or one of its channels). Figures come from the
    database; `summary` is optional prose (the LLM's, when one is configured)."""

    id: str = ""  # the delivery it belongs to; empty for a preview
    workspace: str
    channel: str | None  # None: the whole workspace
    language: Language
    week: str  # ISO week of the period's end, e.g. "2026-W10"
    start: datetime
    end: datetime
    drafts_checked: int = Field(ge=0)
    drafts_last_week: int = Field(ge=0)
    drafts_with_traps: int = Field(ge=0)
    traps: tuple[TrapTrend, ...]
    questions: int = Field(ge=0)
    questions_last_week: int = Field(ge=0)
    topics: tuple[TopicCount, ...] = ()
    feedback: FeedbackCounts = FeedbackCounts()
    featured: Featured
    summary: str | None = None
    engine: Engine = "offline"

    @property
    def quiet(self) -> bool:
        """Nobody checked a draft or asked a question: the digest is a short tip."""
        return self.drafts_checked == 0 and self.questions == 0

    @property
    def traps_flagged(self) -> int:
        return sum(t.this_week for t in self.traps)

    @property
    def has_chart(self) -> bool:
        return any(t.this_week or t.last_week for t in self.traps)
