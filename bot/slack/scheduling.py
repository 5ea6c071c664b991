"""The digest scheduler wired to Slack: inside `coach serve` / `coach socket`, and for one
pass in `coach digest run`."""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_sdk.oauth.installation_store import InstallationStore

from bot.config import Settings
from bot.scheduler import DigestScheduler
from bot.services.digest import DigestService
from bot.services.subscriptions import SubscriptionService
from bot.slack.digest_post import SlackDigestPublisher
from bot.slack.oauth import WorkspaceClients, installation_store
from bot.slack.work import Deps
from bot.storage.db import Database

log = logging.getLogger(__name__)


def digest_scheduler(
    settings: Settings,
    database: Database,
    digests: DigestService,
    installations: InstallationStore | None = None,
) -> DigestScheduler:
    if installations is None and settings.oauth_configured:
        installations = installation_store(settings, database)
    return DigestScheduler(
        database,
        SubscriptionService(database),
        digests,
        SlackDigestPublisher(WorkspaceClients(settings, installations)),
        lease=timedelta(seconds=settings.digest_lease),
    )


def start_digest_scheduler(settings: Settings, deps: Deps) -> DigestScheduler | None:
    """The scheduler thread of a server, unless COACH_DIGEST_SCHEDULER=false (cron does it)."""
    if not settings.digest_scheduler:
        log.info("digest scheduler off (COACH_DIGEST_SCHEDULER=false)")
        return None
    scheduler = digest_scheduler(settings, deps.database, deps.digests, deps.installations)
    return scheduler.start()
