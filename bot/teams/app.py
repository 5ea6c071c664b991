"""The Teams front end's composition root: the Agents SDK application, its routes, the adapter
and the authentication configuration, built from the settings."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import (
    AgentApplication,
    AgentAuthConfiguration,
    MemoryStorage,
    TurnContext,
    TurnState,
)
from microsoft_agents.hosting.core.app import ApplicationOptions
from microsoft_agents.hosting.core.authorization import Connections
from microsoft_agents.hosting.core.authorization.auth_types import AuthTypes

from bot.config import Settings
from bot.errors import CoachError
from bot.teams.deps import TeamsDeps
from bot.teams.handlers import extension, feedback, messages, welcome
from bot.teams.incoming import plain_text

log = logging.getLogger(__name__)

Agent = AgentApplication[TurnState]
# Route hooks run before the coach's own routes, so that a command ("digest …") is matched
# before the catch-all message route reads the text as a question.
RouteHook = Callable[[Agent, TeamsDeps], None]
_DIGEST = re.compile(r"^\s*digest\b(?P<args>.*)$", re.IGNORECASE | re.DOTALL)


class TeamsSetupError(CoachError):
    """A Teams setting is missing or inconsistent."""


def digest_args(activity_text: str | None) -> str | None:
    """The arguments of a "digest …" command (mention removed), or None for other messages."""
    match = _DIGEST.match(plain_text(activity_text or ""))
    return match.group("args").strip() if match else None


def is_digest_command(context: TurnContext) -> bool:
    activity = context.activity
    return activity.type == "message" and digest_args(activity.text) is not None


@dataclass(frozen=True)
class TeamsApp:
    agent: Agent
    adapter: CloudAdapter
    auth: AgentAuthConfiguration
    deps: TeamsDeps
    connections: Connections  # the bot's outbound tokens, for replies sent outside a turn


def auth_configuration(settings: Settings) -> AgentAuthConfiguration:
    """Who the bot is (for validating inbound tokens and fetching outbound ones)."""
    if not settings.teams_app_id and not settings.teams_anonymous:
        raise TeamsSetupError("MICROSOFT_APP_ID is not set; Teams needs the bot's app id")
    if (
        settings.teams_app_id
        and not (settings.teams_app_password or settings.teams_app_certificate)
        and not settings.teams_anonymous
    ):
        raise TeamsSetupError(
            "MICROSOFT_APP_PASSWORD (or MICROSOFT_APP_CERTIFICATE) is not set; "
            "the bot needs it to reply through Teams"
        )
    secret = settings.teams_app_password.get_secret_value() if settings.teams_app_password else None
    certificate = str(settings.teams_app_certificate) if settings.teams_app_certificate else None
    return AgentAuthConfiguration(
        auth_type=AuthTypes.certificate if certificate and not secret else AuthTypes.client_secret,
        client_id=settings.teams_app_id,
        tenant_id=settings.teams_app_tenant_id,
        client_secret=secret,
        cert_pfx_file=certificate,
        anonymous_allowed=settings.teams_anonymous,
    )


def msal_connections(auth: AgentAuthConfiguration) -> Connections:
    from microsoft_agents.authentication.msal import MsalConnectionManager  # noqa: PLC0415

    return MsalConnectionManager(connections_configurations={"SERVICE_CONNECTION": auth})


def build_teams_app(
    settings: Settings,
    deps: TeamsDeps,
    *,
    connections: Connections | None = None,
    hooks: Sequence[RouteHook] = (),
) -> TeamsApp:
    """`connections` hands out the bot's outbound tokens (MSAL by default; tests pass one that
    never asks Entra). `hooks` add routes that must come before the catch-all one (the
    runner adds the weekly digest's commands)."""
    auth = auth_configuration(settings)
    connections = connections or msal_connections(auth)
    options = ApplicationOptions(
        storage=MemoryStorage(),  # the coach keeps no turn state: replicas stay stateless
        bot_app_id=settings.teams_app_id or "",
        start_typing_timer=False,  # replies go out after the HTTP answer (bot/teams/jobs.py)
    )
    agent = Agent(options, connection_manager=connections)
    for hook in hooks:
        hook(agent, deps)
    for module in (feedback, extension, welcome, messages):
        module.register(agent, deps)
    adapter = CloudAdapter(connection_manager=connections)
    return TeamsApp(agent, adapter, auth, deps, connections)
