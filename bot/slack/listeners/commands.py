"""`/coach ask|check|traps|help`: results come back ephemeral, with a Share button."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.i18n import text
from bot.services.jobs import Job
from bot.slack.blocks import Message, check_modal, help_message, notice, traps_message
from bot.slack.digest.commands import digest_reply
from bot.slack.jobs import COMMAND, job_data, submit
from bot.slack.payloads import Command, PayloadError, parse_command
from bot.slack.work import Deps, ask, check, quick_client, replying_on_failure

log = logging.getLogger(__name__)

# Seconds: the ack must reach Slack within 3 seconds, and views.open runs before it.
TRIGGER_TIMEOUT = 2


def register(app: App, deps: Deps) -> None:
    @app.command("/coach")
    def coach(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        try:
            command = parse_command(body)
        except PayloadError as exc:
            log.warning("ignored a malformed /coach request: %s", exc)
            ack()
            return
        if not is_queued(command):
            ack()
            _open_modal(deps, client, command)
            return
        busy = queue_command(deps, body, context.team_id, context.enterprise_id)
        if busy is not None:
            ack(response_type="ephemeral", **busy.as_kwargs())
        else:
            ack()


def is_queued(command: Command) -> bool:
    """Every /coach command is queued but a bare `/coach check`, which opens the check modal
    before the ack. Shared by the listener and the fast lane (bot/slack/fast_lane.py)."""
    return not (command.subcommand == "check" and not command.argument)


def queue_command(
    deps: Deps, body: dict[str, Any], team: str | None, enterprise: str | None
) -> Message | None:
    """Queue the command; past the backlog bound, the busy notice the ack must carry."""
    busy: list[Message] = []
    submit(deps, COMMAND, job_data(body, team, enterprise), busy.append)
    return busy[0] if busy else None


def run_job(deps: Deps, job: Job) -> None:
    """A queued /coach command: run it and answer through its response_url."""
    command = parse_command(job.data["body"])
    _work(deps, deps.job_clients.client(job), deps.job_clients.respond(job), command)


def job_failed(deps: Deps, job: Job) -> None:
    command = parse_command(job.data["body"])
    respond = deps.job_clients.respond(job)
    message = notice(text("error", deps.locales.cached(command.who.user)))
    respond(response_type="ephemeral", replace_original=False, **message.as_kwargs())


def _work(deps: Deps, client: WebClient, respond: Respond, command: Command) -> None:
    def post(message: Message) -> None:
        respond(response_type="ephemeral", replace_original=False, **message.as_kwargs())

    with replying_on_failure(post, deps.locales.cached(command.who.user)):
        post(_run(deps, client, command))


def _run(deps: Deps, client: WebClient, command: Command) -> Message:
    match command.subcommand:
        case "ask":
            return ask(deps, client, command.who, command.argument, channel=command.channel)
        case "check":
            return check(deps, client, command.who, command.argument, channel=command.channel)
        case "traps":
            return traps_message(deps.knowledge, deps.locales.language(client, command.who.user))
        case "digest":
            return digest_reply(deps, client, command)
    language = deps.locales.language(client, command.who.user)
    return help_message(language, command.unknown)


def _open_modal(deps: Deps, client: WebClient, command: Command) -> None:
    # The one Slack call before the ack goes out: a trigger_id is valid for 3 seconds only.
    # The language is what is already cached (users.info would be a second call).
    if not command.trigger_id:
        return
    metadata = {"channel": command.channel, "response_url": command.response_url}
    view = check_modal(deps.locales.cached(command.who.user), metadata)
    try:
        quick_client(client, TRIGGER_TIMEOUT).views_open(trigger_id=command.trigger_id, view=view)
    except (SlackApiError, SlackClientError) as exc:
        log.warning("views.open failed: %s", exc)
