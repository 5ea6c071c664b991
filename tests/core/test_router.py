"""Question routing and the "not covered" decision, on our own questions."""

from __future__ import annotations

import pytest

from bot.core.engine import OfflineEngine

COVERED = [
    (
        "en",
        "Should our support team answer complaints on Twitter, or is that a marketing job?",
        {1, 3},
    ),
    ("en", "When will our Instagram account start paying off?", {2}),
    ("en", "We posted a wrong price yesterday. Will this ruin our reputation?", {4}),
    ("en", "Do we need to pay for social media at all, or is organic enough?", {5}),
    ("de", "Ist Social Media für uns nur ein Werbekanal?", {1}),
    ("de", "Wer sollte bei uns auf Kommentare antworten – nur das Marketing?", {3, 1}),
    ("de", "Wie viel Budget brauchen wir für Instagram?", {5}),
    ("it", "Quanto tempo ci vuole prima di vedere un ritorno dai social?", {2}),
    ("it", "Abbiamo sbagliato un post: dobbiamo cancellarlo in silenzio?", {4}),
]

NOT_COVERED = [
    ("en", "What's the wifi password in the Berlin office?"),
    ("en", "Which hashtags should we use for our bakery?"),
    ("de", "Um wie viel Uhr sollten wir auf Instagram posten?"),
    ("it", "Che dimensioni deve avere un'immagine per una storia di Instagram?"),
]


@pytest.mark.parametrize(("language", "question", "topics"), COVERED)
def test_routes_to_the_misconception(
    engine: OfflineEngine, language: str, question: str, topics: set[int]
) -> None:
    answer = engine.answer(question)
    assert answer.language == language
    assert answer.topic in topics
    assert answer.citations[0].number == answer.topic
    entry = engine.knowledge[answer.topic].entry(answer.language)
    assert entry.instead in answer.text
    assert [s.score for s in answer.ranking] == sorted(
        (s.score for s in answer.ranking), reverse=True
    )


@pytest.mark.parametrize(("language", "question"), NOT_COVERED)
def test_says_honestly_when_not_covered(
    engine: OfflineEngine, language: str, question: str
) -> None:
    answer = engine.answer(question)
    assert answer.topic is None
    assert answer.citations == ()
    assert answer.language == language
    # it says what it *can* help with: the five titles in the question's language
    for item in engine.knowledge:
        assert item.entry(answer.language).title in answer.text


def test_falls_back_to_the_given_language_for_unclear_text(engine: OfflineEngine) -> None:
    assert engine.answer("ROI?", fallback="it").language == "it"


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Which CRM should our sales team use, Salesforce or Zoho?", "en"),
        ("Can the marketing team get a discount on the Canva team plan?", "en"),
        ("Welches CRM empfehlt ihr für den Vertrieb?", "de"),
        ("Quale strumento di email marketing costa meno?", "it"),
    ],
)
def test_off_topic_questions_naming_marketing_or_a_sales_tool_are_not_covered(
    engine: OfflineEngine, question: str, language: str
) -> None:
    # "marketing" and a tool's name are not the ownership trap (3): nothing here is about who
    # runs or answers the social accounts
    assert engine.answer(question, language).topic is None  # type: ignore[arg-type]
