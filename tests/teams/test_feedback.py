"""Feedback buttons: Action.Execute answers with the updated card, the Action.Submit fallback
updates it through the connector; both land in the feedback store Slack uses."""

from __future__ import annotations

import json
import time
from typing import Any

from bot.services.feedback import DatabaseFeedbackStore, Feedback
from bot.storage.db import Database
from tests.teams.conftest import TeamsClient, assert_valid_card

PERSONAL = "02-message-personal.json"


def reviewed(teams: TeamsClient) -> dict[str, Any]:
    draft = "check this: Social media is free, we need no budget for it."
    assert teams.post(teams.activity(PERSONAL, text=draft)).status == 202
    [card] = teams.connector.wait_for(1)[0].cards()
    teams.connector.clear()
    return card


def button(card: dict[str, Any], rating: str) -> dict[str, Any]:
    return next(a for a in card["actions"] if a["data"]["rating"] == rating)


def stored(database: Database, count: int = 1) -> list[Feedback]:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        found = DatabaseFeedbackStore(database).recent()
        if len(found) >= count:
            return found
        time.sleep(0.05)
    raise AssertionError("the feedback was not stored")


def test_action_execute_records_and_replaces_the_buttons_with_thanks(
    teams: TeamsClient, sqlite_database: Database
) -> None:
    card = reviewed(teams)
    action = button(card, "false_alarm")
    invoke = teams.activity("08-invoke-adaptiveCard-action.json")
    invoke["value"]["action"].update(verb=action["verb"], data=action["data"])
    reply = teams.post(invoke)
    assert reply.status == 200
    body = reply.json()
    assert body["statusCode"] == 200
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    updated = body["value"]
    assert_valid_card(updated)
    assert "actions" not in updated
    assert "Thanks, your feedback was recorded." in json.dumps(updated)
    assert updated["body"][: len(card["body"])] == card["body"]  # the findings stay
    [feedback] = stored(sqlite_database)
    assert (feedback.rating, feedback.subject, feedback.topics) == ("false_alarm", "review", (5,))
    tenant = invoke["channelData"]["tenant"]["id"]  # whoever clicked, in their tenant
    assert feedback.workspace == f"teams:{tenant}"
    assert feedback.user.startswith(f"teams:{tenant}:")


def test_action_submit_fallback_records_and_updates_the_card(
    teams: TeamsClient, sqlite_database: Database
) -> None:
    card = reviewed(teams)
    submit = teams.activity("09-message-card-submit-value.json")
    submit["value"] = button(card, "helpful")["fallback"]["data"]
    assert teams.post(submit).status == 202
    [update] = teams.connector.wait_for(1)
    assert update.method == "PUT" and update.path.endswith(f"/activities/{submit['replyToId']}")
    assert "Thanks, your feedback was recorded." in update.all_text()
    assert stored(sqlite_database)[0].rating == "helpful"


def test_a_foreign_verb_or_forged_data_is_refused_without_a_trace(
    teams: TeamsClient, sqlite_database: Database
) -> None:
    invoke = teams.activity("08-invoke-adaptiveCard-action.json")  # verb submitFeedback
    reply = teams.post(invoke)
    assert reply.status == 200 and reply.json()["statusCode"] == 400
    invoke["value"]["action"].update(verb="feedback", data={"k": "nonsense", "rating": "meh"})
    reply = teams.post(invoke)
    assert reply.json()["statusCode"] == 400
    assert reply.json()["type"] == "application/vnd.microsoft.error"
    assert DatabaseFeedbackStore(sqlite_database).recent() == []


def test_a_card_no_longer_kept_still_gets_its_thanks(teams: TeamsClient) -> None:
    invoke = teams.activity("08-invoke-adaptiveCard-action.json")
    data = {
        "verb": "feedback",
        "k": "answer",
        "r": "unknown-ref",
        "l": "de",
        "t": [1],
        "rating": "helpful",
    }
    invoke["value"]["action"].update(verb="feedback", data=data)
    reply = teams.post(invoke)
    card = reply.json()["value"]
    assert_valid_card(card)
    assert "Danke" in json.dumps(card, ensure_ascii=False)
