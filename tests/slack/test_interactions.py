"""Message shortcut, Share and feedback buttons, App Home and the Messages tab, end to end."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from bot.services.factory import Services
from bot.storage.db import Database
from bot.storage.schema import SharedResult
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import (
    Harness,
    button,
    click,
    load,
    mention_envelope,
    running_app,
)

DRAFT = (
    "We post the same ad every day and expect sales to double in the first week. "
    "Social media is free, so there is no budget."
)


def _shortcut(slack: Harness, text: str) -> dict[str, Any]:
    payload = load("message_shortcut.json")
    payload["callback_id"] = "check_message"
    payload["message"]["text"] = text
    payload["response_url"] = slack.fake.response_url("shortcut")
    return payload


def test_message_shortcut_answers_ephemerally_to_the_user_who_asked(slack: Harness) -> None:
    assert slack.interaction(_shortcut(slack, DRAFT)).status == 200
    (reply,) = slack.fake.wait_for("chat.postEphemeral")
    assert (reply["channel"], reply["user"]) == ("C111", "W111")
    assert "coach_feedback_false_alarm" in reply.all_text()
    slack.fake.wait_quiet()
    assert slack.fake.calls("chat.postMessage") == []


def test_shortcut_where_the_coach_is_not_a_member_uses_the_response_url(slack: Harness) -> None:
    slack.fake.fail("chat.postEphemeral", error="channel_not_found")
    slack.interaction(_shortcut(slack, DRAFT))
    (reply,) = slack.fake.wait_for("response_url")
    assert reply.path == "/response/shortcut"
    assert reply["response_type"] == "ephemeral"


def test_shortcut_on_a_message_without_text(slack: Harness) -> None:
    slack.interaction(_shortcut(slack, ""))
    (reply,) = slack.fake.wait_for("chat.postEphemeral")
    assert "no text I can check" in reply.all_text()


def test_feedback_is_recorded_and_acknowledged(slack: Harness) -> None:
    slack.command(f"check {DRAFT}")
    (review,) = slack.fake.wait_for("response_url")
    value = button(review, "coach_feedback_false_alarm")
    assert slack.interaction(click(slack.fake, "coach_feedback_false_alarm", value)).status == 200
    (thanks,) = slack.fake.wait_for("response_url", where=lambda c: c.path == "/response/click")
    assert "Thanks" in thanks.all_text()
    (recorded,) = slack.deps.feedback.store.recent()
    reference = json.loads(value)
    assert (recorded.rating, recorded.subject, recorded.user) == (
        "false_alarm",
        "review",
        "slack:T111:W111",
    )
    assert recorded.topics == tuple(reference["t"]) and recorded.topics
    assert recorded.reference == reference["r"]


def test_feedback_with_a_forged_rating_is_ignored(slack: Harness) -> None:
    slack.interaction(
        click(slack.fake, "coach_feedback_excellent", '{"k":"answer","r":"x","l":"en"}')
    )
    slack.fake.wait_quiet()
    assert slack.deps.feedback.store.recent() == []
    assert slack.fake.calls("response_url") == []


def test_share_posts_the_result_in_channel_and_removes_the_private_copy(slack: Harness) -> None:
    slack.command("ask is social media free for a company?")
    (answer,) = slack.fake.wait_for("response_url")
    slack.interaction(click(slack.fake, "coach_share", button(answer, "coach_share")))
    posted = slack.fake.wait_for("response_url", 2, where=lambda c: c.path == "/response/click")
    shared, removed = posted
    assert shared["response_type"] == "in_channel"
    assert "Shared by <@W111>" in shared.all_text()
    assert "coach_share" not in shared.all_text()
    assert removed["delete_original"] is True


def test_share_rendered_on_one_replica_is_posted_from_another(
    fake: FakeSlack, services: Services, database: Database
) -> None:
    """Behind a load balancer the click reaches whichever replica; both share one database."""
    with (
        running_app(fake, services, database) as first,
        running_app(fake, services, database) as second,
    ):
        first.command(f"check {DRAFT}")
        (review,) = fake.wait_for("response_url")
        second.interaction(click(fake, "coach_share", button(review, "coach_share")))
        shared, removed = fake.wait_for(
            "response_url", 2, where=lambda c: c.path == "/response/click"
        )
    assert shared["response_type"] == "in_channel"
    assert "Shared by <@W111>" in shared.all_text() and "#5" in shared.all_text()
    assert removed["delete_original"] is True


def test_only_results_with_a_share_button_are_kept(slack: Harness) -> None:
    slack.event(mention_envelope("<@UBOT> is social media free?", event_id="EvKept"))
    slack.command("ask is social media free?")
    (mention,) = slack.fake.wait_for("chat.postMessage")
    (command,) = slack.fake.wait_for("response_url")
    assert "coach_share" not in mention.all_text() and "coach_share" in command.all_text()
    slack.deps.executor.shutdown(wait=True)
    with slack.deps.database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(SharedResult)) == 1


def test_share_of_an_unknown_result_explains_instead(slack: Harness) -> None:
    slack.interaction(click(slack.fake, "coach_share", '{"k":"answer","r":"gone","l":"de","t":[]}'))
    (reply,) = slack.fake.wait_for("response_url")
    assert reply["response_type"] == "ephemeral"
    assert "nicht mehr geteilt" in reply.all_text()


def test_app_home_shows_the_five_misconceptions_usage_and_digest_placeholder(
    slack: Harness,
) -> None:
    slack.fake.set_locale("W222", "de-DE")
    envelope = load("app_mention_event.json")
    envelope["event"] = {
        "type": "app_home_opened",
        "user": "W222",
        "channel": "D111",
        "tab": "home",
    }
    envelope["event_id"] = "EvHome"
    assert slack.event(envelope).status == 200
    (published,) = slack.fake.wait_for("views.publish")
    assert published["user_id"] == "W222"
    view = published["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    sections = [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"]
    assert sum(text.startswith(f"*#{n} ") for n in range(1, 6) for text in sections) == 5
    assert any(b.get("block_id") == "digest_subscriptions" for b in view["blocks"])
    assert "So nutzen Sie den Coach" in json.dumps(view, ensure_ascii=False)


def test_assistant_thread_started_sets_suggested_prompts(slack: Harness) -> None:
    slack.fake.set_locale("W222", "it-IT")
    assert slack.event(load("assistant_thread_started_event.json")).status == 200
    (prompts,) = slack.fake.wait_for("assistant.threads.setSuggestedPrompts")
    assert (prompts["channel_id"], prompts["thread_ts"]) == ("D111", "1726133698.626339")
    assert len(prompts["prompts"]) == 3
    assert all(p["title"] and p["message"] for p in prompts["prompts"])
    assert "Controlla" in json.dumps(prompts["prompts"], ensure_ascii=False)


def test_messages_tab_gets_suggested_prompts_too(slack: Harness) -> None:
    envelope = load("app_mention_event.json")
    envelope["event"] = {
        "type": "app_home_opened",
        "user": "W222",
        "channel": "D111",
        "tab": "messages",
    }
    envelope["event_id"] = "EvTab"
    slack.event(envelope)
    (prompts,) = slack.fake.wait_for("assistant.threads.setSuggestedPrompts")
    assert prompts["channel_id"] == "D111" and "thread_ts" not in prompts.body
    slack.fake.wait_quiet()
    assert slack.fake.calls("views.publish") == []


def test_direct_message_is_answered_in_its_thread_once(slack: Harness) -> None:
    envelope = load("assistant_user_message_event.json")
    envelope["event"]["text"] = "Should only the marketing team handle our social media?"
    envelope["event_id"] = "EvDM"
    slack.event(envelope)
    slack.event(envelope, retry=1)
    (reply,) = slack.fake.wait_for("chat.postMessage")
    assert (reply["channel"], reply["thread_ts"]) == ("D111", "1726133698.626339")
    assert "Source" in reply.all_text()
    slack.fake.wait_quiet()
    assert len(slack.fake.calls("chat.postMessage")) == 1


def test_direct_message_check_reviews_the_draft(slack: Harness) -> None:
    envelope = load("assistant_user_message_event.json")
    envelope["event"]["text"] = f"check this: {DRAFT}"
    envelope["event_id"] = "EvDM2"
    slack.event(envelope)
    (reply,) = slack.fake.wait_for("chat.postMessage")
    assert "trap" in reply.all_text() and "coach_share" not in reply.all_text()


def test_edits_and_bot_messages_in_dms_are_ignored(slack: Harness) -> None:
    for n, extra in enumerate([{"subtype": "message_changed"}, {"bot_id": "B999"}]):
        envelope = load("assistant_user_message_event.json")
        envelope["event"].update(extra)
        envelope["event_id"] = f"EvIgnored{n}"
        slack.event(envelope)
    slack.fake.wait_quiet()
    assert slack.fake.calls("chat.postMessage") == []
