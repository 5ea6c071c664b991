"""Message shortcut "Check for social-media traps" (callback_id check_message)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.i18n import text
from bot.slack.blocks import Message, notice
from bot.slack.payloads import MessageShortcut, PayloadError, parse_shortcut
from bot.slack.work import Deps, check, replying_on_failure

log = logging.getLogger(__name__)

CALLBACK_ID = "check_message"


def register(app: App, deps: Deps) -> None:
    @app.message_shortcut(CALLBACK_ID)
    def check_message(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        try:
            shortcut = parse_shortcut(body)
        except PayloadError as exc:
            log.warning("ignored a malformed shortcut: %s", exc)
            return
        deps.later(lambda: _work(deps, client, respond, shortcut))


def _work(deps: Deps, client: WebClient, respond: Respond, shortcut: MessageShortcut) -> None:
    def post(message: Message) -> None:
        # Ephemeral, to the person who asked. Where the coach is not a member, Slack refuses
        # chat.postEphemeral; the shortcut's response_url works everywhere.
        try:
            client.chat_postEphemeral(
                channel=shortcut.channel, user=shortcut.who.user, **message.as_kwargs()
            )
        except SlackApiError as exc:
            if not shortcut.response_url:
                raise
            log.info(
                "chat.postEphemeral failed (%s); using the response_url", exc.response.get("error")
            )
            respond(response_type="ephemeral", replace_original=False, **message.as_kwargs())

    with replying_on_failure(post, deps.locales.cached(shortcut.who.user)):
        if shortcut.text.strip():
            post(check(deps, client, shortcut.who, shortcut.text, channel=shortcut.channel))
        else:
            post(notice(text("no_message_text", deps.locales.language(client, shortcut.who.user))))
