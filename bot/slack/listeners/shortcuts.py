"""Message shortcut "Check for social-media traps" (callback_id check_message)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.i18n import text
from bot.services.jobs import Job
from bot.slack.blocks import Message, notice
from bot.slack.jobs import SHORTCUT, job_data, submit
from bot.slack.payloads import MessageShortcut, PayloadError, parse_shortcut
from bot.slack.work import Deps, check, replying_on_failure

log = logging.getLogger(__name__)

CALLBACK_ID = "check_message"


def register(app: App, deps: Deps) -> None:
    @app.message_shortcut(CALLBACK_ID)
    def check_message(
        ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext
    ) -> None:
        ack()
        try:
            parse_shortcut(body)
        except PayloadError as exc:
            log.warning("ignored a malformed shortcut: %s", exc)
            return

        def busy(message: Message) -> None:
            deps.later(lambda: _ephemeral(respond, message))

        submit(deps, SHORTCUT, job_data(body, context.team_id, context.enterprise_id), busy)


def run_job(deps: Deps, job: Job) -> None:
    shortcut = parse_shortcut(job.data["body"])
    _work(deps, deps.job_clients.client(job), deps.job_clients.respond(job), shortcut)


def job_failed(deps: Deps, job: Job) -> None:
    shortcut = parse_shortcut(job.data["body"])
    language = deps.locales.cached(shortcut.who.user)
    _ephemeral(deps.job_clients.respond(job), notice(text("error", language)))


def _ephemeral(respond: Respond, message: Message) -> None:
    respond(response_type="ephemeral", replace_original=False, **message.as_kwargs())


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
