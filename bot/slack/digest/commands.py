"""`/coach digest subscribe | unsubscribe | preview | list`: the slow half, after the ack.

Replies are ephemeral, in the user's Slack language. A subscription's time zone defaults to
the subscriber's own (users.info `tz`), its language to the subscriber's, and its channel to
the one the command was typed in. `subscribe` and `unsubscribe` are for whom
COACH_DIGEST_MANAGERS allows (digest_access.py); all of it shares one users.info lookup.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from bot.i18n import text
from bot.models import Language
from bot.services.digest import DigestUnavailable
from bot.services.subscriptions import (
    DEFAULT_HOUR,
    DEFAULT_MINUTE,
    DEFAULT_TIMEZONE,
    DEFAULT_WEEKDAY,
    Schedule,
    UnknownTimezone,
    zone,
)
from bot.slack.blocks import Message, notice
from bot.slack.digest.access import refusal
from bot.slack.digest.args import DigestArgs, DigestUsageError, parse_digest
from bot.slack.digest.blocks import (
    digest_message,
    managers_text,
    subscribed_notice,
    subscription_lines,
)
from bot.slack.i18n import slack_text
from bot.slack.mrkdwn import escape, shorten
from bot.slack.payloads import Command
from bot.slack.work import Deps

log = logging.getLogger(__name__)


def digest_reply(deps: Deps, client: WebClient, command: Command) -> Message:
    # With the team, the role and time zone checks below reuse this lookup when it is new.
    language = deps.locales.language(client, command.who.user, command.who.team)
    try:
        args = parse_digest(command.argument)
    except DigestUsageError as exc:
        return usage(language, exc)
    match args.action:
        case "subscribe":
            refused = refusal(deps, client, command.who, language)
            return refused or _subscribe(deps, client, command, args, language)
        case "unsubscribe":
            refused = refusal(deps, client, command.who, language)
            return refused or _unsubscribe(deps, command, args, language)
        case "preview":
            return _preview(deps, command, args, language)
        case "list":
            records = deps.subscriptions.of_workspace(command.who.team)
            lines = [
                f"*{text('digest_subscriptions', language)}*",
                subscription_lines(records, language),
            ]
            who_may = managers_text(deps.settings.digest_access, language)
            return notice("\n".join([*lines, f"_{who_may}_"] if who_may else lines))
    return notice(slack_text("digest_usage", language))


def usage(language: Language, problem: DigestUsageError | None = None) -> Message:
    lines = [slack_text("digest_usage", language)]
    if problem is not None:
        value = escape(shorten(problem.value, 60))
        key = "digest_bad_timezone" if problem.reason == "timezone" else "digest_bad_argument"
        lines.insert(0, text(key, language, value=value))
    return notice("\n".join(lines))


def _subscribe(
    deps: Deps, client: WebClient, command: Command, args: DigestArgs, language: Language
) -> Message:
    channel = args.channel or command.channel
    if not _is_channel(channel):
        return notice(slack_text("digest_needs_channel", language))
    schedule = Schedule(
        weekday=DEFAULT_WEEKDAY if args.weekday is None else args.weekday,
        hour=DEFAULT_HOUR if args.hour is None else args.hour,
        minute=DEFAULT_MINUTE if args.minute is None else args.minute,
        timezone=args.timezone or _timezone_of(deps, client, command),
    )
    record, created = deps.subscriptions.subscribe(
        command.who.team,
        channel,
        schedule,
        scope=args.scope or "workspace",
        language=args.language or language,
        user=command.who.user,
        enterprise=command.enterprise,
    )
    log.info("digest subscription for %s/%s saved", record.workspace, record.channel)
    return notice(subscribed_notice(record, created, language))


def _unsubscribe(deps: Deps, command: Command, args: DigestArgs, language: Language) -> Message:
    channel = args.channel or command.channel
    removed = deps.subscriptions.unsubscribe(command.who.team, channel)
    return notice(
        slack_text(
            "digest_unsubscribed" if removed else "digest_not_subscribed", language, channel=channel
        )
    )


def _preview(deps: Deps, command: Command, args: DigestArgs, language: Language) -> Message:
    """The digest as it would be posted now: the channel's subscription decides the scope and
    language; without one, the whole workspace in the user's language."""
    channel = args.channel or command.channel
    record = deps.subscriptions.find(command.who.team, channel)
    scoped = channel if record is not None and record.scope == "channel" else None
    try:
        digest = deps.digests.build(
            command.who.team, scoped, record.language if record else language
        )
    except DigestUnavailable as exc:
        log.warning("digest preview failed: %s", exc)
        return notice(text("digest_unavailable", language))
    return digest_message(digest, preview=True)


def _is_channel(channel: str) -> bool:
    # C…: public or private channel; G…: older private channels and group DMs. A D… is a DM.
    return channel[:1] in {"C", "G"}


def _timezone_of(deps: Deps, client: WebClient, command: Command) -> str:
    """The user's Slack time zone (users.info always includes `tz`), or UTC."""
    profile = deps.locales.fresh(client, command.who.user, command.who.team)
    found = profile.timezone if profile else None
    if found is None:
        log.warning("no time zone for %s from users.info; using UTC", command.who.user)
        return DEFAULT_TIMEZONE
    try:
        zone(found)
    except UnknownTimezone:
        return DEFAULT_TIMEZONE
    return found
