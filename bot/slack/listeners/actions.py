"""Buttons under answers and reviews: Share in channel, and the three feedback ratings."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.i18n import text
from bot.models import LANGUAGES, Language
from bot.services.feedback import FeedbackError
from bot.slack.blocks import SHARE, Message, notice, shared
from bot.slack.i18n import slack_text
from bot.slack.payloads import Click, PayloadError, is_user_id, parse_click
from bot.slack.work import Deps, replying_on_failure

log = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    @app.action(re.compile("^coach_feedback_"))
    def feedback(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        click = _parse(body)
        if click is not None:
            deps.later(lambda: _record(deps, respond, click))

    @app.action(SHARE)
    def share(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        click = _parse(body)
        if click is not None and click.response_url and is_user_id(click.who.user):
            deps.later(lambda: _share(deps, respond, click))


def _record(deps: Deps, respond: Respond, click: Click) -> None:
    ref = _reference(click.value)
    language = _language(ref, deps.locales.cached(click.who.user))
    try:
        deps.feedback.record(
            click.action_id.removeprefix("coach_feedback_"),
            subject=str(ref.get("k", "answer")),
            user=click.who.key,
            language=language,
            topics=tuple(n for n in ref.get("t", []) if isinstance(n, int)),
            reference=str(ref.get("r", "")),
            workspace=click.who.team,
            channel=click.channel or "",
        )
    except FeedbackError as exc:
        log.warning("ignored feedback: %s", exc)
        return
    if click.response_url:
        _respond(respond, notice(text("thanks", language)))


def _share(deps: Deps, respond: Respond, click: Click) -> None:
    ref = _reference(click.value)
    language = _language(ref, deps.locales.cached(click.who.user))
    with replying_on_failure(lambda m: _respond(respond, m), language):
        found = deps.results.get(str(ref.get("r", "")))
        if found is None:
            _respond(respond, notice(slack_text("share_expired", language)))
            return
        message = shared(found, click.who.user, language)
        respond(response_type="in_channel", replace_original=False, **message.as_kwargs())
        respond(delete_original=True)  # the private copy and its button are done


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
