"""The digest in Block Kit: slack_sdk's block models accept every block, Slack's limits hold,
nothing pings anyone, and the figures shown are the model's."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.core.engine import OfflineEngine
from bot.models import Digest, Featured, FeedbackCounts, Language, TopicCount, TrapTrend
from bot.slack import blocks
from bot.slack.blocks import Message
from bot.slack.digest.blocks import digest_message, metadata, subscribed_notice, subscription_lines
from bot.storage.subscriptions import SubscriptionRecord

END = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
LIVE = re.compile(r"<[@!](?!date\^)|<https?:")  # mentions, broadcasts, links (dates are fine)


def valid(message: Message) -> list[dict[str, Any]]:
    assert 1 <= len(message.blocks) <= 50
    for raw in message.blocks:
        block = Block.parse(raw)
        assert block is not None, raw
        block.validate_json()
        if raw["type"] == "section":
            assert len(raw["text"]["text"]) <= 3000
    assert message.text and len(message.text) <= 3000
    return message.blocks


def make(engine: OfflineEngine, language: Language = "en", **changes: Any) -> Digest:
    knowledge = engine.knowledge
    traps = tuple(
        TrapTrend(
            number=n,
            slug=knowledge.slug(n),
            title=knowledge[n].entry(language).title,
            this_week=[4, 0, 2, 0, 7][n - 1],
            last_week=[1, 3, 2, 0, 0][n - 1],
        )
        for n in range(1, 6)
    )
    entry = knowledge[5].entry(language)
    digest = Digest(
        workspace="T1",
        channel=None,
        language=language,
        week="2026-W11",
        start=END - timedelta(days=7),
        end=END,
        drafts_checked=9,
        drafts_last_week=4,
        drafts_with_traps=6,
        traps=traps,
        questions=5,
        questions_last_week=2,
        topics=(
            TopicCount(number=3, title=knowledge[3].entry(language).title, count=4),
            TopicCount(count=1),
        ),
        feedback=FeedbackCounts(helpful=3, not_helpful=1, false_alarm=2),
        featured=Featured(
            number=5,
            slug="its-free",
            title=entry.title,
            why=entry.why_wrong,
            instead=entry.instead,
            reason="most",
        ),
    )
    return digest.model_copy(update=changes)


@pytest.mark.parametrize("language", ["en", "de", "it"])
def test_the_digest_passes_slacks_models(engine: OfflineEngine, language: Language) -> None:
    digest = make(engine, language)
    rendered = valid(digest_message(digest, chart=True))
    raw = json.dumps(rendered, ensure_ascii=False)
    assert rendered[0]["type"] == "header"
    assert "*9*" in raw and "*6*" in raw  # drafts checked, drafts with traps
    assert "▲ +3" in raw and "▼ −3" in raw and "▲ +7" in raw  # trap 1, trap 2, trap 5
    assert "#4 " not in raw.split("#5")[0].split("▲ +3")[1], "a trap at zero both weeks is left out"
    assert digest.featured.instead[:40] in raw
    assert "/coach check" in raw
    assert "<!date^" in raw, "dates in each reader's own time zone"
    assert not LIVE.search(raw)


def test_a_quiet_week_is_short_and_has_a_tip(engine: OfflineEngine) -> None:
    trends = tuple(
        t.model_copy(update={"this_week": 0, "last_week": 0}) for t in make(engine).traps
    )
    quiet = make(
        engine, drafts_checked=0, drafts_with_traps=0, questions=0, topics=(), traps=trends
    )
    featured = quiet.featured.model_copy(update={"reason": "quiet"})
    rendered = valid(digest_message(quiet.model_copy(update={"featured": featured}), chart=True))
    raw = json.dumps(rendered)
    assert "quiet week" in raw and "Tip of the week" in raw
    assert "chart" not in raw.lower(), "no chart without figures"
    assert len(rendered) <= 7


def test_llm_prose_is_escaped_and_marked(engine: OfflineEngine) -> None:
    summary = "<!channel> read <https://evil.example|this> & <@U999>: budget is *the* blind spot."
    rendered = valid(digest_message(make(engine, summary=summary)))
    raw = json.dumps(rendered)
    assert not LIVE.search(raw)
    assert "&lt;!channel&gt;" in raw and "figures come from the coach" in raw


def test_a_preview_says_so_and_only_posted_digests_mention_the_chart(engine: OfflineEngine) -> None:
    preview = json.dumps(valid(digest_message(make(engine), preview=True)))
    assert (
        "Preview" in preview and "thread" in preview and "chart" not in preview.split("Preview")[0]
    )
    posted = json.dumps(valid(digest_message(make(engine), chart=True)))
    assert "Preview" not in posted and "The chart of this week" in posted


def test_the_metadata_marks_the_digest() -> None:
    assert metadata("abc", "2026-W11") == {
        "event_type": "coach_digest",
        "event_payload": {"digest_id": "abc", "week": "2026-W11"},
    }


def record(channel: str, **changes: Any) -> SubscriptionRecord:
    base = SubscriptionRecord("T1", channel, "workspace", 0, 9, 0, "Europe/Rome", "en", "U1", END)
    return base if not changes else SubscriptionRecord(**{**base.__dict__, **changes})


def test_subscriptions_read_naturally_in_each_language() -> None:
    records = [
        record("C1"),
        record("C2", weekday=4, hour=16, minute=30, scope="channel", language="de", timezone="UTC"),
    ]
    assert subscription_lines(records, "en").splitlines() == [
        "• <#C1> — Mondays at 09:00 (Europe/Rome), the whole workspace, English",
        "• <#C2> — Fridays at 16:30 (UTC), this channel only, Deutsch",
    ]
    assert "freitags um 16:30" in subscription_lines(records, "de")
    assert "il venerdì alle 16:30" in subscription_lines(records, "it")
    assert "No channel" in subscription_lines([], "en")


def test_the_confirmation_is_in_the_digests_language() -> None:
    notice = subscribed_notice(record("C1", language="it"), True, "en")
    assert "riceverà il digest" in notice and "il lunedì alle 09:00" in notice
    assert "invite me" in notice, "the how-to-invite hint is in the user's language"


def test_app_home_with_many_subscriptions_fits(engine: OfflineEngine) -> None:
    lines = subscription_lines([record(f"C{n:08d}") for n in range(200)], "en")
    view = blocks.home_view(engine.knowledge, "en", lines)
    View(**view).validate_json()
    (section,) = [b for b in view["blocks"] if b.get("block_id") == blocks.DIGEST_BLOCK]
    assert len(section["text"]["text"]) <= 3000 and "<#C00000000>" in section["text"]["text"]
