"""Messages: an @mention in a channel or group chat, or anything in the 1:1 chat, answers a
question or checks a draft (the same triggers as Slack's)."""

from __future__ import annotations

import logging
from typing import Any

from microsoft_agents.activity import ActivityTypes
from microsoft_agents.hosting.core import AgentApplication, RouteRank, TurnContext, TurnState

from bot.teams.deps import TeamsDeps
from bot.teams.handlers.common import reply_later
from bot.teams.incoming import fallback_language, plain_text, who
from bot.teams.work import reply

log = logging.getLogger(__name__)


def delivery_keys(activity: Any) -> tuple[str, ...]:
    """Teams re-delivers with the same activity id in the same conversation."""
    return (f"teams:{activity.conversation.id}:{activity.id or activity.request_id}",)


def is_text_message(context: TurnContext) -> bool:
    activity = context.activity
    return activity.type == ActivityTypes.message and not isinstance(activity.value, dict)


def register(app: AgentApplication[TurnState], deps: TeamsDeps) -> None:
    async def on_message(context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        said = plain_text(activity.text or "")
        sender = who(activity)
        language = fallback_language(activity, deps.settings.language)
        reply_later(
            context,
            deps,
            delivery_keys(activity),
            lambda: reply(deps, sender, said, language),
            language,
        )

    # Last, so that commands (the digest) registered before it are tried first.
    app.add_route(is_text_message, on_message, rank=RouteRank.LAST)
