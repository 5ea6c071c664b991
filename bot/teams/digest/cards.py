"""Adaptive Cards (1.5) for the weekly digest in Teams: pure functions of the Digest model.

The same figures as Slack's digest (bot/slack/digest/blocks.py), in the same words (the shared
catalogue, bot.i18n): drafts checked against last week, drafts with traps, each trap's count
and change, questions by topic, feedback, the misconception of the week, and the LLM's
summary when there is one, marked as such.

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
from typing import Any

from bot.i18n import text as shared
from bot.models import Digest, Language, TopicCount, TrapTrend
from bot.services.chart import ChartLabels
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
    body: list[dict[str, Any]] = [
        _text(shared("digest_header", language), size="Large", weight="Bolder"),
        _text(_period(digest), isSubtle=True, spacing="None"),
    ]
    if preview:
        body.append(_text(teams_text("digest_preview_note", language), isSubtle=True))
    if digest.summary:
        body += [
            _text(plain(digest.summary)[:SUMMARY_CHARS]),
            _text(
                shared("digest_summary_note", language),
                isSubtle=True,
                size="Small",
                spacing="None",
            ),
        ]
    body += [_text(shared("digest_quiet", language))] if digest.quiet else _figures(digest)
    image = chart_image(chart_png, chart_alt_text(digest)) if chart_png else None
    if image is not None:
        body.append(image)
    body += [
        _featured(digest),
        _text(teams_text("digest_cta", language), isSubtle=True, separator=True),
    ]
    return {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "lang": language,
        "fallbackText": fallback_text(digest),
        "body": body,
    }


def fallback_text(digest: Digest) -> str:
    """What a client that cannot render the card (and the notification) shows."""
    return shared(
        "digest_fallback", digest.language, count=digest.drafts_checked, traps=digest.traps_flagged
    )


def chart_labels(language: Language) -> ChartLabels:
    return ChartLabels(
        title=shared("digest_chart_title", language),
        this_week=shared("digest_this_week", language),
        last_week=shared("digest_last_week", language),
    )


def chart_alt_text(digest: Digest) -> str:
    figures = "; ".join(
        f"#{t.number} {t.title}: {t.this_week} ({t.last_week})" for t in digest.traps
    )
    return shared("digest_chart_alt", digest.language, figures=figures)[:1000]


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


def _period(digest: Digest) -> str:
    language = digest.language
    scope = shared("digest_scope_channel", language) if digest.channel else None
    return shared(
        "digest_period",
        language,
        start=_date(digest.start),
        end=_date(digest.end),
        scope=scope or teams_text("digest_scope_workspace", language),
    )


def _date(moment: datetime) -> str:
    return "{{DATE(" + moment.strftime("%Y-%m-%dT%H:%M:%SZ") + ", SHORT)}}"


def _figures(digest: Digest) -> list[dict[str, Any]]:
    language = digest.language
    drafts = shared(
        "digest_drafts",
        language,
        count=digest.drafts_checked,
        last=digest.drafts_last_week,
        flagged=digest.drafts_with_traps,
    )
    questions = " ".join(
        [
            shared("digest_questions", language, count=digest.questions),
            shared("digest_versus_last", language, last=digest.questions_last_week),
        ]
    )
    traps_title = " ".join(
        [shared("digest_traps_title", language), shared("digest_traps_change", language)]
    )
    blocks = [
        _text(drafts, spacing="Medium"),
        _text(traps_title, weight="Bolder", spacing="Medium"),
    ]
    moving = [t for t in digest.traps if t.this_week or t.last_week]
    if moving:
        blocks.append({"type": "FactSet", "facts": [_trend(t) for t in moving]})
    else:
        blocks.append(_text(shared("digest_no_traps", language)))
    blocks.append(_text(questions, weight="Bolder", spacing="Medium"))
    if digest.topics:
        blocks.append({"type": "FactSet", "facts": [_topic(t, language) for t in digest.topics]})
    feedback = digest.feedback
    counts = shared(
        "digest_feedback",
        language,
        helpful=feedback.helpful,
        not_helpful=feedback.not_helpful,
        false_alarm=feedback.false_alarm,
    )
    label = shared("digest_feedback_label", language)
    blocks.append(_text(f"{label}: {counts}", isSubtle=True, size="Small"))
    return blocks


def _topic(topic: TopicCount, language: Language) -> dict[str, str]:
    if topic.number:
        return _fact(f"#{topic.number} {plain(topic.title or '')}", str(topic.count))
    return _fact(shared("digest_not_covered", language), str(topic.count))


def _fact(title: str, value: str) -> dict[str, str]:
    return {"title": title, "value": value}


def _trend(trap: TrapTrend) -> dict[str, str]:
    change = trap.change
    arrow = f"▲ +{change}" if change > 0 else f"▼ −{-change}" if change < 0 else "= 0"
    return _fact(f"#{trap.number} {plain(trap.title)}", f"{trap.this_week} ({arrow})")


def _featured(digest: Digest) -> dict[str, Any]:
    featured, language = digest.featured, digest.language
    title = plain(featured.title)
    if featured.reason == "quiet":
        head = shared("digest_tip_title", language, number=featured.number, title=title)
    else:
        head = " — ".join(
            [
                shared("digest_featured_title", language, number=featured.number, title=title),
                shared(f"digest_featured_{featured.reason}", language),
            ]
        )
    why, instead = shared("digest_why", language), shared("digest_instead", language)
    return {
        "type": "Container",
        "separator": True,
        "spacing": "Medium",
        "items": [
            _text(head, weight="Bolder"),
            _text(f"**{why}:** {plain(featured.why)}"),
            _text(f"**{instead}:** {plain(featured.instead)}"),
        ],
    }
