"""The welcome card when the coach is installed: in a team, a group chat or a 1:1 chat.

Teams announces an install twice (conversationUpdate with the bot among `membersAdded`, and
installationUpdate "add"); the de-duplication store lets only the first one greet.
"""

from __future__ import annotations

import logging
from typing import Any

from microsoft_agents.activity import ActivityTypes
from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState

from bot.teams.cards import welcome_card
from bot.teams.deps import TeamsDeps
from bot.teams.handlers.common import card_message
from bot.teams.incoming import fallback_language

log = logging.getLogger(__name__)


def bot_was_added(activity: Any) -> bool:
    if activity.type == ActivityTypes.installation_update:
        return str(activity.action or "").startswith("add")
    if activity.type != ActivityTypes.conversation_update:
        return False
    bot = activity.recipient.id if activity.recipient else None
    return any(member.id == bot for member in activity.members_added or [])


def register(app: AgentApplication[TurnState], deps: TeamsDeps) -> None:
    async def on_added(context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        conversation = str(activity.conversation.id).split(";messageid=")[0]
        keys = (f"teams:welcome:{conversation}",)
        if not await deps.run(lambda: deps.dedup.claim(keys)):
            return
        language = fallback_language(activity, deps.settings.language)
        await context.send_activity(card_message(welcome_card(deps.knowledge, language)))

    app.add_route(lambda context: bot_was_added(context.activity), on_added)
