"""Where a digest command was typed, in the terms a subscription and a proactive post need.

The workspace key is the one the Teams front end writes usage under (`teams:<tenant>`, see
bot/teams/incoming.py), so a Teams digest counts exactly the checks and questions of its
tenant (or, with `channel`, of its channel), and never collides with a Slack team id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.teams.incoming import who


@dataclass(frozen=True)
class Where:
    workspace: str  # "teams:<tenant>"
    tenant: str
    channel: str | None  # the team channel's id; None in a chat
    team: str | None
    service_url: str
    bot_id: str  # "28:<app id>": the bot's account, as the activity's recipient
    user: str  # the sender's Entra object id (or Teams id)
    timezone: str | None  # the sender's Teams client, e.g. "Europe/Rome"


def where(activity: Any) -> Where:
    sender = who(activity)
    conversation = activity.conversation
    in_channel = getattr(conversation, "conversation_type", None) == "channel"
    channel = _channel_id(activity) or sender.conversation if in_channel else None
    return Where(
        workspace=sender.origin.workspace,
        tenant=sender.tenant,
        channel=channel or None,
        team=sender.team or None,
        service_url=str(activity.service_url or ""),
        bot_id=str(getattr(activity.recipient, "id", "") or ""),
        user=sender.user,
        timezone=_timezone(activity),
    )


def _channel_id(activity: Any) -> str | None:
    data = activity.channel_data
    channel = data.get("channel") if isinstance(data, dict) else getattr(data, "channel", None)
    found = channel.get("id") if isinstance(channel, dict) else getattr(channel, "id", None)
    return found if isinstance(found, str) and found else None


def _timezone(activity: Any) -> str | None:
    if activity.local_timezone:
        return str(activity.local_timezone)
    for entity in activity.entities or []:
        data = entity.model_dump(by_alias=True) if hasattr(entity, "model_dump") else entity
        if isinstance(data, dict) and data.get("type") == "clientInfo" and data.get("timezone"):
            return str(data["timezone"])
    return None
