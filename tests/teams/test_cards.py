"""The cards as data: valid Adaptive Cards 1.5 whatever the model holds, user text never read
as markdown, and the same traps, evidence and advice as Slack's blocks for the same result."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest

from bot.core.engine import OfflineEngine
from bot.models import LANGUAGES, Answer, Citation, Finding, Language, Review
from bot.services.answer import AnswerService
from bot.services.review import ReviewService
from bot.slack.blocks import answer_message, review_message
from bot.teams.cards import (
    answer_card,
    notice_card,
    review_card,
    thanked,
    welcome_card,
)
from tests.teams.conftest import assert_valid_card

DRAFTS: dict[Language, list[str]] = {
    "en": [
        "Social media is free marketing, we need no budget for it.",
        "If the TikTok test brings no sales in two weeks, we shut the account down.",
        "Let marketing handle all social media, nobody else needs to be involved.",
    ],
    "de": [
        "Social Media kostet nichts, wir brauchen dafür kein Budget.",
        "Wenn der Kanal in drei Wochen keinen Umsatz bringt, machen wir ihn zu.",
    ],
    "it": [
        "I social sono gratis, non serve nessun budget.",
        "Se entro due settimane non arrivano vendite dal canale, lo chiudiamo.",
    ],
}
QUESTIONS: dict[Language, str] = {
    "en": "Is social media just a marketing channel for companies?",
    "de": "Ist Social Media für Unternehmen nur ein Marketingkanal?",
    "it": "Per un'azienda i social media sono solo un canale di marketing?",
}
TRAP = re.compile(r"#(\d) ")


def text_of(data: Any) -> str:
    return html.unescape(json.dumps(data, ensure_ascii=False))


@pytest.mark.parametrize(
    ("language", "draft"), [(lang, d) for lang, drafts in DRAFTS.items() for d in drafts]
)
def test_slack_and_teams_show_the_same_traps_evidence_and_advice(
    reviewer: ReviewService, language: Language, draft: str
) -> None:
    review = reviewer.review(draft, language)
    assert review.language == language and review.findings, "the draft should flag a trap"
    knowledge = reviewer.engine.knowledge
    slack = text_of(review_message(review, knowledge, "ref").blocks)
    teams = text_of(review_card(review, knowledge, "ref"))
    assert (
        set(TRAP.findall(slack))
        == set(TRAP.findall(teams))
        == {str(f.number) for f in review.findings}
    )
    for finding in review.findings:
        title = knowledge[finding.number].entry(language).title
        for shown in (slack, teams):
            assert f"#{finding.number} {title}" in shown
            assert json.dumps(finding.evidence, ensure_ascii=False)[1:-1] in shown
            assert json.dumps(finding.advice, ensure_ascii=False)[1:-1] in shown


@pytest.mark.parametrize("language", LANGUAGES)
def test_slack_and_teams_give_the_same_answer_and_sources(
    answerer: AnswerService, language: Language
) -> None:
    answer = answerer.ask(QUESTIONS[language], language)
    assert answer.covered and answer.citations
    knowledge = answerer.engine.knowledge
    slack = text_of(answer_message(answer, knowledge, "ref").blocks)
    teams = text_of(answer_card(answer, knowledge, "ref"))
    first_line = answer.text.split("\n")[0].replace("**", "")
    assert json.dumps(first_line, ensure_ascii=False)[1:-1] in teams
    for citation in answer.citations:
        assert f"#{citation.number} {citation.title}" in slack
        assert f"#{citation.number} {citation.title}" in teams


def finding(number: int, evidence: str, **extra: Any) -> Finding:
    return Finding(
        number=number,
        slug="x",
        confidence=0.8,
        evidence=evidence,
        start=0,
        end=len(evidence),
        advice="Set a budget.",
        **extra,
    )


def test_every_card_validates(engine: OfflineEngine) -> None:
    knowledge = engine.knowledge
    many = tuple(finding(1 + i % 5, f"evidence {i}") for i in range(8))
    reviews = [
        Review(language="en"),
        Review(language="de", findings=many, notes=("Die KI war nicht erreichbar.",)),
        Review(language="it", findings=(finding(2, "x", rewrite="Meglio così."),), engine="llm"),
    ]
    answers = [
        Answer(language="en", topic=None, text="That is outside what I know."),
        Answer(
            language="de",
            topic=5,
            text="**Nein.**\nSocial Media kostet Zeit.",
            citations=(Citation(number=5, slug="its-free", title="Social Media ist gratis"),),
        ),
    ]
    cards = [review_card(r, knowledge, "ref") for r in reviews]
    cards += [answer_card(a, knowledge, "ref") for a in answers]
    cards += [welcome_card(knowledge, lang) for lang in LANGUAGES]
    cards += [notice_card("hello"), thanked(None, "en"), thanked(cards[1], "de")]
    for card in cards:
        assert_valid_card(card)
    assert text_of(cards[1]).count("Was hilft") == 5  # 8 found, 5 shown…
    assert "…und 3 weitere, hier nicht gezeigt." in text_of(cards[1])  # …and the rest counted
    assert "Meglio così." in text_of(cards[2])


def test_user_text_is_never_read_as_markdown(engine: OfflineEngine) -> None:
    evil = "[click here](https://evil.example) **now** <at>Everyone</at>"
    card = review_card(Review(language="en", findings=(finding(5, evil),)), engine.knowledge, "r")
    runs = [
        inline
        for block in _walk(card)
        if block.get("type") == "RichTextBlock"
        for inline in block["inlines"]
    ]
    assert any(evil in run["text"] for run in runs)
    text_blocks = [b["text"] for b in _walk(card) if b.get("type") == "TextBlock"]
    assert not any("evil.example" in t for t in text_blocks)


def test_a_huge_finding_keeps_the_card_small(engine: OfflineEngine) -> None:
    long = "word " * 8_000
    review = Review(language="en", findings=tuple(finding(n, long) for n in range(1, 6)))
    card = review_card(review, engine.knowledge, "ref")
    assert_valid_card(card)
    assert len(json.dumps(card).encode("utf-8")) < 28_000  # Teams' message size limit


def _walk(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            found += _walk(value)
    elif isinstance(node, list):
        for value in node:
            found += _walk(value)
    return found


@pytest.mark.parametrize(("language", "words"), [("en", "French"), ("de", "Französisch")])
def test_a_text_in_a_language_we_do_not_review_says_so_first(
    engine: OfflineEngine, language: Language, words: str
) -> None:
    card = review_card(Review(language=language, other_language="fr"), engine.knowledge, "r1")
    assert_valid_card(card)
    assert words in json.dumps(card["body"][0], ensure_ascii=False)
    slack = review_message(Review(language=language, other_language="fr"), engine.knowledge, "r1")
    assert words in json.dumps(slack.blocks[0], ensure_ascii=False)  # the same, first, in both
