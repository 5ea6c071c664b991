"""Who may subscribe and unsubscribe Teams channels (COACH_DIGEST_MANAGERS), Teams' way.

`everyone`: anyone in the channel. `admins`: the team's owners. A list: those users (by their
Entra object id, `from.aadObjectId`) and the team's owners.

The role comes from the Bot Connector's roster (`GET v3/conversations/{team}/members/{user}`,
through the SDK's connector client of this turn): Teams adds `userRole` ("owner", "user",
"guest") to the member it returns. No Graph permission is needed for that. When the connector
cannot say (an error, no role in the answer), the answer is no, with a log line and a polite
reply: a setting meant to restrict must not open up while the connector is unwell.
"""

from __future__ import annotations

import logging
from typing import Any

from microsoft_agents.hosting.core import TurnContext
from microsoft_agents.hosting.core.connector import ConnectorClientBase

from bot.config import DigestManagers
from bot.models import Language
from bot.teams.i18n import teams_text

log = logging.getLogger(__name__)

OWNER = "owner"


def managers_text(managers: DigestManagers, language: Language) -> str | None:
    """Who may subscribe and unsubscribe channels; None when everyone may."""
    if managers.mode == "everyone":
        return None
    if managers.mode == "admins":
        return teams_text("digest_managers_admins", language)
    return teams_text("digest_managers_listed", language)


async def refusal(context: TurnContext, managers: DigestManagers, language: Language) -> str | None:
    """None when the sender may manage digest subscriptions; else the reply saying who may."""
    who_may = managers_text(managers, language)
    if who_may is None:
        return None
    sender = context.activity.from_property
    aad = (getattr(sender, "aad_object_id", None) or "").lower()
    if aad and aad in managers.users:
        return None
    role = await team_role(context)
    if role == OWNER:
        return None
    lines = [teams_text("digest_refused", language, managers=who_may)]
    if role is None:
        log.warning("refused %s a digest change: the team role is unknown", aad or "someone")
        lines.append(teams_text("digest_role_unknown", language))
    else:
        log.info("refused %s a digest change (COACH_DIGEST_MANAGERS=%s)", aad, managers.mode)
    return "\n\n".join(lines)


async def team_role(context: TurnContext) -> str | None:
    """The sender's role in the team ("owner", "user", "guest"), or None if unknown."""
    activity = context.activity
    team = _team_id(activity)
    sender = getattr(activity.from_property, "id", None)
    connector = _connector(context)
    if not team or not sender or connector is None:
        return None
    try:
        member = await connector.conversations.get_conversation_member(team, sender)
    except Exception as exc:  # any failure of the connector means "unknown", never "yes"
        log.warning("the roster did not answer (%s: %s)", type(exc).__name__, exc)
        return None
    role = (member.model_extra or {}).get("userRole")
    return role.lower() if isinstance(role, str) and role else None


def _team_id(activity: Any) -> str | None:
    data = activity.channel_data
    team = data.get("team") if isinstance(data, dict) else getattr(data, "team", None)
    found = team.get("id") if isinstance(team, dict) else getattr(team, "id", None)
    return found if isinstance(found, str) and found else None


def _connector(context: TurnContext) -> ConnectorClientBase | None:
    """The connector client the adapter made for this turn (it carries the bot's token)."""
    return context.services.get(ConnectorClientBase)  # type: ignore[type-abstract]
