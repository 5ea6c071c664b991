"""`/coach digest`, App Home, usage and feedback records, end to end: signed requests into the
real app, a fake Slack Web API, a real database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from sqlalchemy import select

from bot.services.factory import Services
from bot.storage.db import Database
from bot.storage.records import activity
from bot.storage.schema import FeedbackRow, UsageEvent
from bot.storage.subscriptions import find_subscription, list_subscriptions
from tests.fakes.slack_api import Call, FakeSlack
from tests.slack.conftest import Harness, load, mention_envelope, running_app, slack_settings

DRAFT = (
    "Our launch plan: social media is free, so no budget is needed, and we expect sales to "
    "double in the first week."
)


@pytest.fixture
def slack(fake: FakeSlack, services: Services, sqlite_database: Database) -> Iterator[Harness]:
    """Commands and pages on SQLite; what must hold across processes runs on both databases."""
    with running_app(fake, services, sqlite_database) as harness:
        yield harness


def reply(slack: Harness) -> Call:
    (found,) = slack.fake.wait_for("response_url")
    slack.fake.wait_quiet()
    assert len(slack.fake.calls("response_url")) == 1
    slack.fake.state.calls.clear()
    return found


def test_subscribe_defaults_to_monday_9_in_the_subscribers_zone(slack: Harness) -> None:
    slack.command("digest subscribe")
    text = reply(slack).all_text()
    assert "<#C111> now gets the weekly digest: Mondays at 09:00 (Europe/Rome)" in text
    assert "/invite @coach" in text
    record = find_subscription(slack.deps.database, "T111", "C111")
    assert record is not None
    assert (record.weekday, record.hour, record.minute, record.timezone) == (0, 9, 0, "Europe/Rome")
    assert (record.scope, record.language, record.created_by) == ("workspace", "en", "W111")


def test_subscribe_another_channel_with_options_in_german(slack: Harness) -> None:
    slack.fake.set_locale("W111", "de-DE")
    slack.command("digest abonnieren <#C222|marketing> freitag 16:30 Europe/Berlin kanal")
    text = reply(slack).all_text()
    assert "<#C222> bekommt jetzt den wöchentlichen Digest: freitags um 16:30" in text
    assert "nur dieser Channel" in text
    record = find_subscription(slack.deps.database, "T111", "C222")
    assert record is not None and (record.weekday, record.scope, record.language) == (
        4,
        "channel",
        "de",
    )
    slack.command("digest subscribe <#C222|marketing> monday 8:00 UTC en")
    assert "Changed the digest of <#C222>" in reply(slack).all_text()
    assert len(list_subscriptions(slack.deps.database, "T111")) == 1


@pytest.mark.parametrize(
    ("argument", "locale", "expected"),
    [
        ("digest subscribe someday", "en-US", "I didn't understand “someday”"),
        ("digest subscribe Mars/Olympus", "de-DE", "„Mars/Olympus“ ist keine Zeitzone"),
        ("digest sottoscrivi", "it-IT", "Non ho capito «sottoscrivi»"),
        ("digest subscribe <!here>", "en-US", "“&lt;!here&gt;”"),
    ],
)
def test_bad_arguments_get_the_usage_line_in_the_users_language(
    slack: Harness, argument: str, locale: str, expected: str
) -> None:
    slack.fake.set_locale("W111", locale)
    slack.command(argument)
    text = reply(slack).all_text()
    assert expected in text and "/coach digest subscribe [#" in text
    assert "<!here>" not in text
    assert list_subscriptions(slack.deps.database) == []


def test_a_dm_is_not_a_channel_for_a_digest(slack: Harness) -> None:
    slack.command("digest subscribe", channel_id="D0DIRECT")
    assert "Digests go to channels" in reply(slack).all_text()
    assert list_subscriptions(slack.deps.database) == []


def test_list_and_unsubscribe_stay_in_the_workspace(slack: Harness) -> None:
    slack.command("digest subscribe")
    reply(slack)
    slack.command("digest subscribe", team_id="T999", channel_id="C999")
    reply(slack)
    slack.command("digest list")
    listed = reply(slack).all_text()
    assert "<#C111>" in listed and "C999" not in listed
    slack.command("digest unsubscribe <#C999|theirs>")
    assert "has no digest subscription" in reply(slack).all_text()
    assert find_subscription(slack.deps.database, "T999", "C999") is not None
    slack.command("digest unsubscribe")
    assert "no longer gets the weekly digest" in reply(slack).all_text()
    slack.command("digest list")
    assert "No channel gets the weekly digest yet" in reply(slack).all_text()


def test_checks_and_questions_are_recorded_without_their_text(slack: Harness) -> None:
    slack.command(f"check {DRAFT}")
    reply(slack)
    slack.command("ask is social media only for marketing?")
    reply(slack)
    slack.event(
        mention_envelope("<@UBOT> why does our ROI not show after a month?", channel="C333")
    )
    slack.fake.wait_for("chat.postMessage")
    slack.fake.wait_quiet()
    with slack.deps.database.transaction() as session:
        rows = session.execute(select(UsageEvent.kind, UsageEvent.channel, UsageEvent.text)).all()
    assert sorted(rows) == [
        ("check", "C111", None),
        ("question", "C111", None),
        ("question", "C333", None),
    ]
    now = datetime.now(UTC)
    found = activity(slack.deps.database, "T111", None, now - timedelta(days=1), now)
    assert found.checks == 1 and found.traps, "the check's traps were counted"


def test_feedback_is_stored_with_its_workspace_and_channel(slack: Harness) -> None:
    slack.command(f"check {DRAFT}")
    review = reply(slack)
    button = next(
        e
        for b in review.blocks()
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "coach_feedback_false_alarm"
    )
    click = load("block_actions.json")
    click["actions"][0].update({"action_id": button["action_id"], "value": button["value"]})
    click["response_url"] = slack.fake.response_url("click")
    slack.interaction(click)
    slack.fake.wait_for("response_url")
    with slack.deps.database.transaction() as session:
        (row,) = session.scalars(select(FeedbackRow))
        assert (row.rating, row.workspace, row.subject) == ("false_alarm", "T111", "review")
        assert row.topics


def test_preview_shows_this_weeks_figures_only_to_the_asker(slack: Harness) -> None:
    slack.command(f"check {DRAFT}")
    reply(slack)
    slack.command(f"check {DRAFT}", team_id="T999")  # another workspace's check
    reply(slack)
    slack.command("digest preview")
    preview = reply(slack)
    assert preview["response_type"] == "ephemeral"
    for raw in preview.blocks():
        Block.parse(raw).validate_json()  # type: ignore[union-attr]
    text = preview.all_text()
    assert "Drafts checked: *1*" in text and "Preview" in text
    assert slack.fake.calls("chat.postMessage") == [], "a preview posts nothing"


def test_app_home_lists_only_the_workspaces_subscriptions(slack: Harness) -> None:
    slack.command("digest subscribe friday 10:00")
    reply(slack)
    slack.command("digest subscribe", team_id="T999", channel_id="C999")
    reply(slack)

    def home(team: str) -> str:
        envelope = load("app_mention_event.json")
        envelope.update({"team_id": team, "event_id": f"EvHome{team}"})
        envelope["event"] = {
            "type": "app_home_opened",
            "user": "W222",
            "channel": "D111",
            "tab": "home",
        }
        slack.event(envelope)
        (published,) = slack.fake.wait_for("views.publish")
        slack.fake.state.calls.clear()
        view: Any = published["view"]
        view = view if isinstance(view, dict) else json.loads(view)
        (section,) = [b for b in view["blocks"] if b.get("block_id") == "digest_subscriptions"]
        return str(section["text"]["text"])

    assert (
        home("T111") == "• <#C111> — Fridays at 10:00 (Europe/Rome), the whole workspace, English"
    )
    assert (
        home("T999") == "• <#C999> — Mondays at 09:00 (Europe/Rome), the whole workspace, English"
    )
    assert "No channel" in home("T555")


def test_two_app_processes_sharing_one_database_reply_once(
    fake: FakeSlack, services: Services, database: Database
) -> None:
    """Slack re-delivers an event it thinks was lost — here to the other replica."""
    envelope = mention_envelope(
        "<@UBOT> is social media free?", event_id="EvShared", ts="1700000200.000100"
    )
    with (
        running_app(fake, services, database) as first,
        running_app(fake, services, database) as second,
    ):
        assert first.event(envelope).status == 200
        assert second.event(envelope, retry=1).status == 200
        twin = mention_envelope(
            "<@UBOT> is social media free?",
            event_id="EvTwin",
            ts="1700000200.000100",
            kind="message",
        )
        assert second.event(twin).status == 200
        fake.wait_for("chat.postMessage")
        fake.wait_quiet(0.5)
    assert len(fake.calls("chat.postMessage")) == 1


@pytest.mark.parametrize("delete", [True, False])
def test_uninstall_deletes_the_workspaces_data_only_when_asked(
    fake: FakeSlack, services: Services, database: Database, delete: bool
) -> None:
    settings = slack_settings(fake.api_url).model_copy(update={"delete_data_on_uninstall": delete})
    with running_app(fake, services, database, settings) as slack:
        slack.command(f"check {DRAFT}")
        slack.command("digest subscribe")
        slack.command("digest subscribe", team_id="T999", channel_id="C999")
        fake.wait_for("response_url", 3)
        envelope = load("app_mention_event.json")
        envelope.update({"event_id": "EvGone", "team_id": "T111"})
        envelope["event"] = {"type": "app_uninstalled", "event_ts": "1700000300.000100"}
        assert slack.event(envelope).status == 200
        slack.deps.executor.shutdown(wait=True)
    kept = {s.workspace for s in list_subscriptions(database)}
    assert kept == ({"T999"} if delete else {"T111", "T999"})
    now = datetime.now(UTC)
    checks = activity(
        database, "T111", None, now - timedelta(days=1), now + timedelta(seconds=1)
    ).checks
    assert checks == (0 if delete else 1)
