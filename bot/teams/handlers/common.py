"""What the Teams handlers share: sending a card, answering an invoke."""

from __future__ import annotations

import logging
from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes, InvokeResponse
from microsoft_agents.hosting.core import CardFactory, MessageFactory, TurnContext

from bot.teams.cards import Card

log = logging.getLogger(__name__)


def card_message(card: Card) -> Activity:
    message: Activity = MessageFactory.attachment(CardFactory.adaptive_card(card))
    return message


async def answer_invoke(context: TurnContext, body: Any, status: int = 200) -> None:
    """The invoke's HTTP answer (Teams waits for it, about 5 seconds at most)."""
    await context.send_activity(
        Activity(type=ActivityTypes.invoke_response, value=InvokeResponse(status=status, body=body))
    )
