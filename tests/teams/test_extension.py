"""The message extension: the "check this message" action, the compose-box command (as an
action and as a search command), and invokes nobody handles."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.teams.conftest import TeamsClient, assert_valid_card

FETCH = "05-invoke-composeExtension-fetchTask-message-action.json"
SUBMIT = "06-invoke-composeExtension-submitAction.json"
QUERY = "07-invoke-composeExtension-query.json"
DRAFT = "Social media is free: no budget, no staff, it costs us nothing."


def dialog_card(body: dict[str, Any]) -> dict[str, Any]:
    task = body["task"]
    assert task["type"] == "continue"
    attachment = task["value"]["card"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert_valid_card(attachment["content"])
    return attachment["content"]


def test_the_message_action_checks_the_chosen_message(teams: TeamsClient) -> None:
    fetch = teams.activity(FETCH)
    fetch["value"]["messagePayload"]["body"]["content"] = (
        f'<p><at id="0">Alice</at> {DRAFT.replace("&", "&amp;")}</p>'
    )
    reply = teams.post(fetch)
    assert reply.status == 200
    card = dialog_card(reply.json())
    text = json.dumps(card, ensure_ascii=False)
    assert "#5 Social media is free" in text and "Alice Social media is free" in text
    assert reply.json()["task"]["value"]["title"] == "Check for social-media traps"
    assert teams.connector.calls == []  # the answer is the HTTP body, nothing else is sent


def test_the_message_action_on_a_message_without_text(teams: TeamsClient) -> None:
    fetch = teams.activity(FETCH)
    fetch["value"]["messagePayload"]["body"]["content"] = "<p><img src='x.png'></p>"
    card = dialog_card(teams.post(fetch).json())
    assert "no text I can check" in json.dumps(card)


def test_the_compose_action_checks_the_typed_draft(teams: TeamsClient) -> None:
    submit = teams.activity(SUBMIT)
    submit["value"]["data"] = {
        "draft": "Prüf das bitte: Social Media ist gratis, wir brauchen kein Budget."
    }
    card = dialog_card(teams.post(submit).json())
    assert "Was hilft" in json.dumps(card, ensure_ascii=False)


def test_the_compose_search_command_returns_the_card_as_a_result(teams: TeamsClient) -> None:
    query = teams.activity(QUERY)
    query["value"]["parameters"] = [{"name": "draft", "value": DRAFT}]
    reply = teams.post(query)
    assert reply.status == 200
    result = reply.json()["composeExtension"]
    assert result["type"] == "result"
    [attachment] = result["attachments"]
    assert_valid_card(attachment["content"])
    assert "1 possible trap found" in attachment["preview"]["content"]["text"]


def test_a_forty_thousand_and_one_character_draft_is_refused_kindly(teams: TeamsClient) -> None:
    submit = teams.activity(SUBMIT)
    submit["value"]["data"] = {"draft": "b" * 40_001}
    card = dialog_card(teams.post(submit).json())
    assert "40,001 characters" in json.dumps(card)


@pytest.mark.parametrize("name", ["composeExtension/setting", "task/fetch", "no/such/invoke"])
def test_invokes_nobody_handles_get_501(teams: TeamsClient, name: str) -> None:
    invoke = teams.activity(FETCH)
    invoke["name"] = name
    reply = teams.post(invoke)
    assert reply.status == 501
    assert "Traceback" not in reply.body


def test_a_malformed_invoke_value_gets_a_clear_answer(teams: TeamsClient) -> None:
    fetch = teams.activity(FETCH, value="not an object")
    reply = teams.post(fetch)
    assert reply.status == 200
    assert "no text I can check" in json.dumps(dialog_card(reply.json()))
