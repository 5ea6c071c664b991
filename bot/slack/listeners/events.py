"""Events: mentions (in channels and threads), messages, App Home, uninstalls.

Bolt acks an event as soon as its listener returns. Mentions and DMs become jobs on the reply
queue (bot/slack/jobs.py), answered by whichever worker takes them; the rest is light and runs
on the executor. Slack re-delivers events it thinks were lost and may send one message twice
(app_mention and message), so replies go through `once`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from slack_bolt import App, BoltContext, BoltRequest
from slack_sdk import WebClient

from bot.i18n import text
from bot.services.jobs import Job
from bot.slack.blocks import Message, home_view, notice
from bot.slack.digest.blocks import managers_text, subscription_lines
from bot.slack.jobs import EVENT, job_data, post_once, submit
from bot.slack.listeners.assistant import reply_direct
from bot.slack.payloads import Mention, PayloadError, mentions_bot, parse_mention
from bot.slack.work import Deps, once, reply_to_mention, replying_on_failure

log = logging.getLogger(__name__)

# Message subtypes that are a person writing; edits, joins, bot posts and the like are not.
_PERSON_SUBTYPES = {None, "thread_broadcast", "file_share"}


def register(app: App, deps: Deps) -> None:
    @app.event("app_mention")
    def mention(body: dict[str, Any], context: BoltContext, request: BoltRequest) -> None:
        log_retry(request.headers)
        _queue(deps, body, context)

    @app.event("message")
    def message(body: dict[str, Any], context: BoltContext, request: BoltRequest) -> None:
        if not message_is_queued(body.get("event") or {}, context.bot_user_id):
            return
        log_retry(request.headers)
        _queue(deps, body, context)

    @app.event("app_home_opened", matchers=[lambda event: event.get("tab", "home") == "home"])
    def home(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if isinstance(event.get("user"), str):
            team = context.team_id or ""
            deps.later(lambda: _publish_home(deps, client, event["user"], team))

    @app.event("app_uninstalled")
    @app.event("tokens_revoked")
    def uninstalled(event: dict[str, Any], context: BoltContext) -> None:
        log.info("the app lost its tokens (%s); forgetting cached user data", event.get("type"))
        deps.locales.forget_all()
        enterprise, team = context.enterprise_id, context.team_id
        deps.later(lambda: forget(deps, event, enterprise, team))


def _publish_home(deps: Deps, client: WebClient, user: str, team: str) -> None:
    language = deps.locales.language(client, user)
    with replying_on_failure(lambda _: None, language):
        # Only this workspace's subscriptions: a user never sees another workspace's.
        records = deps.subscriptions.of_workspace(team) if team else []
        lines = subscription_lines(records, language)
        who_may = managers_text(deps.settings.digest_access, language)
        view = home_view(deps.knowledge, language, lines, who_may)
        client.views_publish(user_id=user, view=view)


def forget(deps: Deps, event: Mapping[str, Any], enterprise: str | None, team: str | None) -> None:
    """Delete what an uninstall or revocation took away: the tokens (multi-workspace mode)
    and, when COACH_DELETE_DATA_ON_UNINSTALL is true, the workspace's records."""
    store = deps.installations
    uninstalled = event.get("type") == "app_uninstalled"
    if store is not None:
        tokens = event.get("tokens") or {}
        if uninstalled:
            store.delete_all(enterprise_id=enterprise, team_id=team)
        else:
            if tokens.get("bot"):
                store.delete_bot(enterprise_id=enterprise, team_id=team)
            for user in tokens.get("oauth") or []:
                store.delete_installation(enterprise_id=enterprise, team_id=team, user_id=user)
        log.info("deleted the revoked tokens of workspace %s", team)
    if uninstalled and team and deps.settings.delete_data_on_uninstall:
        removed = deps.usage.forget_workspace(team)
        log.info("deleted %d records of workspace %s after it uninstalled the app", removed, team)


def message_is_queued(event: Mapping[str, Any], bot_user_id: str | None) -> bool:
    """A message event worth a reply: a person writing (no edits, joins or bot posts), in a
    DM with the coach or mentioning it. Shared by the listener and the fast lane."""
    subtype = event.get("subtype")
    if not isinstance(subtype, str | None) or subtype not in _PERSON_SUBTYPES:
        return False
    if event.get("bot_id"):
        return False
    return event.get("channel_type") == "im" or mentions_bot(event, bot_user_id)


def _queue(deps: Deps, body: dict[str, Any], context: BoltContext) -> None:
    queue_event(
        deps,
        body,
        team=context.team_id,
        enterprise=context.enterprise_id,
        bot=context.bot_user_id,
        client=lambda: context.client,
    )


def queue_event(
    deps: Deps,
    body: dict[str, Any],
    *,
    team: str | None,
    enterprise: str | None,
    bot: str | None,
    client: Callable[[], WebClient | None],
) -> None:
    """Hand the reply to the queue; when it is full, say so in the thread, from here
    (`client` is only asked for then)."""

    def busy(notice: Message) -> None:
        event = body.get("event") or {}
        channel, ts = event.get("channel"), event.get("thread_ts") or event.get("ts")
        poster = client()
        if isinstance(channel, str) and isinstance(ts, str) and poster is not None:
            deps.later(
                lambda: poster.chat_postMessage(channel=channel, thread_ts=ts, **notice.as_kwargs())
            )

    submit(deps, EVENT, job_data(body, team, enterprise, bot=bot), busy)


def run_job(deps: Deps, job: Job) -> None:
    """A queued mention or DM: parse, claim the event (first run only), answer."""
    try:
        parsed = parse_mention(job.data["body"], job.data.get("bot"))
    except PayloadError as exc:
        log.warning("ignored a malformed event: %s", exc)
        return
    client = deps.job_clients.client(job)

    def work() -> None:
        if parsed.direct:
            reply_direct(deps, client, parsed)
        else:
            _reply_in_thread(deps, client, parsed, job)

    if job.attempts > 1:
        work()  # claimed by the run that died; the job id keeps the reply single
    else:
        once(deps, parsed.dedup_keys, work)


def job_failed(deps: Deps, job: Job) -> None:
    """Tried too often: say so where the answer would have gone."""
    parsed = parse_mention(job.data["body"], job.data.get("bot"))
    client = deps.job_clients.client(job)
    language = deps.locales.cached(parsed.who.user)
    thread = None if parsed.direct else parsed.reply_thread
    client.chat_postMessage(
        channel=parsed.channel,
        thread_ts=thread or parsed.thread_ts,
        **notice(text("error", language)).as_kwargs(),
    )


def _reply_in_thread(deps: Deps, client: WebClient, mention: Mention, job: Job) -> None:
    def post(message: Message) -> None:
        post_once(client, job, mention.channel, mention.reply_thread, message)

    with replying_on_failure(post, deps.locales.cached(mention.who.user)):
        post(reply_to_mention(deps, client, mention))


def log_retry(headers: Mapping[str, str | Sequence[str]]) -> None:
    """Headers as Bolt's request has them (lists) or as the fast lane has them (strings)."""
    retry = _first(headers.get("x-slack-retry-num"))
    if retry:
        reason = _first(headers.get("x-slack-retry-reason")) or "?"
        log.info("Slack re-delivered an event (attempt %s, %s)", retry, reason)


def _first(value: str | Sequence[str] | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value[0] if value else None
