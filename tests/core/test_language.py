"""Which language a text is in: loanwords do not fool it, and languages we do not cover show."""

from __future__ import annotations

import pytest

from bot.core.engine import OfflineEngine
from bot.core.language import LanguageDetector


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # German grammar, English jargon: the jargon is nouns and compounds, not grammar
        (
            "Roadmap für Q2: Owned Media first, Community-Management via Listening Tool und "
            "Paid Social Boosting für den Launch.",
            "de",
        ),
        ("Wir launchen am Freitag den neuen Store mit Paid Social und Influencer Content.", "de"),
        (
            "Piano Q3: brand awareness con content organico, call-to-action e l'engagement "
            "dei follower.",
            "it",
        ),
        ("Quick note: the launch is on Friday and we will post the teaser on Monday.", "en"),
    ],
)
def test_loanwords_do_not_change_the_language(text: str, expected: str) -> None:
    assert LanguageDetector().detect(text).language == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (
            "Notre plan de lancement: trois publications par semaine sur Instagram, avec des "
            "publicités pour le nouveau produit.",
            "fr",
        ),
        (
            "Nuestro plan: tres publicaciones por semana en Instagram y anuncios para el nuevo "
            "producto.",
            "es",
        ),
    ],
)
def test_a_language_we_do_not_review_is_reported(
    engine: OfflineEngine, text: str, code: str
) -> None:
    review = engine.review(text, "de")
    assert review.other_language == code
    assert review.language == "de"  # the interface language says so


def test_a_short_text_in_our_languages_is_not_reported_as_foreign(engine: OfflineEngine) -> None:
    for text in ("Engagement-Rate pro Post: 4,1 %. Nice!", "Post ist live!", "Cos'è il ROI?"):
        assert engine.review(text, "de").other_language is None
