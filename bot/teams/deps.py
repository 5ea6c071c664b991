"""What every Teams handler needs, built once from the settings: the same services, feedback
store, de-duplication and usage records as Slack's, in the same database."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.core.knowledge import KnowledgeBase
from bot.observability.context import carried
from bot.services.dedup import DatabaseDedupStore, DedupStore
from bot.services.factory import Services
from bot.services.feedback import FeedbackService
from bot.services.resilience import FallbackDedupStore, durable_feedback, durable_usage
from bot.services.usage import UsageService
from bot.storage.db import Database, open_database
from bot.storage.results import find_result, save_result

log = logging.getLogger(__name__)
T = TypeVar("T")

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
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    @property
    def knowledge(self) -> KnowledgeBase:
        return self.services.engine.knowledge

    async def run(self, work: Callable[[], T]) -> T:
        """Blocking work (services, database) on the executor, in the request's log context."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, carried(work))

    def spawn(self, job: Awaitable[None]) -> None:
        """Run `job` after the HTTP answer; kept so that shutdown can wait for it."""
        task = asyncio.ensure_future(job)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def drain(self, timeout: float = 30.0) -> None:
        if self.tasks:
            await asyncio.wait(list(self.tasks), timeout=timeout)


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
        executor=ThreadPoolExecutor(settings.workers, thread_name_prefix="coach-teams"),
    )
