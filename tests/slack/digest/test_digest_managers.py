"""COACH_DIGEST_MANAGERS end to end: signed `/coach digest` commands into the real app, users.info
roles from the fake Slack Web API, subscriptions in a real database."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from bot.services.factory import Services
from bot.services.subscriptions import Schedule
from bot.storage.db import Database
from bot.storage.subscriptions import find_subscription
from tests.fakes.slack_api import Call, FakeSlack
from tests.slack.conftest import Harness, load, running_app, slack_settings

MEMBER, ADMIN, LISTED = "W111", "W222", "U0LISTED1"  # W111: the harness's default user
Start = Callable[[str], Harness]


@pytest.fixture
def start(fake: FakeSlack, services: Services, sqlite_database: Database) -> Iterator[Start]:
    """The app with COACH_DIGEST_MANAGERS set to the given value."""
    with ExitStack() as stack:

        def run(managers: str) -> Harness:
            settings = slack_settings(fake.api_url).model_copy(update={"digest_managers": managers})
            return stack.enter_context(running_app(fake, services, sqlite_database, settings))

        yield run


def answer(slack: Harness) -> tuple[Call, int]:
    """The one ephemeral reply to the last command, and how many users.info calls it took."""
    (found,) = slack.fake.wait_for("response_url")
    slack.fake.wait_quiet()
    assert len(slack.fake.calls("response_url")) == 1
    lookups = len(slack.fake.calls("users.info"))
    slack.fake.state.calls.clear()
    assert found["response_type"] == "ephemeral"
    return found, lookups


def subscribed(slack: Harness, channel: str = "C111") -> bool:
    return find_subscription(slack.deps.database, "T111", channel) is not None


def existing(slack: Harness, channel: str) -> None:
    slack.deps.subscriptions.subscribe(
        "T111", channel, Schedule(), scope="workspace", language="en", user="W999"
    )


def test_everyone_mode_lets_any_member_manage_as_before(start: Start) -> None:
    slack = start("everyone")
    slack.command("digest subscribe")
    found, lookups = answer(slack)
    assert "<#C111> now gets the weekly digest: Mondays at 09:00 (Europe/Rome)" in found.all_text()
    assert lookups == 1, "language and time zone come from one users.info call"
    assert subscribed(slack)
    slack.command("digest list")
    listed, _ = answer(slack)
    assert "<#C111>" in listed.all_text() and "admins" not in listed.all_text()
    slack.command("digest unsubscribe")
    assert "no longer gets the weekly digest" in answer(slack)[0].all_text()
    assert not subscribed(slack)


@pytest.mark.parametrize(
    ("locale", "subscribe", "unsubscribe", "refused", "who"),
    [
        (
            "en-US",
            "digest subscribe friday",
            "digest unsubscribe <#C222|team>",
            "Sorry, you can't change digest subscriptions.",
            "Only workspace admins and owners can subscribe channels to the digest",
        ),
        (
            "de-DE",
            "digest abonnieren freitag",
            "digest abbestellen <#C222|team>",
            "Digest-Abonnements können Sie leider nicht ändern.",
            "Nur Admins und Inhaber des Workspace können Channels für den Digest",
        ),
    ],
)
def test_admins_mode_refuses_a_member_in_their_language(
    start: Start, locale: str, subscribe: str, unsubscribe: str, refused: str, who: str
) -> None:
    slack = start("admins")
    slack.fake.set_locale(MEMBER, locale)
    existing(slack, "C222")
    for command in (subscribe, unsubscribe):
        slack.command(command)
        found, lookups = answer(slack)
        text = found.all_text()
        assert refused in text and who in text and "`/coach digest preview`" in text
        assert "role" not in text.lower() and "Rolle" not in text, "the role was known"
        assert lookups <= 1
    assert not subscribed(slack, "C111"), "the member's subscribe changed nothing"
    assert subscribed(slack, "C222"), "the member's unsubscribe changed nothing"


@pytest.mark.parametrize("role", ["admin", "owner", "primary_owner"])
def test_admins_mode_lets_admins_and_owners_manage(start: Start, role: str) -> None:
    slack = start("admins")
    slack.fake.set_role(ADMIN, role)
    slack.command("digest subscribe", user_id=ADMIN)
    found, lookups = answer(slack)
    assert "now gets the weekly digest" in found.all_text()
    assert lookups == 1, "one users.info call gives language, role and time zone"
    record = find_subscription(slack.deps.database, "T111", "C111")
    assert record is not None and record.created_by == ADMIN
    slack.command("digest unsubscribe", user_id=ADMIN)
    assert "no longer gets the weekly digest" in answer(slack)[0].all_text()
    assert not subscribed(slack)


def test_list_mode_allows_listed_users_and_admins_and_names_them_to_others(start: Start) -> None:
    slack = start(f"{LISTED},U0LISTED2")
    slack.command("digest subscribe", user_id=LISTED)
    assert "now gets the weekly digest" in answer(slack)[0].all_text()
    assert subscribed(slack, "C111")

    slack.fake.set_role(ADMIN, "admin")
    slack.command("digest subscribe <#C222|team>", user_id=ADMIN)
    assert "<#C222> now gets the weekly digest" in answer(slack)[0].all_text()
    assert subscribed(slack, "C222")

    slack.command("digest unsubscribe <#C222|team>", user_id=MEMBER)
    text = answer(slack)[0].all_text()
    assert "Sorry, you can't change digest subscriptions." in text
    assert (
        "Only <@U0LISTED1>, <@U0LISTED2> and the workspace's admins and owners can subscribe"
        in text
    )
    assert subscribed(slack, "C222")

    slack.command("digest unsubscribe", user_id=LISTED)
    assert "no longer gets the weekly digest" in answer(slack)[0].all_text()
    assert not subscribed(slack, "C111")


@pytest.mark.parametrize(
    "failure",
    [
        {"error": "internal_error"},  # ok: false
        {"status": 429, "error": "ratelimited", "retry_after": 60},  # too long to wait out
    ],
    ids=["ok-false", "429"],
)
def test_users_info_failing_refuses_politely_and_logs_one_line(
    start: Start, failure: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    slack = start("admins")
    slack.fake.set_role(ADMIN, "admin")  # an admin, but Slack cannot say so just now
    slack.fake.fail("users.info", **failure)
    with caplog.at_level(logging.INFO, logger="bot"):
        slack.command("digest subscribe", user_id=ADMIN)
        found, lookups = answer(slack)
    text = found.all_text()
    assert "Sorry, you can't change digest subscriptions." in text
    assert "Only workspace admins and owners" in text
    assert "couldn't check your Slack role just now" in text
    assert lookups == 1, "a failed lookup is not repeated within the command"
    assert not subscribed(slack)
    (line,) = [r for r in caplog.records if "admin role is unknown" in r.getMessage()]
    assert line.levelno == logging.WARNING and line.exc_info is None
    assert not [r for r in caplog.records if r.exc_info], "no stack trace"


def test_preview_and_list_stay_open_to_everyone(start: Start) -> None:
    slack = start("admins")
    existing(slack, "C111")
    slack.command("digest preview")
    preview = answer(slack)[0].all_text()
    assert "Preview" in preview and "Sorry" not in preview
    slack.command("digest list")
    listed = answer(slack)[0].all_text()
    assert "<#C111>" in listed
    assert "Only workspace admins and owners can subscribe channels to the digest" in listed


def home(slack: Harness, user: str = MEMBER) -> dict[str, Any]:
    envelope = load("app_mention_event.json")
    envelope.update({"team_id": "T111", "event_id": f"EvHome{user}"})
    envelope["event"] = {"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home"}
    slack.event(envelope)
    (published,) = slack.fake.wait_for("views.publish")
    slack.fake.state.calls.clear()
    view: Any = published["view"]
    return view if isinstance(view, dict) else json.loads(view)


def managers_line(view: dict[str, Any]) -> str | None:
    found = [b for b in view["blocks"] if b.get("block_id") == "digest_managers"]
    return str(found[0]["elements"][0]["text"]) if found else None


@pytest.mark.parametrize(
    ("managers", "locale", "expected"),
    [
        ("everyone", "en-US", None),
        (
            "admins",
            "it-IT",
            "Solo gli amministratori e i proprietari del workspace possono iscrivere i canali "
            "al digest o cancellarli.",
        ),
        (
            "U0LISTED1",
            "en-US",
            "Only <@U0LISTED1> and the workspace's admins and owners can subscribe channels to "
            "the digest or unsubscribe them.",
        ),
    ],
)
def test_app_home_says_who_may_manage_subscriptions(
    start: Start, managers: str, locale: str, expected: str | None
) -> None:
    slack = start(managers)
    slack.fake.set_locale(MEMBER, locale)
    existing(slack, "C111")
    view = home(slack)
    (section,) = [b for b in view["blocks"] if b.get("block_id") == "digest_subscriptions"]
    assert "<#C111>" in section["text"]["text"]
    assert managers_line(view) == expected
