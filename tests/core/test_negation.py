"""Clauses that deny a trap's belief are blanked before the detector reads them; clauses that
state a trap, with or without a negation of their own, are read as they are."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.engine import OfflineEngine
from bot.core.negation import denies, unsay
from bot.models import Language

DENIALS: list[tuple[Language, str]] = [
    ("en", "Our page is not just an advertising channel"),
    ("en", "Social media isn't only marketing's business"),
    ("en", "Community work was never merely a sales tool"),
    ("en", "Running the accounts is not free"),
    ("en", "A typo in a post is not the end of the world"),
    ("en", "One clumsy reply is no big deal"),
    ("en", "Replies are not the brand team's job alone"),
    ("en", "Marketing does not answer the customers on its own"),
    ("de", "Unser Kanal ist nicht nur Werbefläche"),
    ("de", "Die Kommentare sind nicht allein Sache der Marketingabteilung"),
    ("de", "Gute Inhalte gibt es nicht umsonst"),
    ("de", "Ein Tippfehler ist kein Weltuntergang"),
    ("de", "Das ist keine Aufgabe für das Marketing allein"),
    ("it", "Il profilo non è solo una vetrina pubblicitaria"),
    ("it", "Gestire i social non è gratis"),
    ("it", "Un refuso non è la fine del mondo"),
    ("it", "Il marketing non può rispondere a tutti da solo"),
]

STATEMENTS: list[tuple[Language, str]] = [
    ("en", "We only post our offers and we don't reply to anyone"),
    ("en", "Nobody needs to watch the inbox because it's only an ad channel"),
    ("en", "No budget: the intern does it for free"),
    ("en", "If the first posts don't sell, we stop"),
    ("en", "We cannot afford a single mistake online"),
    ("de", "Wir posten nur Angebote und antworten nicht"),
    ("de", "Kein Budget, das macht die Praktikantin nebenher"),
    ("de", "Wenn die Posts nicht sofort verkaufen, hören wir auf"),
    ("it", "Pubblichiamo solo promozioni e non rispondiamo ai commenti"),
    ("it", "Nessun budget, tanto i social sono gratis"),
    ("it", "Se le storie non si ripagano da sole, le chiudiamo"),
]


@pytest.mark.parametrize(("language", "text"), DENIALS)
def test_a_denial_of_a_belief_is_blanked(language: Language, text: str) -> None:
    assert denies(text, language)
    assert unsay(text, language).strip() == ""


@pytest.mark.parametrize(("language", "text"), STATEMENTS)
def test_a_statement_is_read_as_it_is(language: Language, text: str) -> None:
    assert unsay(text, language) == text


def test_only_the_denying_clause_goes_and_offsets_stay() -> None:
    text = "Social media is not free, and the intern runs it unpaid next to her job."
    blanked = unsay(text, "en")
    assert len(blanked) == len(text)
    assert blanked.startswith(" " * len("Social media is not free"))
    assert blanked.endswith(", and the intern runs it unpaid next to her job.")


@given(st.text(max_size=200), st.sampled_from(["en", "de", "it"]))
def test_unsay_keeps_length_and_only_blanks(text: str, language: Language) -> None:
    blanked = unsay(text, language)
    assert len(blanked) == len(text)
    assert all(b in (a, " ") for a, b in zip(text, blanked, strict=True))


@pytest.fixture(scope="module")
def engine() -> OfflineEngine:
    return OfflineEngine.load()


@pytest.mark.parametrize(
    ("language", "stated", "denied", "trap"),
    [
        (
            "en",
            "Social media is just a marketing channel.",
            "Social media is not just a marketing channel.",
            1,
        ),
        ("en", "Social media is free.", "Social media is not free.", 5),
        (
            "de",
            "Social Media ist nur ein Marketingkanal.",
            "Social Media ist nicht nur ein Marketingkanal.",
            1,
        ),
        ("de", "Social Media ist kostenlos.", "Social Media ist nicht kostenlos.", 5),
        (
            "it",
            "I social sono solo un canale di marketing.",
            "I social non sono solo un canale di marketing.",
            1,
        ),
        ("it", "I social sono gratis.", "I social non sono gratis.", 5),
    ],
)
def test_the_detector_reports_the_belief_and_not_its_denial(
    engine: OfflineEngine, language: Language, stated: str, denied: str, trap: int
) -> None:
    assert trap in {f.number for f in engine.review(stated, language).findings}
    assert engine.review(denied, language).findings == ()
