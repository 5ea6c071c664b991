"""Record what the coach did — each check and question — for the weekly digest.

Stored: workspace, channel, user, time, language, the traps a check flagged, a question's
topic, and which engine answered. Never the text, unless COACH_STORE_TEXT=true. A failed
write is logged and dropped: a lost count must never cost the user their reply.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import SQLAlchemyError

from bot.models import Answer, Review
from bot.storage.db import Database
from bot.storage.records import UsageRecord, add_usage, delete_workspace

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Origin:
    """Where a request came from, as opaque transport ids (Slack: T…, C…/D…, U…)."""

    workspace: str
    channel: str
    user: str


def _now() -> datetime:
    return datetime.now(UTC)


class UsageService:
    def __init__(
        self,
        database: Database,
        *,
        store_text: bool = False,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.database = database
        self.store_text = store_text
        self._clock = clock

    def checked(self, origin: Origin, review: Review, text: str) -> None:
        self._add(
            origin,
            kind="check",
            language=review.language,
            engine=review.engine,
            traps=tuple(f.number for f in review.findings),
            text=text,
        )

    def asked(self, origin: Origin, answer: Answer, question: str) -> None:
        self._add(
            origin,
            kind="question",
            language=answer.language,
            engine=answer.engine,
            topic=answer.topic,
            text=question,
        )

    def forget_workspace(self, workspace: str) -> int:
        """Delete every record of the workspace (usage, feedback, subscriptions, digests)."""
        return delete_workspace(self.database, workspace)

    def _add(
        self,
        origin: Origin,
        *,
        kind: str,
        language: str,
        engine: str,
        text: str,
        traps: tuple[int, ...] = (),
        topic: int | None = None,
    ) -> None:
        record = UsageRecord(
            workspace=origin.workspace,
            channel=origin.channel,
            user=origin.user,
            at=self._clock(),
            kind=kind,
            language=language,
            engine=engine,
            traps=traps,
            topic=topic,
            text=text if self.store_text else None,
        )
        self._save(record)

    def _save(self, record: UsageRecord) -> None:
        try:
            add_usage(self.database, record)
        except SQLAlchemyError as exc:
            log.warning("could not record a %s for the digest: %s", record.kind, type(exc).__name__)
