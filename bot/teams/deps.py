"""What every Teams handler needs, built once from the settings: the same services, feedback
store, de-duplication, usage records and reply queue as Slack's, in the same database."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.core.knowledge import KnowledgeBase
from bot.observability.context import carried
from bot.services.dedup import DatabaseDedupStore, DedupStore
from bot.services.factory import Services
from bot.services.feedback import FeedbackService
from bot.services.jobs import JobQueue
from bot.services.queue_backend import open_huey, queue_location
from bot.services.resilience import FallbackDedupStore, durable_feedback, durable_usage
from bot.services.usage import UsageService
from bot.storage.db import Database, open_database
from bot.storage.results import find_result, save_result

if TYPE_CHECKING:
    from bot.observability.metrics import Metrics

log = logging.getLogger(__name__)
T = TypeVar("T")
# Teams' jobs in the reply queue's tables under a name of their own (see bot/teams/jobs.py).
QUEUE_NAME = "coach.teams"

# A feedback click may come days after the card; past this, the thanks card has no content.
CARD_TTL = timedelta(days=2)
SWEEP_EVERY = timedelta(minutes=10)


class CardStore:
    """Sent cards by reference, so that a feedback click can update the card it came from
    (the click carries only the reference). Shared by every replica through the database."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._swept = datetime.min.replace(tzinfo=UTC)

    def put(self, reference: str, card: dict[str, Any]) -> None:
        now = datetime.now(UTC)
        sweep = now if now - self._swept > SWEEP_EVERY else None
        try:
            save_result(
                self.database, reference, json.dumps(card), now + CARD_TTL, sweep_before=sweep
            )
        except SQLAlchemyError as exc:  # the reply matters more: the thanks card gets shorter
            log.warning("could not keep a card for its feedback buttons: %s", exc)
            return
        if sweep is not None:
            self._swept = now

    def get(self, reference: str) -> dict[str, Any] | None:
        try:
            found = find_result(self.database, reference, datetime.now(UTC))
            value = json.loads(found) if found else None
        except (SQLAlchemyError, ValueError) as exc:
            log.warning("could not read a kept card: %s", exc)
            return None
        return value if isinstance(value, dict) else None


@dataclass
class TeamsDeps:
    settings: Settings
    services: Services
    database: Database
    feedback: FeedbackService
    dedup: DedupStore
    usage: UsageService
    cards: CardStore
    executor: ThreadPoolExecutor
    jobs: JobQueue  # the reply queue: acked messages, answered by any replica's workers
    # Acks wait on the database (the delivery's claim, the job's group commit) and do no
    # work of their own: many threads, so that the acks of a burst share bigger commits.
    acks: ThreadPoolExecutor

    @property
    def knowledge(self) -> KnowledgeBase:
        return self.services.engine.knowledge

    async def run(self, work: Callable[[], T]) -> T:
        """Blocking work (services, database) on the executor, in the request's log context."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, carried(work))


def open_queue(settings: Settings, metrics: Metrics | None = None) -> JobQueue:
    """Teams' reply queue: Slack's database and settings, a queue name of its own."""
    location = queue_location(settings.queue_url, settings.database_url, settings.data_dir)
    return JobQueue(
        open_huey(location, QUEUE_NAME),
        max_backlog=settings.queue_max_backlog,
        dead_after=settings.queue_dead_after,
        count=metrics.job if metrics is not None else None,
    )


# The offline engine is CPU-bound: threads beyond a few only fight the event loop for the
# interpreter lock. LLM calls wait on the network, so they get all of COACH_WORKERS.
OFFLINE_THREADS = 4
# Threads that queue acked messages (as many as Slack's HTTP threads, for the same reason).
ACK_THREADS = 32


def _threads(settings: Settings, services: Services) -> int:
    return settings.workers if services.llm else min(settings.workers, OFFLINE_THREADS)


def build_teams_deps(
    settings: Settings, services: Services, *, database: Database | None = None
) -> TeamsDeps:
    database = database or open_database(settings.database_url, settings.data_dir)
    return TeamsDeps(
        settings=settings,
        services=services.with_database(database),
        database=database,
        feedback=FeedbackService(durable_feedback(database, settings.data_dir)),
        dedup=FallbackDedupStore(DatabaseDedupStore(database)),
        usage=durable_usage(
            database, settings.data_dir, store_text=settings.store_text, metrics=services.metrics
        ),
        cards=CardStore(database),
        executor=ThreadPoolExecutor(_threads(settings, services), thread_name_prefix="coach-teams"),
        jobs=open_queue(settings, services.metrics),
        acks=ThreadPoolExecutor(ACK_THREADS, thread_name_prefix="coach-teams-ack"),
    )
