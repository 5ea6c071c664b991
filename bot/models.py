"""Neutral result models shared by every transport (CLI, Slack, Teams).

Services return these; renderers turn them into terminal output, Block Kit or Adaptive Cards.
"""

from __future__ import annotations

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
