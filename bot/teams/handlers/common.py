"""What the Teams handlers share: sending a card, answering an invoke, the reply-later path."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes, InvokeResponse
from microsoft_agents.hosting.core import CardFactory, MessageFactory, TurnContext

from bot.models import Language
from bot.teams.cards import Card
from bot.teams.deps import TeamsDeps
from bot.teams.work import guarded

log = logging.getLogger(__name__)


def card_message(card: Card) -> Activity:
    message: Activity = MessageFactory.attachment(CardFactory.adaptive_card(card))
    return message


async def answer_invoke(context: TurnContext, body: Any, status: int = 200) -> None:
    """The invoke's HTTP answer (Teams waits for it, about 5 seconds at most)."""
    await context.send_activity(
        Activity(type=ActivityTypes.invoke_response, value=InvokeResponse(status=status, body=body))
    )


def reply_later(
    context: TurnContext,
    deps: TeamsDeps,
    keys: tuple[str, ...],
    work: Callable[[], Card],
    language: Language,
) -> None:
    """Answer the HTTP request now (202) and send the card when the work is done.

    An LLM answer may take far longer than Teams waits for a POST, and Teams re-delivers what
    it thinks was lost; so the work runs after the response, once per activity (`keys`), and
    the card goes out through the connector as a reply to the message, like any other reply.
    """
    adapter, identity, activity = context.adapter, context.identity, context.activity

    async def job() -> None:
        if not await deps.run(lambda: deps.dedup.claim(keys)):
            log.info("ignored a repeated Teams delivery %s", keys)
            return
        card = await deps.run(guarded(work, language))

        async def send(turn: TurnContext) -> None:
            await turn.send_activity(card_message(card))

        try:
            await adapter.continue_conversation_with_claims(identity, activity, send)
        except Exception:
            log.exception("could not send a Teams reply")

    deps.spawn(job())
