"""Rendering is pure: every message passes slack_sdk's block models and Slack's limits, and
user text can never ping anyone or break out of its quote."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.core.engine import OfflineEngine
from bot.models import Answer, Citation, Finding, Review
from bot.slack import blocks
from bot.slack.blocks import Message

LIVE = re.compile(r"<[@#!]|<https?:")  # what Slack would turn into a mention or a link


def valid(message: Message, limit: int = 50) -> list[dict[str, Any]]:
    assert 1 <= len(message.blocks) <= limit
    for raw in message.blocks:
        block = Block.parse(raw)
        assert block is not None, raw
        block.validate_json()  # slack_sdk's own per-element limits
        if raw["type"] == "section":
            assert len(raw["text"]["text"]) <= 3000
        if raw["type"] == "header":
            assert len(raw["text"]["text"]) <= 150
    assert message.text and len(message.text) <= 3000
    return message.blocks


def finding(evidence: str, number: int = 5, **extra: Any) -> Finding:
    return Finding(
        number=number,
        slug="its-free",
        confidence=0.9,
        evidence=evidence,
        start=0,
        end=len(evidence),
        advice=extra.pop("advice", "Set a budget."),
        **extra,
    )


def test_review_with_every_trap_fits(engine: OfflineEngine) -> None:
    review = Review(
        language="en",
        findings=tuple(finding(f"evidence {n}", n, rewrite="A better line.") for n in range(1, 6)),
        notes=("A note.",),
    )
    rendered = valid(blocks.review_message(review, engine.knowledge, "r1"))
    assert rendered[0]["type"] == "header"
    assert sum(b["type"] == "section" for b in rendered) == 5
    assert "Suggested rewrite" in json.dumps(rendered)


def test_huge_evidence_is_shortened_inside_its_section(engine: OfflineEngine) -> None:
    review = Review(language="de", findings=(finding("& <b> " * 2000, advice="x " * 2000),))
    rendered = valid(blocks.review_message(review, engine.knowledge, "r1"))
    section = rendered[1]["text"]["text"]
    assert "…" in section and "&amp;" in section


def test_too_many_findings_are_counted_not_dropped_silently(engine: OfflineEngine) -> None:
    many = tuple(finding(f"line {n}", 1 + n % 5) for n in range(40))
    message = blocks.review_message(Review(language="it", findings=many), engine.knowledge, "r1")
    rendered = valid(message)
    assert len(rendered) == 50
    assert rendered[-1]["type"] == "actions"
    assert "non mostrate" in json.dumps(rendered[-2], ensure_ascii=False)


def test_long_answer_is_split_into_sections(engine: OfflineEngine) -> None:
    text = ("Paragraph with words. " * 40 + "\n\n") * 30
    answer = Answer(
        language="en", topic=1, text=text, citations=(Citation(number=1, slug="s", title="T"),)
    )
    rendered = valid(blocks.answer_message(answer, engine.knowledge, "a1"))
    sections = [b for b in rendered if b["type"] == "section"]
    assert len(sections) > 1
    assert sum(len(s["text"]["text"]) for s in sections) >= len(text.strip()) * 0.99


def test_clean_review_has_no_false_alarm_button(engine: OfflineEngine) -> None:
    rendered = valid(blocks.review_message(Review(language="en"), engine.knowledge, "r1"))
    assert "coach_feedback_false_alarm" not in json.dumps(rendered)
    assert "No traps found" in json.dumps(rendered)


@pytest.mark.parametrize(("language", "words"), [("en", "French"), ("de", "Französisch")])
def test_a_text_in_a_language_we_do_not_review_says_so_first(
    engine: OfflineEngine, language: str, words: str
) -> None:
    review = Review(language=language, other_language="fr")  # type: ignore[arg-type]
    rendered = valid(blocks.review_message(review, engine.knowledge, "r1"))
    assert rendered[0]["type"] == "context" and words in json.dumps(rendered[0], ensure_ascii=False)


def test_views_are_valid_in_every_language(engine: OfflineEngine) -> None:
    for language in ("en", "de", "it"):
        home = blocks.home_view(engine.knowledge, language)
        View(**home).validate_json()
        assert len(home["blocks"]) <= 100
        modal = blocks.check_modal(language, {"channel": "C1", "response_url": "https://x"})
        View(**modal).validate_json()
        valid(blocks.traps_message(engine.knowledge, language))
        valid(blocks.help_message(language, unknown="<!here>"))


def test_shared_copy_drops_the_buttons_and_names_who_shared(engine: OfflineEngine) -> None:
    original = blocks.review_message(Review(language="en"), engine.knowledge, "r1")
    copy = valid(blocks.shared(original, "W123", "en"))
    assert "Shared by <@W123>" in json.dumps(copy)
    assert all(b.get("block_id") != "coach_actions" for b in copy)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    evidence=st.text(min_size=1, max_size=4000),
    advice=st.text(min_size=1, max_size=500),
    answer=st.text(min_size=1, max_size=8000),
)
def test_any_user_text_renders_valid_and_inert(
    engine: OfflineEngine, evidence: str, advice: str, answer: str
) -> None:
    injected = f"<!here> {evidence} <@U1> <https://x.y|z> ```"
    review = Review(language="en", findings=(finding(injected, advice=advice),), notes=(advice,))
    for message in (
        blocks.review_message(review, engine.knowledge, "r"),
        blocks.answer_message(
            Answer(language="de", topic=None, text=answer + injected), engine.knowledge, "a"
        ),
    ):
        rendered = valid(message)
        user_parts = json.dumps([b for b in rendered if b["type"] != "actions"], ensure_ascii=False)
        assert not LIVE.search(user_parts)
        assert not LIVE.search(message.text)


@pytest.mark.parametrize("count", [1, 2])
def test_plural_forms(engine: OfflineEngine, count: int) -> None:
    review = Review(language="en", findings=tuple(finding("x", n) for n in range(1, count + 1)))
    header = blocks.review_message(review, engine.knowledge, "r").blocks[0]["text"]["text"]
    assert header.endswith("1 possible trap found" if count == 1 else "2 possible traps found")
