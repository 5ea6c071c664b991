"""Slack's digest publisher, and the scheduler with it inside `coach serve` / `coach socket`
(the factory itself is platform-neutral: bot/services/digest_scheduling.py). `coach digest
run` and Teams alone add this publisher when Slack can post (bot/cli/db.py)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from slack_sdk.oauth.installation_store import InstallationStore

from bot.config import Settings
from bot.services.digest import DigestService
from bot.services.digest_scheduling import build_digest_scheduler
from bot.services.scheduler import DigestScheduler, Publisher
from bot.slack.digest.post import SlackDigestPublisher
from bot.slack.oauth import WorkspaceClients, installation_store
from bot.slack.work import Deps
from bot.storage.db import Database
from bot.storage.subscriptions import Platform

if TYPE_CHECKING:
    from bot.observability.metrics import Metrics

log = logging.getLogger(__name__)


def slack_publisher(
    settings: Settings, database: Database, installations: InstallationStore | None = None
) -> SlackDigestPublisher:
    """Posts with SLACK_BOT_TOKEN, or each workspace's token from the installation store."""
    if installations is None and settings.oauth_configured:
        installations = installation_store(settings, database)
    return SlackDigestPublisher(WorkspaceClients(settings, installations))


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
    slack = slack_publisher(settings, database, installations)
    publishers: dict[Platform, Publisher] = {"slack": slack, **(others or {})}
    return build_digest_scheduler(settings, database, digests, publishers, metrics)


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
