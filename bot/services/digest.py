"""Build the weekly digest of one workspace (or one channel) from the database.

Not an activity recap but coaching: which traps the team's drafts fell into in the last seven
days and the trend against the seven before, what people asked about, what they thought of the
coach, and the one misconception to work on next. The figures always come from the database;
a configured LLM may only phrase the summary (and anything it writes is checked first).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol

from sqlalchemy.exc import SQLAlchemyError

from bot.core.knowledge import KnowledgeBase
from bot.errors import CoachError
from bot.models import (
    TRAP_NUMBERS,
    Digest,
    Featured,
    FeedbackCounts,
    Language,
    TopicCount,
    TrapTrend,
)
from bot.services.subscriptions import iso_week, week_index
from bot.storage.db import Database
from bot.storage.records import Activity, activity

log = logging.getLogger(__name__)

PERIOD = timedelta(days=7)


class DigestUnavailable(CoachError):
    """The database could not be read, so there are no figures to show."""


class Summarizer(Protocol):
    def summarize(self, digest: Digest) -> str | None:
        """A few sentences about the digest's figures, or None to go without."""


class DigestService:
    def __init__(
        self,
        database: Database,
        knowledge: KnowledgeBase,
        summarizer: Summarizer | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.database = database
        self.knowledge = knowledge
        self.summarizer = summarizer
        self._clock = clock

    def build(
        self,
        workspace: str,
        channel: str | None,
        language: Language,
        *,
        end: datetime | None = None,
        week: str | None = None,
        digest_id: str = "",
    ) -> Digest:
        """The seven days before `end` (default now) against the seven days before those."""
        end = end or self._clock()
        start, before = end - PERIOD, end - 2 * PERIOD
        try:
            now = activity(self.database, workspace, channel, start, end)
            last = activity(self.database, workspace, channel, before, start)
        except SQLAlchemyError as exc:
            raise DigestUnavailable(f"cannot read the figures: {type(exc).__name__}") from exc
        traps = self._trends(now, last, language)
        digest = Digest(
            id=digest_id,
            workspace=workspace,
            channel=channel,
            language=language,
            week=week or iso_week(end),
            start=start,
            end=end,
            drafts_checked=now.checks,
            drafts_last_week=last.checks,
            drafts_with_traps=now.checks_with_traps,
            traps=traps,
            questions=sum(now.questions.values()),
            questions_last_week=sum(last.questions.values()),
            topics=self._topics(now, language),
            feedback=FeedbackCounts(
                helpful=now.feedback.get("helpful", 0),
                not_helpful=now.feedback.get("not_helpful", 0),
                false_alarm=now.feedback.get("false_alarm", 0),
            ),
            featured=self._featured(traps, week_index(end), language),
        )
        return self._summarized(digest)

    def _trends(self, now: Activity, last: Activity, language: Language) -> tuple[TrapTrend, ...]:
        return tuple(
            TrapTrend(
                number=n,
                slug=self.knowledge.slug(n),
                title=self.knowledge[n].entry(language).title,
                this_week=now.traps.get(n, 0),
                last_week=last.traps.get(n, 0),
            )
            for n in TRAP_NUMBERS
        )

    def _topics(self, now: Activity, language: Language) -> tuple[TopicCount, ...]:
        # Most asked first; questions outside the knowledge base last.
        ordered = sorted(now.questions.items(), key=lambda item: (item[0] is None, -item[1]))
        return tuple(
            TopicCount(
                number=topic,
                title=self.knowledge[topic].entry(language).title if topic else None,
                count=count,
            )
            for topic, count in ordered
            if topic is None or topic in TRAP_NUMBERS
        )

    def _featured(self, traps: tuple[TrapTrend, ...], index: int, language: Language) -> Featured:
        number, reason = pick_featured(traps, index)
        entry = self.knowledge[number].entry(language)
        return Featured(
            number=number,
            slug=self.knowledge.slug(number),
            title=entry.title,
            why=entry.why_wrong,
            instead=entry.instead,
            reason=reason,
        )

    def _summarized(self, digest: Digest) -> Digest:
        if self.summarizer is None:
            return digest
        try:
            summary = self.summarizer.summarize(digest)
        except CoachError as exc:  # the digest goes out without prose rather than not at all
            log.warning("digest summary skipped (%s: %s)", type(exc).__name__, exc)
            return digest
        if not summary:
            return digest
        return digest.model_copy(update={"summary": summary, "engine": "llm"})


def pick_featured(
    traps: tuple[TrapTrend, ...], index: int
) -> tuple[int, Literal["most", "tied", "quiet"]]:
    """The trap hit most this week; among a tie, or in a week without traps, the choice
    rotates with the week, so a team does not read about the same one every week."""
    top = max((t.this_week for t in traps), default=0)
    if top == 0:
        ordered = sorted(t.number for t in traps) or list(TRAP_NUMBERS)
        return ordered[index % len(ordered)], "quiet"
    tied = sorted(t.number for t in traps if t.this_week == top)
    if len(tied) == 1:
        return tied[0], "most"
    return tied[index % len(tied)], "tied"
