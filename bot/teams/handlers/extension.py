"""The message extension: "Check for social-media traps" on any message (fetchTask → a dialog
with the findings) and the compose-box command that checks a draft before it is posted (as an
action command, submitAction with a `draft` field, or as a search command, query).

Teams waits about 5 seconds for an invoke's answer, so the check gets `INVOKE_BUDGET`; when the
LLM is slower, the offline engine's result (a note says so) answers instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from microsoft_agents.activity import ActivityTypes
from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState

from bot.i18n import text
from bot.models import Language
from bot.teams.cards import CARD_TYPE, Card, attachment, notice_card
from bot.teams.deps import TeamsDeps
from bot.teams.handlers.common import answer_invoke
from bot.teams.i18n import teams_text
from bot.teams.incoming import Who, fallback_language, plain_text, who
from bot.teams.work import check, check_offline, guarded

log = logging.getLogger(__name__)

INVOKE_BUDGET = 4.0  # seconds; Teams shows an error after about 5
DRAFT_FIELDS = ("draft", "text", "message")


def message_text(value: Mapping[str, Any]) -> str:
    """The text of the message the action was chosen on (Teams sends its HTML body)."""
    payload = value.get("messagePayload")
    body = payload.get("body") if isinstance(payload, dict) else None
    content = body.get("content") if isinstance(body, dict) else None
    return plain_text(content) if isinstance(content, str) else ""


def draft_text(value: Mapping[str, Any]) -> str:
    """The draft typed into the compose command: submitted `data`, or query `parameters`."""
    data = value.get("data")
    if isinstance(data, dict):
        for name in DRAFT_FIELDS:
            if isinstance(data.get(name), str):
                return plain_text(data[name])
    for parameter in value.get("parameters") or []:
        if isinstance(parameter, dict) and isinstance(parameter.get("value"), str):
            return plain_text(parameter["value"])
    return ""


async def checked(deps: TeamsDeps, sender: Who, draft: str, language: Language) -> Card:
    if not draft.strip():
        return notice_card(text("no_message_text", language))
    work = guarded(lambda: check(deps, sender, draft, language), language)
    try:
        return await asyncio.wait_for(deps.run(work), INVOKE_BUDGET)
    except TimeoutError:
        log.warning("the check took longer than Teams waits; answering offline")
        return await deps.run(
            guarded(lambda: check_offline(deps, sender, draft, language), language)
        )


def dialog(card: Card, language: Language) -> dict[str, Any]:
    title = teams_text("check_title", language)
    return {
        "task": {
            "type": "continue",
            "value": {
                "title": title,
                "height": "large",
                "width": "medium",
                "card": attachment(card),
            },
        }
    }


def search_result(card: Card, language: Language) -> dict[str, Any]:
    summary = next((b.get("text") for b in card["body"] if b.get("type") == "TextBlock"), "")
    preview = {
        "contentType": "application/vnd.microsoft.card.thumbnail",
        "content": {"title": teams_text("check_title", language), "text": summary or ""},
    }
    return {
        "composeExtension": {
            "type": "result",
            "attachmentLayout": "list",
            "attachments": [{"contentType": CARD_TYPE, "content": card, "preview": preview}],
        }
    }


def _invoke(name: str) -> Any:
    def selector(context: TurnContext) -> bool:
        activity = context.activity
        return activity.type == ActivityTypes.invoke and activity.name == name

    return selector


def register(app: AgentApplication[TurnState], deps: TeamsDeps) -> None:
    def parts(context: TurnContext) -> tuple[Mapping[str, Any], Who, Language]:
        activity = context.activity
        value = activity.value if isinstance(activity.value, dict) else {}
        return value, who(activity), fallback_language(activity, deps.settings.language)

    async def on_fetch(context: TurnContext, state: TurnState) -> None:
        value, sender, language = parts(context)
        found = message_text(value) or draft_text(value)
        await answer_invoke(context, dialog(await checked(deps, sender, found, language), language))

    async def on_submit(context: TurnContext, state: TurnState) -> None:
        value, sender, language = parts(context)
        found = draft_text(value) or message_text(value)
        await answer_invoke(context, dialog(await checked(deps, sender, found, language), language))

    async def on_query(context: TurnContext, state: TurnState) -> None:
        value, sender, language = parts(context)
        card = await checked(deps, sender, draft_text(value), language)
        await answer_invoke(context, search_result(card, language))

    app.add_route(_invoke("composeExtension/fetchTask"), on_fetch, is_invoke=True)
    app.add_route(_invoke("composeExtension/submitAction"), on_submit, is_invoke=True)
    app.add_route(_invoke("composeExtension/query"), on_query, is_invoke=True)
