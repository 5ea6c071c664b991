"""The "check a draft" modal opened by `/coach check`: its submission runs the review."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.i18n import text
from bot.slack.blocks import CHECK_MODAL, DRAFT_ACTION, DRAFT_BLOCK, Message
from bot.slack.payloads import ModalSubmission, PayloadError, parse_submission
from bot.slack.work import Deps, check, replying_on_failure

log = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    @app.view(CHECK_MODAL)
    def submitted(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        try:
            submission = parse_submission(body, DRAFT_BLOCK, DRAFT_ACTION)
        except PayloadError as exc:
            log.warning("ignored a malformed modal submission: %s", exc)
            ack()
            return
        if not submission.draft.strip():
            # Validation errors keep the modal open, with the message under the field.
            language = deps.locales.cached(submission.who.user)
            ack(response_action="errors", errors={DRAFT_BLOCK: text("form_empty", language)})
            return
        ack()
        deps.later(lambda: _work(deps, client, submission))


def _work(deps: Deps, client: WebClient, submission: ModalSubmission) -> None:
    def post(message: Message) -> None:
        _deliver(client, submission, message)

    with replying_on_failure(post, deps.locales.cached(submission.who.user)):
        post(
            check(deps, client, submission.who, submission.draft, channel=submission.channel or "")
        )


def _deliver(client: WebClient, submission: ModalSubmission, message: Message) -> None:
    """Ephemeral where `/coach check` was typed; else a DM from the coach."""
    if submission.response_url:
        response = WebhookClient(submission.response_url).send(
            response_type="ephemeral", replace_original=False, **message.as_kwargs()
        )
        if response.status_code == 200:
            return
        log.warning("the response_url answered %s; sending a DM instead", response.status_code)
    if submission.channel:
        client.chat_postEphemeral(
            channel=submission.channel, user=submission.who.user, **message.as_kwargs()
        )
        return
    client.chat_postMessage(channel=submission.who.user, **message.as_kwargs())
