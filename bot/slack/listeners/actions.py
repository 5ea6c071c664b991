"""Buttons under answers and reviews: Share in channel, and the three feedback ratings."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.models import LANGUAGES, Language
from bot.services.feedback import FeedbackError
from bot.slack.blocks import FEEDBACK, SHARE, Message, notice, shared
from bot.slack.i18n import text
from bot.slack.payloads import Click, PayloadError, is_user_id, parse_click
from bot.slack.work import Deps, replying_on_failure

log = logging.getLogger(__name__)


def _ack(ack: Ack) -> None:
    ack()


def register(app: App, deps: Deps) -> None:
    def feedback(body: dict[str, Any], respond: Respond) -> None:
        click = _parse(body)
        if click is None:
            return
        ref = _reference(click.value)
        language = _language(ref, deps.locales.cached(click.who.user))
        rating = click.action_id.removeprefix("coach_feedback_")
        try:
            deps.feedback.record(
                rating,
                subject=str(ref.get("k", "answer")),
                user=click.who.key,
                language=language,
                topics=tuple(n for n in ref.get("t", []) if isinstance(n, int)),
                reference=str(ref.get("r", "")),
            )
        except FeedbackError as exc:
            log.warning("ignored feedback: %s", exc)
            return
        if click.response_url:
            _respond(respond, notice(text("thanks", language)))

    def share(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        click = _parse(body)
        if click is None or not click.response_url or not is_user_id(click.who.user):
            return
        ref = _reference(click.value)
        language = _language(ref, deps.locales.cached(click.who.user))
        with replying_on_failure(lambda m: _respond(respond, m), language):
            found = deps.results.get(str(ref.get("r", "")))
            if found is None:
                _respond(respond, notice(text("share_expired", language)))
                return
            message = shared(found, click.who.user, language)
            respond(response_type="in_channel", replace_original=False, **message.as_kwargs())
            respond(delete_original=True)  # the private copy and its button are done

    app.action(re.compile("^coach_feedback_"))(ack=_ack, lazy=[feedback])
    app.action(SHARE)(ack=_ack, lazy=[share])


def _respond(respond: Respond, message: Message) -> None:
    respond(response_type="ephemeral", replace_original=False, **message.as_kwargs())


def _parse(body: dict[str, Any]) -> Click | None:
    try:
        return parse_click(body)
    except PayloadError as exc:
        log.warning("ignored a malformed button click: %s", exc)
        return None


def _reference(value: str) -> dict[str, Any]:
    try:
        ref = json.loads(value)
    except json.JSONDecodeError:
        return {}
    return ref if isinstance(ref, dict) else {}


def _language(ref: dict[str, Any], default: Language) -> Language:
    language = ref.get("l")
    return language if language in LANGUAGES else default


__all__ = ["FEEDBACK", "register"]
