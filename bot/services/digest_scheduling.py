"""The digest scheduler of a process, built from the publishers it has: one factory for
every front end (Slack's server, Teams alone in `coach serve`, `coach digest run`), so none
of them needs another platform's code to schedule its own digests."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.services.digest import DigestService
from bot.services.scheduler import DigestScheduler, PassReport, Publisher, Publishers
from bot.services.subscriptions import SubscriptionService
from bot.storage.db import Database
from bot.storage.subscriptions import Platform

if TYPE_CHECKING:
    from bot.observability.metrics import Metrics


class ObservedDigestScheduler(DigestScheduler):
    """Counts each pass's posted and failed digests (coach_digests_total) for alerting."""

    metrics: Metrics | None = None

    def run_once(self) -> PassReport:
        report = super().run_once()
        if self.metrics is not None:
            self.metrics.digest("posted", report.posted)
            self.metrics.digest("failed", report.failed)
            self.metrics.digest("given_up", report.given_up)
        return report


def build_digest_scheduler(
    settings: Settings,
    database: Database,
    digests: DigestService,
    publishers: Mapping[Platform, Publisher],
    metrics: Metrics | None = None,
) -> DigestScheduler:
    """The one scheduler of this process; a platform missing from `publishers` is a failed
    attempt for its subscriptions here (retried, never skipped silently)."""
    scheduler = ObservedDigestScheduler(
        database,
        SubscriptionService(database),
        digests,
        Publishers(publishers),
        lease=timedelta(seconds=settings.digest_lease),
    )
    scheduler.metrics = metrics
    return scheduler
