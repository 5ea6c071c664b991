"""`@Coach digest subscribe | unsubscribe | preview | list` in a Teams channel: the Teams twin
of Slack's `/coach digest`, with the same grammar (bot/services/digest_args.py) and the same
manager rule (access.py).

A command acts on the channel it is typed in. `subscribe` stores what a proactive post needs
(the turn's serviceUrl, tenant, team and the bot's id) with the schedule; its time zone
defaults to the sender's Teams client (`localTimezone`), its language to the sender's locale.
`list` shows the tenant's subscriptions; `preview` replies with the card as it would be
posted now. Replies go to the command's own thread: only the digest itself is a new post.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core import CardFactory, MessageFactory, TurnContext

from bot.config import Settings
from bot.i18n import text as shared
from bot.models import Language
from bot.services.digest import DigestService, DigestUnavailable
from bot.services.digest_args import DigestArgs, DigestUsageError, parse_digest
from bot.services.subscriptions import (
    DEFAULT_HOUR,
    DEFAULT_MINUTE,
    DEFAULT_TIMEZONE,
    DEFAULT_WEEKDAY,
    Schedule,
    SubscriptionService,
    UnknownTimezone,
    zone,
)
from bot.storage.subscriptions import SubscriptionRecord, TeamsReference
from bot.teams.digest.access import managers_text, refusal
from bot.teams.digest.cards import digest_card, plain
from bot.teams.digest.publisher import render_chart
from bot.teams.digest.where import Where, where
from bot.teams.i18n import teams_text

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_SHOWN = 60  # characters of an unrecognised argument quoted back


class DigestServices(Protocol):
    """What the command needs: the subscription and digest services, and a way to run their
    blocking work (database, chart) off the event loop."""

    subscriptions: SubscriptionService
    digests: DigestService

    async def run(self, work: Callable[[], T]) -> T: ...


async def handle(
    context: TurnContext, services: DigestServices, settings: Settings, args: str
) -> None:
    """Answer one digest command (the text after "digest", the bot's mention removed)."""
    language = _language(context.activity, settings)
    try:
        parsed = parse_digest(args)
    except DigestUsageError as exc:
        await _say(context, usage(language, exc))
        return
    here = where(context.activity)
    if parsed.action == "list":
        await _say(context, await _list(services, here, settings, language))
    elif parsed.action == "help":
        await _say(context, usage(language))
    elif parsed.channel is not None:
        await _say(context, teams_text("digest_here_only", language))
    elif here.channel is None:
        await _say(context, teams_text("digest_needs_channel", language))
    elif parsed.action == "preview":
        await _preview(context, services, here, language)
    else:
        refused = await refusal(context, settings.digest_access, language)
        if refused is not None:
            await _say(context, refused)
        elif parsed.action == "subscribe":
            await _say(context, await _subscribe(services, here, parsed, language))
        else:
            removed = await services.run(
                lambda: services.subscriptions.unsubscribe(here.workspace, here.channel or "")
            )
            await _say(
                context,
                teams_text("digest_unsubscribed" if removed else "digest_not_subscribed", language),
            )


def usage(language: Language, problem: DigestUsageError | None = None) -> str:
    lines = [teams_text("digest_usage", language)]
    if problem is not None:
        value = plain(problem.value[:MAX_SHOWN])
        key = "digest_bad_timezone" if problem.reason == "timezone" else "digest_bad_argument"
        lines.insert(0, shared(key, language, value=value))
    return "\n\n".join(lines)


async def _subscribe(
    services: DigestServices, here: Where, args: DigestArgs, language: Language
) -> str:
    schedule = Schedule(
        weekday=DEFAULT_WEEKDAY if args.weekday is None else args.weekday,
        hour=DEFAULT_HOUR if args.hour is None else args.hour,
        minute=DEFAULT_MINUTE if args.minute is None else args.minute,
        timezone=args.timezone or _known_zone(here.timezone),
    )
    reference = TeamsReference(here.service_url, here.tenant, here.bot_id, here.team)
    record, created = await services.run(
        lambda: services.subscriptions.subscribe(
            here.workspace,
            here.channel or "",
            schedule,
            scope=args.scope or "workspace",
            language=args.language or language,
            user=here.user,
            teams=reference,
        )
    )
    log.info("Teams digest subscription for %s saved", record.channel)
    # In the digest's language: the confirmation also says which language that is.
    return teams_text(
        "digest_subscribed" if created else "digest_updated",
        record.language,
        schedule=schedule_text(record, record.language),
        scope=scope_text(record, record.language),
    )


async def _preview(
    context: TurnContext, services: DigestServices, here: Where, language: Language
) -> None:
    channel = here.channel or ""

    def build() -> dict[str, Any]:
        record = services.subscriptions.find(here.workspace, channel)
        scoped = channel if record is not None and record.scope == "channel" else None
        digest = services.digests.build(
            here.workspace, scoped, record.language if record else language
        )
        return digest_card(digest, render_chart(digest), preview=True)

    try:
        card = await services.run(build)
    except DigestUnavailable as exc:
        log.warning("digest preview failed: %s", exc)
        await _say(context, shared("digest_unavailable", language))
        return
    await context.send_activity(MessageFactory.attachment(CardFactory.adaptive_card(card)))


async def _list(
    services: DigestServices, here: Where, settings: Settings, language: Language
) -> str:
    records = await services.run(lambda: services.subscriptions.of_workspace(here.workspace))
    lines = [f"**{teams_text('digest_list_title', language)}**"]
    teams_rows = [r for r in records if r.platform == "teams"]
    if not teams_rows:
        lines.append(teams_text("digest_list_none", language))
    for record in teams_rows:
        name = teams_text(
            "digest_this_channel" if record.channel == here.channel else "digest_other_channel",
            language,
        )
        line = teams_text(
            "digest_list_line",
            language,
            channel=name if record.channel == here.channel else f"{name} ({record.channel})",
            schedule=schedule_text(record, language),
            scope=scope_text(record, language),
            language_name=shared("language_name", record.language),
        )
        lines.append(f"- {line}")
    who_may = managers_text(settings.digest_access, language)
    return "\n\n".join([*lines, f"_{who_may}_"] if who_may else lines)


def schedule_text(record: SubscriptionRecord, language: Language) -> str:
    weekdays = shared("digest_weekdays", language).split(",")
    return shared(
        "digest_schedule",
        language,
        weekday=weekdays[record.weekday],
        time=f"{record.hour:02d}:{record.minute:02d}",
        timezone=record.timezone,
    )


def scope_text(record: SubscriptionRecord, language: Language) -> str:
    if record.scope == "channel":
        return shared("digest_scope_channel", language)
    return teams_text("digest_scope_workspace", language)


def _known_zone(name: str | None) -> str:
    """The sender's Teams time zone when it is one the zone database knows, else UTC."""
    if not name:
        return DEFAULT_TIMEZONE
    try:
        zone(name)
    except UnknownTimezone:
        log.info("the Teams client's time zone %r is unknown here; using UTC", name)
        return DEFAULT_TIMEZONE
    return name


def _language(activity: Activity, settings: Settings) -> Language:
    prefix = (activity.locale or "").split("-")[0].split("_")[0].lower()
    for language in ("en", "de", "it"):
        if prefix == language:
            return language
    return settings.language


async def _say(context: TurnContext, message: str) -> None:
    reply = MessageFactory.text(message)
    reply.text_format = "markdown"
    await context.send_activity(reply)
