"""The digest as an Adaptive Card: valid against the 1.5 schema in every language and shape,
the same figures as Slack's digest, the chart inside as a PNG data URI, and text the coach did
not write shown as written."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import pytest
from matplotlib.image import imread

from bot.core.engine import OfflineEngine
from bot.i18n import text as shared
from bot.models import Language
from bot.slack.digest.blocks import digest_message
from bot.teams.digest import cards
from bot.teams.digest.cards import MAX_IMAGE_BYTES, chart_image, digest_card, plain
from bot.teams.digest.publisher import render_chart
from bot.teams.i18n import catalogue as teams_catalogue
from bot.teams.i18n import teams_text
from tests.slack.digest.test_digest_blocks import make
from tests.teams.conftest import assert_valid_card

LANGUAGES: list[Language] = ["en", "de", "it"]


def images(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in card["body"] if b["type"] == "Image"]


def facts(card: dict[str, Any]) -> list[dict[str, str]]:
    """Each FactSet as {title: value}: the figures, the trap trends, the topics."""
    return [
        {f["title"]: f["value"] for f in block["facts"]}
        for block in card["body"]
        if block["type"] == "FactSet"
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_card_is_valid_and_carries_slacks_figures(
    engine: OfflineEngine, language: Language
) -> None:
    digest = make(engine, language)
    card = digest_card(digest, render_chart(digest))
    assert_valid_card(card)
    trends, topics = facts(card)
    said = [b["text"] for b in card["body"] if b["type"] == "TextBlock"]
    assert shared("digest_drafts", language, count=9, last=4, flagged=6) in said
    assert any(t.startswith(shared("digest_questions", language, count=5)) for t in said)
    by_number = {k.split(" ")[0]: v for k, v in trends.items()}
    assert by_number == {"#1": "4 (▲ +3)", "#2": "0 (▼ −3)", "#3": "2 (= 0)", "#5": "7 (▲ +7)"}
    assert list(topics.values()) == ["4", "1"]
    assert shared("digest_not_covered", language) in topics
    # Slack's digest shows the same trends for the same digest.
    slack = json.dumps(digest_message(digest).blocks, ensure_ascii=False)
    for marker in ("▲ +3", "▼ −3", "▲ +7", "*9*", "*6*"):
        assert marker in slack
    raw = json.dumps(card, ensure_ascii=False)
    assert digest.featured.instead[:40] in raw.replace("\\\\", "\\")
    assert "{{DATE(2026-03-02T08:00:00Z, SHORT)}}" in raw


def test_the_chart_is_a_png_data_uri_of_the_figures(engine: OfflineEngine) -> None:
    digest = make(engine)
    (image,) = images(digest_card(digest, render_chart(digest)))
    prefix = "data:image/png;base64,"
    assert image["url"].startswith(prefix)
    png = base64.b64decode(image["url"][len(prefix) :])
    height, width, _ = imread(io.BytesIO(png)).shape
    assert width <= 1024 and height <= 1024, "Teams' card image limit"
    assert len(png) < MAX_IMAGE_BYTES
    assert "#5" in image["altText"] and ": 7 (0)" in image["altText"]


def test_no_chart_when_nothing_moved_and_none_when_too_big(engine: OfflineEngine) -> None:
    still = make(
        engine,
        traps=tuple(
            t.model_copy(update={"this_week": 0, "last_week": 0}) for t in make(engine).traps
        ),
    )
    assert render_chart(still) is None
    assert images(digest_card(still, None)) == []
    assert chart_image(b"x" * (MAX_IMAGE_BYTES + 1), "alt") is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_quiet_preview_and_summary_cards_are_valid(
    engine: OfflineEngine, language: Language
) -> None:
    quiet = make(engine, language, drafts_checked=0, questions=0, topics=())
    card = digest_card(quiet, None, preview=True)
    assert_valid_card(card)
    raw = json.dumps(card, ensure_ascii=False)
    assert (
        shared("digest_quiet", language) in raw
        and teams_text("digest_preview_note", language) in raw
    )
    assert "FactSet" not in raw
    summarised = make(engine, language, summary="Check *links* [here](https://evil.example)")
    card = digest_card(summarised, None)
    assert_valid_card(card)
    summary = card["body"][2]["text"]
    assert summary == r"Check \*links\* \[here\](https://evil.example)"
    assert card["body"][3]["text"] == shared("digest_summary_note", language)


def test_plain_defuses_markdown_only() -> None:
    assert plain("a_b *c* `d` [e]") == r"a\_b \*c\* \`d\` \[e\]"
    assert plain("Don't – 5 € (ok)") == "Don't – 5 € (ok)"


def test_the_teams_digest_phrases_are_in_the_teams_catalogue_in_every_language() -> None:
    """The catalogue's own tests check placeholders and fuzziness; here: every phrase the
    Teams digest names renders in every language."""
    values = dict.fromkeys(("channel", "schedule", "scope", "language_name", "managers"), "x")
    keys = [k for k in teams_catalogue().keys() if k.startswith("digest_")]  # noqa: SIM118
    assert len(keys) >= 20
    for key in keys:
        for language in LANGUAGES:
            assert teams_text(key, language, **values)
    with pytest.raises(KeyError):
        teams_text("digest_list_line", "en", channel="x")


def test_the_card_version_is_teams_ceiling() -> None:
    assert cards.VERSION == "1.5"
