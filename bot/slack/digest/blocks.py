"""Block Kit for the weekly digest and its subscriptions: pure functions, like blocks.py.

Figures are rendered from the Digest model (the database's counts); the LLM's summary, when
there is one, is shown as prose beside them, escaped like any other text the coach did not
write itself. Dates use Slack's <!date^…> syntax, so every reader sees them in their own
time zone and format.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import singledispatch
from typing import Any

from slack_sdk.models.blocks import Block, DividerBlock

from bot.config import DigestManagers
from bot.i18n import text
from bot.models import Digest, Language
from bot.services import digest_sections as neutral
from bot.services.digest_sections import (
    CallToAction,
    ChartReference,
    DraftFigures,
    FeaturedTrap,
    FeedbackFigures,
    Heading,
    Period,
    PreviewNote,
    QuestionFigures,
    QuietWeek,
    Section,
    Summary,
    TrapFigures,
)
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
    blocks: list[Block] = []
    tail: list[Block] = []
    chart_note: list[Block] = []
    for section in neutral.digest_sections(digest, chart=chart, preview=preview):
        # The call to action and the chart's note (the chart follows in the thread) close the
        # message, where _fit never cuts them.
        if isinstance(section, CallToAction):
            tail.append(_context(slack_text(section.key, language)))
        elif isinstance(section, ChartReference):
            note = slack_text("digest_chart_in_thread", language)
            chart_note.append(_context(f":bar_chart: {note}"))
        else:
            blocks += _blocks(section, language)
    message_blocks = _fit(blocks, tail + chart_note, MAX_MESSAGE_BLOCKS, language)
    return Message(neutral.fallback_text(digest), message_blocks)


def metadata(digest_id: str, week: str) -> dict[str, Any]:
    return {"event_type": EVENT_TYPE, "event_payload": {"digest_id": digest_id, "week": week}}


def chart_alt_text(digest: Digest) -> str:
    return shorten(neutral.chart_alt_text(digest), 1000)


@singledispatch
def _blocks(section: Section, language: Language) -> list[Block]:
    raise TypeError(f"no Block Kit for {type(section).__name__}")


@_blocks.register
def _heading(section: Heading, language: Language) -> list[Block]:
    return [_header(text(section.key, language))]


@_blocks.register
def _period(section: Period, language: Language) -> list[Block]:
    period = text(
        "digest_period",
        language,
        start=_date(section.start),
        end=_date(section.end),
        scope=_scope(section.channel_only, language),
    )
    return [_context(period)]


@_blocks.register
def _preview(section: PreviewNote, language: Language) -> list[Block]:
    return [_context(slack_text(section.key, language))]


@_blocks.register
def _summary(section: Summary, language: Language) -> list[Block]:
    return [
        _section(shorten(escape(section.text), SECTION_CHARS)),
        _context(text(section.note_key, language)),
    ]


@_blocks.register
def _quiet(section: QuietWeek, language: Language) -> list[Block]:
    return [_section(text(section.key, language))]


@_blocks.register
def _drafts(section: DraftFigures, language: Language) -> list[Block]:
    drafts = text(
        "digest_drafts",
        language,
        count=f"*{section.checked}*",
        last=section.last_week,
        flagged=f"*{section.with_traps}*",
    )
    return [_section(drafts)]


@_blocks.register
def _traps(section: TrapFigures, language: Language) -> list[Block]:
    lines = [f"• #{t.number} {escape(t.title)}: *{t.this_week}* ({t.arrow})" for t in section.lines]
    traps = "\n".join(lines) if lines else text(section.empty_key, language)
    heading = f"*{text('digest_traps_title', language)}* {text('digest_traps_change', language)}"
    return [_section(f"{heading}\n{traps}")]


@_blocks.register
def _questions(section: QuestionFigures, language: Language) -> list[Block]:
    questions = (
        f"*{text('digest_questions', language, count=section.count)}* "
        f"{text('digest_versus_last', language, last=section.last_week)}"
    )
    topics = [
        f"• #{t.number} {escape(t.title or '')}: *{t.count}*"
        if t.number
        else f"• {text(section.uncovered_key, language)}: *{t.count}*"
        for t in section.topics
    ]
    return [_section("\n".join([questions, *topics]))]


@_blocks.register
def _feedback(section: FeedbackFigures, language: Language) -> list[Block]:
    feedback = section.counts
    counts = text(
        "digest_feedback",
        language,
        helpful=feedback.helpful,
        not_helpful=feedback.not_helpful,
        false_alarm=feedback.false_alarm,
    )
    return [_context(f"*{text('digest_feedback_label', language)}:* {counts}")]


@_blocks.register
def _featured(section: FeaturedTrap, language: Language) -> list[Block]:
    title = text(section.title_key, language, number=section.number, title=escape(section.title))
    head = f"*{title}*"
    if section.reason_key is not None:
        head += f" — {text(section.reason_key, language)}"
    why = f"*{text('digest_why', language)}:* {escape(section.why)}"
    instead = f"*{text('digest_instead', language)}:* {escape(section.instead)}"
    return [DividerBlock(), _section(shorten(f"{head}\n{why}\n{instead}", SECTION_CHARS))]


def _date(moment: datetime) -> str:
    return f"<!date^{int(moment.timestamp())}^{{date_short}}|{moment.date().isoformat()}>"


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
