"""Plugging the digest into the Teams app and into the one scheduler.

`digest_hook` is the route hook bot.teams.runner gives bot.teams.app.build_teams_app:
messages that start with "digest" go to commands.handle before the catch-all route reads them
as a question. `teams_publishers` is what a process that runs
the scheduler adds beside Slack's publisher, so one scheduler posts to both platforms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from microsoft_agents.hosting.core import TurnContext, TurnState
from microsoft_agents.hosting.core.authorization import Connections

from bot.config import Settings
from bot.services.digest import DigestService
from bot.services.digest_summary import summarizer_for
from bot.services.scheduler import Publisher
from bot.services.subscriptions import SubscriptionService
from bot.storage.subscriptions import Platform
from bot.teams.app import (
    Agent,
    auth_configuration,
    digest_args,
    is_digest_command,
    msal_connections,
)
from bot.teams.deps import TeamsDeps
from bot.teams.digest.commands import handle
from bot.teams.digest.publisher import TeamsDigestPublisher

T = TypeVar("T")


@dataclass
class TeamsDigestServices:
    subscriptions: SubscriptionService
    digests: DigestService
    deps: TeamsDeps

    async def run(self, work: Callable[[], T]) -> T:
        return await self.deps.run(work)


def digest_services(deps: TeamsDeps) -> TeamsDigestServices:
    digests = DigestService(deps.database, deps.knowledge, summarizer_for(deps.settings))
    return TeamsDigestServices(SubscriptionService(deps.database), digests, deps)


def digest_hook(app: Agent, deps: TeamsDeps) -> None:
    services = digest_services(deps)

    async def on_digest(context: TurnContext, state: TurnState) -> None:
        await handle(context, services, deps.settings, digest_args(context.activity.text) or "")

    app.add_route(is_digest_command, on_digest)


def teams_publishers(
    settings: Settings, connections: Connections | None = None
) -> dict[Platform, Publisher]:
    """{"teams": its publisher} when Teams is configured, else nothing.

    Without an app id (COACH_TEAMS_ANONYMOUS, development only) the connector gets no token.
    """
    if not settings.teams_configured:
        return {}
    if connections is None and settings.teams_app_id:
        connections = msal_connections(auth_configuration(settings))
    return {"teams": TeamsDigestPublisher(connections)}
