"""Feedback on answers and reviews (helpful / not helpful / false alarm), from any transport.

The database store is what servers use (the digest counts it, and every process sees it); the
in-memory store keeps one process's feedback for tests. Transports pass neutral values only:
who (an opaque id), where (workspace, channel), on what, and the rating.

Feedback is a vote: one per user and result (`reference`). Clicking again with another rating
replaces the vote; the same rating again changes nothing, and `record` says so, so that the
transport thanks once. The digest therefore counts votes, not clicks.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, Protocol, get_args

from bot.errors import CoachError
from bot.models import Language
from bot.storage.db import Database
from bot.storage.records import FeedbackRecord, add_feedback, recent_feedback

Rating = Literal["helpful", "not_helpful", "false_alarm"]
Subject = Literal["answer", "review"]
RATINGS: tuple[Rating, ...] = get_args(Rating)


class FeedbackError(CoachError):
    """The feedback names an unknown rating or subject."""


@dataclass(frozen=True)
class Feedback:
    rating: Rating
    subject: Subject
    user: str  # opaque id from the transport, e.g. "slack:T111:U222"
    language: Language
    topics: tuple[int, ...] = ()  # the misconceptions the answer cited or the review flagged
    reference: str = ""  # which answer or review, as the transport identifies it
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    workspace: str = ""  # e.g. the Slack team id; the digest counts feedback per workspace
    channel: str = ""


class FeedbackStore(Protocol):
    def add(self, feedback: Feedback) -> bool:
        """Store the vote; False if the user had cast the same vote on the same result."""

    def recent(self, limit: int = 100) -> list[Feedback]: ...


class InMemoryFeedbackStore:
    """The newest `capacity` items of this process; thread-safe."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._items: deque[Feedback] = deque(maxlen=capacity)
        self._lock = threading.Lock()

    def add(self, feedback: Feedback) -> bool:
        with self._lock:
            earlier = next((f for f in self._items if _same_result(f, feedback)), None)
            if earlier is not None:
                if earlier.rating == feedback.rating:
                    return False
                self._items.remove(earlier)
            self._items.append(feedback)
            return True

    def recent(self, limit: int = 100) -> list[Feedback]:
        with self._lock:
            return list(self._items)[-limit:]


class DatabaseFeedbackStore:
    """Feedback in the database: shared by every process, counted in the weekly digest."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def add(self, feedback: Feedback) -> bool:
        return self._save(
            FeedbackRecord(
                workspace=feedback.workspace,
                channel=feedback.channel,
                user=feedback.user,
                at=feedback.at,
                rating=feedback.rating,
                subject=feedback.subject,
                language=feedback.language,
                topics=feedback.topics,
                reference=feedback.reference,
            )
        )

    def _save(self, record: FeedbackRecord) -> bool:
        return add_feedback(self.database, record)

    def recent(self, limit: int = 100) -> list[Feedback]:
        return [
            Feedback(
                rating=row.rating,  # type: ignore[arg-type]  # written through record()
                subject=row.subject,  # type: ignore[arg-type]
                user=row.user,
                language=row.language,  # type: ignore[arg-type]
                topics=row.topics,
                reference=row.reference,
                at=row.at,
                workspace=row.workspace,
                channel=row.channel,
            )
            for row in recent_feedback(self.database, limit)
        ]


class FeedbackService:
    def __init__(
        self,
        store: FeedbackStore,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self._clock = clock

    def record(
        self,
        rating: str,
        *,
        subject: str,
        user: str,
        language: Language,
        topics: tuple[int, ...] = (),
        reference: str = "",
        workspace: str = "",
        channel: str = "",
    ) -> bool:
        """Record a vote; True if it is new or changed, False if the same vote was there."""
        if rating not in RATINGS:
            raise FeedbackError(f"unknown rating {rating!r}; expected one of {', '.join(RATINGS)}")
        if subject not in get_args(Subject):
            raise FeedbackError(f"unknown subject {subject!r}")
        feedback = Feedback(
            rating=rating,
            subject=subject,  # type: ignore[arg-type]
            user=user,
            language=language,
            topics=topics,
            reference=reference,
            at=self._clock(),
            workspace=workspace,
            channel=channel,
        )
        return self.store.add(feedback)


def _same_result(one: Feedback, other: Feedback) -> bool:
    return bool(one.reference) and (one.user, one.reference) == (other.user, other.reference)
