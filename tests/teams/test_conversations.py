"""Mentions in channels and group chats, and the 1:1 chat: the same triggers as Slack, a card
back through the connector, once per activity, whatever the input."""

from __future__ import annotations

import json
import time

import pytest

from tests.teams.conftest import TeamsClient, assert_valid_card

MENTION = "01-message-channel-mention.json"
PERSONAL = "02-message-personal.json"
GROUP = "03-message-groupchat-mention.json"


def ask(teams: TeamsClient, name: str, text: str, **changes: object) -> dict[str, object]:
    activity = teams.activity(name, text=text, **changes)
    assert teams.post(activity).status == 202
    call = teams.connector.wait_for(1)[0]
    assert call.reply_to == activity["id"]  # a reply to the message, in its thread
    [card] = call.cards()
    assert_valid_card(card)
    return card


def words(card: dict[str, object]) -> str:
    return json.dumps(card, ensure_ascii=False)


def test_a_channel_mention_with_a_question_gets_a_cited_answer(teams: TeamsClient) -> None:
    card = ask(teams, MENTION, "<at>ridotest</at> Is social media just a marketing channel?")
    assert "Source: #1" in words(card)
    assert [a["data"]["rating"] for a in card["actions"]] == ["helpful", "not_helpful"]


def test_check_this_in_a_group_chat_reviews_the_draft(teams: TeamsClient) -> None:
    card = ask(teams, GROUP, "<at>Bot</at> check this: Social media costs nothing, it's free!")
    assert "#5 " in words(card)
    assert "“Social media costs nothing, it's free!”" in words(card)


def test_the_personal_chat_needs_no_mention_and_speaks_german(teams: TeamsClient) -> None:
    card = ask(
        teams,
        PERSONAL,
        "prüf das: Social Media kostet nichts, wir brauchen dafür kein Budget.",
    )
    assert "Was hilft" in words(card)
    assert "Sicherheit" in words(card)


def test_italian_question_gets_an_italian_answer(teams: TeamsClient) -> None:
    card = ask(
        teams,
        PERSONAL,
        "Per la nostra azienda i social media servono solo al marketing oppure anche ad altro?",
    )
    assert "Fonte" in words(card)


def test_a_question_outside_the_knowledge_base_says_so(teams: TeamsClient) -> None:
    card = ask(teams, PERSONAL, "What is the best pizza topping in Naples?")
    assert "outside what I know" in words(card)
    assert "Source:" not in words(card)  # no citation pretends otherwise


def test_html_and_markup_are_read_as_plain_text(teams: TeamsClient) -> None:
    text = (
        "<at>ridotest</at> <p>check this: <b>Social media is <i>free</i></b>, "
        "no budget &amp; no staff needed.</p><script>alert(1)</script>"
    )
    card = ask(teams, MENTION, text)
    body = words(card)
    assert "Social media is free, no budget & no staff needed." in body
    assert "<b>" not in body and "alert" not in body


def test_only_a_mention_gets_a_hint_instead_of_an_error(teams: TeamsClient) -> None:
    card = ask(teams, MENTION, "<at>ridotest</at>")
    assert "Ask me something about social-media strategy" in words(card)


def test_check_this_without_a_draft_explains_what_to_do(teams: TeamsClient) -> None:
    card = ask(teams, MENTION, "<at>ridotest</at> check this")
    assert "There is no text to check" in words(card)


def test_forty_thousand_characters_are_checked_and_more_is_refused_kindly(
    teams: TeamsClient,
) -> None:
    long_draft = ("Social media is free marketing for us. " * 1100)[:39_990]
    card = ask(teams, PERSONAL, "check this: " + long_draft)
    assert "possible trap" in words(card)
    teams.connector.clear()
    card = ask(teams, PERSONAL, "check this: " + "a" * 40_001, id="another-message")
    assert "40,001 characters" in words(card)


def test_a_retried_delivery_is_answered_once(teams: TeamsClient) -> None:
    activity = teams.activity(PERSONAL, text="Is social media free?")
    assert teams.post(activity).status == 202
    assert teams.post(activity).status == 202  # Teams retries with the same id
    teams.connector.wait_for(1)
    time.sleep(0.5)  # room for a second reply that must not come
    assert len(teams.connector.sent()) == 1


@pytest.mark.parametrize("text", ["digest", "<at>ridotest</at> digest subscribe", "Digest list"])
def test_digest_commands_are_not_reviewed_as_drafts(teams: TeamsClient, text: str) -> None:
    activity = teams.activity(MENTION, text=text)
    assert teams.post(activity).status == 202
    call = teams.connector.wait_for(1)[0]
    assert "digest" in call.all_text().lower()  # the digest's own answer (usage or list) …
    assert "Action.Execute" not in call.all_text()  # … not a review with feedback buttons


def test_a_stopped_connector_loses_no_request_and_shows_no_trace(teams: TeamsClient) -> None:
    teams.connector.fail(503, times=5)
    activity = teams.activity(PERSONAL, text="Is social media free?")
    assert teams.post(activity).status == 202
    deadline = time.monotonic() + 10
    while not teams.connector.calls and time.monotonic() < deadline:
        time.sleep(0.05)
    assert teams.connector.calls[0].status == 503
    assert teams.request("GET", "/healthz").body == "ok"  # still serving
