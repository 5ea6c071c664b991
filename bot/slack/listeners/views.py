"""The "check a draft" modal opened by `/coach check`: its submission runs the review."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.i18n import text
from bot.services.jobs import Job
from bot.slack.blocks import CHECK_MODAL, DRAFT_ACTION, DRAFT_BLOCK, Message, notice
from bot.slack.jobs import VIEW, job_data, submit
from bot.slack.payloads import ModalSubmission, PayloadError, parse_submission
from bot.slack.work import Deps, check, replying_on_failure

log = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    @app.view(CHECK_MODAL)
    def submitted(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
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

        def busy(message: Message) -> None:
            deps.later(lambda: _deliver(client, submission, message))

        submit(deps, VIEW, job_data(body, context.team_id, context.enterprise_id), busy)


def run_job(deps: Deps, job: Job) -> None:
    _work(deps, deps.job_clients.client(job), _submission(job))


def job_failed(deps: Deps, job: Job) -> None:
    submission = _submission(job)
    language = deps.locales.cached(submission.who.user)
    _deliver(deps.job_clients.client(job), submission, notice(text("error", language)))


def _submission(job: Job) -> ModalSubmission:
    return parse_submission(job.data["body"], DRAFT_BLOCK, DRAFT_ACTION)


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
