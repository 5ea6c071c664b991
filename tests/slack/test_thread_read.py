""" "check this" in a thread says why the thread could not be read, through the real app: the
fake Slack answers conversations.replies with each error Slack sends."""

from __future__ import annotations

import pytest

from tests.slack.conftest import Harness, mention_envelope

PARENT = "1700000000.000001"
DRAFT = "Social media is free, so we need no budget and expect sales to double next week."

# error (HTTP status) -> what the reply must say, per language
CASES = [
    ("not_in_channel", 200, "en-US", "I'm not a member of this channel. Invite me"),
    ("not_in_channel", 200, "de-DE", "Ich bin nicht Mitglied dieses Channels"),
    ("not_in_channel", 200, "it-IT", "Non faccio parte di questo canale"),
    ("thread_not_found", 200, "en-US", "can't find the thread's first message"),
    ("message_not_found", 200, "de-DE", "findet die erste Nachricht des Threads nicht"),
    ("thread_not_found", 200, "it-IT", "non trova il primo messaggio del thread"),
    ("missing_scope", 200, "en-US", "lacks the permission to read this kind of conversation"),
    ("missing_scope", 200, "it-IT", "All'app manca il permesso"),
    ("channel_not_found", 200, "en-US", "I can't see this channel"),
    ("channel_not_found", 200, "de-DE", "Ich sehe diesen Channel nicht"),
    ("ratelimited", 429, "en-US", "Slack limits how often I may read threads"),
    ("ratelimited", 429, "de-DE", "Slack begrenzt, wie oft ich Threads lesen darf"),
    ("ratelimited", 429, "it-IT", "Slack limita quanto spesso posso leggere i thread"),
    ("internal_error", 500, "en-US", "Slack didn't answer in time"),
]


@pytest.mark.parametrize(("error", "status", "locale", "expected"), CASES)
def test_the_reply_says_why_the_thread_was_not_read(
    slack: Harness, error: str, status: int, locale: str, expected: str
) -> None:
    slack.fake.set_locale("W222", locale)
    slack.fake.fail("conversations.replies", status=status, error=error, retry_after=60)
    slack.event(mention_envelope("<@UBOT> check this", thread_ts=PARENT, ts="1700000000.000070"))
    (reply,) = slack.fake.wait_for("chat.postMessage")
    body = reply.all_text()
    assert expected in body
    assert reply["thread_ts"] == PARENT
    assert len(slack.fake.calls("conversations.replies")) == 1, "one read, no retry"
    if error != "ratelimited":  # only a rate limit is a reason to wait
        assert "limits how often" not in body and "begrenzt, wie oft" not in body


def test_missing_scope_names_the_scope_slack_asks_for(slack: Harness) -> None:
    slack.fake.fail("conversations.replies", error="missing_scope", needed="mpim:history")
    slack.event(mention_envelope("<@UBOT> check this", thread_ts=PARENT, ts="1700000000.000071"))
    (reply,) = slack.fake.wait_for("chat.postMessage")
    assert "(mpim:history)" in reply.all_text()


def test_missing_scope_without_a_name_points_at_the_history_scopes(slack: Harness) -> None:
    slack.fake.fail("conversations.replies", error="missing_scope")
    slack.event(mention_envelope("<@UBOT> check this", thread_ts=PARENT, ts="1700000000.000073"))
    (reply,) = slack.fake.wait_for("chat.postMessage")
    assert "(channels:history, groups:history)" in reply.all_text()


def test_with_a_draft_in_the_mention_that_draft_is_checked_and_the_reason_given(
    slack: Harness,
) -> None:
    slack.fake.fail("conversations.replies", error="not_in_channel")
    text = f"<@UBOT> check this: {DRAFT}"
    slack.event(mention_envelope(text, thread_ts=PARENT, ts="1700000000.000072"))
    (reply,) = slack.fake.wait_for("chat.postMessage")
    body = reply.all_text()
    assert "I couldn't read the thread: I'm not a member of this channel" in body
    assert "So I checked only the text of your mention." in body
    assert "coach_feedback_false_alarm" in body, "the mention's draft was reviewed"
