"""The welcome card on install: the five traps and how to use the coach, greeted once."""

from __future__ import annotations

import json
import time

import pytest

from tests.teams.conftest import TeamsClient, assert_valid_card


@pytest.mark.parametrize(
    "name",
    [
        "04a-conversationUpdate-bot-added-team.json",
        "04b-conversationUpdate-bot-added-personal.json",
        "04c-installationUpdate-add-team.json",
    ],
)
def test_install_sends_the_welcome_card(teams: TeamsClient, name: str) -> None:
    assert teams.post(teams.activity(name)).status == 202
    [card] = teams.connector.wait_for(1)[0].cards()
    assert_valid_card(card)
    text = json.dumps(card, ensure_ascii=False)
    assert text.count('"#') >= 5 and "#5 Social media is free" in text
    assert "Check for social-media traps" in text


def test_install_announced_twice_greets_once_and_in_german(teams: TeamsClient) -> None:
    update = teams.activity("04a-conversationUpdate-bot-added-team.json", locale="de-DE")
    install = teams.activity("04c-installationUpdate-add-team.json", locale="de-DE")
    install["conversation"]["id"] = update["conversation"]["id"]
    assert teams.post(update).status == 202
    assert teams.post(install).status == 202
    [card] = teams.connector.wait_for(1)[0].cards()
    assert "Die fünf Social-Media-Fallen" in json.dumps(card, ensure_ascii=False)
    time.sleep(0.3)
    assert len(teams.connector.sent()) == 1


def test_someone_else_joining_is_not_greeted(teams: TeamsClient) -> None:
    update = teams.activity("04a-conversationUpdate-bot-added-team.json")
    update["membersAdded"] = [{"id": "29:someone-else"}]
    assert teams.post(update).status == 202
    time.sleep(0.3)
    assert teams.connector.sent() == []


def test_reactions_edits_and_deletes_are_accepted_and_ignored(teams: TeamsClient) -> None:
    for name in [
        "10a-messageReaction-reactionsAdded.json",
        "10b-messageUpdate-editMessage.json",
        "10c-messageDelete-softDeleteMessage.json",
    ]:
        assert teams.post(teams.activity(name)).status == 202
    time.sleep(0.3)
    assert teams.connector.sent() == []
