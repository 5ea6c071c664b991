"""Adaptive Cards 1.5: pure functions from the coach's models to the cards Teams shows.

User text (drafts, evidence, the LLM's advice and rewrites) goes into RichTextBlock TextRuns,
which Teams never reads as markdown, so a draft cannot inject links or formatting. Cards stay
far under Teams' 28 KB message limit: at most `MAX_FINDINGS` findings, each piece shortened.
"""

from __future__ import annotations

from typing import Any

from bot.core.knowledge import KnowledgeBase
from bot.core.phrases import language_name
from bot.i18n import plural, text
from bot.models import Answer, Finding, Language, Review
from bot.teams.i18n import teams_text

Card = dict[str, Any]
CARD_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
FEEDBACK_VERB = "feedback"
MAX_FINDINGS = 5
EVIDENCE_CHARS = 1_000
PIECE_CHARS = 2_000
ANSWER_CHARS = 6_000


def shorten(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def card(body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None) -> Card:
    result: Card = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": "1.5", "body": body}
    if actions:
        result["actions"] = actions
    return result


def heading(value: str, size: str = "Medium") -> dict[str, Any]:
    return {"type": "TextBlock", "text": value, "weight": "Bolder", "size": size, "wrap": True}


def plain(value: str, *, subtle: bool = False, italic: bool = False) -> dict[str, Any]:
    """Text shown exactly as given (no markdown), for anything a user or the LLM wrote."""
    run: dict[str, Any] = {"type": "TextRun", "text": value}
    if subtle:
        run["isSubtle"] = True
    if italic:
        run["italic"] = True
    return {"type": "RichTextBlock", "inlines": [run]}


def small(value: str) -> dict[str, Any]:
    return {"type": "TextBlock", "text": value, "size": "Small", "isSubtle": True, "wrap": True}


def found(count: int, language: Language) -> str:
    return plural("review_found", count, language)


def feedback_data(kind: str, ref: str, language: Language, topics: tuple[int, ...]) -> Card:
    """What a feedback button carries back: enough to record the rating and thank for it."""
    return {"verb": FEEDBACK_VERB, "k": kind, "r": ref, "l": language, "t": list(topics)}


def feedback_actions(data: Card, language: Language, *, false_alarm: bool) -> list[Card]:
    """Action.Execute (Universal Actions), falling back to Action.Submit on older clients."""
    ratings = ["helpful", "not_helpful"] + (["false_alarm"] if false_alarm else [])
    actions = []
    for rating in ratings:
        values = {**data, "rating": rating}
        title = text(rating, language)
        actions.append(
            {
                "type": "Action.Execute",
                "title": title,
                "verb": FEEDBACK_VERB,
                "data": values,
                "fallback": {"type": "Action.Submit", "title": title, "data": values},
            }
        )
    return actions


def citation(number: int, knowledge: KnowledgeBase, language: Language) -> str:
    item = knowledge[number]
    entry, source = item.entry(language), item.source
    return (
        f"{text('source', language)}: #{item.number} {entry.title} — {source.author}, "
        f"{source.title[language]} ({source.publication})"
    )


def finding_items(finding: Finding, knowledge: KnowledgeBase, language: Language) -> Card:
    title = knowledge[finding.number].entry(language).title
    sure = text("confidence", language, percent=f"{finding.confidence:.0%}")
    items = [
        heading(f"#{finding.number} {title}", "Default"),
        small(sure),
        {
            "type": "Container",
            "style": "emphasis",
            "items": [plain(f"“{shorten(finding.evidence, EVIDENCE_CHARS)}”", italic=True)],
        },
        {"type": "TextBlock", "text": text("advice", language), "weight": "Bolder", "wrap": True},
        plain(shorten(finding.advice, PIECE_CHARS)),
    ]
    if finding.rewrite:
        items.append({"type": "TextBlock", "text": text("rewrite", language), "weight": "Bolder"})
        items.append(plain(shorten(finding.rewrite, PIECE_CHARS)))
    items.append(small(citation(finding.number, knowledge, language)))
    return {"type": "Container", "separator": True, "spacing": "Medium", "items": items}


def review_card(review: Review, knowledge: KnowledgeBase, ref: str) -> Card:
    language = review.language
    if review.clean:
        body: list[Card] = [heading(f"✅ {text('review_clean', language)}")]
    else:
        body = [heading(f"⚠️ {found(len(review.findings), language)}")]
        shown = review.findings[:MAX_FINDINGS]
        body += [finding_items(f, knowledge, language) for f in shown]
        if len(review.findings) > len(shown):
            hidden = len(review.findings) - len(shown)
            body.append(small(text("more_findings", language, count=hidden)))
    if review.other_language:  # said first: the findings below are only a best effort
        name = language_name(review.other_language, language)
        body.insert(0, small(text("review_other_language", language, name=name)))
    body += [plain(note, subtle=True) for note in review.notes]
    topics = tuple(sorted({f.number for f in review.findings}))
    data = feedback_data("review", ref, language, topics)
    return card(body, feedback_actions(data, language, false_alarm=not review.clean))


def answer_card(answer: Answer, knowledge: KnowledgeBase, ref: str) -> Card:
    """The answer; one that is outside the knowledge base says so in its text and cites
    nothing (the engine never pretends)."""
    language = answer.language
    paragraphs = shorten(answer.text.replace("**", ""), ANSWER_CHARS).split("\n")
    body: list[Card] = [plain(p) for p in paragraphs if p.strip()]
    if answer.citations:
        body.append(
            small("\n\n".join(citation(c.number, knowledge, language) for c in answer.citations))
        )
    body += [plain(note, subtle=True) for note in answer.notes]
    topics = tuple(c.number for c in answer.citations)
    data = feedback_data("answer", ref, language, topics)
    return card(body, feedback_actions(data, language, false_alarm=False))


def notice_card(message: str) -> Card:
    """A short message composed from UI strings."""
    return card([plain(message)])


def thanked(original: Card | None, language: Language) -> Card:
    """The card after a feedback click: the same content, the buttons replaced by thanks."""
    thanks = {
        "type": "TextBlock",
        "text": f"✅ {text('thanks', language)}",
        "wrap": True,
        "color": "Good",
        "separator": True,
    }
    body = list(original.get("body", [])) if original else []
    return card([*body, thanks])


def welcome_card(knowledge: KnowledgeBase, language: Language) -> Card:
    body: list[Card] = [
        heading(teams_text("welcome_title", language), "Large"),
        plain(text("intro", language)),
        heading(text("traps_header", language)),
    ]
    for item in knowledge:
        entry = item.entry(language)
        body.append(
            {
                "type": "Container",
                "spacing": "Small",
                "items": [
                    heading(f"#{item.number} {entry.title}", "Default"),
                    plain(entry.summary),
                ],
            }
        )
    body += [heading(text("how_to_use", language)), plain(teams_text("welcome_how", language))]
    return card(body)


def attachment(content: Card) -> dict[str, Any]:
    return {"contentType": CARD_TYPE, "content": content}
