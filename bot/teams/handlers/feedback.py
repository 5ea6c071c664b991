"""Feedback buttons: Action.Execute (invoke `adaptiveCard/action`, answered with the updated
card) and the Action.Submit fallback of older clients (a message whose `value` holds the data;
the card is then updated through the connector). Both go into the feedback store Slack uses."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from microsoft_agents.activity import ActivityTypes
from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState

from bot.models import LANGUAGES, Language
from bot.services.feedback import FeedbackError
from bot.teams.cards import CARD_TYPE, FEEDBACK_VERB, Card, thanked
from bot.teams.deps import TeamsDeps
from bot.teams.handlers.common import answer_invoke, card_message
from bot.teams.i18n import teams_text
from bot.teams.incoming import who

log = logging.getLogger(__name__)
_SUBJECTS = {"review": "review", "answer": "answer"}


def _language(data: Mapping[str, Any], default: Language) -> Language:
    value = data.get("l")
    return value if value in LANGUAGES else default


def record(deps: TeamsDeps, activity: Any, data: Mapping[str, Any]) -> Card:
    """Store the rating; the card with the thanks in place of the buttons. FeedbackError for
    data no button of ours sends."""
    language = _language(data, deps.settings.language)
    raw_topics = data.get("t")
    topics: list[Any] = raw_topics if isinstance(raw_topics, list) else []
    subject = _SUBJECTS.get(str(data.get("k")))
    if subject is None:
        raise FeedbackError(f"unknown subject {data.get('k')!r}")
    sender, ref = who(activity), str(data.get("r") or "")[:64]
    deps.feedback.record(
        str(data.get("rating")),
        subject=subject,
        user=sender.key,
        language=language,
        topics=tuple(t for t in topics if isinstance(t, int) and 1 <= t <= 5),
        reference=ref,
        workspace=sender.origin.workspace,
        channel=sender.conversation,
    )
    return thanked(deps.cards.get(ref) if ref else None, language)


def _action_data(activity: Any) -> Mapping[str, Any] | None:
    value = activity.value if isinstance(activity.value, dict) else {}
    action = value.get("action")
    if not isinstance(action, dict) or action.get("verb") != FEEDBACK_VERB:
        return None
    data = action.get("data")
    return data if isinstance(data, dict) else None


def register(app: AgentApplication[TurnState], deps: TeamsDeps) -> None:
    def is_execute(context: TurnContext) -> bool:
        activity = context.activity
        return activity.type == ActivityTypes.invoke and activity.name == "adaptiveCard/action"

    async def on_execute(context: TurnContext, state: TurnState) -> None:
        activity, data = context.activity, _action_data(context.activity)
        language = _language(data or {}, deps.settings.language)
        if data is None:
            body = {
                "statusCode": 400,
                "type": "application/vnd.microsoft.error",
                "value": {"code": "BadRequest", "message": teams_text("unknown_action", language)},
            }
            await answer_invoke(context, body)
            return
        try:
            card = await deps.run(lambda: record(deps, activity, data))
        except FeedbackError as exc:
            log.info("refused feedback: %s", exc)
            body = {
                "statusCode": 400,
                "type": "application/vnd.microsoft.error",
                "value": {"code": "BadRequest", "message": teams_text("unknown_action", language)},
            }
            await answer_invoke(context, body)
            return
        await answer_invoke(context, {"statusCode": 200, "type": CARD_TYPE, "value": card})

    def is_submit(context: TurnContext) -> bool:
        activity = context.activity
        value = activity.value
        return (
            activity.type == ActivityTypes.message
            and isinstance(value, dict)
            and value.get("verb") == FEEDBACK_VERB
        )

    async def on_submit(context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        data: dict[str, Any] = activity.value if isinstance(activity.value, dict) else {}
        try:
            card = await deps.run(lambda: record(deps, activity, data))
        except FeedbackError as exc:
            log.info("refused feedback: %s", exc)
            return
        if activity.reply_to_id:
            update = card_message(card)
            update.id = activity.reply_to_id
            await context.update_activity(update)

    app.add_route(is_execute, on_execute, is_invoke=True)
    app.add_route(is_submit, on_submit)
