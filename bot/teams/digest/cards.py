"""Adaptive Cards (1.5) for the weekly digest in Teams: pure functions of the Digest model.

The same sections as Slack's digest (bot.services.digest_sections decides which, in what
order, with what figures), in the same words (the shared catalogue, bot.i18n): drafts checked
against last week, drafts with traps, each trap's count and change, questions by topic,
feedback, the misconception of the week, and the LLM's summary when there is one, marked as
such. This module only maps each section to card elements.

The chart travels inside the card as a data URI (Image.url "supports data URI in version
1.2+", says the schema). Teams renders base64 images in cards, and its message size limit
does not count them; its card images must stay within 1024×1024 pixels and 1 MB, which the
chart (960×504, tens of kilobytes) does with room to spare. Hosting the PNG instead would
need a public URL, storage and unauthenticated reads of a team's figures; a data URI needs
none of that. A PNG over the limit is left out rather than breaking the post.

Dates use the card's DATE() function, so every reader sees them in their own locale.
"""

from __future__ import annotations

import base64
import re
from datetime import datetime
from functools import singledispatch
from typing import Any

from bot.i18n import text as shared
from bot.models import Digest, Language
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
    TopicLine,
    TrapFigures,
    TrapLine,
    digest_sections,
    fallback_text,
)
from bot.teams.i18n import teams_text

Card = dict[str, Any]
VERSION = "1.5"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
MAX_IMAGE_BYTES = 1_000_000  # Teams: card images under 1 MB
SUMMARY_CHARS = 1500
# Markdown that would turn an LLM summary or a title into links or emphasis (Teams' card
# markdown is a small subset: emphasis, links, lists; a backslash escapes a character).
_MARKDOWN = re.compile(r"([\\`*_\[\]])")


def digest_card(digest: Digest, chart_png: bytes | None = None, *, preview: bool = False) -> Card:
    """The digest as one card; `chart_png` (from bot.services.chart) goes in as an image."""
    language = digest.language
    body: list[dict[str, Any]] = []
    for section in digest_sections(digest, chart=bool(chart_png), preview=preview):
        if isinstance(section, ChartReference):
            image = chart_image(chart_png, section.alt_text[:1000]) if chart_png else None
            body += [image] if image is not None else []
        else:
            body += _elements(section, language)
    return {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "lang": language,
        "fallbackText": fallback_text(digest),
        "body": body,
    }


def chart_image(png: bytes, alt: str) -> dict[str, Any] | None:
    if len(png) > MAX_IMAGE_BYTES:
        return None
    encoded = base64.b64encode(png).decode("ascii")
    return {
        "type": "Image",
        "url": f"data:image/png;base64,{encoded}",
        "altText": alt,
        "size": "Stretch",
        "spacing": "Medium",
    }


def plain(value: str) -> str:
    """Text the coach did not write, shown as written (no links, emphasis or headings)."""
    return _MARKDOWN.sub(r"\\\1", value)


def _text(value: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": value, "wrap": True, **style}


@singledispatch
def _elements(section: Section, language: Language) -> list[dict[str, Any]]:
    raise TypeError(f"no card elements for {type(section).__name__}")


@_elements.register
def _heading(section: Heading, language: Language) -> list[dict[str, Any]]:
    return [_text(shared(section.key, language), size="Large", weight="Bolder")]


@_elements.register
def _period(section: Period, language: Language) -> list[dict[str, Any]]:
    scope = shared("digest_scope_channel", language) if section.channel_only else None
    period = shared(
        "digest_period",
        language,
        start=_date(section.start),
        end=_date(section.end),
        scope=scope or teams_text("digest_scope_workspace", language),
    )
    return [_text(period, isSubtle=True, spacing="None")]


@_elements.register
def _preview(section: PreviewNote, language: Language) -> list[dict[str, Any]]:
    return [_text(teams_text(section.key, language), isSubtle=True)]


@_elements.register
def _summary(section: Summary, language: Language) -> list[dict[str, Any]]:
    note = shared(section.note_key, language)
    return [
        _text(plain(section.text)[:SUMMARY_CHARS]),
        _text(note, isSubtle=True, size="Small", spacing="None"),
    ]


@_elements.register
def _quiet(section: QuietWeek, language: Language) -> list[dict[str, Any]]:
    return [_text(shared(section.key, language))]


@_elements.register
def _drafts(section: DraftFigures, language: Language) -> list[dict[str, Any]]:
    drafts = shared(
        "digest_drafts",
        language,
        count=section.checked,
        last=section.last_week,
        flagged=section.with_traps,
    )
    return [_text(drafts, spacing="Medium")]


@_elements.register
def _traps(section: TrapFigures, language: Language) -> list[dict[str, Any]]:
    title = " ".join(
        [shared("digest_traps_title", language), shared("digest_traps_change", language)]
    )
    heading = _text(title, weight="Bolder", spacing="Medium")
    if not section.lines:
        return [heading, _text(shared(section.empty_key, language))]
    return [heading, {"type": "FactSet", "facts": [_trend(t) for t in section.lines]}]


@_elements.register
def _questions(section: QuestionFigures, language: Language) -> list[dict[str, Any]]:
    questions = " ".join(
        [
            shared("digest_questions", language, count=section.count),
            shared("digest_versus_last", language, last=section.last_week),
        ]
    )
    elements = [_text(questions, weight="Bolder", spacing="Medium")]
    if section.topics:
        uncovered = shared(section.uncovered_key, language)
        facts = [_topic(t, uncovered) for t in section.topics]
        elements.append({"type": "FactSet", "facts": facts})
    return elements


@_elements.register
def _feedback(section: FeedbackFigures, language: Language) -> list[dict[str, Any]]:
    feedback = section.counts
    counts = shared(
        "digest_feedback",
        language,
        helpful=feedback.helpful,
        not_helpful=feedback.not_helpful,
        false_alarm=feedback.false_alarm,
    )
    label = shared("digest_feedback_label", language)
    return [_text(f"{label}: {counts}", isSubtle=True, size="Small")]


@_elements.register
def _featured(section: FeaturedTrap, language: Language) -> list[dict[str, Any]]:
    title = plain(section.title)
    head = shared(section.title_key, language, number=section.number, title=title)
    if section.reason_key is not None:
        head = " — ".join([head, shared(section.reason_key, language)])
    why, instead = shared("digest_why", language), shared("digest_instead", language)
    container = {
        "type": "Container",
        "separator": True,
        "spacing": "Medium",
        "items": [
            _text(head, weight="Bolder"),
            _text(f"**{why}:** {plain(section.why)}"),
            _text(f"**{instead}:** {plain(section.instead)}"),
        ],
    }
    return [container]


@_elements.register
def _call_to_action(section: CallToAction, language: Language) -> list[dict[str, Any]]:
    return [_text(teams_text(section.key, language), isSubtle=True, separator=True)]


def _date(moment: datetime) -> str:
    return "{{DATE(" + moment.strftime("%Y-%m-%dT%H:%M:%SZ") + ", SHORT)}}"


def _topic(topic: TopicLine, uncovered: str) -> dict[str, str]:
    if topic.number:
        return _fact(f"#{topic.number} {plain(topic.title or '')}", str(topic.count))
    return _fact(uncovered, str(topic.count))


def _fact(title: str, value: str) -> dict[str, str]:
    return {"title": title, "value": value}


def _trend(trap: TrapLine) -> dict[str, str]:
    return _fact(f"#{trap.number} {plain(trap.title)}", f"{trap.this_week} ({trap.arrow})")
