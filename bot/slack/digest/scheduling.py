"""The digest scheduler wired to Slack: inside `coach serve` / `coach socket`, and for one
pass in `coach digest run`."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING

from slack_sdk.oauth.installation_store import InstallationStore

from bot.config import Settings
from bot.services.digest import DigestService
from bot.services.scheduler import DigestScheduler, PassReport, Publisher, Publishers
from bot.services.subscriptions import SubscriptionService
from bot.slack.digest.post import SlackDigestPublisher
from bot.slack.oauth import WorkspaceClients, installation_store
from bot.slack.work import Deps
from bot.storage.db import Database
from bot.storage.subscriptions import Platform

if TYPE_CHECKING:
    from bot.observability.metrics import Metrics

log = logging.getLogger(__name__)


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


def digest_scheduler(
    settings: Settings,
    database: Database,
    digests: DigestService,
    installations: InstallationStore | None = None,
    metrics: Metrics | None = None,
    *,
    others: Mapping[Platform, Publisher] | None = None,
) -> DigestScheduler:
    """The one scheduler of this process: Slack's publisher, plus `others` (Teams) if given."""
    if installations is None and settings.oauth_configured:
        installations = installation_store(settings, database)
    slack = SlackDigestPublisher(WorkspaceClients(settings, installations))
    scheduler = ObservedDigestScheduler(
        database,
        SubscriptionService(database),
        digests,
        Publishers({"slack": slack, **(others or {})}),
        lease=timedelta(seconds=settings.digest_lease),
    )
    scheduler.metrics = metrics
    return scheduler


def start_digest_scheduler(
    settings: Settings, deps: Deps, others: Mapping[Platform, Publisher] | None = None
) -> DigestScheduler | None:
    """The scheduler thread of a server, unless COACH_DIGEST_SCHEDULER=false (cron does it)."""
    if not settings.digest_scheduler:
        log.info("digest scheduler off (COACH_DIGEST_SCHEDULER=false)")
        return None
    scheduler = digest_scheduler(
        settings,
        deps.database,
        deps.digests,
        deps.installations,
        deps.services.metrics,
        others=others,
    )
    return scheduler.start()
