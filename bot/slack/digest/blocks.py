"""Block Kit for the weekly digest and its subscriptions: pure functions, like blocks.py.

Figures are rendered from the Digest model (the database's counts); the LLM's summary, when
there is one, is shown as prose beside them, escaped like any other text the coach did not
write itself. Dates use Slack's <!date^…> syntax, so every reader sees them in their own
time zone and format.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import Block, DividerBlock

from bot.config import DigestManagers
from bot.i18n import text
from bot.models import Digest, Language, TrapTrend
from bot.services.chart import ChartLabels
from bot.slack.blocks import (
    MAX_MESSAGE_BLOCKS,
    SECTION_CHARS,
    Message,
    _context,
    _fit,
    _header,
    _section,
)
from bot.slack.i18n import slack_text
from bot.slack.mrkdwn import escape, shorten
from bot.storage.subscriptions import SubscriptionRecord

# Slack message metadata marking a digest: how a retry finds a post whose outcome it never saw.
EVENT_TYPE = "coach_digest"


def digest_message(digest: Digest, *, chart: bool = False, preview: bool = False) -> Message:
    """The digest as one message; `chart`: its chart follows in the thread."""
    language = digest.language
    blocks: list[Block] = [_header(text("digest_header", language)), _context(_period(digest))]
    if preview:
        blocks.append(_context(slack_text("digest_preview_note", language)))
    if digest.summary:
        blocks += [
            _section(shorten(escape(digest.summary), SECTION_CHARS)),
            _context(text("digest_summary_note", language)),
        ]
    if digest.quiet:
        blocks.append(_section(text("digest_quiet", language)))
    else:
        blocks += _figures(digest)
    blocks += [DividerBlock(), _section(_featured(digest))]
    tail: list[Block] = [_context(slack_text("digest_cta", language))]
    if chart and digest.has_chart:
        tail.append(_context(f":bar_chart: {slack_text('digest_chart_in_thread', language)}"))
    fallback = text(
        "digest_fallback", language, count=digest.drafts_checked, traps=digest.traps_flagged
    )
    return Message(fallback, _fit(blocks, tail, MAX_MESSAGE_BLOCKS, language))


def metadata(digest_id: str, week: str) -> dict[str, Any]:
    return {"event_type": EVENT_TYPE, "event_payload": {"digest_id": digest_id, "week": week}}


def chart_labels(language: Language) -> ChartLabels:
    return ChartLabels(
        title=text("digest_chart_title", language),
        this_week=text("digest_this_week", language),
        last_week=text("digest_last_week", language),
    )


def chart_alt_text(digest: Digest) -> str:
    figures = "; ".join(
        f"#{t.number} {t.title}: {t.this_week} ({t.last_week})" for t in digest.traps
    )
    return shorten(text("digest_chart_alt", digest.language, figures=figures), 1000)


def _period(digest: Digest) -> str:
    return text(
        "digest_period",
        digest.language,
        start=_date(digest.start),
        end=_date(digest.end),
        scope=_scope(bool(digest.channel), digest.language),
    )


def _date(moment: datetime) -> str:
    return f"<!date^{int(moment.timestamp())}^{{date_short}}|{moment.date().isoformat()}>"


def _figures(digest: Digest) -> list[Block]:
    language = digest.language
    drafts = text(
        "digest_drafts",
        language,
        count=f"*{digest.drafts_checked}*",
        last=digest.drafts_last_week,
        flagged=f"*{digest.drafts_with_traps}*",
    )
    lines = [_trend(t) for t in digest.traps if t.this_week or t.last_week]
    traps = "\n".join(lines) if lines else text("digest_no_traps", language)
    heading = f"*{text('digest_traps_title', language)}* {text('digest_traps_change', language)}"
    blocks: list[Block] = [
        _section(drafts),
        _section(f"{heading}\n{traps}"),
    ]
    questions = (
        f"*{text('digest_questions', language, count=digest.questions)}* "
        f"{text('digest_versus_last', language, last=digest.questions_last_week)}"
    )
    topics = [
        f"• #{t.number} {escape(t.title or '')}: *{t.count}*"
        if t.number
        else f"• {text('digest_not_covered', language)}: *{t.count}*"
        for t in digest.topics
    ]
    blocks.append(_section("\n".join([questions, *topics])))
    feedback = digest.feedback
    counts = text(
        "digest_feedback",
        language,
        helpful=feedback.helpful,
        not_helpful=feedback.not_helpful,
        false_alarm=feedback.false_alarm,
    )
    blocks.append(_context(f"*{text('digest_feedback_label', language)}:* {counts}"))
    return blocks


def _trend(trap: TrapTrend) -> str:
    change = trap.change
    arrow = f"▲ +{change}" if change > 0 else f"▼ −{-change}" if change < 0 else "= 0"
    return f"• #{trap.number} {escape(trap.title)}: *{trap.this_week}* ({arrow})"


def _featured(digest: Digest) -> str:
    featured, language = digest.featured, digest.language
    values = {"number": featured.number, "title": escape(featured.title)}
    if featured.reason == "quiet":
        head = f"*{text('digest_tip_title', language, **values)}*"
    else:
        title = text("digest_featured_title", language, **values)
        head = f"*{title}* — {text(f'digest_featured_{featured.reason}', language)}"
    why = f"*{text('digest_why', language)}:* {escape(featured.why)}"
    instead = f"*{text('digest_instead', language)}:* {escape(featured.instead)}"
    return shorten(f"{head}\n{why}\n{instead}", SECTION_CHARS)


# -- subscriptions -------------------------------------------------------------------------------
def schedule_text(record: SubscriptionRecord, language: Language) -> str:
    weekdays = text("digest_weekdays", language).split(",")
    return text(
        "digest_schedule",
        language,
        weekday=weekdays[record.weekday],
        time=f"{record.hour:02d}:{record.minute:02d}",
        timezone=escape(record.timezone),
    )


def scope_text(record: SubscriptionRecord, language: Language) -> str:
    return _scope(record.scope == "channel", language)


def _scope(channel_only: bool, language: Language) -> str:
    # "This channel" is every platform's; "the whole workspace" is Slack's word for it.
    if channel_only:
        return text("digest_scope_channel", language)
    return slack_text("digest_scope_workspace", language)


def subscription_lines(records: Sequence[SubscriptionRecord], language: Language) -> str:
    if not records:
        return slack_text("digest_list_none", language)
    return "\n".join(
        slack_text(
            "digest_list_line",
            language,
            channel=r.channel,
            schedule=schedule_text(r, language),
            scope=scope_text(r, language),
            language_name=text("language_name", r.language),
        )
        for r in records
    )


# Named managers shown by name; beyond this, a count (the rest are in COACH_DIGEST_MANAGERS).
MANAGERS_SHOWN = 10


def managers_text(managers: DigestManagers, language: Language) -> str | None:
    """Who may subscribe and unsubscribe channels; None when everyone may."""
    if managers.mode == "everyone":
        return None
    if managers.mode == "admins":
        return slack_text("digest_managers_admins", language)
    named = sorted(managers.users)
    # <@U…> shows each person's name; it notifies nobody in an ephemeral reply or a view.
    people = ", ".join(f"<@{user}>" for user in named[:MANAGERS_SHOWN])
    if len(named) > MANAGERS_SHOWN:
        people += f" (+{len(named) - MANAGERS_SHOWN})"
    return slack_text("digest_managers_listed", language, people=people)


def subscribed_notice(record: SubscriptionRecord, created: bool, language: Language) -> str:
    key = "digest_subscribed" if created else "digest_updated"
    # In the digest's language: the confirmation also says which language that is.
    confirmation = slack_text(
        key,
        record.language,
        channel=record.channel,
        schedule=schedule_text(record, record.language),
        scope=scope_text(record, record.language),
    )
    return f"{confirmation}\n{slack_text('digest_invite', language)}"
